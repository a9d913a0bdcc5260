//! The desktop app's IPC contract: every request, answer and error that
//! crosses between the Tauri commands (`src-tauri/src/commands/`) and the Yew
//! UI (`ui/src/ipc.rs`). The commands themselves are declared once, in
//! [`cmd`]: name, request and answer. Plain serde types: this crate builds for native and wasm32.

#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

mod activity;
mod events;
mod redact;
mod troubleshoot;
mod upkeep;

pub mod cmd;

pub use activity::{
    ActivityExport, ActivityExported, ActivityLine, ActivityPage, ActivityQuery,
    ACTIVITY_PAGE_SIZE, ACTIVITY_WITHIN,
};

pub use events::{
    describe_receives, receives_label, EventsPage, EventsRequest, Receiver, WebhookEvent,
};
pub use troubleshoot::{TroubleshootAnswer, TroubleshootFinding};

pub use upkeep::{
    BackupRequest, BackupWritten, KeptBoth, PassphraseChange, PassphraseProof, RecoveryAnswer,
    RestoreApply, RestoreChoice, RestoreChoices, RestoreCounts, RestoreItem, RestoreKind,
    RestoreOpen, RestorePreview, RestoreReport, WebsiteKind, WebsitePreview,
};

/// The team admin API's answers, shown as they come (one declaration, in
/// the wire crate).
pub use switchboard_sync_proto::admin::{
    AuditActor, AuditQuery, AuditRecord, TeamSession, TeamUser, TeamWebsite,
};

/// A page of the audit log.
pub type AuditPage = switchboard_sync_proto::admin::ListPage<AuditRecord>;

/// The Team page's data: the people, the server's websites to give them,
/// and who is signed in here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub me: Option<String>,
    pub users: Vec<TeamUser>,
    pub websites: Vec<TeamWebsite>,
}

/// Add a person to the team server.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPerson {
    pub email: String,
    /// Their first password (give it to them; they may change it later).
    pub password: String,
    /// "admin", "member" or "viewer".
    pub role: String,
    #[serde(default)]
    pub websites: Vec<i64>,
}

/// Change a person; None leaves that part as it is.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonUpdate {
    pub id: i64,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub websites: Option<Vec<i64>>,
    #[serde(default)]
    pub disabled: Option<bool>,
    /// A new password: all their sign-ins end.
    #[serde(default)]
    pub password: Option<String>,
}

/// One person on the team server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub id: i64,
}

/// End one of a person's sign-ins, or all (`session` None).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeRequest {
    pub user: i64,
    #[serde(default)]
    pub session: Option<String>,
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

    /// A `validation` error: `message`, and what is wrong with one `field`.
    pub fn invalid(message: impl Into<String>, field: &str, text: impl Into<String>) -> Self {
        let mut e = IpcError::new("validation", message);
        e.fields.insert(field.into(), text.into());
        e
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

/// What the app knows of a newer version of itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateStatus {
    /// The version running now.
    pub current: String,
    /// A newer, signed release the team server offers for this install.
    pub available: Option<UpdateOffer>,
    /// Why there is nothing to look at or offer (no team server, not
    /// installed from a package, the server cannot be reached), in words.
    pub note: Option<String>,
}

/// A newer release on the team server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateOffer {
    pub version: String,
    pub notes: Option<String>,
    /// When it was published (RFC 3339), when the server says.
    pub date: Option<String>,
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
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupRequest {
    pub passphrase: String,
    /// Also keep the key in the OS keyring (falls back to the passphrase alone
    /// when the keyring is unavailable).
    pub use_keyring: bool,
}

/// What first run answers: the recovery key, shown once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupAnswer {
    pub recovery_key: String,
    pub uses_keyring: bool,
}

/// How to unlock.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum UnlockRequest {
    Keyring,
    Passphrase { passphrase: String },
    RecoveryKey { recovery_key: String },
}

