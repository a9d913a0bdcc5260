//! The writes of a restore, inside the caller's transaction: new websites,
//! new integrations, and the choices for changed and conflicting ones.

use super::plan::{name_key, NameKey, Plan, StoreRow};
use super::{
    KeptBoth, RestoreChoice, RestoreChoices, RestoreItem, RestoreKind, RestoreReport, WebsiteKind,
};
use crate::integrations::{resolve, set_trashed_in};
use crate::model::IntegrationPatch;
use crate::transfer::{log_omitted, omitted, to_new, ExportFile, ExportedIntegration};
use crate::{Result, Store, StoreError};
use serde_json::{Map, Value};
use sqlx::SqliteConnection;
use std::collections::HashSet;
use switchboard_catalog::destination;
use switchboard_domain::field;
use switchboard_vault::Sealer;

const RESTORED: &str = "Integration restored from a backup";

impl Store {
    /// Applies `plan` with `choices`; any error leaves the transaction to
    /// be rolled back by the caller.
    pub(super) async fn apply(
        &self,
        tx: &mut SqliteConnection,
        sealer: &dyn Sealer,
        file: &ExportFile,
        mut plan: Plan,
        choices: &RestoreChoices,
    ) -> Result<RestoreReport> {
        let mut report = RestoreReport::default();
        for (w, planned) in file.websites.iter().zip(&plan.websites) {
            if planned.kind == WebsiteKind::New {
                sqlx::query(
                    "INSERT INTO websites (id, name, domain, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                )
                .bind(&w.id)
                .bind(w.name.trim())
                .bind(&w.domain)
                .bind(&w.created_at)
                .bind(&w.updated_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    in_item(StoreError::from(e), &format!("website '{}'", w.name))
                })?;
                report.websites_added += 1;
            }
        }
        let items = std::mem::take(&mut plan.items);
        for (item, planned) in file.integrations.iter().zip(&items) {
            let website = plan.website_of(item);
            let what = format!("'{}' (#{} in the file)", item.name, planned.index);
            self.apply_one(
                tx,
                sealer,
                (item, planned),
                website,
                &mut plan,
                choices,
                &mut report,
            )
            .await
            .map_err(|e| in_item(e, &what))?;
        }
        Ok(report)
    }

    #[allow(clippy::too_many_arguments)]
    async fn apply_one(
        &self,
        tx: &mut SqliteConnection,
        sealer: &dyn Sealer,
        (item, planned): (&ExportedIntegration, &RestoreItem),
        website: Option<String>,
        plan: &mut Plan,
        choices: &RestoreChoices,
        report: &mut RestoreReport,
    ) -> Result<()> {
        let default = match planned.kind {
            RestoreKind::New => {
                let (id, missing) = self.add_new(tx, sealer, item, website, None).await?;
                plan.taken.insert(name_key(
                    &planned.integration_type,
                    planned.website_id.as_deref(),
                    &item.name,
                ));
                report.added += 1;
                if missing {
                    report.secrets_to_reenter.push(id);
                }
                return Ok(());
            }
            RestoreKind::Unchanged => {
                report.unchanged += 1;
                return Ok(());
            }
            RestoreKind::Changed => choices.on_change,
            RestoreKind::Conflict => choices.on_conflict,
        };
        let choice = choices.items.get(&planned.key).copied().unwrap_or(default);
        let row = planned.store_id.as_ref().and_then(|id| plan.rows.get(id));
        match (choice, row) {
            (RestoreChoice::KeepMine, _) => report.kept_mine.push(planned.key.clone()),
            (RestoreChoice::TakeFile, Some(row)) => {
                let patch = file_patch(item, planned, website, row)?;
                let id = row.id.clone();
                self.change_in(tx, sealer, &id, patch, false).await?;
                item.keep_dates(tx, &id).await?;
                if planned.fields.iter().any(|f| f == field::TRASHED_AT) {
                    // Backups hold no Trash: taking the file's brings it back.
                    set_trashed_in(tx, &id, false).await?;
                }
                report.updated.push(id);
            }
            (RestoreChoice::KeepBoth, _) if planned.kind == RestoreKind::Conflict => {
                let name = free_name(&mut plan.taken, planned, &item.name);
                let (id, missing) = self
                    .add_new(tx, sealer, item, website, Some(name.clone()))
                    .await?;
                report.added += 1;
                if missing {
                    report.secrets_to_reenter.push(id.clone());
                }
                report.kept_both.push(KeptBoth {
                    key: planned.key.clone(),
                    id,
                    name,
                });
            }
            _ => {
                return Err(StoreError::invalid(
                    &planned.key,
                    "keep both applies to name conflicts only: choose keep mine or take the file's",
                ))
            }
        }
        Ok(())
    }

