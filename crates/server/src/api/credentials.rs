//! Credentials for the marketing platform: `GET /api/v1/credentials/`
//! answers the decrypted settings and secrets of the active integration(s)
//! of a website and type, the product document's
//! `get_active_integration` / `get_integration_credentials`, to a service
//! token only. Admins make, list and revoke service tokens at
//! `/api/v1/service-tokens/`.
//!
//! A token names one website (or every website) and the integration types
//! it may read; anything outside that answers 404, exactly like a website
//! or type with nothing active, so a token cannot probe what exists. A user
//! token, whatever its role, gets 403: people read masked values through
//! the other APIs. Every fetch is counted against the token's rate limit
//! (in the database, shared by replicas) and audited per integration: which
//! token, which integration, which fields, never a value.

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::Json;
use serde_json::{json, Map, Value};
use switchboard_catalog::{self as catalog, LegacySlot};

use super::body::{self, Errors};
use super::{no_content, Caller, Id, JsonObject, Routes};
use crate::auth::{self, SERVICE_PREFIX};
use crate::db::{unix_now, CredentialWrite, Db, DbError};
use crate::error::{Error, Second};
use crate::model::{AuditEntry, IntegrationRecord, NewServiceToken, ServiceToken};
use crate::service;
use crate::state::AppState;

const VIA: &str = "api/v1/credentials";
/// The longest a service token may be made to live, in days.
const MAX_DAYS: i64 = 3650;

pub fn routes() -> Routes {
    Routes::default()
        .add("/api/v1/credentials/", &["GET"], get(fetch))
        .add(
            "/api/v1/service-tokens/",
            &["GET", "POST"],
            get(list).post(create),
        )
        .add("/api/v1/service-tokens/{id}/", &["DELETE"], delete(revoke))
}

/// The service token of a request: 401 without one (or with an unknown or
/// expired one), 403 for a user's token.
pub struct Service(pub ServiceToken);

impl axum::extract::FromRequestParts<AppState> for Service {
    type Rejection = Second;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Second> {
        let token = auth::bearer(parts).ok_or(Error::Unauthenticated)?;
        if !token.starts_with(SERVICE_PREFIX) {
            // A person's token: known ones are refused as such.
            auth::authenticate(state, Some(token)).await?;
            return Err(Error::Forbidden.into());
        }
        let found = auth::live_service_token(state, token)
            .await?
            .ok_or(Error::BadToken)?;
        Ok(Service(found))
    }
}

/// The names a platform may ask for an integration by: its type (email,
/// sms, ...), its provider (sendgrid, stripe, ...) and the second
/// document's key for that provider (nexmo, ...).
fn names_of(r: &IntegrationRecord) -> [&str; 3] {
    [
        r.integration_type.as_str(),
        r.provider.as_str(),
        catalog::document_key_of_provider(&r.provider),
    ]
}

/// One integration as the platform reads it: public settings and every
/// secret in plain text, with the document's api_key/secret_key/access_token
/// slots filled from the provider's fields that have them.
fn credential(state: &AppState, r: &IntegrationRecord) -> (Value, Vec<String>) {
    let (plain, unreadable) = state.vault().open_all(&r.uid, &r.secrets);
    let mut secrets = Map::new();
    for (key, value) in &plain.0 {
        secrets.insert(key.clone(), Value::String(value.expose().to_owned()));
    }
    let provider = service::lookup(&r.integration_type, &r.provider).ok();
    let mut slots = Map::new();
    for slot in LegacySlot::ALL {
        let value = provider
            .and_then(|(_, p)| p.legacy_field(slot))
            .and_then(|f| secrets.get(f.key).or_else(|| r.config.get(f.key)))
            .cloned()
            .unwrap_or(Value::Null);
        slots.insert(slot.key().to_owned(), value);
    }
    let mut fields: Vec<String> = r.config.keys().cloned().collect();
    fields.extend(plain.0.keys().cloned());
    fields.sort();
    fields.dedup();
    let body = json!({
        "id": r.id,
        "uid": r.uid,
        "website": r.website_id,
        "integration_type": r.integration_type,
        "provider": r.provider,
        "name": r.name,
        "status": r.status,
        "api_key": slots["api_key"],
        "secret_key": slots["secret_key"],
        "access_token": slots["access_token"],
        "config": r.config,
        "secrets": secrets,
        "unreadable_secrets": unreadable,
        "updated_at": r.updated_at,
    });
    (body, fields)
}

async fn fetch(
    State(state): State<AppState>,
    Service(token): Service,
    super::Pairs(query): super::Pairs,
) -> Result<Json<Value>, Second> {
    let value = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
    };
    let Some(kind) = value("type").filter(|t| !t.is_empty()) else {
        return Err(Error::field(
            "type",
            "This field is required: the integration type or provider to read, e.g. ?type=sendgrid.",
        )
        .into());
    };
    let website =
        match value("website").filter(|w| !w.is_empty()) {
            None => None,
            Some(w) => Some(w.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
                Error::field("website", "Enter the website's id, a whole number.")
            })?),
        };
    // Outside the token's scope reads like nothing there. The types are
    // checked against each integration's names, so a token for `email`
    // may ask for `sendgrid` and read the SendGrid e-mail integrations.
    if token.website_id.is_some() && token.website_id != website {
        return Err(Error::NotFound.into());
    }
    let records: Vec<IntegrationRecord> = state
        .db()
        .active_integrations(website)
        .await?
        .into_iter()
        .filter(|r| names_of(r).contains(&kind.as_str()) && token.allows(website, &names_of(r)))
        .collect();
    let mut results = Vec::with_capacity(records.len());
    let mut entries = Vec::with_capacity(records.len());
    for r in &records {
        let (body, fields) = credential(&state, r);
        results.push(body);
        entries.push(AuditEntry {
            actor_id: None,
            actor_email: format!("service token #{} ({})", token.id, token.name),
            action: "read-credentials".into(),
            integration_id: Some(r.id),
            website_id: r.website_id,
            fields,
            via: VIA.into(),
        });
    }
    // Counted (a 404 too, so probing spends the budget) and audited in one
    // group commit before anything is answered.
    let settings = state.settings();
    let now = crate::throttle::now_ms();
    let window = settings.credential_window;
    let (hits, start) = state
        .credential_writer()
        .write(CredentialWrite {
            token_id: token.id,
            scope: format!("credentials:{}", token.id),
            window: crate::ratelimit::window_ms(window),
            limit: i64::from(settings.credential_limit.max(1)),
            now,
            entries,
        })
        .await?;
    crate::ratelimit::verdict(hits, start, settings.credential_limit, window, now)?;
    if results.is_empty() {
        return Err(Error::NotFound.into());
    }
    Ok(Json(json!({
        "website": website,
        "type": kind,
        "count": results.len(),
        "results": results,
    })))
}