pub use switchboard_domain::{
    Attention, CheckKind, ExpiryDates, LogLevel, OutcomeKind, Rotation, SecretView,
    SortKey as Sort, Stats, Status, TrashedIntegration, WebsiteScope, MOVED_TO_TRASH, TRASH_DAYS,
};

/// Rows per page of the integrations list.
pub const LIST_PAGE_SIZE: i64 = 50;

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
    /// Only those that need attention (expiry near or past, a secret older
    /// than its rotation period under the settings).
    #[serde(default)]
    pub needs_attention: bool,
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
    /// Why it needs attention now under the settings' rotation periods.
    #[serde(default)]
    pub attention: Option<Attention>,
}

impl ListQuery {
    /// The list as it opens: the first page, newest first, filtered to the
    /// settings' default website when there is one.
    pub fn opening(default_website: Option<&str>) -> ListQuery {
        ListQuery {
            limit: LIST_PAGE_SIZE,
            website: default_website.map_or(WebsiteScope::Any, |w| WebsiteScope::Website(w.into())),
            ..ListQuery::default()
        }
    }
}

/// Everything the first screen needs, in one answer (one IPC round trip
/// while the webview is still busy starting).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Boot {
    pub vault: VaultState,
    pub settings: Settings,
    /// When the vault is unlocked: the home page's data.
    pub first: Option<FirstScreen>,
}

/// The home page's data as it opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstScreen {
    /// The query `list` answers ([`ListQuery::opening`]).
    pub query: ListQuery,
    pub list: ListPage,
    pub overview: Vec<TypeOverview>,
    pub websites: Vec<Website>,
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
    /// How many need attention (expiry, rotation).
    #[serde(default)]
    pub attention: i64,
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
    /// Secrets set only on the shared server (masked there, never here):
    /// they cannot be revealed, and the connection test runs on the server.
    #[serde(default)]
    pub secrets_on_server: Vec<String>,
    pub last_sync_at: Option<String>,
    pub last_error: Option<String>,
    pub error_count: i64,
    pub updated_at: String,
    /// When each secret was set and the stated expiry (dates only).
    #[serde(flatten)]
    pub dates: ExpiryDates,
    /// Why it needs attention now under the settings' rotation periods.
    #[serde(default)]
    pub attention: Option<Attention>,
    /// When it was moved to the Trash; None when it is not there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trashed_at: Option<String>,
}

/// An integration that crossed an expiry or rotation threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttentionNotice {
    pub id: String,
    pub name: String,
    pub integration_type: String,
    pub attention: Attention,
}

/// A new integration from the form: public and secret values together.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
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

/// A connection check's outcome, as one integration's refresh icon shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestAnswer {
    /// The outcome kind: `ok`, `invalid_credentials`, `missing_permission`,
    /// `not_found`, `wrong_environment`, `rate_limited`, `network`, `dns`,
    /// `tls`, `timeout`, `provider_error` or `not_checkable`.
    pub kind: OutcomeKind,
    pub ok: bool,
    /// What happened, in a sentence (never a secret).
    pub message: String,
    /// What a person can do about it (empty when nothing is needed).
    pub hint: String,
    /// What the provider told us (account, scopes, quota...).
    #[serde(default)]
    pub details: Value,
    /// The integration's status after the check.
    pub status: Status,
    /// Consecutive failed checks after this one.
    pub error_count: i64,
    /// When the provider (or the app's own test spacing) says to wait.
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
}

/// Which integrations a test-all covers (the list's filters; paging ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TestAllRequest {
    pub search: Option<String>,
    pub integration_type: Option<String>,
    pub status: Option<Status>,
    pub website: WebsiteScope,
}

/// One finished check of a test-all run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestAllItem {
    pub id: String,
    pub name: String,
    pub kind: OutcomeKind,
    pub ok: bool,
    pub message: String,
}

