//! The Trash: deleting an integration moves it here for [`TRASH_DAYS`]
//! days, restorable, before it is deleted for good. The one place the 30
//! days are written; the laptop store and the team server both read it.

use serde::{Deserialize, Serialize};

/// How many days an integration stays in the Trash before it is deleted
/// for good (by the laptop store when it opens, and by the server's sweep).
pub const TRASH_DAYS: i64 = 30;

/// [`TRASH_DAYS`] in seconds.
pub const TRASH_SECONDS: i64 = TRASH_DAYS * 24 * 60 * 60;

/// What the answer to a delete says, wherever it is shown.
pub const MOVED_TO_TRASH: &str = "Moved to Trash - you can restore it for 30 days";

/// One integration in the Trash, as the Trash page and `switchboard trash
/// list` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrashedIntegration {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The catalog type.
    pub integration_type: String,
    /// The catalog provider.
    pub provider: String,
    /// Its website, or None for a global one.
    pub website_id: Option<String>,
    /// When it was moved to the Trash (RFC 3339, UTC).
    pub trashed_at: String,
    /// Whole days left before it is deleted for good (0 on its last day).
    pub days_left: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_days_in_seconds_and_in_the_message() {
        assert_eq!(TRASH_SECONDS, 2_592_000);
        assert!(MOVED_TO_TRASH.contains(&TRASH_DAYS.to_string()));
    }
}
