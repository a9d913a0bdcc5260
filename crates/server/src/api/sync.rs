//! `/api/v1/sync/`: the laptop <-> server sync protocol (docs/sync.md).
//! Pull answers pages of changes by sequence number; push applies a batch
//! of changes all or nothing, once per batch id. Errors are `{"detail"}`.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use switchboard_sync_proto::{PullPage, PushAnswer, PushBatch, DEFAULT_PULL_LIMIT};

use super::{Caller, Routes};
use crate::error::{Error, Flavor, Rejection, Second};
use crate::service::sync;
use crate::state::AppState;

pub const PULL_PATH: &str = "/api/v1/sync/pull";
pub const PUSH_PATH: &str = "/api/v1/sync/push";
/// The push route's body limit (every other route keeps the server's).
pub const PUSH_MAX_BODY: usize = 8 * 1024 * 1024;

pub fn routes() -> Routes {
    Routes::default().add(PULL_PATH, &["GET"], get(pull)).add(
        PUSH_PATH,
        &["POST"],
        post(push).layer(DefaultBodyLimit::max(PUSH_MAX_BODY)),
    )
}

/// The body limit of a path.
pub fn body_limit(path: &str, default: usize) -> usize {
    if path == PUSH_PATH {
        PUSH_MAX_BODY.max(default)
    } else {
        default
    }
}

async fn pull(
    Caller(state, user): Caller,
    super::Pairs(query): super::Pairs,
) -> Result<Json<PullPage>, Second> {
    let mut since = 0i64;
    let mut limit = DEFAULT_PULL_LIMIT;
    let mut client: Option<&str> = None;
    for (key, value) in &query {
        match key.as_str() {
            "since" if !value.is_empty() => {
                since = value.parse().ok().filter(|n| *n >= 0).ok_or_else(|| {
                    Error::BadRequest("since must be a sequence number (0 or more).".into())
                })?;
            }
            "limit" if !value.is_empty() => {
                limit = value.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    Error::BadRequest("limit must be a whole number from 1 to 1000.".into())
                })?;
            }
            "client" if !value.trim().is_empty() => client = Some(value.trim()),
            _ => {}
        }
    }
    Ok(Json(sync::pull(&state, &user, since, limit, client).await?))
}

/// A push body: read within the route's limit and parsed without echoing
/// any of its values (they may be secrets) in errors.
struct Batch(PushBatch);

impl FromRequest<AppState> for Batch {
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let error = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::TooLarge(PUSH_MAX_BODY)
            } else {
                Error::BadRequest("The request body could not be read.".into())
            };
            Rejection(error, Flavor::Second)
        })?;
        let parsed = || serde_json::from_slice::<serde_json::Value>(&bytes).ok();
        if let Some(serde_json::Value::Object(map)) =
            super::has_nul_escape(&bytes).then(parsed).flatten()
        {
            if let Some(key) = super::nul_field(&bytes, &map) {
                return Err(Rejection(
                    Error::BadRequest(format!("{key}: {}", super::NUL_TEXT)),
                    Flavor::Second,
                ));
            }
        }
        serde_json::from_slice::<PushBatch>(&bytes)
            .map(Batch)
            .map_err(|e| {
                let what = match e.classify() {
                    serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                        "is not valid JSON"
                    }
                    _ => "is not a push batch (see docs/sync.md)",
                };
                Rejection(
                    Error::BadRequest(format!(
                        "The request body {what} (line {}, column {}).",
                        e.line(),
                        e.column()
                    )),
                    Flavor::Second,
                )
            })
    }
}

async fn push(
    Caller(state, user): Caller,
    Batch(batch): Batch,
) -> Result<Json<PushAnswer>, Second> {
    Ok(Json(sync::push(&state, &user, batch).await?))
}
