//! What a list or detail view shows: shared by the store, which produces
//! it, and the desktop IPC, which carries it to the UI unchanged.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the store shows of a secret field: never the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SecretView {
    /// The value is stored; `masked` shows its last 4 characters.
    Set {
        /// The masked value.
        masked: String,
    },
    /// The stored value failed to open.
    Undecryptable {
        /// Why, for the user.
        message: String,
    },
}

/// Which website an integration list covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope", content = "id")]
pub enum WebsiteScope {
    /// All integrations.
    #[default]
    Any,
    /// Only global ones (no website).
    Global,
    /// Only those of one website.
    Website(String),
}

/// Sort order for lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Newest first (the APIs' order).
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// By name, A to Z.
    Name,
    /// By type, then name.
    Type,
    /// By status, then name.
    Status,
    /// Most recently changed first.
    Updated,
}

/// Totals by type and status, as the first document's stats endpoint gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// All integrations.
    pub total: i64,
    /// With the active toggle on.
    pub active: i64,
    /// With the active toggle off.
    pub inactive: i64,
    /// With status error.
    pub error: i64,
    /// Per type (every catalog type present, zero when none).
    pub by_type: BTreeMap<String, i64>,
    /// Per status (all four present).
    pub by_status: BTreeMap<String, i64>,
}

impl SortKey {
    /// Every order with its label, as the list's select shows them.
    pub const ALL: [(SortKey, &'static str); 6] = [
        (SortKey::Newest, "Newest first"),
        (SortKey::Oldest, "Oldest first"),
        (SortKey::Name, "Name A-Z"),
        (SortKey::Type, "Type"),
        (SortKey::Status, "Status"),
        (SortKey::Updated, "Recently changed"),
    ];
}
