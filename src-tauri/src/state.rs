//! What the app keeps while it runs: the store, opened at startup.

use std::path::PathBuf;
use std::sync::Arc;
use switchboard_store::Store;
use switchboard_vault::{KeyStore, OsKeyring};

/// The keyring service name, shared with the `switchboard` CLI.
pub const KEYRING_SERVICE: &str = "com.switchboard.desktop";

/// The app's state, managed by Tauri and borrowed by every command.
pub struct AppState {
    pub store: Store,
    /// False when SWITCHBOARD_NO_KEYRING is set (tests, machines without one).
    pub keyring_allowed: bool,
    /// Held while the startup keyring unlock runs, so the UI's first
    /// `vault_status` waits for it instead of showing the lock screen.
    pub startup: Arc<tauri::async_runtime::Mutex<()>>,
}

impl AppState {
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
