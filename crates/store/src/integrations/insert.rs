//! Creating integrations, one at a time or many at once (bulk import).

use super::logs::{insert_log, insert_log_rows, Reach};
use super::{check_name, ensure_website, resolve, seal_all, split, trashed_name_holder};
use crate::model::*;
use crate::secrets::SealedMap;
use crate::sync as sync_state;
use crate::{now, Result, Store, StoreError};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use switchboard_catalog as catalog;
use switchboard_vault::column;
use switchboard_vault::Sealer;

/// A prepared insert, shared by create and bulk import.
pub(crate) struct Prepared {
    pub(crate) id: String,
    pub(crate) website_id: Option<String>,
    integration_type: &'static str,
    provider: &'static str,
    name: String,
    description: String,
    status: Status,
    is_active: bool,
    config: Map<String, Value>,
    sealed: SealedMap,
    configured: bool,
    created_by: Option<String>,
}

impl Prepared {
    /// The dirty set of a new record: every field, all to push as a create.
    fn create_dirty(&self, stamp: i64) -> String {
        sync_state::all_fields_dirty(self.config.keys(), self.sealed.keys(), stamp)
    }

    /// Its secret_dates column: every secret set at `ts`, its creation.
    /// The store states it (and `oldest_secret_at`) on insert, so the
    /// AFTER INSERT triggers do not rewrite the row to compute them.
    fn secret_dates(&self, ts: &str) -> String {
        let dates: BTreeMap<&str, &str> = self.sealed.keys().map(|k| (k.as_str(), ts)).collect();
        serde_json::to_string(&dates).expect("a map of strings serializes")
    }

    /// The details of its "created" log line: the provider and the names
    /// (never the values) of its secrets.
    fn log_details(&self) -> Value {
        json!({ "provider": self.provider, "secret_fields": self.sealed.keys().collect::<Vec<_>>() })
    }
}

impl Store {
    /// Validates and seals a new integration. `omitted` names secrets known
    /// to be set elsewhere but absent here (an export without secrets).
    pub(crate) fn prepare_import(
        &self,
        sealer: &dyn Sealer,
        new: NewIntegration,
        omitted: &[String],
    ) -> Result<Prepared> {
        let (ty, provider) = resolve(&new.integration_type, new.provider.as_deref())?;
        let name = check_name(&new.name)?;
        let id = match new.id {
            Some(id) if !id.trim().is_empty() && id.len() <= 64 => id.trim().to_owned(),
            Some(_) => {
                return Err(StoreError::invalid(
                    "id",
                    "an id must be 1 to 64 characters",
                ))
            }
            None => switchboard_domain::new_id(),
        };
        let (config, secret_values, configured) = match new.values {
            Some(values) => {
                let normalized = catalog::validate(ty.id, provider.id, &values, &|k| {
                    omitted.iter().any(|o| o == k)
                })
                .map_err(StoreError::Validation)?;
                let (public, secret) = split(ty, provider, normalized);
                (public, secret, true)
            }
            None => (Map::new(), BTreeMap::new(), false),
        };
        Ok(Prepared {
            sealed: seal_all(sealer, &id, &secret_values),
            id,
            website_id: new.website_id.filter(|w| !w.is_empty()),
            integration_type: ty.id,
            provider: provider.id,
            name,
            description: new.description.trim().to_owned(),
            status: new.status.unwrap_or(if configured {
                Status::Active
            } else {
                Status::Pending
            }),
            is_active: new.is_active.unwrap_or(configured),
            config,
            configured,
            created_by: new.created_by,
        })
    }

    pub(crate) async fn insert_prepared(
        &self,
        conn: &mut sqlx::SqliteConnection,
        p: &Prepared,
        log_message: &str,
    ) -> Result<()> {
        if let Some(w) = &p.website_id {
            ensure_website(conn, w).await?;
        }
        let ts = now();
        let stamp = sync_state::next_stamps(conn, 1).await?;
        let inserted = insert_rows(conn, &self.owner, [(p, stamp)], &ts).await;
        if let Err(e) = inserted {
            return Err(match StoreError::from(e) {
                StoreError::Conflict(_) => {
                    let key = (p.website_id.as_deref(), p.provider, p.name.as_str());
                    trashed_name_holder(conn, key).await?.unwrap_or_else(|| StoreError::Conflict(format!(
                        "an integration named '{}' already exists for this website and provider, or the id is taken: choose another name",
                        p.name
                    )))
                }
                other => other,
            });
        }
        insert_log(
            Reach::Pushed,
            conn,
            &p.id,
            LogLevel::Info,
            log_message,
            p.log_details(),
        )
        .await
    }

