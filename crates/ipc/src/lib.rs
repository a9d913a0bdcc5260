//! The desktop app's IPC contract: every request, answer and error that
//! crosses between the Tauri commands (`src-tauri/src/commands/`) and the Yew
//! UI (`ui/src/ipc.rs`). Command names live here too, so neither side spells
//! them twice. Plain serde types: this crate builds for native and wasm32.

#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// The names of the app's commands, as `build.rs` lists them and the UI calls them.
pub mod cmd {
    pub const APP_INFO: &str = "app_info";
    pub const VAULT_STATUS: &str = "vault_status";
    pub const SETUP_VAULT: &str = "setup_vault";
    pub const UNLOCK: &str = "unlock";
    pub const LOCK: &str = "lock";
    pub const LIST_INTEGRATIONS: &str = "list_integrations";
    pub const TYPE_OVERVIEW: &str = "type_overview";
    pub const GET_INTEGRATION: &str = "get_integration";
    pub const CREATE_INTEGRATION: &str = "create_integration";
    pub const UPDATE_INTEGRATION: &str = "update_integration";
    pub const SET_ACTIVE: &str = "set_active";
    pub const DELETE_INTEGRATION: &str = "delete_integration";
    pub const REVEAL_SECRET: &str = "reveal_secret";
    pub const TEST_INTEGRATION: &str = "test_integration";
    pub const INTEGRATION_LOGS: &str = "integration_logs";
    pub const STATS: &str = "stats";
    pub const WEBSITES: &str = "websites";
    pub const CREATE_WEBSITE: &str = "create_website";
}

/// An error as the UI receives it: a stable code, a message for people, and
/// per-field messages for forms (empty unless `code` is `validation`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpcError {
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

impl IpcError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        IpcError {
            code: code.into(),
            message: message.into(),
            fields: BTreeMap::new(),
        }
    }
}

impl fmt::Display for IpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IpcError {}

/// The app's name and version, shown in the footer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
}

/// The vault's state, for the lock screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultState {
    pub initialized: bool,
    pub unlocked: bool,
    pub uses_keyring: bool,
    pub has_passphrase: bool,
    /// Whether this app may use the OS keyring at all (off under tests).
    pub keyring_allowed: bool,
}

/// First run: create the vault.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupRequest {
    pub passphrase: String,
    /// Also keep the key in the OS keyring (falls back to the passphrase alone
    /// when the keyring is unavailable).
    pub use_keyring: bool,
}

/// What first run answers: the recovery key, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupAnswer {
    pub recovery_key: String,
    pub uses_keyring: bool,
}

/// How to unlock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum UnlockRequest {
    Keyring,
    Passphrase { passphrase: String },
    RecoveryKey { recovery_key: String },
}

/// An integration's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Inactive,
    Error,
    Pending,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Active,
        Status::Inactive,
        Status::Error,
        Status::Pending,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Inactive => "inactive",
            Status::Error => "error",
            Status::Pending => "pending",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// Which website a list covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope", content = "id")]
pub enum WebsiteScope {
    #[default]
    Any,
    Global,
    Website(String),
}

/// List order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Name,
    Type,
    Status,
    Updated,
}

impl Sort {
    pub const ALL: [(Sort, &'static str); 6] = [
        (Sort::Newest, "Newest first"),
        (Sort::Oldest, "Oldest first"),
        (Sort::Name, "Name A-Z"),
        (Sort::Type, "Type"),
        (Sort::Status, "Status"),
        (Sort::Updated, "Recently changed"),
    ];
}

/// One page of the integrations list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub integration_type: Option<String>,
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub website: WebsiteScope,
    #[serde(default)]
    pub sort: Sort,
    pub limit: i64,
    pub offset: i64,
}

/// One row of the list; no secret is decrypted for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationRow {
    pub id: String,
    pub website_id: Option<String>,
    pub integration_type: String,
    pub provider: String,
    pub name: String,
    pub description: String,
    pub status: Status,
    pub is_active: bool,
    pub last_sync_at: Option<String>,
    pub last_error: Option<String>,
    pub error_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A page of rows and how many match in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage {
    pub total: i64,
    pub rows: Vec<IntegrationRow>,
}

/// Per integration type: how many, and their health, for the cards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeOverview {
    pub integration_type: String,
    pub total: i64,
    pub active: i64,
    pub errors: i64,
}

/// What the UI sees of a stored secret: never the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SecretView {
    Set { masked: String },
    Undecryptable { message: String },
}

/// One integration with its public settings and masked secrets, for the edit form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationDetail {
    pub id: String,
    pub website_id: Option<String>,
    pub integration_type: String,
    pub provider: String,
    pub name: String,
    pub description: String,
    pub status: Status,
    pub is_active: bool,
    pub config: Map<String, Value>,
    pub secrets: BTreeMap<String, SecretView>,
    pub last_sync_at: Option<String>,
    pub last_error: Option<String>,
    pub error_count: i64,
    pub updated_at: String,
}

/// A new integration from the form: public and secret values together.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateRequest {
    pub integration_type: String,
    pub provider: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub website_id: Option<String>,
    pub values: Map<String, Value>,
}

/// A change from the edit form. Secret keys absent from `values` keep their
/// stored value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateRequest {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub provider: String,
    #[serde(default)]
    pub website_id: Option<String>,
    pub values: Map<String, Value>,
}

/// The active toggle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetActiveRequest {
    pub id: String,
    pub active: bool,
}

/// Which secret to reveal (the store logs every reveal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealRequest {
    pub id: String,
    pub field: String,
}

/// A connection check's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestAnswer {
    /// False while connection checks are not wired in.
    pub available: bool,
    pub ok: bool,
    pub message: String,
}

/// An activity log line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub id: i64,
    pub level: String,
    pub message: String,
    pub details: Value,
    pub created_at: String,
}

/// Totals by type and status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub total: i64,
    pub active: i64,
    pub inactive: i64,
    pub error: i64,
    pub by_type: BTreeMap<String, i64>,
    pub by_status: BTreeMap<String, i64>,
}

/// A website scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Website {
    pub id: String,
    pub name: String,
    pub domain: String,
}

/// A new website.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWebsite {
    pub name: String,
    pub domain: String,
}

/// A request naming one integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRequest {
    pub id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlock_request_is_tagged_by_method() {
        let json = serde_json::to_value(UnlockRequest::Passphrase {
            passphrase: "pw".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"method": "passphrase", "passphrase": "pw"})
        );
    }

    #[test]
    fn website_scope_matches_the_store_shape() {
        let json = serde_json::to_value(WebsiteScope::Website("w1".into())).unwrap();
        assert_eq!(json, serde_json::json!({"scope": "website", "id": "w1"}));
        let json = serde_json::to_value(WebsiteScope::Any).unwrap();
        assert_eq!(json, serde_json::json!({"scope": "any"}));
    }

    #[test]
    fn errors_carry_fields() {
        let e: IpcError =
            serde_json::from_str(r#"{"code":"validation","message":"m","fields":{"a":"b"}}"#)
                .unwrap();
        assert_eq!(e.fields.get("a").map(String::as_str), Some("b"));
    }
}
