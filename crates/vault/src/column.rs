//! The sealed-secrets column, as both the laptop store and the team server
//! keep it: a JSON object of field key -> base64 of the [`Sealed`] value.
//!
//! NEVER CHANGE this format: every database ever written stores it.
//! Opening is per field, so one damaged value never hides the others.

use crate::Sealed;
use std::collections::BTreeMap;

/// Sealed values by field key, in key order.
pub type SealedMap = BTreeMap<String, Sealed>;

/// Parses the column. Unparseable text reads as no values (with a warning);
/// a value whose base64 is damaged becomes an empty sealed value, which
/// fails to open like any other altered value.
pub fn parse(text: &str) -> SealedMap {
    // The base64 values are read in place (they hold no JSON escapes).
    #[derive(serde::Deserialize)]
    struct Text<'a>(#[serde(borrow)] std::borrow::Cow<'a, str>);
    let raw: BTreeMap<String, Text<'_>> = serde_json::from_str(text).unwrap_or_else(|_| {
        tracing::warn!("a secrets column is damaged and cannot be parsed");
        BTreeMap::new()
    });
    raw.into_iter()
        .map(|(k, v)| {
            let sealed =
                Sealed::from_base64(&v.0).unwrap_or_else(|_| Sealed::from_bytes(Vec::new()));
            (k, sealed)
        })
        .collect()
}

/// The column's text for `map`.
pub fn render(map: &SealedMap) -> String {
    let raw: BTreeMap<&str, String> = map
        .iter()
        .map(|(k, v)| (k.as_str(), v.to_base64()))
        .collect();
    serde_json::to_string(&raw).expect("a map of strings serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let map: SealedMap = [("api_key".to_owned(), Sealed::from_bytes(vec![1, 2, 3]))].into();
        let text = render(&map);
        assert_eq!(text, r#"{"api_key":"AQID"}"#);
        assert_eq!(parse(&text), map);
        assert!(parse("not json").is_empty());
        let damaged = parse(r#"{"k":"!!"}"#);
        assert_eq!(damaged["k"].as_bytes(), b"");
    }
}
