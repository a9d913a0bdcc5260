//! Encryption at rest as a type change: handlers hold [`PlainSecrets`] only
//! while they validate or check a configuration, records and the database
//! hold [`SealedSecrets`], and only the [`Vault`] (the key from
//! `TOKEN_ENCRYPTION_KEY`) turns one into the other. Every value is sealed
//! with AES-256-GCM with the integration's uid and the field key bound as
//! associated data, so a sealed value moved to another record or field fails
//! to open.

use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::Engine;
use std::collections::BTreeMap;
use std::fmt;
use switchboard_vault::column::{self, SealedMap};
use switchboard_vault::{Aad, KeyId, MasterKey, Sealed, Sealer, Secret};
use zeroize::Zeroizing;

/// Sealed values by field key, as stored in the `secrets` column.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SealedSecrets(SealedMap);

impl fmt::Debug for SealedSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl SealedSecrets {
    /// Parses the column (`switchboard_vault::column`). A damaged value
    /// becomes an empty sealed value, which fails to open like any altered one.
    pub fn from_column(text: &str) -> SealedSecrets {
        SealedSecrets(column::parse(text))
    }

    /// The column's text.
    pub fn to_column(&self) -> String {
        column::render(&self.0)
    }

    /// The sealed values by key, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Sealed)> {
        self.0.iter()
    }

    pub fn contains(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    pub fn remove(&mut self, key: &str) -> bool {
        self.0.remove(key).is_some()
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.0.retain(|k, _| keep(k));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The sealed value of one field as stored (base64), to compare versions.
    pub fn sealed(&self, key: &str) -> Option<String> {
        self.0.get(key).map(Sealed::to_base64)
    }
}

/// Plain secrets by field key, for validation and provider checks only.
/// Debug prints the keys, never the values.
#[derive(Clone, Default)]
pub struct PlainSecrets(pub BTreeMap<String, Secret>);

impl PlainSecrets {
    /// Every value that is not empty (what masking hides).
    pub fn values(&self) -> Vec<&str> {
        self.0
            .values()
            .map(Secret::expose)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

impl fmt::Debug for PlainSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// Why a key from the environment cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("it is not base64")]
    NotBase64,
    #[error("it decodes to {0} bytes; it must be exactly 32 bytes (256 bits)")]
    WrongLength(usize),
}

/// The record id and field of the key check value, sealed under the current
/// key in `server_meta` so a wrong key is refused at start-up.
const KEY_CHECK_RECORD: &str = "switchboard-server";
const KEY_CHECK_FIELD: &str = "key_check";
const KEY_CHECK_VALUE: &str = "switchboard-server key check v1";

/// Seals and opens secrets under the server's key.
#[derive(Clone)]
pub struct Vault {
    key: MasterKey,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Vault(****)")
    }
}

impl Vault {
    /// A vault from `TOKEN_ENCRYPTION_KEY`'s text: base64 (standard or
    /// URL-safe, padding optional) of exactly 32 bytes.
    pub fn from_base64(text: &str) -> Result<Vault, KeyError> {
        let text = text.trim();
        let unpadded = text.trim_end_matches('=');
        let decoded = [STANDARD, URL_SAFE]
            .iter()
            .find_map(|engine| {
                let padded = format!("{unpadded}{}", "=".repeat((4 - unpadded.len() % 4) % 4));
                engine.decode(padded).ok()
            })
            .map(Zeroizing::new)
            .ok_or(KeyError::NotBase64)?;
        let key = MasterKey::from_bytes(KeyId::from_stored("env"), &decoded)
            .ok_or(KeyError::WrongLength(decoded.len()))?;
        Ok(Vault { key })
    }

    /// A fresh random key, as base64 text (for `gen-key` and the first run).
    pub fn generate_base64() -> Zeroizing<String> {
        let key = MasterKey::generate();
        Zeroizing::new(STANDARD.encode(key.expose_bytes()))
    }

    pub fn seal(&self, uid: &str, field: &str, value: &Secret) -> Sealed {
        self.key.seal(&Aad::new(uid, field), value)
    }

    /// Seals `value` for `field` into `into`, replacing what was there.
    pub fn put(&self, uid: &str, into: &mut SealedSecrets, field: &str, value: &Secret) {
        into.0
            .insert(field.to_owned(), self.seal(uid, field, value));
    }

    /// Opens one field; None when absent or undecryptable.
    pub fn open(&self, uid: &str, sealed: &SealedSecrets, field: &str) -> Option<Secret> {
        let value = sealed.0.get(field)?;
        match self.key.open(&Aad::new(uid, field), value) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(uid, field, error = %e, "a stored secret cannot be opened");
                None
            }
        }
    }

    /// Opens every field; the ones that fail are listed apart.
    pub fn open_all(&self, uid: &str, sealed: &SealedSecrets) -> (PlainSecrets, Vec<String>) {
        let mut plain = BTreeMap::new();
        let mut failed = Vec::new();
        for (field, value) in &sealed.0 {
            match self.key.open(&Aad::new(uid, field), value) {
                Ok(s) => {
                    plain.insert(field.clone(), s);
                }
                Err(_) => failed.push(field.clone()),
            }
        }
        (PlainSecrets(plain), failed)
    }

    /// Re-seals every value under `to`. Fails on the first value this key cannot open.
    pub fn reseal(
        &self,
        to: &Vault,
        uid: &str,
        sealed: &SealedSecrets,
    ) -> Result<SealedSecrets, String> {
        let mut out = BTreeMap::new();
        for (field, value) in &sealed.0 {
            let plain = self
                .key
                .open(&Aad::new(uid, field), value)
                .map_err(|e| format!("integration {uid}, field {field}: {e}"))?;
            out.insert(field.clone(), to.seal(uid, field, &plain));
        }
        Ok(SealedSecrets(out))
    }

    /// The key check value to store beside the data.
    pub fn key_check(&self) -> String {
        self.seal(
            KEY_CHECK_RECORD,
            KEY_CHECK_FIELD,
            &Secret::new(KEY_CHECK_VALUE),
        )
        .to_base64()
    }

    /// Whether a stored key check was sealed under this key.
    pub fn matches(&self, key_check: &str) -> bool {
        Sealed::from_base64(key_check)
            .ok()
            .and_then(|s| {
                self.key
                    .open(&Aad::new(KEY_CHECK_RECORD, KEY_CHECK_FIELD), &s)
                    .ok()
            })
            .is_some_and(|s| s.expose() == KEY_CHECK_VALUE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_both_base64_alphabets_with_or_without_padding() {
        let text = Vault::generate_base64();
        let vault = Vault::from_base64(&text).unwrap();
        let check = vault.key_check();
        let url = text.replace('+', "-").replace('/', "_");
        assert!(Vault::from_base64(&url).unwrap().matches(&check));
        assert!(Vault::from_base64(text.trim_end_matches('='))
            .unwrap()
            .matches(&check));
        assert!(!Vault::from_base64(&Vault::generate_base64())
            .unwrap()
            .matches(&check));
        assert!(matches!(
            Vault::from_base64("c2hvcnQ="),
            Err(KeyError::WrongLength(5))
        ));
        assert!(matches!(
            Vault::from_base64("not base64 at all!"),
            Err(KeyError::NotBase64)
        ));
    }

    #[test]
    fn sealed_values_are_bound_to_record_and_field() {
        let vault = Vault::from_base64(&Vault::generate_base64()).unwrap();
        let mut sealed = SealedSecrets::default();
        vault.put(
            "uid-1",
            &mut sealed,
            "api_key",
            &Secret::new("sk_test_canary"),
        );
        let column = sealed.to_column();
        assert!(!column.contains("canary"));
        let back = SealedSecrets::from_column(&column);
        assert_eq!(
            vault.open("uid-1", &back, "api_key").unwrap().expose(),
            "sk_test_canary"
        );
        assert!(vault.open("uid-2", &back, "api_key").is_none());
        let (_, failed) = vault.open_all("uid-2", &back);
        assert_eq!(failed, vec!["api_key".to_owned()]);
        let other = Vault::from_base64(&Vault::generate_base64()).unwrap();
        let moved = vault.reseal(&other, "uid-1", &back).unwrap();
        assert_eq!(
            other.open("uid-1", &moved, "api_key").unwrap().expose(),
            "sk_test_canary"
        );
        assert!(vault.reseal(&other, "uid-2", &back).is_err());
        assert_eq!(format!("{back:?}"), "{\"api_key\"}");
    }
}
