//! Where a master key lives between sessions: the OS keyring (Secret Service
//! on Linux, Keychain on macOS, Credential Manager on Windows) or, in tests,
//! memory. Keys are stored under the vault id and key id, so a rotation can
//! write the new key before the database switches to it.

use crate::{KeyId, MasterKey, Result, VaultError};
use std::collections::HashMap;
use std::sync::Mutex;

/// A place that holds raw master keys. Calls may block (D-Bus round trips):
/// async callers run them on a blocking thread.
pub trait KeyStore: Send + Sync {
    /// Stores the key for this vault under its key id.
    fn put(&self, vault_id: &str, key: &MasterKey) -> Result<()>;
    /// Fetches the key with this id; `Ok(None)` when there is none.
    fn get(&self, vault_id: &str, key_id: &KeyId) -> Result<Option<MasterKey>>;
    /// Removes the key with this id (absent is fine).
    fn remove(&self, vault_id: &str, key_id: &KeyId) -> Result<()>;
    /// A short name for messages ("OS keyring", "memory").
    fn name(&self) -> &'static str;
}

fn account(vault_id: &str, key_id: &KeyId) -> String {
    format!("vault-{vault_id}-key-{}", key_id.as_str())
}

/// The operating system's keyring through the `keyring` crate.
#[derive(Debug, Clone)]
pub struct OsKeyring {
    service: String,
}

impl OsKeyring {
    /// A keyring client that files entries under `service` (e.g. "com.switchboard.desktop").
    pub fn new(service: impl Into<String>) -> Self {
        OsKeyring {
            service: service.into(),
        }
    }

    fn entry(&self, vault_id: &str, key_id: &KeyId) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, &account(vault_id, key_id)).map_err(unavailable)
    }
}

fn unavailable(e: keyring::Error) -> VaultError {
    // keyring's messages carry platform details, never the secret itself.
    VaultError::KeyringUnavailable(e.to_string())
}

impl KeyStore for OsKeyring {
    fn put(&self, vault_id: &str, key: &MasterKey) -> Result<()> {
        self.entry(vault_id, key.id())?
            .set_secret(key.expose_bytes())
            .map_err(unavailable)
    }

    fn get(&self, vault_id: &str, key_id: &KeyId) -> Result<Option<MasterKey>> {
        match self.entry(vault_id, key_id)?.get_secret() {
            Ok(raw) => {
                let raw = zeroize::Zeroizing::new(raw);
                MasterKey::from_bytes(key_id.clone(), &raw)
                    .map(Some)
                    .ok_or_else(|| {
                        VaultError::KeyringUnavailable("the stored key is damaged".into())
                    })
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn remove(&self, vault_id: &str, key_id: &KeyId) -> Result<()> {
        match self.entry(vault_id, key_id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn name(&self) -> &'static str {
        "OS keyring"
    }
}

/// An in-memory key store for tests and benchmarks. It can be told to fail,
/// to exercise the paths where the keyring is missing.
#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    keys: Mutex<HashMap<String, [u8; 32]>>,
    failing: Mutex<bool>,
}

impl MemoryKeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes every later call fail as an unreachable keyring would.
    pub fn set_failing(&self, failing: bool) {
        *self.failing.lock().expect("lock") = failing;
    }

    /// How many keys are held (to check that rotations clean up).
    pub fn len(&self) -> usize {
        self.keys.lock().expect("lock").len()
    }

    /// True when no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn check(&self) -> Result<()> {
        if *self.failing.lock().expect("lock") {
            Err(VaultError::KeyringUnavailable(
                "test keyring switched off".into(),
            ))
        } else {
            Ok(())
        }
    }
}

impl KeyStore for MemoryKeyStore {
    fn put(&self, vault_id: &str, key: &MasterKey) -> Result<()> {
        self.check()?;
        self.keys
            .lock()
            .expect("lock")
            .insert(account(vault_id, key.id()), *key.expose_bytes());
        Ok(())
    }

    fn get(&self, vault_id: &str, key_id: &KeyId) -> Result<Option<MasterKey>> {
        self.check()?;
        Ok(self
            .keys
            .lock()
            .expect("lock")
            .get(&account(vault_id, key_id))
            .and_then(|raw| MasterKey::from_bytes(key_id.clone(), raw)))
    }

    fn remove(&self, vault_id: &str, key_id: &KeyId) -> Result<()> {
        self.check()?;
        self.keys
            .lock()
            .expect("lock")
            .remove(&account(vault_id, key_id));
        Ok(())
    }

    fn name(&self) -> &'static str {
        "memory"
    }
}
