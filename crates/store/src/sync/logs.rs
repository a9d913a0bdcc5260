//! Activity-log lines: pushing the ones written here, adding pulled ones.

use super::{json_list, Pending};
use crate::model::LogLevel;
use crate::{Result, Store};
use serde_json::{json, Value};
use sqlx::{Row, SqliteConnection};
use switchboard_sync_proto::{Lenient, SyncLog};

impl Store {
    /// Up to `limit` log lines written here and not pushed yet, oldest
    /// first, of integrations the server has (lines of integrations not
    /// pushed yet wait for them).
    pub async fn pending_logs(&self, limit: usize) -> Result<Vec<SyncLog>> {
        let query = sqlx::query(
            "SELECT l.uid, l.integration_id, l.level, l.message, l.details, l.created_at
             FROM integration_logs l JOIN integrations i ON i.id = l.integration_id
             WHERE l.synced = 0 AND i.server_revision > 0 AND l.uid IS NOT NULL
             ORDER BY l.id LIMIT ?",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX));
        self.fetch_each(query, pending_log).await
    }

    /// Up to `limit` log lines written here and not pushed yet of the
    /// integrations these pending changes carry (deletions aside), oldest
    /// first: they go with the batch that carries the changes, which
    /// creates the integrations they belong to on the server.
    pub async fn pending_logs_of(&self, pending: &[Pending], limit: usize) -> Result<Vec<SyncLog>> {
        if pending.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let uids = pending
            .iter()
            .filter(|p| !p.change.delete)
            .map(|p| p.change.uid.as_str());
        let query = sqlx::query(
            "SELECT uid, integration_id, level, message, details, created_at FROM integration_logs
             WHERE synced = 0 AND uid IS NOT NULL
               AND integration_id IN (SELECT value FROM json_each(?))
             ORDER BY id LIMIT ?",
        )
        .bind(json_list(uids))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX));
        self.fetch_each(query, pending_log).await
    }

    /// Marks pushed log lines done (every line of an answered batch is:
    /// stored, known already, or dropped because nothing can attach it).
    pub async fn ack_logs(&self, logs: &[SyncLog]) -> Result<()> {
        if logs.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "UPDATE integration_logs SET synced = 1 WHERE uid IN (SELECT value FROM json_each(?))",
        )
        .bind(json_list(logs.iter().map(|l| l.uid.as_str())))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// How many log lines wait to be pushed (of integrations the server has).
    pub async fn pending_logs_count(&self) -> Result<i64> {
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) FROM integration_logs l JOIN integrations i ON i.id = l.integration_id
             WHERE l.synced = 0 AND i.server_revision > 0",
        )
        .fetch_one(self.pool())
        .await?
        .get(0);
        Ok(n)
    }
}

/// Marks done the pushed log lines of integrations the server has now
/// (`server_revision > 0`, once the answer to their batch is acknowledged
/// in the same transaction): the server stored them or knew them. Lines of
/// an integration it refused stay pending. How many lines were marked.
pub(super) async fn ack_logs_stored(tx: &mut SqliteConnection, logs: &[SyncLog]) -> Result<usize> {
    if logs.is_empty() {
        return Ok(0);
    }
    let done = sqlx::query(
        "UPDATE integration_logs SET synced = 1 WHERE uid IN (SELECT value FROM json_each(?))
         AND EXISTS (SELECT 1 FROM integrations i
                     WHERE i.id = integration_logs.integration_id AND i.server_revision > 0)",
    )
    .bind(json_list(logs.iter().map(|l| l.uid.as_str())))
    .execute(&mut *tx)
    .await?;
    Ok(usize::try_from(done.rows_affected()).unwrap_or(usize::MAX))
}

/// A pending log line as it goes on the wire.
fn pending_log(r: &sqlx::sqlite::SqliteRow) -> SyncLog {
    SyncLog {
        uid: r.get("uid"),
        integration: r.get("integration_id"),
        level: Lenient::parse(r.get("level")),
        message: r.get("message"),
        details: serde_json::from_str(r.get::<&str, _>("details")).unwrap_or(Value::Null),
        created_at: r.get("created_at"),
        seq: None,
    }
}

/// Pulled log lines: added once (by uid), already synced (never pushed
/// back). Lines of integrations not here yet are held until they arrive
/// (in a later page or sync); held lines whose integration is here now are
/// added too. How many lines were added.
pub(super) async fn pull_logs(tx: &mut SqliteConnection, logs: &[SyncLog]) -> Result<usize> {
    let mut added = 0u64;
    if !logs.is_empty() {
        let rows: Vec<Value> = logs
            .iter()
            .map(|l| {
                json!([
                    l.uid,
                    l.integration,
                    l.level,
                    l.message,
                    l.details.to_string(),
                    l.created_at
                ])
            })
            .collect();
        let rows = Value::Array(rows).to_string();
        // Only lines of a level this store knows (the CHECK would refuse others).
        let levels = LogLevel::sql_list();
        let attach = format!(
            "INSERT OR IGNORE INTO integration_logs (uid, integration_id, level, message, details, created_at, synced)
             SELECT v ->> '$[0]', v ->> '$[1]', v ->> '$[2]', v ->> '$[3]', v ->> '$[4]', v ->> '$[5]', 1
             FROM (SELECT value AS v FROM json_each(?) ORDER BY key)
             WHERE (v ->> '$[2]') IN {levels}
               AND EXISTS (SELECT 1 FROM integrations WHERE id = v ->> '$[1]')"
        );
        let attached = sqlx::query(&attach)
            .bind(&rows)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        added += attached;
        // Some lines were not added: known already, or to hold.
        if usize::try_from(attached).unwrap_or(usize::MAX) < logs.len() {
            let hold = format!(
            "INSERT OR IGNORE INTO sync_held_logs (uid, integration_id, level, message, details, created_at)
             SELECT v ->> '$[0]', v ->> '$[1]', v ->> '$[2]', v ->> '$[3]', v ->> '$[4]', v ->> '$[5]'
             FROM (SELECT value AS v FROM json_each(?) ORDER BY key)
             WHERE (v ->> '$[2]') IN {levels}
               AND NOT EXISTS (SELECT 1 FROM integrations WHERE id = v ->> '$[1]')
               AND NOT EXISTS (SELECT 1 FROM integration_logs WHERE uid = v ->> '$[0]')"
        );
            sqlx::query(&hold).bind(&rows).execute(&mut *tx).await?;
        }
    }
    let waiting = sqlx::query(
        "SELECT 1 FROM sync_held_logs h WHERE EXISTS (SELECT 1 FROM integrations WHERE id = h.integration_id) LIMIT 1",
    )
    .fetch_optional(&mut *tx)
    .await?;
    if waiting.is_some() {
        added += sqlx::query(
            "INSERT OR IGNORE INTO integration_logs (uid, integration_id, level, message, details, created_at, synced)
             SELECT uid, integration_id, level, message, details, created_at, 1 FROM sync_held_logs h
             WHERE EXISTS (SELECT 1 FROM integrations WHERE id = h.integration_id)
             ORDER BY created_at, uid",
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "DELETE FROM sync_held_logs WHERE integration_id IN (SELECT id FROM integrations)",
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(usize::try_from(added).unwrap_or(usize::MAX))
}
