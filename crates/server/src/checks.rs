//! The provider connection check behind `/api/integrations/<id>/test/`, as a
//! small trait so the server does not care who implements it: the shared
//! provider checks of crates/providers (the same code the desktop app runs),
//! or a fake in tests. The request and the outcome are the providers
//! crate's own [`CheckInput`] and [`Outcome`]; nothing is re-declared here.

use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;
use switchboard_providers::{Checker, Egress, Endpoints};

pub use switchboard_providers::{CheckInput, Outcome, OutcomeKind};

/// Runs a real connection check against a provider.
#[async_trait]
pub trait ProviderCheck: Send + Sync {
    async fn check(&self, request: CheckInput<'_>) -> Outcome;
}

#[async_trait]
impl ProviderCheck for Checker {
    async fn check(&self, request: CheckInput<'_>) -> Outcome {
        Checker::check(self, request).await
    }
}

/// Seconds each provider call may take in the default checker.
pub const PROVIDER_CALL_TIMEOUT_SECS: u64 = 10;

/// A checker reaching `endpoints`, with `timeout` for each provider call
/// (no address guard: for tests and tools that point at local fakes).
pub fn providers(
    endpoints: Endpoints,
    timeout: Duration,
) -> Result<Arc<dyn ProviderCheck>, String> {
    Checker::try_new(endpoints, timeout)
        .map(|checker| Arc::new(checker) as Arc<dyn ProviderCheck>)
        .map_err(|e| e.to_string())
}

/// The checker `switchboard-server` starts with: the real provider checks,
/// reaching the hosts that `SWITCHBOARD_PROVIDER_ENDPOINTS` (or `_FILE`)
/// override and, beyond those, public addresses and the `allowed` ranges
/// only. The error is a whole sentence for the person starting the server.
pub fn default_checker(allowed: &[String]) -> Result<Arc<dyn ProviderCheck>, String> {
    let endpoints = Endpoints::from_env()
        .map_err(|e| format!("the provider endpoint overrides are not usable: {e}"))?;
    let ranges = Egress::parse_ranges(&allowed.join(","))
        .map_err(|e| format!("--allow-check-network: {e}"))?;
    let timeout = Duration::from_secs(PROVIDER_CALL_TIMEOUT_SECS);
    let checker = Checker::try_new(endpoints, timeout)
        .and_then(|c| c.with_egress(Egress::public_only(ranges)))
        .map_err(|e| format!("the provider checks cannot start: {e}"))?;
    Ok(Arc::new(checker))
}
