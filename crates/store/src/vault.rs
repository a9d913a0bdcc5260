//! Creating, unlocking, locking and re-keying the vault of a store.
//!
//! The master key is random; it is kept in the OS keyring (under the vault
//! id and key id), wrapped under the passphrase when there is one, and always
//! wrapped under the recovery key shown once at creation. A key check (a
//! known value sealed under the key) tells a right key from a wrong one.

use crate::model::VaultStatus;
use crate::{now, Result, Store, StoreError, Unlocked};
use sqlx::Row;
use std::sync::Arc;
use switchboard_vault::column;
use switchboard_vault::{
    Aad, KeyId, KeyStore, MasterKey, PassphraseWrap, RecoveryKey, RecoveryWrap, Sealed, Sealer,
    Secret, VaultError,
};

const KEY_CHECK: &str = "switchboard key check v1";

/// How a new vault will be unlocked later.
#[derive(Default, Clone)]
pub struct InitOptions {
    /// Keep the master key in this key store (the OS keyring).
    pub keystore: Option<Arc<dyn KeyStore>>,
    /// Also (or instead) unlock with this passphrase.
    pub passphrase: Option<Secret>,
}

impl InitOptions {
    /// A fresh in-memory key store and no passphrase (tests and benchmarks).
    pub fn in_memory() -> Self {
        InitOptions {
            keystore: Some(Arc::new(switchboard_vault::MemoryKeyStore::new())),
            passphrase: None,
        }
    }
}

/// What a key rotation needs.
#[derive(Default, Clone)]
pub struct RotateOptions {
    /// The key store, when the vault uses one.
    pub keystore: Option<Arc<dyn KeyStore>>,
    /// The passphrase, when the vault has one (its wrap is renewed).
    pub passphrase: Option<Secret>,
    /// Test hook: fail after re-sealing this many integrations.
    #[doc(hidden)]
    pub fail_after: Option<usize>,
}

struct Meta {
    vault_id: String,
    key_id: KeyId,
    key_check: Sealed,
    use_keyring: bool,
    passphrase_wrap: Option<PassphraseWrap>,
    recovery_wrap: RecoveryWrap,
}

fn check_aad(vault_id: &str) -> String {
    format!("vault:{vault_id}")
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> switchboard_vault::Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| {
            StoreError::Vault(VaultError::KeyringUnavailable(
                "keyring call panicked".into(),
            ))
        })?
        .map_err(StoreError::from)
}

impl Store {
    async fn meta(&self) -> Result<Option<Meta>> {
        let row = sqlx::query(
            "SELECT vault_id, key_id, key_check, use_keyring, passphrase_wrap, recovery_wrap FROM vault_meta WHERE id = 1",
        )
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let passphrase_wrap: Option<String> = row.get("passphrase_wrap");
        Ok(Some(Meta {
            vault_id: row.get("vault_id"),
            key_id: KeyId::from_stored(row.get::<String, _>("key_id")),
            key_check: Sealed::from_base64(row.get::<&str, _>("key_check"))?,
            use_keyring: row.get("use_keyring"),
            passphrase_wrap: passphrase_wrap
                .as_deref()
                .map(PassphraseWrap::decode)
                .transpose()?,
            recovery_wrap: RecoveryWrap::decode(row.get::<&str, _>("recovery_wrap"))?,
        }))
    }

    async fn require_meta(&self) -> Result<Meta> {
        self.meta().await?.ok_or(StoreError::NotInitialized)
    }

    /// Whether a vault exists, is unlocked, and how it can be unlocked.
    pub async fn vault_status(&self) -> Result<VaultStatus> {
        let meta = self.meta().await?;
        Ok(VaultStatus {
            initialized: meta.is_some(),
            unlocked: self.is_unlocked(),
            uses_keyring: meta.as_ref().is_some_and(|m| m.use_keyring),
            has_passphrase: meta.as_ref().is_some_and(|m| m.passphrase_wrap.is_some()),
        })
    }

