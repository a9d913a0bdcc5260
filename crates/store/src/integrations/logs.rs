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

/// Writes many log lines in one statement: `rows` is a JSON array of
/// `[integration_id, level, message, details, created_at, uid]`, read back
/// in order by SQLite; `synced` marks them as already on the server.
pub(crate) async fn insert_log_rows<R: serde::Serialize>(
    conn: &mut sqlx::SqliteConnection,
    rows: Vec<R>,
    synced: bool,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO integration_logs (integration_id, level, message, details, created_at, uid, synced)
         SELECT v ->> '$[0]', v ->> '$[1]', v ->> '$[2]', v ->> '$[3]', v ->> '$[4]', v ->> '$[5]', ?
         FROM (SELECT value AS v FROM json_each(?) ORDER BY key)",
    )
    .bind(synced)
    .bind(serde_json::to_string(&rows).expect("log rows serialize"))
    .execute(conn)
    .await?;
    Ok(())
}
