//! The registry: every catalog provider id mapped to its check, behind one
//! trait. A unit test proves that every provider of the catalog has one.

use std::future::Future;
use std::pin::Pin;

use crate::checks;
use crate::http::{Ctx, Verdict};

/// A boxed, sendable future.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A provider's connection check.
pub(crate) trait ProviderCheck: Sync {
    /// The catalog provider id it checks.
    fn provider(&self) -> &'static str;
    /// Runs the check.
    fn run<'a>(&'a self, ctx: &'a Ctx<'a>) -> BoxFuture<'a, Verdict>;
}

/// A check implemented by an async function of a family module.
pub(crate) struct Check {
    pub(crate) provider: &'static str,
    pub(crate) run: for<'a> fn(&'a Ctx<'a>) -> BoxFuture<'a, Verdict>,
}

impl ProviderCheck for Check {
    fn provider(&self) -> &'static str {
        self.provider
    }

    fn run<'a>(&'a self, ctx: &'a Ctx<'a>) -> BoxFuture<'a, Verdict> {
        (self.run)(ctx)
    }
}

/// Every family's checks.
const FAMILIES: &[&[Check]] = &[
    checks::email::CHECKS,
    checks::smtp::CHECKS,
    checks::whatsapp::CHECKS,
    checks::facebook::CHECKS,
    checks::sms::CHECKS,
    checks::payments::CHECKS,
    checks::storage::CHECKS,
    checks::cdn::CHECKS,
    checks::oauth::CHECKS,
    checks::analytics::CHECKS,
    checks::support::CHECKS,
    checks::documents::CHECKS,
    checks::ai::CHECKS,
    checks::automation::CHECKS,
    checks::custom::CHECKS,
    checks::signup::CHECKS,
];

fn all() -> impl Iterator<Item = &'static Check> {
    FAMILIES.iter().flat_map(|family| family.iter())
}

/// The check of a provider id.
pub(crate) fn find(provider: &str) -> Option<&'static dyn ProviderCheck> {
    all()
        .find(|c| c.provider == provider)
        .map(|c| c as &'static dyn ProviderCheck)
}

/// Every provider id that has a check.
pub fn checked_providers() -> impl Iterator<Item = &'static str> {
    all().map(<Check as ProviderCheck>::provider)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_catalog_provider_has_a_check() {
        let missing: Vec<String> = switchboard_catalog::types()
            .iter()
            .flat_map(|t| {
                t.providers
                    .iter()
                    .map(move |p| format!("{}/{}", t.id, p.id))
            })
            .filter(|id| find(id.split('/').nth(1).unwrap()).is_none())
            .collect();
        assert!(missing.is_empty(), "providers without a check: {missing:?}");
    }

    #[test]
    fn every_check_is_a_catalog_provider_and_registered_once() {
        let mut seen = BTreeSet::new();
        for check in all() {
            assert!(
                switchboard_catalog::find_provider(check.provider).is_some(),
                "check for unknown provider {}",
                check.provider
            );
            assert!(
                seen.insert(check.provider),
                "{} registered twice",
                check.provider
            );
            assert_eq!(find(check.provider).unwrap().provider(), check.provider);
        }
    }
}