    /// Creates the vault: a random master key, kept in the key store and/or
    /// wrapped under the passphrase, and always under a new recovery key,
    /// which is returned to be shown to the user once. Leaves it unlocked.
    pub async fn init_vault(&self, options: InitOptions) -> Result<RecoveryKey> {
        if self.meta().await?.is_some() {
            return Err(StoreError::AlreadyInitialized);
        }
        if options.keystore.is_none() && options.passphrase.is_none() {
            return Err(StoreError::Setup(
                "choose how to unlock the vault: the OS keyring, a passphrase, or both".into(),
            ));
        }
        let vault_id = uuid::Uuid::new_v4().to_string();
        let key = MasterKey::generate();
        let recovery = RecoveryKey::generate();
        let passphrase_wrap = options
            .passphrase
            .as_ref()
            .map(|p| PassphraseWrap::create(&key, p, &vault_id))
            .transpose()?;
        if let Some(ks) = options.keystore.clone() {
            let (vid, k) = (vault_id.clone(), key.clone());
            blocking(move || ks.put(&vid, &k)).await?;
        }
        let check = key.seal(
            &Aad::new(&check_aad(&vault_id), "key_check"),
            &Secret::new(KEY_CHECK),
        );
        let inserted = sqlx::query(
            "INSERT INTO vault_meta (id, vault_id, key_id, key_check, use_keyring, passphrase_wrap, recovery_wrap, created_at)
             VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&vault_id)
        .bind(key.id().as_str())
        .bind(check.to_base64())
        .bind(options.keystore.is_some())
        .bind(passphrase_wrap.as_ref().map(PassphraseWrap::encode))
        .bind(RecoveryWrap::create(&key, &recovery, &vault_id).encode())
        .bind(now())
        .execute(self.pool())
        .await;
        if let Err(e) = inserted {
            if let Some(ks) = options.keystore {
                let (vid, kid) = (vault_id.clone(), key.id().clone());
                let _ = blocking(move || ks.remove(&vid, &kid)).await;
            }
            return Err(e.into());
        }
        tracing::info!(
            keyring = options.keystore.is_some(),
            passphrase = options.passphrase.is_some(),
            "vault created"
        );
        self.set_unlocked(Unlocked {
            sealer: Arc::new(key.clone()),
            key: Some(key),
        });
        Ok(recovery)
    }

    fn accept_key(&self, meta: &Meta, key: MasterKey) -> Result<()> {
        key.open(
            &Aad::new(&check_aad(&meta.vault_id), "key_check"),
            &meta.key_check,
        )?;
        self.set_unlocked(Unlocked {
            sealer: Arc::new(key.clone()),
            key: Some(key),
        });
        tracing::info!("vault unlocked");
        Ok(())
    }

    /// Unlocks with the key kept in the key store (the OS keyring).
    pub async fn unlock_with_keystore(&self, keystore: Arc<dyn KeyStore>) -> Result<()> {
        let meta = self.require_meta().await?;
        if !meta.use_keyring {
            return Err(StoreError::Setup(
                "this vault does not keep its key in the OS keyring: unlock it with your passphrase".into(),
            ));
        }
        let (vid, kid) = (meta.vault_id.clone(), meta.key_id.clone());
        let key = blocking(move || keystore.get(&vid, &kid))
            .await?
            .ok_or(StoreError::Vault(VaultError::KeyringKeyMissing))?;
        self.accept_key(&meta, key).map_err(|_| {
            StoreError::Vault(VaultError::KeyringUnavailable(
                "the keyring's key does not match this vault".into(),
            ))
        })?;
        self.after_unlock().await;
        Ok(())
    }

    /// What runs once the vault is open: the Trash's old items go for good.
    /// A failure here is logged and does not keep the vault locked.
    async fn after_unlock(&self) {
        if let Err(e) = self.purge_trash().await {
            tracing::warn!(error = %e, "could not empty the Trash of old items");
        }
    }

    /// Unlocks with the passphrase. A wrong one changes nothing.
    pub async fn unlock_with_passphrase(&self, passphrase: &Secret) -> Result<()> {
        let meta = self.require_meta().await?;
        let wrap = meta.passphrase_wrap.clone().ok_or_else(|| {
            StoreError::Setup(
                "this vault has no passphrase: it unlocks through the OS keyring or the recovery key".into(),
            )
        })?;
        let (p, vid, kid) = (
            passphrase.clone(),
            meta.vault_id.clone(),
            meta.key_id.clone(),
        );
        // Argon2id takes tens of milliseconds: keep it off the async threads.
        let key = blocking(move || wrap.unwrap_key(&p, &vid, &kid)).await?;
        self.accept_key(&meta, key)?;
        self.after_unlock().await;
        Ok(())
    }

