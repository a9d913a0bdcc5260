//! Masks secrets in a stored payload: a string equal to (or holding) one of
//! the integration's secrets, and every value under a key that names a
//! credential (token, secret, password, signature), becomes the mask that
//! shows only its last 4 characters.

use serde_json::Value;
use switchboard_catalog as catalog;

/// Key words whose values are always masked.
const SENSITIVE: [&str; 4] = ["token", "secret", "password", "signature"];

/// Whether a key names a credential.
pub fn is_sensitive(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SENSITIVE.iter().any(|word| key.contains(word))
}

/// Masks `value` in place (see the module).
pub fn mask(value: &mut Value, secrets: &[&str]) {
    match value {
        Value::String(s) => {
            let holds = secrets
                .iter()
                .any(|secret| s == secret || (secret.len() >= 8 && s.contains(secret)));
            if holds {
                *s = catalog::mask(s);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| mask(v, secrets)),
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_sensitive(key) {
                    mask_all(v);
                } else {
                    mask(v, secrets);
                }
            }
        }
        _ => {}
    }
}

/// Masks every leaf of a value (what a credential key holds).
fn mask_all(value: &mut Value) {
    match value {
        Value::String(s) => *s = catalog::mask(s),
        Value::Number(n) => *value = Value::String(catalog::mask(&n.to_string())),
        Value::Array(items) => items.iter_mut().for_each(mask_all),
        Value::Object(map) => map.values_mut().for_each(mask_all),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_and_credential_keys_are_masked() {
        let mut v = json!({
            "id": "evt_1",
            "echo": "whsec_supersecret",
            "note": "key whsec_supersecret inside",
            "client_secret": "pi_123_secret_abcdef",
            "signature": {"token": "t0k3nvalue", "timestamp": 1700000000},
            "AuthToken": "x",
            "list": ["whsec_supersecret", 5],
        });
        mask(&mut v, &["whsec_supersecret"]);
        assert_eq!(v["id"], "evt_1");
        assert_eq!(v["echo"], "*************cret");
        assert_eq!(v["note"], catalog::mask("key whsec_supersecret inside"));
        assert_eq!(v["client_secret"], "****************cdef");
        assert_eq!(v["signature"]["token"], "******alue");
        assert_eq!(v["signature"]["timestamp"], "******0000");
        assert_eq!(v["AuthToken"], "****");
        assert_eq!(v["list"][0], "*************cret");
        assert_eq!(v["list"][1], 5);
        assert!(!v.to_string().contains("supersecret"));
    }
}
