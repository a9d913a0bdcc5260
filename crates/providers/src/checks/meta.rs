//! Meta's Graph API: WhatsApp Cloud (the phone number, then the business
//! account's number list), Facebook Lead Ads & Messenger (debug_token with the
//! app token, then the Page), the Pixel (its object), and Facebook Login apps
//! (an app access token). Errors branch on Meta's own codes: 190 token,
//! 10 and 200-299 permission, 4/17/32/613/80007/130429 throttling, 100/33 and
//! 803 unknown objects.

use serde_json::{json, Value};

use crate::http::{with_said, Ctx, Resp, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

checks! {
    "whatsapp" => whatsapp,
    "facebook" => facebook,
    "facebook_pixel" => pixel,
    "facebook_oauth" => facebook_oauth,
}

/// The Graph API version used for every call.
pub(crate) const GRAPH_VERSION: &str = "v22.0";

/// `{graph base}/{version}`.
pub(crate) fn graph(ctx: &Ctx<'_>) -> Result<String, Outcome> {
    Ok(format!("{}/{GRAPH_VERSION}", ctx.base("meta", &[])?))
}

/// Maps a Graph API error by Meta's error code.
pub(crate) fn graph_failure(ctx: &Ctx<'_>, resp: &Resp) -> Outcome {
    let code = resp.int_at("/error/code");
    let sub = resp.int_at("/error/error_subcode");
    let said = resp.str_at("/error/message").map(str::to_owned);
    let out = match code {
        Some(190) | Some(102) => {
            let why = match sub {
                Some(463) | Some(467) => "has expired",
                Some(460) => "was invalidated by a password change",
                Some(458) | Some(459) => "is no longer authorised by its user",
                _ => "is not valid",
            };
            ctx.invalid(format!("Meta says the access token {why} (code 190)."))
                .hint("Generate a new token (a system-user token does not expire) and paste it in the integration.")
        }
        Some(101) => ctx.invalid("Meta does not know this app ID (code 101)."),
        Some(10) | Some(3) | Some(200..=299) => ctx
            .missing_permission(format!(
                "The token is valid but lacks a permission this call needs (code {}).",
                code.unwrap_or_default()
            ))
            .hint("Generate the token again with the permissions listed in the integration's help (e.g. whatsapp_business_management, pages_read_engagement, leads_retrieval)."),
        Some(4) | Some(17) | Some(32) | Some(613) | Some(80000..=80099) | Some(130429)
        | Some(131056) => {
            let mut o = ctx.rate_limited(resp);
            if o.retry_after_secs.is_none() {
                o.retry_after_secs = usage_wait(resp);
                if let Some(s) = o.retry_after_secs {
                    o.hint = format!("Try again in {s} s.");
                }
            }
            o.message = format!(
                "Meta is throttling this app or account (code {}).",
                code.unwrap_or_default()
            );
            o
        }
        Some(100) if sub == Some(33) => ctx.not_found(
            "Meta says the object does not exist or this token cannot see it (code 100/33).",
        ),
        Some(803) => ctx.not_found("Meta says an ID in the settings does not exist (code 803)."),
        Some(1) | Some(2) => Outcome::new(
            OutcomeKind::ProviderError,
            "Meta had a temporary problem (code 1 or 2).",
            "Try again in a few minutes.",
        ),
        _ => return ctx.http_failure(resp),
    };
    let mut out = with_said(out, said).status(resp.status);
    if let Some(code) = code {
        out = out.detail("meta_error_code", code);
    }
    out
}

/// Meta's usage headers carry `estimated_time_to_regain_access` in minutes.
fn usage_wait(resp: &Resp) -> Option<u64> {
    [
        "x-business-use-case-usage",
        "x-ad-account-usage",
        "x-app-usage",
    ]
    .iter()
    .filter_map(|h| resp.header(h))
    .filter_map(|v| serde_json::from_str::<Value>(v).ok())
    .find_map(|v| find_number(&v, "estimated_time_to_regain_access"))
    .filter(|m| *m > 0)
    .map(|minutes| minutes * 60)
}

fn find_number(v: &Value, key: &str) -> Option<u64> {
    match v {
        Value::Object(map) => map
            .get(key)
            .and_then(Value::as_u64)
            .or_else(|| map.values().find_map(|x| find_number(x, key))),
        Value::Array(items) => items.iter().find_map(|x| find_number(x, key)),
        _ => None,
    }
}

async fn graph_get(
    ctx: &Ctx<'_>,
    path: &str,
    query: &[(&str, &str)],
    token: &str,
) -> Result<Resp, Outcome> {
    let url = format!("{}/{path}", graph(ctx)?);
    let resp = ctx
        .send(ctx.get(&url).query(query).bearer_auth(token))
        .await?;
    if resp.success() {
        Ok(resp)
    } else {
        Err(graph_failure(ctx, &resp))
    }
}

async fn whatsapp(ctx: &Ctx<'_>) -> Verdict {
    let token = ctx.need_secret("access_token")?;
    let phone_id = ctx.need_cfg("phone_number_id")?;
    let waba = ctx.need_cfg("business_account_id")?;
    let phone = graph_get(
        ctx,
        &phone_id,
        &[(
            "fields",
            "display_phone_number,verified_name,quality_rating",
        )],
        token,
    )
    .await
    .map_err(|o| {
        if o.kind == OutcomeKind::NotFound {
            ctx.not_found(format!(
                "Meta has no phone number with the ID {phone_id} that this token can see."
            ))
            .status(o.http_status.unwrap_or(400))
        } else {
            o
        }
    })?;
    let list = graph_get(
        ctx,
        &format!("{waba}/phone_numbers"),
        &[("fields", "id")],
        token,
    )
    .await?;
    let listed = list
        .json
        .pointer("/data")
        .and_then(Value::as_array)
        .is_some_and(|items| {
            items
                .iter()
                .any(|i| i["id"].as_str() == Some(phone_id.as_str()))
        });
    let details = json!({
        "display_phone_number": phone.str_at("/display_phone_number"),
        "verified_name": phone.str_at("/verified_name"),
        "quality_rating": phone.str_at("/quality_rating"),
        "business_account_id": waba,
    });
    if !listed {
        return Err(ctx
            .not_found(format!(
                "The phone number {phone_id} is not one of the WhatsApp Business Account {waba}'s numbers."
            ))
            .hint("Copy both IDs again from WhatsApp → API Setup; they must belong together.")
            .details(details)
            .status(list.status));
    }
    Ok(Outcome::ok(format!(
        "WhatsApp accepted the token for {} ({}).",
        phone.str_at("/display_phone_number").unwrap_or(&phone_id),
        phone.str_at("/verified_name").unwrap_or("unnamed")
    ))
    .details(details)
    .status(phone.status))
}

async fn facebook(ctx: &Ctx<'_>) -> Verdict {
    let app_id = ctx.need_cfg("app_id")?;
    let app_secret = ctx.need_secret("app_secret")?;
    let token = ctx.need_secret("access_token")?;
    let app_token = format!("{app_id}|{app_secret}");
    let url = format!("{}/debug_token", graph(ctx)?);
    let resp = ctx
        .send(
            ctx.get(&url)
                .query(&[("input_token", token), ("access_token", &app_token)]),
        )
        .await?;
    if !resp.success() {
        let out = graph_failure(ctx, &resp);
        return Err(if out.kind == OutcomeKind::InvalidCredentials {
            Outcome {
                message: "Meta rejected the app ID and app secret.".into(),
                ..ctx.invalid("")
            }
            .status(resp.status)
        } else {
            out
        });
    }
    let data = resp.json.pointer("/data").cloned().unwrap_or(Value::Null);
    let scopes: Vec<String> = data["scopes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let details = json!({
        "app_id": data["app_id"], "type": data["type"], "application": data["application"],
        "expires_at": data["expires_at"], "scopes": scopes,
    });
    if data["is_valid"].as_bool() != Some(true) {
        let said = data
            .pointer("/error/message")
            .and_then(Value::as_str)
            .map(str::to_owned);
        return Err(with_said(
            ctx.invalid("Meta says the access token is not valid (expired or revoked)."),
            said,
        )
        .details(details)
        .status(resp.status));
    }
    let token_app = match &data["app_id"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    if !token_app.is_empty() && token_app != app_id {
        return Err(ctx
            .invalid(format!(
                "The access token belongs to another app ({token_app}), not to app {app_id}."
            ))
            .details(details)
            .status(resp.status));
    }
    if ctx.cfg_bool("enable_lead_ads") == Some(true)
        && !scopes.iter().any(|s| s == "leads_retrieval")
    {
        return Err(ctx
            .missing_permission(
                "The token is valid but lacks leads_retrieval, which Lead Ads import needs.",
            )
            .details(details)
            .status(resp.status));
    }
    let mut message = "Meta accepted the app and the access token".to_owned();
    if let Some(page_id) = ctx.cfg("page_id") {
        let page_token = ctx.secret("page_access_token").unwrap_or(token);
        let page = graph_get(ctx, &page_id, &[("fields", "id,name")], page_token).await?;
        message = format!(
            "{message}; the Page is \u{201c}{}\u{201d}",
            page.str_at("/name").unwrap_or(&page_id)
        );
    }
    if let Some(form_id) = ctx.cfg("lead_form_id") {
        let page_token = ctx.secret("page_access_token").unwrap_or(token);
        graph_get(ctx, &form_id, &[("fields", "id,name,status")], page_token).await?;
    }
    Ok(Outcome::ok(format!("{message}."))
        .details(details)
        .status(resp.status))
}

async fn pixel(ctx: &Ctx<'_>) -> Verdict {
    let pixel_id = ctx.need_cfg("pixel_id")?;
    let Some(token) = ctx.secret("access_token") else {
        return Ok(Outcome::new(
            OutcomeKind::NotCheckable,
            "A Pixel ID alone cannot be checked: it is public and Meta accepts events for any ID.",
            "Its format was checked. Add a Conversions API access token to let Switchboard look the pixel up.",
        ));
    };
    let resp = graph_get(ctx, &pixel_id, &[("fields", "id,name")], token).await?;
    Ok(Outcome::ok(format!(
        "Meta accepted the token for the pixel \u{201c}{}\u{201d}.",
        resp.str_at("/name").unwrap_or(&pixel_id)
    ))
    .details(json!({"pixel_id": pixel_id, "name": resp.str_at("/name")}))
    .status(resp.status))
}

async fn facebook_oauth(ctx: &Ctx<'_>) -> Verdict {
    let client_id = ctx.need_cfg("client_id")?;
    let secret = ctx.need_secret("client_secret")?;
    let url = format!("{}/oauth/access_token", ctx.base("meta", &[])?);
    let query = [
        ("client_id", client_id.as_str()),
        ("client_secret", secret),
        ("grant_type", "client_credentials"),
    ];
    let resp = ctx.send(ctx.get(&url).query(&query)).await?;
    if resp.success() && resp.str_at("/access_token").is_some() {
        return Ok(Outcome::ok("Facebook accepted the app ID and app secret.").status(resp.status));
    }
    if resp.int_at("/error/code") == Some(1) {
        let said = resp.str_at("/error/message").map(str::to_owned);
        return Err(
            with_said(ctx.invalid("Facebook rejected the app secret."), said).status(resp.status),
        );
    }
    Err(graph_failure(ctx, &resp))
}
