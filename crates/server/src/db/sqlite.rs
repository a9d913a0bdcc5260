//! The SQLite backend: one file in WAL mode with full fsync on commit, a
//! single writer connection (SQLite allows one writer at a time; a single
//! connection queues writers instead of failing them with SQLITE_BUSY) and a
//! small pool of read-only connections that read concurrently.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::query::{Query, QueryScalar};
use sqlx::{Database, FromRow, Pool, QueryBuilder};

use super::sql::{Args, SqlDb};
use super::{Backend, DbError, Result};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/server-sqlite");

/// The SQLite implementation of [`super::Db`].
#[derive(Debug, Clone)]
pub struct SqliteDb {
    pub(crate) read: SqlitePool,
    pub(crate) write: SqlitePool,
    readers: super::readers::Readers<sqlx::Sqlite>,
    path: PathBuf,
}

/// The writer copies the write-ahead log into the database file once it
/// holds this many pages (64 MiB of 4 KiB pages; SQLite's default is 1,000).
/// Commits are as durable either way (each is fsynced in the log); fewer,
/// larger checkpoints write a page that many commits changed once instead
/// of once per few commits, which is what a large first sync waits on.
const WAL_CHECKPOINT_PAGES: &str = "16384";

impl SqliteDb {
    /// Opens (creating if needed) the database file and migrates it.
    pub async fn open(path: &Path) -> Result<SqliteDb> {
        if let Some(dir) = path.parent() {
            // The folder holds the database (and maybe its key file).
            crate::startup::create_private_dir(dir).map_err(|e| {
                DbError::Corrupt(format!("cannot create the folder {}: {e}", dir.display()))
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let write = super::sql::pool_options::<sqlx::Sqlite>()
            .max_connections(1)
            .min_connections(1)
            .connect_with(
                options
                    .clone()
                    .pragma("wal_autocheckpoint", WAL_CHECKPOINT_PAGES),
            )
            .await?;
        MIGRATOR.run(&write).await?;
        let readers = (std::thread::available_parallelism().map_or(2, |n| n.get()) * 2).clamp(2, 8);
        let read = super::sql::pool_options::<sqlx::Sqlite>()
            .max_connections(readers as u32)
            .connect_with(options.read_only(true))
            .await?;
        Ok(SqliteDb {
            readers: super::readers::Readers::new(read.clone(), readers),
            read,
            write,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl SqlDb for SqliteDb {
    type DB = sqlx::Sqlite;
    const BACKEND: Backend = Backend::Sqlite;

    /// Write transactions take SQLite's write lock up front: a deferred one
    /// that read first could not upgrade (SQLITE_BUSY, not retried) when
    /// another process, such as `switchboard-server user add`, writes meanwhile.
    const BEGIN: &'static str = "BEGIN IMMEDIATE";

    /// Whether a statement that may fail inside a transaction needs a
    /// savepoint: not on SQLite, where a failed statement is undone alone.
    const SAVEPOINTS: bool = false;

    fn read(&self) -> &Pool<sqlx::Sqlite> {
        &self.read
    }

    fn readers(&self) -> &super::readers::Readers<sqlx::Sqlite> {
        &self.readers
    }

    fn write(&self) -> &Pool<sqlx::Sqlite> {
        &self.write
    }

    fn rows_affected(done: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        done.rows_affected()
    }

    fn build<'q, 'a: 'q>(
        qb: &'q mut QueryBuilder<'a, sqlx::Sqlite>,
    ) -> Query<'q, sqlx::Sqlite, Args<'q, Self>> {
        qb.build()
    }

    fn build_scalar<'q, 'a: 'q, O>(
        qb: &'q mut QueryBuilder<'a, sqlx::Sqlite>,
    ) -> QueryScalar<'q, sqlx::Sqlite, O, Args<'q, Self>>
    where
        (O,): for<'r> FromRow<'r, <sqlx::Sqlite as Database>::Row>,
    {
        qb.build_query_scalar()
    }
}

#[cfg(test)]
mod tests {
    /// `.cargo/config.toml` builds SQLite without its memory statistics,
    /// which would take one process-wide lock per allocation.
    #[tokio::test]
    async fn sqlite_is_built_without_memory_statistics() {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .expect("an in-memory database");
        let options: Vec<String> = sqlx::query_scalar("PRAGMA compile_options")
            .fetch_all(&mut conn)
            .await
            .expect("the compile options");
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "SQLite was built without LIBSQLITE3_FLAGS from .cargo/config.toml: {options:?}"
        );
    }
}
