//! Explicit test messages: an email to an address the user typed, an SMS, a
//! WhatsApp template message, or a test event to an automation webhook. Each
//! sends something real, so each takes a [`Confirmed`] that only an explicit
//! call can make: the UI makes one after the person confirms.
//!
//! Bad input (an address that is not one, a provider that cannot send) is a
//! [`ProviderError::Input`]; what the provider answered is an [`Outcome`],
//! scrubbed of secrets like every check's.

mod email;
mod sms;

use std::future::Future;
use std::time::Instant;

use serde_json::{json, Value};

use crate::checker::{CheckInput, Checker};
use crate::error::{ProviderError, Result};
use crate::http::{Ctx, Verdict};
use crate::outcome::{Outcome, OutcomeKind};
use crate::redact;

/// Proof that a person confirmed sending a real message. There is no
/// `Default`: the only way to make one is [`Confirmed::by_user`].
#[derive(Debug, Clone, Copy)]
pub struct Confirmed {
    _private: (),
}

impl Confirmed {
    /// Call only after the person explicitly confirmed this send.
    pub fn by_user() -> Confirmed {
        Confirmed { _private: () }
    }
}

/// The subject of test emails.
pub const TEST_SUBJECT: &str = "Switchboard test email";

/// The text of test messages for a provider.
pub(crate) fn test_text(label: &str) -> String {
    format!(
        "This is a test message from Switchboard, sent through {label} to check the integration. No action is needed."
    )
}

/// Sends a test email through an email integration to `to`.
pub async fn send_test_email(
    checker: &Checker,
    input: CheckInput<'_>,
    to: &str,
    _confirmed: Confirmed,
) -> Result<Outcome> {
    let to = valid_email(to)?;
    if input.integration_type != "email" {
        return Err(wrong_type(&input, "an email"));
    }
    let ctx = Ctx::new(checker, &input);
    Ok(finish(&ctx, email::send(&ctx, to)).await)
}

/// Sends a test SMS through an SMS integration to `to` (E.164, like +14155550123).
pub async fn send_test_sms(
    checker: &Checker,
    input: CheckInput<'_>,
    to: &str,
    _confirmed: Confirmed,
) -> Result<Outcome> {
    let to = valid_phone(to)?;
    if input.integration_type != "sms" {
        return Err(wrong_type(&input, "an SMS"));
    }
    let ctx = Ctx::new(checker, &input);
    Ok(finish(&ctx, sms::send_sms(&ctx, to)).await)
}

/// Sends an approved WhatsApp template (e.g. `hello_world`, language `en_US`)
/// through a WhatsApp integration to `to` (E.164).
pub async fn send_test_whatsapp_template(
    checker: &Checker,
    input: CheckInput<'_>,
    to: &str,
    template: &str,
    language: &str,
    _confirmed: Confirmed,
) -> Result<Outcome> {
    let to = valid_phone(to)?;
    if input.provider != "whatsapp" {
        return Err(wrong_type(&input, "a WhatsApp template"));
    }
    let ok_name = |s: &str| {
        !s.is_empty() && s.len() <= 512 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if !ok_name(template) || !ok_name(language) {
        return Err(ProviderError::Input(
            "the template name and language code may only hold letters, digits and underscores (e.g. hello_world, en_US)".into(),
        ));
    }
    let ctx = Ctx::new(checker, &input);
    Ok(finish(&ctx, sms::send_whatsapp(&ctx, to, template, language)).await)
}

/// Posts a test event to an automation webhook (Zapier, Make, custom). This
/// runs the workflow once; custom webhooks are signed with the signing secret.
pub async fn send_test_webhook(
    checker: &Checker,
    input: CheckInput<'_>,
    _confirmed: Confirmed,
) -> Result<Outcome> {
    if !matches!(input.provider, "zapier" | "make" | "custom_webhook") {
        return Err(wrong_type(&input, "a webhook test event"));
    }
    let ctx = Ctx::new(checker, &input);
    Ok(finish(&ctx, webhook(&ctx)).await)
}

/// Runs a send within a deadline, then times, scrubs and logs its outcome.
async fn finish(ctx: &Ctx<'_>, send: impl Future<Output = Verdict>) -> Outcome {
    let started = Instant::now();
    let mut outcome = match tokio::time::timeout(ctx.checker.timeout() * 3, send).await {
        Ok(Ok(o)) | Ok(Err(o)) => o,
        Err(_) => ctx.timeout_outcome(),
    };
    outcome.elapsed_ms = switchboard_domain::elapsed_ms(started);
    redact::scrub_outcome(&mut outcome, ctx.input.secrets);
    tracing::info!(
        provider = ctx.input.provider,
        outcome = outcome.kind.as_str(),
        "test message"
    );
    outcome
}

fn wrong_type(input: &CheckInput<'_>, what: &str) -> ProviderError {
    ProviderError::Input(format!(
        "a {} integration ({}) cannot send {what}",
        input.integration_type, input.provider
    ))
}

/// A single plain address (no display name, no line breaks).
pub(crate) fn valid_email(to: &str) -> Result<&str> {
    let to = to.trim();
    let bad = || {
        ProviderError::Input(format!(
            "'{}' is not an email address",
            to.chars().take(80).collect::<String>()
        ))
    };
    let (local, domain) = to.split_once('@').ok_or_else(bad)?;
    let clean = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !"<>,;\"()[]\\".contains(c))
    };
    if !clean(local)
        || !clean(domain)
        || domain.contains('@')
        || !domain.contains('.')
        || to.len() > 254
    {
        return Err(bad());
    }
    Ok(to)
}

