//! What a sync run did: the engine's report, which the app shows as it is.

use serde::{Deserialize, Serialize};

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Changes the server applied whole.
    pub pushed: usize,
    /// Changes applied in part (some fields conflicted).
    pub merged: usize,
    /// Fields changed on both sides, waiting for the user.
    pub conflicts: usize,
    /// Local changes to records deleted on the server (dropped: deletion wins).
    pub gone: usize,
    /// Deletions sent.
    pub deleted: usize,
    /// Changes the server refused as invalid (kept here, logged).
    pub invalid: usize,
    /// Records received (new or changed).
    pub pulled: usize,
    /// Deletions received.
    pub pulled_deleted: usize,
    /// Websites received.
    pub websites_pulled: usize,
    /// Website deletions the server refused (it still has integrations on
    /// them): the website comes back here.
    pub websites_refused: usize,
    /// Website deletions received (websites removed here).
    pub websites_deleted: usize,
    /// Website deletions received but kept here because integrations here
    /// still use them (pushed again: nothing is lost).
    pub websites_kept: usize,
    /// Log lines sent (integration activity).
    pub logs_pushed: usize,
    /// Log lines received.
    pub logs_pulled: usize,
    /// Push batches sent.
    pub batches: usize,
    pub elapsed_ms: u64,
}
