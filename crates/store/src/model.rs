//! The store's records as the rest of the app sees them. Secrets appear
//! only as [`SecretView`] (a mask, or the reason a value cannot be opened).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub use switchboard_domain::{
    Attention, ExpiryDates, LogLevel, Rotation, SecretView, SortKey, Stats, Status,
    TrashedIntegration, WebsiteScope, MOVED_TO_TRASH, TRASH_DAYS,
};

/// Which website an integration list covers (the name the store has always used).
pub type WebsiteFilter = WebsiteScope;

/// An integration with its public settings and its secrets masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    /// Unique id (a UUID).
    pub id: String,
    /// The website it belongs to, or None for a global integration.
    pub website_id: Option<String>,
    /// Who owns it.
    pub owner: String,
    /// The catalog type (email, sms, payments, ...).
    pub integration_type: String,
    /// The catalog provider (sendgrid, twilio, stripe, ...).
    pub provider: String,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Current status.
    pub status: Status,
    /// The active toggle.
    pub is_active: bool,
    /// Public (non-secret) settings.
    pub config: Map<String, Value>,
    /// Secret settings, masked. Includes the secrets set only on the sync
    /// server (see [`Integration::secrets_on_server`]), with the server's mask.
    pub secrets: BTreeMap<String, SecretView>,
    /// Secret keys whose value is set on the sync server but not held on
    /// this laptop: their `secrets` entry is the server's mask, and
    /// [`crate::Store::reveal`] cannot open them. Empty without sync.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets_on_server: Vec<String>,
    /// When each secret was set and the stated expiry (dates only).
    #[serde(flatten)]
    pub dates: ExpiryDates,
    /// Whether a full configuration has been saved.
    pub configured: bool,
    /// Last successful check.
    pub last_sync_at: Option<String>,
    /// Last error message.
    pub last_error: Option<String>,
    /// Consecutive errors.
    pub error_count: i64,
    /// Incremented by every change.
    pub revision: i64,
    /// Who created it.
    pub created_by: Option<String>,
    /// Creation time (RFC 3339, UTC).
    pub created_at: String,
    /// Last change (RFC 3339, UTC).
    pub updated_at: String,
    /// When it was moved to the Trash (RFC 3339, UTC); None when it is not
    /// in the Trash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trashed_at: Option<String>,
}

impl Integration {
    /// Whether it needs attention now under `rotation`.
    pub fn attention(&self, rotation: &Rotation) -> Option<Attention> {
        self.dates.attention(
            rotation.days_for(&self.integration_type),
            switchboard_domain::unix_now(),
        )
    }

    /// The server's mask of a secret set only on the sync server (this
    /// computer holds no value for it), or None.
    pub fn secret_on_server(&self, key: &str) -> Option<&str> {
        if !self.secrets_on_server.iter().any(|k| k == key) {
            return None;
        }
        match self.secrets.get(key) {
            Some(SecretView::Set { masked }) => Some(masked),
            _ => None,
        }
    }
}

/// One row of the integrations list: no secrets decrypted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationSummary {
    /// Unique id.
    pub id: String,
    /// Website or None for global.
    pub website_id: Option<String>,
    /// The catalog type.
    pub integration_type: String,
    /// The catalog provider.
    pub provider: String,
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Current status.
    pub status: Status,
    /// The active toggle.
    pub is_active: bool,
    /// Last successful check.
    pub last_sync_at: Option<String>,
    /// Last error message.
    pub last_error: Option<String>,
    /// Consecutive errors.
    pub error_count: i64,
    /// Which secret fields hold a value.
    pub secret_fields: Vec<String>,
    /// When each secret was set and the stated expiry (dates only).
    #[serde(flatten)]
    pub dates: ExpiryDates,
    /// Revision.
    pub revision: i64,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

impl IntegrationSummary {
    /// Whether it needs attention now under `rotation`.
    pub fn attention(&self, rotation: &Rotation) -> Option<Attention> {
        self.dates.attention(
            rotation.days_for(&self.integration_type),
            switchboard_domain::unix_now(),
        )
    }
}

