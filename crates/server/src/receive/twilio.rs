//! Twilio status callbacks: `X-Twilio-Signature` is computed over the full
//! public URL (hence `--public-url` behind a proxy) and the sorted form
//! parameters with the auth token; JSON bodies carry `bodySHA256` in the
//! URL instead. One event per callback: the message or call and its status.

use axum::http::StatusCode;
use serde_json::{Map, Value};
use switchboard_providers::webhooks::{verify_twilio, verify_twilio_json};

use super::{digest, json_body, url_pairs, Event, Hook, Incoming, Received, Refusal};

/// The header Twilio signs with.
pub const SIGNATURE_HEADER: &str = "x-twilio-signature";

pub fn receive(hook: &Hook<'_>, req: &Incoming) -> Result<Received, Refusal> {
    let signature = req.header(SIGNATURE_HEADER);
    if signature.is_empty() {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "The X-Twilio-Signature header is missing: Twilio signs every request.",
        ));
    }
    let token = hook.secret("auth_token");
    let is_json = req.header("content-type").starts_with("application/json");
    let params: Map<String, Value> = if is_json {
        verify_twilio_json(&req.url, &req.body, signature, token).map_err(Refusal::signature)?;
        match json_body(&req.body)? {
            Value::Object(map) => map,
            other => Map::from_iter([("body".to_owned(), other)]),
        }
    } else {
        let pairs = url_pairs(&req.body);
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        verify_twilio(&req.url, &borrowed, signature, token).map_err(Refusal::signature)?;
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect()
    };
    let text = |k: &str| params.get(k).and_then(Value::as_str).unwrap_or("");
    let status = ["MessageStatus", "SmsStatus", "CallStatus"]
        .iter()
        .map(|k| text(k))
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let sid = ["MessageSid", "SmsSid", "CallSid"]
        .iter()
        .map(|k| text(k))
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let kind = if status.is_empty() {
        "twilio.request".to_owned()
    } else {
        format!("status.{status}")
    };
    let id = if sid.is_empty() {
        digest(&req.body)
    } else {
        format!("{sid}:{status}")
    };
    Ok(Received::Events(vec![Event {
        kind,
        id,
        payload: Value::Object(params),
    }]))
}
