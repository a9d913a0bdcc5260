//! What the app's commands and the `switchboard` CLI share around checks:
//! the checker set up from the environment, a check's answer, a real test
//! message (recorded in the activity log) and the webhook verifier with a
//! secret read from an integration.

use serde_json::json;
use std::time::Duration;
use switchboard_ipc::{Status, TestAllItem, TestAnswer, WebhookAnswer};
use switchboard_providers::send::{self, Confirmed};
use switchboard_providers::webhooks::{self, SignedRequest};
use switchboard_providers::{CheckInput, Checker, Endpoints, Outcome};
use switchboard_store::{LogLevel, Store, StoreError};
use switchboard_vault::Secret;

use crate::record::FromCredentials;
use crate::test_all::Progress;

/// How long one provider call may take.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(15);

/// The connection checker, with provider endpoint overrides read from
/// SWITCHBOARD_PROVIDER_ENDPOINTS(_FILE) and the troubleshooting DNS server
/// from SWITCHBOARD_DNS_SERVER; or why it cannot be set up.
pub fn checker_from_env() -> Result<Checker, String> {
    let endpoints =
        Endpoints::from_env().map_err(|e| format!("Provider endpoints are misconfigured: {e}"))?;
    let checker = Checker::try_new(endpoints, CHECK_TIMEOUT)
        .map_err(|e| format!("Connection checks cannot start: {e}"))?;
    match std::env::var(ENV_DNS_SERVER) {
        Ok(text) if !text.trim().is_empty() => {
            let addr = text.trim().parse().map_err(|_| {
                format!("{ENV_DNS_SERVER} must be an address with a port, like 127.0.0.1:53, not \u{201c}{text}\u{201d}.")
            })?;
            Ok(checker.with_nameserver(addr))
        }
        _ => Ok(checker),
    }
}

/// The environment variable naming the DNS server (`ip:port`) the
/// troubleshooting checks ask instead of the system's.
pub const ENV_DNS_SERVER: &str = "SWITCHBOARD_DNS_SERVER";

/// The answer of a check or test message: its outcome and the record's
/// health after it.
pub fn test_answer(outcome: &Outcome, status: Status, error_count: i64) -> TestAnswer {
    TestAnswer {
        kind: outcome.kind,
        ok: outcome.is_ok(),
        message: outcome.message.clone(),
        hint: outcome.hint.clone(),
        details: outcome.details.clone(),
        status,
        error_count,
        retry_after_secs: outcome.retry_after_secs,
    }
}

impl Progress {
    /// This finished check as a test-all run lists it.
    pub fn item(&self) -> TestAllItem {
        TestAllItem {
            id: self.id.clone(),
            name: self.name.clone(),
            kind: self.outcome.kind,
            ok: self.outcome.is_ok(),
            message: self.outcome.message.clone(),
        }
    }
}

/// A test message's recipient and, for WhatsApp, its approved template.
#[derive(Debug, Clone, Copy, Default)]
pub struct TestMessage<'a> {
    /// An email address or an E.164 number (unused for webhooks).
    pub to: &'a str,
    /// WhatsApp template (default `hello_world`).
    pub template: &'a str,
    /// WhatsApp template language (default `en_US`).
    pub language: &'a str,
}

/// Why a test message was not sent.
#[derive(Debug)]
pub enum SendError {
    /// The store refused (locked, unknown id...).
    Store(StoreError),
    /// The secret is kept only on the shared server; the integration's name.
    SecretOnServer(String),
    /// The recipient or template is not valid, or the integration cannot send.
    Input(String),
}

impl From<StoreError> for SendError {
    fn from(e: StoreError) -> Self {
        SendError::Store(e)
    }
}

/// Sends one real test message through integration `id` (an email, an SMS,
/// a WhatsApp template or a webhook event, after its type) and records the
/// outcome in its activity log. `confirmed` is the person's explicit yes.
pub async fn send_test_message(
    store: &Store,
    checker: &Checker,
    id: &str,
    message: &TestMessage<'_>,
    confirmed: Confirmed,
) -> Result<TestAnswer, SendError> {
    let integration = store.get(id).await?;
    if !integration.secrets_on_server.is_empty() {
        return Err(SendError::SecretOnServer(integration.name));
    }
    let credentials = store.credentials(id).await?;
    let input = CheckInput::from_credentials(&credentials);
    let to = message.to.trim();
    let sent = match input.integration_type {
        "email" => send::send_test_email(checker, input, to, confirmed).await,
        "sms" => send::send_test_sms(checker, input, to, confirmed).await,
        _ if input.provider == "whatsapp" => {
            let or = |text: &str, default: &'static str| {
                Some(text.trim())
                    .filter(|t| !t.is_empty())
                    .unwrap_or(default)
                    .to_owned()
            };
            let template = or(message.template, "hello_world");
            let language = or(message.language, "en_US");
            send::send_test_whatsapp_template(checker, input, to, &template, &language, confirmed)
                .await
        }
        _ => send::send_test_webhook(checker, input, confirmed).await,
    };
    let outcome = sent.map_err(|e| SendError::Input(e.to_string()))?;
    let level = if outcome.is_ok() {
        LogLevel::Success
    } else {
        LogLevel::Error
    };
    store
        .add_log(
            id,
            level,
            &format!("Test message: {}", outcome.summary()),
            json!({"outcome": outcome.kind.as_str(), "provider": outcome.details}),
        )
        .await?;
    let current = store.get(id).await?;
    Ok(test_answer(&outcome, current.status, current.error_count))
}

/// The value of an integration's field to verify webhooks with: a secret,
/// else a public setting of that name; None when it has neither.
pub async fn webhook_secret(
    store: &Store,
    id: &str,
    field: &str,
) -> Result<Option<Secret>, StoreError> {
    let credentials = store.credentials(id).await?;
    let value = credentials.secrets.get(field).cloned().or_else(|| {
        credentials
            .config
            .get(field)
            .and_then(|v| v.as_str())
            .map(Secret::new)
    });
    Ok(value)
}

/// Checks a pasted webhook request with `secret`, now: valid or not, in a
/// sentence that never holds the secret. None when the scheme is unknown.
pub fn verify_webhook(request: &SignedRequest<'_>, secret: &Secret) -> Option<WebhookAnswer> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Some(
        match webhooks::verify_request(request, secret.expose(), now)? {
            Ok(message) => WebhookAnswer {
                valid: true,
                message,
            },
            Err(e) => WebhookAnswer {
                valid: false,
                message: format!("Not valid: {e}."),
            },
        },
    )
}
