//! Creating, reading, changing, listing and deleting integrations. Every
//! write validates against the catalog, seals the secret fields, bumps the
//! revision and writes an activity-log entry in the same transaction.

use crate::model::*;
use crate::secrets::{self, SealedMap};
use crate::sync::{self as sync_state, RemoteSecrets};
use crate::{now, Result, Store, StoreError};
use futures_util::TryStreamExt;
use serde_json::{json, Map, Value};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::BTreeMap;
use switchboard_catalog::{self as catalog, IntegrationType, Provider};
use switchboard_vault::{Sealer, Secret};

const COLUMNS: &str = "id, website_id, owner, integration_type, provider, name, description, status, is_active, config, secrets, remote_secrets, configured, last_sync_at, last_error, error_count, revision, created_by, created_at, updated_at";
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
                let known: Vec<&str> = catalog::types().iter().map(|t| t.id).collect();
                return Err(StoreError::invalid(
                    "integration_type",
                    format!(
                        "'{type_id}' is not an integration type: use one of {}",
                        known.join(", ")
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

fn summary_from_row(row: &SqliteRow) -> Result<IntegrationSummary> {
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
    Ok(IntegrationSummary {
        id: row.get("id"),
        website_id: row.get("website_id"),
        integration_type: row.get("integration_type"),
        provider: row.get("provider"),
        name: row.get("name"),
        description: row.get("description"),
        status: row
            .get::<&str, _>("status")
            .parse()
            .map_err(StoreError::Database)?,
        is_active: row.get("is_active"),
        last_sync_at: row.get("last_sync_at"),
        last_error: row.get("last_error"),
        error_count: row.get("error_count"),
        secret_fields,
        revision: row.get("revision"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    })
}

fn integration_from_row(row: &SqliteRow, sealer: &dyn Sealer) -> Result<Integration> {
    let id: String = row.get("id");
    let sealed = secrets::parse_column(row.get("secrets"))?;
    let config: Map<String, Value> =
        serde_json::from_str(row.get::<&str, _>("config")).unwrap_or_default();
    let mut views = secrets::views(sealer, &id, &sealed);
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
        website_id: row.get("website_id"),
        owner: row.get("owner"),
        integration_type: row.get("integration_type"),
        provider: row.get("provider"),
        name: row.get("name"),
        description: row.get("description"),
        status: row
            .get::<&str, _>("status")
            .parse()
            .map_err(StoreError::Database)?,
        is_active: row.get("is_active"),
        config,
        configured: row.get("configured"),
        last_sync_at: row.get("last_sync_at"),
        last_error: row.get("last_error"),
        error_count: row.get("error_count"),
        revision: row.get("revision"),
        created_by: row.get("created_by"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
        id,
    })
}

fn push_filters<'a>(qb: &mut QueryBuilder<'a, Sqlite>, filter: &'a ListFilter) {
    qb.push(" WHERE 1 = 1");
    if let Some(t) = &filter.integration_type {
        qb.push(" AND integration_type = ").push_bind(t);
    }
    if let Some(p) = &filter.provider {
        qb.push(" AND provider = ").push_bind(p);
    }
    if let Some(s) = filter.status {
        qb.push(" AND status = ").push_bind(s.as_str());
    }
    if let Some(a) = filter.is_active {
        qb.push(" AND is_active = ").push_bind(a);
    }
    match &filter.website {
        WebsiteFilter::Any => {}
        WebsiteFilter::Global => {
            qb.push(" AND website_id IS NULL");
        }
        WebsiteFilter::Website(id) => {
            qb.push(" AND website_id = ").push_bind(id);
        }
    }
    if let Some(text) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        qb.push(" AND (");
        // Secrets live in their own column and are never searched.
        for (i, col) in [
            "name",
            "description",
            "integration_type",
            "provider",
            "config",
        ]
        .iter()
        .enumerate()
        {
            if i > 0 {
                qb.push(" OR ");
            }
            qb.push(*col)
                .push(" LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\'");
        }
        qb.push(")");
    }
}

fn order_clause(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Newest => "created_at DESC, id DESC",
        SortKey::Oldest => "created_at ASC, id ASC",
        SortKey::Name => "name COLLATE NOCASE ASC, id",
        SortKey::Type => "integration_type, name COLLATE NOCASE, id",
        SortKey::Status => "status, name COLLATE NOCASE, id",
        SortKey::Updated => "updated_at DESC, id DESC",
    }
}

