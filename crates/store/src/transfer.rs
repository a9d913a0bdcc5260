//! Import and export as JSON. Exports leave secrets out unless asked (their
//! keys stay, with null values, so an import knows they were set). Imports
//! commit in batches: a batch is all there or not there at all, and each
//! committed batch is reported before the next begins.

use crate::integrations::{insert_log, Reach};
use crate::model::{LogLevel, NewIntegration, Status, Website};
use crate::secrets;
use crate::{now, Result, Store, StoreError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Map, Value};
use sqlx::Row;
use std::collections::BTreeMap;
use switchboard_vault::column;
use switchboard_vault::Secret;

/// The `format` tag of an export file.
pub const EXPORT_FORMAT: &str = "switchboard-export";

/// A whole export.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportFile {
    /// Always [`EXPORT_FORMAT`].
    pub format: String,
    /// File format version (1).
    pub version: u32,
    /// When it was written.
    #[serde(default)]
    pub exported_at: String,
    /// Whether secret values are in the file.
    #[serde(default)]
    pub includes_secrets: bool,
    /// Websites.
    #[serde(default)]
    pub websites: Vec<Website>,
    /// Integrations.
    #[serde(default)]
    pub integrations: Vec<ExportedIntegration>,
    /// Anything that could not be exported in full.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A secret value inside an export file. Debug stays masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedSecret(pub Secret);

impl Serialize for ExportedSecret {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        // The user asked for secrets in the file: this is the one place they leave.
        s.serialize_str(self.0.expose())
    }
}

impl<'de> Deserialize<'de> for ExportedSecret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(ExportedSecret(Secret::new(match v {
            Value::String(s) => s,
            other => other.to_string(),
        })))
    }
}

/// One integration in an export file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportedIntegration {
    /// Its id (kept on import).
    #[serde(default)]
    pub id: Option<String>,
    /// Website id, or None for global.
    #[serde(default)]
    pub website_id: Option<String>,
    /// Catalog type.
    pub integration_type: String,
    /// Catalog provider.
    #[serde(default)]
    pub provider: Option<String>,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Status.
    #[serde(default)]
    pub status: Option<Status>,
    /// Active toggle.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Whether it has a configuration.
    #[serde(default = "yes")]
    pub configured: bool,
    /// Public settings.
    #[serde(default)]
    pub config: Map<String, Value>,
    /// Secret settings: a value, or null for "set, but not in this file".
    #[serde(default)]
    pub secrets: BTreeMap<String, Option<ExportedSecret>>,
    /// When each secret was set and the stated expiry (dates only; kept
    /// by a restore or an import of the file).
    #[serde(flatten)]
    pub dates: switchboard_domain::ExpiryDates,
}

impl ExportedIntegration {
    /// Gives the record `id` (just written from this entry) the entry's
    /// secret dates and stated expiry, instead of "set now".
    pub(crate) async fn keep_dates(
        &self,
        conn: &mut sqlx::SqliteConnection,
        id: &str,
    ) -> Result<()> {
        crate::expiry::take_dates(conn, id, &self.dates, |key, _| {
            matches!(self.secrets.get(key), Some(Some(_)))
        })
        .await
    }
}

fn yes() -> bool {
    true
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportReport {
    /// Integrations added.
    pub imported: usize,
    /// Websites added.
    pub websites: usize,
    /// Ids already in the store, left as they are.
    pub skipped_existing: Vec<String>,
    /// Entries refused, with the reason.
    pub failed: Vec<ImportFailure>,
}

/// One refused entry of an import.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportFailure {
    /// Its position in the file (from 0).
    pub index: usize,
    /// Its name.
    pub name: String,
    /// Why.
    pub message: String,
}

impl ExportFile {
    /// Parses an export file, with a clear message for the wrong kind of file.
    pub fn from_json(text: &str) -> Result<ExportFile> {
        let file: ExportFile = serde_json::from_str(text).map_err(|e| {
            StoreError::BadFile(format!(
                "this is not a Switchboard export file ({e}); export one with `switchboard export`"
            ))
        })?;
        if file.format != EXPORT_FORMAT {
            return Err(StoreError::BadFile(format!(
                "this file's format is '{}', not '{EXPORT_FORMAT}'",
                file.format
            )));
        }
        if file.version != 1 {
            return Err(StoreError::BadFile(format!(
                "this export is version {}; this Switchboard reads version 1",
                file.version
            )));
        }
        Ok(file)
    }
}

