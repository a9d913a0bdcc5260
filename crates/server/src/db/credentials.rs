//! [`CredentialStore`](super::CredentialStore) for both backends: service
//! tokens, the active integrations a credential fetch reads, its audit
//! entries, and the request counters every server on the database shares.

use switchboard_server_macros::sql_db;

use super::rows::{self, INTEGRATION_COLUMNS, SERVICE_TOKEN_COLUMNS};
use super::sql::SqlDb;
use super::CredentialStore;
use crate::model::{AuditEntry, IntegrationRecord, NewServiceToken, ServiceToken};

/// Counts one request of a scope (`$1`) at `$2` in its window of `$3` ms
/// and answers the window's count and start. The SET expressions read the
/// row as it was: a window still open counts one more, an ended one starts
/// again at `$2`.
const HIT_SQL: &str = "INSERT INTO rate_limits (scope, window_start, hits) VALUES ($1, $2, 1) \
     ON CONFLICT (scope) DO UPDATE SET \
       hits = CASE WHEN rate_limits.window_start > $2 - $3 \
              THEN rate_limits.hits + 1 ELSE 1 END, \
       window_start = CASE WHEN rate_limits.window_start > $2 - $3 \
              THEN rate_limits.window_start ELSE $2 END \
     RETURNING hits, window_start";

#[sql_db]
#[async_trait::async_trait]
impl<B: SqlDb> CredentialStore for B {
    async fn create_service_token(
        &self,
        token: &NewServiceToken,
        audit: &AuditEntry,
    ) -> super::Result<ServiceToken> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let sql = format!(
            "INSERT INTO service_tokens (token_hash, name, website_id, types, expires_at, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {SERVICE_TOKEN_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(&token.hash)
            .bind(&token.name)
            .bind(token.website_id)
            .bind(serde_json::to_string(&token.types).expect("strings serialize"))
            .bind(token.expires_at)
            .bind(token.created_by)
            .bind(super::now())
            .fetch_one(&mut *tx)
            .await?;
        let stored = rows::service_token(&row)?;
        let mut entry = audit.clone();
        entry.fields.push(format!("service token #{}", stored.id));
        B::commit_with_audit(tx, &entry).await?;
        Ok(stored)
    }

    async fn service_tokens(&self) -> super::Result<Vec<ServiceToken>> {
        let sql = format!("SELECT {SERVICE_TOKEN_COLUMNS} FROM service_tokens ORDER BY id");
        let rows = sqlx::query(&sql).fetch_all(self.read()).await?;
        rows.iter().map(rows::service_token).collect()
    }

    async fn service_token(&self, hash: &str) -> super::Result<Option<ServiceToken>> {
        let sql =
            format!("SELECT {SERVICE_TOKEN_COLUMNS} FROM service_tokens WHERE token_hash = $1");
        let row = sqlx::query(&sql)
            .bind(hash)
            .fetch_optional(self.read())
            .await?;
        row.as_ref().map(rows::service_token).transpose()
    }

    async fn revoke_service_token(&self, id: i64, audit: &AuditEntry) -> super::Result<bool> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        if !B::execute_by_id(&mut tx, "DELETE FROM service_tokens WHERE id = $1", id).await? {
            return Ok(false);
        }
        let mut entry = audit.clone();
        entry.fields.push(format!("service token #{id}"));
        B::commit_with_audit(tx, &entry).await?;
        Ok(true)
    }

    async fn hit_rate_limit(
        &self,
        scope: &str,
        now: i64,
        window: i64,
    ) -> super::Result<(i64, i64)> {
        let row = sqlx::query(HIT_SQL)
            .bind(scope)
            .bind(now)
            .bind(window)
            .fetch_one(self.write())
            .await?;
        Ok((
            sqlx::Row::try_get(&row, "hits")?,
            sqlx::Row::try_get(&row, "window_start")?,
        ))
    }

    async fn credential_batch(
        &self,
        jobs: &[super::CredentialWrite],
    ) -> super::Result<Vec<(i64, i64)>> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let now = super::now();
        let mut out = Vec::with_capacity(jobs.len());
        let mut used = std::collections::BTreeSet::new();
        for job in jobs {
            let row = sqlx::query(HIT_SQL)
                .bind(&job.scope)
                .bind(job.now)
                .bind(job.window)
                .fetch_one(&mut *tx)
                .await?;
            let hits: i64 = sqlx::Row::try_get(&row, "hits")?;
            let start: i64 = sqlx::Row::try_get(&row, "window_start")?;
            if hits <= job.limit {
                used.insert(job.token_id);
                for entry in &job.entries {
                    B::insert_audit(&mut tx, entry).await?;
                }
            }
            out.push((hits, start));
        }
        // Each token's last use once per batch.
        for token_id in used {
            sqlx::query("UPDATE service_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(&now)
                .bind(token_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn active_integrations(
        &self,
        website: Option<i64>,
    ) -> super::Result<Vec<IntegrationRecord>> {
        let rows = match website {
            Some(w) => {
                let sql = format!(
                    "SELECT {INTEGRATION_COLUMNS} FROM integrations \
                     WHERE is_active = TRUE AND trashed_at IS NULL AND website_id = $1 ORDER BY updated_at DESC, id DESC"
                );
                sqlx::query(&sql).bind(w).fetch_all(self.read()).await?
            }
            None => {
                let sql = format!(
                    "SELECT {INTEGRATION_COLUMNS} FROM integrations \
                     WHERE is_active = TRUE AND trashed_at IS NULL AND website_id IS NULL ORDER BY updated_at DESC, id DESC"
                );
                sqlx::query(&sql).fetch_all(self.read()).await?
            }
        };
        rows.iter().map(rows::integration).collect()
    }
}
