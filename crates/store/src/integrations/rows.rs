//! Reading an integration row: the list view's summary and the full record.
//!
//! Both read [`RECORD`]: the row's columns as one JSON array that SQLite
//! builds, so that sqlx copies one value per row instead of 24 and the row
//! is read by one parse that borrows the JSON columns in place. Listing and
//! opening all 10,000 records went from 143 ms to 57 ms with it (README,
//! Benchmarks).

use crate::model::*;
use crate::secrets;
use crate::sync as sync_state;
use crate::{Result, StoreError};
use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use std::borrow::Cow;
use std::collections::BTreeMap;
use switchboard_vault::column;
use switchboard_vault::Sealer;

/// A JSON column embedded in [`RECORD`] as JSON when it is valid, else as
/// a JSON string (which then reads as damaged, as the column itself would).
macro_rules! embedded {
    ($column:literal) => {
        concat!(
            "CASE WHEN json_valid(",
            $column,
            ") THEN json(",
            $column,
            ") ELSE json_quote(",
            $column,
            ") END"
        )
    };
}

/// An integration row as one JSON array, in the order of [`Record`].
pub(super) const RECORD: &str = concat!(
    "json_array(id, website_id, owner, integration_type, provider, name, description, status, is_active, configured, last_sync_at, last_error, error_count, revision, created_by, created_at, updated_at, expires_at, expires_source, trashed_at, ",
    embedded!("config"),
    ", ",
    embedded!("secrets"),
    ", ",
    embedded!("remote_secrets"),
    ", ",
    embedded!("secret_dates"),
    ")"
);

/// One [`RECORD`]; the JSON columns are borrowed from the row's text.
#[derive(serde::Deserialize)]
struct Record<'a> {
    id: String,
    website_id: Option<String>,
    owner: String,
    integration_type: String,
    provider: String,
    name: String,
    description: String,
    #[serde(borrow)]
    status: Cow<'a, str>,
    is_active: i64,
    configured: i64,
    last_sync_at: Option<String>,
    last_error: Option<String>,
    error_count: i64,
    revision: i64,
    created_by: Option<String>,
    created_at: String,
    updated_at: String,
    expires_at: Option<String>,
    expires_source: Option<String>,
    trashed_at: Option<String>,
    #[serde(borrow)]
    config: &'a RawValue,
    #[serde(borrow)]
    secrets: &'a RawValue,
    #[serde(borrow)]
    remote_secrets: &'a RawValue,
    #[serde(borrow)]
    secret_dates: &'a RawValue,
}

/// What the full record adds to the summary.
struct Rest<'a> {
    owner: String,
    configured: bool,
    created_by: Option<String>,
    trashed_at: Option<String>,
    config: &'a RawValue,
    secrets: &'a RawValue,
    remote_secrets: Option<&'a str>,
}

/// Parses a row of [`RECORD`] and splits it into the list's summary (with
/// `secret_fields` empty) and the rest of the full record.
fn read(text: &str) -> Result<(IntegrationSummary, Rest<'_>)> {
    let r: Record<'_> = serde_json::from_str(text)
        .map_err(|e| StoreError::Database(format!("an integration row is not readable: {e}")))?;
    let remote = r.remote_secrets.get();
    let summary = IntegrationSummary {
        status: r.status.parse().map_err(StoreError::Database)?,
        id: r.id,
        website_id: r.website_id,
        integration_type: r.integration_type,
        provider: r.provider,
        name: r.name,
        description: r.description,
        is_active: r.is_active != 0,
        last_sync_at: r.last_sync_at,
        last_error: r.last_error,
        error_count: r.error_count,
        secret_fields: Vec::new(),
        dates: ExpiryDates {
            secret_set_at: serde_json::from_str(r.secret_dates.get()).unwrap_or_default(),
            expires_at: r.expires_at,
            expires_source: r.expires_source,
        },
        revision: r.revision,
        created_at: r.created_at,
        updated_at: r.updated_at,
    };
    let rest = Rest {
        owner: r.owner,
        configured: r.configured != 0,
        created_by: r.created_by,
        trashed_at: r.trashed_at,
        config: r.config,
        secrets: r.secrets,
        // Only synced records with secrets set on the server pay for this.
        remote_secrets: (remote != "{}").then_some(remote),
    };
    Ok((summary, rest))
}

/// The list view's row: which secrets are set, none opened.
pub(super) fn summary_from_row(row: &SqliteRow) -> Result<IntegrationSummary> {
    let (mut summary, rest) = read(row.get(0))?;
    let secret_keys: BTreeMap<String, IgnoredAny> =
        serde_json::from_str(rest.secrets.get()).unwrap_or_default();
    let mut secret_fields: Vec<String> = secret_keys.into_keys().collect();
    if let Some(remote) = rest.remote_secrets {
        for k in sync_state::parse_remote(remote).into_keys() {
            if let Err(at) = secret_fields.binary_search(&k) {
                secret_fields.insert(at, k);
            }
        }
    }
    summary.secret_fields = secret_fields;
    Ok(summary)
}

/// The full record: the list's summary of the row, with its settings and
/// its secrets opened and masked (a value that fails to open says so alone).
pub(super) fn integration_from_row(row: &SqliteRow, sealer: &dyn Sealer) -> Result<Integration> {
    let (summary, rest) = read(row.get(0))?;
    let config: Map<String, Value> = serde_json::from_str(rest.config.get()).unwrap_or_default();
    let mut views = secrets::views(sealer, &summary.id, &column::parse(rest.secrets.get()));
    let mut secrets_on_server = Vec::new();
    if let Some(remote) = rest.remote_secrets {
        for (k, masked) in sync_state::parse_remote(remote) {
            if let std::collections::btree_map::Entry::Vacant(slot) = views.entry(k.clone()) {
                slot.insert(SecretView::Set { masked });
                secrets_on_server.push(k);
            }
        }
    }
    Ok(Integration {
        secrets: views,
        secrets_on_server,
        website_id: summary.website_id,
        owner: rest.owner,
        integration_type: summary.integration_type,
        provider: summary.provider,
        name: summary.name,
        description: summary.description,
        status: summary.status,
        is_active: summary.is_active,
        config,
        dates: summary.dates,
        configured: rest.configured,
        last_sync_at: summary.last_sync_at,
        last_error: summary.last_error,
        error_count: summary.error_count,
        revision: summary.revision,
        created_by: rest.created_by,
        created_at: summary.created_at,
        updated_at: summary.updated_at,
        trashed_at: rest.trashed_at,
        id: summary.id,
    })
}
