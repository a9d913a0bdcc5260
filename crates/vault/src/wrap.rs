//! Key wrapping: the master key sealed under a key-encryption key derived
//! from the user's passphrase (Argon2id) or taken from the recovery key.
//! Each wrap is bound to the vault id and key id so it cannot be swapped in
//! from another vault or another generation of the key.

use crate::{KeyId, MasterKey, RecoveryKey, Result, Secret, VaultError};
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, KeyInit, Nonce};
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;
use rand::RngCore;
use std::fmt;
use zeroize::Zeroizing;

/// Argon2id memory cost in KiB: OWASP's recommended 19 MiB.
pub const KDF_MEMORY_KIB: u32 = 19 * 1024;
/// Argon2id iterations (OWASP: 2 with 19 MiB).
pub const KDF_TIME_COST: u32 = 2;
/// Argon2id lanes (OWASP: 1).
pub const KDF_PARALLELISM: u32 = 1;
/// The shortest passphrase accepted for a vault or a backup.
const MIN_PASSPHRASE_CHARS: usize = 8;

fn wrap_aad(kind: &str, vault_id: &str, key_id: &KeyId) -> Vec<u8> {
    // NEVER CHANGE: stored wraps authenticate these exact bytes.
    format!("switchboard/wrap/{kind}\0{vault_id}\0{}", key_id.as_str()).into_bytes()
}

fn seal_key(kek: &[u8; 32], key: &MasterKey, aad: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new_from_slice(kek).expect("32-byte key");
    let nonce = Aes256Gcm::generate_nonce(&mut rand::rngs::OsRng);
    let ct = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: key.expose_bytes(),
                aad,
            },
        )
        .expect("in-memory encryption cannot fail");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&ct);
    out
}

fn open_key(kek: &[u8; 32], blob: &[u8], aad: &[u8], key_id: &KeyId) -> Option<MasterKey> {
    if blob.len() < 12 + 16 {
        return None;
    }
    let cipher = Aes256Gcm::new_from_slice(kek).expect("32-byte key");
    let raw = Zeroizing::new(
        cipher
            .decrypt(
                Nonce::from_slice(&blob[..12]),
                Payload {
                    msg: &blob[12..],
                    aad,
                },
            )
            .ok()?,
    );
    MasterKey::from_bytes(key_id.clone(), &raw)
}

/// The master key wrapped under a passphrase. Stored as one self-describing
/// string: `argon2id$m=19456,t=2,p=1$<salt>$<wrapped key>`.
#[derive(Clone, PartialEq, Eq)]
pub struct PassphraseWrap {
    m_kib: u32,
    t: u32,
    p: u32,
    salt: [u8; 16],
    blob: Vec<u8>,
}

impl PassphraseWrap {
    /// Wraps `key` under `passphrase` with a fresh salt and OWASP's parameters.
    pub fn create(key: &MasterKey, passphrase: &Secret, vault_id: &str) -> Result<Self> {
        let (salt, kek) = fresh_key(passphrase)?;
        let (m_kib, t, p) = (KDF_MEMORY_KIB, KDF_TIME_COST, KDF_PARALLELISM);
        let blob = seal_key(&kek, key, &wrap_aad("passphrase", vault_id, key.id()));
        Ok(PassphraseWrap {
            m_kib,
            t,
            p,
            salt,
            blob,
        })
    }

    /// Unwraps the master key; a wrong passphrase is [`VaultError::WrongPassphrase`].
    pub fn unwrap_key(
        &self,
        passphrase: &Secret,
        vault_id: &str,
        key_id: &KeyId,
    ) -> Result<MasterKey> {
        let kek = derive(passphrase, &self.salt, self.m_kib, self.t, self.p)?;
        open_key(
            &kek,
            &self.blob,
            &wrap_aad("passphrase", vault_id, key_id),
            key_id,
        )
        .ok_or(VaultError::WrongPassphrase)
    }

    /// The storage form.
    pub fn encode(&self) -> String {
        format!(
            "argon2id$m={},t={},p={}${}${}",
            self.m_kib,
            self.t,
            self.p,
            B64.encode(self.salt),
            B64.encode(&self.blob)
        )
    }

    /// Parses the storage form.
    pub fn decode(text: &str) -> Result<Self> {
        let bad = || VaultError::Kdf("the stored passphrase wrap is damaged".into());
        let mut parts = text.split('$');
        if parts.next() != Some("argon2id") {
            return Err(bad());
        }
        let params = parts.next().ok_or_else(bad)?;
        let mut vals = [0u32; 3];
        for (i, kv) in params.split(',').enumerate() {
            let v = kv.split_once('=').ok_or_else(bad)?.1;
            *vals.get_mut(i).ok_or_else(bad)? = v.parse().map_err(|_| bad())?;
        }
        let salt: [u8; 16] = B64
            .decode(parts.next().ok_or_else(bad)?)
            .map_err(|_| bad())?
            .try_into()
            .map_err(|_| bad())?;
        let blob = B64
            .decode(parts.next().ok_or_else(bad)?)
            .map_err(|_| bad())?;
        Ok(PassphraseWrap {
            m_kib: vals[0],
            t: vals[1],
            p: vals[2],
            salt,
            blob,
        })
    }
}

