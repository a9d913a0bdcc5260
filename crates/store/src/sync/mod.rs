//! The local side of sync with a shared server (docs/sync.md, "Local store
//! (laptop)"): change tracking, pending changes to push, applying push
//! answers and pulled pages, and conflicts.
//!
//! Change tracking: every local write that changes a synced field records it
//! in the integration's `dirty` column, a JSON object `{field: stamp}` where
//! the stamp is the value of a local counter (`sync_stamp`) bumped by that
//! write. A push answer clears a field only when it was sent and not changed
//! again since (its stamp is not newer than the stamp sent). Local deletions
//! of records the server has leave a row in `sync_tombstones`.
//!
//! Secrets: pending changes carry the plaintext of dirty secret fields (they
//! travel to the server only); nothing written here ever holds one:
//! `remote_secrets` and conflicts keep masks only.
//!
//! The rules are split by responsibility: [`dirty`] (change tracking and
//! the columns other write paths share), `push` (what to push), `ack`
//! (applying push answers), `pull` (applying pulled pages), `conflicts`
//! (listing and settling them), `websites` and `logs` (their own sync).

mod ack;
mod conflicts;
mod dirty;
mod local;
mod logs;
mod pull;
mod push;
mod websites;

pub(crate) use local::{local_from_row, Local, LOCAL_COLUMNS};

pub(crate) use dirty::{
    all_fields_dirty, dirty_column, forget_deleted, mark, next_stamps, parse_dirty, parse_remote,
    remote_column, RemoteSecrets,
};

use crate::model::Status;
use crate::{Result, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{Row, SqliteConnection};
use std::fmt;
use switchboard_sync_proto::{Lenient, PushChange};
use switchboard_vault::Secret;

/// Where this laptop syncs to, and how far it has pulled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncMeta {
    /// The server's base URL, once set up.
    pub server_url: Option<String>,
    /// The signed-in user's email.
    pub email: Option<String>,
    /// The pull cursor: the last `next` applied.
    pub cursor: i64,
    /// When the last full sync ended (RFC 3339, UTC).
    pub last_synced_at: Option<String>,
    /// This laptop's stable id (a UUID v4), generated once and kept in the
    /// store; sent with pushes and pulls. Not changed by
    /// [`Store::set_sync_meta`].
    pub client_id: String,
}

/// One change to push, with the local stamp it was read at (give it back to
/// [`Store::ack_push`]). Debug output masks secret values.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The change as it goes on the wire.
    pub change: PushChange,
    /// The local change counter when it was read (opaque).
    pub stamp: i64,
}

/// What [`Store::ack_push`] did, by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckSummary {
    /// Everything applied.
    pub applied: usize,
    /// Applied in part; the rest are conflicts now.
    pub merged: usize,
    /// Nothing applied: all conflicts.
    pub conflicts: usize,
    /// Deleted on the server: removed here too.
    pub gone: usize,
    /// Local deletions the server applied.
    pub deleted: usize,
    /// Refused by the server's validation (logged on the integration).
    pub invalid: usize,
    /// Website deletions the server refused (it still has integrations on
    /// them): the website comes back with the next pull.
    pub websites_refused: usize,
}

/// What [`Store::apply_pull`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullSummary {
    /// Integrations inserted or updated.
    pub pulled: usize,
    /// Integrations removed because the server deleted them.
    pub deleted: usize,
    /// Websites inserted or updated.
    pub websites: usize,
    /// Websites removed because the server deleted them.
    pub websites_deleted: usize,
    /// Websites the server deleted but kept here because integrations here
    /// still use them (marked to push again: nothing is lost).
    pub websites_kept: usize,
    /// Log lines added.
    pub logs: usize,
}

/// A field changed both here and on the server, waiting for the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// The integration's uid (its local id).
    pub uid: String,
    /// The integration's name, for display.
    pub name: String,
    /// The field (docs/sync.md naming: `name`, `config.<key>`, `secret.<key>`, ...).
    pub field: String,
    /// This laptop's value (masked for a secret).
    pub mine: Value,
    /// The server's value (masked for a secret).
    pub theirs: Value,
    /// The server revision holding `theirs`.
    pub their_revision: i64,
}

/// How the user settles a conflict.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "resolution", content = "value")]
pub enum Resolution {
    /// Keep this laptop's value: the next push overrides the server's.
    KeepMine,
    /// Take the server's value (for a secret: the local value is dropped and
    /// the secret shows as set on the server).
    TakeTheirs,
    /// A new value, pushed next. For a secret field, the new plaintext as a
    /// JSON string.
    Edit(Value),
}

