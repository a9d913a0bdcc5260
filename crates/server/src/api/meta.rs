//! Routes about the server itself: `/healthz` (no authentication; checks the
//! database answers) and `/api/openapi.json` (the OpenAPI document, the same
//! text as docs/openapi.json in the repository).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde_json::json;

use super::Routes;
use crate::state::AppState;

pub fn routes() -> Routes {
    Routes::default()
        .add("/healthz", &["GET"], get(health))
        .add("/api/openapi.json", &["GET"], get(openapi))
}

async fn health(State(state): State<AppState>) -> Response {
    let backend = state.db().backend().as_str();
    match state.db().ping().await {
        Ok(()) => Json(json!({"status": "ok", "database": backend})).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "database": backend})),
            )
                .into_response()
        }
    }
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::document_text(),
    )
        .into_response()
}
