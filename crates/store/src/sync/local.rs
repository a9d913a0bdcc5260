//! A record's current values as the sync rules read them.

use super::dirty::{parse_remote, remote_column, RemoteSecrets};
use crate::secrets::SealedMap;
use crate::Result;
use serde_json::{Map, Value};
use sqlx::query::Query;
use sqlx::sqlite::{Sqlite, SqliteArguments};
use sqlx::Row;
use switchboard_sync_proto::field;
use switchboard_vault::column;

/// A record's current values, read for pushes, conflicts and pulls (and
/// compared with a backup's by a restore).
pub(crate) struct Local {
    pub(crate) integration_type: String,
    pub(crate) provider: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) is_active: bool,
    pub(crate) website_id: Option<String>,
    pub(crate) config: Map<String, Value>,
    pub(crate) sealed: SealedMap,
    pub(crate) remote: RemoteSecrets,
    /// Secret key -> when it was set (dates only).
    pub(crate) secret_dates: crate::SecretDates,
    /// The stated expiry and what stated it.
    pub(crate) expiry: (Option<String>, Option<String>),
    /// When it was moved to the Trash, if it is there.
    pub(crate) trashed_at: Option<String>,
}

pub(crate) const LOCAL_COLUMNS: &str =
    "integration_type, provider, name, description, is_active, website_id, config, secrets, remote_secrets, secret_dates, expires_at, expires_source, trashed_at";

pub(crate) fn local_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Local> {
    Ok(Local {
        integration_type: row.get("integration_type"),
        provider: row.get("provider"),
        name: row.get("name"),
        description: row.get("description"),
        is_active: row.get("is_active"),
        website_id: row.get("website_id"),
        config: serde_json::from_str(row.get::<&str, _>("config")).unwrap_or_default(),
        sealed: column::parse(row.get("secrets")),
        remote: parse_remote(row.get("remote_secrets")),
        secret_dates: serde_json::from_str(row.get::<&str, _>("secret_dates")).unwrap_or_default(),
        expiry: (row.get("expires_at"), row.get("expires_source")),
        trashed_at: row.get("trashed_at"),
    })
}

impl Local {
    /// Binds the values every rewrite of a record sets first, in this
    /// order: `website_id, provider, name, description, is_active, config,
    /// secrets, remote_secrets, trashed_at`.
    pub(super) fn bind_values<'q>(
        &'q self,
        query: Query<'q, Sqlite, SqliteArguments<'q>>,
    ) -> Query<'q, Sqlite, SqliteArguments<'q>> {
        query
            .bind(&self.website_id)
            .bind(&self.provider)
            .bind(&self.name)
            .bind(&self.description)
            .bind(self.is_active)
            .bind(Value::Object(self.config.clone()).to_string())
            .bind(column::render(&self.sealed))
            .bind(remote_column(&self.remote))
            .bind(&self.trashed_at)
    }

    /// Its (website, provider, name): the name must be free among these.
    pub(super) fn name_key(&self) -> (Option<&str>, &str, &str) {
        (self.website_id.as_deref(), &self.provider, &self.name)
    }

    /// The value of a non-secret field.
    pub(super) fn public_value(&self, name: &str) -> Option<Value> {
        Some(match name {
            field::NAME => Value::String(self.name.clone()),
            field::DESCRIPTION => Value::String(self.description.clone()),
            field::PROVIDER => Value::String(self.provider.clone()),
            field::IS_ACTIVE => Value::Bool(self.is_active),
            field::TRASHED_AT => self
                .trashed_at
                .clone()
                .map(Value::String)
                .unwrap_or(Value::Null),
            field::WEBSITE => self
                .website_id
                .clone()
                .map(Value::String)
                .unwrap_or(Value::Null),
            other => match other.strip_prefix(field::CONFIG_PREFIX) {
                Some(k) => self.config.get(k).cloned().unwrap_or(Value::Null),
                None => return None,
            },
        })
    }
}
