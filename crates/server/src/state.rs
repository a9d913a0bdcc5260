//! The state every handler shares: the database, the vault, the provider
//! checker, a short-lived cache of authenticated
//! tokens, and the server's settings.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::checks::ProviderCheck;
use crate::db::{unix_now, Db};
use crate::model::AuthUser;
use crate::secrets::Vault;

/// Tunables, with the defaults `switchboard-server` starts with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Largest request body accepted (413 above).
    pub max_body_bytes: usize,
    /// Lifetime of access tokens from login and refresh.
    pub access_ttl_secs: i64,
    /// Lifetime of refresh tokens.
    pub refresh_ttl_secs: i64,
    /// `/test/` calls allowed per user and integration within `test_window`.
    /// Counted in the database, so it holds across replicas.
    pub test_limit: u32,
    pub test_window: Duration,
    /// Credential fetches allowed per service token within
    /// `credential_window` (counted in the database too).
    pub credential_limit: u32,
    pub credential_window: Duration,
    /// How long a provider check may take.
    pub check_timeout: Duration,
    /// How long an authenticated token is trusted without asking the
    /// database again (0 disables the cache). Revoking a token from the
    /// command line takes effect within this time.
    pub auth_cache_ttl: Duration,
    /// Password checks (Argon2id, 19 MiB each) that may run at once; a login
    /// beyond them is answered 503 with Retry-After.
    pub login_slots: usize,
    /// Provider checks that may run at once across all users; a `/test/`
    /// beyond them is answered 503 with Retry-After.
    pub check_slots: usize,
    /// How long one request may take, reading its body included (408 after).
    pub request_timeout: Duration,
    /// Requests worked on at once; more wait for a slot.
    pub max_concurrent_requests: usize,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for the
    /// per-address login throttle); from any other peer the header is
    /// ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Largest release artifact an admin may upload (the upload route's
    /// body limit; every other route keeps `max_body_bytes`).
    pub max_release_bytes: usize,
    /// The server's address as clients reach it (`https://updates.example.com`),
    /// for the download links of update manifests and the webhook receivers'
    /// URLs (Twilio signs the public URL); without it they are made from the
    /// request's `Host` and `X-Forwarded-Proto`.
    pub public_url: Option<String>,
    /// Where providers are reached from the server itself (the webhook
    /// receivers read Lead Ads leads from key `meta`):
    /// `SWITCHBOARD_PROVIDER_ENDPOINTS` (or `_FILE`), like the checks.
    pub provider_endpoints: switchboard_providers::Endpoints,
    /// Where the server itself may connect (the Lead Ads fetch, lead
    /// forwarding): the server binary refuses internal addresses
    /// (`--allow-check-network` widens it); unguarded by default for tests.
    pub egress: switchboard_providers::Egress,
    /// Sign-ups one client address may post to one sign-up page within
    /// `lead_window` (counted in the database, like every limit).
    pub lead_limit: u32,
    pub lead_window: Duration,
    /// The wait before the second try at forwarding a lead; each later wait
    /// is four times the one before.
    pub forward_backoff: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_body_bytes: 1024 * 1024,
            access_ttl_secs: 15 * 60,
            refresh_ttl_secs: 30 * 24 * 3600,
            test_limit: 5,
            test_window: Duration::from_secs(60),
            credential_limit: 600,
            credential_window: Duration::from_secs(60),
            // Above the provider checks' own budget (a few calls of 10 s each).
            check_timeout: Duration::from_secs(45),
            auth_cache_ttl: Duration::ZERO,
            login_slots: 4,
            check_slots: 16,
            // Above the provider checks' budget (check_timeout).
            request_timeout: Duration::from_secs(60),
            max_concurrent_requests: 512,
            trusted_proxies: Vec::new(),
            max_release_bytes: 512 * 1024 * 1024,
            public_url: None,
            provider_endpoints: switchboard_providers::Endpoints::default(),
            egress: switchboard_providers::Egress::default(),
            lead_limit: 10,
            lead_window: Duration::from_secs(600),
            forward_backoff: Duration::from_secs(30),
        }
    }
}

/// One authenticated token: its user, when it was looked up, when it expires.
#[derive(Debug)]
struct Cached {
    user: AuthUser,
    at: Instant,
    expires_at: Option<i64>,
}

/// Authenticated tokens by hash, for `auth_cache_ttl`.
#[derive(Debug)]
pub struct AuthCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, Cached>>,
}