/// An E.164 number: + and 8 to 15 digits.
pub(crate) fn valid_phone(to: &str) -> Result<&str> {
    let to = to.trim();
    let digits = to.strip_prefix('+').unwrap_or("");
    if (8..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0')
    {
        Ok(to)
    } else {
        Err(ProviderError::Input(
            "the phone number must be in international format: + then the country code and number, e.g. +14155550123".into(),
        ))
    }
}

/// A sent message's outcome.
pub(crate) fn sent(label: &str, to: &str, id: Option<&str>, status: u16) -> Outcome {
    Outcome::ok(format!("{label} accepted the test message to {to}."))
        .hint("Check that it arrives; delivery can take a minute.")
        .details(json!({"to": to, "message_id": id}))
        .status(status)
}

async fn webhook(ctx: &Ctx<'_>) -> Verdict {
    let (url, secret) = match ctx.input.provider {
        "custom_webhook" => (ctx.need_cfg("url")?, ctx.secret("signing_secret")),
        _ => (ctx.need_secret("webhook_url")?.to_owned(), None),
    };
    let now = ctx.unix_now();
    let body = json!({
        "event": "switchboard.test",
        "sent_at": now,
        "message": "Test event from Switchboard. It was sent on purpose, after confirmation.",
    })
    .to_string();
    let mut request = ctx
        .post(&url)
        .header("Content-Type", "application/json")
        .header("X-Switchboard-Event", "test")
        .header("X-Switchboard-Timestamp", now.to_string());
    if let Some(secret) = secret {
        request = request.header(
            "X-Switchboard-Signature",
            crate::webhooks::sign_custom(secret, now, body.as_bytes()),
        );
    }
    let extra = match ctx.input.config.get("headers") {
        Some(Value::Object(map)) => map.clone(),
        Some(Value::String(text)) => serde_json::from_str(text).unwrap_or_default(),
        _ => Default::default(),
    };
    for (name, value) in extra {
        if let Some(value) = value.as_str() {
            request = request.header(name.as_str(), value);
        }
    }
    let resp = ctx.send(request.body(body)).await?;
    if !resp.success() {
        let mut out = ctx.http_failure(&resp);
        out.message = format!(
            "The webhook answered HTTP {} to the test event.",
            resp.status
        );
        if resp.status == 404 || resp.status == 410 {
            out.kind = OutcomeKind::NotFound;
            out.hint =
                "The hook may have been deleted or turned off: copy its address again.".into();
        }
        return Err(out);
    }
    Ok(Outcome::ok(format!(
        "The webhook accepted the test event (HTTP {}).",
        resp.status
    ))
    .hint("Check the workflow's history to see the event arrive.")
    .status(resp.status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked() {
        assert!(valid_email("a@example.com").is_ok());
        assert!(valid_email("a@example.com\r\nBcc: x@y.z").is_err());
        assert!(valid_email("Name <a@example.com>").is_err());
        assert!(valid_email("nobody").is_err());
        assert!(valid_phone("+14155550123").is_ok());
        assert!(valid_phone("14155550123").is_err());
        assert!(valid_phone("+1415555012a").is_err());
    }
}
