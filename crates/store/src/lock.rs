//! Who has the store file open. Every process that opens a store holds a
//! shared lock on `<store>.lock` (one per process and file, however many
//! `Store`s it opens); re-keying (`rotate_master_key`) needs the lock alone,
//! so it refuses while the app, the command line or anything else has the
//! same store open, instead of re-sealing under a process that keeps the
//! old key in memory. An open while a re-key runs waits for it (up to
//! [`WAIT`]). The locks are the operating system's (`flock`): a process that
//! dies releases its own.

use std::collections::HashMap;
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{Result, StoreError};

/// How long an open waits for a re-key by another process to finish.
pub const WAIT: Duration = Duration::from_secs(30);

struct Held {
    file: File,
    users: usize,
}

fn table() -> &'static Mutex<HashMap<PathBuf, Held>> {
    static TABLE: std::sync::OnceLock<Mutex<HashMap<PathBuf, Held>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(Default::default)
}

fn lock_path(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn key(store: &Path) -> PathBuf {
    std::fs::canonicalize(store).unwrap_or_else(|_| store.to_path_buf())
}

/// This process's share of a store file; released when the last `Store`
/// of the file in this process is dropped.
#[derive(Debug)]
pub(crate) struct OpenLock {
    key: PathBuf,
}

impl Drop for OpenLock {
    fn drop(&mut self) {
        let mut table = table().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(held) = table.get_mut(&self.key) {
            held.users -= 1;
            if held.users == 0 {
                table.remove(&self.key);
            }
        }
    }
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Database(format!("cannot lock {}: {e}", path.display()))
}

/// Takes this process's shared lock on the store at `store` (opened and
/// made private already), waiting while another process re-keys it.
pub(crate) async fn open(store: &Path) -> Result<Arc<OpenLock>> {
    let key = key(store);
    let started = Instant::now();
    loop {
        {
            let mut table = table().lock().unwrap_or_else(|e| e.into_inner());
            if let Some(held) = table.get_mut(&key) {
                held.users += 1;
                return Ok(Arc::new(OpenLock { key }));
            }
            let path = lock_path(store);
            let file = private_file(&path).map_err(|e| io(&path, e))?;
            match file.try_lock_shared() {
                Ok(()) => {
                    table.insert(key.clone(), Held { file, users: 1 });
                    return Ok(Arc::new(OpenLock { key }));
                }
                Err(TryLockError::WouldBlock) if started.elapsed() < WAIT => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(StoreError::Conflict(format!(
                        "{} is being re-keyed by another process (rotate-key) for over {} s: wait for it to finish, then try again",
                        store.display(),
                        WAIT.as_secs()
                    )))
                }
                Err(TryLockError::Error(e)) => return Err(io(&path, e)),
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn private_file(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Runs `work` with the store to this process alone: refused, changing
/// nothing, while another process has it open. Other `Store`s of this
/// process share the lock and are not counted.
pub(crate) async fn alone<T>(
    store: &Path,
    work: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    let key = key(store);
    {
        let table = table().lock().unwrap_or_else(|e| e.into_inner());
        let held = table.get(&key).ok_or_else(|| {
            StoreError::Database(format!("{} is not open in this process", store.display()))
        })?;
        // flock converts the shared lock in place (dropping it first: on
        // refusal it is taken again).
        match held.file.try_lock() {
            Ok(()) => {}
            Err(e) => {
                held.file.lock_shared().map_err(|e| io(store, e))?;
                return Err(match e {
                    TryLockError::WouldBlock => StoreError::Conflict(format!(
                        "another process has {} open (the Switchboard app or the switchboard command): close it, then rotate the key again; nothing was changed",
                        store.display()
                    )),
                    TryLockError::Error(e) => io(store, e),
                });
            }
        }
    }
    let result = work.await;
    let table = table().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(held) = table.get(&key) {
        // Back to a shared lock (flock converts in place).
        held.file.lock_shared().map_err(|e| io(store, e))?;
    }
    result
}
