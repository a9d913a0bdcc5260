//! The website integrations API, `/api/v1/websites/integrations/` (the
//! second product document's), as
//! shared/api-contract.md describes it: a Django REST framework resource for
//! admins only, scoped to websites, with page-number pagination, masked
//! secrets and `{"<field>": ["message"]}` errors.
//!
//! Its `integration_type` is a catalog provider (stripe, sendgrid, ...), its
//! category is derived, and its `api_key`/`secret_key`/`access_token`
//! columns are the provider's fields with that legacy slot
//! ([`catalog::Provider::legacy_field`]); every other field travels in `config`.

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use switchboard_catalog::{self as catalog, LegacySlot};

use super::body::{self, Errors, REQUIRED};
use super::{no_content, Caller, Edit, Id, JsonObject, Listing, Routes, Viewing};
use crate::error::{Error, Invalid, Second};
use crate::model::{IntegrationRecord, ListFilter};
use crate::secrets::Vault;
use crate::service::{self, Check, Editing};

const VIA: &str = "api/v1";
const PATH: &str = "/api/v1/websites/integrations/";
const PAGE_SIZE: i64 = 25;

pub fn routes() -> Routes {
    let record = get(detail).put(save).patch(save).delete(remove);
    let list = get(list).post(create);
    Routes::default().resource(PATH, "/api/v1/websites/integrations/{id}/", list, record)
}

/// A website integrations `integration_type`: one of the catalog's
/// providers that the second product document knows.
/// The document's own keys (`nexmo`, `do_spaces`, ...) and the catalog's ids
/// (`vonage`, ...) are both accepted; answers use the document's.
fn provider_of(value: &str) -> Result<(&'static str, &'static str), String> {
    let id = catalog::provider_of_document_key(value);
    catalog::second_document_types()
        .find(|(_, p)| p.id == id)
        .map(|(t, p)| (t.id, p.id))
        .ok_or_else(|| format!("\"{value}\" is not a valid choice."))
}

/// The masked text of a stored value (public or secret).
fn masked(vault: &Vault, r: &IntegrationRecord, key: &str, secret: bool) -> Value {
    let text = if secret {
        vault.open(&r.uid, &r.secrets, key).map(|s| s.masked())
    } else {
        r.config.get(key).map(|v| match v {
            Value::String(s) => catalog::mask(s),
            other => catalog::mask(&other.to_string()),
        })
    };
    match text {
        Some(t) if !t.is_empty() => Value::String(t),
        _ => Value::Null,
    }
}

/// `config` as this API shows it: every field without a slot, secrets masked.
fn config_view(vault: &Vault, r: &IntegrationRecord) -> Value {
    let Ok((ty, provider)) = service::lookup(&r.integration_type, &r.provider) else {
        return Value::Object(r.config.clone());
    };
    let mut out = Map::new();
    for (key, value) in &r.config {
        if provider
            .field(ty, key)
            .is_some_and(|f| f.legacy_slot.is_some())
        {
            continue;
        }
        out.insert(key.clone(), value.clone());
    }
    for key in r.secrets.keys() {
        let field = provider.field(ty, key);
        if field.is_some_and(|f| f.legacy_slot.is_none()) {
            out.insert(key.to_owned(), masked(vault, r, key, true));
        }
    }
    Value::Object(out)
}

/// The read shape: every column, secrets masked. The slots and the config
/// are moved in (`json!` would copy each nested value through serde once
/// more).
fn read_shape(vault: &Vault, r: &IntegrationRecord) -> Value {
    let provider = service::lookup(&r.integration_type, &r.provider)
        .ok()
        .map(|(_, p)| p);
    let mut out = json!({
        "id": r.id,
        "website": r.website_id,
        "integration_type": catalog::document_key_of_provider(&r.provider),
        "is_active": r.is_active,
        "name": r.name,
        "description": r.description,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "created_by": r.created_by,
    });
    for slot in LegacySlot::ALL {
        out[slot.key()] = provider
            .and_then(|p| p.legacy_field(slot))
            .map_or(Value::Null, |f| masked(vault, r, f.key, f.secret));
    }
    out["config"] = config_view(vault, r);
    out
}

/// The write answer (create, PUT, PATCH).
fn write_shape(vault: &Vault, r: &IntegrationRecord) -> Value {
    json!({
        "id": r.id,
        "website": r.website_id,
        "integration_type": catalog::document_key_of_provider(&r.provider),
        "is_active": r.is_active,
        "config": config_view(vault, r),
        "name": r.name,
        "description": r.description,
    })
}

