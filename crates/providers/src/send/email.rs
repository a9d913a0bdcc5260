//! Test emails: SMTP through lettre, and the HTTP providers through their
//! send endpoints (SendGrid mail/send, Mailgun messages, SES v2
//! outbound-emails, Postmark email, SparkPost transmissions, Mandrill
//! messages/send). Mailchimp's marketing API cannot send a single email.

use lettre::message::{Mailbox, Message};
use lettre::AsyncTransport;
use reqwest::Method;
use serde_json::json;

use super::{sent, test_text, TEST_SUBJECT};
use crate::checks::{aws, email as email_checks, smtp};
use crate::http::{with_said, Ctx, Resp, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

pub(super) async fn send(ctx: &Ctx<'_>, to: &str) -> Verdict {
    let from = ctx.need_cfg("from_email")?;
    let from_name = ctx.cfg("from_name");
    let text = test_text(ctx.label);
    match ctx.input.provider {
        "smtp" => smtp_send(ctx, &from, from_name.as_deref(), to, &text).await,
        "sendgrid" => {
            let key = ctx.need_secret("api_key")?;
            let url = format!("{}/v3/mail/send", email_checks::sendgrid_base(ctx)?);
            let mut from_obj = json!({"email": from});
            if let Some(name) = &from_name {
                from_obj["name"] = json!(name);
            }
            let body = json!({
                "personalizations": [{"to": [{"email": to}]}],
                "from": from_obj,
                "subject": TEST_SUBJECT,
                "content": [{"type": "text/plain", "value": text}],
            });
            let resp = ctx.send(ctx.post(&url).bearer_auth(key).json(&body)).await?;
            finish(ctx, &resp, to, resp.header("x-message-id"))
        }
        "mailgun" => {
            let key = ctx.need_secret("api_key")?;
            let domain = ctx.need_cfg("mailgun_domain")?;
            let eu = ctx.cfg("mailgun_region").as_deref() == Some("eu");
            let url = format!("{}/v3/{domain}/messages", email_checks::mailgun_base(ctx, eu)?);
            let from_line = mailbox_text(&from, from_name.as_deref());
            let form = [("from", from_line.as_str()), ("to", to), ("subject", TEST_SUBJECT), ("text", text.as_str())];
            let resp = ctx.send(ctx.post(&url).basic_auth("api", Some(key)).form(&form)).await?;
            finish(ctx, &resp, to, resp.str_at("/id"))
        }
        "aws_ses" => {
            let keys = aws::keys(ctx)?;
            let region = ctx.need_cfg("aws_region")?;
            let url = format!("{}/v2/email/outbound-emails", ctx.base("ses", &[("region", &region)])?);
            let body = json!({
                "FromEmailAddress": mailbox_text(&from, from_name.as_deref()),
                "Destination": {"ToAddresses": [to]},
                "Content": {"Simple": {"Subject": {"Data": TEST_SUBJECT}, "Body": {"Text": {"Data": text}}}},
            })
            .to_string();
            let service = aws::Service { name: "ses", region: &region, s3: false };
            let resp = aws::send_body(ctx, &keys, service, Method::POST, &url, Some(("application/json", body.as_bytes()))).await?;
            if !resp.success() {
                return Err(aws::failure(ctx, &resp, "ses:SendEmail"));
            }
            Ok(sent(ctx.label, to, resp.str_at("/MessageId"), resp.status))
        }
        "postmark" => {
            let token = ctx.need_secret("api_key")?;
            let url = format!("{}/email", ctx.base("postmark", &[])?);
            let body = json!({
                "From": mailbox_text(&from, from_name.as_deref()),
                "To": to,
                "Subject": TEST_SUBJECT,
                "TextBody": text,
                "MessageStream": ctx.cfg("message_stream").unwrap_or_else(|| "outbound".into()),
            });
            let request = ctx.post(&url).header("X-Postmark-Server-Token", token).header("Accept", "application/json").json(&body);
            let resp = ctx.send(request).await?;
            finish(ctx, &resp, to, resp.str_at("/MessageID"))
        }
        "sparkpost" => {
            let key = ctx.need_secret("api_key")?;
            let base_key = if ctx.cfg("region").as_deref() == Some("eu") { "sparkpost_eu" } else { "sparkpost" };
            let url = format!("{}/api/v1/transmissions", ctx.base(base_key, &[])?);
            let body = json!({
                "recipients": [{"address": {"email": to}}],
                "content": {"from": {"email": from, "name": from_name}, "subject": TEST_SUBJECT, "text": text},
            });
            let resp = ctx.send(ctx.post(&url).header("Authorization", key).json(&body)).await?;
            finish(ctx, &resp, to, resp.str_at("/results/id"))
        }
        "mandrill" => {
            let key = ctx.need_secret("api_key")?;
            let url = format!("{}/api/1.0/messages/send", ctx.base("mandrill", &[])?);
            let body = json!({
                "key": key,
                "message": {"from_email": from, "from_name": from_name, "to": [{"email": to, "type": "to"}], "subject": TEST_SUBJECT, "text": text},
            });
            let resp = ctx.send_ok(ctx.post(&url).json(&body)).await?;
            let status = resp.str_at("/0/status").unwrap_or("").to_owned();
            if status == "rejected" || status == "invalid" {
                let reason = resp.str_at("/0/reject_reason").unwrap_or("unknown").to_owned();
                return Err(Outcome::provider_error(
                    format!("Mandrill did not send the test email ({status}: {reason})."),
                    "Check the sending domain's verification in Mandrill, and the recipient.",
                )
                .status(resp.status));
            }
            Ok(sent(ctx.label, to, resp.str_at("/0/_id"), resp.status))
        }
        "mailchimp" => Err(Outcome::not_checkable("Mailchimp's marketing API cannot send a single email.",
            "Send a test campaign from Mailchimp, or use Mandrill (Mailchimp Transactional) for one-off emails.",
        )),
        other => Err(Outcome::not_checkable(format!("Switchboard cannot send a test email through '{other}'."),
            "",
        )),
    }
}

fn mailbox_text(email: &str, name: Option<&str>) -> String {
    match name {
        Some(n) => format!("{} <{email}>", n.replace(['"', '<', '>', '\r', '\n'], "")),
        None => email.to_owned(),
    }
}

fn finish(ctx: &Ctx<'_>, resp: &Resp, to: &str, id: Option<&str>) -> Verdict {
    if resp.success() {
        Ok(sent(ctx.label, to, id, resp.status))
    } else {
        Err(ctx.http_failure(resp))
    }
}

async fn smtp_send(
    ctx: &Ctx<'_>,
    from: &str,
    from_name: Option<&str>,
    to: &str,
    text: &str,
) -> Verdict {
    let settings = smtp::settings(ctx)?;
    let transport = smtp::transport(ctx.checker, &settings).await?;
    let bad = |what: &str| {
        Outcome::new(
            OutcomeKind::InvalidCredentials,
            format!("The {what} address is not valid."),
            "Correct it in the integration's settings.",
        )
    };
    let from_box = Mailbox::new(
        from_name.map(str::to_owned),
        from.parse().map_err(|_| bad("From"))?,
    );
    let to_box = Mailbox::new(None, to.parse().map_err(|_| bad("recipient"))?);
    let message = Message::builder()
        .from(from_box)
        .to(to_box)
        .subject(TEST_SUBJECT)
        .body(text.to_owned())
        .map_err(|_| Outcome::provider_error("The test email could not be built.", ""))?;
    match tokio::time::timeout(smtp::deadline(ctx.checker), transport.send(message)).await {
        Err(_) => Err(ctx.timeout_outcome()),
        Ok(Ok(response)) => {
            let id = response.message().next().map(str::to_owned);
            Ok(sent(ctx.label, to, id.as_deref(), 0)).map(|mut o| {
                o.http_status = None;
                o
            })
        }
        Ok(Err(e)) => Err(with_said(
            smtp::failure(ctx.label, ctx.checker.timeout(), &e, settings.security),
            None,
        )),
    }
}
