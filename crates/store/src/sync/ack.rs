//! Applying a push answer to what was sent.

use super::dirty::{dirty_column, forget_deleted, parse_dirty, Dirty};
use super::local::{local_from_row, LOCAL_COLUMNS};
use super::push::sent_fields;
use super::{exec_with_uid, json_list, reload_rows, remask, AckSummary, Pending};
use crate::integrations::{insert_log, Reach};
use crate::model::LogLevel;
use crate::{now, Result, Store};
use serde_json::{json, Value};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use std::collections::{BTreeSet, HashMap, HashSet};
use switchboard_sync_proto::{field, PushAnswer, PushOutcome, PushResult, SyncLog, SyncWebsite};
use switchboard_vault::Secret;

impl Store {
    /// Applies a push answer to what was sent (see docs/sync.md): applied
    /// fields are cleared from the dirty set unless changed again since
    /// their stamp, conflicts are recorded, gone records removed, pushed
    /// deletions forgotten, refused records logged and held back until
    /// edited. Also marks the pushed websites clean. Works with the vault
    /// locked (secret values are masked from what was sent).
    pub async fn ack_push(
        &self,
        sent: &[Pending],
        websites: &[SyncWebsite],
        answer: &PushAnswer,
    ) -> Result<AckSummary> {
        let (summary, _) = self.ack_push_with_logs(sent, websites, answer, &[]).await?;
        Ok(summary)
    }

    /// [`Store::ack_push`] of a batch that also carried log lines: in the
    /// same transaction, the lines of integrations the server has now are
    /// marked done (the others stay pending). The summary and how many
    /// lines were marked.
    pub async fn ack_push_with_logs(
        &self,
        sent: &[Pending],
        websites: &[SyncWebsite],
        answer: &PushAnswer,
        logs: &[SyncLog],
    ) -> Result<(AckSummary, usize)> {
        let by_uid: HashMap<&str, &Pending> =
            sent.iter().map(|p| (p.change.uid.as_str(), p)).collect();
        let mut summary = AckSummary::default();
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let mut batch = AckBatch::default();
        let changed: Vec<&str> = answer
            .results
            .iter()
            .filter_map(|r| by_uid.get(r.uid.as_str()))
            .filter(|p| !p.change.delete)
            .map(|p| p.change.uid.as_str())
            .collect();
        batch.load(&mut tx, &changed).await?;
        let mut seen: HashSet<&str> = HashSet::new();
        for result in &answer.results {
            let Some(pending) = by_uid.get(result.uid.as_str()) else {
                tracing::warn!(uid = %result.uid, "a push answer names a change that was not sent");
                continue;
            };
            if !seen.insert(result.uid.as_str()) {
                // Answered twice: what the first answer did is written, and
                // the record read again.
                batch.flush(&mut tx).await?;
                if !pending.change.delete {
                    batch.load(&mut tx, &[result.uid.as_str()]).await?;
                }
            }
            if pending.change.delete {
                ack_delete(&mut tx, &mut batch.forgotten, pending, result, &mut summary).await?;
            } else {
                ack_change(&mut tx, &mut batch, pending, result, &mut summary).await?;
            }
        }
        batch.flush(&mut tx).await?;
        for w in websites {
            if w.deleted {
                exec_with_uid(
                    &mut tx,
                    "DELETE FROM sync_website_tombstones WHERE uid = ?",
                    &w.uid,
                )
                .await?;
                continue;
            }
            sqlx::query("UPDATE websites SET dirty = 0 WHERE id = ? AND name = ? AND domain = ?")
                .bind(&w.uid)
                .bind(&w.name)
                .bind(&w.domain)
                .execute(&mut *tx)
                .await?;
        }
        for refused in &answer.websites_refused {
            tracing::info!(uid = %refused.uid, message = %refused.message, "the server kept a website deleted here");
            summary.websites_refused += 1;
        }
        let logs_done = super::logs::ack_logs_stored(&mut tx, logs).await?;
        tx.commit().await?;
        Ok((summary, logs_done))
    }
}

/// What a push answer needs of the records it names, read in one query,
/// and the writes it makes to many records at once.
#[derive(Default)]
struct AckBatch {
    /// uid -> its row (absent: not here any more).
    rows: HashMap<String, sqlx::sqlite::SqliteRow>,
    /// Settled conflicts of these records, as (uid, field).
    resolved: HashSet<(String, String)>,
    /// (uid, dirty, server_revision, server_id) to write.
    updates: Vec<(String, String, i64, Option<i64>)>,
    /// Tombstones to drop (deletions the server took).
    forgotten: Vec<String>,
    /// Settled conflicts whose field went through, as (uid, field): done.
    settled: Vec<(String, String)>,
}

