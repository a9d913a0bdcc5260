//! RS256 JSON Web Tokens for the JWT-bearer grants (Google service accounts,
//! DocuSign), signed with the `jsonwebtoken` crate's RustCrypto backend.

use std::sync::Once;

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::Value;

/// Selects the RustCrypto backend once per process, so signing works even
/// when another crate of the app enables a second jsonwebtoken backend.
fn install_backend() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Err means a backend was already chosen: that one is used.
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
    });
}

/// Why a key could not sign (never the key itself).
#[derive(Debug)]
pub(crate) enum JwtError {
    /// The PEM is not an RSA private key.
    BadKey,
    /// Signing failed.
    Sign,
}

/// Signs `claims` with an RSA private key in PEM (PKCS#1 or PKCS#8).
pub(crate) fn rs256(
    claims: &Value,
    private_key_pem: &str,
    key_id: Option<&str>,
) -> Result<String, JwtError> {
    install_backend();
    let key =
        EncodingKey::from_rsa_pem(private_key_pem.as_bytes()).map_err(|_| JwtError::BadKey)?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = key_id.map(str::to_owned);
    encode(&header, claims, &key).map_err(|e| match e.kind() {
        jsonwebtoken::errors::ErrorKind::InvalidRsaKey(_)
        | jsonwebtoken::errors::ErrorKind::InvalidKeyFormat => JwtError::BadKey,
        _ => JwtError::Sign,
    })
}
