//! The HTTP side: sign in, pull a page, push a batch. Every call is safe to
//! repeat (pulls read; pushes carry their batch id), so network failures and
//! server errors are retried a few times with backoff before giving up.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use switchboard_sync_proto::{PullPage, PushAnswer, PushBatch, ServerHealth};
use switchboard_vault::Secret;

use crate::error::{Result, SyncError};
use crate::tokens::{account, TokenStore};
use crate::url::server_url;

/// The sync routes (docs/sync.md).
pub const PULL_PATH: &str = "/api/v1/sync/pull";
pub const PUSH_PATH: &str = "/api/v1/sync/push";
const LOGIN_PATH: &str = "/api/v1/auth/login/";
const REFRESH_PATH: &str = "/api/v1/auth/refresh/";
const LOGOUT_PATH: &str = "/api/v1/auth/logout/";

/// Attempts per call before a transient failure is reported.
const ATTEMPTS: u32 = 5;

/// Whether a call is tried again after a network failure or a 5xx answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Safe to repeat (a read, or a push with its batch id): up to
    /// [`ATTEMPTS`] tries with backoff.
    Transient,
    /// A change that might have applied: tried once.
    Never,
}

/// A connection to one server, for one signed-in user. Its clones share
/// the connection pool and the sign-in.
#[derive(Clone)]
pub struct ServerClient {
    base: String,
    http: reqwest::Client,
    tokens: Arc<dyn TokenStore>,
    access: Arc<Mutex<Option<Secret>>>,
    /// Held while the sign-in is refreshed (see [`ServerClient::refresh_after`]).
    refreshing: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for ServerClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// What the server answered to a connection test it ran.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct ServerTest {
    pub success: bool,
    /// One line for the person (never a secret).
    pub message: String,
}

/// Who signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub email: String,
    pub role: String,
}

fn http_client() -> Result<reqwest::Client> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SyncError::Protocol(format!("TLS cannot start: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .user_agent(concat!("Switchboard-sync/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| SyncError::Protocol(format!("the HTTP client cannot start: {e}")))
}

impl ServerClient {
    /// A client for `url` (checked: HTTPS, or HTTP to localhost only), using
    /// the sign-in kept in `tokens`.
    pub fn new(url: &str, tokens: Arc<dyn TokenStore>) -> Result<ServerClient> {
        Ok(ServerClient {
            base: server_url(url)?,
            http: http_client()?,
            tokens,
            access: Arc::new(Mutex::new(None)),
            refreshing: Arc::default(),
        })
    }

    /// The normalised server address.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// Whether a sign-in is kept for this server.
    pub fn has_sign_in(&self) -> Result<bool> {
        Ok(self.tokens.get(&account(&self.base))?.is_some())
    }

    /// Signs in with email and password; keeps the refresh token in the
    /// token store (the OS keyring in the app).
    pub async fn login(&self, email: &str, password: &Secret) -> Result<SignedIn> {
        let body =
            json!({"email": email.trim(), "password": password.expose(), "device": device_name()});
        let answer = self
            .http
            .post(format!("{}{LOGIN_PATH}", self.base))
            .json(&body)
            .send()
            .await
            .map_err(offline)?;
        let status = answer.status();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::BAD_REQUEST {
            return Err(SyncError::BadCredentials);
        }
        let value: Value = read(answer).await?;
        self.keep_tokens(&value)?;
        Ok(SignedIn {
            email: value["user"]["email"].as_str().unwrap_or(email).to_owned(),
            role: value["user"]["role"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        })
    }

    /// Ends the sign-in on the server (its access and refresh tokens stop
    /// working there) and forgets it here. The local part happens even when
    /// the server cannot be reached: the answer says whether the server
    /// confirmed (false: its tokens live until they expire).
    pub async fn logout(&self) -> Result<bool> {
        let refresh = self.tokens.get(&account(&self.base))?;
        let confirmed = match &refresh {
            Some(token) => self
                .http
                .post(format!("{}{LOGOUT_PATH}", self.base))
                .json(&json!({"refresh_token": token.expose()}))
                .send()
                .await
                .is_ok_and(|a| a.status() == StatusCode::NO_CONTENT),
            None => true,
        };
        *self.access.lock().unwrap_or_else(|p| p.into_inner()) = None;
        self.tokens.remove(&account(&self.base))?;
        Ok(confirmed)
    }

    fn keep_tokens(&self, value: &Value) -> Result<()> {
        let (Some(access), Some(refresh)) = (
            value["access_token"].as_str(),
            value["refresh_token"].as_str(),
        ) else {
            return Err(SyncError::Protocol(
                "no tokens in the sign-in answer".into(),
            ));
        };
        self.tokens
            .put(&account(&self.base), &Secret::new(refresh.to_owned()))?;
        *self.access.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(Secret::new(access.to_owned()));
        Ok(())
    }

    /// Exchanges the kept refresh token for new tokens.
    async fn refresh(&self) -> Result<()> {
        let Some(refresh) = self.tokens.get(&account(&self.base))? else {
            return Err(SyncError::NotConnected);
        };
        let answer = self
            .http
            .post(format!("{}{REFRESH_PATH}", self.base))
            .json(&json!({"refresh_token": refresh.expose()}))
            .send()
            .await
            .map_err(offline)?;
        if matches!(
            answer.status(),
            StatusCode::UNAUTHORIZED | StatusCode::BAD_REQUEST | StatusCode::FORBIDDEN
        ) {
            return Err(SyncError::SignInAgain);
        }
        let value: Value = read(answer).await?;
        self.keep_tokens(&value)
    }

    /// One page of changes after `since`.
    pub async fn pull(&self, since: i64, limit: i64, client: Option<&str>) -> Result<PullPage> {
        let mut path = format!("{PULL_PATH}?since={since}&limit={limit}");
        if let Some(client) = client {
            path.push_str("&client=");
            path.extend(::url::form_urlencoded::byte_serialize(client.as_bytes()));
        }
        self.call(Retry::Transient, Method::GET, &path, None).await
    }

    /// Sends a batch; retried with the same batch id, so it applies once.
    pub async fn push(&self, batch: &PushBatch) -> Result<PushAnswer> {
        let body = encode(batch)?;
        self.call_encoded(Retry::Transient, Method::POST, PUSH_PATH, Some(&body))
            .await
    }

    /// Runs an integration's connection test on the server (for secrets
    /// that only the server holds): `POST /api/integrations/<id>/test/`.
    /// Not retried: the check reaches a real provider.
    pub async fn test_on_server(&self, server_id: i64) -> Result<ServerTest> {
        let path = format!("/api/integrations/{server_id}/test/");
        self.call(Retry::Never, Method::POST, &path, None).await
    }

    /// The integration's health on the server: `GET /api/integrations/<id>/`.
    pub async fn server_health(&self, server_id: i64) -> Result<ServerHealth> {
        self.call(
            Retry::Transient,
            Method::GET,
            &format!("/api/integrations/{server_id}/"),
            None,
        )
        .await
    }

    /// An authorised call: a 401 refreshes the sign-in once and tries
    /// again; network failures and 5xx answers are retried with backoff
    /// as `retry` says.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        retry: Retry,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<T> {
        let body = body.map(encode).transpose()?;
        self.call_encoded(retry, method, path, body.as_deref())
            .await
    }

