//! Conflicts: listing them and settling one.

use super::dirty::{dirty_column, next_stamps, parse_dirty};
use super::local::{local_from_row, LOCAL_COLUMNS};
use super::pull::free_name;
use super::websites::ensure_pulled_website;
use super::{remask, Conflict, Resolution};
use crate::integrations::{insert_log, row_with_dirty, Reach};
use crate::model::{IntegrationPatch, LogLevel};
use crate::{now, Result, Store, StoreError};
use serde_json::{json, Map, Value};
use sqlx::{Row, SqliteConnection};
use std::collections::HashSet;
use switchboard_sync_proto::field;

impl Store {
    /// Conflicts waiting for the user, oldest first.
    pub async fn conflicts(&self) -> Result<Vec<Conflict>> {
        self.sealer()?;
        let query = sqlx::query(
            "SELECT c.uid, i.name, c.field, c.mine, c.theirs_masked, c.their_revision
             FROM sync_conflicts c JOIN integrations i ON i.id = c.uid
             WHERE c.resolved = 0 AND i.trashed_at IS NULL ORDER BY c.created_at, c.uid, c.field",
        );
        self.fetch_each(query, |r| Conflict {
            uid: r.get("uid"),
            name: r.get("name"),
            field: r.get("field"),
            mine: serde_json::from_str(r.get::<&str, _>("mine")).unwrap_or(Value::Null),
            theirs: serde_json::from_str(r.get::<&str, _>("theirs_masked")).unwrap_or(Value::Null),
            their_revision: r.get("their_revision"),
        })
        .await
    }

