//! The integrations API, `/api/integrations/...` (the first product
//! document's), as
//! shared/api-contract.md describes it: list with the type filter, create,
//! detail, update, delete, the five configure routes, test, logs and stats.
//! Errors are `{"error": "..."}` (plus `fields` for validation). Secrets are
//! accepted but never returned, not even masked.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Json;
use serde_json::{json, Map, Value};
use switchboard_catalog as catalog;

use super::body::{self, Errors, REQUIRED};
use super::{Caller, Edit, Id, JsonObject, Routes, Viewing};
use crate::error::{Error, First};
use crate::model::{IntegrationRecord, ListFilter, Status};
use crate::service::{self, Check, Editing};

const VIA: &str = "api/integrations";

/// The integrations API's five types, always present in `stats.by_type`.
const FIRST_TYPES: [&str; 5] = ["email", "whatsapp", "sms", "signup_page", "facebook"];

/// The configure routes, each bound to its integration type.
const CONFIGURE: [(&str, &str); 5] = [
    ("/api/integrations/{id}/configure/email/", "email"),
    ("/api/integrations/{id}/configure/whatsapp/", "whatsapp"),
    ("/api/integrations/{id}/configure/sms/", "sms"),
    ("/api/integrations/{id}/configure/signup/", "signup_page"),
    ("/api/integrations/{id}/configure/facebook/", "facebook"),
];

pub fn routes() -> Routes {
    let mut routes = Routes::default()
        .add(
            "/api/integrations/",
            &["GET", "POST"],
            get(list).post(create),
        )
        .add("/api/integrations/stats/", &["GET"], get(stats))
        .add(
            "/api/integrations/{id}/",
            &["GET", "PUT", "DELETE"],
            get(detail).put(update).delete(remove),
        );
    for (path, type_id) in CONFIGURE {
        let handler = move |c: Caller, edit: Edit| configure(c, edit, type_id);
        routes = routes.add(path, &["POST"], post(handler));
    }
    routes
        .add("/api/integrations/{id}/test/", &["POST"], post(test))
        .add("/api/integrations/{id}/logs/", &["GET"], get(logs))
}

fn summary(r: &IntegrationRecord) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "integration_type": r.integration_type,
        "provider": r.provider,
        "status": r.status,
        "is_active": r.is_active,
        "last_sync_at": r.last_sync_at,
        "error_count": r.error_count,
        "created_at": r.created_at,
    })
}

/// `specific_config`: `{}` until configured, then the type's public keys.
fn specific_config(r: &IntegrationRecord) -> Value {
    if !r.configured {
        return json!({});
    }
    let keys = catalog::integration_type(&r.integration_type)
        .map(|t| t.specific_config_keys)
        .unwrap_or(&[]);
    let map: Map<String, Value> = keys
        .iter()
        .map(|key| {
            let value = if *key == "provider" {
                Value::String(r.provider.clone())
            } else {
                r.config.get(*key).cloned().unwrap_or(Value::Null)
            };
            ((*key).to_owned(), value)
        })
        .collect();
    Value::Object(map)
}

async fn list(
    Caller(state, user): Caller,
    super::Pairs(query): super::Pairs,
) -> Result<Json<Value>, First> {
    let mut filter = ListFilter::for_user(&user);
    if let Some((_, t)) = query.iter().find(|(k, _)| k == "type") {
        if !t.is_empty() {
            if catalog::integration_type(t).is_none() {
                return Err(Error::field(
                    "type",
                    format!(
                        "Unknown integration type '{t}'. Known types: {}.",
                        catalog::type_ids()
                    ),
                )
                .into());
            }
            filter.integration_type = Some(t.clone());
        }
    }
    filter.include_trashed =
        super::trash::included(&query).map_err(|m| Error::field(super::trash::PARAM, m))?;
    let (limit, offset) = page_of(&query)?;
    // One row more than the page tells whether there is a next one.
    filter.limit = Some(limit + 1);
    filter.offset = offset;
    let mut records = state.db().list_integrations(&filter).await?;
    let more = records.len() as i64 > limit;
    records.truncate(limit as usize);
    let list: Vec<Value> = records
        .iter()
        .map(|r| {
            let mut row = summary(r);
            super::trash::mark(&mut row, r);
            row
        })
        .collect();
    let mut answer = json!({ "integrations": list });
    if more {
        let mut next = format!("/api/integrations/?limit={limit}&offset={}", offset + limit);
        if let Some(t) = &filter.integration_type {
            next.push_str(&format!("&type={t}"));
        }
        if filter.include_trashed {
            next.push_str("&include_trashed=true");
        }
        answer["next"] = Value::String(next);
    }
    Ok(Json(answer))
}

