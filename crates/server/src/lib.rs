//! The shared team server: the two REST APIs of shared/api-contract.md over
//! one data model, for the marketing platform to read and the desktop apps
//! to push to. Secrets are sealed with AES-256-GCM under `TOKEN_ENCRYPTION_KEY`;
//! data lives in SQLite by default or PostgreSQL through `DATABASE_URL`.
//!
//! [`app`] builds the whole HTTP application from an [`AppState`], so tests
//! drive it over real HTTP and the binary only adds configuration, the
//! command line and graceful shutdown.

#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod checks;
pub mod cli;
pub mod db;
pub mod error;
pub mod group_commit;
pub mod model;
pub mod openapi;
pub mod ratelimit;
pub mod receive;
pub mod secrets;
pub mod service;
pub mod serving;
pub mod startup;
pub mod state;
pub mod throttle;

pub use checks::{CheckInput, Outcome, OutcomeKind, ProviderCheck};
pub use db::{connect, Backend, Db};
pub use secrets::Vault;
pub use state::{AppState, Settings};

use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware;
use axum::response::Response;
use axum::Router;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

/// Every route of the server, with its table of paths and methods.
pub fn routes() -> api::Routes {
    api::integrations::routes()
        .merge(api::website_integrations::routes())
        .merge(api::websites::routes())
        .merge(api::auth::routes())
        .merge(api::audit::routes())
        .merge(api::credentials::routes())
        .merge(api::users::routes())
        .merge(api::meta::routes())
        .merge(api::sync::routes())
        .merge(api::releases::routes())
        .merge(api::events::routes())
        .merge(api::leads::routes())
        .merge(receive::routes())
}

/// The HTTP application: the routes, JSON answers for unknown paths and
/// wrong methods, the body size limit and request logs.
pub fn app(state: AppState) -> Router {
    let limit = state.settings().max_body_bytes;
    let timeout = state.settings().request_timeout;
    let in_flight = state.settings().max_concurrent_requests.max(1);
    routes()
        .router
        .fallback(api::not_found)
        // A request (reading its body included) that takes longer is
        // answered 408 (made JSON by the layer below).
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            api::json_errors,
        ))
        .layer(DefaultBodyLimit::max(limit))
        // At most this many requests are worked on at once, across all
        // routes; more wait for a slot.
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(in_flight))
        // One span per request with the method and path only: never the
        // query, headers (Authorization) or bodies. Status and latency are
        // logged when the answer leaves.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    // A receiver's key is a capability: logs name the route only.
                    let path = match req.uri().path() {
                        p if p.starts_with("/hooks/") => receive::PATH,
                        p if p.starts_with("/leads/") => receive::leads::PATH,
                        p => p,
                    };
                    tracing::info_span!("request", method = %req.method(), path = %path)
                })
                .on_request(())
                .on_response(|res: &Response, latency: Duration, _span: &tracing::Span| {
                    tracing::info!(
                        status = res.status().as_u16(),
                        latency_us = latency.as_micros() as u64,
                        "answered"
                    );
                }),
        )
        .with_state(state)
}

/// Serves `app(state)` on `listener` until `shutdown` completes, then lets
/// requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The Trash's old items go now and every hour while serving.
    let sweeper = service::trash::spawn_sweeper(state.db_arc());
    // Leads waiting to be forwarded go as they come and as they fall due.
    let forwarder = receive::forward::spawn_forwarder(state.clone());
    // The peer address reaches handlers (sign-in throttling per address).
    let served = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    sweeper.abort();
    forwarder.abort();
    served
}
