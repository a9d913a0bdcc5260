//! The sync protocol's wire types: see `docs/sync.md`. Plain serde types, no
//! I/O. Secret values appear only in [`PushChange::secrets`], whose Debug
//! output is masked.

#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

pub mod admin;
pub mod events;
mod lenient;
mod report;
pub use lenient::{Lenient, WireName};
pub use report::SyncReport;
pub use switchboard_domain::{ExpiryDates, LogLevel, Status};

/// Most changes in one push batch.
pub const MAX_PUSH_CHANGES: usize = 500;
/// Default and largest page of a pull.
pub const DEFAULT_PULL_LIMIT: i64 = 500;
pub const MAX_PULL_LIMIT: i64 = 1000;
/// Most log lines in one push batch.
pub const MAX_PUSH_LOGS: usize = 2000;

/// Field names used in `set`, `field_revs` and conflicts.
pub use switchboard_domain::field;

/// A website as pushed and pulled, or its deletion (`deleted`, with only
/// `uid` meaningful).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncWebsite {
    pub uid: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub domain: String,
    /// Set in pull answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    /// Pushed: delete this website (refused while the server has
    /// integrations on it). Pulled: the website was deleted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// Pushed: create the website only if the server does not have it (or
    /// deleted it); never changes an existing one. Sent along with changes
    /// that point at the website.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub if_missing: bool,
}

/// One line of an integration's activity log, as pushed and pulled. Never
/// holds a secret value (the logs never do).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncLog {
    /// The line's own uid (a UUID), the same everywhere.
    pub uid: String,
    /// The integration's uid.
    pub integration: String,
    /// `success`, `error`, `warning` or `info` (a line of a level this
    /// build does not know is dropped, not the whole batch).
    pub level: Lenient<LogLevel>,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub details: Value,
    pub created_at: String,
    /// Set in pull answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
}

/// One pulled integration change: the record as it is now, or its deletion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PulledIntegration {
    pub uid: String,
    pub seq: i64,
    #[serde(default)]
    pub deleted: bool,
    pub revision: i64,
    /// The server's own id (its REST APIs), absent for deletions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub integration_type: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub is_active: bool,
    #[serde(default)]
    pub config: Map<String, Value>,
    /// Secret key -> masked value (last 4). Never plaintext.
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
    #[serde(default)]
    pub field_revs: BTreeMap<String, i64>,
    /// The integration's health (an unknown name reads as `pending`).
    #[serde(default)]
    pub status: Lenient<Status>,
    #[serde(default)]
    pub last_sync_at: Option<String>,
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub error_count: i64,
    #[serde(default)]
    pub updated_at: String,
    /// When each secret was set and the stated expiry (dates only).
    #[serde(flatten)]
    pub dates: ExpiryDates,
    /// When it was moved to the Trash (RFC 3339, UTC); absent or null when
    /// it is not in the Trash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trashed_at: Option<String>,
}

/// An integration's health as the server holds it: part of its answer to
/// `GET /api/integrations/<id>/` (read after a connection test it ran).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerHealth {
    /// An unknown name reads as `pending`.
    pub status: Lenient<Status>,
    #[serde(default)]
    pub last_sync_at: Option<String>,
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub error_count: i64,
}

/// `GET /api/v1/sync/pull` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PullPage {
    #[serde(default)]
    pub websites: Vec<SyncWebsite>,
    #[serde(default)]
    pub changes: Vec<PulledIntegration>,
    /// Log lines of integrations the user can see.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<SyncLog>,
    pub next: i64,
    pub more: bool,
}

/// One integration change in a push.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PushChange {
    pub uid: String,
    /// The server revision the laptop last saw; 0 for a record the server
    /// never had.
    pub base_revision: i64,
    /// Needed when creating (base_revision 0).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub integration_type: String,
    /// Non-secret fields: `name`, `description`, `provider`, `is_active`,
    /// `website`, `trashed_at` (a timestamp, or null to restore),
    /// `config.<key>`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub set: Map<String, Value>,
    /// Secret fields, plaintext, by key (without the `secret.` prefix).
    /// Travel laptop -> server only, over HTTPS or to localhost.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delete: bool,
    /// When each secret sent in `secrets` was set on the laptop, and the
    /// expiry it recorded (dates only).
    #[serde(flatten)]
    pub dates: ExpiryDates,
}