impl fmt::Debug for PassphraseWrap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PassphraseWrap(argon2id m={} t={} p={})",
            self.m_kib, self.t, self.p
        )
    }
}

/// A new key from a passphrase being chosen (at least 8 characters): a
/// fresh random salt and the key Argon2id derives with OWASP's parameters
/// ([`KDF_MEMORY_KIB`], [`KDF_TIME_COST`], [`KDF_PARALLELISM`]).
pub(crate) fn fresh_key(passphrase: &Secret) -> Result<([u8; 16], Zeroizing<[u8; 32]>)> {
    if passphrase.char_len() < MIN_PASSPHRASE_CHARS {
        return Err(VaultError::WeakPassphrase(MIN_PASSPHRASE_CHARS));
    }
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let key = derive(
        passphrase,
        &salt,
        KDF_MEMORY_KIB,
        KDF_TIME_COST,
        KDF_PARALLELISM,
    )?;
    Ok((salt, key))
}

/// A 32-byte key from `passphrase` and `salt` by Argon2id with memory `m`
/// KiB, `t` iterations and `p` lanes.
pub(crate) fn derive(
    passphrase: &Secret,
    salt: &[u8],
    m: u32,
    t: u32,
    p: u32,
) -> Result<Zeroizing<[u8; 32]>> {
    let params =
        argon2::Params::new(m, t, p, Some(32)).map_err(|e| VaultError::Kdf(e.to_string()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.expose().as_bytes(), salt, out.as_mut())
        .map_err(|e| VaultError::Kdf(e.to_string()))?;
    Ok(out)
}

/// The master key wrapped under the recovery key. The recovery key is 256
/// random bits, so it is used as the key-encryption key directly.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryWrap(Vec<u8>);

impl RecoveryWrap {
    /// Wraps `key` under `recovery`.
    pub fn create(key: &MasterKey, recovery: &RecoveryKey, vault_id: &str) -> Self {
        RecoveryWrap(seal_key(
            recovery.bytes(),
            key,
            &wrap_aad("recovery", vault_id, key.id()),
        ))
    }

    /// Unwraps the master key; a wrong key is [`VaultError::WrongRecoveryKey`].
    pub fn unwrap_key(
        &self,
        recovery: &RecoveryKey,
        vault_id: &str,
        key_id: &KeyId,
    ) -> Result<MasterKey> {
        open_key(
            recovery.bytes(),
            &self.0,
            &wrap_aad("recovery", vault_id, key_id),
            key_id,
        )
        .ok_or(VaultError::WrongRecoveryKey)
    }

    /// The storage form (base64).
    pub fn encode(&self) -> String {
        B64.encode(&self.0)
    }

    /// Parses the storage form.
    pub fn decode(text: &str) -> Result<Self> {
        B64.decode(text)
            .map(RecoveryWrap)
            .map_err(|_| VaultError::Kdf("the stored recovery wrap is damaged".into()))
    }
}

impl fmt::Debug for RecoveryWrap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryWrap(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Aad, Sealer};

    #[test]
    fn passphrase_round_trip_and_wrong_passphrase() {
        let key = MasterKey::generate();
        let wrap = PassphraseWrap::create(&key, &Secret::new("correct horse"), "v1").unwrap();
        let stored = PassphraseWrap::decode(&wrap.encode()).unwrap();
        assert_eq!(stored, wrap);
        assert!(stored.encode().starts_with("argon2id$m=19456,t=2,p=1$"));
        let back = stored
            .unwrap_key(&Secret::new("correct horse"), "v1", key.id())
            .unwrap();
        let sealed = key.seal(&Aad::new("r", "f"), &Secret::new("x"));
        assert_eq!(
            back.open(&Aad::new("r", "f"), &sealed).unwrap().expose(),
            "x"
        );
        assert!(matches!(
            stored.unwrap_key(&Secret::new("wrong horse"), "v1", key.id()),
            Err(VaultError::WrongPassphrase)
        ));
        // Bound to the vault and the key generation.
        assert!(stored
            .unwrap_key(&Secret::new("correct horse"), "v2", key.id())
            .is_err());
        assert!(stored
            .unwrap_key(&Secret::new("correct horse"), "v1", &KeyId::random())
            .is_err());
    }

    #[test]
    fn short_passphrase_is_refused() {
        let err =
            PassphraseWrap::create(&MasterKey::generate(), &Secret::new("short"), "v").unwrap_err();
        assert!(err.to_string().contains("at least 8"));
    }

    #[test]
    fn recovery_round_trip() {
        let key = MasterKey::generate();
        let rk = RecoveryKey::generate();
        let wrap = RecoveryWrap::decode(&RecoveryWrap::create(&key, &rk, "v").encode()).unwrap();
        let parsed = RecoveryKey::parse(&rk.display_once()).unwrap();
        let back = wrap.unwrap_key(&parsed, "v", key.id()).unwrap();
        assert_eq!(back.expose_bytes(), key.expose_bytes());
        assert!(matches!(
            wrap.unwrap_key(&RecoveryKey::generate(), "v", key.id()),
            Err(VaultError::WrongRecoveryKey)
        ));
    }
}
