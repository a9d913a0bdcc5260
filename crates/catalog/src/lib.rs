//! The integration catalog: every integration type, provider and field of
//! Switchboard, declared once as `'static` data, plus the validators that judge
//! a configuration. The UI draws its forms from it, the store and the server
//! validate with it, and the vault learns from it which values are secret.
//!
//! The crate does no I/O and depends only on serde and serde_json, so it builds
//! for native targets and for wasm32 alike.
//!
//! Two product documents meet here. The first has five integration types
//! (email, whatsapp, sms, signup_page, facebook) with a provider each; the
//! second has 47 provider-level types. Here both are (type, provider) pairs:
//! [`second_document_types`] lists the second document's 47, and each
//! provider's [`Field::legacy_slot`] says which of that document's three secret
//! columns a field travels in.

#![forbid(unsafe_code)]

mod checks;
mod data;
pub mod destination;
mod model;
#[doc(hidden)]
pub mod samples;
mod validate;

pub use checks::{Check, FORM_FIELD_TYPES as SIGNUP_FORM_FIELD_TYPES};
pub use model::{
    Default, DefaultValue, Field, FieldKind, IntegrationType, LegacySlot, Provider, SelectOption,
    Source,
};
pub use validate::{mask, validate, validate_field, ValidationErrors};

/// Every integration type, first-document types first, `custom` last.
pub fn types() -> &'static [IntegrationType] {
    data::TYPES
}

/// Every integration type's id, in catalog order, joined by ", " (for
/// messages that name the known types).
pub fn type_ids() -> String {
    let ids: Vec<&str> = types().iter().map(|t| t.id).collect();
    ids.join(", ")
}

/// One integration type by id (`email`, `payments`, ...).
pub fn integration_type(id: &str) -> Option<&'static IntegrationType> {
    types().iter().find(|t| t.id == id)
}

/// A provider by id with its type. Provider ids are unique across all types,
/// so this also maps a second-document `integration_type` to its category.
pub fn find_provider(provider_id: &str) -> Option<(&'static IntegrationType, &'static Provider)> {
    types()
        .iter()
        .find_map(|t| t.provider(provider_id).map(|p| (t, p)))
}

/// One field of a (type, provider) form by key.
pub fn field(type_id: &str, provider_id: &str, key: &str) -> Option<&'static Field> {
    let ty = integration_type(type_id)?;
    ty.provider(provider_id)?.field(ty, key)
}

/// Whether a key is a secret of a (type, provider) form; unknown keys are not.
pub fn is_secret(type_id: &str, provider_id: &str, key: &str) -> bool {
    field(type_id, provider_id, key).is_some_and(|f| f.secret)
}

/// The keys of every secret field of a (type, provider) form, in form order.
pub fn secret_keys(type_id: &str, provider_id: &str) -> Vec<&'static str> {
    let Some(ty) = integration_type(type_id) else {
        return Vec::new();
    };
    let Some(provider) = ty.provider(provider_id) else {
        return Vec::new();
    };
    provider
        .fields(ty)
        .filter(|f| f.secret)
        .map(|f| f.key)
        .collect()
}

/// The second product document's `integration_type` keys that differ from
/// this catalog's provider ids: (the document's key, the catalog's id). Every
/// other one of its 47 keys is the catalog id itself.
pub const SECOND_DOCUMENT_RENAMES: &[(&str, &str)] = &[
    ("nexmo", "vonage"),
    ("do_spaces", "digitalocean_spaces"),
    ("pdf_api", "pdf_generation_api"),
    ("docu_sign", "docusign"),
    ("hello_sign", "hellosign"),
    ("webhook", "custom_webhook"),
];

/// The catalog provider id of one of the second document's
/// `integration_type` keys (its own spelling or the catalog's id).
pub fn provider_of_document_key(key: &str) -> &str {
    SECOND_DOCUMENT_RENAMES
        .iter()
        .find(|(document, _)| *document == key)
        .map_or(key, |(_, id)| id)
}

/// The second document's `integration_type` key of a catalog provider id.
pub fn document_key_of_provider(id: &str) -> &str {
    SECOND_DOCUMENT_RENAMES
        .iter()
        .find(|(_, catalog)| *catalog == id)
        .map_or(id, |(document, _)| document)
}

/// The second document's 47 integration types, each as its (category, provider).
pub fn second_document_types() -> impl Iterator<Item = (&'static IntegrationType, &'static Provider)>
{
    types().iter().flat_map(|t| {
        t.providers
            .iter()
            .filter(|p| p.source.in_second())
            .map(move |p| (t, p))
    })
}