impl fmt::Debug for PushChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PushChange")
            .field("uid", &self.uid)
            .field("base_revision", &self.base_revision)
            .field("integration_type", &self.integration_type)
            .field("set", &self.set)
            .field("secrets", &self.secrets.keys().collect::<Vec<_>>())
            .field("delete", &self.delete)
            .field("dates", &self.dates)
            .finish()
    }
}

/// `POST /api/v1/sync/push` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PushBatch {
    pub batch_id: String,
    /// The laptop's stable id (a UUID kept in its store). The server remembers
    /// it as the last writer of what this batch changed, and a pull with
    /// `client=<id>` leaves out records whose last change came from that
    /// laptop (it has them already).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default)]
    pub websites: Vec<SyncWebsite>,
    #[serde(default)]
    pub changes: Vec<PushChange>,
    /// Log lines written on the laptop, applied after `changes` (at most
    /// [`MAX_PUSH_LOGS`]). Lines of integrations the server does not have
    /// (or the user cannot see) are dropped; a line already stored (same
    /// uid) is not stored twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<SyncLog>,
}

/// What happened to one pushed change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushOutcome {
    /// Everything applied.
    Applied,
    /// Some fields conflicted (listed); the others were applied.
    Merged,
    /// Nothing applied: every field conflicted.
    Conflict,
    /// The record was deleted on the server; nothing deleted comes back.
    Gone,
    /// The push deleted it.
    Deleted,
    /// Refused by validation; `message` and `fields` say why.
    Invalid,
}

/// A field changed on both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    pub field: String,
    /// The server's value (secrets masked to the last 4).
    pub theirs: Value,
    /// The server revision holding `theirs`.
    pub revision: i64,
}

/// The answer for one pushed change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResult {
    pub uid: String,
    pub outcome: PushOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FieldConflict>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

/// `POST /api/v1/sync/push` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PushAnswer {
    pub batch_id: String,
    pub results: Vec<PushResult>,
    /// Website deletions the server refused (the website stays).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub websites_refused: Vec<WebsiteRefusal>,
    /// Log lines of the batch newly stored (the others were known already
    /// or dropped). Every log line of an answered batch is done.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub logs_stored: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A pushed website deletion the server refused, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebsiteRefusal {
    pub uid: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn push_debug_hides_secret_values() {
        let mut c = PushChange {
            uid: "u".into(),
            ..PushChange::default()
        };
        c.secrets.insert("api_key".into(), "SG.very-secret".into());
        let shown = format!("{c:?}");
        assert!(shown.contains("api_key"));
        assert!(!shown.contains("very-secret"));
    }

    #[test]
    fn wire_shapes_match_the_doc() {
        let page: PullPage = serde_json::from_value(json!({
            "websites": [{"uid": "w", "name": "Shop", "domain": "shop.example.com", "seq": 12}],
            "changes": [{"uid": "a", "seq": 41, "deleted": true, "revision": 7}],
            "next": 41, "more": false
        }))
        .unwrap();
        assert!(page.changes[0].deleted);
        let r: PushResult = serde_json::from_value(json!({
            "uid": "a", "outcome": "merged", "revision": 6,
            "conflicts": [{"field": "name", "theirs": "x", "revision": 6}]
        }))
        .unwrap();
        assert_eq!(r.outcome, PushOutcome::Merged);
        assert_eq!(field::secret("k"), "secret.k");
        // Additive fields: old answers and pages still read, and defaults
        // stay off the wire.
        let a: PushAnswer =
            serde_json::from_value(json!({"batch_id": "b", "results": []})).unwrap();
        assert!(a.websites_refused.is_empty() && a.logs_stored == 0);
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            json!({"batch_id": "b", "results": []})
        );
        assert!(page.logs.is_empty() && !page.websites[0].deleted);
        let w = SyncWebsite {
            uid: "w".into(),
            name: "Shop".into(),
            ..SyncWebsite::default()
        };
        assert_eq!(
            serde_json::to_value(&w).unwrap(),
            json!({"uid": "w", "name": "Shop", "domain": ""})
        );
        let gone: SyncWebsite =
            serde_json::from_value(json!({"uid": "w", "deleted": true})).unwrap();
        assert!(gone.deleted);
        let b = PushBatch::default();
        assert!(serde_json::to_value(&b).unwrap().get("logs").is_none());
        assert!(field::is_secret("secret.k"));
    }
}
