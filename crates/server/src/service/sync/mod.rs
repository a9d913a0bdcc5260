//! The sync protocol (docs/sync.md): pull pages of changes by sequence
//! number, and push batches merged field by field against the revision the
//! laptop last saw, applied all or nothing and answered once per batch id.
//! Validation and sealing are the same as the other APIs' ([`Editing`]).

mod merge;
mod plan;
mod pull;
mod push;

pub use pull::pull;
pub use push::push;

use std::collections::BTreeMap;
use switchboard_sync_proto::{PushOutcome, PushResult};

pub(super) const VIA: &str = "api/v1/sync";

pub(super) fn result(uid: &str, outcome: PushOutcome) -> PushResult {
    PushResult {
        uid: uid.to_owned(),
        outcome,
        revision: None,
        id: None,
        conflicts: Vec::new(),
        message: None,
        fields: BTreeMap::new(),
    }
}

pub(super) fn invalid(
    uid: &str,
    message: impl Into<String>,
    fields: BTreeMap<String, String>,
) -> PushResult {
    let mut r = result(uid, PushOutcome::Invalid);
    r.message = Some(message.into());
    r.fields = fields;
    r
}

pub(super) fn invalid_field(uid: &str, field: &str, message: impl Into<String>) -> PushResult {
    let message = message.into();
    invalid(
        uid,
        message.clone(),
        BTreeMap::from([(field.to_owned(), message)]),
    )
}
