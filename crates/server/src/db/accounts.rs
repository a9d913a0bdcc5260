//! [`MetaStore`](super::MetaStore) and [`AccountStore`](super::AccountStore)
//! for both backends: server metadata, key rotation, audit, users, tokens
//! and websites, written once for every [`SqlDb`].

use switchboard_server_macros::sql_db;

use super::sql::{Conn, SqlDb};
use super::{AccountStore, MetaStore};
use crate::model::NewToken;

/// The writes that several account changes share (see [`SqlDb`] for the
/// where clause).
#[sql_db]
#[async_trait::async_trait]
pub(super) trait AccountRows: SqlDb {
    /// Stores one token of `family` (None for API tokens).
    async fn insert_token_row(
        conn: &mut Conn<Self>,
        token: &NewToken,
        family: Option<&str>,
    ) -> super::Result<()> {
        sqlx::query(
            "INSERT INTO api_tokens (token_hash, user_id, kind, name, expires_at, created_at, family) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&token.hash)
        .bind(token.user_id)
        .bind(token.kind.as_str())
        .bind(&token.name)
        .bind(token.expires_at)
        .bind(super::now())
        .bind(family)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Adds these users to a website (those already in it stay).
    async fn add_members(
        conn: &mut Conn<Self>,
        website_id: i64,
        members: &[i64],
    ) -> super::Result<()> {
        for user in members {
            sqlx::query("INSERT INTO website_members (website_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(website_id)
                .bind(*user)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}

#[sql_db]
impl<B: SqlDb> AccountRows for B {}

#[sql_db]
#[async_trait::async_trait]
impl<B: SqlDb> MetaStore for B {
    fn backend(&self) -> super::Backend {
        B::BACKEND
    }

    async fn ping(&self) -> super::Result<()> {
        sqlx::query("SELECT 1").execute(self.read()).await?;
        Ok(())
    }

    async fn close(&self) {
        // Readers first: the last connection to close checkpoints the
        // WAL into the main file, and a read-only one cannot.
        self.readers().close().await;
        self.read().close().await;
        // And the WAL is copied into the file and emptied here, whatever
        // else may still hold a connection (a reader taken back after the
        // idle ones were closed would otherwise leave it, and the last
        // close's own checkpoint, to later).
        if B::BACKEND == super::Backend::Sqlite {
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(self.write())
                .await;
        }
        self.write().close().await;
    }

    async fn key_check(&self) -> super::Result<Option<String>> {
        let row = sqlx::query("SELECT key_check FROM server_meta WHERE id = 1")
            .fetch_optional(self.read())
            .await?;
        Ok(row.map(|r| sqlx::Row::get(&r, "key_check")))
    }

    async fn init_key_check(&self, check: &str) -> super::Result<()> {
        sqlx::query(
            "INSERT INTO server_meta (id, key_check, created_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(check)
        .bind(super::now())
        .execute(self.write())
        .await?;
        Ok(())
    }

    async fn rotate_key(
        &self,
        reseal: super::Resealer<'_>,
        new_check: &str,
    ) -> super::Result<(u64, u64)> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let rows = sqlx::query("SELECT id, uid, secrets FROM integrations ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
        let (mut records, mut values) = (0u64, 0u64);
        for row in rows {
            let id: i64 = sqlx::Row::try_get(&row, "id")?;
            let uid: String = sqlx::Row::try_get(&row, "uid")?;
            let text: String = sqlx::Row::try_get(&row, "secrets")?;
            let sealed = crate::secrets::SealedSecrets::from_column(&text);
            if sealed.is_empty() {
                continue;
            }
            let resealed = reseal(&uid, &sealed).map_err(super::DbError::Corrupt)?;
            sqlx::query("UPDATE integrations SET secrets = $1 WHERE id = $2")
                .bind(resealed.to_column())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            records += 1;
            values += resealed.len() as u64;
        }
        let now = super::now();
        sqlx::query(
            "INSERT INTO server_meta (id, key_check, created_at, rotated_at) VALUES (1, $1, $2, $2) \
             ON CONFLICT (id) DO UPDATE SET key_check = excluded.key_check, rotated_at = excluded.rotated_at",
        )
        .bind(new_check)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        let entry = crate::model::AuditEntry {
            actor_id: None,
            actor_email: "cli".into(),
            action: "rotate-key".into(),
            integration_id: None,
            website_id: None,
            fields: vec![
                format!("{records} integrations"),
                format!("{values} secrets"),
            ],
            via: "cli".into(),
        };
        B::commit_with_audit(tx, &entry).await?;
        Ok((records, values))
    }

    async fn write_audit(&self, entry: &crate::model::AuditEntry) -> super::Result<()> {
        let tx = self.write().begin_with(B::BEGIN).await?;
        B::commit_with_audit(tx, entry).await
    }

    async fn audit(
        &self,
        filter: &crate::model::AuditFilter,
        limit: i64,
        offset: i64,
    ) -> super::Result<(Vec<crate::model::AuditRecord>, i64)> {
        fn push_where<'a, DB: sqlx::Database>(
            qb: &mut sqlx::QueryBuilder<'a, DB>,
            f: &'a crate::model::AuditFilter,
        ) where
            i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
            &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
        {
            qb.push(" WHERE 1 = 1");
            if let Some(id) = f.integration {
                qb.push(" AND integration_id = ").push_bind(id);
            }
            if let Some(id) = f.website {
                qb.push(" AND website_id = ").push_bind(id);
            }
            if let Some(a) = f.action.as_deref() {
                qb.push(" AND action = ").push_bind(a);
            }
            if let Some(a) = f.actor.as_deref() {
                qb.push(" AND actor_email = ").push_bind(a);
            }
            if let Some(t) = f.since.as_deref() {
                qb.push(" AND at >= ").push_bind(t);
            }
            if let Some(t) = f.until.as_deref() {
                qb.push(" AND at < ").push_bind(t);
            }
        }
        let mut qb = sqlx::QueryBuilder::<B::DB>::new("SELECT * FROM audit_log");
        push_where(&mut qb, filter);
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        let rows = B::build(&mut qb).fetch_all(self.read()).await?;
        let mut qb = sqlx::QueryBuilder::<B::DB>::new("SELECT COUNT(*) FROM audit_log");
        push_where(&mut qb, filter);
        let count: i64 = B::build_scalar(&mut qb).fetch_one(self.read()).await?;
        let records = rows
            .iter()
            .map(super::rows::audit)
            .collect::<super::Result<Vec<_>>>()?;
        Ok((records, count))
    }
}

#[sql_db]
#[async_trait::async_trait]
impl<B: SqlDb> AccountStore for B {
    async fn create_user(
        &self,
        email: &str,
        password_hash: &str,
        role: crate::model::Role,
    ) -> super::Result<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, password_hash, role, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(email)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(super::now())
        .fetch_one(self.write())
        .await?;
        Ok(id)
    }

    async fn user_by_email(&self, email: &str) -> super::Result<Option<crate::model::UserRecord>> {
        let row = sqlx::query("SELECT * FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(self.read())
            .await?;
        row.as_ref().map(super::rows::user).transpose()
    }

    async fn users(&self) -> super::Result<Vec<crate::model::UserRecord>> {
        let rows = sqlx::query("SELECT * FROM users ORDER BY id")
            .fetch_all(self.read())
            .await?;
        rows.iter().map(super::rows::user).collect()
    }

    async fn count_users(&self) -> super::Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.read())
            .await?)
    }

    async fn insert_token(&self, token: &NewToken) -> super::Result<()> {
        let mut conn = self.write().acquire().await?;
        B::insert_token_row(&mut conn, token, token.family.as_deref()).await
    }

    async fn token(&self, hash: &str) -> super::Result<Option<crate::model::TokenRecord>> {
        let mut reader = self.readers().get().await?;
        let row = sqlx::query(super::rows::TOKEN_BY_HASH.as_str())
            .bind(hash)
            .fetch_optional(reader.conn())
            .await;
        reader
            .done(row)?
            .as_ref()
            .map(super::rows::token)
            .transpose()
    }

    async fn token_and_integration(
        &self,
        hash: &str,
        id: i64,
    ) -> super::Result<super::TokenAndIntegration> {
        let mut reader = self.readers().get().await?;
        let row = sqlx::query(super::rows::TOKEN_WITH_INTEGRATION.as_str())
            .bind(hash)
            .bind(id)
            .fetch_optional(reader.conn())
            .await;
        let Some(row) = reader.done(row)? else {
            return Ok(None);
        };
        let token = super::rows::token(&row)?;
        Ok(Some((token, super::rows::maybe_integration(&row))))
    }

    async fn exchange_refresh(
        &self,
        old_hash: &str,
        new: &[crate::model::NewToken],
    ) -> super::Result<bool> {
        use sqlx::Row;
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let Some(old) = sqlx::query(
            "DELETE FROM api_tokens WHERE token_hash = $1 AND kind = 'refresh' \
             RETURNING family, expires_at",
        )
        .bind(old_hash)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        // Tokens from before families existed start one now.
        let family: String = old
            .try_get::<Option<String>, _>("family")?
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        sqlx::query(
            "INSERT INTO spent_refresh_tokens (token_hash, family, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(old_hash)
        .bind(&family)
        .bind(old.try_get::<Option<i64>, _>("expires_at")?)
        .execute(&mut *tx)
        .await?;
        for token in new {
            B::insert_token_row(&mut tx, token, Some(&family)).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn revoke_reused_refresh(&self, hash: &str) -> super::Result<bool> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let spent = "SELECT family FROM spent_refresh_tokens WHERE token_hash = $1";
        let Some(family) = sqlx::query_scalar::<_, String>(spent)
            .bind(hash)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(false);
        };
        sqlx::query("DELETE FROM api_tokens WHERE family = $1")
            .bind(&family)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn purge_expired_tokens(&self, now: i64) -> super::Result<u64> {
        let done =
            sqlx::query("DELETE FROM api_tokens WHERE expires_at IS NOT NULL AND expires_at < $1")
                .bind(now)
                .execute(self.write())
                .await?;
        sqlx::query(
            "DELETE FROM spent_refresh_tokens WHERE expires_at IS NOT NULL AND expires_at < $1",
        )
        .bind(now)
        .execute(self.write())
        .await?;
        sqlx::query("DELETE FROM login_failures WHERE updated_at < $1 AND locked_until < $2")
            .bind(now * 1000 - crate::throttle::FORGET_AFTER_MS)
            .bind(now * 1000)
            .execute(self.write())
            .await?;
        // No limit window lasts a day.
        sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(now * 1000 - crate::throttle::FORGET_AFTER_MS)
            .execute(self.write())
            .await?;
        Ok(B::rows_affected(&done))
    }

    async fn login_locked_until(&self, scopes: &[String], now: i64) -> super::Result<Option<i64>> {
        let mut latest = None;
        for scope in scopes {
            let until: Option<i64> = sqlx::query_scalar(
                "SELECT locked_until FROM login_failures WHERE scope = $1 AND locked_until > $2",
            )
            .bind(scope)
            .bind(now)
            .fetch_optional(self.write())
            .await?;
            latest = latest.max(until);
        }
        Ok(latest)
    }

    async fn count_login_failure(&self, scope: &str, now: i64) -> super::Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO login_failures (scope, failures, locked_until, updated_at) \
             VALUES ($1, 1, 0, $2) \
             ON CONFLICT (scope) DO UPDATE SET \
               failures = CASE WHEN login_failures.updated_at < $3 THEN 1 \
                          ELSE login_failures.failures + 1 END, \
               updated_at = excluded.updated_at \
             RETURNING failures",
        )
        .bind(scope)
        .bind(now)
        .bind(now - crate::throttle::FORGET_AFTER_MS)
        .fetch_one(self.write())
        .await?)
    }

    async fn lock_login(&self, scope: &str, until: i64) -> super::Result<()> {
        sqlx::query(
            "UPDATE login_failures SET locked_until = \
             CASE WHEN locked_until > $2 THEN locked_until ELSE $2 END WHERE scope = $1",
        )
        .bind(scope)
        .bind(until)
        .execute(self.write())
        .await?;
        Ok(())
    }

    async fn end_sign_in(&self, hash: &str) -> super::Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "DELETE FROM api_tokens WHERE family IS NOT NULL AND family = \
             (SELECT family FROM api_tokens WHERE token_hash = $1 AND kind = 'refresh') \
             RETURNING token_hash",
        )
        .bind(hash)
        .fetch_all(self.write())
        .await?)
    }

    async fn clear_login_failures(&self, scopes: &[String]) -> super::Result<()> {
        for scope in scopes {
            sqlx::query("DELETE FROM login_failures WHERE scope = $1")
                .bind(scope)
                .execute(self.write())
                .await?;
        }
        Ok(())
    }

    async fn websites(
        &self,
        only: Option<&[i64]>,
    ) -> super::Result<Vec<crate::model::WebsiteRecord>> {
        use sqlx::Row;
        let mut qb = sqlx::QueryBuilder::<B::DB>::new(
            "SELECT id, uid, seq, name, domain, created_at, updated_at FROM websites",
        );
        let mut mq =
            sqlx::QueryBuilder::<B::DB>::new("SELECT website_id, user_id FROM website_members");
        if let Some(ids) = only {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            super::rows::push_in(&mut qb, "id", ids);
            super::rows::push_in(&mut mq, "website_id", ids);
        }
        qb.push(" ORDER BY id");
        mq.push(" ORDER BY website_id, user_id");
        let rows = B::build(&mut qb).fetch_all(self.read()).await?;
        let members = B::build(&mut mq).fetch_all(self.read()).await?;
        let mut by_site: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
        for m in &members {
            by_site
                .entry(m.try_get("website_id")?)
                .or_default()
                .push(m.try_get("user_id")?);
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                Ok(crate::model::WebsiteRecord {
                    id,
                    uid: r.try_get("uid")?,
                    seq: r.try_get("seq")?,
                    name: r.try_get("name")?,
                    domain: r.try_get("domain")?,
                    members: by_site.remove(&id).unwrap_or_default(),
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }

    async fn website(&self, id: i64) -> super::Result<Option<crate::model::WebsiteRecord>> {
        Ok(AccountStore::websites(self, Some(&[id])).await?.pop())
    }

    async fn create_website(
        &self,
        name: &str,
        domain: &str,
        members: &[i64],
        audit: &crate::model::AuditEntry,
    ) -> super::Result<i64> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let now = super::now();
        let seq = B::next_seq(&mut tx).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO websites (uid, name, domain, created_at, updated_at, seq) \
             VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(name)
        .bind(domain)
        .bind(&now)
        .bind(seq)
        .fetch_one(&mut *tx)
        .await?;
        B::add_members(&mut tx, id, members).await?;
        B::commit_with_audit(tx, &audit.about(None, Some(id))).await?;
        Ok(id)
    }

    async fn update_website(
        &self,
        id: i64,
        name: Option<&str>,
        domain: Option<&str>,
        members: Option<&[i64]>,
        audit: &crate::model::AuditEntry,
    ) -> super::Result<bool> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let seq = B::next_seq(&mut tx).await?;
        let done = sqlx::query(
            "UPDATE websites SET name = COALESCE($1, name), domain = COALESCE($2, domain), updated_at = $3, \
             seq = $4 WHERE id = $5",
        )
        .bind(name)
        .bind(domain)
        .bind(super::now())
        .bind(seq)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if B::rows_affected(&done) == 0 {
            return Ok(false);
        }
        if let Some(members) = members {
            let sql = "DELETE FROM website_members WHERE website_id = $1";
            B::execute_by_id(&mut tx, sql, id).await?;
            B::add_members(&mut tx, id, members).await?;
        }
        B::commit_with_audit(tx, audit).await?;
        Ok(true)
    }

    async fn delete_website(
        &self,
        id: i64,
        audit: &crate::model::AuditEntry,
    ) -> super::Result<bool> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let used: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM integrations WHERE website_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if used > 0 {
            return Err(super::DbError::InUse(used));
        }
        let seq = B::next_seq(&mut tx).await?;
        let uid: Option<String> =
            sqlx::query_scalar("DELETE FROM websites WHERE id = $1 RETURNING uid")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(uid) = uid else {
            return Ok(false);
        };
        // Laptops pull the deletion (docs/sync.md).
        sqlx::query(
            "INSERT INTO website_tombstones (uid, seq, deleted_at) VALUES ($1, $2, $3) \
             ON CONFLICT (uid) DO UPDATE SET seq = excluded.seq, deleted_at = excluded.deleted_at",
        )
        .bind(&uid)
        .bind(seq)
        .bind(super::now())
        .execute(&mut *tx)
        .await?;
        B::commit_with_audit(tx, audit).await?;
        Ok(true)
    }
}
