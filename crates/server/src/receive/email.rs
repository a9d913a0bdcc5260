//! Email delivery events. SendGrid's Event Webhook: an ECDSA P-256
//! signature over timestamp + raw body, checked with the verification key
//! (SendGrid documents no replay window; a redelivered event is kept once by
//! its `sg_event_id`). Mailgun: the body's `signature` object (timestamp +
//! token, HMAC with the webhook signing key), within 300 s of now; its
//! token is the dedupe key.

use axum::http::StatusCode;
use serde_json::Value;
use switchboard_providers::webhooks::{check_freshness, verify_mailgun, verify_sendgrid};

use super::{digest, json_body, Event, Hook, Incoming, Received, Refusal, TOLERANCE_SECS};

/// SendGrid's signature and timestamp headers.
pub const SENDGRID_SIGNATURE: &str = "x-twilio-email-event-webhook-signature";
pub const SENDGRID_TIMESTAMP: &str = "x-twilio-email-event-webhook-timestamp";

pub fn sendgrid(hook: &Hook<'_>, req: &Incoming) -> Result<Received, Refusal> {
    let (signature, timestamp) = (
        req.header(SENDGRID_SIGNATURE),
        req.header(SENDGRID_TIMESTAMP),
    );
    if signature.is_empty() || timestamp.is_empty() {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "The X-Twilio-Email-Event-Webhook-Signature or -Timestamp header is missing: turn on Signed Event Webhook in SendGrid → Settings → Mail Settings → Event Webhook.",
        ));
    }
    verify_sendgrid(
        hook.secret("webhook_verification_key"),
        signature,
        timestamp,
        &req.body,
    )
    .map_err(Refusal::signature)?;
    let body = json_body(&req.body)?;
    let items = match body {
        Value::Array(items) => items,
        one => vec![one],
    };
    let events = items
        .into_iter()
        .map(|item| Event {
            kind: item["event"]
                .as_str()
                .unwrap_or("sendgrid.event")
                .to_owned(),
            id: item["sg_event_id"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| digest(format!("{timestamp}{item}").as_bytes())),
            payload: item,
        })
        .collect();
    Ok(Received::Events(events))
}

pub fn mailgun(hook: &Hook<'_>, req: &Incoming) -> Result<Received, Refusal> {
    let body = serde_json::from_slice::<Value>(&req.body).map_err(|_| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            "Mailgun webhooks are read as JSON (the body holds the signature object): this body is not JSON.",
        )
    })?;
    let field = |name: &str| {
        body.pointer(&format!("/signature/{name}"))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default()
    };
    let (timestamp, token, signature) = (field("timestamp"), field("token"), field("signature"));
    if timestamp.is_empty() || token.is_empty() || signature.is_empty() {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "The body has no signature object with timestamp, token and signature: Mailgun signs every webhook.",
        ));
    }
    verify_mailgun(
        hook.secret("webhook_signing_key"),
        &timestamp,
        &token,
        &signature,
    )
    .map_err(Refusal::signature)?;
    check_freshness(&timestamp, hook.now, TOLERANCE_SECS).map_err(|e| {
        // 406 tells Mailgun not to send this one again.
        let mut refusal = Refusal::signature(e);
        refusal.status = StatusCode::NOT_ACCEPTABLE;
        refusal
    })?;
    let data = &body["event-data"];
    let kind = data["event"].as_str().unwrap_or("mailgun.event").to_owned();
    // Mailgun signs the token, not the event: the token is the dedupe key,
    // so a captured signature cannot carry a second, made-up event.
    let id = format!("token:{token}");
    Ok(Received::Events(vec![Event {
        kind,
        id,
        payload: body,
    }]))
}
