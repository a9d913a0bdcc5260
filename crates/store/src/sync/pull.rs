//! Applying a pulled page: integrations inserted, updated or deleted
//! (fields dirty here keep their local value), websites and logs.

use super::dirty::{dirty_column, parse_dirty, remote_column, Dirty, RemoteSecrets};
use super::local::{local_from_row, Local, LOCAL_COLUMNS};
use super::logs::pull_logs;
use super::websites::{ensure_pulled_website, pull_website, pull_website_delete, WebsiteGone};
use super::{exec_with_uid, first_free_name, reload_rows, remask, status_from_server, PullSummary};
use crate::integrations::insert_log_rows;
use crate::model::{LogLevel, Status};
use crate::{now, Result, Store};
use serde_json::{json, Value};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use std::collections::{BTreeSet, HashMap, HashSet};
use switchboard_sync_proto::{field, PullPage, PulledIntegration};

impl Store {
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
        let upserted: Vec<_> = page.changes.iter().filter(|c| !c.deleted).collect();
        crate::expiry::take_pulled(&mut tx, &upserted).await?;
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
        for uid in uids {
            self.tombstones.remove(*uid);
        }
        let sql = format!(
            "SELECT id, {LOCAL_COLUMNS}, dirty, server_revision, server_id, configured, status, last_sync_at, last_error, error_count
             FROM integrations WHERE id IN (SELECT value FROM json_each(?))"
        );
        let tombstones = reload_rows(
            tx,
            uids,
            &sql,
            "SELECT uid FROM sync_tombstones WHERE uid IN (SELECT value FROM json_each(?))",
            &mut self.rows,
        )
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
            switchboard_domain::new_id()
        ]));
    }

    async fn flush(&mut self, tx: &mut SqliteConnection, owner: &str) -> Result<()> {
        if !self.inserts.is_empty() {
            sqlx::query(
                "INSERT INTO integrations (id, website_id, owner, integration_type, provider, name, description, status, is_active, config, secrets, remote_secrets, configured,
                     last_sync_at, last_error, error_count, created_at, updated_at, server_revision, server_id, trashed_at, dirty, change_stamp)
                 SELECT v ->> '$[0]', v ->> '$[1]', ?, v ->> '$[2]', v ->> '$[3]', v ->> '$[4]', v ->> '$[5]', v ->> '$[6]', v ->> '$[7]', v ->> '$[8]', '{}', v ->> '$[9]', v ->> '$[10]',
                     v ->> '$[11]', v ->> '$[12]', v ->> '$[13]', v ->> '$[14]', v ->> '$[15]', v ->> '$[16]', v ->> '$[17]', v ->> '$[18]', '{}', 0
                 FROM (SELECT value AS v FROM json_each(?) ORDER BY key)",
            )
            .bind(owner)
            .bind(Value::Array(std::mem::take(&mut self.inserts)).to_string())
            .execute(&mut *tx)
            .await?;
            self.names.clear();
        }
        insert_log_rows(tx, std::mem::take(&mut self.logs), true).await?;
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
        pull_insert(tx, batch, c, status).await?;
        return Ok(true);
    };

    let known: i64 = row.get("server_revision");
    if c.revision < known {
        // Older than what a push already answered: a newer page follows.
        return Ok(false);
    }
    let mut local = local_from_row(row)?;
    let mut dirty = parse_dirty(row.get("dirty"));
    let before = local.config.clone();
    let mut taken = take_public(&mut local, c, &dirty);
    let moved = drop_moved_secrets(&mut local, c, &before, &mut dirty);
    if let Some((_, dropped)) = &moved {
        taken.extend(dropped.iter().map(|k| field::secret(k)));
        sqlx::query("UPDATE integrations SET dirty = ? WHERE id = ?")
            .bind(dirty_column(&dirty))
            .bind(&c.uid)
            .execute(&mut *tx)
            .await?;
    }
    take_secrets(&mut local, c, &dirty, known, &mut taken);
    if taken
        .iter()
        .any(|f| f == field::NAME || f == field::WEBSITE || f == field::PROVIDER)
    {
        local.name = free_name(tx, &c.uid, local.name_key(), &batch.names).await?;
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
        && server_state_known(row, c, status)
    {
        return Ok(true);
    }
    let state = PulledState {
        status,
        configured,
        server_revision,
        server_id,
    };
    write_pulled(tx, &local, c, &state).await?;
    if !taken.is_empty() {
        batch.log(
            &c.uid,
            "Integration updated from the sync server",
            json!({ "changed": taken, "revision": c.revision }),
        );
    }
    if let Some((message, dropped)) = moved {
        batch.log(&c.uid, &message, json!({ "removed": dropped }));
    }
    Ok(true)
}

/// A pulled integration new here: queued for the batch insert (under a
/// free name), with its log line.
async fn pull_insert(
    tx: &mut SqliteConnection,
    batch: &mut PullBatch,
    c: &PulledIntegration,
    status: Status,
) -> Result<()> {
    let remote: RemoteSecrets = c
        .secrets
        .iter()
        .map(|(k, v)| (k.clone(), remask(v)))
        .collect();
    let wanted = (c.website.as_deref(), c.provider.as_str(), c.name.as_str());
    let name = free_name(tx, &c.uid, wanted, &batch.names).await?;
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
        c.trashed_at,
    ]));
    batch.log(
        &c.uid,
        "Integration received from the sync server",
        json!({ "revision": c.revision }),
    );
    Ok(())
}

