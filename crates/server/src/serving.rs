//! Serving and re-keying exclude each other. A running server holds a
//! shared lock on its database for as long as it serves; `rotate-key` takes
//! the lock alone, so it refuses (changing nothing) while any server is
//! running on the database, and a server does not start in the middle of a
//! rotation. On PostgreSQL the lock is a session advisory lock, held in the
//! database itself, so it covers every replica on every machine; on SQLite it
//! is the operating system's lock on `<database>.lock` beside the file. A
//! process that dies releases its lock.

use std::path::PathBuf;

use sqlx::Connection;

use crate::startup::{DatabaseChoice, StartError};

/// The advisory lock key (ASCII "SWBRD").
const KEY: i64 = 0x53_57_42_52_44;

/// Held while serving, or while rotating; released when dropped.
#[derive(Debug)]
pub struct DatabaseLock {
    _held: Held,
}

#[derive(Debug)]
enum Held {
    // Held for their locks, never read.
    Postgres { _conn: Box<sqlx::PgConnection> },
    Sqlite { _file: std::fs::File },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Serving,
    Rotating,
}

fn postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

fn lock_file(url: &str) -> PathBuf {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    PathBuf::from(format!("{path}.lock"))
}

fn refused(mode: Mode, choice: &DatabaseChoice) -> StartError {
    StartError::Usage(match mode {
        Mode::Serving => format!(
            "a key rotation (rotate-key) is running on {}: wait for it to finish, then start the server",
            choice.describe()
        ),
        Mode::Rotating => format!(
            "a switchboard-server is running on {}: stop every server using this database, then rotate the key again; nothing was changed",
            choice.describe()
        ),
    })
}

async fn take(choice: &DatabaseChoice, mode: Mode) -> Result<DatabaseLock, StartError> {
    let failed = |e: String| {
        StartError::Usage(format!(
            "cannot take the database lock on {}: {e}",
            choice.describe()
        ))
    };
    let held = if postgres_url(&choice.url) {
        let mut conn = sqlx::PgConnection::connect(&choice.url)
            .await
            .map_err(|e| failed(e.to_string()))?;
        let sql = match mode {
            Mode::Serving => "SELECT pg_try_advisory_lock_shared($1)",
            Mode::Rotating => "SELECT pg_try_advisory_lock($1)",
        };
        let got: bool = sqlx::query_scalar(sql)
            .bind(KEY)
            .fetch_one(&mut conn)
            .await
            .map_err(|e| failed(e.to_string()))?;
        if !got {
            return Err(refused(mode, choice));
        }
        Held::Postgres {
            _conn: Box::new(conn),
        }
    } else {
        let path = lock_file(&choice.url);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::startup::create_private_dir(dir)
                .map_err(|e| failed(format!("{}: {e}", dir.display())))?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(&path)
            .map_err(|e| failed(format!("{}: {e}", path.display())))?;
        let got = match mode {
            Mode::Serving => file.try_lock_shared(),
            Mode::Rotating => file.try_lock(),
        };
        match got {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(refused(mode, choice)),
            Err(std::fs::TryLockError::Error(e)) => return Err(failed(e.to_string())),
        }
        Held::Sqlite { _file: file }
    };
    Ok(DatabaseLock { _held: held })
}

/// The lock a serving server holds (shared with the other servers).
pub async fn serving(choice: &DatabaseChoice) -> Result<DatabaseLock, StartError> {
    take(choice, Mode::Serving).await
}

/// The lock `rotate-key` holds (alone).
pub async fn rotating(choice: &DatabaseChoice) -> Result<DatabaseLock, StartError> {
    take(choice, Mode::Rotating).await
}
