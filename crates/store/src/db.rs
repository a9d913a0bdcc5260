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
    make_private(path).map_err(|e| {
        crate::StoreError::Database(format!("cannot prepare {}: {e}", path.display()))
    })?;
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Checkpoints every 64 MiB of log instead of SQLite's 4 MiB: each
        // commit is as durable (fsynced in the log), and a page that many
        // commits change (an index of a large store during a sync or an
        // import) is copied into the file once instead of many times.
        .pragma("wal_autocheckpoint", "16384");
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// Creates the store's folder (0700 on Unix: only this user may list it) and
/// its file (0600: only this user may read it) before SQLite opens it, and
/// tightens an existing file that others could read. SQLite gives the WAL
/// and shared-memory files the database file's mode.
fn make_private(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    drop(file);
    Ok(())
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