impl AckBatch {
    async fn load(&mut self, tx: &mut SqliteConnection, uids: &[&str]) -> Result<()> {
        let sql = format!(
            "SELECT id, {LOCAL_COLUMNS}, dirty, server_revision FROM integrations
             WHERE id IN (SELECT value FROM json_each(?))"
        );
        let resolved = reload_rows(
            tx,
            uids,
            &sql,
            "SELECT uid, field FROM sync_conflicts WHERE resolved = 1
             AND uid IN (SELECT value FROM json_each(?))",
            &mut self.rows,
        )
        .await?;
        self.resolved
            .extend(resolved.iter().map(|r| (r.get("uid"), r.get("field"))));
        Ok(())
    }

    async fn flush(&mut self, tx: &mut SqliteConnection) -> Result<()> {
        if !self.updates.is_empty() {
            let updates = serde_json::to_string(&self.updates).expect("updates serialize");
            sqlx::query(
                "UPDATE integrations SET dirty = u.value ->> '$[1]', server_revision = u.value ->> '$[2]',
                     server_id = COALESCE(u.value ->> '$[3]', server_id), refused_stamp = NULL
                 FROM json_each(?) AS u WHERE integrations.id = u.value ->> '$[0]'",
            )
            .bind(updates)
            .execute(&mut *tx)
            .await?;
            self.updates.clear();
        }
        if !self.forgotten.is_empty() {
            sqlx::query(
                "DELETE FROM sync_tombstones WHERE uid IN (SELECT value FROM json_each(?))",
            )
            .bind(json_list(self.forgotten.iter().map(String::as_str)))
            .execute(&mut *tx)
            .await?;
            self.forgotten.clear();
        }
        if !self.settled.is_empty() {
            let settled = serde_json::to_string(&self.settled).expect("pairs serialize");
            sqlx::query(
                "DELETE FROM sync_conflicts WHERE resolved = 1
                 AND (uid, field) IN (SELECT value ->> '$[0]', value ->> '$[1]' FROM json_each(?))",
            )
            .bind(settled)
            .execute(&mut *tx)
            .await?;
            self.settled.clear();
        }
        Ok(())
    }
}

/// A pushed deletion's answer.
async fn ack_delete(
    tx: &mut SqliteConnection,
    forgotten: &mut Vec<String>,
    pending: &Pending,
    result: &PushResult,
    summary: &mut AckSummary,
) -> Result<()> {
    let uid = &pending.change.uid;
    match result.outcome {
        PushOutcome::Deleted | PushOutcome::Gone | PushOutcome::Applied => {
            if result.outcome == PushOutcome::Gone {
                summary.gone += 1;
            } else {
                summary.deleted += 1;
            }
            forgotten.push(uid.clone());
        }
        PushOutcome::Invalid => {
            summary.invalid += 1;
            tracing::warn!(%uid, "the server refused a deletion; it is held back");
            sqlx::query(
                "UPDATE sync_tombstones SET refused = 1 WHERE uid = ? AND change_stamp <= ?",
            )
            .bind(uid)
            .bind(pending.stamp)
            .execute(&mut *tx)
            .await?;
        }
        // Deletion wins on the server; anything else is retried next time.
        PushOutcome::Merged | PushOutcome::Conflict => {
            tracing::warn!(%uid, outcome = ?result.outcome, "unexpected answer to a deletion");
        }
    }
    Ok(())
}

/// Counts an answer to a create or update in the summary.
fn count_outcome(summary: &mut AckSummary, outcome: PushOutcome) {
    match outcome {
        PushOutcome::Applied => summary.applied += 1,
        PushOutcome::Merged => summary.merged += 1,
        PushOutcome::Conflict => summary.conflicts += 1,
        PushOutcome::Gone => summary.gone += 1,
        PushOutcome::Deleted => summary.deleted += 1,
        PushOutcome::Invalid => summary.invalid += 1,
    }
}

/// A pushed create or update's answer.
async fn ack_change(
    tx: &mut SqliteConnection,
    batch: &mut AckBatch,
    pending: &Pending,
    result: &PushResult,
    summary: &mut AckSummary,
) -> Result<()> {
    let uid = pending.change.uid.as_str();
    count_outcome(summary, result.outcome);
    let Some(row) = batch.rows.get(uid) else {
        // Deleted here after it was sent: the deletion has to follow.
        return ack_deleted_since(tx, uid, result).await;
    };
    match result.outcome {
        PushOutcome::Gone => {
            exec_with_uid(tx, "DELETE FROM integrations WHERE id = ?", uid).await?;
            exec_with_uid(tx, "DELETE FROM sync_conflicts WHERE uid = ?", uid).await?;
            batch.rows.remove(uid);
            return Ok(());
        }
        PushOutcome::Deleted => return Ok(()),
        PushOutcome::Invalid => return hold_refused(tx, pending, result).await,
        PushOutcome::Applied | PushOutcome::Merged | PushOutcome::Conflict => {}
    }
    let mut dirty = parse_dirty(row.get("dirty"));
    let known: i64 = row.get("server_revision");
    let conflicting: BTreeSet<&str> = result.conflicts.iter().map(|c| c.field.as_str()).collect();
    let applied = result.outcome != PushOutcome::Conflict;
    if applied {
        let settled = clear_applied(&batch.resolved, pending, &conflicting, &mut dirty);
        batch.settled.extend(settled);
    }
    record_conflicts(tx, row, pending, result, &mut dirty).await?;
    let server_revision = if applied {
        result.revision.unwrap_or(known).max(known).max(1)
    } else {
        known
    };
    batch.updates.push((
        uid.to_owned(),
        dirty_column(&dirty),
        server_revision,
        result.id,
    ));
    Ok(())
}

