//! The last line of defence against leaking a secret: every outcome is
//! scrubbed against the integration's secret values before it leaves the
//! checker. Providers sometimes echo (part of) a key in an error message, and
//! a URL in a transport error may carry one; neither must reach a log.

use serde_json::Value;
use std::collections::BTreeMap;
use switchboard_vault::Secret;

use crate::outcome::Outcome;

const MASK: &str = "****";
/// Secrets at least this long are also caught when only a fragment of them
/// (this many characters in a row) is echoed.
const FRAGMENT: usize = 8;

/// Replaces every secret value (and long fragments of long ones) in the
/// message, hint and every string inside details.
pub(crate) fn scrub_outcome(outcome: &mut Outcome, secrets: &BTreeMap<String, Secret>) {
    let values: Vec<&str> = secrets
        .values()
        .map(|s| s.expose())
        .filter(|s| s.chars().count() >= 4)
        .collect();
    if values.is_empty() {
        return;
    }
    outcome.message = scrub(&outcome.message, &values);
    outcome.hint = scrub(&outcome.hint, &values);
    scrub_value(&mut outcome.details, &values);
}

fn scrub_value(value: &mut Value, secrets: &[&str]) {
    match value {
        Value::String(s) => *s = scrub(s, secrets),
        Value::Array(items) => items.iter_mut().for_each(|v| scrub_value(v, secrets)),
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                if let Some(mut v) = map.remove(&key) {
                    scrub_value(&mut v, secrets);
                    map.insert(scrub(&key, secrets), v);
                }
            }
        }
        _ => {}
    }
}

/// One string scrubbed: whole secrets first, then any word that contains a
/// run of [`FRAGMENT`] characters of a long secret.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        if out.contains(secret) {
            out = out.replace(secret, MASK);
        }
    }
    let long: Vec<Vec<char>> = secrets
        .iter()
        .filter(|s| s.chars().count() >= FRAGMENT + 4)
        .map(|s| s.chars().collect())
        .collect();
    if long.is_empty() {
        return out;
    }
    let words: Vec<&str> = out
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | '(' | ')'))
        .filter(|w| w.chars().count() >= FRAGMENT)
        .collect();
    let leaking: Vec<String> = words
        .into_iter()
        .filter(|word| {
            long.iter().any(|secret| {
                secret
                    .windows(FRAGMENT)
                    .any(|w| word.contains(&w.iter().collect::<String>()))
            })
        })
        .map(str::to_owned)
        .collect();
    for word in leaking {
        out = out.replace(&word, MASK);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_and_partial_echoes_are_masked() {
        let secrets = ["sk_test_CANARY0123456789abcdef"];
        let s = scrub(
            "Invalid API Key provided: sk_test_CANARY0123456789abcdef",
            &secrets,
        );
        assert_eq!(s, "Invalid API Key provided: ****");
        let s = scrub(
            "Incorrect API key provided: sk_test_CANARY01***cdef.",
            &secrets,
        );
        assert!(!s.contains("CANARY01"), "{s}");
        let s = scrub("nothing to see", &secrets);
        assert_eq!(s, "nothing to see");
    }

    #[test]
    fn details_are_scrubbed_recursively() {
        let mut o = Outcome::ok("fine").details(serde_json::json!({
            "a": ["x topsecretvalue1 y"], "topsecretvalue1": 1
        }));
        let mut secrets = BTreeMap::new();
        secrets.insert("k".to_string(), Secret::new("topsecretvalue1"));
        scrub_outcome(&mut o, &secrets);
        let text = o.details.to_string();
        assert!(!text.contains("topsecret"), "{text}");
    }
}
