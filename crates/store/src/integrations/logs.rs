//! The activity-log lines the integration writes add.

use crate::model::LogLevel;
use crate::{now, Result};
use serde_json::Value;

/// Where a log line goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// To the server with the next sync.
    Pushed,
    /// Stays on this laptop (a note about sync itself).
    Local,
}

/// Writes a log line (with a new uid).
pub(crate) async fn insert_log(
    reach: Reach,
    conn: &mut sqlx::SqliteConnection,
    integration_id: &str,
    level: LogLevel,
    message: &str,
    details: Value,
) -> Result<()> {
    let synced = reach == Reach::Local;
    sqlx::query(
        "INSERT INTO integration_logs (integration_id, level, message, details, created_at, uid, synced) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(integration_id)
    .bind(level.as_str())
    .bind(message)
    .bind(details.to_string())
    .bind(now())
    .bind(switchboard_domain::new_id())
    .bind(synced)
    .execute(conn)
    .await?;
    Ok(())
}
