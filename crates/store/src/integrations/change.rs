//! Changing an integration: update and configure.

use super::logs::{insert_log, Reach};
use super::{
    check_name, ensure_website, is_blank, resolve, row_with_dirty, seal_all, secret_text, split,
    trashed_name_holder, COLUMNS,
};
use crate::db::parsed_column;
use crate::model::*;
use crate::secrets::SealedMap;
use crate::sync::{self as sync_state, RemoteSecrets};
use crate::{now, Result, Store, StoreError};
use serde_json::{json, Map, Value};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use switchboard_catalog::{self as catalog, IntegrationType, Provider};
use switchboard_domain::field::{self, FieldDiff};
use switchboard_vault::column;
use switchboard_vault::Sealer;

impl Store {
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
        mut patch: IntegrationPatch,
        replace: bool,
    ) -> Result<()> {
        let row = row_with_dirty(tx, COLUMNS, id).await?;
        let type_id: String = row.get("integration_type");
        let old_provider: String = row.get("provider");
        let (ty, provider) = resolve(
            &type_id,
            Some(patch.provider.as_deref().unwrap_or(&old_provider)),
        )?;
        let provider_changed = provider.id != old_provider;
        let mut changed: Vec<String> = Vec::new();

        let mut values = Values::from_row(&row)?;
        let old_config = values.config.clone();
        let old_sealed = values.sealed.clone();
        let mut configured: bool = row.get("configured");
        let old = Scalars::from_row(&row)?;
        let was_configured = configured;

        if provider_changed || replace {
            values.retain_for(ty, provider, replace);
            if provider_changed {
                changed.push("provider".into());
            }
        }
        if patch.values.is_some() || provider_changed {
            let given = patch.values.take().unwrap_or_default();
            values.apply(ty, provider, sealer, id, (&old_config, given), &mut changed)?;
            configured = true;
        }
        let first_configured = configured && !was_configured;
        let new = patched_scalars(tx, &old, patch, first_configured, &mut changed).await?;
        changed.sort();
        changed.dedup();

        // What the sync pushes: the fields whose value really changed.
        let mut fields = FieldDiff::new();
        fields.scalar(field::NAME, new.name != old.name);
        fields.scalar(field::DESCRIPTION, new.description != old.description);
        fields.scalar(field::PROVIDER, provider_changed);
        fields.scalar(field::IS_ACTIVE, new.is_active != old.is_active);
        fields.scalar(field::WEBSITE, new.website_id != old.website_id);
        fields.config(&old_config, &values.config);
        fields.secrets(&old_sealed, &values.sealed);
        for k in &values.cleared_remote {
            fields.secret(k);
        }
        let mut dirty = sync_state::parse_dirty(row.get("dirty"));
        let stamp = if fields.is_empty() {
            None
        } else {
            let stamp = sync_state::next_stamps(&mut *tx, 1).await?;
            sync_state::mark(&fields, &mut dirty, stamp);
            Some(stamp)
        };

        let updated = sqlx::query(
            "UPDATE integrations SET website_id = ?, provider = ?, name = ?, description = ?, status = ?, is_active = ?, config = ?, secrets = ?, configured = ?, revision = revision + 1, updated_at = ?,
                 remote_secrets = ?, dirty = ?, change_stamp = COALESCE(?, change_stamp) WHERE id = ?",
        )
        .bind(&new.website_id)
        .bind(provider.id)
        .bind(&new.name)
        .bind(&new.description)
        .bind(new.status.as_str())
        .bind(new.is_active)
        .bind(Value::Object(values.config).to_string())
        .bind(column::render(&values.sealed))
        .bind(configured)
        .bind(now())
        .bind(sync_state::remote_column(&values.remote))
        .bind(sync_state::dirty_column(&dirty))
        .bind(stamp)
        .bind(id)
        .execute(&mut *tx)
        .await;
        if let Err(e) = updated {
            let key = (new.website_id.as_deref(), provider.id, new.name.as_str());
            return Err(match StoreError::from(e) {
                StoreError::Conflict(m) => trashed_name_holder(tx, key)
                    .await?
                    .unwrap_or(StoreError::Conflict(m)),
                other => other,
            });
        }
        let message = if replace {
            "Integration configured"
        } else {
            "Integration updated"
        };
        // Field names only: never values.
        insert_log(
            Reach::Pushed,
            &mut *tx,
            id,
            LogLevel::Info,
            message,
            json!({ "changed": changed }),
        )
        .await?;
        Ok(())
    }
}

/// An integration's settings and secrets while a change is worked out.
struct Values {
    config: Map<String, Value>,
    sealed: SealedMap,
    remote: RemoteSecrets,
    /// Secrets set only on the server that this change clears.
    cleared_remote: Vec<String>,
}

