//! Webhook receivers: the public `GET`/`POST /hooks/{key}`, where providers
//! deliver events for one integration. The key (see [`new_key`]) is an
//! unguessable path segment stored in the database, so every replica
//! answers the same path. A request is verified with the integration's
//! stored secret by its provider family ([`Family`], one module each);
//! each genuine event is stored once ([`crate::db::WebhookStore`], in a
//! group commit: [`crate::group_commit::EventWriter`]), a
//! refused request is recorded with why (never a payload) and answered 4xx.
//!
//! Dispatch is by the integration's provider: other entry points on the
//! same key (the sign-up page's `/leads/<key>`) look the integration up with
//! [`crate::db::WebhookStore::integration_by_receiver_key`] and add a
//! family here.

pub(crate) mod doc;
mod email;
mod form;
pub mod forward;
pub mod leads;
pub mod mask;
mod meta;
pub mod samples;
mod stripe;
mod twilio;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use switchboard_providers::webhooks::WebhookError;
use switchboard_vault::Secret;

use crate::api::Routes;
use crate::db::{EventRecord, NewEvent};
use crate::error::{Error, Second};
use crate::model::IntegrationRecord;
use crate::secrets::PlainSecrets;
use crate::state::AppState;

/// The receivers' path, `{key}` being an integration's receiver key.
pub const PATH: &str = "/hooks/{key}";
/// The header an accepted delivery's answer lists the stored event row ids in.
pub const EVENTS_HEADER: &str = "x-switchboard-events";
/// How far a signed timestamp may be from now (Stripe's default; Mailgun too).
pub const TOLERANCE_SECS: u64 = 300;

pub fn routes() -> Routes {
    Routes::default()
        .add(PATH, &["GET", "POST"], get(receive).post(receive))
        .merge(leads::routes())
}

/// A new receiver key: 32 random bytes, base64url without padding (43 characters).
pub fn new_key() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether a path segment can be a receiver key (checked before the database is asked).
pub fn is_key(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The providers whose webhooks Switchboard receives, by how they sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Facebook Lead Ads / Messenger and WhatsApp Cloud: X-Hub-Signature-256.
    Meta,
    /// Twilio status callbacks: X-Twilio-Signature over the public URL.
    Twilio,
    /// Stripe events: Stripe-Signature.
    Stripe,
    /// SendGrid's Event Webhook: ECDSA P-256.
    SendGrid,
    /// Mailgun: the signature object in the body.
    Mailgun,
}

impl Family {
    /// The family of a catalog provider id, if Switchboard receives its webhooks.
    pub fn of(provider: &str) -> Option<Family> {
        Some(match provider {
            "facebook" | "whatsapp" => Family::Meta,
            "twilio" => Family::Twilio,
            "stripe" => Family::Stripe,
            "sendgrid" => Family::SendGrid,
            "mailgun" => Family::Mailgun,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Meta => "meta",
            Family::Twilio => "twilio",
            Family::Stripe => "stripe",
            Family::SendGrid => "sendgrid",
            Family::Mailgun => "mailgun",
        }
    }

    /// The secret field a delivery is verified with.
    pub fn secret_key(self) -> &'static str {
        match self {
            Family::Meta => "app_secret",
            Family::Twilio => "auth_token",
            Family::Stripe => "webhook_secret",
            Family::SendGrid => "webhook_verification_key",
            Family::Mailgun => "webhook_signing_key",
        }
    }
}

/// A request to a receiver, as received.
pub struct Incoming {
    pub method: Method,
    /// The raw query string (without `?`), empty if none.
    pub raw_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The public URL the provider called: the public base, the path and
    /// the query as received (Twilio signs it).
    pub url: String,
}

impl Incoming {
    /// A header's value as text (empty when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The decoded query pairs.
    pub fn query(&self) -> Vec<(String, String)> {
        url_pairs(self.raw_query.as_bytes())
    }
}

/// The decoded pairs of an urlencoded text (a query or a form body).
pub fn url_pairs(raw: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(raw).into_owned().collect()
}

/// The integration a delivery is for, with its secrets opened.
pub struct Hook<'a> {
    pub state: &'a AppState,
    pub record: &'a IntegrationRecord,
    pub secrets: PlainSecrets,
    /// Unix seconds.
    pub now: u64,
}

impl Hook<'_> {
    /// A secret's value (empty when not set).
    pub fn secret(&self, key: &str) -> &str {
        self.secrets.0.get(key).map(Secret::expose).unwrap_or("")
    }

    /// Every secret value, for masking.
    pub fn secret_values(&self) -> Vec<&str> {
        self.secrets.values()
    }
}

/// One genuine event of a delivery.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: String,
    /// The provider's id for it (dedupe key).
    pub id: String,
    /// What is stored (masked before it is).
    pub payload: Value,
}

/// What a family makes of a verified request.
pub enum Received {
    /// Meta's subscription handshake: answer 200 with exactly this text.
    Challenge(String),
    /// Genuine events, to store once each.
    Events(Vec<Event>),
}

/// Why a request was refused, with the status it is answered.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub reason: String,
}

impl Refusal {
    pub fn new(status: StatusCode, reason: impl Into<String>) -> Refusal {
        Refusal {
            status,
            reason: reason.into(),
        }
    }

    /// A verifier's error: 400 for a malformed or stale request, 403 for a
    /// signature that does not match or cannot be checked.
    pub fn signature(e: WebhookError) -> Refusal {
        let status = match e {
            WebhookError::Malformed(_) | WebhookError::Expired { .. } => StatusCode::BAD_REQUEST,
            _ => StatusCode::FORBIDDEN,
        };
        Refusal::new(status, e.to_string())
    }

