//! The domain's vocabulary, declared once for every crate that speaks it:
//! the laptop store, the team server, the sync protocol, the desktop IPC and
//! the UI. Each enum here is the only declaration of its concept in Rust; a
//! test (`tests/one_home.rs`) fails when another crate declares it again, and
//! another checks the SQL CHECK lists of the migrations against [`Status::ALL`]
//! and [`LogLevel::ALL`].
//!
//! serde only (the clock behind the `clock` feature), so it builds for wasm32.

pub mod activity;
mod check;
pub mod expiry;
pub mod field;
pub mod figure;
pub mod restore;
mod status;
mod timestamp;
mod trash;
mod view;

pub use check::{apply_check, CheckKind, HealthState, OutcomeKind};
pub use expiry::{attention, Attention, ExpiryDates, Rotation, Stage, StatedExpiry};
pub use status::{LogLevel, Status};
pub use timestamp::{civil_from_days, days_from_civil, elapsed_ms, format_timestamp};
#[cfg(feature = "clock")]
pub use timestamp::{new_id, now, seconds_ago, unix_now};
pub use trash::{TrashedIntegration, MOVED_TO_TRASH, TRASH_DAYS, TRASH_SECONDS};
pub use view::{SecretView, SortKey, Stats, WebsiteScope};
