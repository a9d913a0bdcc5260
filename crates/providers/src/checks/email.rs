//! Email providers over HTTP: SendGrid (key scopes), Mailgun (the sending
//! domain, probing the other region on 401), Amazon SES (STS first, then
//! GetAccount), Mailchimp (ping at the key's data center), Postmark (server),
//! SparkPost (account, probing the other region), Mandrill (ping2).
//! SMTP lives in `smtp.rs`.

use reqwest::Method;
use serde_json::{json, Value};

use super::aws;
use crate::http::{with_said, Ctx, Verdict};
use crate::outcome::Outcome;

checks! {
    "sendgrid" => sendgrid,
    "mailgun" => mailgun,
    "aws_ses" => ses,
    "mailchimp" => mailchimp,
    "postmark" => postmark,
    "sparkpost" => sparkpost,
    "mandrill" => mandrill,
}

/// The SendGrid endpoint key for the integration's region.
pub(crate) fn sendgrid_base(ctx: &Ctx<'_>) -> Result<String, Outcome> {
    let key = match ctx.cfg("region").as_deref() {
        Some("eu") => "sendgrid_eu",
        _ => "sendgrid",
    };
    ctx.base(key, &[])
}

async fn sendgrid(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let url = format!("{}/v3/scopes", sendgrid_base(ctx)?);
    let resp = ctx.send(ctx.get(&url).bearer_auth(key)).await?;
    if !resp.success() {
        return Err(ctx.http_failure_hinting(&resp, 403, "SendGrid also answers 403 while an account is temporarily blocked: check the account's status, or give the key more access."));
    }
    let scopes: Vec<String> = resp.strings_at("/scopes");
    let can_send = scopes.iter().any(|s| s == "mail.send");
    let details = json!({"scopes": scopes, "scope_count": scopes.len(), "can_send": can_send});
    if !can_send {
        return Err(ctx
            .missing_permission(
                "The SendGrid key is valid but has no Mail Send access (scope mail.send).",
            )
            .details(details)
            .status(resp.status));
    }
    Ok(Outcome::ok(format!(
        "SendGrid accepted the key; it has {} scopes including Mail Send.",
        scopes.len()
    ))
    .details(details)
    .status(resp.status))
}

pub(crate) fn mailgun_base(ctx: &Ctx<'_>, eu: bool) -> Result<String, Outcome> {
    ctx.base(if eu { "mailgun_eu" } else { "mailgun" }, &[])
}

async fn mailgun(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let domain = ctx.need_cfg("mailgun_domain")?;
    let eu = ctx.cfg("mailgun_region").as_deref() == Some("eu");
    let path = format!("/v4/domains/{domain}");
    let url = format!("{}{path}", mailgun_base(ctx, eu)?);
    let resp = ctx.send(ctx.get(&url).basic_auth("api", Some(key))).await?;
    if resp.status == 401 {
        // Mailgun answers the same 401 for a valid key used in the wrong
        // region: ask the other region before calling the key wrong.
        let other = format!("{}{path}", mailgun_base(ctx, !eu)?);
        if let Ok(probe) = ctx.send(ctx.get(&other).basic_auth("api", Some(key))).await {
            if probe.success() || probe.status == 404 {
                let (is, should) = if eu { ("EU", "US") } else { ("US", "EU") };
                let message = format!("The Mailgun key belongs to the {should} region, but the integration is set to {is}.");
                return Err(Outcome::set_elsewhere("region", should, message)
                    .status(401)
                    .detail("key_region", should.to_lowercase()));
            }
        }
        return Err(ctx.http_failure(&resp));
    }
    if resp.status == 404 {
        return Err(ctx
            .not_found(format!(
                "Mailgun accepted the key but has no domain '{domain}' in this account and region."
            ))
            .status(404));
    }
    if !resp.success() {
        return Err(ctx.http_failure(&resp));
    }
    let state = resp.str_at("/domain/state").unwrap_or("unknown").to_owned();
    let details = json!({
        "domain": resp.str_at("/domain/name").unwrap_or(&domain),
        "state": state,
        "type": resp.str_at("/domain/type"),
    });
    let out = Outcome::ok(format!(
        "Mailgun accepted the key; the domain {domain} is {state}."
    ))
    .details(details)
    .status(resp.status);
    Ok(if state == "unverified" {
        out.hint("Verify the domain's DNS records in Mailgun → Sending → Domains before sending.")
    } else {
        out
    })
}

async fn ses(ctx: &Ctx<'_>) -> Verdict {
    let keys = aws::keys(ctx)?;
    let region = ctx.need_cfg("aws_region")?;
    let identity = aws::caller_identity(ctx, &keys).await?;
    let url = format!(
        "{}/v2/email/account",
        ctx.base("ses", &[("region", &region)])?
    );
    let service = aws::Service {
        name: "ses",
        region: &region,
        s3: false,
    };
    let resp = aws::send_body(ctx, &keys, service, Method::GET, &url, None).await?;
    aws::expect_success(ctx, &resp, "ses:GetAccount")?;
    let j = &resp.json;
    let production = j
        .pointer("/ProductionAccessEnabled")
        .and_then(Value::as_bool);
    let sending = j.pointer("/SendingEnabled").and_then(Value::as_bool);
    let details = json!({
        "region": region,
        "sending_enabled": sending,
        "production_access": production,
        "send_quota": {
            "max_24_hour_send": j.pointer("/SendQuota/Max24HourSend"),
            "max_send_rate": j.pointer("/SendQuota/MaxSendRate"),
            "sent_last_24_hours": j.pointer("/SendQuota/SentLast24Hours"),
        },
    });
    let mut out = identity.stamp(
        Outcome::ok(format!("Amazon SES in {region} accepted the key."))
            .details(details)
            .status(resp.status),
    );
    if sending == Some(false) {
        out.hint = "Sending is paused for this account in this region: see the SES console.".into();
    } else if production == Some(false) {
        out.hint = "The account is in the SES sandbox: it can only send to verified addresses until production access is granted.".into();
    }
    Ok(out)
}

