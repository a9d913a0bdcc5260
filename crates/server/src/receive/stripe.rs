//! Stripe events: `Stripe-Signature` (`t=..,v1=..`) with the webhook signing
//! secret, within 300 s of now (a replay outside is refused). The event's
//! `id` is its dedupe key, its `type` its kind.

use axum::http::StatusCode;
use switchboard_providers::webhooks::verify_stripe;

use super::{digest, json_body, Event, Hook, Incoming, Received, Refusal, TOLERANCE_SECS};

/// The header Stripe signs with.
pub const SIGNATURE_HEADER: &str = "stripe-signature";

pub fn receive(hook: &Hook<'_>, req: &Incoming) -> Result<Received, Refusal> {
    let signature = req.header(SIGNATURE_HEADER);
    if signature.is_empty() {
        return Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "The Stripe-Signature header is missing: Stripe signs every event.",
        ));
    }
    verify_stripe(
        &req.body,
        signature,
        hook.secret("webhook_secret"),
        hook.now,
        TOLERANCE_SECS,
    )
    .map_err(Refusal::signature)?;
    let body = json_body(&req.body)?;
    let kind = body["type"].as_str().unwrap_or("stripe.event").to_owned();
    let id = body["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| digest(&req.body));
    Ok(Received::Events(vec![Event {
        kind,
        id,
        payload: body,
    }]))
}
