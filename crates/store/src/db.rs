//! Opening the SQLite file: WAL journal, full fsync on commit (a commit the
//! store acknowledged survives a crash or a kill), foreign keys on, and the
//! migrations under migrations/local applied.

use crate::Result;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/local");

pub(crate) async fn connect(path: &Path) -> Result<SqlitePool> {
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(|e| {
                crate::StoreError::Database(format!(
                    "cannot create the folder {}: {e}",
                    dir.display()
                ))
            })?;
        }
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// A text column parsed into its type (a status, a log level); a value the
/// type does not know is a database error.
pub(crate) fn parsed_column<T: std::str::FromStr<Err = String>>(
    row: &sqlx::sqlite::SqliteRow,
    column: &str,
) -> Result<T> {
    use sqlx::Row;
    row.get::<&str, _>(column)
        .parse()
        .map_err(crate::StoreError::Database)
}
