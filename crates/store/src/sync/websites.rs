//! Websites: pushing the ones changed or deleted here, and applying pulled ones.

use super::{exec_with_uid, first_free_name, json_list, short};
use crate::{now, Result, Store};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use switchboard_sync_proto::SyncWebsite;

impl Store {
    /// Websites created or changed here since their last push, then the
    /// websites deleted here (`deleted`).
    pub async fn pending_websites(&self) -> Result<Vec<SyncWebsite>> {
        let rows = sqlx::query(
            "SELECT id, name, domain FROM websites WHERE dirty <> 0 ORDER BY created_at, id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<SyncWebsite> = rows.iter().map(website_from_row).collect();
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
        Ok(rows.iter().map(website_from_row).collect())
    }
}

/// A website as it goes on the wire, from `id, name, domain`.
fn website_from_row(r: &SqliteRow) -> SyncWebsite {
    SyncWebsite {
        uid: r.get("id"),
        name: r.get("name"),
        domain: r.get("domain"),
        ..SyncWebsite::default()
    }
}

/// A website name not used by another website (names are unique here,
/// ignoring case; the server may hold two with the same name).
async fn free_website_name(tx: &mut SqliteConnection, uid: &str, name: &str) -> Result<String> {
    let base = if name.trim().is_empty() {
        format!("Website {}", short(uid))
    } else {
        name.trim().to_owned()
    };
    first_free_name(
        tx,
        "SELECT 1 FROM websites WHERE name = ? COLLATE NOCASE AND id <> ?",
        &[],
        &base,
        uid,
        |_| false,
    )
    .await
}

/// A pulled website: inserted or updated, unless it changed here since its
/// last push (last writer wins: this laptop pushes it next) or a deletion
/// here waits to be pushed. Whether anything was written.
pub(super) async fn pull_website(tx: &mut SqliteConnection, w: &SyncWebsite) -> Result<bool> {
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

pub(super) enum WebsiteGone {
    Deleted,
    Kept,
    Absent,
}

/// A website the server deleted: removed here, unless integrations here
/// still use it; then it stays and is marked to push again (the server
/// brings it back), so nothing is lost.
pub(super) async fn pull_website_delete(
    tx: &mut SqliteConnection,
    uid: &str,
) -> Result<WebsiteGone> {
    exec_with_uid(tx, "DELETE FROM sync_website_tombstones WHERE uid = ?", uid).await?;
    let used = crate::websites::integrations_on(tx, uid).await?;
    if used > 0 {
        let kept = exec_with_uid(tx, "UPDATE websites SET dirty = 1 WHERE id = ?", uid).await?;
        return Ok(if kept > 0 {
            WebsiteGone::Kept
        } else {
            WebsiteGone::Absent
        });
    }
    let gone = exec_with_uid(tx, "DELETE FROM websites WHERE id = ?", uid).await?;
    Ok(if gone > 0 {
        WebsiteGone::Deleted
    } else {
        WebsiteGone::Absent
    })
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
pub(super) async fn ensure_pulled_website(tx: &mut SqliteConnection, uid: &str) -> Result<()> {
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
