//! The laptop side of sync with the shared server (protocol: `docs/sync.md`,
//! wire types: `switchboard-sync-proto`).
//!
//! - [`ServerClient`]: the server's address (HTTPS, or HTTP to localhost
//!   only), sign-in with email and password, the refresh token kept in a
//!   [`TokenStore`] (the OS keyring in the app), pull and push calls retried
//!   with backoff on network failures (pushes carry a batch id, so a retry
//!   after a lost answer is applied once).
//! - [`sync`]: push pending local changes in batches, then pull the server's
//!   changes page by page, reporting progress and a [`SyncReport`].
//! - [`connect`] and [`disconnect`]: the server kept in the store, the
//!   sign-in in the token store, shared by the app and the CLI.
//! - The team admin calls of the Team and Audit pages (`team.rs`), and the
//!   webhook inspector's (`events.rs`).

#![forbid(unsafe_code)]

mod client;
mod connect;
mod engine;
mod error;
mod events;
mod team;
mod tokens;
mod url;

pub use client::{device_name, ServerClient, ServerTest, SignedIn, PULL_PATH, PUSH_PATH};
pub use connect::{check_connect, connect, disconnect, token_store};
pub use engine::{sync, Phase, SyncOptions, SyncProgress, SyncReport};
pub use error::{Result, SyncError};
pub use events::EVENT_PAGE;
pub use switchboard_sync_proto::events::{EventPage, Receiver, TestEventAnswer, WebhookEvent};
pub use switchboard_sync_proto::ServerHealth;
pub use team::PersonChange;
pub use tokens::{account, MemoryTokenStore, OsTokenStore, TokenStore};
pub use url::server_url;