/// Whether the server's status fields of a pulled record are the ones here.
fn server_state_known(row: &SqliteRow, c: &PulledIntegration, status: Status) -> bool {
    status.as_str() == row.get::<&str, _>("status")
        && c.last_sync_at == row.get::<Option<String>, _>("last_sync_at")
        && c.last_error == row.get::<Option<String>, _>("last_error")
        && c.error_count == row.get::<i64, _>("error_count")
}

/// Takes the server's value of every public field (name, description,
/// provider, on/off, website, settings) that differs and is not dirty
/// here. The fields taken.
fn take_public(local: &mut Local, c: &PulledIntegration, dirty: &Dirty) -> Vec<String> {
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
    if take(field::TRASHED_AT, local.trashed_at != c.trashed_at) {
        local.trashed_at = c.trashed_at.clone();
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
    taken
}

/// When the pulled settings move where the secrets go (another SMTP host,
/// base URL...), the secrets kept on this laptop were entered for the old
/// destination: they are removed, unpushed new values included (their
/// dirty marks go too), and show as set on the server where it has them.
/// The log line and the secret keys removed, if any.
fn drop_moved_secrets(
    local: &mut Local,
    c: &PulledIntegration,
    before: &serde_json::Map<String, Value>,
    dirty: &mut Dirty,
) -> Option<(String, Vec<String>)> {
    use switchboard_catalog as catalog;
    let ty = catalog::integration_type(&local.integration_type)?;
    let provider = ty.provider(&local.provider)?;
    let moved = catalog::destination::moved(ty, provider, before, &local.config);
    if moved.is_empty() || local.sealed.is_empty() {
        return None;
    }
    let dropped: Vec<String> = std::mem::take(&mut local.sealed).into_keys().collect();
    for k in &dropped {
        dirty.remove(&field::secret(k));
        if let Some(m) = c.secrets.get(k) {
            local.remote.insert(k.clone(), remask(m));
        }
    }
    let label = |k: &str| {
        provider
            .field(ty, k)
            .map_or(k.to_owned(), |f| f.label.to_owned())
    };
    let moved: Vec<String> = moved.iter().map(|k| label(k)).collect();
    let secrets: Vec<String> = dropped.iter().map(|k| label(k)).collect();
    let message = format!(
        "The {} changed on the sync server, so the {} kept on this laptop for the old one was removed: enter it again to test from here.",
        moved.join(" and "),
        secrets.join(" and ")
    );
    Some((message, dropped))
}

/// Secrets: a local value stays unless the server changed the field since
/// this laptop last saw the record (and it is not dirty here). Adds the
/// fields taken to `taken`.
fn take_secrets(
    local: &mut Local,
    c: &PulledIntegration,
    dirty: &Dirty,
    known: i64,
    taken: &mut Vec<String>,
) {
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
}

/// What a pull writes besides the record's values.
struct PulledState {
    status: Status,
    configured: bool,
    server_revision: i64,
    server_id: Option<i64>,
}

/// Writes a pulled record's merged values and the server's state.
async fn write_pulled(
    tx: &mut SqliteConnection,
    local: &Local,
    c: &PulledIntegration,
    state: &PulledState,
) -> Result<()> {
    let update = sqlx::query(
        "UPDATE integrations SET website_id = ?, provider = ?, name = ?, description = ?, is_active = ?, config = ?, secrets = ?, remote_secrets = ?, trashed_at = ?, configured = ?,
             status = ?, last_sync_at = ?, last_error = ?, error_count = ?, revision = revision + 1, updated_at = ?,
             server_revision = ?, server_id = ?
         WHERE id = ?",
    );
    local
        .bind_values(update)
        .bind(state.configured)
        .bind(state.status.as_str())
        .bind(&c.last_sync_at)
        .bind(&c.last_error)
        .bind(c.error_count)
        .bind(now())
        .bind(state.server_revision)
        .bind(state.server_id)
        .bind(&c.uid)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A pulled deletion: the record, its conflicts and any local tombstone go.
async fn pull_delete(tx: &mut SqliteConnection, uid: &str) -> Result<bool> {
    let removed = exec_with_uid(tx, "DELETE FROM integrations WHERE id = ?", uid).await?;
    exec_with_uid(tx, "DELETE FROM sync_conflicts WHERE uid = ?", uid).await?;
    exec_with_uid(tx, "DELETE FROM sync_tombstones WHERE uid = ?", uid).await?;
    exec_with_uid(
        tx,
        "DELETE FROM sync_held_logs WHERE integration_id = ?",
        uid,
    )
    .await?;
    Ok(removed > 0)
}

/// A name for `uid` free under the (website, provider, name) rule, given
/// the (website, provider, name) it `wanted`; also avoids the names of
/// integrations about to be inserted (`pending`, the same triples).
pub(super) async fn free_name(
    tx: &mut SqliteConnection,
    uid: &str,
    wanted: (Option<&str>, &str, &str),
    pending: &HashSet<(String, String, String)>,
) -> Result<String> {
    let (website, provider, name) = wanted;
    let Some(website) = website else {
        return Ok(name.to_owned());
    };
    first_free_name(
        tx,
        "SELECT 1 FROM integrations WHERE name = ? AND id <> ? AND website_id = ? AND provider = ?",
        &[website, provider],
        name,
        uid,
        |candidate| {
            pending.contains(&(
                website.to_owned(),
                provider.to_owned(),
                candidate.to_owned(),
            ))
        },
    )
    .await
}