async fn mailchimp(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let dc = key
        .rsplit_once('-')
        .map(|(_, dc)| dc.trim())
        .filter(|dc| !dc.is_empty())
        .ok_or_else(|| {
            ctx.invalid("The Mailchimp key has no data center at its end (like -us21), so it is not a complete key.")
        })?;
    let url = format!("{}/3.0/ping", ctx.base("mailchimp", &[("dc", dc)])?);
    let resp = ctx
        .send(ctx.get(&url).basic_auth("switchboard", Some(key)))
        .await?;
    if resp.status == 403 && resp.json.is_null() {
        // Mailchimp answers a bare 403 when too many connections are open.
        let out = ctx.rate_limited(&resp);
        return Err(Outcome {
            message: "Mailchimp refused the connection, as it does with more than 10 at once."
                .into(),
            ..out
        });
    }
    if !resp.success() {
        return Err(ctx.http_failure(&resp));
    }
    let health = resp.str_at("/health_status").unwrap_or("").to_owned();
    Ok(
        Outcome::ok(format!("Mailchimp (data center {dc}) accepted the key."))
            .details(json!({"data_center": dc, "health_status": health}))
            .status(resp.status),
    )
}

async fn postmark(ctx: &Ctx<'_>) -> Verdict {
    let token = ctx.need_secret("api_key")?;
    let url = format!("{}/server", ctx.base("postmark", &[])?);
    let request = ctx
        .get(&url)
        .header("X-Postmark-Server-Token", token)
        .header("Accept", "application/json");
    let resp = ctx.send(request).await?;
    if !resp.success() {
        let mut out = ctx.http_failure(&resp);
        if resp.int_at("/ErrorCode") == Some(10) {
            out.hint = "Use a Server API token (Servers → your server → API Tokens), not the Account token.".into();
        }
        return Err(out);
    }
    let name = resp.str_at("/Name").unwrap_or("").to_owned();
    Ok(Outcome::ok(format!(
        "Postmark accepted the token for the server \u{201c}{name}\u{201d}."
    ))
    .details(json!({"server_id": resp.json.pointer("/ID"), "server_name": name}))
    .status(resp.status))
}

async fn sparkpost(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let eu = ctx.cfg("region").as_deref() == Some("eu");
    let base_key = |eu: bool| if eu { "sparkpost_eu" } else { "sparkpost" };
    let url = format!("{}/api/v1/account", ctx.base(base_key(eu), &[])?);
    let resp = ctx.send(ctx.get(&url).header("Authorization", key)).await?;
    if resp.status == 401 {
        let other = format!("{}/api/v1/account", ctx.base(base_key(!eu), &[])?);
        if let Ok(probe) = ctx.send(ctx.get(&other).header("Authorization", key)).await {
            if probe.success() || probe.status == 403 {
                let should = if eu { "US" } else { "EU" };
                let message = format!("The SparkPost key belongs to the {should} region.");
                return Err(Outcome::set_elsewhere("region", should, message).status(401));
            }
        }
        return Err(ctx.http_failure(&resp));
    }
    if resp.status == 403 {
        return Err(ctx
            .missing_permission("The SparkPost key is valid but lacks the Account: Read permission this check uses.")
            .status(403));
    }
    if !resp.success() {
        return Err(ctx.http_failure(&resp));
    }
    Ok(Outcome::ok("SparkPost accepted the key.")
        .details(json!({
            "company_name": resp.str_at("/results/company_name"),
            "status": resp.str_at("/results/status"),
        }))
        .status(resp.status))
}

async fn mandrill(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let url = format!("{}/api/1.0/users/ping2", ctx.base("mandrill", &[])?);
    let resp = ctx.send(ctx.post(&url).json(&json!({"key": key}))).await?;
    let name = resp.str_at("/name").unwrap_or("").to_owned();
    if resp.str_at("/status") == Some("error") || !resp.success() {
        let said = resp.provider_message();
        let out = match name.as_str() {
            "Invalid_Key" => ctx.invalid("Mandrill does not know this API key."),
            "PaymentRequired" => ctx.missing_permission(
                "The Mandrill key is valid but the account needs a paid Transactional plan.",
            ),
            _ if resp.status == 429 => ctx.rate_limited(&resp),
            _ => return Err(ctx.http_failure(&resp)),
        };
        return Err(with_said(out, said)
            .status(resp.status)
            .detail("error_name", name));
    }
    Ok(Outcome::ok("Mandrill accepted the key.").status(resp.status))
}
