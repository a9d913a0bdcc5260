//! [`run_check`]: one integration's check from end to end: its credentials
//! from the store, the provider call, and the outcome recorded (status,
//! last_sync_at, last_error, error_count, a log entry).

use switchboard_providers::{CheckInput, Checker, Outcome, OutcomeKind};
use switchboard_store::{Health, Result, Store};

use crate::record::{FromCredentials, ToRecord};

/// Checks integration `id` and records the outcome. Errors are the store's
/// (locked vault, unknown id, database); provider failures are outcomes.
pub async fn run_check(store: &Store, checker: &Checker, id: &str) -> Result<(Outcome, Health)> {
    let credentials = store.credentials(id).await?;
    let outcome = if credentials.undecryptable.is_empty() {
        checker
            .check(CheckInput::from_credentials(&credentials))
            .await
    } else {
        Outcome::new(
            OutcomeKind::InvalidCredentials,
            format!(
                "Some secrets of this integration cannot be decrypted ({}).",
                credentials.undecryptable.join(", ")
            ),
            "Enter those secrets again in the integration's settings.",
        )
    };
    let health = store.record_check(id, &outcome.to_record()).await?;
    Ok((outcome, health))
}
