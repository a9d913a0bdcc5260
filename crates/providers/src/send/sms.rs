//! Test SMS (Twilio, Vonage, Amazon SNS, Plivo, MessageBird) and WhatsApp
//! template messages through each provider's send endpoint.

use reqwest::Method;
use serde_json::{json, Value};

use super::{sent, test_text};
use crate::checks::{aws, graph, sms as sms_checks};
use crate::http::{with_said, Ctx, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

pub(super) async fn send_sms(ctx: &Ctx<'_>, to: &str) -> Verdict {
    let from = ctx.need_cfg("from_phone_number")?;
    let text = test_text(ctx.label);
    match ctx.input.provider {
        "twilio" => {
            let sid = ctx.need_cfg("account_sid")?;
            let token = ctx.need_secret("auth_token")?;
            let url = format!(
                "{}/2010-04-01/Accounts/{sid}/Messages.json",
                ctx.base("twilio", &[])?
            );
            let form = [("To", to), ("From", from.as_str()), ("Body", text.as_str())];
            let resp = ctx
                .send(ctx.post(&url).basic_auth(&sid, Some(token)).form(&form))
                .await?;
            if !resp.success() {
                let mut out = sms_checks::twilio_failure(ctx, &resp);
                if resp.int_at("/code") == Some(21608) {
                    out.kind = OutcomeKind::MissingPermission;
                    out.hint = "Trial accounts can only text verified numbers: verify this number in the Twilio Console, or upgrade.".into();
                }
                return Err(out);
            }
            Ok(sent(ctx.label, to, resp.str_at("/sid"), resp.status))
        }
        "vonage" => {
            let key = ctx.need_secret("api_key")?;
            let secret = ctx.need_secret("api_secret")?;
            let url = format!("{}/sms/json", ctx.base("vonage", &[])?);
            let form = [
                ("api_key", key),
                ("api_secret", secret),
                ("to", to.trim_start_matches('+')),
                ("from", from.trim_start_matches('+')),
                ("text", text.as_str()),
            ];
            let resp = ctx.send_ok(ctx.post(&url).form(&form)).await?;
            let status = resp.str_at("/messages/0/status").unwrap_or("");
            if status != "0" {
                let said = resp.str_at("/messages/0/error-text").map(str::to_owned);
                let out = match status {
                    "4" => ctx.invalid("Vonage rejected the API key and secret (status 4)."),
                    "1" => ctx.rate_limited(&resp),
                    "29" => ctx.missing_permission("Vonage trial accounts can only text numbers on their whitelist (status 29)."),
                    _ => Outcome::provider_error(format!("Vonage did not send the SMS (status {status})."), "Check the sender and the recipient number."),
                };
                return Err(with_said(out, said).status(resp.status));
            }
            Ok(sent(
                ctx.label,
                to,
                resp.str_at("/messages/0/message-id"),
                resp.status,
            ))
        }
        "aws_sns" => {
            let keys = aws::keys(ctx)?;
            let region = ctx.need_cfg("aws_region")?;
            let url = format!("{}/", ctx.base("sns", &[("region", &region)])?);
            let body: String = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("Action", "Publish")
                .append_pair("Message", &text)
                .append_pair("PhoneNumber", to)
                .append_pair("Version", "2010-03-31")
                .finish();
            let service = aws::Service {
                name: "sns",
                region: &region,
                s3: false,
            };
            let resp =
                aws::send_body(ctx, &keys, service, Method::POST, &url, aws::form(&body)).await?;
            if !resp.success() {
                return Err(aws::failure(ctx, &resp, "sns:Publish"));
            }
            Ok(sent(ctx.label, to, resp.xml("MessageId"), resp.status))
        }
        "plivo" => {
            let id = ctx.need_cfg("account_sid")?;
            let token = ctx.need_secret("auth_token")?;
            let url = format!("{}/v1/Account/{id}/Message/", ctx.base("plivo", &[])?);
            let body = json!({"src": from, "dst": to, "text": text});
            let resp = ctx
                .send_ok(ctx.post(&url).basic_auth(&id, Some(token)).json(&body))
                .await?;
            Ok(sent(
                ctx.label,
                to,
                resp.str_at("/message_uuid/0"),
                resp.status,
            ))
        }
        "messagebird" => {
            let key = ctx.need_secret("api_key")?;
            let url = format!("{}/messages", ctx.base("messagebird", &[])?);
            let body = json!({"originator": from, "recipients": [to], "body": text});
            let request = ctx
                .post(&url)
                .header("Authorization", format!("AccessKey {key}"))
                .json(&body);
            let resp = ctx.send_ok(request).await?;
            Ok(sent(ctx.label, to, resp.str_at("/id"), resp.status))
        }
        other => Err(Outcome::not_checkable(
            format!("Switchboard cannot send a test SMS through '{other}'."),
            "",
        )),
    }
}

pub(super) async fn send_whatsapp(
    ctx: &Ctx<'_>,
    to: &str,
    template: &str,
    language: &str,
) -> Verdict {
    let token = ctx.need_secret("access_token")?;
    let phone_id = ctx.need_cfg("phone_number_id")?;
    let url = format!("{}/{phone_id}/messages", graph::graph(ctx)?);
    let body = json!({
        "messaging_product": "whatsapp",
        "to": to.trim_start_matches('+'),
        "type": "template",
        "template": {"name": template, "language": {"code": language}},
    });
    let resp = ctx
        .send(ctx.post(&url).bearer_auth(token).json(&body))
        .await?;
    if !resp.success() {
        let code = resp.int_at("/error/code");
        let mut out = graph::graph_failure(ctx, &resp);
        match code {
            Some(132001) => {
                out.kind = OutcomeKind::NotFound;
                out.hint = format!("The template {template} ({language}) does not exist or is not approved: check WhatsApp Manager → Message templates.");
            }
            Some(131030) => {
                out.kind = OutcomeKind::MissingPermission;
                out.hint = "With a test number, add the recipient to the allowed list in WhatsApp → API Setup.".into();
            }
            _ => {}
        }
        return Err(out);
    }
    let id = resp.json.pointer("/messages/0/id").and_then(Value::as_str);
    Ok(sent(ctx.label, to, id, resp.status).detail("template", template))
}
