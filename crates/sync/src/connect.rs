//! Connecting a store to a server and disconnecting it, as the app's Sync
//! page and `switchboard sync` both do: the server is remembered in the
//! store (`sync_meta`), the sign-in in the [`TokenStore`] (the OS keyring,
//! account `sync:<url>`), so the app and the CLI share one connection.

use std::collections::BTreeMap;
use std::sync::Arc;

use switchboard_store::{Store, StoreError};
use switchboard_vault::Secret;

use crate::client::{ServerClient, SignedIn};
use crate::engine::SyncOptions;
use crate::error::{Result, SyncError};
use crate::tokens::{MemoryTokenStore, OsTokenStore, TokenStore};
use crate::url::server_url;

/// Checks the connect form: the address (HTTPS, or HTTP to this machine
/// only), an email and a password. Answers the normalised address, or
/// [`SyncError::Invalid`] with a message per field.
pub fn check_connect(url: &str, email: &str, password_empty: bool) -> Result<String> {
    let mut fields = BTreeMap::new();
    let url = server_url(url)
        .map_err(|e| fields.insert("server_url".to_owned(), e.to_string()))
        .ok();
    if !email.contains('@') {
        fields.insert(
            "email".to_owned(),
            "Enter the email you sign in with.".to_owned(),
        );
    }
    if password_empty {
        fields.insert("password".to_owned(), "Enter your password.".to_owned());
    }
    match url {
        Some(url) if fields.is_empty() => Ok(url),
        _ => Err(SyncError::Invalid(fields)),
    }
}

/// Signs `client` in and remembers its server in the store (another server
/// than before is read from the beginning). The vault must be unlocked.
pub async fn connect(
    store: &Store,
    client: &ServerClient,
    email: &str,
    password: &Secret,
) -> Result<SignedIn> {
    if !store.is_unlocked() {
        return Err(StoreError::Locked.into());
    }
    let who = client.login(email, password).await?;
    let mut meta = store.sync_meta().await?;
    if meta.server_url.as_deref() != Some(client.url()) {
        meta.cursor = 0;
        meta.last_synced_at = None;
    }
    meta.server_url = Some(client.url().to_owned());
    meta.email = Some(who.email.clone());
    store.set_sync_meta(&meta).await?;
    Ok(who)
}

/// Ends the sign-in on the server (when there is one) and forgets the
/// server here; local data stays. False when the server could not be
/// reached to end the sign-in (its tokens then expire on their own).
pub async fn disconnect(store: &Store, client: Option<&ServerClient>) -> Result<bool> {
    let confirmed = match client {
        Some(client) => client.logout().await?,
        None => true,
    };
    let mut meta = store.sync_meta().await?;
    meta.server_url = None;
    meta.email = None;
    store.set_sync_meta(&meta).await?;
    Ok(confirmed)
}

/// Where sign-ins are kept: the OS keyring under `service`, or memory when
/// the keyring may not be used (they then last as long as the process).
pub fn token_store(service: &str, keyring_allowed: bool) -> Arc<dyn TokenStore> {
    if keyring_allowed {
        Arc::new(OsTokenStore::new(service))
    } else {
        Arc::new(MemoryTokenStore::default())
    }
}

impl SyncOptions {
    /// The defaults, with the batch size from SWITCHBOARD_SYNC_BATCH (1 to
    /// 500) and the pull page size from SWITCHBOARD_SYNC_PULL (1 to 1000).
    pub fn from_env() -> SyncOptions {
        let mut o = SyncOptions::default();
        if let Some(n) = env_number("SWITCHBOARD_SYNC_BATCH", 1..=500) {
            o.batch_size = n;
        }
        if let Some(n) = env_number(
            "SWITCHBOARD_SYNC_PULL",
            1..=switchboard_sync_proto::MAX_PULL_LIMIT,
        ) {
            o.pull_limit = n;
        }
        o
    }
}

/// A whole number from the environment variable `name`, if it is set to
/// one within `range`.
fn env_number<T: std::str::FromStr + PartialOrd>(
    name: &str,
    range: std::ops::RangeInclusive<T>,
) -> Option<T> {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse::<T>().ok())
        .filter(|n| range.contains(n))
}