    /// Unlocks with the recovery key as shown at creation.
    pub async fn unlock_with_recovery_key(&self, text: &str) -> Result<()> {
        let meta = self.require_meta().await?;
        let recovery = RecoveryKey::parse(text)?;
        let key = meta
            .recovery_wrap
            .unwrap_key(&recovery, &meta.vault_id, &meta.key_id)?;
        self.accept_key(&meta, key)?;
        self.after_unlock().await;
        Ok(())
    }

    /// Sets, changes or (with None) removes the passphrase. Needs the vault
    /// unlocked. Removing it is refused when the keyring is not in use,
    /// since nothing but the recovery key would open the vault.
    pub async fn set_passphrase(&self, passphrase: Option<Secret>) -> Result<()> {
        let meta = self.require_meta().await?;
        let key = self.real_key()?;
        let wrap = match &passphrase {
            Some(p) => Some(PassphraseWrap::create(&key, p, &meta.vault_id)?),
            None if !meta.use_keyring => {
                return Err(StoreError::Setup(
                    "this vault does not use the OS keyring, so it needs a passphrase".into(),
                ))
            }
            None => None,
        };
        sqlx::query("UPDATE vault_meta SET passphrase_wrap = ? WHERE id = 1")
            .bind(wrap.as_ref().map(PassphraseWrap::encode))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Changes, adds or (with `new` None) removes the passphrase from the
    /// app: when the vault has one, `old` must be it (a wrong one changes
    /// nothing), so an unlocked laptop left alone cannot have it replaced.
    pub async fn change_passphrase(&self, old: Option<&Secret>, new: Option<Secret>) -> Result<()> {
        self.confirm_passphrase(old).await?;
        self.set_passphrase(new).await?;
        tracing::info!("passphrase changed");
        Ok(())
    }

    /// Replaces the recovery key: the master key is wrapped under a new one,
    /// which is returned to be shown once; the old recovery key stops
    /// working. Needs the passphrase when the vault has one.
    pub async fn reissue_recovery_key(&self, passphrase: Option<&Secret>) -> Result<RecoveryKey> {
        let meta = self.confirm_passphrase(passphrase).await?;
        let key = self.real_key()?;
        let recovery = RecoveryKey::generate();
        sqlx::query("UPDATE vault_meta SET recovery_wrap = ? WHERE id = 1")
            .bind(RecoveryWrap::create(&key, &recovery, &meta.vault_id).encode())
            .execute(self.pool())
            .await?;
        tracing::info!("recovery key re-issued");
        Ok(recovery)
    }

    /// Checks `given` against the vault's passphrase, if it has one.
    async fn confirm_passphrase(&self, given: Option<&Secret>) -> Result<Meta> {
        let meta = self.require_meta().await?;
        self.real_key()?;
        if let Some(wrap) = meta.passphrase_wrap.clone() {
            let p = given
                .cloned()
                .ok_or(StoreError::Vault(VaultError::WrongPassphrase))?;
            let (vid, kid) = (meta.vault_id.clone(), meta.key_id.clone());
            blocking(move || wrap.unwrap_key(&p, &vid, &kid)).await?;
        }
        Ok(meta)
    }

    fn real_key(&self) -> Result<MasterKey> {
        self.unlocked_state()
            .ok_or(StoreError::Locked)?
            .key
            .ok_or_else(|| StoreError::Setup("this store was opened without its vault key".into()))
    }

    /// Replaces the master key: every secret is re-sealed under a new key in
    /// one transaction, the passphrase and recovery wraps are renewed, and the
    /// new recovery key is returned (the old one stops working). If anything
    /// fails part-way, the transaction rolls back and the old key keeps
    /// working; the new key is written to the keyring beside the old one
    /// before the switch and the old one removed only after it.
    ///
    /// Refused, changing nothing, while another process (the app, the
    /// command line) has the store open: it would keep the old key.
    pub async fn rotate_master_key(&self, options: RotateOptions) -> Result<RecoveryKey> {
        crate::lock::alone(&self.path, self.rotate_alone(options)).await
    }

    async fn rotate_alone(&self, options: RotateOptions) -> Result<RecoveryKey> {
        let meta = self.require_meta().await?;
        let old = self.real_key()?;
        if let Some(wrap) = &meta.passphrase_wrap {
            let p = options.passphrase.clone().ok_or_else(|| {
                StoreError::Setup("rotating the key needs your passphrase".into())
            })?;
            let (w, vid, kid) = (wrap.clone(), meta.vault_id.clone(), meta.key_id.clone());
            blocking(move || w.unwrap_key(&p, &vid, &kid)).await?;
        }
        let keystore = if meta.use_keyring {
            Some(options.keystore.clone().ok_or_else(|| {
                StoreError::Setup("rotating the key needs the OS keyring this vault uses".into())
            })?)
        } else {
            None
        };
        let new = MasterKey::generate();
        let recovery = RecoveryKey::generate();
        let passphrase_wrap = match (&meta.passphrase_wrap, &options.passphrase) {
            (Some(_), Some(p)) => Some(PassphraseWrap::create(&new, p, &meta.vault_id)?),
            _ => None,
        };
        if let Some(ks) = keystore.clone() {
            let (vid, k) = (meta.vault_id.clone(), new.clone());
            blocking(move || ks.put(&vid, &k)).await?;
        }
        let result = self
            .reseal_all(
                &meta,
                &old,
                &new,
                &recovery,
                passphrase_wrap,
                options.fail_after,
            )
            .await;
        match result {
            Ok(()) => {
                self.set_unlocked(Unlocked {
                    sealer: Arc::new(new.clone()),
                    key: Some(new),
                });
                if let Some(ks) = keystore {
                    let (vid, kid) = (meta.vault_id.clone(), old.id().clone());
                    if let Err(e) = blocking(move || ks.remove(&vid, &kid)).await {
                        tracing::warn!(error = %e, "could not remove the old key from the keyring");
                    }
                }
                tracing::info!("master key rotated");
                Ok(recovery)
            }
            Err(e) => {
                if let Some(ks) = keystore {
                    let (vid, kid) = (meta.vault_id.clone(), new.id().clone());
                    let _ = blocking(move || ks.remove(&vid, &kid)).await;
                }
                tracing::warn!(error = %e, "key rotation rolled back; the old key is still in use");
                Err(e)
            }
        }
    }

    async fn reseal_all(
        &self,
        meta: &Meta,
        old: &MasterKey,
        new: &MasterKey,
        recovery: &RecoveryKey,
        passphrase_wrap: Option<PassphraseWrap>,
        fail_after: Option<usize>,
    ) -> Result<()> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let rows = sqlx::query("SELECT id, name, secrets, secret_dates, expires_at, expires_source, attention_announced FROM integrations WHERE secrets != '{}'")
            .fetch_all(&mut *tx)
            .await?;
        for (done, row) in rows.iter().enumerate() {
            if fail_after == Some(done) {
                return Err(StoreError::Injected("rotation interrupted"));
            }
            let id: &str = row.get("id");
            let name: &str = row.get("name");
            let sealed = column::parse(row.get("secrets"));
            let mut resealed = crate::secrets::SealedMap::new();
            for (field, value) in sealed {
                let aad = Aad::new(id, &field);
                let plain = old
                    .open(&aad, &value)
                    .map_err(|_| StoreError::Undecryptable {
                        name: name.to_owned(),
                        field: field.clone(),
                    })?;
                resealed.insert(field.clone(), new.seal(&aad, &plain));
            }
            sqlx::query("UPDATE integrations SET secrets = ? WHERE id = ?")
                .bind(column::render(&resealed))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            // Re-sealed, not set: the dates and the stated expiry stay.
            crate::expiry::put_back(&mut tx, row).await?;
        }
        let check = new.seal(
            &Aad::new(&check_aad(&meta.vault_id), "key_check"),
            &Secret::new(KEY_CHECK),
        );
        sqlx::query(
            "UPDATE vault_meta SET key_id = ?, key_check = ?, passphrase_wrap = ?, recovery_wrap = ?, rotated_at = ? WHERE id = 1",
        )
        .bind(new.id().as_str())
        .bind(check.to_base64())
        .bind(passphrase_wrap.as_ref().map(PassphraseWrap::encode))
        .bind(RecoveryWrap::create(new, recovery, &meta.vault_id).encode())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
