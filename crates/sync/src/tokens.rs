//! Where the sign-in (the server's refresh token) is kept: the OS keyring,
//! never a plain file. Access tokens stay in memory.

use std::collections::HashMap;
use std::sync::Mutex;
use switchboard_vault::Secret;

use crate::error::{Result, SyncError};

/// Keeps one secret per account name.
pub trait TokenStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<Secret>>;
    fn put(&self, account: &str, token: &Secret) -> Result<()>;
    fn remove(&self, account: &str) -> Result<()>;
}

/// The keyring account for a server's sign-in.
pub fn account(server_url: &str) -> String {
    format!("sync:{server_url}")
}

/// The OS keyring (Secret Service, Keychain, Credential Manager).
#[derive(Debug, Clone)]
pub struct OsTokenStore {
    service: String,
}

impl OsTokenStore {
    pub fn new(service: impl Into<String>) -> OsTokenStore {
        OsTokenStore {
            service: service.into(),
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, account).map_err(unavailable)
    }
}

fn unavailable(e: keyring::Error) -> SyncError {
    SyncError::Keyring(e.to_string())
}

impl TokenStore for OsTokenStore {
    fn get(&self, account: &str) -> Result<Option<Secret>> {
        match self.entry(account)?.get_password() {
            Ok(p) => Ok(Some(Secret::new(p))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn put(&self, account: &str, token: &Secret) -> Result<()> {
        self.entry(account)?
            .set_password(token.expose())
            .map_err(unavailable)
    }

    fn remove(&self, account: &str) -> Result<()> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// In memory, for tests and machines without a keyring (the sign-in then
/// lasts until the app quits).
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<HashMap<String, String>>,
}

impl TokenStore for MemoryTokenStore {
    fn get(&self, account: &str) -> Result<Option<Secret>> {
        let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        Ok(tokens.get(account).cloned().map(Secret::new))
    }

    fn put(&self, account: &str, token: &Secret) -> Result<()> {
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(account.to_owned(), token.expose().to_owned());
        Ok(())
    }

    fn remove(&self, account: &str) -> Result<()> {
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(account);
        Ok(())
    }
}
