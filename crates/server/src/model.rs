//! The server's records as handlers and the database layer exchange them.
//! Secrets appear only sealed ([`SealedSecrets`]); turning them into plain
//! text is the vault's job (see [`crate::secrets`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::secrets::SealedSecrets;

/// What a user may do: admins everything, members read and change the
/// integrations of their websites and their own, viewers only read those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Member,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Member, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("'{s}' is not a role: use admin, member or viewer"))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub use switchboard_domain::{LogLevel, Status};

/// A user as the database holds it (the password only as its Argon2id hash).
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub created_at: String,
    /// When an admin disabled the account (login refused, no tokens).
    pub disabled_at: Option<String>,
}

/// The user behind a request, with the websites they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub website_ids: Vec<i64>,
}

impl AuthUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether this user may see an integration owned by `owner_id` on `website_id`.
    pub fn can_see(&self, owner_id: i64, website_id: Option<i64>) -> bool {
        self.is_admin()
            || owner_id == self.id
            || website_id.is_some_and(|w| self.website_ids.contains(&w))
    }

    /// Whether this user may change what they can see.
    pub fn can_write(&self) -> bool {
        self.role != Role::Viewer
    }
}

/// Which kind of bearer token a hash belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Short-lived, from login or refresh.
    Access,
    /// Exchanged for a new access token (and a new refresh token) once.
    Refresh,
    /// Long-lived, made from the command line for scripts and the desktop app.
    Api,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
            TokenKind::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Option<TokenKind> {
        match s {
            "access" => Some(TokenKind::Access),
            "refresh" => Some(TokenKind::Refresh),
            "api" => Some(TokenKind::Api),
            _ => None,
        }
    }
}

/// A token row found by its hash.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub kind: TokenKind,
    /// Unix seconds; None never expires.
    pub expires_at: Option<i64>,
    pub user: AuthUser,
    /// The device of a sign-in, or an API token's name.
    pub name: String,
    pub last_used_at: Option<String>,
}

/// A new token to store (only its hash).
#[derive(Debug, Clone)]
pub struct NewToken {
    pub hash: String,
    pub user_id: i64,
    pub kind: TokenKind,
    pub name: String,
    pub expires_at: Option<i64>,
    /// The sign-in this token belongs to (refreshed pairs keep it); None
    /// for API tokens.
    pub family: Option<String>,
}

/// An integration as stored: public settings as JSON, secrets sealed.
#[derive(Debug, Clone)]
pub struct IntegrationRecord {
    pub id: i64,
    pub uid: String,
    pub owner_id: i64,
    pub website_id: Option<i64>,
    pub integration_type: String,
    pub provider: String,
    pub name: String,
    pub description: String,
    pub status: Status,
    pub is_active: bool,
    pub config: Map<String, Value>,
    pub secrets: SealedSecrets,
    pub configured: bool,
    pub last_sync_at: Option<String>,
    pub last_error: Option<String>,
    pub error_count: i64,
    pub revision: i64,
    pub created_by: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    /// Sync: the revision at which each field last changed (docs/sync.md);
    /// a missing field counts as revision 1. Maintained by the database layer.
    pub field_revs: BTreeMap<String, i64>,
    /// Sync: the change sequence number of the last write (0 until stored).
    pub seq: i64,
    /// Secret key -> when its value was last set (RFC 3339). Maintained by
    /// the database layer: a changed sealed value is set now unless the
    /// writer gives its date (a push carrying the laptop's).
    pub secret_dates: BTreeMap<String, String>,
    /// The expiry a provider stated in the last check that reported one.
    pub expires_at: Option<String>,
    /// What stated it ("Meta debug_token").
    pub expires_source: Option<String>,
    /// When it was moved to the Trash (a sync field, set from laptops);
    /// None when it is not in the Trash.
    pub trashed_at: Option<String>,
}

impl IntegrationRecord {
    /// A text setting, trimmed; None when unset or blank.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.config
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// What both REST APIs show of expiry and rotation on a detail: when
    /// each secret was last set (`secret_set_at`), the stated expiry and
    /// what stated it. Dates only, never a secret.
    pub fn add_dates(&self, body: &mut Value) {
        if let Some(map) = body.as_object_mut() {
            map.insert("secret_set_at".into(), serde_json::json!(self.secret_dates));
            map.insert("expires_at".into(), serde_json::json!(self.expires_at));
            map.insert(
                "expires_source".into(),
                serde_json::json!(self.expires_source),
            );
        }
    }
}

/// Filters of an integrations list; `scope` limits it to what a user may see.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// None: everything (admins). Some((user, websites)): that user's own
    /// integrations and those of their websites.
    pub scope: Option<(i64, Vec<i64>)>,
    pub integration_type: Option<String>,
    pub provider: Option<String>,
    pub website_id: Option<i64>,
    pub is_active: Option<bool>,
    /// Include integrations in the Trash (left out by default).
    pub include_trashed: bool,
    pub limit: Option<i64>,
    pub offset: i64,
}

impl ListFilter {
    /// The scope of what `user` may see.
    pub fn for_user(user: &AuthUser) -> ListFilter {
        ListFilter {
            scope: (!user.is_admin()).then(|| (user.id, user.website_ids.clone())),
            ..ListFilter::default()
        }
    }
}

