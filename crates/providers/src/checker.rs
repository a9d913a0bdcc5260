//! [`Checker`]: runs the check of one integration's credentials. It holds one
//! HTTP client (rustls, pooled connections reused across checks), the endpoint
//! overrides, the per-call timeout, the clock used for signatures, and any
//! extra TLS roots. Every outcome it returns has been timed and scrubbed of the
//! integration's secrets.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rustls_pki_types::CertificateDer;
use serde_json::{Map, Value};
use switchboard_vault::Secret;

use crate::egress::{Egress, GuardedResolver};
use crate::endpoints::Endpoints;
use crate::error::{ProviderError, Result};
use crate::http::Ctx;
use crate::outcome::Outcome;
use crate::{redact, registry, tls};

/// A clock for signatures and token lifetimes; tests fix it.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// What a check needs: the integration's catalog identity, public settings
/// and opened secrets.
#[derive(Debug, Clone, Copy)]
pub struct CheckInput<'a> {
    /// Catalog type id (`email`, `payments`...).
    pub integration_type: &'a str,
    /// Catalog provider id (`sendgrid`, `stripe`...).
    pub provider: &'a str,
    /// Public settings.
    pub config: &'a Map<String, Value>,
    /// Secret settings in plain text (wrapped).
    pub secrets: &'a BTreeMap<String, Secret>,
}

#[derive(Clone)]
struct Inner {
    endpoints: Endpoints,
    timeout: Duration,
    clock: Clock,
    extra_roots: Vec<CertificateDer<'static>>,
    extra_roots_pem: Vec<Vec<u8>>,
    egress: Arc<Egress>,
    /// The DNS server of the troubleshooting lookups (None: the system's).
    nameserver: Option<SocketAddr>,
}

/// Runs connection checks. Cheap to clone (one shared client and pool).
#[derive(Clone)]
pub struct Checker {
    inner: Arc<Inner>,
    client: reqwest::Client,
    /// With a guarded policy, the unguarded client for the destinations the
    /// admin named (the endpoint overrides); else the same as `client`.
    trusted_client: reqwest::Client,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("endpoints", &self.inner.endpoints)
            .field("timeout", &self.inner.timeout)
            .field("extra_roots", &self.inner.extra_roots.len())
            .field("egress", &self.inner.egress)
            .field("nameserver", &self.inner.nameserver)
            .finish()
    }
}

impl Checker {
    /// A checker reaching `endpoints`, giving each provider call `timeout`.
    ///
    /// # Panics
    /// Only if the TLS stack cannot start at all (a broken build), like
    /// `reqwest::Client::new`; use [`Checker::try_new`] to get an error instead.
    pub fn new(endpoints: Endpoints, timeout: Duration) -> Checker {
        Checker::try_new(endpoints, timeout).expect("the HTTP client with rustls must start")
    }

    /// Like [`Checker::new`], returning an error instead of panicking.
    pub fn try_new(endpoints: Endpoints, timeout: Duration) -> Result<Checker> {
        Checker::build(Inner {
            endpoints,
            timeout,
            clock: Arc::new(SystemTime::now),
            extra_roots: Vec::new(),
            extra_roots_pem: Vec::new(),
            egress: Arc::new(Egress::open()),
            nameserver: None,
        })
    }

    fn build(inner: Inner) -> Result<Checker> {
        let open = Checker::client_for(&inner, None)?;
        let client = if inner.egress.is_guarded() {
            Checker::client_for(&inner, Some(GuardedResolver(inner.egress.clone())))?
        } else {
            open.clone()
        };
        Ok(Checker {
            inner: Arc::new(inner),
            client,
            trusted_client: open,
        })
    }

    fn client_for(inner: &Inner, guard: Option<GuardedResolver>) -> Result<reqwest::Client> {
        let tls = tls::client_config(&inner.extra_roots)?;
        let mut builder = reqwest::Client::builder();
        if let Some(guard) = guard {
            // Names resolve through the guard, which hands the client only
            // addresses it permits. A proxy would resolve them itself, out
            // of the guard's sight, so a guarded client uses none.
            builder = builder.dns_resolver(guard).no_proxy();
        }
        builder
            .tls_backend_preconfigured(tls)
            // Provider APIs do not redirect; following one could carry
            // credentials somewhere unexpected. The sign-up page check
            // follows redirects itself, counting them.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(inner.timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .user_agent(concat!("Switchboard/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ProviderError::Client(e.to_string()))
    }

    fn rebuild(self, change: impl FnOnce(&mut Inner)) -> Result<Checker> {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        change(&mut inner);
        Checker::build(inner)
    }

