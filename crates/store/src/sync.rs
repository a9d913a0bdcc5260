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

use crate::integrations::{insert_local_log, not_found};
use crate::model::{IntegrationPatch, LogLevel, Status};
use crate::secrets::{self, SealedMap};
use crate::{now, Result, Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sqlx::{Row, SqliteConnection};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use switchboard_sync_proto::{
    field, PullPage, PulledIntegration, PushAnswer, PushChange, PushOutcome, PushResult, SyncLog,
    SyncWebsite,
};
use switchboard_vault::{Sealer, Secret};

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

// ---------------------------------------------------------------------------
// Column helpers shared with the other write paths.

/// `remote_secrets`: key -> the server's mask.
pub(crate) type RemoteSecrets = BTreeMap<String, String>;
/// `dirty`: field -> stamp of its last local change.
pub(crate) type Dirty = BTreeMap<String, i64>;

pub(crate) fn parse_remote(text: &str) -> RemoteSecrets {
    if text == "{}" {
        return RemoteSecrets::new();
    }
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn remote_column(map: &RemoteSecrets) -> String {
    serde_json::to_string(map).expect("a map of strings serializes")
}

pub(crate) fn parse_dirty(text: &str) -> Dirty {
    if text == "{}" {
        return Dirty::new();
    }
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn dirty_column(map: &Dirty) -> String {
    serde_json::to_string(map).expect("a map of numbers serializes")
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

/// The sync fields one write changed.
#[derive(Default)]
pub(crate) struct FieldChanges(BTreeSet<String>);

impl FieldChanges {
    pub(crate) fn scalar(&mut self, name: &str, changed: bool) {
        if changed {
            self.0.insert(name.to_owned());
        }
    }

    pub(crate) fn config(&mut self, old: &Map<String, Value>, new: &Map<String, Value>) {
        for k in old.keys().chain(new.keys()) {
            if old.get(k) != new.get(k) {
                self.0.insert(field::config(k));
            }
        }
    }

    /// A re-sealed value counts as changed even when the plaintext is the
    /// same (the nonce differs): the user entered it again.
    pub(crate) fn secrets(&mut self, old: &SealedMap, new: &SealedMap) {
        for k in old.keys().chain(new.keys()) {
            if old.get(k) != new.get(k) {
                self.0.insert(field::secret(k));
            }
        }
    }

    pub(crate) fn secret(&mut self, key: &str) {
        self.0.insert(field::secret(key));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn mark(&self, dirty: &mut Dirty, stamp: i64) {
        for f in &self.0 {
            dirty.insert(f.clone(), stamp);
        }
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
    sqlx::query("DELETE FROM sync_conflicts WHERE uid = ?")
        .bind(uid)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A server mask masked again: a no-op on a real mask, and a guarantee that
/// a server sending a plaintext by mistake never gets it written here.
fn remask(value: &str) -> String {
    Secret::new(value).masked()
}

fn status_from_server(s: &str) -> Status {
    s.parse().unwrap_or(Status::Pending)
}

fn short(uid: &str) -> &str {
    uid.get(..8).unwrap_or(uid)
}

// ---------------------------------------------------------------------------
// What to push for one record.

/// A conflict row, as pending changes need it.
struct ConflictRow {
    field: String,
    their_revision: i64,
    resolved: bool,
}

/// One integration to push: which fields and at which base revision.
struct Plan {
    uid: String,
    stamp: i64,
    base_revision: i64,
    create: bool,
    fields: Vec<String>,
}

fn plan(
    uid: String,
    stamp: i64,
    dirty: &Dirty,
    server_revision: i64,
    conflicts: Option<&Vec<ConflictRow>>,
) -> Option<Plan> {
    if server_revision <= 0 {
        // Never pushed: a create with everything.
        return Some(Plan {
            uid,
            stamp,
            base_revision: 0,
            create: true,
            fields: Vec::new(),
        });
    }
    let conflicts = conflicts.map(Vec::as_slice).unwrap_or_default();
    let open = conflicts.iter().any(|c| !c.resolved);
    let (base_revision, held): (i64, BTreeSet<&str>) = if open {
        // Conflicting fields (resolved ones too, their base is not usable
        // yet) wait until every conflict of the record is settled.
        (
            server_revision,
            conflicts.iter().map(|c| c.field.as_str()).collect(),
        )
    } else {
        let base = conflicts
            .iter()
            .map(|c| c.their_revision)
            .fold(server_revision, i64::max);
        (base, BTreeSet::new())
    };
    let fields: Vec<String> = dirty
        .keys()
        .filter(|f| !held.contains(f.as_str()))
        .cloned()
        .collect();
    if fields.is_empty() {
        return None;
    }
    Some(Plan {
        uid,
        stamp,
        base_revision,
        create: false,
        fields,
    })
}

/// The field names a change carries (`set` keys and `secret.<key>`).
fn sent_fields(change: &PushChange) -> BTreeSet<String> {
    change
        .set
        .keys()
        .cloned()
        .chain(change.secrets.keys().map(|k| field::secret(k)))
        .collect()
}

/// A record's current values, read for pushes, conflicts and pulls.
struct Local {
    integration_type: String,
    provider: String,
    name: String,
    description: String,
    is_active: bool,
    website_id: Option<String>,
    config: Map<String, Value>,
    sealed: SealedMap,
    remote: RemoteSecrets,
}

const LOCAL_COLUMNS: &str =
    "integration_type, provider, name, description, is_active, website_id, config, secrets, remote_secrets";

fn local_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Local> {
    Ok(Local {
        integration_type: row.get("integration_type"),
        provider: row.get("provider"),
        name: row.get("name"),
        description: row.get("description"),
        is_active: row.get("is_active"),
        website_id: row.get("website_id"),
        config: serde_json::from_str(row.get::<&str, _>("config")).unwrap_or_default(),
        sealed: secrets::parse_column(row.get("secrets"))?,
        remote: parse_remote(row.get("remote_secrets")),
    })
}

impl Local {
    /// The value of a non-secret field.
    fn public_value(&self, name: &str) -> Option<Value> {
        Some(match name {
            field::NAME => Value::String(self.name.clone()),
            field::DESCRIPTION => Value::String(self.description.clone()),
            field::PROVIDER => Value::String(self.provider.clone()),
            field::IS_ACTIVE => Value::Bool(self.is_active),
            field::WEBSITE => self
                .website_id
                .clone()
                .map(Value::String)
                .unwrap_or(Value::Null),
            other => match other.strip_prefix(field::CONFIG_PREFIX) {
                Some(k) => self.config.get(k).cloned().unwrap_or(Value::Null),
                None => return None,
            },
        })
    }
}

/// Puts a secret's plaintext into a change; "" clears it on the server.
fn push_secret(change: &mut PushChange, sealer: &dyn Sealer, uid: &str, local: &Local, key: &str) {
    match local.sealed.get(key) {
        Some(sealed) => match secrets::open(sealer, uid, key, sealed) {
            Ok(secret) => {
                change
                    .secrets
                    .insert(key.to_owned(), secret.expose().to_owned());
            }
            // Left out (and so left dirty): the user has to enter it again.
            Err(_) => tracing::warn!(%uid, field = key, "a secret to push cannot be decrypted"),
        },
        None if local.remote.contains_key(key) => {}
        None => {
            change.secrets.insert(key.to_owned(), String::new());
        }
    }
}

fn build_change(sealer: &dyn Sealer, plan: &Plan, local: &Local) -> PushChange {
    let mut change = PushChange {
        uid: plan.uid.clone(),
        base_revision: plan.base_revision,
        ..PushChange::default()
    };
    if plan.create {
        change.integration_type = local.integration_type.clone();
        for f in [
            field::NAME,
            field::DESCRIPTION,
            field::PROVIDER,
            field::IS_ACTIVE,
            field::WEBSITE,
        ] {
            if let Some(v) = local.public_value(f) {
                change.set.insert(f.to_owned(), v);
            }
        }
        for (k, v) in &local.config {
            change.set.insert(field::config(k), v.clone());
        }
        for k in local.sealed.keys() {
            push_secret(&mut change, sealer, &plan.uid, local, k);
        }
        return change;
    }
    for f in &plan.fields {
        if let Some(key) = f.strip_prefix(field::SECRET_PREFIX) {
            push_secret(&mut change, sealer, &plan.uid, local, key);
        } else if let Some(v) = local.public_value(f) {
            change.set.insert(f.clone(), v);
        }
    }
    change
}

/// The integrations with something to push (refused ones wait for an edit).
const CANDIDATES: &str =
    "dirty <> '{}' AND (refused_stamp IS NULL OR change_stamp > refused_stamp)";

/// Candidate records read per query while looking for pending changes.
const PENDING_CHUNK: usize = 64;

/// A JSON array of strings, for `IN (SELECT value FROM json_each(?))`.
fn json_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    serde_json::to_string(&items.into_iter().collect::<Vec<_>>()).expect("strings serialize")
}

/// The conflict rows of the given records, by uid.
async fn conflicts_of(
    conn: &mut SqliteConnection,
    uids: &[&str],
) -> Result<HashMap<String, Vec<ConflictRow>>> {
    let mut conflicts: HashMap<String, Vec<ConflictRow>> = HashMap::new();
    if uids.is_empty() {
        return Ok(conflicts);
    }
    let rows = sqlx::query(
        "SELECT uid, field, their_revision, resolved FROM sync_conflicts
         WHERE uid IN (SELECT value FROM json_each(?))",
    )
    .bind(json_list(uids.iter().copied()))
    .fetch_all(&mut *conn)
    .await?;
    for r in rows {
        conflicts
            .entry(r.get("uid"))
            .or_default()
            .push(ConflictRow {
                field: r.get("field"),
                their_revision: r.get("their_revision"),
                resolved: r.get("resolved"),
            });
    }
    Ok(conflicts)
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

    /// Up to `limit` records with something to push, oldest change first,
    /// as plans with their rows (read in chunks: a record whose dirty
    /// fields are all held by conflicts gives no plan).
    async fn pending_plans(
        conn: &mut SqliteConnection,
        limit: usize,
    ) -> Result<Vec<(Plan, sqlx::sqlite::SqliteRow)>> {
        let mut plans = Vec::new();
        let mut after: Option<(i64, String)> = None;
        while plans.len() < limit {
            let want = (limit - plans.len()).max(PENDING_CHUNK);
            let columns = format!("id, change_stamp, dirty, server_revision, {LOCAL_COLUMNS}");
            let rows = match &after {
                None => {
                    sqlx::query(&format!(
                        "SELECT {columns} FROM integrations WHERE {CANDIDATES}
                         ORDER BY change_stamp, id LIMIT ?"
                    ))
                    .bind(want as i64)
                    .fetch_all(&mut *conn)
                    .await?
                }
                Some((stamp, uid)) => {
                    sqlx::query(&format!(
                        "SELECT {columns} FROM integrations WHERE {CANDIDATES}
                         AND change_stamp >= ? AND (change_stamp > ? OR id > ?)
                         ORDER BY change_stamp, id LIMIT ?"
                    ))
                    .bind(stamp)
                    .bind(stamp)
                    .bind(uid)
                    .bind(want as i64)
                    .fetch_all(&mut *conn)
                    .await?
                }
            };
            let known: Vec<&str> = rows
                .iter()
                .filter(|r| r.get::<i64, _>("server_revision") > 0)
                .map(|r| r.get::<&str, _>("id"))
                .collect();
            let conflicts = conflicts_of(conn, &known).await?;
            let full = rows.len() == want;
            if let Some(last) = rows.last() {
                after = Some((last.get("change_stamp"), last.get("id")));
            }
            for row in rows {
                if plans.len() == limit {
                    break;
                }
                let uid: String = row.get("id");
                let found = conflicts.get(&uid);
                if let Some(p) = plan(
                    uid,
                    row.get("change_stamp"),
                    &parse_dirty(row.get("dirty")),
                    row.get("server_revision"),
                    found,
                ) {
                    plans.push((p, row));
                }
            }
            if !full {
                break;
            }
        }
        Ok(plans)
    }

    /// Up to `limit` integration changes not yet pushed (creates, updates,
    /// deletions), oldest first. Needs the vault unlocked: the values of
    /// dirty secret fields are included, in plain text, in
    /// [`PushChange::secrets`]. Conflicting fields are left out until
    /// resolved; a record refused by the server is left out until it is
    /// edited again.
    pub async fn pending_changes(&self, limit: usize) -> Result<Vec<Pending>> {
        let sealer = self.sealer()?;
        // One read transaction: a consistent snapshot.
        let mut tx = self.pool().begin().await?;
        let plans = Self::pending_plans(&mut tx, limit).await?;
        let tombstones: Vec<(String, i64, i64)> = sqlx::query(
            "SELECT uid, server_revision, change_stamp FROM sync_tombstones WHERE refused = 0
             ORDER BY change_stamp, uid LIMIT ?",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
        tx.commit().await?;
        let mut out: Vec<Pending> = Vec::new();
        let (mut plans, mut tombstones) = (
            plans.into_iter().peekable(),
            tombstones.into_iter().peekable(),
        );
        while out.len() < limit {
            let take_plan = match (plans.peek(), tombstones.peek()) {
                (None, None) => break,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some((p, _)), Some(t)) => p.stamp <= t.2,
            };
            if take_plan {
                let (p, row) = plans.next().expect("peeked");
                let local = local_from_row(&row)?;
                out.push(Pending {
                    change: build_change(sealer.as_ref(), &p, &local),
                    stamp: p.stamp,
                });
            } else {
                let (uid, server_revision, stamp) = tombstones.next().expect("peeked");
                out.push(Pending {
                    change: PushChange {
                        uid,
                        base_revision: server_revision,
                        delete: true,
                        ..PushChange::default()
                    },
                    stamp,
                });
            }
        }
        Ok(out)
    }

    /// How many integration changes [`Store::pending_changes`] would give
    /// with no limit.
    pub async fn pending_count(&self) -> Result<i64> {
        let mut tx = self.pool().begin().await?;
        // Without conflicts, every candidate has something to push.
        let plain: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) FROM integrations i WHERE {CANDIDATES}
             AND (server_revision <= 0 OR NOT EXISTS (SELECT 1 FROM sync_conflicts c WHERE c.uid = i.id))"
        ))
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        let rows = sqlx::query(&format!(
            "SELECT id, change_stamp, dirty, server_revision FROM integrations i WHERE {CANDIDATES}
             AND server_revision > 0 AND EXISTS (SELECT 1 FROM sync_conflicts c WHERE c.uid = i.id)"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let uids: Vec<&str> = rows.iter().map(|r| r.get::<&str, _>("id")).collect();
        let conflicts = conflicts_of(&mut tx, &uids).await?;
        let held = rows
            .iter()
            .filter(|r| {
                let uid: String = r.get("id");
                let found = conflicts.get(&uid);
                plan(
                    uid,
                    r.get("change_stamp"),
                    &parse_dirty(r.get("dirty")),
                    r.get("server_revision"),
                    found,
                )
                .is_some()
            })
            .count();
        let tombstones: i64 = sqlx::query("SELECT COUNT(*) FROM sync_tombstones WHERE refused = 0")
            .fetch_one(&mut *tx)
            .await?
            .get(0);
        tx.commit().await?;
        Ok(plain + held as i64 + tombstones)
    }

    /// Websites created or changed here since their last push, then the
    /// websites deleted here (`deleted`).
    pub async fn pending_websites(&self) -> Result<Vec<SyncWebsite>> {
        let rows = sqlx::query(
            "SELECT id, name, domain FROM websites WHERE dirty <> 0 ORDER BY created_at, id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<SyncWebsite> = rows
            .iter()
            .map(|r| SyncWebsite {
                uid: r.get("id"),
                name: r.get("name"),
                domain: r.get("domain"),
                ..SyncWebsite::default()
            })
            .collect();
        let gone = sqlx::query("SELECT uid FROM sync_website_tombstones ORDER BY deleted_at, uid")
            .fetch_all(self.pool())
            .await?;
        out.extend(gone.iter().map(|r| SyncWebsite {
            uid: r.get("uid"),
            deleted: true,
            ..SyncWebsite::default()
        }));
        Ok(out)
    }

    /// These websites as they are here (to push with changes that point
    /// at them, so the server has them even if it deleted them meanwhile).
    pub async fn sync_websites(&self, uids: &[&str]) -> Result<Vec<SyncWebsite>> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT id, name, domain FROM websites WHERE id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id",
        )
        .bind(json_list(uids.iter().copied()))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| SyncWebsite {
                uid: r.get("id"),
                name: r.get("name"),
                domain: r.get("domain"),
                ..SyncWebsite::default()
            })
            .collect())
    }

    /// Up to `limit` log lines written here and not pushed yet, oldest
    /// first, of integrations the server has (lines of integrations not
    /// pushed yet wait for them).
    pub async fn pending_logs(&self, limit: usize) -> Result<Vec<SyncLog>> {
        let rows = sqlx::query(
            "SELECT l.uid, l.integration_id, l.level, l.message, l.details, l.created_at
             FROM integration_logs l JOIN integrations i ON i.id = l.integration_id
             WHERE l.synced = 0 AND i.server_revision > 0 AND l.uid IS NOT NULL
             ORDER BY l.id LIMIT ?",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| SyncLog {
                uid: r.get("uid"),
                integration: r.get("integration_id"),
                level: r.get("level"),
                message: r.get("message"),
                details: serde_json::from_str(r.get::<&str, _>("details")).unwrap_or(Value::Null),
                created_at: r.get("created_at"),
                seq: None,
            })
            .collect())
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
                ack_delete(&mut tx, &mut batch, pending, result, &mut summary).await?;
            } else {
                ack_change(&mut tx, &mut batch, pending, result, &mut summary).await?;
            }
        }
        batch.flush(&mut tx).await?;
        for w in websites {
            if w.deleted {
                sqlx::query("DELETE FROM sync_website_tombstones WHERE uid = ?")
                    .bind(&w.uid)
                    .execute(&mut *tx)
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
        tx.commit().await?;
        Ok(summary)
    }

    /// Applies one pull page in one transaction and stores `page.next` as
    /// the cursor. Nothing pulled is marked dirty; fields dirty here keep
    /// their local value; deletions win. Works with the vault locked (no
    /// secret value travels server -> laptop).
    pub async fn apply_pull(&self, page: &PullPage) -> Result<PullSummary> {
        let mut summary = PullSummary::default();
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let mut batch = PullBatch::default();
        for w in page.websites.iter().filter(|w| !w.deleted) {
            if pull_website(&mut tx, w).await? {
                summary.websites += 1;
                batch.websites.insert(w.uid.clone());
            }
        }
        let upserts: Vec<&str> = page
            .changes
            .iter()
            .filter(|c| !c.deleted)
            .map(|c| c.uid.as_str())
            .collect();
        batch.load(&mut tx, &upserts).await?;
        let mut seen: HashSet<&str> = HashSet::new();
        for change in &page.changes {
            if !seen.insert(change.uid.as_str()) {
                // Twice in one page: what came first is written, and the
                // record read again.
                batch.flush(&mut tx, &self.owner).await?;
                batch.load(&mut tx, &[change.uid.as_str()]).await?;
            }
            if change.deleted {
                if pull_delete(&mut tx, &change.uid).await? {
                    summary.deleted += 1;
                }
            } else if pull_upsert(&mut tx, &mut batch, change).await? {
                summary.pulled += 1;
            }
        }
        batch.flush(&mut tx, &self.owner).await?;
        // Website deletions after the integrations (which may have moved
        // off the website in the same page).
        for w in page.websites.iter().filter(|w| w.deleted) {
            match pull_website_delete(&mut tx, &w.uid).await? {
                WebsiteGone::Deleted => summary.websites_deleted += 1,
                WebsiteGone::Kept => summary.websites_kept += 1,
                WebsiteGone::Absent => {}
            }
        }
        summary.logs = pull_logs(&mut tx, &page.logs).await?;
        sqlx::query("UPDATE sync_meta SET cursor = ? WHERE id = 1")
            .bind(page.next)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Conflicts waiting for the user, oldest first.
    pub async fn conflicts(&self) -> Result<Vec<Conflict>> {
        self.sealer()?;
        let rows = sqlx::query(
            "SELECT c.uid, i.name, c.field, c.mine, c.theirs_masked, c.their_revision
             FROM sync_conflicts c JOIN integrations i ON i.id = c.uid
             WHERE c.resolved = 0 ORDER BY c.created_at, c.uid, c.field",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| Conflict {
                uid: r.get("uid"),
                name: r.get("name"),
                field: r.get("field"),
                mine: serde_json::from_str(r.get::<&str, _>("mine")).unwrap_or(Value::Null),
                theirs: serde_json::from_str(r.get::<&str, _>("theirs_masked"))
                    .unwrap_or(Value::Null),
                their_revision: r.get("their_revision"),
            })
            .collect())
    }

    /// Settles one conflict. KeepMine: the field stays dirty and is pushed
    /// over the server's revision once the record has no open conflict;
    /// TakeTheirs: the server's value replaces the local one (a secret's
    /// local value is dropped, the secret shows as set on the server) and
    /// the field is clean; Edit: the new value is validated and saved like
    /// an update, then pushed like KeepMine.
    pub async fn resolve_conflict(
        &self,
        uid: &str,
        field_name: &str,
        resolution: Resolution,
    ) -> Result<()> {
        let sealer = self.sealer()?;
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let row = sqlx::query(
            "SELECT theirs_masked FROM sync_conflicts WHERE uid = ? AND field = ? AND resolved = 0",
        )
        .bind(uid)
        .bind(field_name)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            kind: "conflict",
            id: format!("{uid} {field_name}"),
        })?;
        let theirs: Value =
            serde_json::from_str(row.get::<&str, _>("theirs_masked")).unwrap_or(Value::Null);
        let message = match resolution {
            Resolution::KeepMine => "Sync conflict resolved: kept this computer's value",
            Resolution::TakeTheirs => {
                take_theirs(&mut tx, uid, field_name, &theirs).await?;
                sqlx::query("DELETE FROM sync_conflicts WHERE uid = ? AND field = ?")
                    .bind(uid)
                    .bind(field_name)
                    .execute(&mut *tx)
                    .await?;
                "Sync conflict resolved: took the server's value"
            }
            Resolution::Edit(value) => {
                let patch = edit_patch(field_name, value)?;
                self.change_in(&mut tx, sealer.as_ref(), uid, patch, false)
                    .await?;
                // Still to push, even when the new value equals the old one.
                let dirty: String = sqlx::query("SELECT dirty FROM integrations WHERE id = ?")
                    .bind(uid)
                    .fetch_one(&mut *tx)
                    .await?
                    .get(0);
                let mut dirty = parse_dirty(&dirty);
                if !dirty.contains_key(field_name) {
                    let stamp = next_stamps(&mut tx, 1).await?;
                    dirty.insert(field_name.to_owned(), stamp);
                    sqlx::query("UPDATE integrations SET dirty = ?, change_stamp = ? WHERE id = ?")
                        .bind(dirty_column(&dirty))
                        .bind(stamp)
                        .bind(uid)
                        .execute(&mut *tx)
                        .await?;
                }
                "Sync conflict resolved: entered a new value"
            }
        };
        sqlx::query("UPDATE sync_conflicts SET resolved = 1 WHERE uid = ? AND field = ?")
            .bind(uid)
            .bind(field_name)
            .execute(&mut *tx)
            .await?;
        insert_local_log(
            &mut tx,
            uid,
            LogLevel::Info,
            message,
            json!({ "field": field_name }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The patch an edited conflict value makes.
fn edit_patch(name: &str, value: Value) -> Result<IntegrationPatch> {
    let text = |v: Value| match v {
        Value::String(s) => Ok(s),
        _ => Err(StoreError::invalid(name, "enter text for this field")),
    };
    let mut patch = IntegrationPatch::default();
    match name {
        field::NAME => patch.name = Some(text(value)?),
        field::DESCRIPTION => patch.description = Some(text(value)?),
        field::PROVIDER => patch.provider = Some(text(value)?),
        field::IS_ACTIVE => {
            patch.is_active = Some(
                value
                    .as_bool()
                    .ok_or_else(|| StoreError::invalid(name, "choose on or off"))?,
            )
        }
        field::WEBSITE => {
            patch.website_id = Some(match value {
                Value::Null => None,
                v => Some(text(v)?),
            })
        }
        other => {
            let key = other
                .strip_prefix(field::CONFIG_PREFIX)
                .or_else(|| other.strip_prefix(field::SECRET_PREFIX))
                .ok_or_else(|| StoreError::invalid(name, format!("'{other}' is not a field")))?;
            let mut values = Map::new();
            values.insert(key.to_owned(), value);
            patch.values = Some(values);
        }
    }
    Ok(patch)
}

/// Replaces a local value with the server's (from a conflict) and cleans the field.
async fn take_theirs(
    tx: &mut SqliteConnection,
    uid: &str,
    name: &str,
    theirs: &Value,
) -> Result<()> {
    let row = sqlx::query(&format!(
        "SELECT {LOCAL_COLUMNS}, dirty FROM integrations WHERE id = ?"
    ))
    .bind(uid)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| not_found(uid))?;
    let mut local = local_from_row(&row)?;
    let mut dirty = parse_dirty(row.get("dirty"));
    let text = || theirs.as_str().map(str::to_owned);
    match name {
        field::NAME => local.name = text().unwrap_or(local.name),
        field::DESCRIPTION => local.description = text().unwrap_or(local.description),
        field::PROVIDER => local.provider = text().unwrap_or(local.provider),
        field::IS_ACTIVE => local.is_active = theirs.as_bool().unwrap_or(local.is_active),
        field::WEBSITE => {
            local.website_id = text();
            if let Some(w) = &local.website_id {
                ensure_pulled_website(tx, w).await?;
            }
        }
        other => {
            if let Some(k) = other.strip_prefix(field::CONFIG_PREFIX) {
                if theirs.is_null() {
                    local.config.remove(k);
                } else {
                    local.config.insert(k.to_owned(), theirs.clone());
                }
            } else if let Some(k) = other.strip_prefix(field::SECRET_PREFIX) {
                local.sealed.remove(k);
                match theirs.as_str() {
                    Some(m) if !m.is_empty() => {
                        local.remote.insert(k.to_owned(), remask(m));
                    }
                    _ => {
                        local.remote.remove(k);
                    }
                }
            }
        }
    }
    dirty.remove(name);
    if matches!(name, field::NAME | field::WEBSITE | field::PROVIDER) {
        local.name = free_name(
            tx,
            uid,
            local.website_id.as_deref(),
            &local.provider,
            &local.name,
        )
        .await?;
    }
    sqlx::query(
        "UPDATE integrations SET website_id = ?, provider = ?, name = ?, description = ?, is_active = ?, config = ?, secrets = ?, remote_secrets = ?, dirty = ?,
             revision = revision + 1, updated_at = ? WHERE id = ?",
    )
    .bind(&local.website_id)
    .bind(&local.provider)
    .bind(&local.name)
    .bind(&local.description)
    .bind(local.is_active)
    .bind(Value::Object(local.config).to_string())
    .bind(secrets::to_column(&local.sealed))
    .bind(remote_column(&local.remote))
    .bind(dirty_column(&dirty))
    .bind(now())
    .bind(uid)
    .execute(&mut *tx)
    .await?;
    Ok(())
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
}

impl AckBatch {
    async fn load(&mut self, tx: &mut SqliteConnection, uids: &[&str]) -> Result<()> {
        if uids.is_empty() {
            return Ok(());
        }
        for uid in uids {
            self.rows.remove(*uid);
        }
        let list = json_list(uids.iter().copied());
        let rows = sqlx::query(&format!(
            "SELECT id, {LOCAL_COLUMNS}, dirty, server_revision FROM integrations
             WHERE id IN (SELECT value FROM json_each(?))"
        ))
        .bind(&list)
        .fetch_all(&mut *tx)
        .await?;
        for row in rows {
            self.rows.insert(row.get("id"), row);
        }
        let resolved = sqlx::query(
            "SELECT uid, field FROM sync_conflicts WHERE resolved = 1
             AND uid IN (SELECT value FROM json_each(?))",
        )
        .bind(&list)
        .fetch_all(&mut *tx)
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
        Ok(())
    }
}

/// A pushed deletion's answer.
async fn ack_delete(
    tx: &mut SqliteConnection,
    batch: &mut AckBatch,
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
            batch.forgotten.push(uid.clone());
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

/// A pushed create or update's answer.
async fn ack_change(
    tx: &mut SqliteConnection,
    batch: &mut AckBatch,
    pending: &Pending,
    result: &PushResult,
    summary: &mut AckSummary,
) -> Result<()> {
    let uid = pending.change.uid.as_str();
    match result.outcome {
        PushOutcome::Applied => summary.applied += 1,
        PushOutcome::Merged => summary.merged += 1,
        PushOutcome::Conflict => summary.conflicts += 1,
        PushOutcome::Gone => summary.gone += 1,
        PushOutcome::Deleted => summary.deleted += 1,
        PushOutcome::Invalid => summary.invalid += 1,
    }
    let Some(row) = batch.rows.get(uid) else {
        // Deleted here after it was sent: the deletion has to follow.
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
        return Ok(());
    };
    match result.outcome {
        PushOutcome::Gone => {
            sqlx::query("DELETE FROM integrations WHERE id = ?")
                .bind(uid)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sync_conflicts WHERE uid = ?")
                .bind(uid)
                .execute(&mut *tx)
                .await?;
            batch.rows.remove(uid);
            return Ok(());
        }
        PushOutcome::Deleted => return Ok(()),
        PushOutcome::Invalid => {
            let message = result
                .message
                .clone()
                .unwrap_or_else(|| "the server refused this change".into());
            insert_local_log(
                tx,
                uid,
                LogLevel::Error,
                &format!("Sync refused this integration: {message}. Fix it here; it is pushed again once edited"),
                json!({ "fields": result.fields }),
            )
            .await?;
            sqlx::query("UPDATE integrations SET refused_stamp = ? WHERE id = ?")
                .bind(pending.stamp)
                .bind(uid)
                .execute(&mut *tx)
                .await?;
            return Ok(());
        }
        PushOutcome::Applied | PushOutcome::Merged | PushOutcome::Conflict => {}
    }
    let mut dirty = parse_dirty(row.get("dirty"));
    let known: i64 = row.get("server_revision");
    let sent = sent_fields(&pending.change);
    let conflicting: BTreeSet<&str> = result.conflicts.iter().map(|c| c.field.as_str()).collect();
    let applied = result.outcome != PushOutcome::Conflict;
    if applied {
        for f in &sent {
            if !conflicting.contains(f.as_str())
                && dirty.get(f).is_some_and(|s| *s <= pending.stamp)
            {
                dirty.remove(f);
            }
        }
        // Settled conflicts whose field went through are done.
        for f in sent.iter().filter(|f| !conflicting.contains(f.as_str())) {
            if !batch.resolved.contains(&(uid.to_owned(), f.clone())) {
                continue;
            }
            sqlx::query("DELETE FROM sync_conflicts WHERE uid = ? AND field = ? AND resolved = 1")
                .bind(uid)
                .bind(f)
                .execute(&mut *tx)
                .await?;
        }
    }
    let local = if result.conflicts.is_empty() {
        None
    } else {
        Some(local_from_row(row)?)
    };
    for c in &result.conflicts {
        let secret = field::is_secret(&c.field);
        let mine = if secret {
            let key = &c.field[field::SECRET_PREFIX.len()..];
            match pending.change.secrets.get(key) {
                Some(v) if !v.is_empty() => Value::String(Secret::new(v.as_str()).masked()),
                Some(_) => Value::Null,
                None => Value::String("****".into()),
            }
        } else {
            local
                .as_ref()
                .and_then(|l| l.public_value(&c.field))
                .unwrap_or(Value::Null)
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

/// What a pull page needs of the records it names, read in one query, and
/// the rows and logs it adds, written at once.
#[derive(Default)]
struct PullBatch {
    /// uid -> its row (absent: not here).
    rows: HashMap<String, sqlx::sqlite::SqliteRow>,
    /// Records with a local deletion waiting to be pushed.
    tombstones: HashSet<String>,
    /// Websites known to exist here.
    websites: HashSet<String>,
    /// New integrations to insert (JSON arrays, see [`PullBatch::flush`]).
    inserts: Vec<Value>,
    /// (website, provider, name) of the integrations in `inserts`.
    names: HashSet<(String, String, String)>,
    /// Logs to add, after the inserts: [integration, level, message, details, created_at].
    logs: Vec<Value>,
}

impl PullBatch {
    async fn load(&mut self, tx: &mut SqliteConnection, uids: &[&str]) -> Result<()> {
        if uids.is_empty() {
            return Ok(());
        }
        for uid in uids {
            self.rows.remove(*uid);
            self.tombstones.remove(*uid);
        }
        let list = json_list(uids.iter().copied());
        let rows = sqlx::query(&format!(
            "SELECT id, {LOCAL_COLUMNS}, dirty, server_revision, server_id, configured, status, last_sync_at, last_error, error_count
             FROM integrations WHERE id IN (SELECT value FROM json_each(?))"
        ))
        .bind(&list)
        .fetch_all(&mut *tx)
        .await?;
        for row in rows {
            self.rows.insert(row.get("id"), row);
        }
        let tombstones = sqlx::query(
            "SELECT uid FROM sync_tombstones WHERE uid IN (SELECT value FROM json_each(?))",
        )
        .bind(&list)
        .fetch_all(&mut *tx)
        .await?;
        self.tombstones
            .extend(tombstones.iter().map(|r| r.get::<String, _>(0)));
        Ok(())
    }

    fn log(&mut self, uid: &str, message: &str, details: Value) {
        self.logs.push(json!([
            uid,
            LogLevel::Info.as_str(),
            message,
            details.to_string(),
            now(),
            uuid::Uuid::new_v4().to_string()
        ]));
    }

    async fn flush(&mut self, tx: &mut SqliteConnection, owner: &str) -> Result<()> {
        if !self.inserts.is_empty() {
            sqlx::query(
                "INSERT INTO integrations (id, website_id, owner, integration_type, provider, name, description, status, is_active, config, secrets, remote_secrets, configured,
                     last_sync_at, last_error, error_count, created_at, updated_at, server_revision, server_id, dirty, change_stamp)
                 SELECT v ->> '$[0]', v ->> '$[1]', ?, v ->> '$[2]', v ->> '$[3]', v ->> '$[4]', v ->> '$[5]', v ->> '$[6]', v ->> '$[7]', v ->> '$[8]', '{}', v ->> '$[9]', v ->> '$[10]',
                     v ->> '$[11]', v ->> '$[12]', v ->> '$[13]', v ->> '$[14]', v ->> '$[15]', v ->> '$[16]', v ->> '$[17]', '{}', 0
                 FROM (SELECT value AS v FROM json_each(?) ORDER BY key)",
            )
            .bind(owner)
            .bind(Value::Array(std::mem::take(&mut self.inserts)).to_string())
            .execute(&mut *tx)
            .await?;
            self.names.clear();
        }
        if !self.logs.is_empty() {
            sqlx::query(
                "INSERT INTO integration_logs (integration_id, level, message, details, created_at, uid, synced)
                 SELECT v ->> '$[0]', v ->> '$[1]', v ->> '$[2]', v ->> '$[3]', v ->> '$[4]', v ->> '$[5]', 1
                 FROM (SELECT value AS v FROM json_each(?) ORDER BY key)",
            )
            .bind(Value::Array(std::mem::take(&mut self.logs)).to_string())
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }
}

/// Inserts or updates one pulled integration. False when skipped (a
/// local deletion waits to be pushed, or the page is older than what is known).
async fn pull_upsert(
    tx: &mut SqliteConnection,
    batch: &mut PullBatch,
    c: &PulledIntegration,
) -> Result<bool> {
    if batch.tombstones.contains(&c.uid) {
        return Ok(false);
    }
    if let Some(w) = &c.website {
        if !batch.websites.contains(w) {
            ensure_pulled_website(tx, w).await?;
            batch.websites.insert(w.clone());
        }
    }
    let status = status_from_server(&c.status);
    let Some(row) = batch.rows.get(&c.uid) else {
        let remote: RemoteSecrets = c
            .secrets
            .iter()
            .map(|(k, v)| (k.clone(), remask(v)))
            .collect();
        let name = free_name_besides(
            tx,
            &batch.names,
            &c.uid,
            c.website.as_deref(),
            &c.provider,
            &c.name,
        )
        .await?;
        if let Some(w) = &c.website {
            batch
                .names
                .insert((w.clone(), c.provider.clone(), name.clone()));
        }
        let ts = now();
        batch.inserts.push(json!([
            c.uid,
            c.website,
            c.integration_type,
            c.provider,
            name,
            c.description,
            status.as_str(),
            c.is_active,
            Value::Object(c.config.clone()).to_string(),
            remote_column(&remote),
            !c.config.is_empty() || !c.secrets.is_empty(),
            c.last_sync_at,
            c.last_error,
            c.error_count,
            if c.updated_at.is_empty() {
                &ts
            } else {
                &c.updated_at
            },
            ts,
            c.revision,
            c.id,
        ]));
        batch.log(
            &c.uid,
            "Integration received from the sync server",
            json!({ "revision": c.revision }),
        );
        return Ok(true);
    };

    let known: i64 = row.get("server_revision");
    if c.revision < known {
        // Older than what a push already answered: a newer page follows.
        return Ok(false);
    }
    let mut local = local_from_row(row)?;
    let dirty = parse_dirty(row.get("dirty"));
    let mut taken: Vec<String> = Vec::new();
    let mut take = |f: &str, changed: bool| {
        let go = changed && !dirty.contains_key(f);
        if go {
            taken.push(f.to_owned());
        }
        go
    };
    if take(field::NAME, local.name != c.name) {
        local.name = c.name.clone();
    }
    if take(field::DESCRIPTION, local.description != c.description) {
        local.description = c.description.clone();
    }
    if take(field::PROVIDER, local.provider != c.provider) {
        local.provider = c.provider.clone();
    }
    if take(field::IS_ACTIVE, local.is_active != c.is_active) {
        local.is_active = c.is_active;
    }
    if take(field::WEBSITE, local.website_id != c.website) {
        local.website_id = c.website.clone();
    }
    let keys: BTreeSet<String> = local
        .config
        .keys()
        .chain(c.config.keys())
        .cloned()
        .collect();
    for k in keys {
        let theirs = c.config.get(&k);
        if take(&field::config(&k), local.config.get(&k) != theirs) {
            match theirs {
                Some(v) => local.config.insert(k, v.clone()),
                None => local.config.remove(&k),
            };
        }
    }
    // Secrets: a local value stays unless the server changed the field
    // since this laptop last saw the record (and it is not dirty here).
    let newer = |key: &str| c.field_revs.get(&field::secret(key)).copied().unwrap_or(1) > known;
    let keys: BTreeSet<String> = local
        .sealed
        .keys()
        .chain(local.remote.keys())
        .chain(c.secrets.keys())
        .cloned()
        .collect();
    for k in keys {
        if dirty.contains_key(&field::secret(&k)) {
            continue;
        }
        let theirs = c.secrets.get(&k);
        if local.sealed.contains_key(&k) {
            if newer(&k) {
                local.sealed.remove(&k);
                if let Some(m) = theirs {
                    local.remote.insert(k.clone(), remask(m));
                }
                taken.push(field::secret(&k));
            }
        } else {
            match theirs {
                Some(m) => {
                    let m = remask(m);
                    if local.remote.get(&k) != Some(&m) {
                        taken.push(field::secret(&k));
                    }
                    local.remote.insert(k.clone(), m);
                }
                None => {
                    if local.remote.remove(&k).is_some() {
                        taken.push(field::secret(&k));
                    }
                }
            }
        }
    }
    if taken
        .iter()
        .any(|f| f == field::NAME || f == field::WEBSITE || f == field::PROVIDER)
    {
        local.name = free_name_besides(
            tx,
            &batch.names,
            &c.uid,
            local.website_id.as_deref(),
            &local.provider,
            &local.name,
        )
        .await?;
    }
    let server_revision = if dirty.is_empty() {
        c.revision
    } else if known <= 0 {
        // Our create reached the server but its answer was lost: the
        // server holds it since its first revision.
        1
    } else {
        known
    };
    let was_configured: bool = row.get("configured");
    let configured = was_configured || !local.config.is_empty() || !local.remote.is_empty();
    let server_id = c.id.or(row.get("server_id"));
    // Nothing taken (so the values are the same) and the server's status
    // and revision already known: nothing to write.
    if taken.is_empty()
        && configured == was_configured
        && server_revision == known
        && server_id == row.get::<Option<i64>, _>("server_id")
        && status.as_str() == row.get::<&str, _>("status")
        && c.last_sync_at == row.get::<Option<String>, _>("last_sync_at")
        && c.last_error == row.get::<Option<String>, _>("last_error")
        && c.error_count == row.get::<i64, _>("error_count")
    {
        return Ok(true);
    }
    sqlx::query(
        "UPDATE integrations SET website_id = ?, provider = ?, name = ?, description = ?, is_active = ?, config = ?, secrets = ?, remote_secrets = ?, configured = ?,
             status = ?, last_sync_at = ?, last_error = ?, error_count = ?, revision = revision + 1, updated_at = ?,
             server_revision = ?, server_id = ?
         WHERE id = ?",
    )
    .bind(&local.website_id)
    .bind(&local.provider)
    .bind(&local.name)
    .bind(&local.description)
    .bind(local.is_active)
    .bind(Value::Object(local.config).to_string())
    .bind(secrets::to_column(&local.sealed))
    .bind(remote_column(&local.remote))
    .bind(configured)
    .bind(status.as_str())
    .bind(&c.last_sync_at)
    .bind(&c.last_error)
    .bind(c.error_count)
    .bind(now())
    .bind(server_revision)
    .bind(server_id)
    .bind(&c.uid)
    .execute(&mut *tx)
    .await?;
    if !taken.is_empty() {
        batch.log(
            &c.uid,
            "Integration updated from the sync server",
            json!({ "changed": taken, "revision": c.revision }),
        );
    }
    Ok(true)
}

/// A pulled deletion: the record, its conflicts and any local tombstone go.
async fn pull_delete(tx: &mut SqliteConnection, uid: &str) -> Result<bool> {
    let removed = sqlx::query("DELETE FROM integrations WHERE id = ?")
        .bind(uid)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM sync_conflicts WHERE uid = ?")
        .bind(uid)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sync_tombstones WHERE uid = ?")
        .bind(uid)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sync_held_logs WHERE integration_id = ?")
        .bind(uid)
        .execute(&mut *tx)
        .await?;
    Ok(removed > 0)
}

/// A website name not used by another website (names are unique here,
/// ignoring case; the server may hold two with the same name).
async fn free_website_name(tx: &mut SqliteConnection, uid: &str, name: &str) -> Result<String> {
    let base = if name.trim().is_empty() {
        format!("Website {}", short(uid))
    } else {
        name.trim().to_owned()
    };
    for candidate in [
        base.clone(),
        format!("{base} ({})", short(uid)),
        format!("{base} ({uid})"),
    ] {
        let taken = sqlx::query("SELECT 1 FROM websites WHERE name = ? COLLATE NOCASE AND id <> ?")
            .bind(&candidate)
            .bind(uid)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_none() {
            return Ok(candidate);
        }
    }
    Ok(format!("{base} ({uid})"))
}

/// A pulled website: inserted or updated, unless it changed here since its
/// last push (last writer wins: this laptop pushes it next) or a deletion
/// here waits to be pushed. Whether anything was written.
async fn pull_website(tx: &mut SqliteConnection, w: &SyncWebsite) -> Result<bool> {
    let held = sqlx::query(
        "SELECT 1 FROM websites WHERE id = ? AND dirty <> 0
         UNION ALL SELECT 1 FROM sync_website_tombstones WHERE uid = ?",
    )
    .bind(&w.uid)
    .bind(&w.uid)
    .fetch_optional(&mut *tx)
    .await?;
    if held.is_some() {
        return Ok(false);
    }
    upsert_website(tx, w).await?;
    Ok(true)
}

enum WebsiteGone {
    Deleted,
    Kept,
    Absent,
}

/// A website the server deleted: removed here, unless integrations here
/// still use it; then it stays and is marked to push again (the server
/// brings it back), so nothing is lost.
async fn pull_website_delete(tx: &mut SqliteConnection, uid: &str) -> Result<WebsiteGone> {
    sqlx::query("DELETE FROM sync_website_tombstones WHERE uid = ?")
        .bind(uid)
        .execute(&mut *tx)
        .await?;
    let used: i64 = sqlx::query("SELECT COUNT(*) FROM integrations WHERE website_id = ?")
        .bind(uid)
        .fetch_one(&mut *tx)
        .await?
        .get(0);
    if used > 0 {
        let kept = sqlx::query("UPDATE websites SET dirty = 1 WHERE id = ?")
            .bind(uid)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        return Ok(if kept > 0 {
            WebsiteGone::Kept
        } else {
            WebsiteGone::Absent
        });
    }
    let gone = sqlx::query("DELETE FROM websites WHERE id = ?")
        .bind(uid)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    Ok(if gone > 0 {
        WebsiteGone::Deleted
    } else {
        WebsiteGone::Absent
    })
}

/// Pulled log lines: added once (by uid), already synced (never pushed
/// back). Lines of integrations not here yet are held until they arrive
/// (in a later page or sync); held lines whose integration is here now are
/// added too. How many lines were added.
async fn pull_logs(tx: &mut SqliteConnection, logs: &[SyncLog]) -> Result<usize> {
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
        let attached = sqlx::query(
            "INSERT OR IGNORE INTO integration_logs (uid, integration_id, level, message, details, created_at, synced)
             SELECT v ->> '$[0]', v ->> '$[1]', v ->> '$[2]', v ->> '$[3]', v ->> '$[4]', v ->> '$[5]', 1
             FROM (SELECT value AS v FROM json_each(?) ORDER BY key)
             WHERE (v ->> '$[2]') IN ('success', 'error', 'warning', 'info')
               AND EXISTS (SELECT 1 FROM integrations WHERE id = v ->> '$[1]')",
        )
        .bind(&rows)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        added += attached;
        // Some lines were not added: known already, or to hold.
        if usize::try_from(attached).unwrap_or(usize::MAX) < logs.len() {
            sqlx::query(
            "INSERT OR IGNORE INTO sync_held_logs (uid, integration_id, level, message, details, created_at)
             SELECT v ->> '$[0]', v ->> '$[1]', v ->> '$[2]', v ->> '$[3]', v ->> '$[4]', v ->> '$[5]'
             FROM (SELECT value AS v FROM json_each(?) ORDER BY key)
             WHERE (v ->> '$[2]') IN ('success', 'error', 'warning', 'info')
               AND NOT EXISTS (SELECT 1 FROM integrations WHERE id = v ->> '$[1]')
               AND NOT EXISTS (SELECT 1 FROM integration_logs WHERE uid = v ->> '$[0]')",
        )
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
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

async fn upsert_website(tx: &mut SqliteConnection, w: &SyncWebsite) -> Result<()> {
    let name = free_website_name(tx, &w.uid, &w.name).await?;
    let ts = now();
    sqlx::query(
        "INSERT INTO websites (id, name, domain, created_at, updated_at, dirty) VALUES (?, ?, ?, ?, ?, 0)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, domain = excluded.domain, updated_at = excluded.updated_at, dirty = 0",
    )
    .bind(&w.uid)
    .bind(&name)
    .bind(&w.domain)
    .bind(&ts)
    .bind(&ts)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A website an integration points at but no page has brought yet: a
/// placeholder, renamed when the website itself is pulled.
async fn ensure_pulled_website(tx: &mut SqliteConnection, uid: &str) -> Result<()> {
    let found = sqlx::query("SELECT 1 FROM websites WHERE id = ?")
        .bind(uid)
        .fetch_optional(&mut *tx)
        .await?;
    if found.is_none() {
        upsert_website(
            tx,
            &SyncWebsite {
                uid: uid.to_owned(),
                ..SyncWebsite::default()
            },
        )
        .await?;
    }
    Ok(())
}

/// An integration name free under the (website, provider, name) rule.
async fn free_name(
    tx: &mut SqliteConnection,
    uid: &str,
    website: Option<&str>,
    provider: &str,
    name: &str,
) -> Result<String> {
    free_name_besides(tx, &HashSet::new(), uid, website, provider, name).await
}

/// [`free_name`], also avoiding the names of integrations about to be
/// inserted (`pending`: (website, provider, name)).
async fn free_name_besides(
    tx: &mut SqliteConnection,
    pending: &HashSet<(String, String, String)>,
    uid: &str,
    website: Option<&str>,
    provider: &str,
    name: &str,
) -> Result<String> {
    let Some(website) = website else {
        return Ok(name.to_owned());
    };
    for candidate in [
        name.to_owned(),
        format!("{name} ({})", short(uid)),
        format!("{name} ({uid})"),
    ] {
        if pending.contains(&(website.to_owned(), provider.to_owned(), candidate.clone())) {
            continue;
        }
        let taken = sqlx::query(
            "SELECT 1 FROM integrations WHERE website_id = ? AND provider = ? AND name = ? AND id <> ?",
        )
        .bind(website)
        .bind(provider)
        .bind(&candidate)
        .bind(uid)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_none() {
            return Ok(candidate);
        }
    }
    Ok(format!("{name} ({uid})"))
}
