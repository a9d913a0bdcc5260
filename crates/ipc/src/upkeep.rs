//! Vault upkeep from the app: changing the passphrase, re-issuing the
//! recovery key and rotating the master key while the app runs.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::redact::Redacted;

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
        );
        for secret in ["old-secret-words", "new-secret-words", "ABCD-EFGH"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains("<redacted>"));
    }
}