    /// Inserts many prepared integrations with one statement per table (the
    /// fast path of bulk imports). All or nothing: on any error the caller
    /// falls back to [`Store::insert_prepared`] row by row. Every website id
    /// must already be known to exist.
    pub(crate) async fn insert_many(
        &self,
        conn: &mut sqlx::SqliteConnection,
        items: &[&Prepared],
        log_message: &str,
    ) -> Result<()> {
        for part in items.chunks(500) {
            let ts = now();
            let first = sync_state::next_stamps(conn, part.len() as i64).await?;
            let rows = part.iter().copied().zip(first..);
            insert_rows(conn, &self.owner, rows, &ts).await?;
            let logs: Vec<_> = part
                .iter()
                .map(|p| {
                    (
                        &p.id,
                        LogLevel::Info.as_str(),
                        log_message,
                        p.log_details().to_string(),
                        &ts,
                        switchboard_domain::new_id(),
                    )
                })
                .collect();
            insert_log_rows(conn, logs, false).await?;
        }
        Ok(())
    }

    /// Creates an integration. With `values`, they are validated against the
    /// catalog and the integration starts active; without, it is pending.
    pub async fn create(&self, new: NewIntegration) -> Result<Integration> {
        let sealer = self.sealer()?;
        let prepared = self.prepare_import(sealer.as_ref(), new, &[])?;
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        self.insert_prepared(&mut tx, &prepared, "Integration created")
            .await?;
        tx.commit().await?;
        tracing::debug!(id = %prepared.id, provider = prepared.provider, "integration created");
        self.get(&prepared.id).await
    }
}

/// One new integration as [`insert_rows`] sends it: the values of its
/// columns but the owner and the times, which are the same for all.
#[derive(Serialize)]
struct Row<'a>(
    &'a str,
    Option<&'a str>,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    bool,
    String,
    String,
    bool,
    Option<&'a str>,
    String,
    i64,
    String,
);

/// Inserts these new integrations, each with its change stamp, all created
/// (and updated) at `ts` by this store's `owner`: one statement whose rows
/// are one bound JSON array (one value to bind and copy, not 19 a row), read
/// back in order by SQLite (as a pull's inserts are). Each states its secret
/// dates (every secret set at `ts`) and the oldest of them, so the AFTER
/// INSERT triggers that would compute them by rewriting the row are skipped
/// (migration 0010).
async fn insert_rows(
    conn: &mut sqlx::SqliteConnection,
    owner: &str,
    rows: impl IntoIterator<Item = (&Prepared, i64)>,
    ts: &str,
) -> std::result::Result<(), sqlx::Error> {
    let rows: Vec<Row<'_>> = rows
        .into_iter()
        .map(|(p, stamp)| {
            Row(
                &p.id,
                p.website_id.as_deref(),
                p.integration_type,
                p.provider,
                &p.name,
                &p.description,
                p.status.as_str(),
                p.is_active,
                serde_json::to_string(&p.config).expect("a JSON object serializes"),
                column::render(&p.sealed),
                p.configured,
                p.created_by.as_deref(),
                p.create_dirty(stamp),
                stamp,
                p.secret_dates(ts),
            )
        })
        .collect();
    sqlx::query(
        "INSERT INTO integrations (id, website_id, owner, integration_type, provider, name, description, status, is_active,
             config, secrets, configured, created_by, created_at, updated_at, dirty, change_stamp, secret_dates, oldest_secret_at)
         SELECT v ->> '$[0]', v ->> '$[1]', ?, v ->> '$[2]', v ->> '$[3]', v ->> '$[4]', v ->> '$[5]', v ->> '$[6]', v ->> '$[7]',
             v ->> '$[8]', v ->> '$[9]', v ->> '$[10]', v ->> '$[11]', ?, ?, v ->> '$[12]', v ->> '$[13]', v ->> '$[14]',
             CASE WHEN v ->> '$[14]' <> '{}' THEN ? END
         FROM (SELECT value AS v FROM json_each(?) ORDER BY key)",
    )
    .bind(owner)
    .bind(ts)
    .bind(ts)
    .bind(ts)
    .bind(serde_json::to_string(&rows).expect("strings and numbers serialize"))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
