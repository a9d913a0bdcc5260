//! `/api/v1/auth/...`: login with email and password for a short-lived
//! access token and a refresh token, refresh (each refresh token works
//! once and is replaced), logout (ends the sign-in on the server), and
//! "who am I". Failed logins back off per
//! account and per client address ([`crate::throttle`]).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::body::{self, Errors, REQUIRED};
use super::{JsonObject, Routes};
use crate::auth::{hash_token, new_token, verify_password, Auth};
use crate::db::unix_now;
use crate::error::{Error, Second};
use crate::model::{AuthUser, TokenKind};
use crate::state::AppState;
use crate::throttle;

pub fn routes() -> Routes {
    Routes::default()
        .add("/api/v1/auth/login/", &["POST"], post(login))
        .add("/api/v1/auth/refresh/", &["POST"], post(refresh))
        .add("/api/v1/auth/logout/", &["POST"], post(logout))
        .add("/api/v1/auth/me/", &["GET"], get(me))
}

/// A fresh access and refresh token pair for `user_id`, stored hashed.
/// `device` names the sign-in in the admin's device list (a refresh keeps it).
async fn issue(
    state: &AppState,
    user_id: i64,
    old_refresh: Option<&str>,
    device: &str,
) -> Result<Value, Error> {
    let s = state.settings();
    let (access, mut access_row) =
        new_token(TokenKind::Access, user_id, device, Some(s.access_ttl_secs));
    let (refresh, mut refresh_row) = new_token(
        TokenKind::Refresh,
        user_id,
        device,
        Some(s.refresh_ttl_secs),
    );
    // A sign-in starts a family; a refresh keeps the old token's (set by
    // exchange_refresh).
    if old_refresh.is_none() {
        let family = uuid::Uuid::new_v4().to_string();
        access_row.family = Some(family.clone());
        refresh_row.family = Some(family);
    }
    match old_refresh {
        Some(old) => {
            if !state
                .db()
                .exchange_refresh(&hash_token(old), &[access_row, refresh_row])
                .await?
            {
                // Spent a moment ago by a concurrent refresh: a replay too.
                revoke_if_reused(state, &hash_token(old)).await?;
                return Err(Error::BadToken);
            }
        }
        None => {
            state.db().insert_token(&access_row).await?;
            state.db().insert_token(&refresh_row).await?;
        }
    }
    Ok(json!({
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": s.access_ttl_secs,
        "refresh_expires_in": s.refresh_ttl_secs,
    }))
}

async fn login(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    JsonObject(map): JsonObject,
) -> Result<Json<Value>, Second> {
    let mut errors = Errors::default();
    let email = errors.take("email", body::string(&map, "email"));
    let password = errors.take("password", body::string(&map, "password"));
    let device = errors
        .take("device", body::string(&map, "device"))
        .map(|d| d.trim().chars().take(100).collect::<String>())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "login".to_owned());
    if email.as_deref().is_none_or(|e| e.trim().is_empty()) {
        errors.add("email", REQUIRED);
    }
    if password.as_deref().is_none_or(str::is_empty) {
        errors.add("password", REQUIRED);
    }
    errors.into_result()?;
    let email = email.unwrap_or_default().trim().to_lowercase();
    // Throttled before any hashing, the same for an unknown address as for
    // a known one.
    let client = throttle::client_address(
        peer.map(|Extension(ConnectInfo(a))| a.ip()),
        headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()),
        &state.settings().trusted_proxies,
    );
    let scopes = throttle::scopes(&email, client);
    let keys: Vec<String> = scopes.iter().map(|s| s.key.clone()).collect();
    let now = throttle::now_ms();
    if let Some(until) = state.db().login_locked_until(&keys, now).await? {
        tracing::info!("a login was throttled");
        return Err(Error::RateLimited {
            wait: throttle::wait_secs(until, now),
        }
        .into());
    }
    // Each check holds 19 MiB for a while: beyond the slots, say when to retry
    // instead of queueing without bound.
    let Ok(_slot) = state.login_slots().try_acquire() else {
        return Err(Error::Busy {
            wait: 1,
            what: "other sign-ins",
        }
        .into());
    };
    let user = state.db().user_by_email(&email).await?;
    let ok = verify_password(
        password.unwrap_or_default(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await;
    // A disabled account answers like a wrong password (and counts as one).
    let Some(user) = user.filter(|u| ok && u.disabled_at.is_none()) else {
        tracing::info!("a login failed");
        let now = throttle::now_ms();
        for scope in &scopes {
            let failures = state.db().count_login_failure(&scope.key, now).await?;
            if let Some(lock) = throttle::lock_ms(failures, scope.free) {
                state.db().lock_login(&scope.key, now + lock).await?;
            }
        }
        return Err(Error::BadCredentials.into());
    };
    state.db().clear_login_failures(&keys[..1]).await?;
    state.db().purge_expired_tokens(unix_now()).await?;
    let mut answer = issue(&state, user.id, None, &device).await?;
    answer["user"] = json!({"id": user.id, "email": user.email, "role": user.role});
    Ok(Json(answer))
}

async fn refresh(
    State(state): State<AppState>,
    JsonObject(map): JsonObject,
) -> Result<Json<Value>, Second> {
    let mut errors = Errors::default();
    let token = errors
        .take("refresh_token", body::string(&map, "refresh_token"))
        .or_else(|| errors.take("refresh", body::string(&map, "refresh")));
    let Some(token) = token.filter(|t| !t.trim().is_empty()) else {
        errors.add("refresh_token", REQUIRED);
        return Err(errors.into_result().unwrap_err().into());
    };
    errors.into_result()?;
    let hash = hash_token(token.trim());
    let Some(record) = state
        .db()
        .token(&hash)
        .await?
        .filter(|r| r.kind == TokenKind::Refresh)
        .filter(|r| r.expires_at.is_none_or(|t| t > unix_now()))
    else {
        revoke_if_reused(&state, &hash).await?;
        return Err(Error::BadToken.into());
    };
    Ok(Json(
        issue(&state, record.user.id, Some(token.trim()), &record.name).await?,
    ))
}

/// Ends a sign-in on the server: every token of the refresh token's sign-in
/// (its access tokens too) stops working at once on this server and, past
/// the auth cache's few seconds, on every other. 204 whether or not the
/// token was still known, so it is safe to repeat.
async fn logout(
    State(state): State<AppState>,
    JsonObject(map): JsonObject,
) -> Result<axum::http::StatusCode, Second> {
    let mut errors = Errors::default();
    let token = errors.take("refresh_token", body::string(&map, "refresh_token"));
    let Some(token) = token.filter(|t| !t.trim().is_empty()) else {
        errors.add("refresh_token", REQUIRED);
        return Err(errors.into_result().unwrap_err().into());
    };
    errors.into_result()?;
    let revoked = state.db().end_sign_in(&hash_token(token.trim())).await?;
    state.auth_cache().forget(&revoked);
    if !revoked.is_empty() {
        tracing::info!(tokens = revoked.len(), "a sign-in ended");
    }
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// A spent refresh token presented again means someone else has a copy:
/// every token of its sign-in is revoked (the owner signs in again).
async fn revoke_if_reused(state: &AppState, hash: &str) -> Result<(), Error> {
    if state.db().revoke_reused_refresh(hash).await? {
        tracing::warn!("a spent refresh token was used again: its sign-in's tokens are revoked");
    }
    Ok(())
}

fn me_shape(user: &AuthUser) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "role": user.role,
        "websites": user.website_ids,
    })
}

async fn me(Auth(user): Auth) -> Json<Value> {
    Json(me_shape(&user))
}
