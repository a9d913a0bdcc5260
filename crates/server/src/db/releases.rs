//! [`ReleaseStore`](super::ReleaseStore) for both backends: one row per
//! (version, platform) with the artifact in a BLOB (SQLite) or BYTEA
//! (PostgreSQL) column, read only for a download.

use switchboard_server_macros::sql_db;

use super::sql::{DbRow, SqlDb};
use super::ReleaseStore;
use crate::model::{AuditEntry, ReleaseRecord};

/// Every column but the artifact, in [`record`]'s order.
const COLUMNS: &str = "version, platform, size, sha256, signature, notes, created_at, created_by";

#[sql_db]
#[async_trait::async_trait]
trait ReleaseRows: SqlDb {
    /// A release row (without its artifact).
    fn record(row: &DbRow<Self>) -> super::Result<ReleaseRecord> {
        use sqlx::Row;
        Ok(ReleaseRecord {
            version: row.try_get("version")?,
            platform: row.try_get("platform")?,
            size: row.try_get("size")?,
            sha256: row.try_get("sha256")?,
            signature: row.try_get("signature")?,
            notes: row.try_get("notes")?,
            created_at: row.try_get("created_at")?,
            created_by: row.try_get("created_by")?,
        })
    }
}

#[sql_db]
impl<B: SqlDb> ReleaseRows for B {}

#[sql_db]
#[async_trait::async_trait]
impl<B: SqlDb> ReleaseStore for B {
    async fn put_release(
        &self,
        release: &ReleaseRecord,
        artifact: &[u8],
        audit: &AuditEntry,
    ) -> super::Result<bool> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let replaced: Option<i64> =
            sqlx::query_scalar("SELECT size FROM releases WHERE version = $1 AND platform = $2")
                .bind(&release.version)
                .bind(&release.platform)
                .fetch_optional(&mut *tx)
                .await?;
        let mut insert = sqlx::query(
            "INSERT INTO releases (version, platform, sha256, signature, notes, created_at, created_by, size, artifact) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (version, platform) DO UPDATE SET size = excluded.size, \
             sha256 = excluded.sha256, signature = excluded.signature, notes = excluded.notes, \
             created_at = excluded.created_at, created_by = excluded.created_by, \
             artifact = excluded.artifact",
        );
        let r = release;
        for text in [
            &r.version,
            &r.platform,
            &r.sha256,
            &r.signature,
            &r.notes,
            &r.created_at,
            &r.created_by,
        ] {
            insert = insert.bind(text.as_str());
        }
        insert.bind(r.size).bind(artifact).execute(&mut *tx).await?;
        B::commit_with_audit(tx, audit).await?;
        Ok(replaced.is_some())
    }

    async fn releases(&self, platform: Option<&str>) -> super::Result<Vec<ReleaseRecord>> {
        let rows = match platform {
            Some(p) => {
                let sql = format!("SELECT {COLUMNS} FROM releases WHERE platform = $1");
                sqlx::query(&sql).bind(p).fetch_all(self.read()).await?
            }
            None => {
                let sql = format!("SELECT {COLUMNS} FROM releases");
                sqlx::query(&sql).fetch_all(self.read()).await?
            }
        };
        rows.iter().map(B::record).collect()
    }

    async fn release_artifact(
        &self,
        version: &str,
        platform: &str,
    ) -> super::Result<Option<Vec<u8>>> {
        Ok(
            sqlx::query_scalar(
                "SELECT artifact FROM releases WHERE version = $1 AND platform = $2",
            )
            .bind(version)
            .bind(platform)
            .fetch_optional(self.read())
            .await?,
        )
    }

    async fn delete_release(
        &self,
        version: &str,
        platform: &str,
        audit: &AuditEntry,
    ) -> super::Result<bool> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let deleted: Option<i64> = sqlx::query_scalar(
            "DELETE FROM releases WHERE version = $1 AND platform = $2 RETURNING size",
        )
        .bind(version)
        .bind(platform)
        .fetch_optional(&mut *tx)
        .await?;
        if deleted.is_some() {
            B::commit_with_audit(tx, audit).await?;
        }
        Ok(deleted.is_some())
    }
}
