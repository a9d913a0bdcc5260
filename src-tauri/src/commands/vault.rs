//! Vault commands for the lock screen: status, first-run setup, unlock, lock.

use super::{to_ipc, CmdResult};
use crate::state::AppState;
use switchboard_ipc::cmd::{self, Answer, Request};
use switchboard_ipc::{IpcError, SetupAnswer, UnlockRequest, VaultState};
use switchboard_store::{InitOptions, StoreError};
use switchboard_vault::{Secret, VaultError};
use tauri::State;

/// Whether a vault exists and is unlocked.
#[tauri::command]
pub async fn vault_status(state: State<'_, AppState>) -> CmdResult<Answer<cmd::VaultStatus>> {
    drop(state.startup.lock().await);
    let s = state.store.vault_status().await.map_err(to_ipc)?;
    Ok(VaultState {
        initialized: s.initialized,
        unlocked: s.unlocked,
        uses_keyring: s.uses_keyring,
        has_passphrase: s.has_passphrase,
        keyring_allowed: state.keyring_allowed,
    })
}

/// Creates the vault (first run) and answers the recovery key, once.
#[tauri::command]
pub async fn setup_vault(
    state: State<'_, AppState>,
    request: Request<cmd::SetupVault>,
) -> CmdResult<Answer<cmd::SetupVault>> {
    if request.passphrase.chars().count() < 8 {
        return Err(IpcError::invalid(
            "Choose a passphrase of at least 8 characters.",
            "passphrase",
            "At least 8 characters.",
        ));
    }
    let passphrase = Secret::new(request.passphrase);
    let keystore = request.use_keyring.then(|| state.keystore()).flatten();
    let with_keyring = keystore.is_some();
    let first = state
        .store
        .init_vault(InitOptions {
            keystore,
            passphrase: Some(passphrase.clone()),
        })
        .await;
    let (recovery, uses_keyring) = match first {
        Ok(r) => (r, with_keyring),
        // No keyring here: the passphrase alone still makes a usable vault.
        Err(StoreError::Vault(VaultError::KeyringUnavailable(_))) if with_keyring => {
            let r = state
                .store
                .init_vault(InitOptions {
                    keystore: None,
                    passphrase: Some(passphrase),
                })
                .await
                .map_err(to_ipc)?;
            (r, false)
        }
        Err(e) => return Err(to_ipc(e)),
    };
    Ok(SetupAnswer {
        recovery_key: recovery.display_once(),
        uses_keyring,
    })
}

/// Unlocks with the keyring, the passphrase or the recovery key.
#[tauri::command]
pub async fn unlock(
    state: State<'_, AppState>,
    request: Request<cmd::Unlock>,
) -> CmdResult<Answer<cmd::Unlock>> {
    let store = &state.store;
    match request {
        UnlockRequest::Keyring => {
            let ks = state.keystore().ok_or_else(|| {
                IpcError::new(
                    "keyring_unavailable",
                    "The OS keyring is turned off for this app.",
                )
            })?;
            store.unlock_with_keystore(ks).await
        }
        UnlockRequest::Passphrase { passphrase } => {
            store.unlock_with_passphrase(&Secret::new(passphrase)).await
        }
        UnlockRequest::RecoveryKey { recovery_key } => {
            store.unlock_with_recovery_key(recovery_key.trim()).await
        }
    }
    .map_err(to_ipc)
}

/// Locks the vault now: secrets cannot be read until it is unlocked again,
/// and a secret the app copied leaves the clipboard.
#[tauri::command]
pub fn lock(state: State<'_, AppState>) {
    state.store.lock();
    crate::clipboard::clear_on_lock();
}
