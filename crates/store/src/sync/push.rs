//! What to push: planning which fields of which records go (conflicts hold
//! theirs back), building the changes, and counting what waits.

use super::dirty::{parse_dirty, Dirty};
use super::json_list;
use super::local::{local_from_row, Local, LOCAL_COLUMNS};
use super::Pending;
use crate::secrets;
use crate::{Result, Store};
use serde_json::Value;
use sqlx::{Row, SqliteConnection};
use std::collections::{BTreeSet, HashMap};
use switchboard_sync_proto::{field, PushChange};
use switchboard_vault::Sealer;

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
pub(super) fn sent_fields(change: &PushChange) -> BTreeSet<String> {
    change
        .set
        .keys()
        .cloned()
        .chain(change.secrets.keys().map(|k| field::secret(k)))
        .collect()
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

/// The change to push, with the set dates of the secrets it sends (never
/// their values) and the recorded expiry.
fn build_change(sealer: &dyn Sealer, plan: &Plan, local: &Local) -> PushChange {
    let mut change = change_values(sealer, plan, local);
    change.dates.secret_set_at = change
        .secrets
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .filter_map(|(k, _)| Some((k.clone(), local.secret_dates.get(k)?.clone())))
        .collect();
    (change.dates.expires_at, change.dates.expires_source) = local.expiry.clone();
    change
}

fn change_values(sealer: &dyn Sealer, plan: &Plan, local: &Local) -> PushChange {
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
        if let Some(t) = &local.trashed_at {
            // Only when set: a server that predates the Trash still takes creates.
            change
                .set
                .insert(field::TRASHED_AT.to_owned(), Value::String(t.clone()));
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
    /// Up to `limit` records with something to push, oldest change first,
    /// as plans with their rows (read in chunks: a record whose dirty
    /// fields are all held by conflicts gives no plan).
    async fn pending_plans(
        conn: &mut SqliteConnection,
        limit: usize,
        mut after: Option<(i64, String)>,
    ) -> Result<Vec<(Plan, sqlx::sqlite::SqliteRow)>> {
        let mut plans = Vec::new();
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
        self.pending_changes_after(limit, None).await
    }

    /// [`Store::pending_changes`] that come after `after` (the last change
    /// of the batch before, in the same order): the sync engine reads the
    /// next batch while the server answers the one before, before that one
    /// is acknowledged.
    pub async fn pending_changes_after(
        &self,
        limit: usize,
        after: Option<&Pending>,
    ) -> Result<Vec<Pending>> {
        let sealer = self.sealer()?;
        let after = after.map(|p| (p.stamp, p.change.uid.clone()));
        let (stamp, uid) = after.clone().unwrap_or((i64::MIN, String::new()));
        // One read transaction: a consistent snapshot.
        let mut tx = self.pool().begin().await?;
        let plans = Self::pending_plans(&mut tx, limit, after).await?;
        let tombstones: Vec<(String, i64, i64)> = sqlx::query(
            "SELECT uid, server_revision, change_stamp FROM sync_tombstones WHERE refused = 0
             AND change_stamp >= ? AND (change_stamp > ? OR uid > ?)
             ORDER BY change_stamp, uid LIMIT ?",
        )
        .bind(stamp)
        .bind(stamp)
        .bind(uid)
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
}
