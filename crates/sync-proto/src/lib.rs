//! The sync protocol's wire types: see `docs/sync.md`. Plain serde types, no
//! I/O. Secret values appear only in [`PushChange::secrets`], whose Debug
//! output is masked.

#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// Most changes in one push batch.
pub const MAX_PUSH_CHANGES: usize = 500;
/// Default and largest page of a pull.
pub const DEFAULT_PULL_LIMIT: i64 = 500;
pub const MAX_PULL_LIMIT: i64 = 1000;

/// Field names used in `set`, `field_revs` and conflicts.
pub mod field {
    pub const NAME: &str = "name";
    pub const DESCRIPTION: &str = "description";
    pub const PROVIDER: &str = "provider";
    pub const IS_ACTIVE: &str = "is_active";
    pub const WEBSITE: &str = "website";
    pub const CONFIG_PREFIX: &str = "config.";
    pub const SECRET_PREFIX: &str = "secret.";

    /// `config.<key>`.
    pub fn config(key: &str) -> String {
        format!("{CONFIG_PREFIX}{key}")
    }

    /// `secret.<key>`.
    pub fn secret(key: &str) -> String {
        format!("{SECRET_PREFIX}{key}")
    }

    /// True for `secret.<key>` names.
    pub fn is_secret(name: &str) -> bool {
        name.starts_with(SECRET_PREFIX)
    }
}

/// A website as pushed and pulled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncWebsite {
    pub uid: String,
    pub name: String,
    #[serde(default)]
    pub domain: String,
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
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub last_sync_at: Option<String>,
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub error_count: i64,
    #[serde(default)]
    pub updated_at: String,
}

/// `GET /api/v1/sync/pull` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PullPage {
    #[serde(default)]
    pub websites: Vec<SyncWebsite>,
    #[serde(default)]
    pub changes: Vec<PulledIntegration>,
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
    /// `website`, `config.<key>`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub set: Map<String, Value>,
    /// Secret fields, plaintext, by key (without the `secret.` prefix).
    /// Travel laptop -> server only, over HTTPS or to localhost.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delete: bool,
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
        assert!(field::is_secret("secret.k"));
    }
}