impl Store {
    /// Exports every website and integration (not those in the Trash: a
    /// backup or export holds no Trash); secret values only when
    /// `with_secrets` (a value that cannot be decrypted becomes null, with a warning).
    pub async fn export(&self, with_secrets: bool) -> Result<ExportFile> {
        let sealer = self.sealer()?;
        let websites = self.websites().await?;
        let rows = sqlx::query(
            "SELECT id, website_id, integration_type, provider, name, description, status, is_active, configured, config, secrets, remote_secrets,
                    secret_dates, expires_at, expires_source
             FROM integrations WHERE trashed_at IS NULL ORDER BY created_at, id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut warnings = Vec::new();
        let mut integrations = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.get("id");
            let name: String = row.get("name");
            let sealed = column::parse(row.get("secrets"));
            let mut out = BTreeMap::new();
            for (field, value) in &sealed {
                let v = if with_secrets {
                    match secrets::open(sealer.as_ref(), &id, field, value) {
                        Ok(s) => Some(ExportedSecret(s)),
                        Err(_) => {
                            warnings.push(format!(
                                "'{name}': secret '{field}' cannot be decrypted and was left out"
                            ));
                            None
                        }
                    }
                } else {
                    None
                };
                out.insert(field.clone(), v);
            }
            // Set on the sync server only: known to be set, value not here.
            for key in crate::sync::parse_remote(row.get("remote_secrets")).into_keys() {
                out.entry(key).or_insert(None);
            }
            integrations.push(ExportedIntegration {
                website_id: row.get("website_id"),
                integration_type: row.get("integration_type"),
                provider: Some(row.get("provider")),
                description: row.get("description"),
                status: row.get::<&str, _>("status").parse().ok(),
                is_active: Some(row.get("is_active")),
                configured: row.get("configured"),
                config: serde_json::from_str(row.get::<&str, _>("config")).unwrap_or_default(),
                secrets: out,
                dates: switchboard_domain::ExpiryDates {
                    secret_set_at: serde_json::from_str(row.get::<&str, _>("secret_dates"))
                        .unwrap_or_default(),
                    expires_at: row.get("expires_at"),
                    expires_source: row.get("expires_source"),
                },
                id: Some(id),
                name,
            });
        }
        Ok(ExportFile {
            format: EXPORT_FORMAT.into(),
            version: 1,
            exported_at: now(),
            includes_secrets: with_secrets,
            websites,
            integrations,
            warnings,
        })
    }