/// A service token as admins see it (never the token).
fn shape(t: &ServiceToken) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "website": t.website_id,
        "types": t.types,
        "expires_at": t.expires_at,
        "created_by": t.created_by,
        "created_at": t.created_at,
        "last_used_at": t.last_used_at,
    })
}

async fn list(c: Caller) -> Result<Json<Value>, Second> {
    let (state, _) = c.admin()?;
    let tokens = state.db().service_tokens().await?;
    let results: Vec<Value> = tokens.iter().map(shape).collect();
    Ok(Json(json!({"count": results.len(), "results": results})))
}

/// The integration types a token may name: the catalog's types, providers
/// and document keys, or `*`.
pub fn known_type(name: &str) -> bool {
    name == "*"
        || catalog::integration_type(name).is_some()
        || catalog::find_provider(name).is_some()
        || catalog::find_provider(catalog::provider_of_document_key(name)).is_some()
}

/// Makes a service token of a checked request (the admin API's and the
/// command line's): its stored record and the token, to be shown once.
pub async fn issue(
    db: &dyn Db,
    name: &str,
    website: Option<i64>,
    types: Vec<String>,
    expires_days: Option<i64>,
    created_by: Option<i64>,
    mut audit: AuditEntry,
) -> Result<(ServiceToken, String), DbError> {
    let (token, hash) = auth::new_service_token();
    audit.website_id = website;
    audit.fields.push(format!("name {name}"));
    let new = NewServiceToken {
        hash,
        name: name.to_owned(),
        website_id: website,
        types,
        expires_at: expires_days.map(|d| unix_now() + d * 86_400),
        created_by,
    };
    let stored = db.create_service_token(&new, &audit).await?;
    Ok((stored, token))
}

async fn create(c: Caller, JsonObject(map): JsonObject) -> Result<Response, Second> {
    let (state, user) = c.admin()?;
    let mut errors = Errors::default();
    let name = errors.required(&map, "name");
    match &name {
        Some(n) if n.is_empty() => errors.add("name", "This field may not be blank."),
        Some(n) if n.chars().count() > 100 => {
            errors.add("name", "Ensure this field has no more than 100 characters.")
        }
        _ => {}
    }
    let website = errors.take("website", body::id(&map, "website")).flatten();
    let types: Vec<String> = match map.get("types") {
        None => {
            errors.add(
                "types",
                "This field is required: a list of integration types or providers, e.g. [\"sendgrid\"], or [\"*\"] for every type.",
            );
            Vec::new()
        }
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for item in items {
                match item.as_str().map(str::trim) {
                    Some(t) if known_type(t) => out.push(t.to_owned()),
                    Some(t) => errors.add(
                        "types",
                        format!("\"{t}\" is not an integration type or provider of the catalog."),
                    ),
                    None => errors.add("types", "Each entry must be a string."),
                }
            }
            if out.is_empty() && items.is_empty() {
                errors.add("types", "Name at least one type, or \"*\" for every type.");
            }
            out.sort();
            out.dedup();
            out
        }
        Some(_) => {
            errors.add("types", "Expected a list of strings.");
            Vec::new()
        }
    };
    let expires_days = match map.get("expires_days") {
        None | Some(Value::Null) => None,
        Some(v) => {
            match v.as_i64().filter(|d| (1..=MAX_DAYS).contains(d)) {
                Some(d) => Some(d),
                None => {
                    errors.add(
                    "expires_days",
                    format!("Enter a whole number of days from 1 to {MAX_DAYS}, or null for no expiry."),
                );
                    None
                }
            }
        }
    };
    errors.into_result()?;
    if let Some(w) = website {
        if state.db().website(w).await?.is_none() {
            return Err(Error::field(
                "website",
                format!("Invalid pk \"{w}\" - object does not exist."),
            )
            .into());
        }
    }
    let audit = service::audit(&user, "create-service-token", VIA, Vec::new());
    let (stored, token) = issue(
        state.db(),
        &name.unwrap_or_default(),
        website,
        types,
        expires_days,
        Some(user.id),
        audit,
    )
    .await?;
    let mut body = shape(&stored);
    body["token"] = Value::String(token);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

async fn revoke(c: Caller, Id(id): Id) -> Result<Response, Second> {
    let (state, user) = c.admin()?;
    let audit = service::audit(&user, "revoke-service-token", VIA, Vec::new());
    if state.db().revoke_service_token(id, &audit).await? {
        Ok(no_content())
    } else {
        Err(Error::NotFound.into())
    }
}
