//! [`PeopleStore`](super::PeopleStore) for both backends: what admins do to
//! users (role, websites, disable, password, delete) and to their sign-ins
//! and tokens. Every change that ends tokens answers the hashes it deleted,
//! so the caller can drop them from its auth cache at once.

use switchboard_server_macros::sql_db;

use super::accounts::AccountRows;
use super::sql::{Conn, SqlDb};
use super::PeopleStore;
use crate::model::{AuditEntry, Session, UserChange, UserRecord};

/// Statements the changes below share.
#[sql_db]
#[async_trait::async_trait]
trait PeopleRows: SqlDb {
    /// Deletes tokens of `user_id` (only those of `family`, or the one with
    /// `hash_prefix`, when given) and answers their hashes.
    async fn delete_tokens(
        conn: &mut Conn<Self>,
        user_id: i64,
        family: Option<&str>,
        hash_prefix: Option<&str>,
    ) -> super::Result<Vec<String>> {
        let hashes: Vec<String> = match (family, hash_prefix) {
            (Some(f), _) => sqlx::query_scalar(
                "DELETE FROM api_tokens WHERE user_id = $1 AND family = $2 RETURNING token_hash",
            )
            .bind(user_id)
            .bind(f)
            .fetch_all(&mut *conn)
            .await?,
            (None, Some(p)) => {
                sqlx::query_scalar(
                    "DELETE FROM api_tokens WHERE user_id = $1 AND family IS NULL \
                     AND substr(token_hash, 1, 16) = $2 RETURNING token_hash",
                )
                .bind(user_id)
                .bind(p)
                .fetch_all(&mut *conn)
                .await?
            }
            (None, None) => {
                sqlx::query_scalar("DELETE FROM api_tokens WHERE user_id = $1 RETURNING token_hash")
                    .bind(user_id)
                    .fetch_all(&mut *conn)
                    .await?
            }
        };
        Ok(hashes)
    }
}

#[sql_db]
impl<B: SqlDb> PeopleRows for B {}

#[sql_db]
#[async_trait::async_trait]
impl<B: SqlDb> PeopleStore for B {
    async fn user(&self, id: i64) -> super::Result<Option<UserRecord>> {
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(self.read())
            .await?;
        row.as_ref().map(super::rows::user).transpose()
    }

    async fn user_websites(&self, id: i64) -> super::Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT website_id FROM website_members WHERE user_id = $1 ORDER BY website_id",
        )
        .bind(id)
        .fetch_all(self.read())
        .await?)
    }

    async fn count_active_admins(&self) -> super::Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL",
        )
        .fetch_one(self.read())
        .await?)
    }

    async fn owned_integrations(&self, id: i64) -> super::Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM integrations WHERE owner_id = $1")
                .bind(id)
                .fetch_one(self.read())
                .await?,
        )
    }

    async fn update_user(
        &self,
        id: i64,
        change: &UserChange,
        audit: &AuditEntry,
    ) -> super::Result<Option<Vec<String>>> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Ok(None);
        }
        // Each column given, with its new value (a disabled_at may be NULL).
        let columns = [
            (
                "UPDATE users SET role = $1 WHERE id = $2",
                change.role.map(|r| Some(r.as_str().to_owned())),
            ),
            (
                "UPDATE users SET password_hash = $1 WHERE id = $2",
                change.password_hash.clone().map(Some),
            ),
            (
                "UPDATE users SET disabled_at = $1 WHERE id = $2",
                change.disabled.map(|d| d.then(super::now)),
            ),
        ];
        for (sql, value) in columns {
            if let Some(value) = value {
                sqlx::query(sql)
                    .bind(value)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if let Some(websites) = &change.websites {
            let sql = "DELETE FROM website_members WHERE user_id = $1";
            B::execute_by_id(&mut tx, sql, id).await?;
            for w in websites {
                B::add_members(&mut tx, *w, &[id]).await?;
            }
        }
        let revoked = if change.revokes() {
            B::delete_tokens(&mut tx, id, None, None).await?
        } else {
            Vec::new()
        };
        B::commit_with_audit(tx, audit).await?;
        Ok(Some(revoked))
    }

    async fn delete_user(&self, id: i64, audit: &AuditEntry) -> super::Result<Option<Vec<String>>> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let revoked = B::delete_tokens(&mut tx, id, None, None).await?;
        if !B::execute_by_id(&mut tx, "DELETE FROM users WHERE id = $1", id).await? {
            return Ok(None);
        }
        B::commit_with_audit(tx, audit).await?;
        Ok(Some(revoked))
    }

    async fn sessions(&self, user_id: i64) -> super::Result<Vec<Session>> {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT token_hash, kind, name, family, created_at, last_used_at, expires_at \
             FROM api_tokens WHERE user_id = $1 ORDER BY created_at, token_hash",
        )
        .bind(user_id)
        .fetch_all(self.read())
        .await?;
        let mut out: Vec<Session> = Vec::new();
        for row in rows {
            let hash: String = row.try_get("token_hash")?;
            let kind: String = row.try_get("kind")?;
            let family: Option<String> = row.try_get("family")?;
            let last_used: Option<String> = row.try_get("last_used_at")?;
            let expires_at: Option<i64> = row.try_get("expires_at")?;
            let created_at: String = row.try_get("created_at")?;
            let name: String = row.try_get("name")?;
            match family {
                Some(f) => {
                    if let Some(s) = out.iter_mut().find(|s| s.id == f) {
                        // The sign-in's newest use, and its refresh token's expiry.
                        if last_used > s.last_used_at {
                            s.last_used_at = last_used;
                        }
                        if kind == "refresh" {
                            s.expires_at = expires_at;
                        }
                        continue;
                    }
                    out.push(Session {
                        id: f,
                        kind: "sign-in",
                        name,
                        created_at,
                        last_used_at: last_used,
                        expires_at: (kind == "refresh").then_some(expires_at).flatten(),
                    });
                }
                None => out.push(Session {
                    id: format!("api-{}", &hash[..16.min(hash.len())]),
                    kind: "api",
                    name,
                    created_at,
                    last_used_at: last_used,
                    expires_at,
                }),
            }
        }
        Ok(out)
    }

    async fn revoke_sessions(
        &self,
        user_id: i64,
        session: Option<&str>,
        audit: &AuditEntry,
    ) -> super::Result<Vec<String>> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let revoked = match session {
            None => B::delete_tokens(&mut tx, user_id, None, None).await?,
            Some(s) => match s.strip_prefix("api-") {
                Some(prefix) => B::delete_tokens(&mut tx, user_id, None, Some(prefix)).await?,
                None => B::delete_tokens(&mut tx, user_id, Some(s), None).await?,
            },
        };
        if revoked.is_empty() {
            return Ok(revoked);
        }
        B::commit_with_audit(tx, audit).await?;
        Ok(revoked)
    }

    async fn touch_token(&self, hash: &str, now: &str) -> super::Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(hash)
            .execute(self.write())
            .await?;
        Ok(())
    }
}
