//! The provider connection check behind `/api/integrations/<id>/test/`, as a
//! small trait so the server does not care who implements it: [`Providers`],
//! the shared provider checks (the same code the desktop app runs) in a
//! default build; a fake in tests; or [`Unavailable`] in a build without the
//! `providers` feature.

use async_trait::async_trait;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use switchboard_vault::Secret;

/// What a check is given: the catalog type and provider, the public
/// settings and the opened secrets (never logged).
#[derive(Debug, Clone, Copy)]
pub struct CheckRequest<'a> {
    pub integration_type: &'a str,
    pub provider: &'a str,
    pub config: &'a Map<String, Value>,
    pub secrets: &'a BTreeMap<String, Secret>,
}

pub use switchboard_domain::CheckKind;

/// The outcome of one check. Messages never contain a secret.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    pub kind: CheckKind,
    /// One line for the person and for `last_error`.
    pub message: String,
    /// What to do about it, if there is something to do.
    pub hint: Option<String>,
    /// Structured details for the log (HTTP status, provider error code, ...).
    pub details: Value,
    /// When the provider rate-limited the check.
    pub retry_after_secs: Option<u64>,
    pub elapsed_ms: u64,
}

impl CheckOutcome {
    pub fn new(kind: CheckKind, message: impl Into<String>) -> CheckOutcome {
        CheckOutcome {
            kind,
            message: message.into(),
            hint: None,
            details: Value::Object(Map::new()),
            retry_after_secs: None,
            elapsed_ms: 0,
        }
    }
}

/// Runs a real connection check against a provider.
#[async_trait]
pub trait ProviderCheck: Send + Sync {
    async fn check(&self, request: CheckRequest<'_>) -> CheckOutcome;
}

/// The implementation used when this build has no provider checks: every
/// test answers that checks are not available, and health is left alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unavailable;

/// The message [`Unavailable`] answers with.
pub const UNAVAILABLE_MESSAGE: &str =
    "Connection checks are not available in this build of the server; the settings were not tested.";

#[async_trait]
impl ProviderCheck for Unavailable {
    async fn check(&self, _request: CheckRequest<'_>) -> CheckOutcome {
        CheckOutcome::new(CheckKind::NotCheckable, UNAVAILABLE_MESSAGE)
    }
}

/// The provider checks of crates/providers (the desktop app's own), behind
/// this crate's trait. Every outcome but "ok" and "not checkable" counts as
/// a failed check, as on the desktop.
#[cfg(feature = "providers")]
#[derive(Debug, Clone)]
pub struct Providers {
    checker: switchboard_providers::Checker,
}

#[cfg(feature = "providers")]
impl Providers {
    /// A checker reaching `endpoints`, with `timeout` for each provider call.
    pub fn new(
        endpoints: switchboard_providers::Endpoints,
        timeout: std::time::Duration,
    ) -> Result<Providers, String> {
        switchboard_providers::Checker::try_new(endpoints, timeout)
            .map(|checker| Providers { checker })
            .map_err(|e| e.to_string())
    }
}

#[cfg(feature = "providers")]
#[async_trait]
impl ProviderCheck for Providers {
    async fn check(&self, request: CheckRequest<'_>) -> CheckOutcome {
        use switchboard_providers::CheckInput;
        let o = self
            .checker
            .check(CheckInput {
                integration_type: request.integration_type,
                provider: request.provider,
                config: request.config,
                secrets: request.secrets,
            })
            .await;
        let kind = o.kind.check_kind();
        CheckOutcome {
            kind,
            message: o.message,
            hint: Some(o.hint).filter(|h| !h.is_empty()),
            details: serde_json::json!({
                "outcome": o.kind.as_str(),
                "http_status": o.http_status,
                "provider": o.details,
            }),
            retry_after_secs: o.retry_after_secs,
            elapsed_ms: o.elapsed_ms,
        }
    }
}

/// Seconds each provider call may take in the default checker.
pub const PROVIDER_CALL_TIMEOUT_SECS: u64 = 10;

/// The checker `switchboard-server` starts with: the real provider checks,
/// reaching the hosts that `SWITCHBOARD_PROVIDER_ENDPOINTS` (or `_FILE`)
/// override and, beyond those, public addresses and the `allowed` ranges
/// only; or [`Unavailable`] in a build without the `providers` feature.
/// The error is a whole sentence for the person starting the server.
pub fn default_checker(allowed: &[String]) -> Result<std::sync::Arc<dyn ProviderCheck>, String> {
    #[cfg(feature = "providers")]
    {
        use switchboard_providers::Egress;
        let endpoints = switchboard_providers::Endpoints::from_env()
            .map_err(|e| format!("the provider endpoint overrides are not usable: {e}"))?;
        let ranges = Egress::parse_ranges(&allowed.join(","))
            .map_err(|e| format!("--allow-check-network: {e}"))?;
        let timeout = std::time::Duration::from_secs(PROVIDER_CALL_TIMEOUT_SECS);
        let checker = switchboard_providers::Checker::try_new(endpoints, timeout)
            .and_then(|c| c.with_egress(Egress::public_only(ranges)))
            .map_err(|e| format!("the provider checks cannot start: {e}"))?;
        Ok(std::sync::Arc::new(Providers { checker }))
    }
    #[cfg(not(feature = "providers"))]
    {
        let _ = allowed;
        Ok(std::sync::Arc::new(Unavailable))
    }
}