fn push_order(qb: &mut QueryBuilder<'_, Sqlite>, filter: &ListFilter) {
    qb.push(" ORDER BY ").push(order_clause(filter.sort));
    qb.push(" LIMIT ")
        .push_bind(filter.limit.unwrap_or(-1))
        .push(" OFFSET ")
        .push_bind(filter.offset.unwrap_or(0));
}

/// Writes a log line (with a new uid), to push with the next sync.
pub(crate) async fn insert_log(
    conn: &mut sqlx::SqliteConnection,
    integration_id: &str,
    level: LogLevel,
    message: &str,
    details: Value,
) -> Result<()> {
    write_log(conn, integration_id, level, message, details, false).await
}

/// Writes a log line that stays on this laptop (a note about sync itself).
pub(crate) async fn insert_local_log(
    conn: &mut sqlx::SqliteConnection,
    integration_id: &str,
    level: LogLevel,
    message: &str,
    details: Value,
) -> Result<()> {
    write_log(conn, integration_id, level, message, details, true).await
}

async fn write_log(
    conn: &mut sqlx::SqliteConnection,
    integration_id: &str,
    level: LogLevel,
    message: &str,
    details: Value,
    synced: bool,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO integration_logs (integration_id, level, message, details, created_at, uid, synced) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(integration_id)
    .bind(level.as_str())
    .bind(message)
    .bind(details.to_string())
    .bind(now())
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(synced)
    .execute(conn)
    .await?;
    Ok(())
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
            None => uuid::Uuid::new_v4().to_string(),
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
        sqlx::query(
            "INSERT INTO integrations (id, website_id, owner, integration_type, provider, name, description, status, is_active, config, secrets, configured, created_by, created_at, updated_at, dirty, change_stamp)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&p.id)
        .bind(&p.website_id)
        .bind(&self.owner)
        .bind(p.integration_type)
        .bind(p.provider)
        .bind(&p.name)
        .bind(&p.description)
        .bind(p.status.as_str())
        .bind(p.is_active)
        .bind(Value::Object(p.config.clone()).to_string())
        .bind(secrets::to_column(&p.sealed))
        .bind(p.configured)
        .bind(&p.created_by)
        .bind(&ts)
        .bind(&ts)
        .bind(p.create_dirty(stamp))
        .bind(stamp)
        .execute(&mut *conn)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!(
                "an integration named '{}' already exists for this website and provider, or the id is taken: choose another name",
                p.name
            )),
            other => other,
        })?;
        insert_log(
            conn,
            &p.id,
            LogLevel::Info,
            log_message,
            json!({ "provider": p.provider, "secret_fields": p.sealed.keys().collect::<Vec<_>>() }),
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
        // 17 bound values a row stays far below SQLite's variable limit.
        for part in items.chunks(500) {
            let ts = now();
            let first = sync_state::next_stamps(conn, part.len() as i64).await?;
            let mut qb = QueryBuilder::<Sqlite>::new(
                "INSERT INTO integrations (id, website_id, owner, integration_type, provider, name, description, status, is_active, config, secrets, configured, created_by, created_at, updated_at, dirty, change_stamp) ",
            );
            qb.push_values(part.iter().zip(first..), |mut b, (p, stamp)| {
                b.push_bind(&p.id)
                    .push_bind(&p.website_id)
                    .push_bind(&self.owner)
                    .push_bind(p.integration_type)
                    .push_bind(p.provider)
                    .push_bind(&p.name)
                    .push_bind(&p.description)
                    .push_bind(p.status.as_str())
                    .push_bind(p.is_active)
                    .push_bind(Value::Object(p.config.clone()).to_string())
                    .push_bind(secrets::to_column(&p.sealed))
                    .push_bind(p.configured)
                    .push_bind(&p.created_by)
                    .push_bind(ts.clone())
                    .push_bind(ts.clone())
                    .push_bind(p.create_dirty(stamp))
                    .push_bind(stamp);
            });
            qb.build().execute(&mut *conn).await?;
            let mut logs = QueryBuilder::<Sqlite>::new(
                "INSERT INTO integration_logs (integration_id, level, message, details, created_at, uid) ",
            );
            logs.push_values(part.iter(), |mut b, p| {
                b.push_bind(&p.id)
                    .push_bind(LogLevel::Info.as_str())
                    .push_bind(log_message)
                    .push_bind(
                        json!({ "provider": p.provider, "secret_fields": p.sealed.keys().collect::<Vec<_>>() })
                            .to_string(),
                    )
                    .push_bind(ts.clone())
                    .push_bind(uuid::Uuid::new_v4().to_string());
            });
            logs.build().execute(&mut *conn).await?;
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

    /// One integration with its secrets masked.
    pub async fn get(&self, id: &str) -> Result<Integration> {
        let sealer = self.sealer()?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM integrations WHERE id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| not_found(id))?;
        integration_from_row(&row, sealer.as_ref())
    }

    /// The list view: no secret is opened.
    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<IntegrationSummary>> {
        self.sealer()?;
        let mut qb = QueryBuilder::new(format!("SELECT {COLUMNS} FROM integrations"));
        push_filters(&mut qb, filter);
        push_order(&mut qb, filter);
        let mut rows = qb.build().fetch(self.pool());
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await? {
            out.push(summary_from_row(&row)?);
        }
        Ok(out)
    }

    /// Every matching integration with its secrets opened and masked.
    pub async fn list_full(&self, filter: &ListFilter) -> Result<Vec<Integration>> {
        let sealer = self.sealer()?;
        let mut qb = QueryBuilder::new(format!("SELECT {COLUMNS} FROM integrations"));
        push_filters(&mut qb, filter);
        push_order(&mut qb, filter);
        // Stream the rows so that opening secrets overlaps with SQLite
        // producing the next rows on its worker thread.
        let mut rows = qb.build().fetch(self.pool());
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await? {
            out.push(integration_from_row(&row, sealer.as_ref())?);
        }
        Ok(out)
    }

    /// How many integrations match (for pagination).
    pub async fn count(&self, filter: &ListFilter) -> Result<i64> {
        self.sealer()?;
        let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM integrations");
        push_filters(&mut qb, filter);
        Ok(qb.build().fetch_one(self.pool()).await?.get(0))
    }

    /// Changes an integration; see [`IntegrationPatch`] for the rules.
    pub async fn update(&self, id: &str, patch: IntegrationPatch) -> Result<Integration> {
        self.change(id, patch, false).await
    }

    /// The first document's configure call: replaces the public settings
    /// with `values` (secrets left out are kept), and marks the integration
    /// active.
    pub async fn configure(
        &self,
        id: &str,
        provider: Option<String>,
        values: Map<String, Value>,
    ) -> Result<Integration> {
        let patch = IntegrationPatch {
            provider,
            values: Some(values),
            status: Some(Status::Active),
            is_active: Some(true),
            ..Default::default()
        };
        self.change(id, patch, true).await
    }

    async fn change(
        &self,
        id: &str,
        patch: IntegrationPatch,
        replace: bool,
    ) -> Result<Integration> {
        let sealer = self.sealer()?;
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        self.change_in(&mut tx, sealer.as_ref(), id, patch, replace)
            .await?;
        tx.commit().await?;
        self.get(id).await
    }

    /// The body of [`Store::update`] and [`Store::configure`], inside the
    /// caller's write transaction. Records the changed sync fields as dirty.
    pub(crate) async fn change_in(
        &self,
        tx: &mut sqlx::SqliteConnection,
        sealer: &dyn Sealer,
        id: &str,
        patch: IntegrationPatch,
        replace: bool,
    ) -> Result<()> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS}, dirty FROM integrations WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| not_found(id))?;
        let type_id: String = row.get("integration_type");
        let old_provider: String = row.get("provider");
        let (ty, provider) = resolve(
            &type_id,
            Some(patch.provider.as_deref().unwrap_or(&old_provider)),
        )?;
        let provider_changed = provider.id != old_provider;
        let mut changed: Vec<String> = Vec::new();

        let mut config: Map<String, Value> =
            serde_json::from_str(row.get::<&str, _>("config")).unwrap_or_default();
        let mut sealed = secrets::parse_column(row.get("secrets"))?;
        let mut remote: RemoteSecrets = sync_state::parse_remote(row.get("remote_secrets"));
        let old_config = config.clone();
        let old_sealed = sealed.clone();
        // Secrets set only on the server that this change clears.
        let mut cleared_remote: Vec<String> = Vec::new();
        let mut configured: bool = row.get("configured");
        let mut status: Status = row
            .get::<&str, _>("status")
            .parse()
            .map_err(StoreError::Database)?;
        let was_configured = configured;

        if provider_changed || replace {
            let keep = |k: &str| {
                provider.id == "custom" || catalog::field(ty.id, provider.id, k).is_some()
            };
            config.retain(|k, _| !replace && keep(k));
            sealed.retain(|k, _| catalog::is_secret(ty.id, provider.id, k));
            remote.retain(|k, _| catalog::is_secret(ty.id, provider.id, k));
            if provider_changed {
                changed.push("provider".into());
            }
        }
        if patch.values.is_some() || provider_changed {
            let values = patch.values.clone().unwrap_or_default();
            let mut new_secrets: Map<String, Value> = Map::new();
            for (k, v) in values {
                if catalog::is_secret(ty.id, provider.id, &k) {
                    let was_remote = remote.remove(&k).is_some();
                    if is_blank(&v) {
                        if sealed.remove(&k).is_some() {
                            changed.push(k);
                        } else if was_remote {
                            changed.push(k.clone());
                            cleared_remote.push(k);
                        }
                    } else {
                        changed.push(k.clone());
                        sealed.remove(&k);
                        new_secrets.insert(k, Value::String(secret_text(&v)));
                    }
                } else if is_blank(&v) {
                    if config.remove(&k).is_some() {
                        changed.push(k);
                    }
                } else {
                    if config.get(&k) != Some(&v) {
                        changed.push(k.clone());
                    }
                    config.insert(k, v);
                }
            }
            let mut input = config.clone();
            input.extend(new_secrets);
            let kept = sealed.clone();
            let on_server = remote.clone();
            let normalized = catalog::validate(ty.id, provider.id, &input, &|k| {
                kept.contains_key(k) || on_server.contains_key(k)
            })
            .map_err(StoreError::Validation)?;
            let (public, fresh) = split(ty, provider, normalized);
            config = public;
            sealed.extend(seal_all(sealer, id, &fresh));
            configured = true;
        }

        let old_name: String = row.get("name");
        let name = match patch.name {
            Some(n) => {
                let n = check_name(&n)?;
                changed.push("name".into());
                n
            }
            None => old_name.clone(),
        };
        let old_description: String = row.get("description");
        let description = match patch.description {
            Some(d) => {
                changed.push("description".into());
                d.trim().to_owned()
            }
            None => old_description.clone(),
        };
        let old_active: bool = row.get("is_active");
        let mut is_active = old_active;
        if configured && !was_configured && status == Status::Pending {
            status = Status::Active;
            is_active = true;
        }
        if let Some(s) = patch.status {
            status = s;
            changed.push("status".into());
        }
        if let Some(a) = patch.is_active {
            is_active = a;
            changed.push("is_active".into());
        }
        let old_website: Option<String> = row.get("website_id");
        let website_id: Option<String> = match patch.website_id {
            Some(w) => {
                let w = w.filter(|w| !w.is_empty());
                if let Some(w) = &w {
                    ensure_website(&mut *tx, w).await?;
                }
                changed.push("website".into());
                w
            }
            None => old_website.clone(),
        };
        changed.sort();
        changed.dedup();

        // What the sync pushes: the fields whose value really changed.
        let mut fields = sync_state::FieldChanges::default();
        fields.scalar("name", name != old_name);
        fields.scalar("description", description != old_description);
        fields.scalar("provider", provider_changed);
        fields.scalar("is_active", is_active != old_active);
        fields.scalar("website", website_id != old_website);
        fields.config(&old_config, &config);
        fields.secrets(&old_sealed, &sealed);
        for k in &cleared_remote {
            fields.secret(k);
        }
        let mut dirty = sync_state::parse_dirty(row.get("dirty"));
        let stamp = if fields.is_empty() {
            None
        } else {
            let stamp = sync_state::next_stamps(&mut *tx, 1).await?;
            fields.mark(&mut dirty, stamp);
            Some(stamp)
        };

        sqlx::query(
            "UPDATE integrations SET website_id = ?, provider = ?, name = ?, description = ?, status = ?, is_active = ?, config = ?, secrets = ?, configured = ?, revision = revision + 1, updated_at = ?,
                 remote_secrets = ?, dirty = ?, change_stamp = COALESCE(?, change_stamp) WHERE id = ?",
        )
        .bind(&website_id)
        .bind(provider.id)
        .bind(&name)
        .bind(&description)
        .bind(status.as_str())
        .bind(is_active)
        .bind(Value::Object(config).to_string())
        .bind(secrets::to_column(&sealed))
        .bind(configured)
        .bind(now())
        .bind(sync_state::remote_column(&remote))
        .bind(sync_state::dirty_column(&dirty))
        .bind(stamp)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let message = if replace {
            "Integration configured"
        } else {
            "Integration updated"
        };
        // Field names only: never values.
        insert_log(
            &mut *tx,
            id,
            LogLevel::Info,
            message,
            json!({ "changed": changed }),
        )
        .await?;
        Ok(())
    }

    /// Deletes an integration and its logs. A record the sync server has
    /// leaves a local tombstone, so that the deletion is pushed.
    pub async fn delete(&self, id: &str) -> Result<()> {
        self.sealer()?;
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let row = sqlx::query("SELECT server_revision FROM integrations WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| not_found(id))?;
        let server_revision: i64 = row.get(0);
        sqlx::query("DELETE FROM integrations WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sync_state::forget_deleted(&mut tx, id, server_revision).await?;
        tx.commit().await?;
        tracing::debug!(%id, "integration deleted");
        Ok(())
    }

    /// The plaintext of one secret field, on the user's explicit request.
    /// The reveal is recorded in the integration's log (the field, never the value).
    pub async fn reveal(&self, id: &str, field: &str) -> Result<Secret> {
        let sealer = self.sealer()?;
        let row =
            sqlx::query("SELECT name, secrets, remote_secrets FROM integrations WHERE id = ?")
                .bind(id)
                .fetch_optional(self.pool())
                .await?
                .ok_or_else(|| not_found(id))?;
        let name: String = row.get("name");
        let sealed = secrets::parse_column(row.get("secrets"))?;
        let value = sealed.get(field).ok_or_else(|| {
            if sync_state::parse_remote(row.get("remote_secrets")).contains_key(field) {
                StoreError::invalid(
                    field,
                    format!("'{field}' of '{name}' is set on the sync server only: this computer does not hold its value. Enter it here to replace it"),
                )
            } else {
                StoreError::invalid(
                    field,
                    format!("no value is stored for '{field}' in '{name}'"),
                )
            }
        })?;
        let secret = secrets::open(sealer.as_ref(), id, field, value).map_err(|_| {
            StoreError::Undecryptable {
                name,
                field: field.to_owned(),
            }
        })?;
        let mut conn = self.pool().acquire().await?;
        insert_log(
            &mut conn,
            id,
            LogLevel::Info,
            &format!("Secret '{field}' revealed"),
            json!({ "field": field }),
        )
        .await?;
        Ok(secret)
    }

    /// Totals by type and by status.
    pub async fn stats(&self) -> Result<Stats> {
        self.sealer()?;
        let rows = sqlx::query(
            "SELECT integration_type, status, is_active, COUNT(*) AS n FROM integrations GROUP BY 1, 2, 3",
        )
        .fetch_all(self.pool())
        .await?;
        let mut stats = Stats {
            by_type: catalog::types()
                .iter()
                .map(|t| (t.id.to_owned(), 0))
                .collect(),
            by_status: Status::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), 0))
                .collect(),
            ..Stats::default()
        };
        for row in rows {
            let n: i64 = row.get("n");
            let ty: String = row.get("integration_type");
            let status: String = row.get("status");
            let active: bool = row.get("is_active");
            stats.total += n;
            if active {
                stats.active += n;
            } else {
                stats.inactive += n;
            }
            if status == "error" {
                stats.error += n;
            }
            *stats.by_type.entry(ty).or_default() += n;
            *stats.by_status.entry(status).or_default() += n;
        }
        Ok(stats)
    }
}

pub(crate) fn not_found(id: &str) -> StoreError {
    StoreError::NotFound {
        kind: "integration",
        id: id.to_owned(),
    }
}
