//! Encrypted backups from the Vault page: write one, preview what restoring
//! one would do, restore it with the person's choices (all or nothing).
//! The file is opened again for the restore rather than kept decrypted in
//! memory between the two steps.

use std::path::PathBuf;

use super::{to_ipc, wrong_passphrase_on, CmdResult};
use crate::state::AppState;
use switchboard_ipc::cmd::{self, Answer, Request};
use switchboard_ipc::{BackupWritten, IpcError, RestoreOpen};
use switchboard_store::{ExportFile, Store, StoreError};
use switchboard_vault::{Secret, VaultError};
use tauri::State;

/// Where a typed backup path points (see [`super::typed_path`]).
fn resolve(typed: &str) -> PathBuf {
    super::typed_path(typed, "switchboard-backup", "sbk")
}

/// A store error with the passphrase problems said on the passphrase field.
fn on_passphrase(error: StoreError) -> IpcError {
    match error {
        StoreError::Vault(VaultError::WeakPassphrase(n)) => IpcError::invalid(
            format!("Choose a passphrase of at least {n} characters for the backup."),
            "passphrase",
            format!("At least {n} characters."),
        ),
        other => wrong_passphrase_on(
            other,
            "passphrase",
            "That passphrase does not open this backup; nothing was restored.",
            "Not the passphrase this backup was made with.",
        ),
    }
}

/// Reads and decrypts the backup a request names.
async fn open(request: &RestoreOpen) -> CmdResult<ExportFile> {
    let path = resolve(&request.path);
    let bytes = std::fs::read(&path).map_err(|e| {
        IpcError::invalid(
            format!("Cannot read {}: {e}", path.display()),
            "path",
            "No readable file here.",
        )
    })?;
    Store::read_backup(&bytes, &Secret::new(request.passphrase.clone()))
        .await
        .map_err(on_passphrase)
}

/// Writes an encrypted backup, readable by this user only.
#[tauri::command]
pub async fn write_backup(
    state: State<'_, AppState>,
    request: Request<cmd::WriteBackup>,
) -> CmdResult<Answer<cmd::WriteBackup>> {
    let path = resolve(&request.path);
    let written = state
        .store
        .write_backup(&Secret::new(request.passphrase), request.with_secrets)
        .await
        .map_err(on_passphrase)?;
    super::write_user_file(&path, &written.bytes)?;
    Ok(BackupWritten {
        path: path.display().to_string(),
        integrations: written.info.integrations,
        websites: written.websites,
        includes_secrets: written.info.includes_secrets,
        warnings: written.warnings,
    })
}

/// Opens a backup and classifies what is in it against the store.
#[tauri::command]
pub async fn preview_restore(
    state: State<'_, AppState>,
    request: Request<cmd::PreviewRestore>,
) -> CmdResult<Answer<cmd::PreviewRestore>> {
    let file = open(&request).await?;
    state.store.restore_preview(&file).await.map_err(to_ipc)
}

/// Restores a backup with the person's choices, in one transaction.
#[tauri::command]
pub async fn apply_restore(
    state: State<'_, AppState>,
    request: Request<cmd::ApplyRestore>,
) -> CmdResult<Answer<cmd::ApplyRestore>> {
    let file = open(&request.open).await?;
    state
        .store
        .restore(&file, &request.choices)
        .await
        .map_err(to_ipc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_paths_resolve_to_home_documents_or_as_given() {
        let home = dirs::home_dir().unwrap();
        assert_eq!(resolve("~/b.sbk"), home.join("b.sbk"));
        assert_eq!(resolve("/tmp/x.sbk"), PathBuf::from("/tmp/x.sbk"));
        let dated = resolve("  ");
        let name = dated.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("switchboard-backup-20") && name.ends_with(".sbk"),
            "{name}"
        );
        assert!(resolve("mine.sbk").ends_with("mine.sbk"));
    }
}