    /// [`ServerClient::call`] with a body already encoded as JSON.
    async fn call_encoded<T: DeserializeOwned>(
        &self,
        retry: Retry,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<T> {
        let attempts = match retry {
            Retry::Transient => ATTEMPTS,
            Retry::Never => 1,
        };
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let access = self.access();
            let result = match &access {
                Some(access) => self.once(access, method.clone(), path, body).await,
                None => Err(SyncError::SignInAgain),
            };
            match result {
                Err(SyncError::SignInAgain) if !refreshed => {
                    refreshed = true;
                    self.refresh_after(access.as_ref()).await?;
                }
                Err(e) if e.is_transient() && attempt < attempts => {
                    let wait = Duration::from_millis(200 * 2u64.pow(attempt - 1));
                    tracing::info!(error = %e, attempt, "sync call failed; retrying");
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }

    /// The access token kept from the last sign-in or refresh.
    fn access(&self) -> Option<Secret> {
        self.access
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Refreshes the sign-in after `used` was refused, one call at a time:
    /// the server takes each refresh token once (a second use revokes the
    /// sign-in), so a call that was refused while another refreshed takes
    /// the new access token instead.
    async fn refresh_after(&self, used: Option<&Secret>) -> Result<()> {
        let _one = self.refreshing.lock().await;
        let now = self.access();
        let renewed = match (&now, used) {
            (Some(now), Some(used)) => now != used,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if renewed {
            return Ok(());
        }
        self.refresh().await
    }

    async fn once<T: DeserializeOwned>(
        &self,
        access: &Secret,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<T> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(access.expose());
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let answer = request.send().await.map_err(offline)?;
        if answer.status() == StatusCode::UNAUTHORIZED {
            return Err(SyncError::SignInAgain);
        }
        read(answer).await
    }
}

/// A request body as JSON.
fn encode(body: &impl serde::Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(body)
        .map_err(|e| SyncError::Protocol(format!("cannot encode a request: {e}")))
}

fn offline(e: reqwest::Error) -> SyncError {
    // reqwest's messages name the URL, never headers or bodies.
    let what = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "connection refused or unreachable".to_owned()
    } else {
        e.to_string()
    };
    SyncError::Offline(what)
}

/// Decodes a success, or turns an error answer into its message.
async fn read<T: DeserializeOwned>(answer: reqwest::Response) -> Result<T> {
    let status = answer.status();
    let bytes = answer.bytes().await.map_err(offline)?;
    if status.is_success() {
        // 204 No Content decodes as JSON null (so as `()`).
        let bytes: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
        return serde_json::from_slice(bytes)
            .map_err(|e| SyncError::Protocol(format!("the answer is not what sync expects: {e}")));
    }
    let body = serde_json::from_slice::<Value>(&bytes).ok();
    if status == StatusCode::BAD_REQUEST {
        if let Some(fields) = body.as_ref().and_then(field_errors) {
            return Err(SyncError::Invalid(fields));
        }
    }
    let detail = body
        .and_then(|v| {
            v.get("detail")
                .or_else(|| v.get("error"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    Err(match status {
        StatusCode::FORBIDDEN => SyncError::Forbidden(detail),
        s => SyncError::Server {
            status: s.as_u16(),
            detail,
        },
    })
}

/// A 400 answer's field messages (`{"field": ["message"]}`), if it has
/// that shape.
fn field_errors(body: &Value) -> Option<std::collections::BTreeMap<String, String>> {
    let map = body.as_object()?;
    if map.is_empty() || map.contains_key("detail") {
        return None;
    }
    map.iter()
        .map(|(k, v)| {
            let first = v.as_array()?.first()?.as_str()?;
            Some((k.clone(), first.to_owned()))
        })
        .collect()
}

/// How this laptop is named in the team admin's device list: the app and
/// the machine's host name.
pub fn device_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty());
    match host {
        Some(h) => format!("Switchboard desktop on {h}"),
        None => "Switchboard desktop".to_owned(),
    }
}
