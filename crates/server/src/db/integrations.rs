//! [`IntegrationStore`](super::IntegrationStore) for both backends:
//! integrations, their logs, check results and tombstones. Every write bumps
//! the record's revision and writes its audit entry in the same transaction.

use sqlx::Row;
use switchboard_server_macros::sql_db;

use super::json_rows;
use super::rows::{self, INTEGRATION_COLUMNS};
use super::sql::{Conn, SqlDb};
use super::{DbError, IntegrationStore, NewIntegration, Result, UpdateOutcome};
use crate::model::{AuditEntry, IntegrationRecord, ListFilter, LogRecord, NewLog, Stats};
use switchboard_domain::expiry::normalize_timestamp;
use switchboard_domain::{apply_check, CheckKind, HealthState, StatedExpiry};

/// A map as its JSON text.
fn json_text(map: &std::collections::BTreeMap<String, String>) -> String {
    serde_json::to_string(map).unwrap_or_else(|_| "{}".into())
}

/// The writes of one integration row, shared with sync (see [`SqlDb`] for
/// the where clause).
#[sql_db]
#[async_trait::async_trait]
pub(crate) trait IntegrationRows: SqlDb {
    /// Inserts a record (its `id` is ignored, its revision is 1) with a new
    /// change sequence number; its new id.
    async fn insert_row(conn: &mut Conn<Self>, r: &IntegrationRecord) -> Result<i64> {
        let seq = Self::next_seq(&mut *conn).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO integrations (uid, owner_id, website_id, integration_type, provider, name, \
             description, status, is_active, config, secrets, configured, last_sync_at, last_error, \
             error_count, revision, created_by, created_at, updated_at, field_revs, seq, \
             secret_dates, expires_at, expires_source, trashed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $17, $18, $19, $20, \
             $21, $22, $23, $24) \
             RETURNING id",
        )
        .bind(&r.uid)
        .bind(r.owner_id)
        .bind(r.website_id)
        .bind(&r.integration_type)
        .bind(&r.provider)
        .bind(&r.name)
        .bind(&r.description)
        .bind(r.status.as_str())
        .bind(r.is_active)
        .bind(serde_json::Value::Object(r.config.clone()).to_string())
        .bind(r.secrets.to_column())
        .bind(r.configured)
        .bind(&r.last_sync_at)
        .bind(&r.last_error)
        .bind(r.error_count)
        .bind(r.created_by)
        .bind(&r.created_at)
        .bind(&r.updated_at)
        .bind(serde_json::to_string(&r.field_revs).expect("a map of numbers serializes"))
        .bind(seq)
        .bind(json_text(&rows::secret_dates(None, r, &super::now())))
        .bind(r.expires_at.as_deref().and_then(normalize_timestamp))
        .bind(&r.expires_source)
        .bind(&r.trashed_at)
        .fetch_one(&mut *conn)
        .await?;
        Ok(id)
    }

    /// Saves `r` if its stored revision is still `r.revision`: bumps the
    /// revision, sets the field revisions of the sync fields that changed
    /// to the new revision and takes a new sequence number.
    async fn update_row(conn: &mut Conn<Self>, r: &IntegrationRecord) -> Result<UpdateOutcome> {
        let sql = format!("SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE id = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(r.id)
            .fetch_optional(&mut *conn)
            .await?
        else {
            return Ok(UpdateOutcome::Gone);
        };
        let old = rows::integration(&row)?;
        if old.revision != r.revision {
            return Ok(UpdateOutcome::Stale);
        }
        let seq = Self::next_seq(&mut *conn).await?;
        Ok(match Self::update_from(conn, &old, r, seq, None).await? {
            Some(revision) => UpdateOutcome::Updated(revision),
            None => UpdateOutcome::Stale,
        })
    }

    /// Saves `r` over `old` (the stored row at `r.revision`) with sequence
    /// number `seq` and last writer `client`: bumps the revision and sets
    /// the field revisions of the sync fields that changed. The new
    /// revision, or None when the row is no longer at `r.revision`.
    async fn update_from(
        conn: &mut Conn<Self>,
        old: &IntegrationRecord,
        r: &IntegrationRecord,
        seq: i64,
        client: Option<&str>,
    ) -> Result<Option<i64>> {
        let (expires_at, expires_source) = rows::expiry_after(old, r);
        let mut revs = old.field_revs.clone();
        for field in rows::sync_changes(old, r).into_names() {
            revs.insert(field, r.revision + 1);
        }
        let revision: Option<i64> = sqlx::query_scalar(
            "UPDATE integrations SET owner_id = $1, website_id = $2, integration_type = $3, \
             provider = $4, name = $5, description = $6, status = $7, is_active = $8, config = $9, \
             secrets = $10, configured = $11, revision = revision + 1, updated_at = $12, \
             field_revs = $13, seq = $14, last_client = $15, trashed_at = $16, secret_dates = $19, \
             expires_at = $20, expires_source = $21 \
             WHERE id = $17 AND revision = $18 RETURNING revision",
        )
        .bind(r.owner_id)
        .bind(r.website_id)
        .bind(&r.integration_type)
        .bind(&r.provider)
        .bind(&r.name)
        .bind(&r.description)
        .bind(r.status.as_str())
        .bind(r.is_active)
        .bind(serde_json::Value::Object(r.config.clone()).to_string())
        .bind(r.secrets.to_column())
        .bind(r.configured)
        .bind(&r.updated_at)
        .bind(serde_json::to_string(&revs).expect("a map of numbers serializes"))
        .bind(seq)
        .bind(client)
        .bind(&r.trashed_at)
        .bind(r.id)
        .bind(r.revision)
        .bind(json_text(&rows::secret_dates(Some(old), r, &super::now())))
        .bind(expires_at.as_deref().and_then(normalize_timestamp))
        .bind(expires_source)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(revision)
    }

    /// Deletes a record and its logs, leaving a tombstone with a new
    /// sequence number; with `expected`, only at that revision. The
    /// tombstone's revision, or None when not found (or stale).
    async fn delete_row(
        conn: &mut Conn<Self>,
        id: i64,
        expected: Option<i64>,
        deleted_by: Option<i64>,
        client: Option<&str>,
    ) -> Result<Option<i64>> {
        // The counter first, like every writer (so two writers never wait
        // for each other's locks in opposite order); then deleting takes
        // the row, so the tombstone's revision is the last one.
        let seq = Self::next_seq(&mut *conn).await?;
        let query = match expected {
            Some(revision) => sqlx::query(
                "DELETE FROM integrations WHERE id = $1 AND revision = $2 \
                 RETURNING uid, website_id, owner_id, revision",
            )
            .bind(id)
            .bind(revision),
            None => sqlx::query(
                "DELETE FROM integrations WHERE id = $1 RETURNING uid, website_id, owner_id, revision",
            )
            .bind(id),
        };
        let Some(row) = query.fetch_optional(&mut *conn).await? else {
            return Ok(None);
        };
        let revision: i64 = row.try_get("revision")?;
        sqlx::query("DELETE FROM integration_logs WHERE integration_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO tombstones (integration_id, uid, website_id, owner_id, revision, deleted_at, deleted_by, seq, \
             last_client) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(row.try_get::<String, _>("uid")?)
        .bind(row.try_get::<Option<i64>, _>("website_id")?)
        .bind(row.try_get::<i64, _>("owner_id")?)
        .bind(revision + 1)
        .bind(super::now())
        .bind(deleted_by)
        .bind(seq)
        .bind(client)
        .execute(&mut *conn)
        .await?;
        Ok(Some(revision + 1))
    }

    /// Inserts a new record with its first log line and audit entry; its
    /// new id.
    async fn insert_new(conn: &mut Conn<Self>, job: &NewIntegration) -> Result<i64> {
        let id = Self::insert_row(&mut *conn, &job.record).await?;
        Self::insert_log(&mut *conn, id, &job.log).await?;
        Self::insert_audit(&mut *conn, &job.audit.about(Some(id), None)).await?;
        Ok(id)
    }
}

#[sql_db]
impl<B: SqlDb> IntegrationRows for B {}

/// `FROM integrations`, `filter`'s conditions, newest first, and its page
/// (limit and offset) if it has one: the rest of a list's statement.
fn push_page<'a, DB: sqlx::Database>(qb: &mut sqlx::QueryBuilder<'a, DB>, filter: &ListFilter)
where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    qb.push(" FROM integrations");
    rows::push_filter(qb, filter);
    qb.push(" ORDER BY id DESC");
    if let Some(limit) = filter.limit {
        qb.push(" LIMIT ").push_bind(limit);
        qb.push(" OFFSET ").push_bind(filter.offset);
    }
}

