//! The webhook inspector's API: an integration's receiver address
//! (`GET /api/v1/integrations/{id}/receiver`), the events its receiver
//! stored, newest first and paged (`GET .../events?limit=&before=`), and
//! "send a test event" (`POST .../events/test`): a sample signed with the
//! integration's stored secret, delivered through the real receiver on this
//! server's own router, answered with what was stored.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use serde_json::{json, Value};
use tower::ServiceExt as _;

use super::{Caller, Id, Pairs, Routes};
use crate::db::EventRecord;
use crate::error::{Error, Second};
use crate::model::IntegrationRecord;
use crate::receive::{self, samples, Family, Hook};
use crate::service;
use crate::state::AppState;

/// Events a page holds unless `limit` says otherwise, and at most.
const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

pub fn routes() -> Routes {
    Routes::default()
        .add(
            "/api/v1/integrations/{id}/receiver",
            &["GET"],
            get(receiver),
        )
        .add("/api/v1/integrations/{id}/events", &["GET"], get(events))
        .add(
            "/api/v1/integrations/{id}/events/test",
            &["POST"],
            post(test_event),
        )
}

/// The receiver key of an integration, made on first ask.
async fn key_of(state: &AppState, record: &IntegrationRecord) -> Result<String, Error> {
    Ok(state
        .db()
        .receiver_key(record.id, &receive::new_key())
        .await?)
}

/// `{path, url, receives}`: where the provider is to send its webhooks.
async fn receiver(
    Caller(state, user): Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> Result<Json<Value>, Second> {
    let record = service::visible(&state, &user, id).await?;
    let key = key_of(&state, &record).await?;
    // A sign-up page's form posts its leads; providers send webhooks.
    let (path, receives) = if record.provider == receive::leads::PROVIDER {
        (format!("/leads/{key}"), Some("leads"))
    } else {
        (
            format!("/hooks/{key}"),
            Family::of(&record.provider).map(Family::as_str),
        )
    };
    Ok(Json(json!({
        "path": path,
        "url": format!("{}{path}", receive::public_base(&state, &headers)),
        "receives": receives,
    })))
}

/// One stored event as the API shows it (its payload is already masked).
pub fn event_json(e: &EventRecord) -> Value {
    let payload = e
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str::<Value>(p).ok())
        .unwrap_or(Value::Null);
    json!({
        "id": e.id,
        "provider": e.provider,
        "kind": e.kind,
        "event_id": if e.verdict == "genuine" { json!(e.event_id) } else { Value::Null },
        "verdict": e.verdict,
        "reason": e.reason,
        "received_at": e.received_at,
        "payload": payload,
    })
}

/// A positive integer query parameter, or a field error.
pub(crate) fn number(
    query: &[(String, String)],
    name: &str,
    max: i64,
) -> Result<Option<i64>, Error> {
    let Some((_, v)) = query.iter().find(|(k, v)| k == name && !v.is_empty()) else {
        return Ok(None);
    };
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .map(Some)
        .ok_or_else(|| Error::field(name, format!("Enter a whole number from 1 to {max}.")))
}

/// `{events: [...], next}`, newest first; `next` pages on with `before`.
async fn events(
    Caller(state, user): Caller,
    Id(id): Id,
    Pairs(query): Pairs,
) -> Result<Json<Value>, Second> {
    service::visible(&state, &user, id).await?;
    let limit = number(&query, "limit", MAX_LIMIT)?.unwrap_or(DEFAULT_LIMIT);
    let before = number(&query, "before", i64::MAX)?;
    let mut rows = state.db().events(id, limit + 1, before).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = match rows.last() {
        Some(last) if more => json!(format!(
            "/api/v1/integrations/{id}/events?limit={limit}&before={}",
            last.id
        )),
        _ => Value::Null,
    };
    let list: Vec<Value> = rows.iter().map(event_json).collect();
    Ok(Json(json!({ "events": list, "next": next })))
}

/// Signs a sample for the integration's provider, delivers it to this
/// server's own receiver and answers 201 with the stored event(s), or 400
/// saying why not (no receiver for the provider, no secret, or what the
/// receiver answered).
async fn test_event(
    Caller(state, user): Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> Result<Response, Second> {
    let record = service::visible(&state, &user, id).await?;
    if !user.can_write() {
        return Err(Error::Forbidden.into());
    }
    if record.provider == receive::leads::PROVIDER {
        return Err(Error::BadRequest(
            "A sign-up page's events are its sign-ups: submit the form on the page (or POST a sign-up to the address above) to see one arrive.".into(),
        )
        .into());
    }
    let Some(family) = Family::of(&record.provider) else {
        return Err(Error::BadRequest(format!(
            "Switchboard receives no webhooks from {}: test events exist for Facebook, WhatsApp, Twilio, Stripe, SendGrid and Mailgun.",
            record.provider
        ))
        .into());
    };
    let key = key_of(&state, &record).await?;
    let path = format!("/hooks/{key}");
    let url = format!("{}{path}", receive::public_base(&state, &headers));
    let (secrets, _) = state.vault().open_all(&record.uid, &record.secrets);
    let hook = Hook {
        state: &state,
        record: &record,
        secrets,
        now: crate::db::unix_now().max(0) as u64,
    };
    let sample = samples::sample(&hook, family, &url)?;
    let (status, answer) = deliver(&state, &headers, &path, sample).await?;
    if !status.is_success() {
        let said = answer["detail"].as_str().unwrap_or("no reason given");
        return Err(Error::BadRequest(format!(
            "The receiver refused the test event ({}): {said}",
            status.as_u16()
        ))
        .into());
    }
    let mut stored = Vec::new();
    for row in answer["events"].as_array().into_iter().flatten() {
        if let Some(e) = row.as_i64() {
            stored.extend(state.db().events(id, 1, Some(e + 1)).await?);
        }
    }
    let list: Vec<Value> = stored.iter().map(event_json).collect();
    let body = json!({"status": status.as_u16(), "event": list.first().cloned().unwrap_or(Value::Null), "events": list});
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Sends a sample through this server's own router (the real receiver
/// path, body limit and error answers included), with the Host and scheme
/// of the request that asked, so the URL the receiver checks Twilio's
/// signature against is the one it was signed for. The receiver's status
/// and its answer (JSON; `events` lists the stored row ids).
async fn deliver(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    sample: samples::Sample,
) -> Result<(StatusCode, Value), Error> {
    let mut request = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::CONTENT_TYPE, sample.content_type);
    for name in [header::HOST.as_str(), "x-forwarded-proto"] {
        if let Some(v) = headers.get(name) {
            request = request.header(name, v);
        }
    }
    for (name, value) in &sample.headers {
        request = request.header(*name, value);
    }
    let request = request
        .body(Body::from(sample.body))
        .map_err(|e| Error::Internal(format!("the test request cannot be built: {e}")))?;
    let response = crate::app(state.clone())
        .oneshot(request)
        .await
        .map_err(|e| Error::Internal(format!("the receiver did not answer: {e}")))?;
    let status = response.status();
    let ids: Vec<i64> = response
        .headers()
        .get(receive::EVENTS_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let mut answer: Value = serde_json::from_slice(&bytes).unwrap_or(json!({}));
    if !answer.is_object() {
        answer = json!({});
    }
    answer["events"] = json!(ids);
    Ok((status, answer))
}
