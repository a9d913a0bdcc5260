//! Encrypted backups: the export (see `transfer`) sealed under a passphrase
//! the person types (`switchboard_vault::seal_backup`; the file format is in
//! docs/backup-format.md). Restoring one goes through `restore`.

use crate::transfer::ExportFile;
use crate::{Result, Store, StoreError};
use serde::{Deserialize, Serialize};
use switchboard_vault::{BackupInfo, Secret};

/// A backup written by [`Store::write_backup`].
#[derive(Clone, Serialize, Deserialize)]
pub struct WrittenBackup {
    /// The file's bytes, to write where the person chose.
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// What its header says.
    pub info: BackupInfo,
    /// How many websites are inside.
    pub websites: usize,
    /// What could not be backed up in full (a secret that cannot be decrypted).
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for WrittenBackup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WrittenBackup")
            .field("bytes", &self.bytes.len())
            .field("info", &self.info)
            .field("websites", &self.websites)
            .field("warnings", &self.warnings)
            .finish()
    }
}

impl Store {
    /// Every website and integration (secret values too when
    /// `with_secrets`) sealed under `passphrase` (at least 8 characters).
    pub async fn write_backup(
        &self,
        passphrase: &Secret,
        with_secrets: bool,
    ) -> Result<WrittenBackup> {
        let export = self.export(with_secrets).await?;
        let info = BackupInfo {
            created_at: export.exported_at.clone(),
            includes_secrets: export.includes_secrets,
            integrations: export.integrations.len() as u64,
        };
        let websites = export.websites.len();
        let warnings = export.warnings.clone();
        let passphrase = passphrase.clone();
        let sealed_info = info.clone();
        let bytes = tokio::task::spawn_blocking(move || {
            let payload =
                zeroize::Zeroizing::new(serde_json::to_vec(&export).expect("an export serializes"));
            switchboard_vault::seal_backup(&payload, &passphrase, &sealed_info)
        })
        .await
        .map_err(|_| StoreError::BadFile("the backup could not be written".into()))??;
        Ok(WrittenBackup {
            bytes,
            info,
            websites,
            warnings,
        })
    }

    /// Opens a backup file with `passphrase` and reads the export inside.
    /// Refuses, with a message saying what to do: a file that is not a
    /// backup, a truncated or damaged one, one from a newer Switchboard, a
    /// wrong passphrase, and a file altered after it was written.
    pub async fn read_backup(bytes: &[u8], passphrase: &Secret) -> Result<ExportFile> {
        let bytes = bytes.to_vec();
        let passphrase = passphrase.clone();
        let (info, payload) = tokio::task::spawn_blocking(move || {
            switchboard_vault::open_backup(&bytes, &passphrase)
        })
        .await
        .map_err(|_| StoreError::BadFile("the backup could not be read".into()))??;
        let text = std::str::from_utf8(&payload)
            .map_err(|_| StoreError::BadFile("the backup's contents are not text".into()))?;
        let file = ExportFile::from_json(text)?;
        if file.integrations.len() as u64 != info.integrations
            || file.includes_secrets != info.includes_secrets
        {
            return Err(StoreError::BadFile(
                "the backup's header does not match its contents: it was not written by Switchboard"
                    .into(),
            ));
        }
        Ok(file)
    }

    /// A backup's header (when written, with or without secrets, how many
    /// integrations), read without the passphrase.
    pub fn backup_info(bytes: &[u8]) -> Result<BackupInfo> {
        Ok(switchboard_vault::backup_info(bytes)?)
    }
}
