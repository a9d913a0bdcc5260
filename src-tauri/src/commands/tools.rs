//! Provider tools: a real test message behind an explicit confirmation, and
//! the webhook signature verifier (both in `switchboard-runner`, shared with
//! the CLI).

use super::{to_ipc, CmdResult};
use crate::state::AppState;
use switchboard_ipc::cmd::{self, Answer, Request};
use switchboard_ipc::IpcError;
use switchboard_providers::send::Confirmed;
use switchboard_providers::webhooks::SignedRequest;
use switchboard_runner::{SendError, TestMessage};
use switchboard_vault::Secret;
use tauri::State;

/// Sends one real test message; refused unless the person confirmed it.
/// The outcome goes to the integration's activity log.
#[tauri::command]
pub async fn send_test_message(
    state: State<'_, AppState>,
    request: Request<cmd::SendTestMessage>,
) -> CmdResult<Answer<cmd::SendTestMessage>> {
    if !request.confirmed {
        return Err(IpcError::invalid(
            "Tick the box to confirm: this sends a real message.",
            "confirmed",
            "Confirm to send.",
        ));
    }
    let checker = state
        .checker
        .as_ref()
        .map_err(|e| IpcError::new("checks_unavailable", e.clone()))?;
    let message = TestMessage {
        to: &request.to,
        template: &request.template,
        language: &request.language,
    };
    switchboard_runner::send_test_message(
        &state.store,
        checker,
        &request.id,
        &message,
        Confirmed::by_user(),
    )
    .await
    .map_err(|e| match e {
        SendError::Store(e) => to_ipc(e),
        SendError::SecretOnServer(name) => IpcError::new(
            "secret_on_server",
            format!(
                "The secret of “{name}” is kept only on the shared server, so a test message cannot be sent from this laptop. Use its test (↻), which runs on the server, or send from the laptop that set the secret."
            ),
        ),
        SendError::Input(m) => IpcError::invalid(m.clone(), "to", m),
    })
}

/// Checks a webhook signature with the secret stored in an integration (or
/// a pasted one, e.g. SendGrid's public key). Never echoes the secret.
#[tauri::command]
pub async fn verify_webhook(
    state: State<'_, AppState>,
    request: Request<cmd::VerifyWebhook>,
) -> CmdResult<Answer<cmd::VerifyWebhook>> {
    let secret = match (&request.integration_id, &request.field) {
        (Some(id), Some(field)) if !id.is_empty() && !field.is_empty() => {
            switchboard_runner::webhook_secret(&state.store, id, field)
                .await
                .map_err(to_ipc)?
                .ok_or_else(|| {
                    IpcError::new(
                        "validation",
                        format!("That integration has no value for “{field}”."),
                    )
                })?
        }
        _ => Secret::new(request.secret.as_str()),
    };
    let signed = SignedRequest {
        scheme: &request.scheme,
        payload: request.payload.as_bytes(),
        signature: &request.signature,
        timestamp: &request.timestamp,
        token: &request.token,
        url: &request.url,
    };
    switchboard_runner::verify_webhook(&signed, &secret).ok_or_else(|| {
        IpcError::new(
            "validation",
            format!(
                "Unknown webhook scheme “{}”: pick one from the list.",
                request.scheme
            ),
        )
    })
}
