//! Lead capture: `POST /leads/{key}`, where a sign-up page's form posts
//! (JSON or form-encoded) with its integration's receiver key.
//!
//! - A browser may post only from the page's own origin (the origin of its
//!   `page_url`): the preflight and the answers name just that origin, and
//!   a post from any other origin is refused. Posts without an `Origin`
//!   (a server, a plain script) are taken like the page's.
//! - Each client address may post [`Settings::lead_limit`] sign-ups to one
//!   page per window, counted in the database (every replica shares it).
//! - A filled honeypot ([`form::HONEYPOT`]) is answered like a success and
//!   stored only as a refused event, so a bot learns nothing.
//! - Fields are checked against the page's `form_fields` ([`form::check`]).
//! - A lead is stored with the tag and campaign its page asks for, and its
//!   forwarding when the page forwards leads, in one transaction before
//!   the answer: 201 JSON, or for a plain HTML form (form-encoded, asking
//!   for HTML) a 303 to the page's `redirect_url`.
//!
//! [`Settings::lead_limit`]: crate::state::Settings::lead_limit

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Json};
use serde_json::{json, Map, Value};

use super::form::{self, Submission};
use super::{is_key, mask};
use crate::api::Routes;
use crate::db::{NewEvent, NewLead};
use crate::error::{Error, Second};
use crate::model::IntegrationRecord;
use crate::state::AppState;

/// The lead capture path, `{key}` being a sign-up page's receiver key.
pub const PATH: &str = "/leads/{key}";
/// The provider (and type) whose integrations capture leads.
pub const PROVIDER: &str = "signup_page";
/// The largest sign-up body taken (413 above).
pub const MAX_BODY: usize = 16 * 1024;

pub fn routes() -> Routes {
    Routes::default().add(PATH, &["POST", "OPTIONS"], post(capture).options(preflight))
}

/// The origin (`scheme://host[:port]`) of a page address, lower-cased.
pub fn origin_of(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.is_empty() || !matches!(scheme, "http" | "https") {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let authority = match (scheme, authority.rsplit_once(':')) {
        ("https", Some((host, "443"))) | ("http", Some((host, "80"))) => host.to_owned(),
        _ => authority,
    };
    Some(format!("{scheme}://{authority}"))
}

/// The sign-up page a key names, or 404 (also for other providers' keys).
async fn page(state: &AppState, key: &str) -> Result<IntegrationRecord, Error> {
    if !is_key(key) {
        return Err(Error::NotFound);
    }
    state
        .db()
        .integration_by_receiver_key(key)
        .await?
        .filter(|r| r.provider == PROVIDER)
        .ok_or(Error::NotFound)
}

/// The origin a page's browsers post from.
fn allowed_origin(record: &IntegrationRecord) -> Option<String> {
    record.setting("page_url").and_then(origin_of)
}

/// The `Origin` a browser sent, if any.
fn request_origin(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|o| o.trim().to_ascii_lowercase())
        .filter(|o| !o.is_empty())
}

/// Why a browser's origin may not post, if it may not.
fn origin_refusal(record: &IntegrationRecord, origin: Option<&str>) -> Option<String> {
    let origin = origin?;
    match allowed_origin(record) {
        Some(allowed) if allowed == origin => None,
        Some(allowed) => Some(format!(
            "This sign-up page takes sign-ups from {allowed} only, not from {origin}: set its Page URL in Switchboard to the address of the page that shows the form."
        )),
        None => Some(format!(
            "This sign-up page has no Page URL, so no browser page may post to it (this one is on {origin}): set the Page URL in Switchboard."
        )),
    }
}

/// Adds the CORS headers of an answer to `origin` (only ever the page's).
fn with_cors(mut response: Response, origin: Option<&str>) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(v) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Retry-After"),
        );
    }
    response
}

fn detail(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "detail": message.into() }))).into_response()
}

