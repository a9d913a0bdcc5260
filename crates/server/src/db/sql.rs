//! What the SQL written once for both backends needs from a backend:
//! [`SqlDb`], implemented by [`SqliteDb`](super::SqliteDb) and
//! [`PgDb`](super::PgDb). The stores of
//! [`accounts`](super::accounts), [`integrations`](super::integrations) and
//! [`sync`](super::sync) are implemented for every `SqlDb`, and the few
//! statements they share (sequence numbers, log lines, audit entries) are
//! here.
//!
//! Each generic trait and impl carries the where clause of [`SqlDb`] (Rust
//! does not imply a trait's where clauses where the trait is used): the
//! backend's connections run queries, and it binds and decodes the few
//! column types the schema uses (BIGINT/INTEGER, BOOLEAN, TEXT). The clause
//! is written once, in `switchboard_server_macros`, and `#[sql_db]` adds it.

use sqlx::query::{Query, QueryScalar};
use sqlx::{Database, FromRow, Pool, QueryBuilder};

use super::{Backend, Result};
use crate::model::{AuditEntry, NewLog};
use switchboard_server_macros::sql_db;

/// How long a pooled connection may sit idle before it is pinged when
/// taken from the pool (a restarted database closed it meanwhile).
pub(crate) const IDLE_PING: std::time::Duration = std::time::Duration::from_secs(10);

/// The options every pool starts from. sqlx pings a connection both when
/// it is taken from a pool (`test_before_acquire`) and when it goes back;
/// the first ping is a round trip to PostgreSQL (or a hop to SQLite's
/// worker thread) before every statement, so it is kept only for
/// connections idle for [`IDLE_PING`] (the release ping stays, sqlx's own).
pub(crate) fn pool_options<DB: Database>() -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= IDLE_PING {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

/// The sqlx database type of a backend.
pub(crate) type Db<B> = <B as SqlDb>::DB;

/// A row of a backend's query.
pub(crate) type DbRow<B> = <<B as SqlDb>::DB as Database>::Row;

/// A connection of a backend (a transaction derefs to one).
pub(crate) type Conn<B> = <<B as SqlDb>::DB as Database>::Connection;

/// The bound arguments of a backend's query.
pub(crate) type Args<'q, B> = <<B as SqlDb>::DB as Database>::Arguments<'q>;

/// A backend: its sqlx database type, its pools and how it writes.
#[sql_db]
#[async_trait::async_trait]
pub(crate) trait SqlDb: Send + Sync + 'static {
    type DB: Database;

    const BACKEND: Backend;

    /// The statement that begins a write transaction.
    const BEGIN: &'static str;

    /// Whether a statement that may fail inside a transaction needs a
    /// savepoint (when a failed statement aborts the transaction).
    const SAVEPOINTS: bool;

    /// The pool that reads.
    fn read(&self) -> &Pool<Self::DB>;

    /// The connections of the hottest reads ([`super::readers`]).
    fn readers(&self) -> &super::readers::Readers<Self::DB>;

    /// The pool that writes.
    fn write(&self) -> &Pool<Self::DB>;

    /// How many rows a statement changed.
    fn rows_affected(done: &<Self::DB as Database>::QueryResult) -> u64;

    /// The query a builder holds, for this borrow of it (`qb.build()`; the
    /// backend's arguments shorten to the borrow, which generic code
    /// cannot see).
    fn build<'q, 'a: 'q>(
        qb: &'q mut QueryBuilder<'a, Self::DB>,
    ) -> Query<'q, Self::DB, Args<'q, Self>>;

    /// The query a builder holds, reading one value per row
    /// (`qb.build_query_scalar()`).
    fn build_scalar<'q, 'a: 'q, O>(
        qb: &'q mut QueryBuilder<'a, Self::DB>,
    ) -> QueryScalar<'q, Self::DB, O, Args<'q, Self>>
    where
        (O,): for<'r> FromRow<'r, <Self::DB as Database>::Row>;

    /// Hands out the next change sequence number inside a transaction (the
    /// counter's row lock serialises writers, so sequence order is commit
    /// order).
    async fn next_seq(conn: &mut Conn<Self>) -> Result<i64> {
        let seq: i64 = sqlx::query_scalar("UPDATE sync_counter SET n = n + 1 RETURNING n")
            .fetch_one(&mut *conn)
            .await?;
        Ok(seq)
    }

    /// Runs a statement whose one argument is an id (`DELETE FROM ...
    /// WHERE id = $1`) inside a transaction; whether it changed any row.
    async fn execute_by_id(conn: &mut Conn<Self>, sql: &str, id: i64) -> Result<bool> {
        let done = sqlx::query(sql).bind(id).execute(&mut *conn).await?;
        Ok(Self::rows_affected(&done) != 0)
    }

    /// The stored answer (JSON text, empty while the batch is being
    /// applied) of a batch this user pushed, read from `pool`.
    async fn stored_answer(
        pool: &Pool<Self::DB>,
        user_id: i64,
        batch_id: &str,
    ) -> Result<Option<String>> {
        let answer: Option<String> = sqlx::query_scalar(
            "SELECT answer FROM sync_batches WHERE user_id = $1 AND batch_id = $2",
        )
        .bind(user_id)
        .bind(batch_id)
        .fetch_optional(pool)
        .await?;
        Ok(answer)
    }

    /// Writes one log entry of an integration inside a transaction, with a
    /// new uid and the next change sequence number (docs/sync.md: logs
    /// sync).
    async fn insert_log(conn: &mut Conn<Self>, id: i64, log: &NewLog) -> Result<()> {
        let seq = Self::next_seq(&mut *conn).await?;
        sqlx::query(
            "INSERT INTO integration_logs (integration_id, level, message, details, created_at, uid, seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(log.level.as_str())
        .bind(&log.message)
        .bind(log.details.to_string())
        .bind(super::now())
        .bind(switchboard_domain::new_id())
        .bind(seq)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Writes the audit entry of a write and commits its transaction.
    async fn commit_with_audit(
        mut tx: sqlx::Transaction<'static, Self::DB>,
        entry: &AuditEntry,
    ) -> Result<()> {
        Self::insert_audit(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes one audit entry inside a transaction.
    async fn insert_audit(conn: &mut Conn<Self>, entry: &AuditEntry) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor_email, action, integration_id, website_id, fields, via) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(super::now())
        .bind(entry.actor_id)
        .bind(&entry.actor_email)
        .bind(&entry.action)
        .bind(entry.integration_id)
        .bind(entry.website_id)
        .bind(serde_json::to_string(&entry.fields).expect("field names serialize"))
        .bind(&entry.via)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}
