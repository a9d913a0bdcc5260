//! Vault commands: for the lock screen status, first-run setup, unlock and
//! lock; for the Vault page the passphrase, the recovery key and the master
//! key.

use super::{to_ipc, wrong_passphrase_on, CmdResult};
use crate::state::AppState;
use switchboard_ipc::cmd::{self, Answer, Request};
use switchboard_ipc::{IpcError, RecoveryAnswer, SetupAnswer, UnlockRequest, VaultState};
use switchboard_store::{InitOptions, RotateOptions, StoreError};
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

/// The passphrase a request carries, as a secret.
fn given(passphrase: Option<String>) -> Option<Secret> {
    passphrase.filter(|p| !p.is_empty()).map(Secret::new)
}

/// A wrong current passphrase, said on its field.
fn on_current_field(error: StoreError, field: &str) -> IpcError {
    wrong_passphrase_on(
        error,
        field,
        "That is not the vault's passphrase; nothing was changed.",
        "Not the current passphrase.",
    )
}

/// Changes, adds or removes the passphrase; the current one is required
/// when there is one.
#[tauri::command]
pub async fn change_passphrase(
    state: State<'_, AppState>,
    request: Request<cmd::ChangePassphrase>,
) -> CmdResult<Answer<cmd::ChangePassphrase>> {
    let new = given(request.new);
    if new.as_ref().is_some_and(|p| p.char_len() < 8) {
        return Err(IpcError::invalid(
            "Choose a passphrase of at least 8 characters.",
            "new",
            "At least 8 characters.",
        ));
    }
    let current = given(request.current);
    state
        .store
        .change_passphrase(current.as_ref(), new)
        .await
        .map_err(|e| on_current_field(e, "current"))
}

/// Wraps the master key under a new recovery key, answered once.
#[tauri::command]
pub async fn reissue_recovery_key(
    state: State<'_, AppState>,
    request: Request<cmd::ReissueRecoveryKey>,
) -> CmdResult<Answer<cmd::ReissueRecoveryKey>> {
    let passphrase = given(request.passphrase);
    let recovery = state
        .store
        .reissue_recovery_key(passphrase.as_ref())
        .await
        .map_err(|e| on_current_field(e, "passphrase"))?;
    Ok(RecoveryAnswer {
        recovery_key: recovery.display_once(),
    })
}

/// Replaces the master key while the app runs: every secret re-sealed in
/// one transaction; a new recovery key, answered once.
#[tauri::command]
pub async fn rotate_master_key(
    state: State<'_, AppState>,
    request: Request<cmd::RotateMasterKey>,
) -> CmdResult<Answer<cmd::RotateMasterKey>> {
    let passphrase = given(request.passphrase);
    let status = state.store.vault_status().await.map_err(to_ipc)?;
    let recovery = state
        .store
        .rotate_master_key(RotateOptions {
            keystore: status.uses_keyring.then(|| state.keystore()).flatten(),
            passphrase,
            fail_after: None,
        })
        .await
        .map_err(|e| on_current_field(e, "passphrase"))?;
    Ok(RecoveryAnswer {
        recovery_key: recovery.display_once(),
    })
}