/// An integration that crossed an attention threshold since the last
/// notice about it (see [`crate::Store::attention_notices`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttentionNotice {
    /// The integration.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its type.
    pub integration_type: String,
    /// Why it needs attention now.
    pub attention: Attention,
}

/// A new integration. `values` holds public and secret settings together,
/// as a form sends them; the catalog says which are secret.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewIntegration {
    /// Keep this id (imports); None makes a new UUID.
    #[serde(default)]
    pub id: Option<String>,
    /// The catalog type.
    pub integration_type: String,
    /// The provider; None takes the type's default provider.
    #[serde(default)]
    pub provider: Option<String>,
    /// Display name (required).
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Website, or None for global.
    #[serde(default)]
    pub website_id: Option<String>,
    /// The settings; None creates a pending, unconfigured integration.
    #[serde(default)]
    pub values: Option<Map<String, Value>>,
    /// Overrides the active toggle.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Overrides the status.
    #[serde(default)]
    pub status: Option<Status>,
    /// Who created it.
    #[serde(default)]
    pub created_by: Option<String>,
}

/// A change to an integration; every None leaves that part as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IntegrationPatch {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New status.
    pub status: Option<Status>,
    /// New active toggle.
    pub is_active: Option<bool>,
    /// Move to a website (Some(Some(id))) or make global (Some(None)).
    #[serde(with = "double_option")]
    pub website_id: Option<Option<String>>,
    /// Switch provider within the same type (its values are re-validated).
    pub provider: Option<String>,
    /// Settings to change. Public keys: a value sets, null or "" removes.
    /// Secret keys: absent keeps the stored secret, "" or null clears it,
    /// a value replaces it.
    pub values: Option<Map<String, Value>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Option<String>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            None => s.serialize_none(),
            Some(inner) => inner.serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Ok(Some(Option::deserialize(d)?))
    }
}

/// Filters for listing integrations; every None matches everything.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ListFilter {
    /// Only this type.
    pub integration_type: Option<String>,
    /// Only this provider.
    pub provider: Option<String>,
    /// Only this status.
    pub status: Option<Status>,
    /// Only active or only inactive.
    pub is_active: Option<bool>,
    /// Website scope.
    pub website: WebsiteFilter,
    /// Case-insensitive text search over name, description, type, provider
    /// and public settings (never secrets).
    pub search: Option<String>,
    /// Only those that need attention (an expiry near or past, a secret
    /// older than its rotation period) under these periods.
    pub needs_attention: Option<Rotation>,
    /// Order.
    pub sort: SortKey,
    /// At most this many rows.
    pub limit: Option<i64>,
    /// Skip this many rows.
    pub offset: Option<i64>,
}

/// One type's card: how many integrations, how many active, how many failing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TypeCounts {
    pub total: i64,
    pub active: i64,
    pub errors: i64,
}

/// One line of an integration's activity log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Sequence id.
    pub id: i64,
    /// The integration.
    pub integration_id: String,
    /// Level.
    pub level: LogLevel,
    /// What happened.
    pub message: String,
    /// Structured details (never secret values).
    pub details: Value,
    /// When.
    pub created_at: String,
}

/// A website: the second document's per-website scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Website {
    /// Unique id.
    pub id: String,
    /// Display name (unique, case-insensitive).
    pub name: String,
    /// Its domain, e.g. shop.example.com.
    pub domain: String,
    /// Creation time.
    pub created_at: String,
    /// Last change.
    pub updated_at: String,
}

/// The vault's state, for the lock screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultStatus {
    /// A vault exists.
    pub initialized: bool,
    /// It is unlocked in this process.
    pub unlocked: bool,
    /// Its key is kept in the OS keyring.
    pub uses_keyring: bool,
    /// A passphrase can unlock it.
    pub has_passphrase: bool,
}