    fn answer(&self) -> Response {
        (self.status, Json(json!({ "detail": self.reason }))).into_response()
    }
}

/// The hex SHA-256 of bytes: the dedupe id of an event without its own.
pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The body as JSON, or a refusal saying it is not.
pub fn json_body(body: &[u8]) -> Result<Value, Refusal> {
    serde_json::from_slice(body).map_err(|e| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("The signature matched, but the body is not JSON ({e})."),
        )
    })
}

/// The public base URL (`--public-url`, else the request's Host).
pub fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    match &state.settings().public_url {
        Some(url) => url.clone(),
        None => crate::api::base_url(headers),
    }
}

fn gone(message: &str) -> Response {
    (StatusCode::GONE, Json(json!({ "detail": message }))).into_response()
}

/// `GET`/`POST /hooks/{key}`.
async fn receive(
    State(state): State<AppState>,
    Path(key): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Second> {
    if !is_key(&key) {
        return Err(Error::NotFound.into());
    }
    let record = state
        .db()
        .integration_by_receiver_key(&key)
        .await?
        .ok_or(Error::NotFound)?;
    if record.trashed_at.is_some() {
        return Ok(gone(
            "This integration is in the Trash: restore it in Switchboard to receive events again.",
        ));
    }
    if !record.is_active {
        return Ok(gone(
            "This integration is turned off: turn it on in Switchboard to receive events.",
        ));
    }
    let Some(family) = Family::of(&record.provider) else {
        return Err(Error::NotFound.into());
    };
    let raw_query = uri.query().unwrap_or("").to_owned();
    let mut url = format!("{}{}", public_base(&state, &headers), uri.path());
    if !raw_query.is_empty() {
        url = format!("{url}?{raw_query}");
    }
    let incoming = Incoming {
        method,
        raw_query,
        headers,
        body,
        url,
    };
    let (secrets, _) = state.vault().open_all(&record.uid, &record.secrets);
    let hook = Hook {
        state: &state,
        record: &record,
        secrets,
        now: crate::db::unix_now().max(0) as u64,
    };
    Ok(deliver(&hook, family, &incoming).await?)
}

/// Verifies a delivery, stores its events (or the refusal) and answers.
async fn deliver(hook: &Hook<'_>, family: Family, req: &Incoming) -> Result<Response, Error> {
    let verdict = match (family, &req.method) {
        (Family::Meta, &Method::GET) => meta::handshake(hook, req),
        (_, &Method::POST) => match family {
            Family::Meta => meta::receive(hook, req).await,
            Family::Twilio => twilio::receive(hook, req),
            Family::Stripe => stripe::receive(hook, req),
            Family::SendGrid => email::sendgrid(hook, req),
            Family::Mailgun => email::mailgun(hook, req),
        },
        _ => return Err(Error::MethodNotAllowed),
    };
    match verdict {
        Ok(Received::Challenge(text)) => {
            Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
        }
        Ok(Received::Events(events)) => {
            let stored = store(hook, family, events).await?;
            Ok(acknowledge(family, &stored))
        }
        Err(refusal) => {
            record_refusal(hook, family, &refusal).await?;
            Ok(refusal.answer())
        }
    }
}

/// Stores each event once, with other deliveries' events in one group
/// commit (answered once durable); the stored rows and whether each is new.
async fn store(
    hook: &Hook<'_>,
    family: Family,
    events: Vec<Event>,
) -> Result<Vec<(EventRecord, bool)>, Error> {
    let secrets = hook.secret_values();
    let news = events
        .into_iter()
        .map(|mut event| {
            mask::mask(&mut event.payload, &secrets);
            NewEvent {
                integration_id: hook.record.id,
                provider: hook.record.provider.clone(),
                kind: truncate(&event.kind, 200),
                event_id: truncate(&event.id, 300),
                refused: None,
                payload: Some(event.payload.to_string()),
            }
        })
        .collect();
    let stored = hook.state.event_writer().write(news).await?;
    tracing::info!(
        family = family.as_str(),
        integration = hook.record.id,
        events = stored.len(),
        new = stored.iter().filter(|(_, n)| *n).count(),
        "webhook received"
    );
    Ok(stored)
}

/// Records a refused request: why, never what it carried.
async fn record_refusal(hook: &Hook<'_>, family: Family, refusal: &Refusal) -> Result<(), Error> {
    let event = NewEvent {
        integration_id: hook.record.id,
        provider: hook.record.provider.clone(),
        kind: "refused".into(),
        event_id: uuid::Uuid::new_v4().to_string(),
        refused: Some(refusal.reason.clone()),
        payload: None,
    };
    hook.state.db().store_event(&event).await?;
    tracing::warn!(
        family = family.as_str(),
        integration = hook.record.id,
        status = refusal.status.as_u16(),
        "webhook refused"
    );
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The fast 2xx each provider expects for a delivery it should not send
/// again (duplicates included), listing the stored rows in [`EVENTS_HEADER`].
fn acknowledge(family: Family, stored: &[(EventRecord, bool)]) -> Response {
    let ids: Vec<String> = stored.iter().map(|(r, _)| r.id.to_string()).collect();
    let mut response = match family {
        // TwiML with nothing to do.
        Family::Twilio => (
            [(header::CONTENT_TYPE, "text/xml")],
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>",
        )
            .into_response(),
        _ => Json(json!({
            "received": stored.len(),
            "duplicates": stored.iter().filter(|(_, new)| !new).count(),
        }))
        .into_response(),
    };
    if let Ok(v) = HeaderValue::from_str(&ids.join(",")) {
        response.headers_mut().insert(EVENTS_HEADER, v);
    }
    response
}