impl Values {
    fn from_row(row: &SqliteRow) -> Result<Values> {
        Ok(Values {
            config: serde_json::from_str(row.get::<&str, _>("config")).unwrap_or_default(),
            sealed: column::parse(row.get("secrets")),
            remote: sync_state::parse_remote(row.get("remote_secrets")),
            cleared_remote: Vec::new(),
        })
    }

    /// Keeps the settings and secrets the (new) provider knows; with
    /// `replace`, no setting.
    fn retain_for(&mut self, ty: &IntegrationType, provider: &Provider, replace: bool) {
        let keep =
            |k: &str| provider.id == "custom" || catalog::field(ty.id, provider.id, k).is_some();
        self.config.retain(|k, _| !replace && keep(k));
        self.sealed
            .retain(|k, _| catalog::is_secret(ty.id, provider.id, k));
        self.remote
            .retain(|k, _| catalog::is_secret(ty.id, provider.id, k));
    }

    /// Applies a patch's values over the settings `before` the change:
    /// validated against the catalog together with what is kept, new
    /// secrets sealed. A change that moves where the secrets go (host,
    /// port, TLS, base URL...) must bring every secret kept. Adds the keys
    /// it changes to `changed`.
    fn apply(
        &mut self,
        ty: &IntegrationType,
        provider: &Provider,
        sealer: &dyn Sealer,
        id: &str,
        (before, values): (&Map<String, Value>, Map<String, Value>),
        changed: &mut Vec<String>,
    ) -> Result<()> {
        let mut new_secrets: Map<String, Value> = Map::new();
        for (k, v) in values {
            if catalog::is_secret(ty.id, provider.id, &k) {
                let was_remote = self.remote.remove(&k).is_some();
                if is_blank(&v) {
                    if self.sealed.remove(&k).is_some() {
                        changed.push(k);
                    } else if was_remote {
                        changed.push(k.clone());
                        self.cleared_remote.push(k);
                    }
                } else {
                    changed.push(k.clone());
                    self.sealed.remove(&k);
                    new_secrets.insert(k, Value::String(secret_text(&v)));
                }
            } else if is_blank(&v) {
                if self.config.remove(&k).is_some() {
                    changed.push(k);
                }
            } else {
                if self.config.get(&k) != Some(&v) {
                    changed.push(k.clone());
                }
                self.config.insert(k, v);
            }
        }
        let mut input = self.config.clone();
        input.extend(new_secrets);
        let (kept, on_server) = (&self.sealed, &self.remote);
        let normalized = catalog::validate(ty.id, provider.id, &input, &|k| {
            kept.contains_key(k) || on_server.contains_key(k)
        })
        .map_err(StoreError::Validation)?;
        let (public, fresh) = split(ty, provider, normalized);
        let moved = catalog::destination::moved(ty, provider, before, &public);
        // Left in `sealed` and `remote` are the secrets this change keeps.
        let kept = self.sealed.keys().chain(self.remote.keys());
        let due = catalog::destination::to_reenter(
            ty,
            provider,
            &moved,
            kept.map(String::as_str),
            &|_| false,
        );
        if !due.is_empty() {
            return Err(StoreError::Validation(catalog::ValidationErrors {
                general: None,
                fields: due,
            }));
        }
        self.config = public;
        self.sealed.extend(seal_all(sealer, id, &fresh));
        Ok(())
    }
}

/// An integration's fields besides its provider, settings and secrets.
struct Scalars {
    name: String,
    description: String,
    status: Status,
    is_active: bool,
    website_id: Option<String>,
}

impl Scalars {
    fn from_row(row: &SqliteRow) -> Result<Scalars> {
        Ok(Scalars {
            name: row.get("name"),
            description: row.get("description"),
            status: parsed_column(row, "status")?,
            is_active: row.get("is_active"),
            website_id: row.get("website_id"),
        })
    }
}

/// The patch's name, description, status, on/off and website over the old
/// ones (a pending record configured for the first time becomes active).
/// Adds the fields the patch gives to `changed`.
async fn patched_scalars(
    tx: &mut sqlx::SqliteConnection,
    old: &Scalars,
    patch: IntegrationPatch,
    first_configured: bool,
    changed: &mut Vec<String>,
) -> Result<Scalars> {
    let name = match patch.name {
        Some(n) => {
            let n = check_name(&n)?;
            changed.push("name".into());
            n
        }
        None => old.name.clone(),
    };
    let description = match patch.description {
        Some(d) => {
            changed.push("description".into());
            d.trim().to_owned()
        }
        None => old.description.clone(),
    };
    let mut status = old.status;
    let mut is_active = old.is_active;
    if first_configured && status == Status::Pending {
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
    let website_id: Option<String> = match patch.website_id {
        Some(w) => {
            let w = w.filter(|w| !w.is_empty());
            if let Some(w) = &w {
                ensure_website(&mut *tx, w).await?;
            }
            changed.push("website".into());
            w
        }
        None => old.website_id.clone(),
    };
    Ok(Scalars {
        name,
        description,
        status,
        is_active,
        website_id,
    })
}