/// `OPTIONS /leads/{key}`: the browser's preflight, allowed for the page's
/// origin only.
async fn preflight(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Second> {
    let record = page(&state, &key).await?;
    let origin = request_origin(&headers);
    if let Some(why) = origin_refusal(&record, origin.as_deref()) {
        return Ok(detail(StatusCode::FORBIDDEN, why));
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type, Accept"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    Ok(with_cors(response, origin.as_deref()))
}

/// `POST /leads/{key}`.
async fn capture(
    State(state): State<AppState>,
    Path(key): Path<String>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Second> {
    let record = page(&state, &key).await?;
    let origin = request_origin(&headers);
    if let Some(why) = origin_refusal(&record, origin.as_deref()) {
        refuse(&state, &record, &why).await?;
        return Ok(detail(StatusCode::FORBIDDEN, why));
    }
    let answer = match take(&state, &record, &headers, peer, origin.clone(), body).await {
        Ok(answer) => answer,
        Err(e) => Second::from(e).into_response(),
    };
    Ok(with_cors(answer, origin.as_deref()))
}

/// Everything after the origin check; its answer gets the CORS headers.
async fn take(
    state: &AppState,
    record: &IntegrationRecord,
    headers: &HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    origin: Option<String>,
    body: Body,
) -> Result<Response, Error> {
    if record.trashed_at.is_some() || !record.is_active {
        return Ok(detail(
            StatusCode::GONE,
            "This sign-up form is closed: its sign-up page is turned off or in the Trash in Switchboard.",
        ));
    }
    let settings = state.settings();
    let address = crate::throttle::client_address(
        peer.map(|Extension(ConnectInfo(a))| a.ip()),
        headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()),
        &settings.trusted_proxies,
    )
    .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    crate::ratelimit::hit(
        state.db(),
        &format!("lead:{}:{address}", record.id),
        settings.lead_limit,
        settings.lead_window,
    )
    .await?;
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return Ok(detail(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("A sign-up may be at most {} KB.", MAX_BODY / 1024),
            ))
        }
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let submission = match parse(&content_type, &bytes) {
        Ok(s) => s,
        Err((status, why)) => return Ok(detail(status, why)),
    };
    if form::honeypot_filled(&submission) {
        refuse(
            state,
            record,
            "the hidden honeypot field was filled in: taken for a bot",
        )
        .await?;
        return Ok(accepted(record, headers, &content_type));
    }
    let empty = Value::Array(Vec::new());
    let fields = record.config.get("form_fields").unwrap_or(&empty);
    let fields = match form::check(fields, &submission) {
        Ok(f) => f,
        Err(problems) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({
                    "detail": "Some fields of the sign-up need attention.",
                    "fields": problems,
                })),
            )
                .into_response())
        }
    };
    store(state, record, fields, origin).await?;
    Ok(accepted(record, headers, &content_type))
}

/// The pairs of a JSON object or form-encoded body; or the 4xx status and why.
fn parse(content_type: &str, bytes: &[u8]) -> Result<Submission, (StatusCode, &'static str)> {
    if content_type.starts_with("application/json") {
        return match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(map.into_iter().collect()),
            _ => Err((
                StatusCode::BAD_REQUEST,
                "Send the sign-up as a JSON object of field names and values, like {\"email\": \"ann@example.com\"}.",
            )),
        };
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok(super::url_pairs(bytes)
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect());
    }
    Err((
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Send the sign-up as JSON (Content-Type: application/json) or as an ordinary form (application/x-www-form-urlencoded; a <form> without enctype does this).",
    ))
}

/// What a sign-up's poster is told when it is taken.
fn accepted(record: &IntegrationRecord, headers: &HeaderMap, content_type: &str) -> Response {
    let redirect = record.setting("redirect_url");
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if let Some(url) = redirect {
        if wants_html && content_type.starts_with("application/x-www-form-urlencoded") {
            if let Ok(location) = HeaderValue::from_str(url) {
                return (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
            }
        }
    }
    (
        StatusCode::CREATED,
        Json(json!({ "received": true, "redirect_url": redirect })),
    )
        .into_response()
}

/// Stores the lead (with its event and forwarding) and wakes the forwarder.
async fn store(
    state: &AppState,
    record: &IntegrationRecord,
    fields: Map<String, Value>,
    origin: Option<String>,
) -> Result<(), Error> {
    let text = |key: &str| record.setting(key).map(str::to_owned);
    let forward =
        record.setting("forward_url").is_some() && record.secrets.contains("forward_secret");
    let lead = NewLead {
        integration_id: record.id,
        provider: record.provider.clone(),
        website_id: record.website_id,
        fields: Value::Object(fields.clone()).to_string(),
        tag: text("apply_tag"),
        campaign_id: text("trigger_campaign_id"),
        auto_create_contact: record
            .config
            .get("auto_create_contact")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        origin,
        forward,
    };
    let (secrets, _) = state.vault().open_all(&record.uid, &record.secrets);
    let mut payload = json!({"fields": fields, "tag": lead.tag, "campaign_id": lead.campaign_id});
    mask::mask(&mut payload, &secrets.values());
    let stored = state.db().store_lead(&lead, &payload.to_string()).await?;
    tracing::info!(
        integration = record.id,
        lead = stored.id,
        forward,
        "lead received"
    );
    if forward {
        super::forward::wake();
    }
    Ok(())
}

/// Records a refused sign-up: why, never what it carried.
async fn refuse(state: &AppState, record: &IntegrationRecord, why: &str) -> Result<(), Error> {
    state
        .db()
        .store_event(&NewEvent {
            integration_id: record.id,
            provider: record.provider.clone(),
            kind: "lead".into(),
            event_id: uuid::Uuid::new_v4().to_string(),
            refused: Some(why.to_owned()),
            payload: None,
        })
        .await?;
    tracing::warn!(integration = record.id, "sign-up refused");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_without_defaults() {
        assert_eq!(
            origin_of("https://Brand.example/signup?x=1").as_deref(),
            Some("https://brand.example")
        );
        assert_eq!(
            origin_of("https://brand.example:443/a").as_deref(),
            Some("https://brand.example")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("ftp://x.example/"), None);
        assert_eq!(origin_of("brand.example"), None);
    }
}