    /// Imports a file in batches of `batch_size`, each in one transaction.
    /// `on_commit` hears the ids of each batch once it is durable. Entries
    /// that fail validation are reported and skipped; ids already present
    /// are left alone.
    pub async fn import(
        &self,
        file: ExportFile,
        batch_size: usize,
        on_commit: &mut (dyn FnMut(&[String]) + Send),
    ) -> Result<ImportReport> {
        let sealer = self.sealer()?;
        let mut report = ImportReport::default();
        {
            let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
            for w in &file.websites {
                let done = sqlx::query(
                    "INSERT OR IGNORE INTO websites (id, name, domain, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                )
                .bind(&w.id)
                .bind(&w.name)
                .bind(&w.domain)
                .bind(&w.created_at)
                .bind(&w.updated_at)
                .execute(&mut *tx)
                .await?;
                report.websites += done.rows_affected() as usize;
            }
            tx.commit().await?;
        }
        let batch_size = batch_size.max(1);
        let entries: Vec<(usize, ExportedIntegration)> =
            file.integrations.into_iter().enumerate().collect();
        for chunk in entries.chunks(batch_size) {
            let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
            // Which ids and websites already exist, in two queries per batch.
            let ids: Vec<&str> = chunk.iter().filter_map(|(_, i)| i.id.as_deref()).collect();
            let existing = existing_ids(&mut tx, "integrations", &ids).await?;
            let site_ids: Vec<&str> = chunk
                .iter()
                .filter_map(|(_, i)| i.website_id.as_deref())
                .collect();
            let sites = existing_ids(&mut tx, "websites", &site_ids).await?;

            let mut ready = Vec::with_capacity(chunk.len());
            for (index, item) in chunk {
                if let Some(id) = &item.id {
                    if existing.contains(id) {
                        report.skipped_existing.push(id.clone());
                        continue;
                    }
                }
                let fail = |message: String| ImportFailure {
                    index: *index,
                    name: item.name.clone(),
                    message,
                };
                if let Some(w) = item.website_id.as_deref().filter(|w| !w.is_empty()) {
                    if !sites.contains(w) {
                        report.failed.push(fail(format!(
                            "website '{w}' does not exist: add it to the file's websites or create it first"
                        )));
                        continue;
                    }
                }
                let omitted = omitted(item);
                match self.prepare_import(sealer.as_ref(), to_new(item, &omitted), &omitted) {
                    Ok(p) => ready.push((*index, item.name.clone(), p, omitted)),
                    Err(e) => report.failed.push(fail(e.to_string())),
                }
            }

            let all: Vec<&_> = ready.iter().map(|(_, _, p, _)| p).collect();
            let mut committed: Vec<String> = Vec::with_capacity(ready.len());
            // A savepoint lets a failed fast path leave no trace before the slow one.
            sqlx::query("SAVEPOINT bulk").execute(&mut *tx).await?;
            match self
                .insert_many(&mut tx, &all, "Integration imported")
                .await
            {
                Ok(()) => {
                    sqlx::query("RELEASE bulk").execute(&mut *tx).await?;
                    committed.extend(all.iter().map(|p| p.id.clone()));
                }
                Err(StoreError::Conflict(_)) => {
                    sqlx::query("ROLLBACK TO bulk").execute(&mut *tx).await?;
                    sqlx::query("RELEASE bulk").execute(&mut *tx).await?;
                    for (index, name, p, _) in &ready {
                        match self
                            .insert_prepared(&mut tx, p, "Integration imported")
                            .await
                        {
                            Ok(()) => committed.push(p.id.clone()),
                            Err(e @ (StoreError::Conflict(_) | StoreError::Validation(_))) => {
                                report.failed.push(ImportFailure {
                                    index: *index,
                                    name: name.clone(),
                                    message: e.to_string(),
                                })
                            }
                            Err(e) => return Err(e),
                        }
                    }
                }
                Err(e) => return Err(e),
            }
            for (index, _, p, omitted) in &ready {
                if committed.contains(&p.id) {
                    log_omitted(&mut tx, &p.id, omitted).await?;
                    if let Some((_, item)) = chunk.iter().find(|(i, _)| i == index) {
                        item.keep_dates(&mut tx, &p.id).await?;
                    }
                }
            }
            tx.commit().await?;
            report.imported += committed.len();
            on_commit(&committed);
        }
        Ok(report)
    }
}

/// The secrets a file marks as set but leaves out (null values).
pub(crate) fn omitted(item: &ExportedIntegration) -> Vec<String> {
    item.secrets
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k.clone())
        .collect()
}

/// The warning of an integration added without some of its secrets.
pub(crate) async fn log_omitted(
    conn: &mut sqlx::SqliteConnection,
    id: &str,
    omitted: &[String],
) -> Result<()> {
    if omitted.is_empty() {
        return Ok(());
    }
    insert_log(
        Reach::Pushed,
        conn,
        id,
        LogLevel::Warning,
        "Some secrets were not in the import file: enter them again",
        json!({ "fields": omitted }),
    )
    .await
}

/// The new integration a file entry stands for (its secrets among the values).
pub(crate) fn to_new(item: &ExportedIntegration, omitted: &[String]) -> NewIntegration {
    let values = item.configured.then(|| {
        let mut v = item.config.clone();
        for (k, s) in &item.secrets {
            if let Some(s) = s {
                v.insert(k.clone(), Value::String(s.0.expose().to_owned()));
            }
        }
        v
    });
    NewIntegration {
        id: item.id.clone(),
        integration_type: item.integration_type.clone(),
        provider: item.provider.clone(),
        name: item.name.clone(),
        description: item.description.clone(),
        website_id: item.website_id.clone(),
        values,
        is_active: item.is_active,
        status: if omitted.is_empty() {
            item.status
        } else {
            Some(Status::Pending)
        },
        created_by: None,
    }
}

async fn existing_ids(
    conn: &mut sqlx::SqliteConnection,
    table: &str,
    ids: &[&str],
) -> Result<std::collections::HashSet<String>> {
    let mut found = std::collections::HashSet::new();
    for part in ids.chunks(500) {
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!(
            "SELECT id FROM {table} WHERE id IN ("
        ));
        let mut sep = qb.separated(", ");
        for id in part {
            sep.push_bind(*id);
        }
        qb.push(")");
        for row in qb.build().fetch_all(&mut *conn).await? {
            found.insert(row.get::<String, _>(0));
        }
    }
    Ok(found)
}
