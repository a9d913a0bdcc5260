//! Sealing and opening the values of the `secrets` column (its format is
//! `switchboard_vault::column`). Opening is per field, so one damaged value
//! never hides the others.

use crate::model::SecretView;
use std::collections::BTreeMap;
use switchboard_vault::{Aad, Sealed, Sealer, Secret};

pub(crate) use switchboard_vault::column::SealedMap;

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
