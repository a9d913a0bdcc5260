//! Native connection checks for every provider in the catalog: each proves a
//! credential works with the cheapest read-only call its provider offers and
//! answers one [`Outcome`] (ok with what the provider told us, or a clear
//! failure with a hint a person can act on). Around the checks: [`RateGate`]
//! spaces repeated tests, [`webhooks`] verifies incoming signatures, and
//! [`send`] sends explicitly confirmed test messages, and
//! [`Checker::troubleshoot`] runs the troubleshooting checks (DNS records,
//! templates, subscriptions, webhook handshakes) as [`Finding`]s. This crate knows nothing
//! of the laptop store: `switchboard-runner` reads checks' input from it and
//! records their outcomes (one check, test-all, background health rounds).
//!
//! Every provider host can be overridden by configuration ([`Endpoints`]), so
//! tests and staging point checks at other hosts. No secret ever appears in an
//! outcome, an error or a log line.

#![forbid(unsafe_code)]

mod checker;
mod checks;
mod egress;
mod endpoints;
mod error;
mod http;
mod outcome;
mod rate_gate;
mod redact;
mod registry;
mod tls;
mod transport;
mod troubleshoot;

#[doc(hidden)]
pub mod fake;
#[doc(hidden)]
pub mod fake_dns;
pub mod send;
pub mod webhooks;

pub use checker::{CheckInput, Checker, Clock};
pub use egress::{Egress, Refused};
pub use endpoints::{Endpoints, ENV_FILE, ENV_JSON};
pub use error::{ProviderError, Result};
pub use outcome::{Outcome, OutcomeKind, StatedDates, StatedExpiry};
pub use rate_gate::RateGate;
pub use registry::checked_providers;
pub use transport::timeout_outcome;
pub use troubleshoot::{troubleshooting_findings, Finding};
