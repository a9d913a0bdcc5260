//! The Trash: [`Store::delete`] moves an integration here (its `trashed_at`
//! set, a synced field like `is_active`); it can be restored, deleted for
//! good, or emptied with the rest, and what has been here over
//! [`TRASH_DAYS`] days is deleted for good when the vault unlocks.

use super::logs::{insert_log, Reach};
use super::{not_found, row_with_dirty};
use crate::model::LogLevel;
use crate::sync as sync_state;
use crate::{now, Result, Store, StoreError};
use serde_json::json;
use sqlx::{Row, SqliteConnection};
use switchboard_domain::field::{self, FieldDiff};
use switchboard_domain::{seconds_ago, TrashedIntegration, TRASH_DAYS, TRASH_SECONDS};

impl Store {
    /// Moves an integration to the Trash, where it stays restorable for
    /// [`TRASH_DAYS`] days (out of lists, counts, checks and stats). A
    /// synced change: the server and other laptops see it in the Trash.
    /// Already in the Trash: nothing changes.
    pub async fn delete(&self, id: &str) -> Result<()> {
        self.set_trashed(id, true).await?;
        tracing::debug!(%id, "integration moved to the Trash");
        Ok(())
    }

    /// Takes an integration out of the Trash (synced).
    pub async fn restore_from_trash(&self, id: &str) -> Result<()> {
        self.set_trashed(id, false).await?;
        tracing::debug!(%id, "integration restored from the Trash");
        Ok(())
    }

    async fn set_trashed(&self, id: &str, trashed: bool) -> Result<()> {
        self.sealer()?;
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        set_trashed_in(&mut tx, id, trashed).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The Trash, most recently deleted first, with the days each has left.
    pub async fn trash_list(&self) -> Result<Vec<TrashedIntegration>> {
        self.sealer()?;
        let query = sqlx::query(
            "SELECT id, name, integration_type, provider, website_id, trashed_at,
                 MAX(0, ? - CAST(julianday('now') - julianday(trashed_at) AS INTEGER)) AS days_left
             FROM integrations WHERE trashed_at IS NOT NULL ORDER BY trashed_at DESC, id",
        )
        .bind(TRASH_DAYS);
        self.fetch_each(query, |r| TrashedIntegration {
            id: r.get("id"),
            name: r.get("name"),
            integration_type: r.get("integration_type"),
            provider: r.get("provider"),
            website_id: r.get("website_id"),
            trashed_at: r.get("trashed_at"),
            days_left: r.get("days_left"),
        })
        .await
    }

    /// Deletes an integration and its logs for good. A record the sync
    /// server has leaves a local tombstone, so that the deletion is pushed.
    pub async fn delete_forever(&self, id: &str) -> Result<()> {
        self.sealer()?;
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        if !hard_delete(&mut tx, id).await? {
            return Err(not_found(id));
        }
        tx.commit().await?;
        tracing::debug!(%id, "integration deleted for good");
        Ok(())
    }

    /// Deletes everything in the Trash for good, in one transaction. How
    /// many were deleted.
    pub async fn empty_trash(&self) -> Result<usize> {
        self.sealer()?;
        self.delete_trashed_before(None).await
    }

    /// Deletes for good what has been in the Trash more than
    /// [`TRASH_DAYS`] days (run when the vault unlocks). How many.
    pub async fn purge_trash(&self) -> Result<usize> {
        self.delete_trashed_before(Some(seconds_ago(TRASH_SECONDS)))
            .await
    }

    /// Deletes for good, in one transaction, the trashed integrations
    /// trashed before `before` (all with None).
    async fn delete_trashed_before(&self, before: Option<String>) -> Result<usize> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let ids: Vec<String> = sqlx::query(
            "SELECT id FROM integrations WHERE trashed_at IS NOT NULL AND (? IS NULL OR trashed_at < ?)",
        )
        .bind(&before)
        .bind(&before)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
        for id in &ids {
            hard_delete(&mut tx, id).await?;
        }
        tx.commit().await?;
        if !ids.is_empty() {
            tracing::info!(
                count = ids.len(),
                "integrations deleted for good from the Trash"
            );
        }
        Ok(ids.len())
    }
}

/// Deletes one integration (its logs go with it) and leaves what sync
/// needs to push the deletion. False when it was not there.
async fn hard_delete(tx: &mut SqliteConnection, id: &str) -> Result<bool> {
    let Some(row) = sqlx::query("SELECT server_revision FROM integrations WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(false);
    };
    let server_revision: i64 = row.get(0);
    sqlx::query("DELETE FROM integrations WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sync_state::forget_deleted(tx, id, server_revision).await?;
    Ok(true)
}

/// Moves an integration into the Trash or out of it inside the caller's
/// write transaction, as a tracked change of the field `trashed_at`. No
/// change when it already is where it should be.
pub(crate) async fn set_trashed_in(
    tx: &mut SqliteConnection,
    id: &str,
    trashed: bool,
) -> Result<()> {
    let row = row_with_dirty(tx, "trashed_at", id).await?;
    let was: Option<String> = row.get("trashed_at");
    if was.is_some() == trashed {
        return Ok(());
    }
    let mut dirty = sync_state::parse_dirty(row.get("dirty"));
    let mut diff = FieldDiff::new();
    diff.scalar(field::TRASHED_AT, true);
    let stamp = sync_state::next_stamps(&mut *tx, 1).await?;
    sync_state::mark(&diff, &mut dirty, stamp);
    let ts = now();
    sqlx::query(
        "UPDATE integrations SET trashed_at = ?, revision = revision + 1, updated_at = ?, dirty = ?, change_stamp = ? WHERE id = ?",
    )
    .bind(trashed.then_some(&ts))
    .bind(&ts)
    .bind(sync_state::dirty_column(&dirty))
    .bind(stamp)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let message = if trashed {
        "Moved to the Trash"
    } else {
        "Restored from the Trash"
    };
    insert_log(
        Reach::Pushed,
        tx,
        id,
        LogLevel::Info,
        message,
        json!({ "changed": [field::TRASHED_AT] }),
    )
    .await
}

/// The error for a name already taken: says so plainly when the integration
/// holding it is in the Trash. `None` when no trashed one holds it.
pub(crate) async fn trashed_name_holder(
    conn: &mut SqliteConnection,
    (website, provider, name): (Option<&str>, &str, &str),
) -> Result<Option<StoreError>> {
    let Some(website) = website else {
        return Ok(None);
    };
    let found = sqlx::query(
        "SELECT id FROM integrations WHERE website_id = ? AND provider = ? AND name = ? AND trashed_at IS NOT NULL",
    )
    .bind(website)
    .bind(provider)
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.map(|r| {
        let id: String = r.get(0);
        StoreError::Conflict(format!(
            "an integration named '{name}' for this website and provider is in the Trash ({id}): restore it, or delete it forever, before using the name again"
        ))
    }))
}
