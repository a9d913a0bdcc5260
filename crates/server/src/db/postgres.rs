//! The PostgreSQL backend for teams: `DATABASE_URL=postgres://...`. One pool
//! serves reads and writes; the schema lives in migrations/server-postgres.

use sqlx::PgPool;
use std::time::Duration;

use sqlx::query::{Query, QueryScalar};
use sqlx::{Database, FromRow, Pool, QueryBuilder};

use super::sql::{Args, SqlDb};
use super::{Backend, Result};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/server-postgres");

/// The PostgreSQL implementation of [`super::Db`].
#[derive(Debug, Clone)]
pub struct PgDb {
    pub(crate) read: PgPool,
    pub(crate) write: PgPool,
    readers: super::readers::Readers<sqlx::Postgres>,
}

impl PgDb {
    /// Connects and migrates. The pool size comes from
    /// `SWITCHBOARD_PG_POOL` (default 16).
    pub async fn connect(url: &str) -> Result<PgDb> {
        let size = std::env::var("SWITCHBOARD_PG_POOL")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(16);
        PgDb::connect_sized(url, size).await
    }

    /// Connects with at most `size` connections and migrates.
    pub async fn connect_sized(url: &str, size: u32) -> Result<PgDb> {
        let pool = super::sql::pool_options::<sqlx::Postgres>()
            .max_connections(size.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(PgDb {
            // Half as many again as the pool, for the hottest reads.
            readers: super::readers::Readers::new(pool.clone(), (size as usize).div_ceil(2)),
            read: pool.clone(),
            write: pool,
        })
    }
}

impl SqlDb for PgDb {
    type DB = sqlx::Postgres;
    const BACKEND: Backend = Backend::Postgres;

    /// Write transactions: PostgreSQL's row locks and the `revision` check
    /// of updates are enough.
    const BEGIN: &'static str = "BEGIN";

    /// Whether a statement that may fail inside a transaction needs a
    /// savepoint: on PostgreSQL a failed statement aborts the transaction.
    const SAVEPOINTS: bool = true;

    fn read(&self) -> &Pool<sqlx::Postgres> {
        &self.read
    }

    fn readers(&self) -> &super::readers::Readers<sqlx::Postgres> {
        &self.readers
    }

    fn write(&self) -> &Pool<sqlx::Postgres> {
        &self.write
    }

    fn rows_affected(done: &sqlx::postgres::PgQueryResult) -> u64 {
        done.rows_affected()
    }

    fn build<'q, 'a: 'q>(
        qb: &'q mut QueryBuilder<'a, sqlx::Postgres>,
    ) -> Query<'q, sqlx::Postgres, Args<'q, Self>> {
        qb.build()
    }

    fn build_scalar<'q, 'a: 'q, O>(
        qb: &'q mut QueryBuilder<'a, sqlx::Postgres>,
    ) -> QueryScalar<'q, sqlx::Postgres, O, Args<'q, Self>>
    where
        (O,): for<'r> FromRow<'r, <sqlx::Postgres as Database>::Row>,
    {
        qb.build_query_scalar()
    }
}
