//! Change tracking: the `dirty` and `remote_secrets` columns, the stamp
//! counter, and what a local delete leaves for the server. Shared with the
//! other write paths.

use super::exec_with_uid;
use crate::{now, Result};
use serde::de::DeserializeOwned;
use sqlx::{Row, SqliteConnection};
use std::collections::BTreeMap;
use switchboard_domain::field::FieldDiff;
use switchboard_sync_proto::field;

/// `remote_secrets`: key -> the server's mask.
pub(crate) type RemoteSecrets = BTreeMap<String, String>;
/// `dirty`: field -> stamp of its last local change.
pub(crate) type Dirty = BTreeMap<String, i64>;

pub(crate) fn parse_remote(text: &str) -> RemoteSecrets {
    parse_map(text)
}

pub(crate) fn remote_column(map: &RemoteSecrets) -> String {
    serde_json::to_string(map).expect("a map of strings serializes")
}

pub(crate) fn parse_dirty(text: &str) -> Dirty {
    parse_map(text)
}

pub(crate) fn dirty_column(map: &Dirty) -> String {
    serde_json::to_string(map).expect("a map of numbers serializes")
}

/// A JSON object column read as a map; empty when unreadable (and without
/// parsing when `{}`, the common case).
fn parse_map<V: DeserializeOwned>(text: &str) -> BTreeMap<String, V> {
    if text == "{}" {
        return BTreeMap::new();
    }
    serde_json::from_str(text).unwrap_or_default()
}

/// The dirty column of a record created here: every field.
pub(crate) fn all_fields_dirty<'a>(
    config_keys: impl Iterator<Item = &'a String>,
    secret_keys: impl Iterator<Item = &'a String>,
    stamp: i64,
) -> String {
    let mut dirty: Dirty = [
        field::NAME,
        field::DESCRIPTION,
        field::PROVIDER,
        field::IS_ACTIVE,
        field::WEBSITE,
    ]
    .iter()
    .map(|f| ((*f).to_owned(), stamp))
    .collect();
    dirty.extend(config_keys.map(|k| (field::config(k), stamp)));
    dirty.extend(secret_keys.map(|k| (field::secret(k), stamp)));
    dirty_column(&dirty)
}

/// Reserves `n` consecutive stamps inside the caller's write transaction;
/// returns the first.
pub(crate) async fn next_stamps(conn: &mut SqliteConnection, n: i64) -> Result<i64> {
    let last: i64 = sqlx::query("UPDATE sync_stamp SET n = n + ? WHERE id = 1 RETURNING n")
        .bind(n)
        .fetch_one(&mut *conn)
        .await?
        .get(0);
    Ok(last - n + 1)
}

/// Stamps every field of `diff` in `dirty` with `stamp`.
pub(crate) fn mark(diff: &FieldDiff, dirty: &mut Dirty, stamp: i64) {
    for f in diff.names() {
        dirty.insert(f.to_owned(), stamp);
    }
}

/// After a local delete: a record the server has gets a tombstone to push;
/// its conflicts go.
pub(crate) async fn forget_deleted(
    conn: &mut SqliteConnection,
    uid: &str,
    server_revision: i64,
) -> Result<()> {
    if server_revision > 0 {
        let stamp = next_stamps(conn, 1).await?;
        sqlx::query(
            "INSERT OR REPLACE INTO sync_tombstones (uid, server_revision, deleted_at, change_stamp, refused) VALUES (?, ?, ?, ?, 0)",
        )
        .bind(uid)
        .bind(server_revision)
        .bind(now())
        .bind(stamp)
        .execute(&mut *conn)
        .await?;
    }
    exec_with_uid(conn, "DELETE FROM sync_conflicts WHERE uid = ?", uid).await?;
    Ok(())
}