/// Where the current (or last) test-all run is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestAllProgress {
    /// Increases with every run started; 0 before the first.
    pub run: u64,
    pub running: bool,
    pub done: usize,
    /// 0 until the integrations to check are listed.
    pub total: usize,
    pub ok: usize,
    pub failed: usize,
    pub not_checkable: usize,
    pub cancelled: bool,
    /// The list could not be read (e.g. the vault was locked).
    #[serde(default)]
    pub error: Option<String>,
    /// The most recent finished checks, newest last (at most 50).
    pub recent: Vec<TestAllItem>,
}

/// An integration whose status changed in a background health check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthEvent {
    pub id: String,
    pub name: String,
    pub from: Status,
    pub to: Status,
    pub message: String,
}

/// The colour scheme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the operating system (the default).
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [(Theme, &'static str); 3] = [
        (Theme::System, "Follow the system"),
        (Theme::Light, "Light"),
        (Theme::Dark, "Dark"),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        Theme::ALL
            .into_iter()
            .map(|(t, _)| t)
            .find(|t| t.as_str() == s)
    }
}

/// The user's settings, kept by tauri-plugin-store in `settings.json`.
/// The window's size and position are kept there too, by the shell itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub theme: Theme,
    /// Lock the vault after this many idle minutes; 0 never locks by itself.
    pub auto_lock_minutes: u32,
    /// The website new integrations and the list start with (None: global / all).
    pub default_website: Option<String>,
    /// Re-test the active integrations in the background every this many
    /// minutes while the app runs; 0 turns it off.
    pub health_check_minutes: u32,
    /// Sync with the shared server every this many minutes while connected
    /// and unlocked; 0 syncs only on demand.
    pub sync_minutes: u32,
    /// Look for a newer version of the app on the team server at start-up
    /// and every few hours.
    pub check_updates: bool,
    /// Secrets older than this need attention: days for every type, and
    /// overrides per integration type.
    pub rotation: Rotation,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::System,
            auto_lock_minutes: Settings::DEFAULT_AUTO_LOCK,
            default_website: None,
            health_check_minutes: 0,
            sync_minutes: Settings::DEFAULT_SYNC_MINUTES,
            check_updates: true,
            rotation: Rotation::default(),
        }
    }
}

impl Settings {
    pub const DEFAULT_AUTO_LOCK: u32 = 10;
    pub const DEFAULT_SYNC_MINUTES: u32 = 5;
    /// Upper bounds the app accepts (a day).
    pub const MAX_MINUTES: u32 = 24 * 60;

    /// Field errors for values out of range, keyed like the settings form.
    pub fn problems(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        if self.auto_lock_minutes > Self::MAX_MINUTES {
            out.insert(
                "auto_lock_minutes".into(),
                format!(
                    "At most {} minutes (a day); 0 turns auto-lock off.",
                    Self::MAX_MINUTES
                ),
            );
        }
        if self.sync_minutes > Self::MAX_MINUTES {
            out.insert(
                "sync_minutes".into(),
                format!(
                    "At most {} minutes (a day); 0 syncs only when you ask.",
                    Self::MAX_MINUTES
                ),
            );
        }
        if self.health_check_minutes > Self::MAX_MINUTES {
            out.insert(
                "health_check_minutes".into(),
                format!(
                    "At most {} minutes (a day); 0 turns background checks off.",
                    Self::MAX_MINUTES
                ),
            );
        }
        out.extend(self.rotation.problems());
        out
    }
}

/// An activity log line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub id: i64,
    pub level: LogLevel,
    pub message: String,
    pub details: Value,
    pub created_at: String,
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

/// A website's new name and domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebsiteUpdate {
    pub id: String,
    pub name: String,
    pub domain: String,
}

/// A request naming one integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRequest {
    pub id: String,
}

