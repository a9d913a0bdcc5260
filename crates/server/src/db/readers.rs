//! Connections for the hottest reads (an integration by id, a list page
//! and its count, a token by hash), kept apart from sqlx's pool.
//!
//! sqlx's pool pings every connection it takes back (a round trip to
//! PostgreSQL, a hop to SQLite's worker thread), so a one-statement read
//! costs two round trips. These readers skip that ping: a connection goes
//! back to the idle list as it is, but only after its statement finished
//! (or the database refused it); one dropped mid-statement (a cancelled
//! request) or failed for any other reason is closed instead. The next
//! statement on a reused connection first drains what the last one left
//! (sqlx does that before every statement). One idle for [`IDLE_PING`] is
//! pinged before use, as the pools do. New connections are taken from the
//! backend's read pool (with its options) and detached from it.
//!
//! Nothing here caches data: each read still asks the database.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use sqlx::{Connection, Database, Pool};
use tokio::sync::{Semaphore, SemaphorePermit};

use super::sql::IDLE_PING;

/// The idle connections, each with when it went back.
type Idle<DB> = Arc<Mutex<Vec<(<DB as Database>::Connection, Instant)>>>;

/// Connections that go back without a ping, at most `size` at once.
pub(crate) struct Readers<DB: Database> {
    pool: Pool<DB>,
    idle: Idle<DB>,
    slots: Arc<Semaphore>,
    size: u32,
}

impl<DB: Database> Clone for Readers<DB> {
    fn clone(&self) -> Self {
        Readers {
            pool: self.pool.clone(),
            idle: self.idle.clone(),
            slots: self.slots.clone(),
            size: self.size,
        }
    }
}

impl<DB: Database> std::fmt::Debug for Readers<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("slots", &self.slots.available_permits())
            .finish()
    }
}

impl<DB: Database> Readers<DB> {
    /// Readers that open their connections from `pool`.
    pub(crate) fn new(pool: Pool<DB>, size: usize) -> Readers<DB> {
        let size = u32::try_from(size.max(1)).unwrap_or(u32::MAX);
        Readers {
            pool,
            idle: Arc::new(Mutex::new(Vec::new())),
            slots: Arc::new(Semaphore::new(size as usize)),
            size,
        }
    }

    /// A connection for one statement (waits for a free slot).
    pub(crate) async fn get(&self) -> Result<Reader<'_, DB>, sqlx::Error> {
        let slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self.idle.lock().expect("readers lock").pop();
        let fresh = match idle {
            Some((conn, at)) if at.elapsed() < IDLE_PING => Some(conn),
            Some((mut conn, _)) => conn.ping().await.is_ok().then_some(conn),
            None => None,
        };
        let conn = match fresh {
            Some(conn) => conn,
            None => self.pool.acquire().await?.detach(),
        };
        Ok(Reader {
            readers: self,
            conn: Some(conn),
            _slot: slot,
            clean: false,
        })
    }

    /// Closes every connection: waits (up to [`CLOSE_WAIT`]) for the
    /// readers in use to come back, refuses new ones from then on, and
    /// closes them all (the pools are closed by their owner). A reader
    /// still out after the wait is closed when it is dropped.
    pub(crate) async fn close(&self) {
        let all = tokio::time::timeout(CLOSE_WAIT, self.slots.acquire_many(self.size)).await;
        self.slots.close();
        drop(all);
        let idle = std::mem::take(&mut *self.idle.lock().expect("readers lock"));
        for (conn, _) in idle {
            let _ = conn.close().await;
        }
    }
}

/// How long [`Readers::close`] waits for the readers in use.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// One connection of [`Readers`], for one statement.
pub(crate) struct Reader<'a, DB: Database> {
    readers: &'a Readers<DB>,
    conn: Option<DB::Connection>,
    _slot: SemaphorePermit<'a>,
    clean: bool,
}

impl<DB: Database> Reader<'_, DB> {
    /// The connection to run the statement on.
    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        self.conn.as_mut().expect("a reader holds its connection")
    }

    /// Passes on the statement's result; the connection goes back for
    /// reuse when the statement finished or the database refused it.
    pub(crate) fn done<T>(mut self, result: Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
        self.clean = matches!(
            result,
            Ok(_) | Err(sqlx::Error::Database(_) | sqlx::Error::RowNotFound)
        );
        result
    }
}

impl<DB: Database> Drop for Reader<'_, DB> {
    fn drop(&mut self) {
        // Once the readers are closed, a connection still out is dropped
        // (closed) rather than kept.
        let keep = self.clean && !self.readers.slots.is_closed();
        if let Some(conn) = self.conn.take().filter(|_| keep) {
            self.readers
                .idle
                .lock()
                .expect("readers lock")
                .push((conn, Instant::now()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Closing waits for a reader in use, then refuses new ones and keeps
    /// no connection.
    #[tokio::test]
    async fn close_waits_for_readers_in_use_then_refuses_new_ones() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("r.sqlite").display()
        );
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let readers = Readers::new(pool.clone(), 2);
        let mut used = readers.get().await.unwrap();
        let one: i64 = sqlx::query_scalar("SELECT 1")
            .fetch_one(used.conn())
            .await
            .unwrap();
        assert_eq!(one, 1);
        assert!(
            tokio::time::timeout(Duration::from_millis(100), readers.close())
                .await
                .is_err(),
            "close returned while a reader was out"
        );
        drop(used);
        readers.close().await;
        assert!(matches!(readers.get().await, Err(sqlx::Error::PoolClosed)));
        assert!(readers.idle.lock().unwrap().is_empty());
        pool.close().await;
    }
}
