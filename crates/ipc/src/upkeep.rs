//! Vault upkeep from the app: changing the passphrase, re-issuing the
//! recovery key, rotating the master key while the app runs, and encrypted
//! backups (written, previewed, restored).

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::redact::Redacted;
pub use switchboard_domain::restore::{
    KeptBoth, RestoreChoice, RestoreChoices, RestoreCounts, RestoreItem, RestoreKind,
    RestorePreview, RestoreReport, WebsiteKind, WebsitePreview,
};

/// Changes, adds or removes the passphrase.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassphraseChange {
    /// The passphrase now; needed when the vault has one.
    #[serde(default)]
    pub current: Option<String>,
    /// The new one; none removes it (only while the OS keyring keeps the key).
    #[serde(default)]
    pub new: Option<String>,
}

/// A vault action that asks for the passphrase again, when there is one.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassphraseProof {
    /// The passphrase; none when the vault has no passphrase.
    #[serde(default)]
    pub passphrase: Option<String>,
}

/// A new recovery key, shown once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryAnswer {
    /// The key as the person writes it down.
    pub recovery_key: String,
}

/// Writes an encrypted backup.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupRequest {
    /// Where; empty for `switchboard-backup-<date>.sbk` in Documents (or
    /// home); `~/` is the home folder.
    #[serde(default)]
    pub path: String,
    /// What seals the file (at least 8 characters).
    pub passphrase: String,
    /// Secret values in the file too (sealed with the rest).
    pub with_secrets: bool,
}

/// A backup written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupWritten {
    /// Where it is.
    pub path: String,
    /// Integrations in it.
    pub integrations: u64,
    /// Websites in it.
    pub websites: usize,
    /// Whether secret values are in it.
    pub includes_secrets: bool,
    /// What could not be backed up in full.
    pub warnings: Vec<String>,
}

/// Opens a backup to preview its restore.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreOpen {
    /// The file (`~/` is the home folder).
    pub path: String,
    /// What it was sealed with.
    pub passphrase: String,
}

/// Restores a backup with the person's choices.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreApply {
    /// The file and its passphrase, as previewed.
    #[serde(flatten)]
    pub open: RestoreOpen,
    /// Per changed or conflicting integration.
    pub choices: RestoreChoices,
}

impl fmt::Debug for BackupRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackupRequest")
            .field("path", &self.path)
            .field("passphrase", &Redacted)
            .field("with_secrets", &self.with_secrets)
            .finish()
    }
}

impl fmt::Debug for RestoreOpen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestoreOpen")
            .field("path", &self.path)
            .field("passphrase", &Redacted)
            .finish()
    }
}

impl fmt::Debug for RestoreApply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestoreApply")
            .field("open", &self.open)
            .field("choices", &self.choices)
            .finish()
    }
}

impl fmt::Debug for PassphraseChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PassphraseChange")
            .field("current", &self.current.as_ref().map(|_| Redacted))
            .field("new", &self.new.as_ref().map(|_| Redacted))
            .finish()
    }
}

impl fmt::Debug for PassphraseProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PassphraseProof")
            .field("passphrase", &self.passphrase.as_ref().map(|_| Redacted))
            .finish()
    }
}

impl fmt::Debug for RecoveryAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecoveryAnswer")
            .field("recovery_key", &Redacted)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_passphrases_or_keys() {
        let text = format!(
            "{:?} {:?} {:?}",
            PassphraseChange {
                current: Some("old-secret-words".into()),
                new: Some("new-secret-words".into()),
            },
            PassphraseProof {
                passphrase: Some("old-secret-words".into()),
            },
            RecoveryAnswer {
                recovery_key: "ABCD-EFGH".into(),
            }
        ) + &format!(
            "{:?}",
            RestoreApply {
                open: RestoreOpen {
                    path: "b.sbk".into(),
                    passphrase: "new-secret-words".into(),
                },
                choices: RestoreChoices::default(),
            }
        );
        for secret in ["old-secret-words", "new-secret-words", "ABCD-EFGH"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains("<redacted>"));
    }
}