/// Rows of the list per answer unless `?limit=` says (the original answers
/// every row; lists up to this size look exactly the same).
pub const LIST_DEFAULT_LIMIT: i64 = 500;
/// The largest `?limit=`.
pub const LIST_MAX_LIMIT: i64 = 1000;

/// `?limit=` (1 to [`LIST_MAX_LIMIT`], default [`LIST_DEFAULT_LIMIT`]) and
/// `?offset=` (0 or more) of the list.
fn page_of(query: &[(String, String)]) -> Result<(i64, i64), Error> {
    let number = |key: &str| {
        query
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.trim().parse::<i64>())
    };
    let limit = match number("limit") {
        None => LIST_DEFAULT_LIMIT,
        Some(Ok(n)) if (1..=LIST_MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return Err(Error::field(
                "limit",
                format!("Enter a whole number from 1 to {LIST_MAX_LIMIT}."),
            ))
        }
    };
    let offset = match number("offset") {
        None => 0,
        Some(Ok(n)) if n >= 0 => n,
        Some(_) => return Err(Error::field("offset", "Enter a whole number, 0 or more.")),
    };
    Ok((limit, offset))
}

async fn create(
    Caller(state, user): Caller,
    JsonObject(body): JsonObject,
) -> Result<impl IntoResponse, First> {
    let mut errors = Errors::default();
    let type_id = errors.take("integration_type", body::string(&body, "integration_type"));
    let name = errors.take("name", body::string(&body, "name"));
    let provider = errors.take("provider", body::string(&body, "provider"));
    let config = errors
        .take("config", body::object(&body, "config"))
        .unwrap_or_default();
    let description = errors.take("description", body::string(&body, "description"));
    let website = errors.take("website", body::id(&body, "website")).flatten();
    match &type_id {
        Some(t) if !t.trim().is_empty() => {}
        _ => errors.add("integration_type", REQUIRED),
    }
    match &name {
        Some(n) if !n.trim().is_empty() => {}
        _ => errors.add("name", REQUIRED),
    }
    errors.into_result()?;
    let type_id = type_id.unwrap_or_default().trim().to_ascii_lowercase();
    let provider = match provider.map(|p| p.trim().to_ascii_lowercase()) {
        Some(p) if !p.is_empty() => p,
        _ => catalog::integration_type(&type_id)
            .map(|t| t.default_provider().id.to_owned())
            .unwrap_or_default(),
    };
    service::lookup(&type_id, &provider)?;
    let mut record = service::blank(&user, &type_id, &provider);
    record.name = name.unwrap_or_default().trim().to_owned();
    record.description = description.unwrap_or_default();
    record.website_id = website;
    let mut editing = Editing::new(record, Check::Partial);
    editing.set_all(config);
    let record = service::create(&state, &user, editing, VIA).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": record.id,
            "name": record.name,
            "integration_type": record.integration_type,
            "status": record.status,
        })),
    ))
}

async fn detail(viewing: Viewing) -> Result<Json<Value>, First> {
    let (_, _, r) = viewing.visible()?;
    // The list's summary and what only the detail shows.
    let mut body = summary(&r);
    body["config"] = Value::Object(r.config.clone());
    body["specific_config"] = specific_config(&r);
    body["last_error"] = json!(r.last_error);
    r.add_dates(&mut body);
    super::trash::mark(&mut body, &r);
    Ok(Json(body))
}