impl fmt::Debug for Resolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resolution::KeepMine => f.write_str("KeepMine"),
            Resolution::TakeTheirs => f.write_str("TakeTheirs"),
            // May carry a secret's plaintext.
            Resolution::Edit(_) => f.write_str("Edit(<hidden>)"),
        }
    }
}
/// A server mask masked again: a no-op on a real mask, and a guarantee that
/// a server sending a plaintext by mistake never gets it written here.
fn remask(value: &str) -> String {
    Secret::new(value).masked()
}

/// A status the server sent; one this build does not know reads as pending.
pub(crate) fn status_from_server(s: &Lenient<Status>) -> Status {
    s.known().unwrap_or(Status::Pending)
}

fn short(uid: &str) -> &str {
    uid.get(..8).unwrap_or(uid)
}

/// The names to try, in order, for a record that has to avoid a clash:
/// the name, then with the start of its uid, then with its whole uid.
fn name_candidates(name: &str, uid: &str) -> [String; 3] {
    [
        name.to_owned(),
        format!("{name} ({})", short(uid)),
        format!("{name} ({uid})"),
    ]
}

/// The first of [`name_candidates`] that `skip` leaves and `sql` finds no
/// row for (its parameters: the candidate, `uid`, then `scope`); the last
/// candidate when every one is taken.
async fn first_free_name(
    tx: &mut SqliteConnection,
    sql: &str,
    scope: &[&str],
    name: &str,
    uid: &str,
    skip: impl Fn(&str) -> bool,
) -> Result<String> {
    for candidate in name_candidates(name, uid) {
        if skip(&candidate) {
            continue;
        }
        let mut query = sqlx::query(sql).bind(&candidate).bind(uid);
        for s in scope {
            query = query.bind(*s);
        }
        if query.fetch_optional(&mut *tx).await?.is_none() {
            return Ok(candidate);
        }
    }
    Ok(format!("{name} ({uid})"))
}

/// Runs one statement whose only parameter is a record's uid. The rows it
/// changed.
async fn exec_with_uid(conn: &mut SqliteConnection, sql: &str, uid: &str) -> Result<u64> {
    Ok(sqlx::query(sql)
        .bind(uid)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// Reads the records `uids` again for a batch: forgets them in `rows`, runs
/// `sql` (a SELECT of integration rows with an `id` column) keeping each row
/// by its id, and answers what `related` (a second SELECT about the same
/// records) finds. Both take the JSON list of `uids` as their one parameter.
/// Nothing is read for no uids.
async fn reload_rows(
    tx: &mut SqliteConnection,
    uids: &[&str],
    sql: &str,
    related: &str,
    rows: &mut std::collections::HashMap<String, sqlx::sqlite::SqliteRow>,
) -> Result<Vec<sqlx::sqlite::SqliteRow>> {
    if uids.is_empty() {
        return Ok(Vec::new());
    }
    for uid in uids {
        rows.remove(*uid);
    }
    let list = json_list(uids.iter().copied());
    for row in sqlx::query(sql).bind(&list).fetch_all(&mut *tx).await? {
        rows.insert(row.get("id"), row);
    }
    Ok(sqlx::query(related).bind(&list).fetch_all(&mut *tx).await?)
}

/// A JSON array of strings, for `IN (SELECT value FROM json_each(?))`.
fn json_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    serde_json::to_string(&items.into_iter().collect::<Vec<_>>()).expect("strings serialize")
}
impl Store {
    /// The sync settings and pull cursor. The first call gives this laptop
    /// its stable client id.
    pub async fn sync_meta(&self) -> Result<SyncMeta> {
        const SELECT: &str =
            "SELECT server_url, email, cursor, last_synced_at, client_id FROM sync_meta WHERE id = 1";
        let mut row = sqlx::query(SELECT).fetch_one(self.pool()).await?;
        if row.get::<Option<String>, _>("client_id").is_none() {
            let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
            sqlx::query("UPDATE sync_meta SET client_id = ? WHERE id = 1 AND client_id IS NULL")
                .bind(uuid::Uuid::new_v4().to_string())
                .execute(&mut *tx)
                .await?;
            row = sqlx::query(SELECT).fetch_one(&mut *tx).await?;
            tx.commit().await?;
        }
        Ok(SyncMeta {
            server_url: row.get("server_url"),
            email: row.get("email"),
            cursor: row.get("cursor"),
            last_synced_at: row.get("last_synced_at"),
            client_id: row
                .get::<Option<String>, _>("client_id")
                .unwrap_or_default(),
        })
    }

    /// Saves the sync settings and pull cursor. The client id is not
    /// changed: it stays what [`Store::sync_meta`] gave.
    pub async fn set_sync_meta(&self, meta: &SyncMeta) -> Result<()> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(
            "UPDATE sync_meta SET server_url = ?, email = ?, cursor = ?, last_synced_at = ? WHERE id = 1",
        )
        .bind(&meta.server_url)
        .bind(&meta.email)
        .bind(meta.cursor)
        .bind(&meta.last_synced_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
