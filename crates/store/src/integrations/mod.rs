//! Creating, reading, changing, listing and deleting integrations. Every
//! write validates against the catalog, seals the secret fields, bumps the
//! revision and writes an activity-log entry in the same transaction.
//!
//! Split by responsibility: `rows` (reading a row into a record), `query`
//! (lists, counts and totals), `insert` (create and bulk import), `change`
//! (update, configure), `reveal` (a secret's plaintext on request) and
//! `logs` (the activity-log lines every write adds).

mod change;
mod insert;
mod logs;
pub(crate) mod query;
mod reveal;
mod rows;
mod trash;

pub(crate) use logs::{insert_log, insert_log_rows, Reach};
pub(crate) use trash::{set_trashed_in, trashed_name_holder};

use crate::model::Integration;
use crate::secrets::{self, SealedMap};
use crate::{Result, Store, StoreError};
use rows::{integration_from_row, RECORD};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use switchboard_catalog::{self as catalog, IntegrationType, Provider};
use switchboard_vault::{Sealer, Secret};

const COLUMNS: &str = "id, website_id, owner, integration_type, provider, name, description, status, is_active, config, secrets, remote_secrets, configured, last_sync_at, last_error, error_count, revision, created_by, created_at, updated_at, secret_dates, expires_at, expires_source, trashed_at";
const MAX_NAME: usize = 200;

/// Finds the catalog entries for a type and provider. A second-document
/// provider id given as the type (`stripe`) is read as its category.
pub(crate) fn resolve(
    type_id: &str,
    provider_id: Option<&str>,
) -> Result<(&'static IntegrationType, &'static Provider)> {
    let ty = match catalog::integration_type(type_id) {
        Some(ty) => ty,
        None => match catalog::find_provider(type_id) {
            Some((ty, p)) if provider_id.is_none_or(|given| given == p.id) => return Ok((ty, p)),
            _ => {
                return Err(StoreError::invalid(
                    "integration_type",
                    format!(
                        "'{type_id}' is not an integration type: use one of {}",
                        catalog::type_ids()
                    ),
                ));
            }
        },
    };
    let provider = match provider_id {
        None | Some("") => ty.default_provider(),
        Some(p) => ty.provider(p).ok_or_else(|| {
            let known: Vec<&str> = ty.providers.iter().map(|p| p.id).collect();
            StoreError::invalid(
                "provider",
                format!(
                    "'{p}' is not a provider of {}: use one of {}",
                    ty.label,
                    known.join(", ")
                ),
            )
        })?,
    };
    Ok((ty, provider))
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::invalid(
            "name",
            "Name is required: give this integration a name you will recognise",
        ));
    }
    if name.chars().count() > MAX_NAME {
        return Err(StoreError::invalid(
            "name",
            format!("Name is too long: keep it under {MAX_NAME} characters"),
        ));
    }
    Ok(name.to_owned())
}

/// A secret's text from a JSON value: strings as they are, anything else
/// (a pasted service-account object) as compact JSON.
fn secret_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_blank(value: &Value) -> bool {
    value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty())
}

/// Splits validated values into public settings and secrets.
fn split(
    ty: &IntegrationType,
    provider: &Provider,
    values: Map<String, Value>,
) -> (Map<String, Value>, BTreeMap<String, Secret>) {
    let mut public = Map::new();
    let mut secret = BTreeMap::new();
    for (k, v) in values {
        if catalog::is_secret(ty.id, provider.id, &k) {
            if !is_blank(&v) {
                secret.insert(k, Secret::new(secret_text(&v)));
            }
        } else {
            public.insert(k, v);
        }
    }
    (public, secret)
}

fn seal_all(sealer: &dyn Sealer, id: &str, values: &BTreeMap<String, Secret>) -> SealedMap {
    values
        .iter()
        .map(|(k, v)| (k.clone(), secrets::seal(sealer, id, k, v)))
        .collect()
}

async fn ensure_website(conn: &mut sqlx::SqliteConnection, website_id: &str) -> Result<()> {
    let found = sqlx::query("SELECT 1 FROM websites WHERE id = ?")
        .bind(website_id)
        .fetch_optional(conn)
        .await?;
    if found.is_none() {
        return Err(StoreError::invalid(
            "website",
            format!(
                "website '{website_id}' does not exist: pick one from the list or create it first"
            ),
        ));
    }
    Ok(())
}
impl Store {
    /// One integration with its secrets masked.
    pub async fn get(&self, id: &str) -> Result<Integration> {
        let sealer = self.sealer()?;
        let row = sqlx::query(&format!("SELECT {RECORD} FROM integrations WHERE id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| not_found(id))?;
        integration_from_row(&row, sealer.as_ref())
    }
}

/// One integration's `columns` and its dirty set, in a transaction.
pub(crate) async fn row_with_dirty(
    tx: &mut sqlx::SqliteConnection,
    columns: &str,
    id: &str,
) -> Result<sqlx::sqlite::SqliteRow> {
    sqlx::query(&format!(
        "SELECT {columns}, dirty FROM integrations WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| not_found(id))
}

pub(crate) fn not_found(id: &str) -> StoreError {
    StoreError::NotFound {
        kind: "integration",
        id: id.to_owned(),
    }
}
