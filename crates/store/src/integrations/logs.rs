//! The activity-log lines the integration writes add.

use crate::model::LogLevel;
use crate::{now, Result};
use serde_json::Value;

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