/// The answer to a change of a record deleted here after it was sent: the
/// tombstone takes the server's new revision (or a new one is left), so
/// that the deletion follows.
async fn ack_deleted_since(
    tx: &mut SqliteConnection,
    uid: &str,
    result: &PushResult,
) -> Result<()> {
    if let (PushOutcome::Applied | PushOutcome::Merged, Some(revision)) =
        (result.outcome, result.revision)
    {
        let updated = sqlx::query(
            "UPDATE sync_tombstones SET server_revision = MAX(server_revision, ?) WHERE uid = ?",
        )
        .bind(revision)
        .bind(uid)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            forget_deleted(tx, uid, revision).await?;
        }
    }
    Ok(())
}

/// A change the server refused: logged on the integration and held back
/// until it is edited again.
async fn hold_refused(
    tx: &mut SqliteConnection,
    pending: &Pending,
    result: &PushResult,
) -> Result<()> {
    let uid = pending.change.uid.as_str();
    let message = result
        .message
        .clone()
        .unwrap_or_else(|| "the server refused this change".into());
    insert_log(
        Reach::Local,
        tx,
        uid,
        LogLevel::Error,
        &format!(
            "Sync refused this integration: {message}. Fix it here; it is pushed again once edited"
        ),
        json!({ "fields": result.fields }),
    )
    .await?;
    sqlx::query("UPDATE integrations SET refused_stamp = ? WHERE id = ?")
        .bind(pending.stamp)
        .bind(uid)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The sent fields that went through are clean (unless changed again
/// since they were sent). Their settled conflicts are done: answered as
/// (uid, field).
fn clear_applied(
    resolved: &HashSet<(String, String)>,
    pending: &Pending,
    conflicting: &BTreeSet<&str>,
    dirty: &mut Dirty,
) -> Vec<(String, String)> {
    let uid = pending.change.uid.as_str();
    let mut settled = Vec::new();
    for f in sent_fields(&pending.change) {
        if conflicting.contains(f.as_str()) {
            continue;
        }
        if dirty.get(&f).is_some_and(|s| *s <= pending.stamp) {
            dirty.remove(&f);
        }
        let done = (uid.to_owned(), f);
        if resolved.contains(&done) {
            settled.push(done);
        }
    }
    settled
}

/// Stores the conflicts of an answer (masks only for secrets); each
/// conflicting field stays to push once resolved.
async fn record_conflicts(
    tx: &mut SqliteConnection,
    row: &SqliteRow,
    pending: &Pending,
    result: &PushResult,
    dirty: &mut Dirty,
) -> Result<()> {
    if result.conflicts.is_empty() {
        return Ok(());
    }
    let local = local_from_row(row)?;
    let uid = pending.change.uid.as_str();
    for c in &result.conflicts {
        let secret = field::is_secret(&c.field);
        let mine = if secret {
            mine_secret(pending, &c.field[field::SECRET_PREFIX.len()..])
        } else {
            local.public_value(&c.field).unwrap_or(Value::Null)
        };
        let theirs = match (&c.theirs, secret) {
            (Value::String(s), true) => Value::String(remask(s)),
            (Value::Null, true) => Value::Null,
            (_, true) => Value::String("****".into()),
            (v, false) => v.clone(),
        };
        sqlx::query(
            "INSERT OR REPLACE INTO sync_conflicts (uid, field, mine, theirs_masked, their_revision, resolved, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
        )
        .bind(uid)
        .bind(&c.field)
        .bind(mine.to_string())
        .bind(theirs.to_string())
        .bind(c.revision)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        // A conflicting field stays to push once resolved.
        dirty.entry(c.field.clone()).or_insert(pending.stamp);
    }
    Ok(())
}

/// This laptop's side of a secret's conflict, masked: what was sent.
fn mine_secret(pending: &Pending, key: &str) -> Value {
    match pending.change.secrets.get(key) {
        Some(v) if !v.is_empty() => Value::String(Secret::new(v.as_str()).masked()),
        Some(_) => Value::Null,
        None => Value::String("****".into()),
    }
}
