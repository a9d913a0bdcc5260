//! Reading an integration row: the list view's summary and the full record.

use crate::db::parsed_column;
use crate::model::*;
use crate::secrets;
use crate::sync as sync_state;
use crate::Result;
use serde_json::{Map, Value};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use std::collections::BTreeMap;
use switchboard_vault::column;
use switchboard_vault::Sealer;

pub(super) fn summary_from_row(row: &SqliteRow) -> Result<IntegrationSummary> {
    let secret_keys: BTreeMap<String, Value> =
        serde_json::from_str(row.get::<&str, _>("secrets")).unwrap_or_default();
    let mut secret_fields: Vec<String> = secret_keys.into_keys().collect();
    let remote: &str = row.get("remote_secrets");
    if remote != "{}" {
        // Only synced records with secrets set on the server pay for this.
        for k in sync_state::parse_remote(remote).into_keys() {
            if let Err(at) = secret_fields.binary_search(&k) {
                secret_fields.insert(at, k);
            }
        }
    }
    columns(row, secret_fields)
}

/// The row's columns that the summary and the full record share, with
/// `secret_fields` as given (the full record lists its secrets itself, so
/// it skips reading the secret columns twice).
fn columns(row: &SqliteRow, secret_fields: Vec<String>) -> Result<IntegrationSummary> {
    Ok(IntegrationSummary {
        id: row.get("id"),
        website_id: row.get("website_id"),
        integration_type: row.get("integration_type"),
        provider: row.get("provider"),
        name: row.get("name"),
        description: row.get("description"),
        status: parsed_column(row, "status")?,
        is_active: row.get("is_active"),
        last_sync_at: row.get("last_sync_at"),
        last_error: row.get("last_error"),
        error_count: row.get("error_count"),
        secret_fields,
        dates: ExpiryDates {
            secret_set_at: serde_json::from_str(row.get::<&str, _>("secret_dates"))
                .unwrap_or_default(),
            expires_at: row.get("expires_at"),
            expires_source: row.get("expires_source"),
        },
        revision: row.get("revision"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    })
}

/// The full record: the list's summary of the row, with its settings and
/// its secrets masked.
pub(super) fn integration_from_row(row: &SqliteRow, sealer: &dyn Sealer) -> Result<Integration> {
    let summary = columns(row, Vec::new())?;
    let sealed = column::parse(row.get("secrets"));
    let config: Map<String, Value> =
        serde_json::from_str(row.get::<&str, _>("config")).unwrap_or_default();
    let mut views = secrets::views(sealer, &summary.id, &sealed);
    let mut secrets_on_server = Vec::new();
    let remote: &str = row.get("remote_secrets");
    if remote != "{}" {
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
        owner: row.get("owner"),
        integration_type: summary.integration_type,
        provider: summary.provider,
        name: summary.name,
        description: summary.description,
        status: summary.status,
        is_active: summary.is_active,
        config,
        dates: summary.dates,
        configured: row.get("configured"),
        last_sync_at: summary.last_sync_at,
        last_error: summary.last_error,
        error_count: summary.error_count,
        revision: summary.revision,
        created_by: row.get("created_by"),
        created_at: summary.created_at,
        updated_at: summary.updated_at,
        trashed_at: row.get("trashed_at"),
        id: summary.id,
    })
}