#[sql_db]
#[async_trait::async_trait]
impl<B: SqlDb> IntegrationStore for B {
    async fn list_integrations(&self, filter: &ListFilter) -> Result<Vec<IntegrationRecord>> {
        let mut qb = sqlx::QueryBuilder::<B::DB>::new(format!(
            "SELECT {}",
            json_rows::integration_json_column(B::BACKEND)
        ));
        push_page(&mut qb, filter);
        let mut reader = self.readers().get().await?;
        let rows = B::build(&mut qb).fetch_all(reader.conn()).await;
        reader
            .done(rows)?
            .iter()
            .map(json_rows::integration)
            .collect()
    }

    async fn count_integrations(&self, filter: &ListFilter) -> Result<i64> {
        let mut qb = sqlx::QueryBuilder::<B::DB>::new("SELECT COUNT(*) FROM integrations");
        rows::push_filter(&mut qb, filter);
        let mut reader = self.readers().get().await?;
        let count = B::build_scalar(&mut qb).fetch_one(reader.conn()).await;
        Ok(reader.done(count)?)
    }

    async fn integration_page(&self, filter: &ListFilter) -> Result<(i64, Vec<IntegrationRecord>)> {
        // The count is a subquery of the page's statement (evaluated once:
        // it refers to nothing of the outer row), so a page costs one
        // statement, and the count and the rows are of the same snapshot.
        let mut qb = sqlx::QueryBuilder::<B::DB>::new("SELECT (SELECT COUNT(*) FROM integrations");
        rows::push_filter(&mut qb, filter);
        qb.push(format!(
            ") AS page_total, {}",
            json_rows::integration_json_column(B::BACKEND)
        ));
        push_page(&mut qb, filter);
        let mut reader = self.readers().get().await?;
        let rows = B::build(&mut qb).fetch_all(reader.conn()).await;
        let rows = reader.done(rows)?;
        let Some(first) = rows.first() else {
            // No row carries the count: a page past the end, or no match.
            return Ok((self.count_integrations(filter).await?, Vec::new()));
        };
        let total = rows::Get::<i64>::get(first, "page_total")?;
        let records = rows
            .iter()
            .map(json_rows::integration)
            .collect::<Result<_>>()?;
        Ok((total, records))
    }