impl AuthCache {
    fn new(ttl: Duration) -> AuthCache {
        AuthCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, hash: &str) -> Option<AuthUser> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().expect("auth cache lock poisoned");
        let c = entries.get(hash)?;
        let fresh = c.at.elapsed() < self.ttl && c.expires_at.is_none_or(|t| t > unix_now());
        fresh.then(|| c.user.clone())
    }

    pub fn put(&self, hash: String, user: AuthUser, expires_at: Option<i64>) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().expect("auth cache lock poisoned");
        if entries.len() >= 10_000 {
            entries.clear();
        }
        entries.insert(
            hash,
            Cached {
                user,
                at: Instant::now(),
                expires_at,
            },
        );
    }

    /// Forgets these tokens (revoked), so this process refuses them at once.
    pub fn forget(&self, hashes: &[String]) {
        let mut entries = self.entries.lock().expect("auth cache lock poisoned");
        for hash in hashes {
            entries.remove(hash);
        }
    }

    /// Forgets everything, e.g. after website memberships changed.
    pub fn clear(&self) {
        self.entries
            .lock()
            .expect("auth cache lock poisoned")
            .clear();
    }
}

struct Inner {
    db: Arc<dyn Db>,
    vault: Vault,
    checker: Arc<dyn ProviderCheck>,
    auth_cache: AuthCache,
    logins: Arc<tokio::sync::Semaphore>,
    checks: Arc<tokio::sync::Semaphore>,
    credential_writer: std::sync::OnceLock<crate::group_commit::CredentialWriter>,
    event_writer: std::sync::OnceLock<crate::group_commit::EventWriter>,
    integration_writer: std::sync::OnceLock<crate::group_commit::IntegrationWriter>,
    provider_client: std::sync::OnceLock<Result<switchboard_providers::Checker, String>>,
    settings: Settings,
}

/// Cheap to clone: everything lives behind one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("backend", &self.0.db.backend())
            .field("settings", &self.0.settings)
            .finish()
    }
}

impl AppState {
    pub fn new(
        db: Arc<dyn Db>,
        vault: Vault,
        checker: Arc<dyn ProviderCheck>,
        settings: Settings,
    ) -> AppState {
        AppState(Arc::new(Inner {
            auth_cache: AuthCache::new(settings.auth_cache_ttl),
            logins: Arc::new(tokio::sync::Semaphore::new(settings.login_slots.max(1))),
            checks: Arc::new(tokio::sync::Semaphore::new(settings.check_slots.max(1))),
            credential_writer: std::sync::OnceLock::new(),
            event_writer: std::sync::OnceLock::new(),
            integration_writer: std::sync::OnceLock::new(),
            provider_client: std::sync::OnceLock::new(),
            db,
            vault,
            checker,
            settings,
        }))
    }

    pub fn db(&self) -> &dyn Db {
        self.0.db.as_ref()
    }

    pub fn db_arc(&self) -> Arc<dyn Db> {
        self.0.db.clone()
    }

    /// The group-committing writer of credential fetches (started on first use).
    pub fn credential_writer(&self) -> &crate::group_commit::CredentialWriter {
        self.0
            .credential_writer
            .get_or_init(|| crate::group_commit::credentials(self.0.db.clone()))
    }

    /// The group-committing writer of the receivers' genuine events (started on first use).
    pub fn event_writer(&self) -> &crate::group_commit::EventWriter {
        self.0
            .event_writer
            .get_or_init(|| crate::group_commit::events(self.0.db.clone()))
    }

    /// The group-committing writer of created integrations (started on first use).
    pub fn integration_writer(&self) -> &crate::group_commit::IntegrationWriter {
        self.0
            .integration_writer
            .get_or_init(|| crate::group_commit::integrations(self.0.db.clone()))
    }

    /// The client the receivers call providers with (made on first use,
    /// reaching [`Settings::provider_endpoints`]).
    pub fn provider_client(&self) -> Result<&switchboard_providers::Checker, String> {
        self.0
            .provider_client
            .get_or_init(|| {
                switchboard_providers::Checker::try_new(
                    self.0.settings.provider_endpoints.clone(),
                    std::time::Duration::from_secs(crate::checks::PROVIDER_CALL_TIMEOUT_SECS),
                )
                .and_then(|c| c.with_egress(self.0.settings.egress.clone()))
                .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    pub fn vault(&self) -> &Vault {
        &self.0.vault
    }

    pub fn checker(&self) -> &dyn ProviderCheck {
        self.0.checker.as_ref()
    }

    pub fn auth_cache(&self) -> &AuthCache {
        &self.0.auth_cache
    }

    /// The password-check slots (see [`Settings::login_slots`]).
    pub fn login_slots(&self) -> &Arc<tokio::sync::Semaphore> {
        &self.0.logins
    }

    /// The provider-check slots (see [`Settings::check_slots`]).
    pub fn check_slots(&self) -> &Arc<tokio::sync::Semaphore> {
        &self.0.checks
    }

    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }
}