/// PUT: any of name, provider, status, is_active, config. Config keys given
/// replace the stored ones (null removes one); keys not given stay.
async fn update(Caller(state, user): Caller, Edit(id, body): Edit) -> Result<Json<Value>, First> {
    let mut errors = Errors::default();
    let name = errors.take("name", body::string(&body, "name"));
    let provider = errors.take("provider", body::string(&body, "provider"));
    let status = errors
        .take("status", body::string(&body, "status"))
        .and_then(|s| match s.trim().parse::<Status>() {
            Ok(st) => Some(st),
            Err(m) => {
                errors.add("status", m);
                None
            }
        });
    let is_active = errors.take("is_active", body::boolean(&body, "is_active"));
    let config = errors.take("config", body::object(&body, "config"));
    let description = errors.take("description", body::string(&body, "description"));
    if name.as_ref().is_some_and(|n| n.trim().is_empty()) {
        errors.add("name", "This field may not be blank.");
    }
    errors.into_result()?;
    let record = service::modify(&state, &user, id, VIA, "update", |ed| {
        if let Some(p) = &provider {
            let p = p.trim().to_ascii_lowercase();
            service::lookup(&ed.record.integration_type, &p)?;
            ed.record.provider = p;
        }
        if let Some(n) = &name {
            ed.record.name = n.trim().to_owned();
        }
        if let Some(d) = &description {
            ed.record.description = d.clone();
        }
        if let Some(s) = status {
            ed.record.status = s;
        }
        if let Some(a) = is_active {
            ed.record.is_active = a;
        }
        if let Some(c) = &config {
            ed.set_all(c.clone());
        }
        Ok(())
    })
    .await?;
    Ok(Json(json!({
        "id": record.id,
        "name": record.name,
        "status": record.status,
        "is_active": record.is_active,
    })))
}

async fn remove(Caller(state, user): Caller, Id(id): Id) -> Result<Json<Value>, First> {
    service::delete(&state, &user, id, VIA).await?;
    Ok(Json(json!({"success": true})))
}

/// Body keys that belong to another provider of the same type and carry
/// nothing (blank, or that field's default): a form for the whole type sends
/// them, and they mean "not used" rather than a mistake.
fn drop_unused(type_id: &str, provider_id: &str, values: Map<String, Value>) -> Map<String, Value> {
    let Ok((ty, provider)) = service::lookup(type_id, provider_id) else {
        return values;
    };
    values
        .into_iter()
        .filter(|(key, value)| {
            if provider.field(ty, key).is_some() {
                return true;
            }
            let other = ty.providers.iter().find_map(|p| p.field(ty, key));
            match other {
                Some(field) => {
                    let blank =
                        value.is_null() || value.as_str().is_some_and(|s| s.trim().is_empty());
                    let default = field.default_json().is_some_and(|d| &d == value);
                    !(blank || default)
                }
                None => true,
            }
        })
        .collect()
}

async fn configure(c: Caller, edit: Edit, type_id: &'static str) -> Result<Json<Value>, First> {
    let (Caller(state, user), Edit(id, mut body)) = (c, edit);
    let provider = match body.remove("provider") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.trim().to_ascii_lowercase()),
        Some(_) => return Err(Error::field("provider", "Not a valid string.").into()),
    };
    let record = service::modify(&state, &user, id, VIA, "configure", |ed| {
        if ed.record.integration_type != type_id {
            return Err(Error::NotFound);
        }
        if let Some(p) = &provider {
            service::lookup(type_id, p)?;
            ed.record.provider = p.clone();
        }
        let values = drop_unused(type_id, &ed.record.provider, body.clone());
        ed.check = Check::Full;
        ed.replace_config(values);
        ed.record.configured = true;
        ed.record.status = Status::Active;
        ed.record.is_active = true;
        Ok(())
    })
    .await?;
    Ok(Json(json!({
        "success": true,
        "integration_id": record.id,
        // One record holds the integration and its configuration.
        "config_id": record.id,
    })))
}

async fn test(Caller(state, user): Caller, Id(id): Id) -> Result<Json<Value>, First> {
    let (success, message) = service::test(&state, &user, id).await?;
    Ok(Json(json!({"success": success, "message": message})))
}

async fn logs(Caller(state, user): Caller, Id(id): Id) -> Result<Json<Value>, First> {
    service::visible(&state, &user, id).await?;
    let logs = state.db().logs(id, 50).await?;
    Ok(Json(json!({ "logs": logs })))
}

async fn stats(Caller(state, user): Caller) -> Result<Json<Value>, First> {
    let stats = state.db().stats(&ListFilter::for_user(&user)).await?;
    let mut by_type = Map::new();
    for type_id in FIRST_TYPES {
        by_type.insert(type_id.to_owned(), json!(0));
    }
    for (type_id, n) in &stats.by_type {
        by_type.insert(type_id.clone(), json!(n));
    }
    Ok(Json(json!({
        "total": stats.total,
        "active": stats.active,
        "inactive": stats.total - stats.active,
        "error": stats.error,
        "by_type": by_type,
    })))
}
