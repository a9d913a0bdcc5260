//! `GET /api/v1/audit/`: the audit log for admins, newest first, paginated
//! like the website integrations API's lists, optionally for one integration
//! (`?integration=ID`). Entries name the fields that changed, never values.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::Json;
use serde_json::{json, Value};

use super::{Page, Routes};
use crate::auth::Auth;
use crate::error::{Error, Second};
use crate::state::AppState;

const PATH: &str = "/api/v1/audit/";
const PAGE_SIZE: i64 = 50;

pub fn routes() -> Routes {
    Routes::default().add(PATH, &["GET"], get(list))
}

async fn list(
    State(state): State<AppState>,
    Auth(user): Auth,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Json<Value>, Second> {
    if !user.is_admin() {
        return Err(Error::Forbidden.into());
    }
    let integration = match query.iter().find(|(k, _)| k == "integration") {
        Some((_, v)) if !v.is_empty() => Some(
            v.parse::<i64>()
                .map_err(|_| Error::field("integration", "Enter a whole number."))?,
        ),
        _ => None,
    };
    let mut page = Page::parse(&query, PAGE_SIZE).map_err(|_| Error::InvalidPage)?;
    let (_, count) = state.db().audit(integration, 0, 0).await?;
    page.settle(count).map_err(|_| Error::InvalidPage)?;
    let (records, _) = state
        .db()
        .audit(integration, page.size, page.offset())
        .await?;
    let results = records
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "at": r.at,
                "actor": {"id": r.entry.actor_id, "email": r.entry.actor_email},
                "action": r.entry.action,
                "integration": r.entry.integration_id,
                "website": r.entry.website_id,
                "fields": r.entry.fields,
                "via": r.entry.via,
            })
        })
        .collect();
    Ok(Json(page.answer(count, results, &headers, PATH, &query)))
}
