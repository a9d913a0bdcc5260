//! Every provider's check against a local fake that asserts the exact request
//! and answers success, bad credentials, missing permission and rate limiting
//! the way that provider does; plus transport failures.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod apps;
mod egress;
mod email;
mod expiry;
mod meta;
mod payments;
mod send;
mod services;
mod sms;
mod storage;
mod transport;
mod troubleshoot;
