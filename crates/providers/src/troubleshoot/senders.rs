//! Senders the provider must know: SendGrid's sender identity (an
//! authenticated domain or a verified single sender for the From address)
//! and an SMS from-number's capability (Twilio's IncomingPhoneNumbers; other
//! gateways do not tell).

use serde_json::{json, Value};

use crate::checks::email::sendgrid_base;
use crate::checks::sms::twilio_failure;
use crate::http::{Ctx, Resp, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

/// A SendGrid read with the key; an answer that is not a success is the
/// usual failure, with a hint naming the access the key needs.
async fn sendgrid_get(ctx: &Ctx<'_>, path: &str, key: &str) -> Result<Resp, Outcome> {
    let url = format!("{}{path}", sendgrid_base(ctx)?);
    let resp = ctx.send(ctx.get(&url).bearer_auth(key)).await?;
    if resp.success() {
        Ok(resp)
    } else {
        Err(ctx.http_failure_hinting(
            &resp,
            403,
            "Give the key read access to Sender Authentication and Sender Verification (SendGrid → Settings → API Keys → Edit), or check them in the dashboard.",
        ))
    }
}

/// `GET /v3/whitelabel/domains` (a validated domain covering the From
/// address), then `GET /v3/verified_senders` (the From address verified).
pub(super) async fn sendgrid_sender(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let from = ctx.need_cfg("from_email")?.to_ascii_lowercase();
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.to_owned())
        .unwrap_or_default();
    let domains = sendgrid_get(ctx, "/v3/whitelabel/domains", key).await?;
    let covering: Vec<&Value> = domains
        .json
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|d| {
                    d["domain"]
                        .as_str()
                        .is_some_and(|d| d.eq_ignore_ascii_case(&domain))
                })
                .collect()
        })
        .unwrap_or_default();
    if covering.iter().any(|d| d["valid"].as_bool() == Some(true)) {
        return Ok(Outcome::ok(format!(
            "The domain {domain} is authenticated with SendGrid, so {from} may send."
        ))
        .detail("authenticated_domain", domain)
        .status(domains.status));
    }
    let senders = sendgrid_get(ctx, "/v3/verified_senders", key).await?;
    let sender = senders
        .json
        .pointer("/results")
        .and_then(Value::as_array)
        .and_then(|items| {
            items.iter().find(|s| {
                s["from_email"]
                    .as_str()
                    .is_some_and(|e| e.eq_ignore_ascii_case(&from))
            })
        });
    let details = json!({
        "from_email": from,
        "domain_authenticated": if covering.is_empty() { "no" } else { "pending" },
        "single_sender": sender.map(|s| if s["verified"].as_bool() == Some(true) { "verified" } else { "unverified" }),
    });
    let status = senders.status;
    if sender.is_some_and(|s| s["verified"].as_bool() == Some(true)) {
        return Ok(
            Outcome::ok(format!("{from} is a verified single sender in SendGrid."))
                .details(details)
                .status(status),
        );
    }
    let (message, hint) = match (sender, covering.is_empty()) {
        (Some(_), _) => (
            format!("{from} is a SendGrid single sender that is not verified yet."),
            format!("Open the verification email SendGrid sent to {from} (or resend it in Settings → Sender Authentication), or authenticate the domain {domain}."),
        ),
        (None, false) => (
            format!("The domain {domain} is added in SendGrid but its authentication is not validated yet."),
            "Add the CNAME records SendGrid shows in Settings → Sender Authentication to the domain's DNS, then click Verify.".to_owned(),
        ),
        (None, true) => (
            format!("{from} is neither on a domain authenticated with SendGrid nor a verified single sender, so SendGrid refuses to send from it."),
            format!("In SendGrid → Settings → Sender Authentication, authenticate the domain {domain} (recommended) or verify {from} as a single sender."),
        ),
    };
    Err(Outcome::new(OutcomeKind::NotFound, message, hint)
        .details(details)
        .status(status))
}

/// Twilio: `GET /Accounts/{sid}/IncomingPhoneNumbers.json?PhoneNumber=…`
/// must list the from number with `capabilities.sms`. Other gateways state
/// no capability, and alphanumeric sender IDs are not numbers to look up.
pub(super) async fn sms_sender(ctx: &Ctx<'_>) -> Verdict {
    if ctx.input.provider != "twilio" {
        return Ok(Outcome::not_checkable(
            format!("{} does not tell what a sender number or ID can do.", ctx.label),
            "Send a test message to a phone you own to confirm the sender works; where the destination country requires it, register the sender ID with the provider first.",
        ));
    }
    let from = ctx.need_cfg("from_phone_number")?;
    let from: String = from
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if !from.starts_with('+') {
        return Ok(Outcome::not_checkable(
            format!("{from} is a sender ID, not a phone number, so Twilio lists nothing to check."),
            "Check the sender ID's registration in Twilio Console → Messaging → Senders; some countries need it registered before use.",
        ));
    }
    let sid = ctx.need_cfg("account_sid")?;
    let token = ctx.need_secret("auth_token")?;
    let url = format!(
        "{}/2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json",
        ctx.base("twilio", &[])?
    );
    let resp = ctx
        .send(
            ctx.get(&url)
                .query(&[("PhoneNumber", from.as_str())])
                .basic_auth(&sid, Some(token)),
        )
        .await?;
    if !resp.success() {
        return Err(twilio_failure(ctx, &resp));
    }
    let number = resp
        .json
        .pointer("/incoming_phone_numbers")
        .and_then(Value::as_array)
        .and_then(|items| {
            items
                .iter()
                .find(|n| n["phone_number"].as_str() == Some(from.as_str()))
        });
    let Some(number) = number else {
        return Err(Outcome::new(
            OutcomeKind::NotFound,
            format!("{from} is not a phone number of this Twilio account."),
            "Buy or port the number in Twilio Console → Phone Numbers, or correct the From phone number (a verified caller ID cannot send SMS).",
        )
        .status(resp.status));
    };
    let capabilities = number["capabilities"].clone();
    let details = json!({"phone_number": from, "capabilities": capabilities});
    if capabilities["sms"].as_bool() != Some(true) {
        return Err(Outcome::provider_error(
            format!("{from} is on this Twilio account but cannot send SMS."),
            "Use a number with SMS capability (Twilio Console → Phone Numbers shows each number's capabilities).",
        )
        .details(details)
        .status(resp.status));
    }
    Ok(Outcome::ok(format!(
        "{from} is on this Twilio account and can send SMS."
    ))
    .details(details)
    .status(resp.status))
}