    async fn integration(&self, id: i64) -> Result<Option<IntegrationRecord>> {
        let sql = format!("SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE id = $1");
        let mut reader = self.readers().get().await?;
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(reader.conn())
            .await;
        reader
            .done(row)?
            .as_ref()
            .map(rows::integration)
            .transpose()
    }

    async fn insert_integrations(&self, jobs: &[NewIntegration]) -> Result<Vec<Option<i64>>> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let mut ids = Vec::with_capacity(jobs.len());
        for job in jobs {
            // A duplicate set fails one insert; where that aborts the
            // transaction, a savepoint (a nested transaction) keeps the others.
            let inserted = if B::SAVEPOINTS {
                let mut sp = sqlx::Connection::begin(&mut *tx).await?;
                let inserted = B::insert_new(&mut sp, job).await;
                if inserted.is_ok() {
                    sp.commit().await?;
                } else {
                    sp.rollback().await?;
                }
                inserted
            } else {
                // A failed statement leaves the transaction as it was.
                B::insert_new(&mut tx, job).await
            };
            match inserted {
                Ok(id) => ids.push(Some(id)),
                Err(DbError::Duplicate) => ids.push(None),
                Err(e) => return Err(e),
            }
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn update_integration(
        &self,
        r: &IntegrationRecord,
        audit: &AuditEntry,
        log: Option<&NewLog>,
    ) -> Result<UpdateOutcome> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let outcome = B::update_row(&mut tx, r).await?;
        if !matches!(outcome, UpdateOutcome::Updated(_)) {
            return Ok(outcome);
        }
        if let Some(log) = log {
            B::insert_log(&mut tx, r.id, log).await?;
        }
        B::commit_with_audit(tx, audit).await?;
        Ok(outcome)
    }

