//! Meta: Facebook Lead Ads / Messenger (type facebook) and WhatsApp Cloud
//! (type whatsapp). `GET` is the subscription handshake against the stored
//! `webhook_verify_token`; `POST` is verified by `X-Hub-Signature-256` with
//! the stored `app_secret`, then each change (and Messenger message) of each
//! entry is one event. A `leadgen` change's lead is read from the Graph API
//! (`GET /{leadgen_id}`) with the Page access token (else the access token)
//! and stored with it; when Meta cannot be read the event is stored with why,
//! and Meta still gets its 200 so it does not retry or disable the webhook.

use axum::http::StatusCode;
use serde_json::{json, Value};
use switchboard_providers::webhooks::{fetch_meta_lead, meta_challenge, verify_meta, WebhookError};
use switchboard_providers::CheckInput;

use super::{digest, json_body, Event, Hook, Incoming, Received, Refusal};

/// The header Meta signs with.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

/// `GET ?hub.mode=subscribe&hub.verify_token=..&hub.challenge=..`.
pub fn handshake(hook: &Hook<'_>, req: &Incoming) -> Result<Received, Refusal> {
    let query = req.query();
    let value = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let configured = hook.secret("webhook_verify_token");
    meta_challenge(
        value("hub.mode"),
        value("hub.verify_token"),
        value("hub.challenge"),
        configured,
    )
    .map(Received::Challenge)
    .map_err(|e| {
        let reason = match e {
            WebhookError::NoSecret => "No webhook verify token is stored: enter the one you typed in Meta in the integration's settings.".to_owned(),
            other => format!("The subscription handshake was refused: {other}."),
        };
        Refusal::new(StatusCode::FORBIDDEN, reason)
    })
}

/// A signed `POST`: its events, leads read from the Graph API.
pub async fn receive(hook: &Hook<'_>, req: &Incoming) -> Result<Received, Refusal> {
    verify_meta(
        &req.body,
        req.header(SIGNATURE_HEADER),
        hook.secret("app_secret"),
    )
    .map_err(|e| match e {
        WebhookError::Malformed(_) if req.header(SIGNATURE_HEADER).is_empty() => Refusal::new(
            StatusCode::FORBIDDEN,
            "The X-Hub-Signature-256 header is missing: Meta signs every delivery.",
        ),
        other => Refusal::signature(other),
    })?;
    let body = json_body(&req.body)?;
    let mut events = events_of(&body);
    for event in &mut events {
        if event.kind.ends_with(".leadgen") && !stored_before(hook, &event.id).await {
            add_lead(hook, event).await;
        }
    }
    Ok(Received::Events(events))
}

/// The events of a delivery: one per change and per Messenger message of
/// each entry (the whole body when it has neither).
pub fn events_of(body: &Value) -> Vec<Event> {
    let object = body["object"].as_str().unwrap_or("meta");
    let mut events = Vec::new();
    for entry in body["entry"].as_array().into_iter().flatten() {
        for change in entry["changes"].as_array().into_iter().flatten() {
            let field = change["field"].as_str().unwrap_or("change");
            let value = &change["value"];
            events.push(Event {
                kind: format!("{object}.{field}"),
                id: id_of(field, value),
                payload: json!({"entry_id": entry["id"], "time": entry["time"], "field": field, "value": value}),
            });
        }
        for message in entry["messaging"].as_array().into_iter().flatten() {
            let id = message
                .pointer("/message/mid")
                .and_then(Value::as_str)
                .map(|mid| format!("mid:{mid}"))
                .unwrap_or_else(|| digest(message.to_string().as_bytes()));
            events.push(Event {
                kind: format!("{object}.messaging"),
                id,
                payload: json!({"entry_id": entry["id"], "messaging": message}),
            });
        }
    }
    if events.is_empty() {
        events.push(Event {
            kind: object.to_owned(),
            id: digest(body.to_string().as_bytes()),
            payload: body.clone(),
        });
    }
    events
}

/// The id of one change: the lead, message or status it is about, else
/// its own `id`, else a digest of it.
fn id_of(field: &str, value: &Value) -> String {
    let text = |p: &str| value.pointer(p).and_then(Value::as_str).map(str::to_owned);
    if let Some(lead) =
        text("/leadgen_id").or_else(|| value["leadgen_id"].as_u64().map(|n| n.to_string()))
    {
        return format!("leadgen:{lead}");
    }
    if let Some(id) = text("/messages/0/id") {
        return format!("message:{id}");
    }
    if let (Some(id), Some(status)) = (text("/statuses/0/id"), text("/statuses/0/status")) {
        return format!("status:{id}:{status}");
    }
    if let Some(id) = text("/id") {
        return format!("{field}:{id}");
    }
    digest(value.to_string().as_bytes())
}

/// Whether this event is stored already (a redelivery: the lead is not read again).
async fn stored_before(hook: &Hook<'_>, id: &str) -> bool {
    matches!(
        hook.state
            .db()
            .event_by_provider_id(hook.record.id, id)
            .await,
        Ok(Some(_))
    )
}

/// Reads the lead of a `leadgen` event from the Graph API into its payload
/// (`lead`), or says why it could not (`lead_error`).
async fn add_lead(hook: &Hook<'_>, event: &mut Event) {
    let leadgen_id = match &event.payload["value"]["leadgen_id"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    let token = match hook.secret("page_access_token") {
        "" => hook.secret("access_token"),
        t => t,
    };
    let outcome = match hook.state.provider_client() {
        Err(e) => Err(format!("the provider client cannot start: {e}")),
        Ok(client) => {
            let input = CheckInput {
                integration_type: &hook.record.integration_type,
                provider: &hook.record.provider,
                config: &hook.record.config,
                secrets: &hook.secrets.0,
            };
            fetch_meta_lead(client, input, &leadgen_id, token)
                .await
                .map_err(|o| o.message)
        }
    };
    match outcome {
        Ok(lead) => event.payload["lead"] = lead,
        Err(why) => event.payload["lead_error"] = Value::String(why),
    }
}