/// A request body read and checked for types; what is absent stays None.
#[derive(Default)]
struct Body {
    website: Option<Option<i64>>,
    provider: Option<(&'static str, &'static str)>,
    name: Option<String>,
    description: Option<String>,
    is_active: Option<bool>,
    config: Option<Map<String, Value>>,
    slots: BTreeMap<LegacySlot, Value>,
}

fn read_body(map: &Map<String, Value>, required: bool) -> Result<Body, Error> {
    let mut errors = Errors::default();
    let mut out = Body {
        website: errors.take("website", body::id(map, "website")),
        name: errors.take("name", body::string(map, "name")),
        description: errors.take("description", body::string(map, "description")),
        is_active: errors.take("is_active", body::boolean(map, "is_active")),
        config: errors.take("config", body::object(map, "config")),
        ..Body::default()
    };
    if let Some(t) = errors.take("integration_type", body::string(map, "integration_type")) {
        match provider_of(t.trim()) {
            Ok(p) => out.provider = Some(p),
            Err(m) => errors.add("integration_type", m),
        }
    }
    for slot in LegacySlot::ALL {
        match map.get(slot.key()) {
            None => {}
            Some(v @ (Value::String(_) | Value::Null)) => {
                out.slots.insert(slot, v.clone());
            }
            Some(_) => errors.add(slot.key(), "Not a valid string."),
        }
    }
    if required {
        for key in ["website", "integration_type", "name"] {
            if !map.contains_key(key) {
                errors.add(key, REQUIRED);
            }
        }
        if matches!(out.website, Some(None)) {
            errors.add("website", "This field may not be null.");
        }
    }
    errors.into_result()?;
    Ok(out)
}

/// Applies a body to an edit. Slot values go to the provider's field for
/// that slot: absent keeps, "" (or null) clears, a value replaces, and the
/// current mask sent back unchanged keeps the stored value.
fn apply(ed: &mut Editing, vault: &Vault, b: &Body) -> Result<(), Error> {
    if let Some((type_id, provider_id)) = b.provider {
        ed.record.integration_type = type_id.to_owned();
        ed.record.provider = provider_id.to_owned();
    }
    if let Some(website) = b.website {
        ed.record.website_id = website;
    }
    if let Some(name) = &b.name {
        ed.record.name = name.clone();
    }
    if let Some(d) = &b.description {
        ed.record.description = d.clone();
    }
    if let Some(a) = b.is_active {
        ed.record.is_active = a;
    }
    let (_, provider) = service::lookup(&ed.record.integration_type, &ed.record.provider)?;
    if let Some(config) = &b.config {
        // The public config is replaced, except the public fields that travel
        // in a slot column (e.g. a PayPal client id in api_key); secret keys
        // follow the secret rule.
        let slot_fields: Vec<&str> = LegacySlot::ALL
            .iter()
            .filter_map(|s| provider.legacy_field(*s).map(|f| f.key))
            .collect();
        ed.record
            .config
            .retain(|k, _| slot_fields.contains(&k.as_str()));
        for (key, value) in config {
            if LegacySlot::from_key(key).is_some() && slot_fields.contains(&key.as_str()) {
                continue;
            }
            if ed.is_secret(key) {
                ed.set_unless_mask(vault, key, value.clone());
            } else if !value.is_null() {
                ed.record.config.insert(key.clone(), value.clone());
            }
        }
    }
    for (slot, value) in &b.slots {
        match provider.legacy_field(*slot) {
            Some(field) => ed.set_unless_mask(vault, field.key, value.clone()),
            None if value.as_str().is_some_and(|s| !s.is_empty()) => {
                return Err(Error::field(
                    slot.key(),
                    format!("{} has no {}; leave it empty.", provider.label, slot.key()),
                ));
            }
            None => {}
        }
    }
    ed.check = Check::Full;
    Ok(())
}

/// Field errors keyed the way this API names things: a slot field by its slot.
fn rename_errors(e: Error, type_id: &str, provider_id: &str) -> Error {
    let Error::Invalid(inv) = e else { return e };
    let Ok((_, provider)) = service::lookup(type_id, provider_id) else {
        return Error::Invalid(inv);
    };
    let fields: BTreeMap<String, String> = inv
        .fields
        .into_iter()
        .map(|(key, message)| {
            let slot = LegacySlot::ALL
                .into_iter()
                .find(|s| provider.legacy_field(*s).is_some_and(|f| f.key == key));
            let key = match (slot, key.as_str()) {
                (Some(s), _) => s.key().to_owned(),
                (None, "provider") => "integration_type".to_owned(),
                _ => key,
            };
            (key, message)
        })
        .collect();
    Error::Invalid(Invalid {
        message: inv.message,
        fields,
    })
}