    async fn delete_integration(&self, id: i64, audit: &AuditEntry) -> Result<bool> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        if B::delete_row(&mut tx, id, None, audit.actor_id, None)
            .await?
            .is_none()
        {
            return Ok(false);
        }
        B::commit_with_audit(tx, audit).await?;
        Ok(true)
    }

    async fn record_check(
        &self,
        id: i64,
        (kind, expiry): (CheckKind, Option<&StatedExpiry>),
        message: &str,
        log: &NewLog,
        audit: &AuditEntry,
    ) -> Result<bool> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        if kind == CheckKind::NotCheckable {
            // Health stays as it is: only the log line is written.
            let found: Option<i64> =
                sqlx::query_scalar("SELECT id FROM integrations WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if found.is_none() {
                return Ok(false);
            }
            B::insert_log(&mut tx, id, log).await?;
            tx.commit().await?;
            return Ok(true);
        }
        // The counter first, like every writer: its row lock serialises
        // writers, so the health read below cannot race another check.
        let seq = B::next_seq(&mut tx).await?;
        let sql = format!("SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE id = $1");
        let Some(row) = sqlx::query(&sql).bind(id).fetch_optional(&mut *tx).await? else {
            return Ok(false);
        };
        let old = rows::integration(&row)?;
        let mut health = HealthState {
            status: old.status,
            last_sync_at: old.last_sync_at,
            last_error: old.last_error,
            error_count: old.error_count,
        };
        let now = super::now();
        apply_check(&mut health, kind, message, &now);
        sqlx::query(
            "UPDATE integrations SET status = $1, last_sync_at = $2, last_error = $3, \
             error_count = $4, revision = revision + 1, updated_at = $5, seq = $6, last_client = NULL, \
             expires_at = CASE WHEN $8 THEN $9 ELSE expires_at END, \
             expires_source = CASE WHEN $8 THEN $10 ELSE expires_source END \
             WHERE id = $7",
        )
        .bind(health.status.as_str())
        .bind(health.last_sync_at)
        .bind(health.last_error)
        .bind(health.error_count)
        .bind(&now)
        .bind(seq)
        .bind(id)
        .bind(expiry.is_some())
        .bind(expiry.and_then(|e| e.at.clone()))
        .bind(expiry.map(|e| e.source.clone()))
        .execute(&mut *tx)
        .await?;
        B::insert_log(&mut tx, id, log).await?;
        B::commit_with_audit(tx, audit).await?;
        Ok(true)
    }

    async fn logs(&self, id: i64, limit: i64) -> Result<Vec<LogRecord>> {
        let rows = sqlx::query(
            "SELECT id, level, message, details, created_at FROM integration_logs \
             WHERE integration_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(id)
        .bind(limit)
        .fetch_all(self.read())
        .await?;
        rows.iter().map(rows::log).collect()
    }

    async fn stats(&self, filter: &ListFilter) -> Result<Stats> {
        let mut qb = sqlx::QueryBuilder::<B::DB>::new(
            "SELECT integration_type, COUNT(*) AS total, \
             COUNT(*) FILTER (WHERE is_active) AS active, \
             COUNT(*) FILTER (WHERE status = 'error') AS error FROM integrations",
        );
        rows::push_filter(&mut qb, filter);
        qb.push(" GROUP BY integration_type ORDER BY integration_type");
        let rows = B::build(&mut qb).fetch_all(self.read()).await?;
        let mut stats = Stats::default();
        for row in rows {
            let total: i64 = row.try_get("total")?;
            stats.total += total;
            stats.active += row.try_get::<i64, _>("active")?;
            stats.error += row.try_get::<i64, _>("error")?;
            stats
                .by_type
                .push((row.try_get("integration_type")?, total));
        }
        Ok(stats)
    }

    async fn sweep_trash(&self, before: &str, limit: i64) -> Result<usize> {
        let due = sqlx::query(
            "SELECT id, revision FROM integrations WHERE trashed_at IS NOT NULL AND trashed_at < $1 \
             ORDER BY trashed_at, id LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(self.read())
        .await?;
        if due.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let mut gone = 0;
        for row in &due {
            let (id, revision): (i64, i64) = (row.try_get("id")?, row.try_get("revision")?);
            // At the revision read: one restored (or swept by another
            // replica) meanwhile is not touched.
            if B::delete_row(&mut tx, id, Some(revision), None, None)
                .await?
                .is_some()
            {
                let entry = AuditEntry {
                    actor_id: None,
                    actor_email: "trash".into(),
                    action: "delete".into(),
                    integration_id: Some(id),
                    website_id: None,
                    fields: vec!["trashed_at".into()],
                    via: "trash sweep".into(),
                };
                B::insert_audit(&mut tx, &entry).await?;
                gone += 1;
            }
        }
        tx.commit().await?;
        Ok(gone)
    }

    async fn tombstones(&self) -> Result<Vec<(i64, String, i64, String)>> {
        let rows = sqlx::query(
            "SELECT integration_id, uid, revision, deleted_at FROM tombstones ORDER BY deleted_at",
        )
        .fetch_all(self.read())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("integration_id")?,
                    r.try_get("uid")?,
                    r.try_get("revision")?,
                    r.try_get("deleted_at")?,
                ))
            })
            .collect()
    }
}