    /// Settles one conflict. KeepMine: the field stays dirty and is pushed
    /// over the server's revision once the record has no open conflict;
    /// TakeTheirs: the server's value replaces the local one (a secret's
    /// local value is dropped, the secret shows as set on the server) and
    /// the field is clean; Edit: the new value is validated and saved like
    /// an update, then pushed like KeepMine.
    pub async fn resolve_conflict(
        &self,
        uid: &str,
        field_name: &str,
        resolution: Resolution,
    ) -> Result<()> {
        let sealer = self.sealer()?;
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let row = sqlx::query(
            "SELECT theirs_masked FROM sync_conflicts WHERE uid = ? AND field = ? AND resolved = 0",
        )
        .bind(uid)
        .bind(field_name)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            kind: "conflict",
            id: format!("{uid} {field_name}"),
        })?;
        let theirs: Value =
            serde_json::from_str(row.get::<&str, _>("theirs_masked")).unwrap_or(Value::Null);
        let message = match resolution {
            Resolution::KeepMine => "Sync conflict resolved: kept this computer's value",
            Resolution::TakeTheirs => {
                take_theirs(&mut tx, uid, field_name, &theirs).await?;
                sqlx::query("DELETE FROM sync_conflicts WHERE uid = ? AND field = ?")
                    .bind(uid)
                    .bind(field_name)
                    .execute(&mut *tx)
                    .await?;
                "Sync conflict resolved: took the server's value"
            }
            Resolution::Edit(value) => {
                let patch = edit_patch(field_name, value)?;
                self.change_in(&mut tx, sealer.as_ref(), uid, patch, false)
                    .await?;
                // Still to push, even when the new value equals the old one.
                let dirty: String = sqlx::query("SELECT dirty FROM integrations WHERE id = ?")
                    .bind(uid)
                    .fetch_one(&mut *tx)
                    .await?
                    .get(0);
                let mut dirty = parse_dirty(&dirty);
                if !dirty.contains_key(field_name) {
                    let stamp = next_stamps(&mut tx, 1).await?;
                    dirty.insert(field_name.to_owned(), stamp);
                    sqlx::query("UPDATE integrations SET dirty = ?, change_stamp = ? WHERE id = ?")
                        .bind(dirty_column(&dirty))
                        .bind(stamp)
                        .bind(uid)
                        .execute(&mut *tx)
                        .await?;
                }
                "Sync conflict resolved: entered a new value"
            }
        };
        sqlx::query("UPDATE sync_conflicts SET resolved = 1 WHERE uid = ? AND field = ?")
            .bind(uid)
            .bind(field_name)
            .execute(&mut *tx)
            .await?;
        insert_log(
            Reach::Local,
            &mut tx,
            uid,
            LogLevel::Info,
            message,
            json!({ "field": field_name }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The patch an edited conflict value makes.
fn edit_patch(name: &str, value: Value) -> Result<IntegrationPatch> {
    let text = |v: Value| match v {
        Value::String(s) => Ok(s),
        _ => Err(StoreError::invalid(name, "enter text for this field")),
    };
    let mut patch = IntegrationPatch::default();
    match name {
        field::NAME => patch.name = Some(text(value)?),
        field::DESCRIPTION => patch.description = Some(text(value)?),
        field::PROVIDER => patch.provider = Some(text(value)?),
        field::IS_ACTIVE => {
            patch.is_active = Some(
                value
                    .as_bool()
                    .ok_or_else(|| StoreError::invalid(name, "choose on or off"))?,
            )
        }
        field::WEBSITE => {
            patch.website_id = Some(match value {
                Value::Null => None,
                v => Some(text(v)?),
            })
        }
        other => {
            let key = other
                .strip_prefix(field::CONFIG_PREFIX)
                .or_else(|| other.strip_prefix(field::SECRET_PREFIX))
                .ok_or_else(|| StoreError::invalid(name, format!("'{other}' is not a field")))?;
            let mut values = Map::new();
            values.insert(key.to_owned(), value);
            patch.values = Some(values);
        }
    }
    Ok(patch)
}

/// Replaces a local value with the server's (from a conflict) and cleans the field.
async fn take_theirs(
    tx: &mut SqliteConnection,
    uid: &str,
    name: &str,
    theirs: &Value,
) -> Result<()> {
    let row = row_with_dirty(tx, LOCAL_COLUMNS, uid).await?;
    let mut local = local_from_row(&row)?;
    let mut dirty = parse_dirty(row.get("dirty"));
    let text = || theirs.as_str().map(str::to_owned);
    match name {
        field::NAME => local.name = text().unwrap_or(local.name),
        field::DESCRIPTION => local.description = text().unwrap_or(local.description),
        field::PROVIDER => local.provider = text().unwrap_or(local.provider),
        field::IS_ACTIVE => local.is_active = theirs.as_bool().unwrap_or(local.is_active),
        field::TRASHED_AT => local.trashed_at = text(),
        field::WEBSITE => {
            local.website_id = text();
            if let Some(w) = &local.website_id {
                ensure_pulled_website(tx, w).await?;
            }
        }
        other => {
            if let Some(k) = other.strip_prefix(field::CONFIG_PREFIX) {
                if theirs.is_null() {
                    local.config.remove(k);
                } else {
                    local.config.insert(k.to_owned(), theirs.clone());
                }
            } else if let Some(k) = other.strip_prefix(field::SECRET_PREFIX) {
                local.sealed.remove(k);
                match theirs.as_str() {
                    Some(m) if !m.is_empty() => {
                        local.remote.insert(k.to_owned(), remask(m));
                    }
                    _ => {
                        local.remote.remove(k);
                    }
                }
            }
        }
    }
    dirty.remove(name);
    if matches!(name, field::NAME | field::WEBSITE | field::PROVIDER) {
        local.name = free_name(tx, uid, local.name_key(), &HashSet::new()).await?;
    }
    let update = sqlx::query(
        "UPDATE integrations SET website_id = ?, provider = ?, name = ?, description = ?, is_active = ?, config = ?, secrets = ?, remote_secrets = ?, trashed_at = ?, dirty = ?,
             revision = revision + 1, updated_at = ? WHERE id = ?",
    );
    local
        .bind_values(update)
        .bind(dirty_column(&dirty))
        .bind(now())
        .bind(uid)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
