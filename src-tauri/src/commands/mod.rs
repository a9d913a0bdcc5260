//! The app's IPC commands, one module per area. Each is a thin adapter: take
//! the state, call the store, map its error. Every command is listed in
//! `src-tauri/build.rs` and granted by `src-tauri/capabilities/main-window.json`.

pub mod app;
pub mod backup;
pub mod checks;
pub mod convert;
pub mod events;
pub mod insights;
pub mod integrations;
pub mod settings;
pub mod sync;
pub mod team;
pub mod tools;
pub mod trash;
pub mod updates;
pub mod vault;

pub use app::{app_info, AppInfo};

use std::path::{Path, PathBuf};
use switchboard_ipc::IpcError;
use switchboard_store::StoreError;

/// What every command returns.
pub type CmdResult<T> = Result<T, IpcError>;

/// A store error as the UI receives it: code, message, and field errors.
pub fn to_ipc(error: StoreError) -> IpcError {
    let mut out = IpcError::new(error.code(), error.to_string());
    if let StoreError::Validation(v) = &error {
        out.fields = v.fields.clone();
        if let Some(general) = &v.general {
            out.message = general.clone();
        }
    }
    out
}

/// Where a typed path points: `~/` is the home folder, a bare name goes to
/// Documents (or home), and nothing at all is `<stem>-<date>.<ext>` there.
pub fn typed_path(typed: &str, stem: &str, ext: &str) -> PathBuf {
    let typed = typed.trim();
    let home = dirs::home_dir().unwrap_or_else(|| PathBuf::from("."));
    let folder = dirs::document_dir()
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| home.clone());
    if typed.is_empty() {
        let date = switchboard_domain::now();
        return folder.join(format!("{stem}-{}.{ext}", &date[..10.min(date.len())]));
    }
    if let Some(rest) = typed.strip_prefix("~/") {
        return home.join(rest);
    }
    let path = Path::new(typed);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        folder.join(path)
    }
}

/// Writes a file the person asked for, readable by them only; a failure
/// is said on the form's `path` field.
pub fn write_user_file(path: &Path, bytes: &[u8]) -> CmdResult<()> {
    switchboard_store::files::write_private(path, bytes).map_err(|e| {
        IpcError::invalid(
            format!("Cannot write {}: {e}", path.display()),
            "path",
            "Choose a folder you can write to.",
        )
    })
}

/// A wrong passphrase said on `field` in these words (it is the person's
/// typing, not the vault, that is wrong); any other error as [`to_ipc`].
pub fn wrong_passphrase_on(error: StoreError, field: &str, message: &str, hint: &str) -> IpcError {
    use switchboard_vault::VaultError::{WrongBackupPassphrase, WrongPassphrase};
    match error {
        StoreError::Vault(WrongPassphrase | WrongBackupPassphrase) => {
            IpcError::invalid(message, field, hint)
        }
        other => to_ipc(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_catalog::ValidationErrors;

    #[test]
    fn validation_errors_keep_their_fields() {
        let mut v = ValidationErrors::default();
        v.fields.insert("from_email".into(), "not an email".into());
        let e = to_ipc(StoreError::Validation(v));
        assert_eq!(e.code, "validation");
        assert_eq!(
            e.fields.get("from_email").map(String::as_str),
            Some("not an email")
        );
    }

    #[test]
    fn locked_maps_to_its_code() {
        assert_eq!(to_ipc(StoreError::Locked).code, "locked");
    }
}