async fn list(c: Caller, listing: Listing) -> Result<Json<Value>, Second> {
    let (state, user) = c.admin()?;
    let mut filter = ListFilter::for_user(&user);
    let mut errors = Errors::default();
    for (key, value) in &listing.query {
        match key.as_str() {
            "website" if !value.is_empty() => match value.parse() {
                Ok(id) => filter.website_id = Some(id),
                Err(_) => errors.add("website", "Enter a whole number."),
            },
            "integration_type" if !value.is_empty() => match provider_of(value) {
                Ok((_, p)) => filter.provider = Some(p.to_owned()),
                Err(_) => errors.add(
                    "integration_type",
                    format!("Select a valid choice. {value} is not one of the available choices."),
                ),
            },
            super::trash::PARAM => match super::trash::included(&listing.query) {
                Ok(b) => filter.include_trashed = b,
                Err(m) => errors.add(super::trash::PARAM, m),
            },
            "is_active" if !value.is_empty() => {
                match body::boolean(&Map::from_iter([(key.clone(), json!(value))]), key) {
                    Some(Ok(b)) => filter.is_active = Some(b),
                    _ => errors.add("is_active", "Enter a valid boolean."),
                }
            }
            _ => {}
        }
    }
    errors.into_result()?;
    let mut page = listing.page(PAGE_SIZE)?;
    let (count, records) = if page.is_last() {
        // "last" needs the count first to know its offset.
        let count = state.db().count_integrations(&filter).await?;
        page.settle(count)?;
        filter.limit = Some(page.size);
        filter.offset = page.offset();
        (count, state.db().list_integrations(&filter).await?)
    } else {
        filter.limit = Some(page.size);
        filter.offset = page.offset();
        let (count, records) = state.db().integration_page(&filter).await?;
        page.settle(count)?;
        (count, records)
    };
    let vault = state.vault();
    let results = records
        .iter()
        .map(|r| {
            let mut row = read_shape(vault, r);
            super::trash::mark(&mut row, r);
            row
        })
        .collect();
    Ok(Json(listing.answer(&page, count, results, PATH)))
}

async fn create(c: Caller, JsonObject(map): JsonObject) -> Result<Response, Second> {
    let (state, user) = c.admin()?;
    let mut b = read_body(&map, true)?;
    if b.is_active.is_none() {
        b.is_active = Some(true);
    }
    let (type_id, provider_id) = b.provider.expect("required and checked");
    let mut record = service::blank(&user, type_id, provider_id);
    // The website integrations API has no configure step: what it saves is in use
    // (or switched off).
    record.status = if b.is_active == Some(false) {
        crate::model::Status::Inactive
    } else {
        crate::model::Status::Active
    };
    record.configured = true;
    let mut editing = Editing::new(record, Check::Full);
    let vault = state.vault();
    apply(&mut editing, vault, &b).map_err(|e| rename_errors(e, type_id, provider_id))?;
    let record = service::create(&state, &user, editing, VIA)
        .await
        .map_err(|e| rename_errors(e, type_id, provider_id))?;
    Ok((StatusCode::CREATED, Json(write_shape(vault, &record))).into_response())
}

async fn detail(viewing: Viewing) -> Result<Json<Value>, Second> {
    let (state, _, record) = viewing.admin()?;
    let mut body = read_shape(state.vault(), &record);
    record.add_dates(&mut body);
    super::trash::mark(&mut body, &record);
    Ok(Json(body))
}

/// PUT (the required fields must be given) and PATCH.
async fn save(c: Caller, method: Method, Edit(id, map): Edit) -> Result<Json<Value>, Second> {
    let (state, user) = c.admin()?;
    let b = read_body(&map, method == Method::PUT)?;
    let vault = state.vault();
    let names = std::sync::Mutex::new((String::new(), String::new()));
    let result = service::modify(&state, &user, id, VIA, "update", |ed| {
        *names.lock().expect("not poisoned") = match b.provider {
            Some((t, p)) => (t.to_owned(), p.to_owned()),
            None => (
                ed.record.integration_type.clone(),
                ed.record.provider.clone(),
            ),
        };
        apply(ed, vault, &b)
    })
    .await;
    let (t, p) = names.into_inner().expect("not poisoned");
    let record = result.map_err(|e| rename_errors(e, &t, &p))?;
    Ok(Json(write_shape(vault, &record)))
}

async fn remove(c: Caller, Id(id): Id) -> Result<Response, Second> {
    let (state, user) = c.admin()?;
    service::delete(&state, &user, id, VIA).await?;
    Ok(no_content())
}
