//! [`MasterKey`]: the random 256-bit key that seals every secret of a vault.

use aes_gcm::{Aes256Gcm, KeyInit};
use rand::RngCore;
use std::fmt;
use zeroize::Zeroizing;

/// Identifies one master key, so the keyring can hold the new key beside the
/// old one during a rotation and the database says which one is current.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct KeyId(String);

impl KeyId {
    /// A fresh random id (16 hex characters).
    pub fn random() -> Self {
        let mut bytes = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        KeyId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Wraps an id read from storage.
    pub fn from_stored(id: impl Into<String>) -> Self {
        KeyId(id.into())
    }

    /// The id as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.0)
    }
}

/// A 256-bit AES-GCM master key with its id. The raw bytes are zeroized on
/// drop and never printed.
#[derive(Clone)]
pub struct MasterKey {
    id: KeyId,
    bytes: Zeroizing<[u8; 32]>,
    pub(crate) cipher: Aes256Gcm,
}

impl MasterKey {
    /// A new random key from the OS random number generator.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        Self::from_parts(KeyId::random(), bytes)
    }

    /// Rebuilds a key from its id and 32 raw bytes (from the keyring or an unwrap).
    pub fn from_bytes(id: KeyId, raw: &[u8]) -> Option<Self> {
        let arr: [u8; 32] = raw.try_into().ok()?;
        Some(Self::from_parts(id, Zeroizing::new(arr)))
    }

    fn from_parts(id: KeyId, bytes: Zeroizing<[u8; 32]>) -> Self {
        let cipher = Aes256Gcm::new_from_slice(bytes.as_ref()).expect("32-byte key");
        MasterKey { id, bytes, cipher }
    }

    /// The key's id.
    pub fn id(&self) -> &KeyId {
        &self.id
    }

    /// The raw key bytes, for wrapping or storing in the OS keyring only.
    pub fn expose_bytes(&self) -> &[u8; 32] {
        &self.bytes
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MasterKey({:?}, ****)", self.id)
    }
}
