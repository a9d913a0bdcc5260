//! The provider checks, one module per family. Each module lists its checks
//! with `checks!`, mapping catalog provider ids to async
//! functions `fn(&Ctx) -> Verdict`; `registry.rs` gathers the lists.

/// Declares a family's `CHECKS`: `"provider_id" => async_fn, ...`.
macro_rules! checks {
    ($($id:literal => $f:ident),* $(,)?) => {
        pub(crate) const CHECKS: &[crate::registry::Check] = &[
            $(crate::registry::Check { provider: $id, run: |ctx| Box::pin($f(ctx)) }),*
        ];
    };
}

pub(crate) mod ai;
pub(crate) mod analytics;
pub(crate) mod automation;
pub(crate) mod aws;
pub(crate) mod cdn;
pub(crate) mod custom;
pub(crate) mod documents;
pub(crate) mod email;
pub(crate) mod facebook;
pub(crate) mod graph;
pub(crate) mod jwt;
pub(crate) mod oauth;
pub(crate) mod payments;
pub(crate) mod signup;
pub(crate) mod sms;
pub(crate) mod smtp;
pub(crate) mod storage;
pub(crate) mod support;
pub(crate) mod whatsapp;
