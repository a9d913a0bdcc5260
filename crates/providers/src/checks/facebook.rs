//! Facebook: Lead Ads & Messenger (debug_token with the app token, then the
//! Page), the Pixel (its object), and Facebook Login apps (an app access
//! token).

use serde_json::{json, Value};

use super::graph::{debug_token_expiry, graph, graph_failure, graph_get};
use crate::http::{strings, with_said, Ctx, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

checks! {
    "facebook" => facebook,
    "facebook_pixel" => pixel,
    "facebook_oauth" => facebook_oauth,
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
    let scopes: Vec<String> = strings(&data["scopes"]);
    let details = json!({
        "app_id": data["app_id"], "type": data["type"], "application": data["application"],
        "expires_at": data["expires_at"], "scopes": scopes,
    });
    let expiry = debug_token_expiry(&data);
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
        .expiry(expiry)
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
        .expiry(expiry)
        .status(resp.status))
}

async fn pixel(ctx: &Ctx<'_>) -> Verdict {
    let pixel_id = ctx.need_cfg("pixel_id")?;
    let Some(token) = ctx.secret("access_token") else {
        return Ok(Outcome::not_checkable("A Pixel ID alone cannot be checked: it is public and Meta accepts events for any ID.",
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
    let (client_id, secret) = super::oauth::client_pair(ctx)?;
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
