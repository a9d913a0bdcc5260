//! The provider checks of `switchboard-providers`, run against the laptop
//! store: [`run_check`] checks one integration and records the outcome,
//! [`TestAll`] checks many integrations with bounded concurrency, progress
//! and cancellation, and [`HealthMonitor`] re-tests in the background.
//! [`run_troubleshoot`] runs an integration's troubleshooting checks and
//! logs the run. [`send_test_message`] and [`verify_webhook`] are the provider tools the
//! app and the CLI share. The checks themselves know nothing of the store;
//! this crate reads their input from it ([`FromCredentials`]) and writes
//! their outcome back ([`ToRecord`]).

#![forbid(unsafe_code)]

mod health;
mod record;
mod run;
mod test_all;
mod tools;
mod troubleshoot;

pub use health::{HealthMonitor, StatusChange};
pub use record::{FromCredentials, ToRecord};
pub use run::run_check;
pub use test_all::{Progress, TestAll, TestAllSummary};
pub use tools::{
    checker_from_env, send_test_message, test_answer, verify_webhook, webhook_secret, SendError,
    TestMessage, CHECK_TIMEOUT, ENV_DNS_SERVER,
};
pub use troubleshoot::{run_troubleshoot, troubleshoot_finding};
