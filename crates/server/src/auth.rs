//! Authentication: Argon2id password hashes, opaque bearer tokens stored
//! only as SHA-256 hashes, and the [`Auth`] extractor every protected
//! handler takes.
//!
//! Why opaque tokens rather than JWTs: a token is 256 random bits, so a
//! plain SHA-256 of it is as good as a slow hash and a stolen database
//! yields no usable token; revoking one is deleting a row (a JWT stays valid
//! until it expires); there is no signing key to manage or rotate and no
//! algorithm confusion to get wrong. The cost is one indexed lookup per
//! request, which the benchmark shows is cheap next to the rest of a request.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::unix_now;
use crate::error::{Error, Flavor, Rejection};
use crate::model::{AuthUser, IntegrationRecord, NewToken, TokenKind, TokenRecord};
use crate::state::AppState;

/// Prefixes that say what a token is when it turns up in a log or a paste.
fn prefix(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Access => "sba_",
        TokenKind::Refresh => "sbr_",
        TokenKind::Api => "sbt_",
    }
}

/// A fresh token and the row that stores its hash. The plain token is
/// returned to the client once and never stored.
pub fn new_token(
    kind: TokenKind,
    user_id: i64,
    name: &str,
    ttl_secs: Option<i64>,
) -> (String, NewToken) {
    let token = random_token(prefix(kind));
    let row = NewToken {
        hash: hash_token(&token),
        user_id,
        kind,
        name: name.to_owned(),
        expires_at: ttl_secs.map(|t| unix_now() + t),
        family: None,
    };
    (token, row)
}

/// The prefix of service tokens (the platform's, see [`new_service_token`]).
pub const SERVICE_PREFIX: &str = "sbs_";

/// A fresh service token and the hash to store; the token is shown once.
pub fn new_service_token() -> (String, String) {
    let token = random_token(SERVICE_PREFIX);
    let hash = hash_token(&token);
    (token, hash)
}

/// 256 random bits, URL-safe base64, after `prefix`.
fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a token: lowercase hex SHA-256.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// An Argon2id hash (PHC string) of a password, with OWASP's parameters.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches a stored hash. Runs Argon2 on a blocking thread.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    // With no such user, verify against a throwaway hash anyway, so the time
    // a login takes does not tell which emails exist.
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let exists = stored.is_some();
    let stored = match stored {
        Some(s) => s,
        None => DUMMY
            .get_or_init(|| hash_password("no such user").unwrap_or_default())
            .clone(),
    };
    let ok = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false);
    ok && exists
}

/// Minimum password length for new users.
pub const MIN_PASSWORD_LEN: usize = 10;

/// The bearer token of a request, if it carries one.
pub(crate) fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The service token `token` names, unless unknown, revoked or expired.
pub async fn live_service_token(
    state: &AppState,
    token: &str,
) -> Result<Option<crate::model::ServiceToken>, Error> {
    Ok(state
        .db()
        .service_token(&hash_token(token))
        .await?
        .filter(|t| !t.expired(unix_now())))
}

/// Where a bearer token's sign-in check stands before the database is asked.
enum Known {
    /// Trusted by the auth cache (only when `--auth-cache-secs` is set).
    Cached(AuthUser),
    /// To be looked up by this hash.
    Lookup(String),
}

/// The checks a bearer token passes before its lookup: given at all, and
/// not a service token (which reads credentials and nothing else: a live
/// one is 403, an unknown, revoked or expired one 401).
async fn known(state: &AppState, token: Option<&str>) -> Result<Known, Error> {
    let token = token.ok_or(Error::Unauthenticated)?;
    if token.starts_with(SERVICE_PREFIX) {
        let known = live_service_token(state, token).await?.is_some();
        return Err(if known {
            Error::Forbidden
        } else {
            Error::BadToken
        });
    }
    let hash = hash_token(token);
    Ok(match state.auth_cache().get(&hash) {
        Some(user) => Known::Cached(user),
        None => Known::Lookup(hash),
    })
}

/// The user of a looked-up token: access and API tokens only, unexpired
/// (an unknown one, or one of a disabled user, is `None`).
fn accept(state: &AppState, hash: String, record: Option<TokenRecord>) -> Result<AuthUser, Error> {
    let record = record.ok_or(Error::BadToken)?;
    if record.kind == TokenKind::Refresh {
        return Err(Error::BadToken);
    }
    if record.expires_at.is_some_and(|t| t <= unix_now()) {
        return Err(Error::BadToken);
    }
    // "Last used" for the admin's device list: at most one write a minute
    // per token, off the request's path.
    let stale = record
        .last_used_at
        .as_deref()
        .is_none_or(|last| last < switchboard_domain::seconds_ago(60).as_str());
    if stale {
        let now = crate::db::now();
        let db = state.db_arc();
        let hash = hash.clone();
        tokio::spawn(async move {
            if let Err(e) = db.touch_token(&hash, &now).await {
                tracing::debug!("could not note a token's use: {e}");
            }
        });
    }
    state
        .auth_cache()
        .put(hash, record.user.clone(), record.expires_at);
    Ok(record.user)
}

/// Resolves a bearer token to its user: access and API tokens only, unexpired.
pub async fn authenticate(state: &AppState, token: Option<&str>) -> Result<AuthUser, Error> {
    match known(state, token).await? {
        Known::Cached(user) => Ok(user),
        Known::Lookup(hash) => {
            let record = state.db().token(&hash).await?;
            accept(state, hash, record)
        }
    }
}

/// [`authenticate`], and the integration `id` (None if there is none),
/// both read in one statement: a detail read's one round trip to the
/// database. The integration is not looked at before the token passed.
pub async fn authenticate_reading(
    state: &AppState,
    token: Option<&str>,
    id: i64,
) -> Result<(AuthUser, Option<IntegrationRecord>), Error> {
    match known(state, token).await? {
        Known::Cached(user) => Ok((user, state.db().integration(id).await?)),
        Known::Lookup(hash) => {
            let read = state.db().token_and_integration(&hash, id).await?;
            let (record, integration) = read.unzip();
            let user = accept(state, hash, record)?;
            Ok((user, integration.transpose()?.flatten()))
        }
    }
}

/// The authenticated user of a request. Rejects with 401 in the shape of
/// the path's API when the token is missing, unknown or expired.
#[derive(Debug, Clone)]
pub struct Auth(pub AuthUser);

impl FromRequestParts<AppState> for Auth {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Rejection> {
        let flavor = Flavor::for_path(parts.uri.path());
        authenticate(state, bearer(parts))
            .await
            .map(Auth)
            .map_err(|e| Rejection(e, flavor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_stored_hashed() {
        let (a, row) = new_token(TokenKind::Api, 7, "ci", None);
        let (b, _) = new_token(TokenKind::Api, 7, "ci", None);
        assert!(a.starts_with("sbt_") && a.len() == 4 + 43);
        assert_ne!(a, b);
        assert_eq!(row.hash, hash_token(&a));
        assert_eq!(row.hash.len(), 64);
        assert!(!row.hash.contains(&a[4..]));
        assert!(row.expires_at.is_none());
        let (_, access) = new_token(TokenKind::Access, 7, "", Some(900));
        assert!(access.expires_at.unwrap() > unix_now());
    }

    #[tokio::test]
    async fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!verify_password("wrong".into(), Some(hash)).await);
        assert!(!verify_password("anything".into(), None).await);
    }
}
