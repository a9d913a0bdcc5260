//! SMS gateways: Twilio (the account, by its codes 20003/20008/20429), Vonage
//! (the balance), Amazon SNS (STS first, then GetSMSAttributes), Plivo (the
//! account) and MessageBird (the balance).

use reqwest::Method;
use serde_json::json;

use super::aws;
use crate::http::{with_code, Ctx, Resp, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

checks! {
    "twilio" => twilio,
    "vonage" => vonage,
    "aws_sns" => sns,
    "plivo" => plivo,
    "messagebird" => messagebird,
}

/// Maps a Twilio error by its code.
pub(crate) fn twilio_failure(ctx: &Ctx<'_>, resp: &Resp) -> Outcome {
    let code = resp.int_at("/code");
    let said = resp.str_at("/message").map(str::to_owned);
    let out = match code {
        Some(20003) => ctx.invalid("Twilio rejected the Account SID and token (code 20003)."),
        Some(20008) => Outcome::new(
            OutcomeKind::WrongEnvironment,
            "These are Twilio test credentials, which cannot read the account (code 20008).",
            "Use the live Account SID and Auth Token from the Twilio Console home page.",
        ),
        Some(20429) => ctx.rate_limited(resp),
        Some(20404) => {
            ctx.not_found("Twilio has no account with this SID for these credentials (code 20404).")
        }
        _ => return ctx.http_failure(resp),
    };
    with_code(out, said, resp, "twilio_error_code", code)
}

async fn twilio(ctx: &Ctx<'_>) -> Verdict {
    let sid = ctx.need_cfg("account_sid")?;
    let token = ctx.need_secret("auth_token")?;
    let url = format!(
        "{}/2010-04-01/Accounts/{sid}.json",
        ctx.base("twilio", &[])?
    );
    let resp = ctx
        .send(ctx.get(&url).basic_auth(&sid, Some(token)))
        .await?;
    if !resp.success() {
        return Err(twilio_failure(ctx, &resp));
    }
    let status = resp.str_at("/status").unwrap_or("unknown").to_owned();
    let details = json!({
        "friendly_name": resp.str_at("/friendly_name"),
        "status": status,
        "type": resp.str_at("/type"),
    });
    if status != "active" {
        return Err(Outcome::provider_error(
            format!("The Twilio account is {status}, so it cannot send."),
            "Reactivate the account in the Twilio Console (Billing).",
        )
        .details(details)
        .status(resp.status));
    }
    if let (Some(key_sid), Some(key_secret)) =
        (ctx.cfg("api_key_sid"), ctx.secret("api_key_secret"))
    {
        let resp = ctx
            .send(ctx.get(&url).basic_auth(&key_sid, Some(key_secret)))
            .await?;
        if !resp.success() {
            let out = twilio_failure(ctx, &resp);
            return Err(Outcome {
                message: format!(
                    "The auth token works, but the API key was refused: {}",
                    out.message
                ),
                ..out
            });
        }
    }
    Ok(Outcome::ok(format!(
        "Twilio accepted the credentials for \u{201c}{}\u{201d}.",
        resp.str_at("/friendly_name").unwrap_or(&sid)
    ))
    .details(details)
    .status(resp.status))
}

async fn vonage(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let secret = ctx.need_secret("api_secret")?;
    let url = format!("{}/account/get-balance", ctx.base("vonage", &[])?);
    let resp = ctx
        .send_ok(ctx.get(&url).basic_auth(key, Some(secret)))
        .await?;
    let balance = resp.json.pointer("/value").cloned();
    Ok(Outcome::ok("Vonage accepted the API key and secret.")
        .details(json!({"balance": balance, "auto_reload": resp.json.pointer("/autoReload")}))
        .status(resp.status))
}

async fn sns(ctx: &Ctx<'_>) -> Verdict {
    let keys = aws::keys(ctx)?;
    let region = ctx.need_cfg("aws_region")?;
    let identity = aws::caller_identity(ctx, &keys).await?;
    let url = format!("{}/", ctx.base("sns", &[("region", &region)])?);
    let service = aws::Service {
        name: "sns",
        region: &region,
        s3: false,
    };
    let body = "Action=GetSMSAttributes&Version=2010-03-31";
    let resp = aws::send_body(ctx, &keys, service, Method::POST, &url, aws::form(body)).await?;
    aws::expect_success(ctx, &resp, "sns:GetSMSAttributes")?;
    let mut attributes = serde_json::Map::new();
    let mut rest = resp.body.as_str();
    while let Some(start) = rest.find("<entry>") {
        let end = rest[start..]
            .find("</entry>")
            .map_or(rest.len(), |e| start + e);
        let entry = &rest[start..end];
        if let (Some(k), Some(v)) = (
            crate::http::xml_text(entry, "key"),
            crate::http::xml_text(entry, "value"),
        ) {
            attributes.insert(k.to_owned(), v.into());
        }
        rest = &rest[end..];
    }
    Ok(identity.stamp(
        Outcome::ok(format!("Amazon SNS in {region} accepted the key."))
            .details(json!({"region": region, "sms_attributes": attributes}))
            .status(resp.status),
    ))
}

async fn plivo(ctx: &Ctx<'_>) -> Verdict {
    let auth_id = ctx.need_cfg("account_sid")?;
    let token = ctx.need_secret("auth_token")?;
    let url = format!("{}/v1/Account/{auth_id}/", ctx.base("plivo", &[])?);
    let resp = ctx
        .send_ok(ctx.get(&url).basic_auth(&auth_id, Some(token)))
        .await?;
    Ok(Outcome::ok("Plivo accepted the Auth ID and token.")
        .details(json!({
            "name": resp.str_at("/name"),
            "account_type": resp.str_at("/account_type"),
            "cash_credits": resp.json.pointer("/cash_credits"),
        }))
        .status(resp.status))
}

async fn messagebird(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let url = format!("{}/balance", ctx.base("messagebird", &[])?);
    let resp = ctx
        .send(
            ctx.get(&url)
                .header("Authorization", format!("AccessKey {key}")),
        )
        .await?;
    if !resp.success() {
        let mut out = ctx.http_failure(&resp);
        if resp.int_at("/errors/0/code") == Some(2) {
            out.kind = OutcomeKind::InvalidCredentials;
        }
        return Err(out);
    }
    Ok(Outcome::ok("MessageBird accepted the access key.")
        .details(json!({
            "payment": resp.str_at("/payment"),
            "type": resp.str_at("/type"),
            "amount": resp.json.pointer("/amount"),
        }))
        .status(resp.status))
}
