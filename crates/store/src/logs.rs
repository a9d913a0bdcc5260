//! The per-integration activity log: newest first, never a secret value.

use crate::db::parsed_column;
use crate::integrations::{insert_log, not_found, Reach};
use crate::model::{LogEntry, LogLevel};
use crate::{Result, Store, StoreError};
use serde_json::Value;
use sqlx::Row;

impl Store {
    /// Appends an entry to an integration's log.
    pub async fn add_log(
        &self,
        integration_id: &str,
        level: LogLevel,
        message: &str,
        details: Value,
    ) -> Result<()> {
        self.sealer()?;
        let mut conn = self.pool().acquire().await?;
        insert_log(
            Reach::Pushed,
            &mut conn,
            integration_id,
            level,
            message,
            details,
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => not_found(integration_id),
            other => other,
        })
    }

    /// The newest `limit` entries of an integration's log, newest first.
    pub async fn logs(&self, integration_id: &str, limit: i64) -> Result<Vec<LogEntry>> {
        self.sealer()?;
        let exists = sqlx::query("SELECT 1 FROM integrations WHERE id = ?")
            .bind(integration_id)
            .fetch_optional(self.pool())
            .await?;
        if exists.is_none() {
            return Err(not_found(integration_id));
        }
        let rows = sqlx::query(
            "SELECT id, integration_id, level, message, details, created_at FROM integration_logs
             WHERE integration_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
        )
        .bind(integration_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(LogEntry {
                    id: row.get("id"),
                    integration_id: row.get("integration_id"),
                    level: parsed_column(row, "level")?,
                    message: row.get("message"),
                    details: serde_json::from_str(row.get::<&str, _>("details"))
                        .unwrap_or(Value::Null),
                    created_at: row.get("created_at"),
                })
            })
            .collect()
    }
}
