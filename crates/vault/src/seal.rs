//! Sealing: AES-256-GCM with a fresh random 96-bit nonce per value and the
//! value's place (record id, field key, format version) bound in as
//! associated data, so a sealed value copied to another record or field
//! fails to open.

use crate::{MasterKey, Result, Secret, VaultError};
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{AeadCore, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use std::fmt;

/// The first byte of every sealed value. Bump it (and keep reading the old
/// one) if the layout or the associated data ever change.
pub const SEAL_FORMAT_VERSION: u8 = 1;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// Where a sealed value belongs.
///
/// NEVER CHANGE how this is encoded in [`Aad::encode`]: every ciphertext ever
/// stored authenticates these exact bytes, and changing them makes every
/// existing secret undecryptable.
#[derive(Debug, Clone, Copy)]
pub struct Aad<'a> {
    /// The integration id (or another record id, e.g. "vault" for the key check).
    pub record_id: &'a str,
    /// The field key inside the record, e.g. "api_key".
    pub field: &'a str,
}

impl<'a> Aad<'a> {
    /// Binds a value to one field of one record.
    pub fn new(record_id: &'a str, field: &'a str) -> Self {
        Aad { record_id, field }
    }

    fn encode(&self, version: u8) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + self.record_id.len() + self.field.len());
        out.extend_from_slice(b"switchboard/secret");
        out.push(version);
        for part in [self.record_id, self.field] {
            out.extend_from_slice(&(part.len() as u32).to_be_bytes());
            out.extend_from_slice(part.as_bytes());
        }
        out
    }
}

/// A sealed secret: `version || nonce || ciphertext || tag`. Safe to store
/// and to print (its Debug shows only the length).
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(Vec<u8>);

impl Sealed {
    /// Wraps bytes read from storage.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Sealed(bytes)
    }

    /// The bytes to store.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Base64 text, for storage in a JSON column.
    pub fn to_base64(&self) -> String {
        B64.encode(&self.0)
    }

    /// Parses base64 text from storage; bad text counts as an undecryptable value.
    pub fn from_base64(text: &str) -> Result<Self> {
        B64.decode(text)
            .map(Sealed)
            .map_err(|_| VaultError::Undecryptable)
    }
}

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed({} bytes)", self.0.len())
    }
}

/// Turns secrets into sealed values and back. [`MasterKey`] is the real
/// implementation; benchmarks plug in a pass-through one to measure the
/// cost of encryption.
pub trait Sealer: Send + Sync {
    /// Seals a secret for one field of one record.
    fn seal(&self, aad: &Aad<'_>, plaintext: &Secret) -> Sealed;
    /// Opens a sealed value; fails if it was altered, moved or sealed under another key.
    fn open(&self, aad: &Aad<'_>, sealed: &Sealed) -> Result<Secret>;
}

impl Sealer for MasterKey {
    fn seal(&self, aad: &Aad<'_>, plaintext: &Secret) -> Sealed {
        let nonce = aes_gcm::Aes256Gcm::generate_nonce(&mut rand::rngs::OsRng);
        let aad_bytes = aad.encode(SEAL_FORMAT_VERSION);
        let ct = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.expose().as_bytes(),
                    aad: &aad_bytes,
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
        out.push(SEAL_FORMAT_VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Sealed(out)
    }

    fn open(&self, aad: &Aad<'_>, sealed: &Sealed) -> Result<Secret> {
        let bytes = &sealed.0;
        let Some(&version) = bytes.first() else {
            return Err(VaultError::Undecryptable);
        };
        if version != SEAL_FORMAT_VERSION {
            return Err(VaultError::UnknownFormat(version));
        }
        if bytes.len() < 1 + NONCE_LEN + TAG_LEN {
            return Err(VaultError::Undecryptable);
        }
        let nonce = Nonce::from_slice(&bytes[1..1 + NONCE_LEN]);
        let aad_bytes = aad.encode(version);
        let plain = zeroize::Zeroizing::new(
            self.cipher
                .decrypt(
                    nonce,
                    Payload {
                        msg: &bytes[1 + NONCE_LEN..],
                        aad: &aad_bytes,
                    },
                )
                .map_err(|_| VaultError::Undecryptable)?,
        );
        let text = std::str::from_utf8(&plain).map_err(|_| VaultError::Undecryptable)?;
        Ok(Secret::new(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let key = MasterKey::generate();
        let aad = Aad::new("int-1", "api_key");
        let sealed = key.seal(&aad, &Secret::new("SG.secret-value"));
        assert_eq!(key.open(&aad, &sealed).unwrap().expose(), "SG.secret-value");
        assert!(!String::from_utf8_lossy(sealed.as_bytes()).contains("secret-value"));
    }

    #[test]
    fn fresh_nonce_each_time() {
        let key = MasterKey::generate();
        let aad = Aad::new("int-1", "api_key");
        let a = key.seal(&aad, &Secret::new("same"));
        let b = key.seal(&aad, &Secret::new("same"));
        assert_ne!(a, b);
    }

    #[test]
    fn every_tampered_byte_fails() {
        let key = MasterKey::generate();
        let aad = Aad::new("int-1", "api_key");
        let sealed = key.seal(&aad, &Secret::new("value"));
        for i in 1..sealed.as_bytes().len() {
            let mut bytes = sealed.as_bytes().to_vec();
            bytes[i] ^= 0x01;
            let err = key.open(&aad, &Sealed::from_bytes(bytes)).unwrap_err();
            assert!(matches!(err, VaultError::Undecryptable), "byte {i}");
        }
    }

    #[test]
    fn moved_to_another_record_or_field_fails() {
        let key = MasterKey::generate();
        let sealed = key.seal(&Aad::new("int-1", "api_key"), &Secret::new("value"));
        assert!(key.open(&Aad::new("int-2", "api_key"), &sealed).is_err());
        assert!(key.open(&Aad::new("int-1", "secret_key"), &sealed).is_err());
        // The length prefix keeps ("ab","c") and ("a","bc") apart.
        let s2 = key.seal(&Aad::new("ab", "c"), &Secret::new("v"));
        assert!(key.open(&Aad::new("a", "bc"), &s2).is_err());
    }

    #[test]
    fn wrong_key_fails_and_unknown_version_is_named() {
        let aad = Aad::new("r", "f");
        let sealed = MasterKey::generate().seal(&aad, &Secret::new("v"));
        let other = MasterKey::generate();
        assert!(matches!(
            other.open(&aad, &sealed),
            Err(VaultError::Undecryptable)
        ));
        let mut bytes = sealed.as_bytes().to_vec();
        bytes[0] = 9;
        assert!(matches!(
            other.open(&aad, &Sealed::from_bytes(bytes)),
            Err(VaultError::UnknownFormat(9))
        ));
        assert_eq!(
            VaultError::Undecryptable.to_string(),
            "cannot be decrypted: altered or wrong key"
        );
    }
}
