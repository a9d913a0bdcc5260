//! What the app keeps while it runs: the store, opened at startup, the
//! connection checker, the test-all run and the background health checks.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchboard_ipc::{HealthEvent, TestAllProgress};
use switchboard_providers::{Checker, RateGate};
use switchboard_store::Store;
use switchboard_vault::{KeyStore, OsKeyring};
use tokio_util::sync::CancellationToken;

/// The keyring service name, shared with the `switchboard` CLI.
pub const KEYRING_SERVICE: &str = "com.switchboard.desktop";

/// The app's state, managed by Tauri and borrowed by every command.
pub struct AppState {
    pub store: Arc<Store>,
    /// The update the last `check_update` found, for `install_update`.
    pub update: tauri::async_runtime::Mutex<Option<tauri_plugin_updater::Update>>,
    /// False when SWITCHBOARD_NO_KEYRING is set (tests, machines without one).
    pub keyring_allowed: bool,
    /// Held while the startup keyring unlock runs, so the UI's first
    /// `vault_status` waits for it instead of showing the lock screen.
    pub startup: Arc<tauri::async_runtime::Mutex<()>>,
    /// The connection checker, or why it could not be set up (a malformed
    /// SWITCHBOARD_PROVIDER_ENDPOINTS, say): every test then says so.
    pub checker: Result<Checker, String>,
    /// Spaces repeated tests of one integration.
    pub gate: RateGate,
    /// The current (or last) test-all run.
    pub test_all: Arc<Mutex<TestAllJob>>,
    /// Status changes found by background health checks, not yet shown.
    pub health_events: Arc<Mutex<VecDeque<HealthEvent>>>,
    /// Stops the running background health checks.
    pub health_task: Mutex<Option<CancellationToken>>,
    /// Sync with the shared server.
    pub sync: Arc<crate::sync::SyncJob>,
    /// The settings' rotation periods, for the attention badges, filter,
    /// counts and notices (set at start and by `save_settings`).
    pub rotation: std::sync::RwLock<switchboard_ipc::Rotation>,
    /// The first screen read ahead at start-up, taken by the UI's `boot`.
    pub first_screen: Arc<tauri::async_runtime::Mutex<Option<crate::commands::app::Prefetched>>>,
}

/// A test-all run: its progress and how to cancel it.
#[derive(Default)]
pub struct TestAllJob {
    pub progress: TestAllProgress,
    pub cancel: Option<CancellationToken>,
}

/// Changes the progress of the shared test-all job.
pub fn update_job(job: &Mutex<TestAllJob>, change: impl FnOnce(&mut TestAllProgress)) {
    change(&mut job.lock().unwrap_or_else(|p| p.into_inner()).progress);
}

impl AppState {
    /// The state for the store at hand, reading provider endpoint overrides
    /// from SWITCHBOARD_PROVIDER_ENDPOINTS(_FILE).
    pub fn new(store: Store) -> AppState {
        let checker = switchboard_runner::checker_from_env();
        AppState {
            store: Arc::new(store),
            update: tauri::async_runtime::Mutex::new(None),
            keyring_allowed: keyring_allowed(),
            startup: Arc::new(tauri::async_runtime::Mutex::new(())),
            checker,
            gate: RateGate::new(test_window()),
            test_all: Arc::new(Mutex::new(TestAllJob::default())),
            health_events: Arc::new(Mutex::new(VecDeque::new())),
            health_task: Mutex::new(None),
            sync: Arc::new(crate::sync::SyncJob::new(keyring_allowed())),
            first_screen: Arc::new(tauri::async_runtime::Mutex::new(None)),
            rotation: std::sync::RwLock::new(switchboard_ipc::Rotation::default()),
        }
    }

    /// The rotation periods in force.
    pub fn rotation(&self) -> switchboard_ipc::Rotation {
        self.rotation
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Puts new rotation periods in force.
    pub fn set_rotation(&self, rotation: switchboard_ipc::Rotation) {
        *self.rotation.write().unwrap_or_else(|p| p.into_inner()) = rotation;
    }

    /// The OS keyring, when the app may use it.
    pub fn keystore(&self) -> Option<Arc<dyn KeyStore>> {
        self.keyring_allowed
            .then(|| Arc::new(OsKeyring::new(KEYRING_SERVICE)) as Arc<dyn KeyStore>)
    }
}

/// The store's file: SWITCHBOARD_DB, else the CLI's default
/// (`<data dir>/com.switchboard.desktop/switchboard.sqlite`).
pub fn db_path() -> PathBuf {
    if let Some(path) = std::env::var_os("SWITCHBOARD_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(KEYRING_SERVICE)
        .join("switchboard.sqlite")
}

/// Whether the OS keyring may be used (SWITCHBOARD_NO_KEYRING unset or empty).
pub fn keyring_allowed() -> bool {
    std::env::var_os("SWITCHBOARD_NO_KEYRING").is_none_or(|v| v.is_empty() || v == "0")
}

/// The shortest time between two tests of one integration:
/// SWITCHBOARD_TEST_WINDOW_SECS, else 10 seconds.
pub fn test_window() -> Duration {
    std::env::var("SWITCHBOARD_TEST_WINDOW_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(RateGate::DEFAULT_WINDOW, Duration::from_secs)
}

/// The settings file's name, kept by tauri-plugin-store in the app's config
/// folder (SWITCHBOARD_SETTINGS overrides the path, for tests).
pub fn settings_path() -> PathBuf {
    std::env::var_os("SWITCHBOARD_SETTINGS")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from("settings.json"), PathBuf::from)
}
