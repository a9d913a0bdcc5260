//! The app's side of sync: the signed-in client, one sync at a time (on
//! demand or on the interval from Settings), its progress and last result.
//! The sign-in (refresh token) is kept in the OS keyring; with the keyring
//! turned off it lasts until the app quits.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use switchboard_ipc::{SyncRun, SyncStatus, SyncSummary};
use switchboard_store::Store;
use switchboard_sync::{sync, ServerClient, SyncError, SyncOptions, SyncProgress, TokenStore};
use tokio_util::sync::CancellationToken;

use crate::state::KEYRING_SERVICE;

/// What the app knows about sync right now.
#[derive(Default)]
pub struct SyncState {
    pub client: Option<Arc<ServerClient>>,
    pub run: Option<SyncRun>,
    pub last_summary: Option<SyncSummary>,
    pub last_error: Option<(String, String)>,
    pub cancel: Option<CancellationToken>,
}

/// Shared between the commands and the background interval.
pub struct SyncJob {
    pub state: Mutex<SyncState>,
    pub tokens: Arc<dyn TokenStore>,
}

impl SyncJob {
    pub fn new(keyring_allowed: bool) -> SyncJob {
        SyncJob {
            state: Mutex::new(SyncState::default()),
            tokens: switchboard_sync::token_store(KEYRING_SERVICE, keyring_allowed),
        }
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, SyncState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The client for the server the store remembers, made on first use.
    pub async fn client(&self, store: &Store) -> Option<Arc<ServerClient>> {
        if let Some(c) = self.lock().client.clone() {
            return Some(c);
        }
        let meta = store.sync_meta().await.ok()?;
        let url = meta.server_url?;
        let client = Arc::new(ServerClient::new(&url, Arc::clone(&self.tokens)).ok()?);
        if !client.has_sign_in().unwrap_or(false) {
            return None;
        }
        self.lock().client = Some(Arc::clone(&client));
        Some(client)
    }

    /// The status for the UI.
    pub async fn status(&self, store: &Store) -> SyncStatus {
        let meta = store.sync_meta().await.unwrap_or_default();
        let connected = self.client(store).await.is_some();
        let pending = store.pending_count().await.unwrap_or(0);
        let conflicts = store.conflicts().await.map(|c| c.len()).unwrap_or(0);
        let s = self.lock();
        let state = if s.run.is_some() {
            "syncing"
        } else if !connected {
            "not_connected"
        } else {
            match s.last_error.as_ref().map(|(code, _)| code.as_str()) {
                Some("offline") => "offline",
                Some("sign_in_again" | "not_connected") => "sign_in_again",
                _ => "connected",
            }
        };
        SyncStatus {
            state: state.into(),
            server_url: meta.server_url,
            email: meta.email,
            last_synced_at: meta.last_synced_at,
            pending,
            conflicts,
            run: s.run.clone(),
            last_summary: s.last_summary.clone(),
            last_error: s.last_error.as_ref().map(|(_, m)| m.clone()),
        }
    }

    /// Starts a sync in the background unless one runs; false when there is
    /// nothing to sync with (not connected) or the vault is locked.
    pub async fn start(self: &Arc<Self>, store: Arc<Store>) -> bool {
        if !store.is_unlocked() {
            return false;
        }
        let Some(client) = self.client(&store).await else {
            return false;
        };
        let cancel = CancellationToken::new();
        {
            let mut s = self.lock();
            if s.run.is_some() {
                return true;
            }
            s.run = Some(SyncRun {
                phase: "pushing".into(),
                ..SyncRun::default()
            });
            s.cancel = Some(cancel.clone());
        }
        let job = Arc::clone(self);
        tauri::async_runtime::spawn(async move {
            let report = {
                let progress = |p: &SyncProgress| {
                    let mut s = job.lock();
                    s.run = Some(SyncRun {
                        phase: match p.phase {
                            switchboard_sync::Phase::Pushing => "pushing",
                            switchboard_sync::Phase::Pulling => "pulling",
                            switchboard_sync::Phase::Done => "done",
                        }
                        .into(),
                        pushed: p.pushed,
                        to_push: p.to_push,
                        pulled: p.pulled,
                    });
                };
                sync(&store, &client, &SyncOptions::from_env(), progress, &cancel).await
            };
            let mut s = job.lock();
            s.run = None;
            s.cancel = None;
            match report {
                Ok(r) => {
                    s.last_error = None;
                    s.last_summary = Some(r);
                }
                Err(e) => {
                    if matches!(e, SyncError::SignInAgain | SyncError::NotConnected) {
                        s.client = None;
                    }
                    s.last_error = Some((e.code().to_owned(), e.to_string()));
                }
            }
        });
        true
    }
}

/// Syncs every `minutes` (re-read from `minutes()` each round) while the
/// app runs; rounds are skipped while locked or not connected.
pub fn spawn_interval(
    job: Arc<SyncJob>,
    store: Arc<Store>,
    minutes: impl Fn() -> u32 + Send + 'static,
) {
    tauri::async_runtime::spawn(async move {
        let mut waited = Duration::ZERO;
        let tick = Duration::from_secs(15);
        loop {
            tokio::time::sleep(tick).await;
            waited += tick;
            let every = minutes();
            if every == 0 || waited < Duration::from_secs(u64::from(every) * 60) {
                continue;
            }
            waited = Duration::ZERO;
            job.start(Arc::clone(&store)).await;
        }
    });
}
