//! [`RecoveryKey`]: 256 random bits shown once, as 52 Crockford base32
//! characters in groups of four, when a vault is created or its key rotated.
//! It unwraps the master key when the keyring and the passphrase are gone.

use crate::{Result, VaultError};
use rand::RngCore;
use std::fmt;
use zeroize::Zeroizing;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CHARS: usize = 52;

/// A recovery key. Debug prints a mask; [`RecoveryKey::display_once`] gives the text.
#[derive(Clone)]
pub struct RecoveryKey(Zeroizing<[u8; 32]>);

impl RecoveryKey {
    /// A fresh random recovery key.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        RecoveryKey(bytes)
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The text to show the user (once): `XXXX-XXXX-...`, 13 groups.
    pub fn display_once(&self) -> String {
        let mut chars = Vec::with_capacity(CHARS);
        let mut acc: u32 = 0;
        let mut bits = 0;
        for &b in self.0.iter() {
            acc = (acc << 8) | u32::from(b);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                chars.push(ALPHABET[((acc >> bits) & 31) as usize]);
            }
        }
        if bits > 0 {
            chars.push(ALPHABET[((acc << (5 - bits)) & 31) as usize]);
        }
        chars
            .chunks(4)
            .map(|c| std::str::from_utf8(c).expect("ascii"))
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Parses what the user typed: case, dashes and spaces do not matter, and
    /// the look-alikes O, I and L are read as 0, 1 and 1.
    pub fn parse(text: &str) -> Result<Self> {
        let mut out = Zeroizing::new([0u8; 32]);
        let mut acc: u32 = 0;
        let mut bits = 0;
        let mut n = 0usize;
        let mut count = 0usize;
        for c in text.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            let Some(v) = ALPHABET.iter().position(|&a| a as char == c) else {
                return Err(VaultError::MalformedRecoveryKey(
                    "it may only contain the letters and digits it was shown with",
                ));
            };
            count += 1;
            if count > CHARS {
                return Err(VaultError::MalformedRecoveryKey(
                    "it is longer than 52 characters",
                ));
            }
            acc = (acc << 5) | v as u32;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                if n < 32 {
                    out[n] = (acc >> bits) as u8;
                }
                n += 1;
            }
        }
        if count != CHARS {
            return Err(VaultError::MalformedRecoveryKey(
                "it should have 52 characters",
            ));
        }
        if acc & ((1 << bits) - 1) != 0 {
            return Err(VaultError::MalformedRecoveryKey(
                "its last character is not valid",
            ));
        }
        Ok(RecoveryKey(out))
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips_with_typing_slack() {
        let key = RecoveryKey::generate();
        let text = key.display_once();
        assert_eq!(text.len(), 52 + 12);
        let sloppy = text.to_lowercase().replace('-', " ");
        assert_eq!(RecoveryKey::parse(&sloppy).unwrap().bytes(), key.bytes());
        assert_eq!(RecoveryKey::parse(&text).unwrap().bytes(), key.bytes());
    }

    #[test]
    fn malformed_keys_are_named() {
        assert!(RecoveryKey::parse("ABCD").is_err());
        assert!(RecoveryKey::parse(&"U".repeat(52)).is_err());
        let text = RecoveryKey::generate().display_once() + "0";
        assert!(RecoveryKey::parse(&text).is_err());
        assert!(!format!("{:?}", RecoveryKey::generate()).contains('-'));
    }
}
