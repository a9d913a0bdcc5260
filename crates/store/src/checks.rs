//! What connection checks need from the store: the plaintext credentials
//! of one integration (handed to the provider call, never logged) and a
//! place to record the outcome as the first document describes it
//! (status, last_sync_at, last_error, consecutive error_count, a log entry).

use crate::integrations::{insert_log, not_found, Reach};
use crate::model::Status;
use crate::{now, secrets, Result, Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::Row;
use std::collections::BTreeMap;
use switchboard_domain::{apply_check, HealthState, StatedExpiry};
use switchboard_vault::column;
use switchboard_vault::Secret;

/// An integration's settings with its secrets opened, for a provider call.
/// Debug output masks the secrets.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The integration id.
    pub id: String,
    /// Its name, for messages.
    pub name: String,
    /// Catalog type.
    pub integration_type: String,
    /// Catalog provider.
    pub provider: String,
    /// Public settings.
    pub config: Map<String, Value>,
    /// Secret settings in plain text (wrapped).
    pub secrets: BTreeMap<String, Secret>,
    /// Secret fields that could not be decrypted.
    pub undecryptable: Vec<String>,
}

pub use switchboard_domain::CheckKind;

/// The outcome of one check, ready to record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckRecord {
    /// How it ended.
    pub kind: CheckKind,
    /// One line for the log and for `last_error` (never a secret).
    pub message: String,
    /// Structured details for the log (never a secret).
    pub details: Value,
    /// The credential's expiry, when the provider stated one (None: the
    /// check said nothing about it).
    #[serde(default)]
    pub expiry: Option<StatedExpiry>,
    /// Secret key -> when the provider says it was created (an AWS access
    /// key's creation date): recorded as its set date when older.
    #[serde(default)]
    pub secrets_created: crate::SecretDates,
}

impl CheckRecord {
    /// A record that states no dates.
    pub fn new(kind: CheckKind, message: impl Into<String>, details: Value) -> CheckRecord {
        CheckRecord {
            kind,
            message: message.into(),
            details,
            expiry: None,
            secrets_created: crate::SecretDates::new(),
        }
    }
}

/// The integration's health after recording a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Status now.
    pub status: Status,
    /// Status before the check (to notice changes).
    pub previous_status: Status,
    /// Last success.
    pub last_sync_at: Option<String>,
    /// Last error.
    pub last_error: Option<String>,
    /// Consecutive errors.
    pub error_count: i64,
}

impl Health {
    /// Writes this health (not the previous status) to the integration.
    pub(crate) async fn write(&self, conn: &mut sqlx::SqliteConnection, id: &str) -> Result<()> {
        sqlx::query(
            "UPDATE integrations SET status = ?, last_sync_at = ?, last_error = ?, error_count = ? WHERE id = ?",
        )
        .bind(self.status.as_str())
        .bind(&self.last_sync_at)
        .bind(&self.last_error)
        .bind(self.error_count)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

impl Store {
    /// The plaintext credentials of one integration, for a connection check
    /// or a test message. Not logged as a reveal: the check logs its outcome.
    pub async fn credentials(&self, id: &str) -> Result<Credentials> {
        let sealer = self.sealer()?;
        let row = sqlx::query(
            "SELECT name, integration_type, provider, config, secrets FROM integrations WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| not_found(id))?;
        let sealed = column::parse(row.get("secrets"));
        let mut opened = BTreeMap::new();
        let mut undecryptable = Vec::new();
        for (field, value) in &sealed {
            match secrets::open(sealer.as_ref(), id, field, value) {
                Ok(s) => {
                    opened.insert(field.clone(), s);
                }
                Err(_) => undecryptable.push(field.clone()),
            }
        }
        Ok(Credentials {
            id: id.to_owned(),
            name: row.get("name"),
            integration_type: row.get("integration_type"),
            provider: row.get("provider"),
            config: serde_json::from_str(row.get::<&str, _>("config")).unwrap_or_default(),
            secrets: opened,
            undecryptable,
        })
    }

    /// Records a check: success sets status active, last_sync_at now and
    /// clears the error count; failure sets status error, last_error and
    /// counts one more consecutive error; either way a log entry is written.
    pub async fn record_check(&self, id: &str, record: &CheckRecord) -> Result<Health> {
        let mut results = self.record_checks(&[(id, record)]).await?;
        results.pop().unwrap_or_else(|| Err(not_found(id)))
    }

    /// Records several checks in one transaction (one fsync instead of one
    /// per check: test-all records what finished together at once). Each
    /// entry gets its own answer; an unknown id fails only its own entry.
    pub async fn record_checks(
        &self,
        items: &[(&str, &CheckRecord)],
    ) -> Result<Vec<Result<Health>>> {
        self.sealer()?;
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let mut out = Vec::with_capacity(items.len());
        for (id, record) in items {
            out.push(record_one(&mut tx, id, record).await?);
        }
        tx.commit().await?;
        Ok(out)
    }
}

/// One check inside a transaction: Ok(Err(not found)) for an unknown id,
/// Err for a database failure (which aborts the whole transaction).
async fn record_one(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    id: &str,
    record: &CheckRecord,
) -> Result<Result<Health>> {
    let Some(row) = sqlx::query(
        "SELECT status, last_sync_at, last_error, error_count FROM integrations WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(Err(not_found(id)));
    };
    let previous: Status = row
        .get::<&str, _>("status")
        .parse()
        .map_err(StoreError::Database)?;
    let mut state = HealthState {
        status: previous,
        last_sync_at: row.get("last_sync_at"),
        last_error: row.get("last_error"),
        error_count: row.get("error_count"),
    };
    let level = apply_check(&mut state, record.kind, &record.message, &now());
    let health = Health {
        status: state.status,
        previous_status: previous,
        last_sync_at: state.last_sync_at,
        last_error: state.last_error,
        error_count: state.error_count,
    };
    health.write(tx, id).await?;
    crate::expiry::record_dates(tx, id, record.expiry.as_ref(), &record.secrets_created).await?;
    insert_log(
        Reach::Pushed,
        tx,
        id,
        level,
        &record.message,
        record.details.clone(),
    )
    .await?;
    Ok(Ok(health))
}
