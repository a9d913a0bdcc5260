//! Helpers shared by the integration tests (each test file is its own crate,
//! and not every one uses every helper).
#![allow(dead_code)]

use serde_json::{Map, Value};
use switchboard_catalog::{types, validate, ValidationErrors};

/// A vault lookup that knows no stored secrets.
pub fn never(_: &str) -> bool {
    false
}

/// Every (type, provider) pair of the catalog.
pub fn all_pairs() -> Vec<(&'static str, &'static str)> {
    types()
        .iter()
        .flat_map(|t| t.providers.iter().map(move |p| (t.id, p.id)))
        .collect()
}

pub fn errors(type_id: &str, provider_id: &str, values: Map<String, Value>) -> ValidationErrors {
    validate(type_id, provider_id, &values, &never).expect_err("expected validation errors")
}

pub fn obj(value: Value) -> Map<String, Value> {
    value.as_object().expect("object").clone()
}