    /// Adds a file integration (with a fresh id and this name when
    /// `rename` is given); answers its id and whether secrets were missing.
    async fn add_new(
        &self,
        tx: &mut SqliteConnection,
        sealer: &dyn Sealer,
        item: &ExportedIntegration,
        website: Option<String>,
        rename: Option<String>,
    ) -> Result<(String, bool)> {
        let omitted = omitted(item);
        let mut new = to_new(item, &omitted);
        new.website_id = website;
        if let Some(name) = rename {
            new.name = name;
            new.id = None;
        }
        let prepared = self.prepare_import(sealer, new, &omitted)?;
        self.insert_prepared(tx, &prepared, RESTORED).await?;
        log_omitted(tx, &prepared.id, &omitted).await?;
        item.keep_dates(tx, &prepared.id).await?;
        Ok((prepared.id.clone(), !omitted.is_empty()))
    }
}

/// The patch that makes the store's `row` what the file says, field by
/// field of those that differ. A null secret keeps the store's; one the
/// file does not list is cleared. When the change moves where secrets go
/// (a host, a provider), every secret the file holds comes with it.
fn file_patch(
    item: &ExportedIntegration,
    planned: &RestoreItem,
    website: Option<String>,
    row: &StoreRow,
) -> Result<IntegrationPatch> {
    let fields: HashSet<&str> = planned.fields.iter().map(String::as_str).collect();
    if fields.contains("integration_type") {
        return Err(StoreError::invalid(
            "integration_type",
            format!(
                "it is of type {} in the file and {} in this store, and a type cannot change: keep yours, or delete it first",
                planned.integration_type, row.integration_type
            ),
        ));
    }
    let (ty, provider) = resolve(&planned.integration_type, Some(planned.provider.as_str()))?;
    let moves = fields.contains(field::PROVIDER)
        || !destination::moved(ty, provider, &row.config, &item.config).is_empty();
    let mut values = Map::new();
    for f in &fields {
        if let Some(k) = f.strip_prefix(field::CONFIG_PREFIX) {
            let v = item.config.get(k).cloned().unwrap_or(Value::Null);
            values.insert(k.to_owned(), v);
        } else if let Some(k) = f.strip_prefix(field::SECRET_PREFIX) {
            values.insert(k.to_owned(), secret_value(item, k));
        }
    }
    if moves {
        for (k, v) in &item.secrets {
            if v.is_some() {
                values.insert(k.clone(), secret_value(item, k));
            }
        }
    }
    let has = |f: &str| fields.contains(f);
    Ok(IntegrationPatch {
        name: has(field::NAME).then(|| item.name.clone()),
        description: has(field::DESCRIPTION).then(|| item.description.clone()),
        is_active: item.is_active.filter(|_| has(field::IS_ACTIVE)),
        website_id: has(field::WEBSITE).then_some(website),
        provider: has(field::PROVIDER).then(|| planned.provider.clone()),
        values: (!values.is_empty()).then_some(values),
        status: None,
    })
}

/// A file secret as a patch value: its text, or null (clears it).
fn secret_value(item: &ExportedIntegration, key: &str) -> Value {
    match item.secrets.get(key) {
        Some(Some(s)) => Value::String(s.0.expose().to_owned()),
        _ => Value::Null,
    }
}

/// "<name> (restored)", or "(restored 2)", "(restored 3)"... when taken.
fn free_name(taken: &mut HashSet<NameKey>, planned: &RestoreItem, name: &str) -> String {
    let key = |n: &str| name_key(&planned.integration_type, planned.website_id.as_deref(), n);
    let mut candidate = format!("{} (restored)", name.trim());
    let mut n = 2;
    while taken.contains(&key(&candidate)) {
        candidate = format!("{} (restored {n})", name.trim());
        n += 1;
    }
    taken.insert(key(&candidate));
    candidate
}

/// Says which entry of the file a refusal is about, and that nothing was restored.
fn in_item(e: StoreError, what: &str) -> StoreError {
    let head = format!("{what} cannot be restored, so nothing was");
    match e {
        StoreError::Validation(mut errors) => {
            errors.general = Some(match errors.general.take() {
                Some(g) => format!("{head}: {g}"),
                None => head,
            });
            StoreError::Validation(errors)
        }
        StoreError::Conflict(m) => StoreError::Conflict(format!("{head}: {m}")),
        other => other,
    }
}
