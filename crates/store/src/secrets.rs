//! The `secrets` column: a JSON object of field key -> base64 sealed value.
//! Opening is per field, so one damaged value never hides the others.

use crate::model::SecretView;
use crate::Result;
use std::collections::BTreeMap;
use switchboard_vault::{Aad, Sealed, Sealer, Secret};

pub(crate) type SealedMap = BTreeMap<String, Sealed>;

/// Parses the column. A value whose base64 is damaged becomes an empty
/// sealed value, which fails to open like any other altered value.
pub(crate) fn parse_column(text: &str) -> Result<SealedMap> {
    let raw: BTreeMap<String, String> = serde_json::from_str(text).unwrap_or_else(|_| {
        tracing::warn!("a secrets column is damaged and cannot be parsed");
        BTreeMap::new()
    });
    Ok(raw
        .into_iter()
        .map(|(k, v)| {
            let sealed = Sealed::from_base64(&v).unwrap_or_else(|_| Sealed::from_bytes(Vec::new()));
            (k, sealed)
        })
        .collect())
}

pub(crate) fn to_column(map: &SealedMap) -> String {
    let raw: BTreeMap<&str, String> = map
        .iter()
        .map(|(k, v)| (k.as_str(), v.to_base64()))
        .collect();
    serde_json::to_string(&raw).expect("a map of strings serializes")
}

pub(crate) fn seal(sealer: &dyn Sealer, id: &str, field: &str, value: &Secret) -> Sealed {
    sealer.seal(&Aad::new(id, field), value)
}

pub(crate) fn open(
    sealer: &dyn Sealer,
    id: &str,
    field: &str,
    value: &Sealed,
) -> switchboard_vault::Result<Secret> {
    sealer.open(&Aad::new(id, field), value)
}

/// Opens every field to show its mask; a field that fails says so alone.
pub(crate) fn views(
    sealer: &dyn Sealer,
    id: &str,
    map: &SealedMap,
) -> BTreeMap<String, SecretView> {
    map.iter()
        .map(|(field, sealed)| {
            let view = match open(sealer, id, field, sealed) {
                Ok(secret) => SecretView::Set {
                    masked: secret.masked(),
                },
                Err(e) => SecretView::Undecryptable {
                    message: e.to_string(),
                },
            };
            (field.clone(), view)
        })
        .collect()
}
