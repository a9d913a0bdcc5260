//! The activity feed's commands: a page of the feed, and its CSV export.

use serde::{Deserialize, Serialize};

pub use switchboard_domain::activity::{
    ActivityLine, ActivityPage, ActivityQuery, ACTIVITY_PAGE_SIZE, ACTIVITY_WITHIN,
};

/// Export every line the query matches as CSV.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityExport {
    /// The feed's filters (the page is ignored: every matching line goes).
    pub query: ActivityQuery,
    /// Where; empty for `switchboard-activity-<date>.csv` in Documents (or
    /// home); `~/` is the home folder.
    #[serde(default)]
    pub path: String,
}

/// An export written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityExported {
    /// Where it is.
    pub path: String,
    /// Lines written (the header not counted).
    pub lines: u64,
}
