//! What the app needs to run a connection check on the shared server: the
//! server's id for an integration, and the health the server reported,
//! written here without marking anything for sync (health is the server's
//! to say; the server's own log entry arrives with the next pull).

use crate::checks::Health;
use crate::integrations::not_found;
use crate::sync::status_from_server;
use crate::{Result, Status, Store, StoreError};
use sqlx::Row;

/// Health as the server reported it after a check it ran (as it answers it).
pub use switchboard_sync_proto::ServerHealth as RemoteHealth;

impl Store {
    /// The server's id for this integration (None until it was pushed or pulled).
    pub async fn server_id(&self, id: &str) -> Result<Option<i64>> {
        self.sealer()?;
        let row = sqlx::query("SELECT server_id FROM integrations WHERE id = ?")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| not_found(id))?;
        Ok(row.get("server_id"))
    }

    /// Writes the health the server reported for this integration, leaving
    /// its sync state alone, and answers it with the health it replaced.
    pub async fn set_remote_health(&self, id: &str, remote: &RemoteHealth) -> Result<Health> {
        self.sealer()?;
        let mut tx = self.pool().begin().await?;
        let previous: Status = sqlx::query("SELECT status FROM integrations WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| not_found(id))?
            .get::<&str, _>("status")
            .parse()
            .map_err(StoreError::Database)?;
        let health = Health {
            status: status_from_server(&remote.status),
            previous_status: previous,
            last_sync_at: remote.last_sync_at.clone(),
            last_error: remote.last_error.clone(),
            error_count: remote.error_count,
        };
        health.write(&mut tx, id).await?;
        tx.commit().await?;
        Ok(health)
    }
}