    /// Also trusts the certificates of a PEM bundle (for HTTPS and SMTP):
    /// a company proxy's CA, or a test's own CA.
    pub fn with_extra_root_pem(self, pem: &[u8]) -> Result<Checker> {
        let certs = tls::parse_pem_certs(pem)?;
        self.rebuild(|inner| {
            inner.extra_roots.extend(certs);
            inner.extra_roots_pem.push(pem.to_vec());
        })
    }

    /// Connects only where `egress` permits (the team server's policy);
    /// the destinations of the endpoint overrides are trusted.
    pub fn with_egress(self, egress: Egress) -> Result<Checker> {
        let egress = self
            .inner
            .endpoints
            .destinations()
            .fold(egress, |e, (host, port)| e.trusting(&host, port));
        self.rebuild(|inner| inner.egress = Arc::new(egress))
    }

    /// The connection policy in use.
    pub fn egress(&self) -> &Egress {
        &self.inner.egress
    }

    /// Uses `clock` for request signatures, dates and token lifetimes.
    pub fn with_clock(self, clock: Clock) -> Checker {
        self.keeping_clients(|inner| inner.clock = clock)
    }

    /// Asks `nameserver` (UDP, then TCP) for the troubleshooting DNS
    /// records instead of the system's resolvers.
    pub fn with_nameserver(self, nameserver: SocketAddr) -> Checker {
        self.keeping_clients(|inner| inner.nameserver = Some(nameserver))
    }

    /// The DNS server the troubleshooting lookups ask (None: the system's).
    pub fn nameserver(&self) -> Option<SocketAddr> {
        self.inner.nameserver
    }

    /// A change that leaves the HTTP clients as they are.
    fn keeping_clients(self, change: impl FnOnce(&mut Inner)) -> Checker {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        change(&mut inner);
        Checker {
            inner: Arc::new(inner),
            client: self.client,
            trusted_client: self.trusted_client,
        }
    }

    /// The endpoint overrides in use.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// The time allowed for each provider call.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The current time by this checker's clock.
    pub fn now(&self) -> SystemTime {
        (self.inner.clock)()
    }

    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The client for a request `route`d by the connection policy.
    pub(crate) fn client_on(&self, route: crate::egress::Route) -> &reqwest::Client {
        match route {
            crate::egress::Route::Guarded => &self.client,
            crate::egress::Route::Trusted => &self.trusted_client,
        }
    }

    pub(crate) fn extra_roots_pem(&self) -> &[Vec<u8>] {
        &self.inner.extra_roots_pem
    }

    /// The longest a whole check may take: a few provider calls (an identity
    /// check and the service call, or a token and a lookup) each within the
    /// per-call timeout. A backstop; each call has its own timeout too.
    pub(crate) fn budget(&self) -> Duration {
        self.inner.timeout * 4 + Duration::from_millis(500)
    }

    /// POSTs a JSON `body` with `headers` to `url`, where the connection
    /// policy permits, within the per-call timeout and without following
    /// redirects: the status answered, or why none came (a sentence). For
    /// the team server's lead forwarding, whose address a user sets.
    pub async fn post_json(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> std::result::Result<u16, String> {
        let parsed =
            url::Url::parse(url).map_err(|e| format!("the address is not usable ({e})"))?;
        let route = self
            .egress()
            .check_url(&parsed)
            .map_err(|r| r.to_string())?;
        let mut request = self
            .client_on(route)
            .post(parsed)
            .timeout(self.timeout())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        match request.send().await {
            Ok(answer) => Ok(answer.status().as_u16()),
            Err(e) if e.is_timeout() => {
                Err(format!("no answer within {} s", self.timeout().as_secs()))
            }
            Err(e) if e.is_connect() => Err("the connection failed".to_owned()),
            Err(_) => Err("the request failed before an answer came".to_owned()),
        }
    }

    /// Checks one integration's credentials with the cheapest read-only call
    /// its provider offers. Never panics or hangs: transport failures and
    /// timeouts are outcomes.
    pub async fn check(&self, input: CheckInput<'_>) -> Outcome {
        let started = Instant::now();
        let mut outcome = match registry::find(input.provider) {
            None => Outcome::not_checkable(
                format!(
                    "Switchboard has no connection check for the provider '{}'.",
                    input.provider
                ),
                "Check that the integration's provider is one of the catalog's.",
            ),
            Some(check) => {
                let ctx = Ctx::new(self, &input);
                match tokio::time::timeout(self.budget(), check.run(&ctx)).await {
                    Ok(Ok(outcome)) | Ok(Err(outcome)) => outcome,
                    Err(_) => ctx.timeout_outcome(),
                }
            }
        };
        outcome.elapsed_ms = switchboard_domain::elapsed_ms(started);
        redact::scrub_outcome(&mut outcome, input.secrets);
        tracing::info!(
            provider = input.provider,
            outcome = outcome.kind.as_str(),
            http_status = outcome.http_status,
            elapsed_ms = outcome.elapsed_ms,
            "connection check"
        );
        outcome
    }
}