/// One activity log entry of an integration.
#[derive(Debug, Clone, Serialize)]
pub struct LogRecord {
    pub id: i64,
    pub level: LogLevel,
    pub message: String,
    pub details: Value,
    pub created_at: String,
}

/// A log entry to write with a change.
#[derive(Debug, Clone)]
pub struct NewLog {
    pub level: LogLevel,
    pub message: String,
    pub details: Value,
}

impl NewLog {
    pub fn new(level: LogLevel, message: impl Into<String>, details: Value) -> NewLog {
        NewLog {
            level,
            message: message.into(),
            details,
        }
    }
}

/// Who changed what, written in the same transaction as the change.
/// `fields` names what changed and never carries a value.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub actor_id: Option<i64>,
    pub actor_email: String,
    pub action: String,
    pub integration_id: Option<i64>,
    pub website_id: Option<i64>,
    pub fields: Vec<String>,
    /// "api/integrations", "api/v1", "cli", ...
    pub via: String,
}

impl AuditEntry {
    /// This entry about the integration and the website given (the others
    /// as they are), once the write knows their ids.
    pub fn about(&self, integration: Option<i64>, website: Option<i64>) -> AuditEntry {
        AuditEntry {
            integration_id: integration.or(self.integration_id),
            website_id: website.or(self.website_id),
            ..self.clone()
        }
    }
}

/// Which audit entries to read; None matches any.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub integration: Option<i64>,
    pub website: Option<i64>,
    pub action: Option<String>,
    /// The actor's e-mail (or "cli", or a service token's name as written).
    pub actor: Option<String>,
    /// Stored timestamps (RFC 3339 UTC): at or after `since`, before `until`.
    pub since: Option<String>,
    pub until: Option<String>,
}

/// An audit entry as read back.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: String,
    /// What was written.
    #[serde(flatten)]
    pub entry: AuditEntry,
}

/// A website, the scope of the second document's integrations.
#[derive(Debug, Clone, Serialize)]
pub struct WebsiteRecord {
    pub id: i64,
    /// Sync: the same on every laptop and on the server.
    pub uid: String,
    /// Sync: the change sequence number of the last write.
    pub seq: i64,
    pub name: String,
    pub domain: String,
    pub members: Vec<i64>,
    pub created_at: String,
    pub updated_at: String,
}

/// Counts for the first document's stats.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub total: i64,
    pub active: i64,
    pub error: i64,
    pub by_type: Vec<(String, i64)>,
}

/// A service token as stored (never the token itself, only its hash): what
/// the marketing platform presents to read credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceToken {
    pub id: i64,
    pub name: String,
    /// None: every website (and the integrations of none).
    pub website_id: Option<i64>,
    /// Integration types it may read (`*`: every type).
    pub types: Vec<String>,
    /// Unix seconds; None never expires.
    pub expires_at: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

impl ServiceToken {
    /// Whether this token may read integrations of `website` (None: those
    /// of no website) matching one of `types` (an integration's type,
    /// provider and document key).
    pub fn allows(&self, website: Option<i64>, types: &[&str]) -> bool {
        let website_ok = self.website_id.is_none() || self.website_id == website;
        let type_ok = self
            .types
            .iter()
            .any(|t| t == "*" || types.contains(&t.as_str()));
        website_ok && type_ok
    }

    /// Whether it has expired at `now` (unix seconds).
    pub fn expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|t| t <= now)
    }
}

/// A service token to store.
#[derive(Debug, Clone)]
pub struct NewServiceToken {
    pub hash: String,
    pub name: String,
    pub website_id: Option<i64>,
    pub types: Vec<String>,
    pub expires_at: Option<i64>,
    pub created_by: Option<i64>,
}

/// What an admin changes about a user; None leaves a thing as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub role: Option<Role>,
    /// A new Argon2id hash (a password reset).
    pub password_hash: Option<String>,
    pub disabled: Option<bool>,
    /// The websites the user belongs to, replacing the current list.
    pub websites: Option<Vec<i64>>,
}

impl UserChange {
    /// Whether the change ends every sign-in and token of the user.
    pub fn revokes(&self) -> bool {
        self.password_hash.is_some() || self.disabled == Some(true)
    }
}

/// A sign-in (its access and refresh tokens, by family) or an API token of
/// a user, as admins see it; never a token.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    /// The family of a sign-in, or `api-` and the first 16 hex digits of an
    /// API token's hash.
    pub id: String,
    /// "sign-in" or "api".
    pub kind: &'static str,
    /// The device that signed in (from login's `device`), or the API token's name.
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    /// Unix seconds; None never expires.
    pub expires_at: Option<i64>,
}

/// A desktop app release: one signed artifact for a version and platform
/// (its bytes are read apart, only for a download). Serialized as the
/// releases API answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseRecord {
    /// Strict semver, e.g. `0.1.1`.
    pub version: String,
    /// `{os}-{arch}` or `{os}-{arch}-{bundle}`, e.g. `linux-x86_64-deb`.
    pub platform: String,
    /// The artifact's length in bytes.
    pub size: i64,
    /// Lowercase hex SHA-256 of the artifact.
    pub sha256: String,
    /// The Tauri signer's `.sig` text (base64 of a minisign signature).
    pub signature: String,
    pub notes: String,
    pub created_at: String,
    /// The uploading admin's e-mail.
    pub created_by: String,
}
