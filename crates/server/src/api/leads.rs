//! Leads as the marketing platform reads them: `GET /api/v1/leads/`, oldest
//! first, paged by id (`after`), to a service token whose websites and types
//! include the sign-up pages (else 404, like the credentials API), counted
//! against its own rate limit in the database. People who may see a sign-up
//! page read its leads with each forwarding try at
//! `GET /api/v1/integrations/{id}/leads` (empty for other integrations).

use axum::extract::State;
use axum::routing::get;
use axum::Json;
use serde_json::{json, Value};
use switchboard_catalog as catalog;

use super::credentials::Service;
use super::events::number;
use super::{Caller, Id, Pairs, Routes};
use crate::db::{LeadQuery, LeadRecord};
use crate::error::{Error, Second};
use crate::receive::{forward, leads::PROVIDER};
use crate::service;
use crate::state::AppState;

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 500;

pub fn routes() -> Routes {
    Routes::default()
        .add("/api/v1/leads/", &["GET"], get(platform))
        .add("/api/v1/integrations/{id}/leads", &["GET"], get(of_page))
}

/// A lead with where its forwarding stands.
fn lead_json(lead: &LeadRecord) -> Value {
    let mut body = forward::lead_json(lead);
    body["forward"] = match &lead.delivery {
        None => Value::Null,
        Some(d) => json!({
            "state": d.state,
            "attempts": d.attempts,
            "next_attempt_at": (d.state == "pending").then_some(d.next_at / 1000),
        }),
    };
    body
}

/// The query's page: `after` (an id, 0 by default) and `limit`.
fn page(query: &[(String, String)]) -> Result<LeadQuery, Error> {
    Ok(LeadQuery {
        after: number(query, "after", i64::MAX)?.unwrap_or(0),
        limit: number(query, "limit", MAX_LIMIT)?.unwrap_or(DEFAULT_LIMIT),
        ..LeadQuery::default()
    })
}

/// `{leads, next_after}` of a page of leads (each already as JSON):
/// `next_after` is the `after` of the next page, null on the last one.
fn answer(leads: &[LeadRecord], list: Vec<Value>, limit: i64) -> Value {
    let next = (leads.len() as i64 >= limit)
        .then(|| leads.last().map(|l| l.id))
        .flatten();
    json!({ "leads": list, "next_after": next })
}

/// `GET /api/v1/leads/?after=&limit=&website=&integration=`.
async fn platform(
    State(state): State<AppState>,
    Service(token): Service,
    Pairs(query): Pairs,
) -> Result<Json<Value>, Second> {
    let settings = state.settings();
    crate::ratelimit::hit(
        state.db(),
        &format!("leads:{}", token.id),
        settings.credential_limit,
        settings.credential_window,
    )
    .await?;
    let names = [
        PROVIDER,
        PROVIDER,
        catalog::document_key_of_provider(PROVIDER),
    ];
    let mut q = page(&query)?;
    q.website = number(&query, "website", i64::MAX)?;
    q.integration = number(&query, "integration", i64::MAX)?;
    if token.website_id.is_some() && q.website.is_some() && q.website != token.website_id {
        return Err(Error::NotFound.into());
    }
    q.website = q.website.or(token.website_id);
    if !token.allows(q.website, &names) {
        return Err(Error::NotFound.into());
    }
    let leads = state.db().leads(&q).await?;
    let list = leads.iter().map(lead_json).collect();
    Ok(Json(answer(&leads, list, q.limit)))
}

/// `GET /api/v1/integrations/{id}/leads?after=&limit=`, with every try.
async fn of_page(
    Caller(state, user): Caller,
    Id(id): Id,
    Pairs(query): Pairs,
) -> Result<Json<Value>, Second> {
    // Only sign-up pages have leads: any other integration's list is empty.
    service::visible(&state, &user, id).await?;
    let mut q = page(&query)?;
    q.integration = Some(id);
    let leads = state.db().leads(&q).await?;
    let mut list = Vec::with_capacity(leads.len());
    for lead in &leads {
        let tries: Vec<Value> = state
            .db()
            .attempts(lead.id)
            .await?
            .into_iter()
            .map(|a| {
                json!({"attempt": a.attempt, "at": a.at, "url": a.url, "status": a.status,
                       "error": a.error, "duration_ms": a.duration_ms})
            })
            .collect();
        let mut body = lead_json(lead);
        body["attempts"] = Value::Array(tries);
        list.push(body);
    }
    Ok(Json(answer(&leads, list, q.limit)))
}
