//! The local encrypted store of the desktop app and the CLI: integrations,
//! websites and activity logs in one SQLite file, every secret field sealed
//! with AES-256-GCM under a master key kept in the OS keyring or behind a
//! passphrase. Plaintext secrets leave it only through [`Store::reveal`].
#![forbid(unsafe_code)]

mod activity;
mod backup;
mod checks;
mod db;
mod error;
mod expiry;
pub mod files;
mod integrations;
mod lock;
mod logs;
mod model;
mod remote;
mod restore;
mod secrets;
mod sync;
mod transfer;
mod vault;
mod websites;

pub use backup::WrittenBackup;
pub use checks::{CheckKind, CheckRecord, Credentials, Health};
pub use error::{Result, StoreError};
pub use expiry::SecretDates;
pub use model::*;
pub use remote::RemoteHealth;
pub use restore::{
    KeptBoth, RestoreChoice, RestoreChoices, RestoreCounts, RestoreItem, RestoreKind,
    RestorePreview, RestoreReport, WebsiteKind, WebsitePreview,
};
pub use switchboard_domain::expiry::{DEFAULT_ROTATION_DAYS, MAX_ROTATION_DAYS};
pub use switchboard_domain::StatedExpiry;
pub use switchboard_vault::BackupInfo;
pub use sync::{AckSummary, Conflict, Pending, PullSummary, Resolution, SyncMeta};
pub use transfer::{ExportFile, ExportedIntegration, ImportFailure, ImportReport, EXPORT_FORMAT};
pub use vault::{InitOptions, RotateOptions};

use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use switchboard_vault::{MasterKey, Sealer};

/// The unlocked state: what seals and opens secrets.
#[derive(Clone)]
pub(crate) struct Unlocked {
    pub(crate) sealer: Arc<dyn Sealer>,
    /// The real key; None only when a test or benchmark plugged in its own sealer.
    pub(crate) key: Option<MasterKey>,
}

/// A handle on one store file. Cheap to share behind an `Arc`.
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
    owner: String,
    unlocked: RwLock<Option<Unlocked>>,
    /// This process's shared lock on the file (see `lock`).
    _open: Arc<lock::OpenLock>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("unlocked", &self.is_unlocked())
            .finish()
    }
}

impl Store {
    /// Opens (creating if needed) the store file at `path` and brings its
    /// schema up to date. The vault starts locked.
    pub async fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let pool = db::connect(&path).await?;
        let open = lock::open(&path).await?;
        let owner = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "local".into());
        Ok(Store {
            pool,
            path,
            owner,
            unlocked: RwLock::new(None),
            _open: open,
        })
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes the pool, checkpointing the WAL into the main file.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// True when secrets can be read and written.
    pub fn is_unlocked(&self) -> bool {
        self.unlocked.read().expect("lock poisoned").is_some()
    }

    /// Forgets the master key: secrets cannot be read until the next unlock.
    pub fn lock(&self) {
        *self.unlocked.write().expect("lock poisoned") = None;
        tracing::info!("vault locked");
    }

    pub(crate) fn sealer(&self) -> Result<Arc<dyn Sealer>> {
        self.unlocked
            .read()
            .expect("lock poisoned")
            .as_ref()
            .map(|u| u.sealer.clone())
            .ok_or(StoreError::Locked)
    }

    pub(crate) fn set_unlocked(&self, state: Unlocked) {
        *self.unlocked.write().expect("lock poisoned") = Some(state);
    }

    pub(crate) fn unlocked_state(&self) -> Option<Unlocked> {
        self.unlocked.read().expect("lock poisoned").clone()
    }

    /// Every transaction here writes, so each takes SQLite's write lock up
    /// front (BEGIN IMMEDIATE): a deferred one that read first could not
    /// upgrade when another writer committed in between, and would fail with
    /// "database is locked" instead of waiting its turn.
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Runs a read and builds one value from each row it answers.
    pub(crate) async fn fetch_each<'q, T>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
        each: impl FnMut(&sqlx::sqlite::SqliteRow) -> T,
    ) -> Result<Vec<T>> {
        let rows = query.fetch_all(self.pool()).await?;
        Ok(rows.iter().map(each).collect())
    }

    /// Plugs in a sealer without the vault's key check. For benchmarks that
    /// measure the cost of encryption against a pass-through sealer, and for
    /// tests; the app never calls it.
    #[doc(hidden)]
    pub fn unlock_with_sealer_unchecked(&self, sealer: Arc<dyn Sealer>) {
        self.set_unlocked(Unlocked { sealer, key: None });
    }
}

pub(crate) use switchboard_domain::now;
