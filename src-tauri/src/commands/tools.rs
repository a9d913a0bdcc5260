//! Provider tools: a real test message behind an explicit confirmation, and
//! the webhook signature verifier.

use super::{to_ipc, CmdResult};
use crate::state::AppState;
use serde_json::json;
use switchboard_ipc::cmd::{self, Answer, Request};
use switchboard_ipc::{IpcError, WebhookAnswer};
use switchboard_providers::send::{self, Confirmed};
use switchboard_providers::{webhooks, CheckInput};
use switchboard_runner::FromCredentials;
use switchboard_store::LogLevel;
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
    let integration = state.store.get(&request.id).await.map_err(to_ipc)?;
    if !integration.secrets_on_server.is_empty() {
        return Err(IpcError::new(
            "secret_on_server",
            format!(
                "The secret of “{}” is kept only on the shared server, so a test message cannot be sent from this laptop. Use its test (↻), which runs on the server, or send from the laptop that set the secret.",
                integration.name
            ),
        ));
    }
    let credentials = state.store.credentials(&request.id).await.map_err(to_ipc)?;
    let input = CheckInput::from_credentials(&credentials);
    let confirmed = Confirmed::by_user();
    let to = request.to.trim();
    let sent = match input.integration_type {
        "email" => send::send_test_email(checker, input, to, confirmed).await,
        "sms" => send::send_test_sms(checker, input, to, confirmed).await,
        _ if input.provider == "whatsapp" => {
            let template = Some(request.template.trim()).filter(|t| !t.is_empty());
            let language = Some(request.language.trim()).filter(|t| !t.is_empty());
            send::send_test_whatsapp_template(
                checker,
                input,
                to,
                template.unwrap_or("hello_world"),
                language.unwrap_or("en_US"),
                confirmed,
            )
            .await
        }
        _ => send::send_test_webhook(checker, input, confirmed).await,
    };
    let outcome = sent.map_err(|e| IpcError::invalid(e.to_string(), "to", e.to_string()))?;
    let level = if outcome.is_ok() {
        LogLevel::Success
    } else {
        LogLevel::Error
    };
    state
        .store
        .add_log(
            &request.id,
            level,
            &format!("Test message: {}", outcome.summary()),
            json!({"outcome": outcome.kind.as_str(), "provider": outcome.details}),
        )
        .await
        .map_err(to_ipc)?;
    let current = state.store.get(&request.id).await.map_err(to_ipc)?;
    Ok(super::checks::answer(
        &outcome,
        current.status,
        current.error_count,
    ))
}

/// Checks a webhook signature with the secret stored in an integration (or
/// a pasted one, e.g. SendGrid's public key). Never echoes the secret.
#[tauri::command]
pub async fn verify_webhook(
    state: State<'_, AppState>,
    request: Request<cmd::VerifyWebhook>,
) -> CmdResult<Answer<cmd::VerifyWebhook>> {
    /// Stripe's default tolerance for a signature's age.
    const STRIPE_TOLERANCE_SECS: u64 = 300;
    let secret = match (&request.integration_id, &request.field) {
        (Some(id), Some(field)) if !id.is_empty() && !field.is_empty() => {
            let credentials = state.store.credentials(id).await.map_err(to_ipc)?;
            let value = credentials
                .secrets
                .get(field)
                .map(|s| s.expose().to_owned())
                .or_else(|| {
                    credentials
                        .config
                        .get(field)
                        .and_then(|v| v.as_str())
                        .map(str::to_owned)
                });
            value.ok_or_else(|| {
                IpcError::new(
                    "validation",
                    format!("That integration has no value for “{field}”."),
                )
            })?
        }
        _ => request.secret.clone(),
    };
    let body = request.payload.as_bytes();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let verdict: Result<String, webhooks::WebhookError> = match request.scheme.as_str() {
        "meta" => webhooks::verify_meta(body, &request.signature, &secret)
            .map(|()| "Valid: X-Hub-Signature-256 matches the payload.".into()),
        "meta_challenge" => {
            webhooks::meta_challenge(&request.timestamp, &request.token, &request.url, &secret)
                .map(|c| format!("Valid: answer 200 with the challenge “{c}”."))
        }
        "twilio" => {
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let params: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            webhooks::verify_twilio(request.url.trim(), &params, &request.signature, &secret)
                .map(|()| "Valid: X-Twilio-Signature matches the URL and parameters.".into())
        }
        "stripe" => webhooks::verify_stripe(
            body,
            &request.signature,
            &secret,
            now,
            STRIPE_TOLERANCE_SECS,
        )
        .map(|t| format!("Valid: Stripe-Signature matches (signed at {t}, within 5 minutes).")),
        "sendgrid" => {
            webhooks::verify_sendgrid(&secret, &request.signature, &request.timestamp, body)
                .map(|()| "Valid: the ECDSA signature matches the timestamp and payload.".into())
        }
        "mailgun" => webhooks::verify_mailgun(
            &secret,
            &request.timestamp,
            &request.token,
            &request.signature,
        )
        .map(|()| "Valid: the signature matches the timestamp and token.".into()),
        other => {
            return Err(IpcError::new(
                "validation",
                format!("Unknown webhook scheme “{other}”: pick one from the list."),
            ))
        }
    };
    Ok(match verdict {
        Ok(message) => WebhookAnswer {
            valid: true,
            message,
        },
        Err(e) => WebhookAnswer {
            valid: false,
            message: format!("Not valid: {e}."),
        },
    })
}