/// Send a real test message through an integration (email, SMS, WhatsApp
/// template, or an automation webhook's test event).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendTestRequest {
    pub id: String,
    /// Email address or E.164 phone number (unused for webhooks).
    #[serde(default)]
    pub to: String,
    /// WhatsApp: the approved template's name and language.
    #[serde(default)]
    pub template: String,
    #[serde(default)]
    pub language: String,
    /// The person ticked "this sends a real message".
    pub confirmed: bool,
}

/// Check a webhook's signature against a pasted payload.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRequest {
    /// meta, meta_challenge, twilio, stripe, sendgrid or mailgun.
    pub scheme: String,
    /// Take the secret from this integration's secret field...
    #[serde(default)]
    pub integration_id: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    /// ...or use this pasted one (SendGrid's public key, say).
    #[serde(default)]
    pub secret: String,
    /// The raw body (Twilio: the form-encoded body; Meta handshake: unused).
    #[serde(default)]
    pub payload: String,
    /// The signature header's value (Mailgun: the body's signature).
    #[serde(default)]
    pub signature: String,
    /// SendGrid and Mailgun timestamp; Meta handshake: hub.mode.
    #[serde(default)]
    pub timestamp: String,
    /// Mailgun token; Meta handshake: hub.verify_token.
    #[serde(default)]
    pub token: String,
    /// Twilio: the full URL the webhook was sent to; Meta handshake: hub.challenge.
    #[serde(default)]
    pub url: String,
}

/// The verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookAnswer {
    pub valid: bool,
    pub message: String,
}

/// Where a sync run is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRun {
    /// "pushing", "pulling" or "done".
    pub phase: String,
    pub pushed: usize,
    pub to_push: usize,
    pub pulled: usize,
}

/// What the last sync did (the sync engine's report, as it is).
pub use switchboard_sync_proto::SyncReport as SyncSummary;

/// The connection to the shared server, for the header and the Sync page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// "not_connected", "connected", "syncing", "offline" or "sign_in_again".
    pub state: String,
    pub server_url: Option<String>,
    pub email: Option<String>,
    pub last_synced_at: Option<String>,
    /// Local changes waiting to be pushed.
    pub pending: i64,
    /// Fields changed on both sides, waiting for a decision.
    pub conflicts: usize,
    /// The running sync, if any.
    pub run: Option<SyncRun>,
    /// The last finished sync's summary.
    pub last_summary: Option<SyncSummary>,
    /// Why the last sync failed (cleared by a good one).
    pub last_error: Option<String>,
}

/// Connect and sign in.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectRequest {
    pub server_url: String,
    pub email: String,
    pub password: String,
}

/// A field changed both here and on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncConflict {
    pub uid: String,
    pub name: String,
    pub field: String,
    /// This laptop's value (secrets masked).
    pub mine: Value,
    /// The server's value (secrets masked).
    pub theirs: Value,
}

/// How to settle a conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ResolveAction {
    KeepMine,
    TakeTheirs,
    Edit { value: Value },
}

/// Settle one conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolveRequest {
    pub uid: String,
    pub field: String,
    pub resolution: ResolveAction,
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
    fn settings_fill_missing_keys_with_defaults() {
        let s: Settings = serde_json::from_str(r#"{"theme":"dark"}"#).unwrap();
        assert_eq!(s.theme, Theme::Dark);
        assert_eq!(s.auto_lock_minutes, Settings::DEFAULT_AUTO_LOCK);
        assert!(s.problems().is_empty());
        let bad = Settings {
            auto_lock_minutes: 100_000,
            ..Settings::default()
        };
        assert!(bad.problems().contains_key("auto_lock_minutes"));
        assert_eq!(Theme::parse("light"), Some(Theme::Light));
    }

    #[test]
    fn errors_carry_fields() {
        let e: IpcError =
            serde_json::from_str(r#"{"code":"validation","message":"m","fields":{"a":"b"}}"#)
                .unwrap();
        assert_eq!(e.fields.get("a").map(String::as_str), Some("b"));
    }
}
