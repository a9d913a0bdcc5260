//! Customer communication: Intercom (the token's admin, in the workspace's
//! region), Zendesk (the token's user on the account's subdomain; an
//! anonymous answer means the token was not accepted), Drift (token info) and
//! Crisp (the plugin account).

use serde_json::{json, Value};

use crate::http::{Ctx, Verdict};
use crate::outcome::Outcome;

checks! {
    "intercom" => intercom,
    "zendesk" => zendesk,
    "drift" => drift,
    "crisp" => crisp,
}

/// The Intercom API version sent with every call.
const INTERCOM_VERSION: &str = "2.11";

async fn intercom(ctx: &Ctx<'_>) -> Verdict {
    let token = ctx.need_secret("access_token")?;
    let base = ctx.regional_base(&[("eu", "intercom_eu"), ("au", "intercom_au")], "intercom")?;
    let url = format!("{base}/me");
    let request = ctx
        .get(&url)
        .bearer_auth(token)
        .header("Intercom-Version", INTERCOM_VERSION)
        .header("Accept", "application/json");
    let resp = ctx.send(request).await?;
    if !resp.success() {
        return Err(ctx.http_failure_hinting(&resp, 401, "Copy the access token again from the Developer Hub; also check the workspace region (US, EU or Australia)."));
    }
    Ok(Outcome::ok(format!(
        "Intercom accepted the token for the workspace \u{201c}{}\u{201d}.",
        resp.str_at("/app/name").unwrap_or("unnamed")
    ))
    .details(json!({
        "app_name": resp.str_at("/app/name"),
        "app_id": resp.str_at("/app/id_code"),
        "region": resp.str_at("/app/region"),
    }))
    .status(resp.status))
}

async fn zendesk(ctx: &Ctx<'_>) -> Verdict {
    let sub = ctx.need_cfg("subdomain")?;
    let email = ctx.need_cfg("email")?;
    let token = ctx.need_secret("api_token")?;
    let url = format!(
        "{}/api/v2/users/me.json",
        ctx.base("zendesk", &[("subdomain", &sub)])?
    );
    let resp = ctx
        .send(
            ctx.get(&url)
                .basic_auth(format!("{email}/token"), Some(token)),
        )
        .await?;
    if !resp.success() {
        let mut out = ctx.http_failure(&resp);
        if resp.status == 404 {
            out.message = format!("Zendesk has no account at {sub}.zendesk.com.");
        }
        return Err(out);
    }
    // Zendesk answers an anonymous user (id null) when it ignored the credentials.
    if resp.json.pointer("/user/id").is_none_or(Value::is_null) {
        return Err(ctx
            .invalid("Zendesk did not accept the email and API token (it answered as an anonymous visitor).")
            .hint("Check the agent email and the token, and that token access is turned on in Admin Center → Apps and integrations → Zendesk API.")
            .status(resp.status));
    }
    Ok(Outcome::ok(format!("Zendesk accepted the token for {sub}.zendesk.com."))
        .details(json!({"role": resp.str_at("/user/role"), "user_id": resp.json.pointer("/user/id")}))
        .status(resp.status))
}

async fn drift(ctx: &Ctx<'_>) -> Verdict {
    let token = ctx.need_secret("access_token")?;
    let url = format!("{}/app/token_info", ctx.base("drift", &[])?);
    let request = ctx
        .post(&url)
        .bearer_auth(token)
        .json(&json!({"access_token": token}));
    let resp = ctx.send_ok(request).await?;
    Ok(Outcome::ok("Drift accepted the access token.")
        .details(json!({
            "org_id": resp.json.pointer("/orgId"),
            "scopes": resp.json.pointer("/scope"),
            "expires_in": resp.json.pointer("/expires_in"),
        }))
        .status(resp.status))
}

async fn crisp(ctx: &Ctx<'_>) -> Verdict {
    let id = ctx.need_cfg("identifier")?;
    let key = ctx.need_secret("key")?;
    let tier = ctx.cfg("tier").unwrap_or_else(|| "plugin".into());
    let url = format!("{}/v1/plugin/connect/account", ctx.base("crisp", &[])?);
    let request = ctx
        .get(&url)
        .basic_auth(&id, Some(key))
        .header("X-Crisp-Tier", tier.as_str());
    let resp = ctx.send_ok(request).await?;
    Ok(Outcome::ok("Crisp accepted the token.")
        .details(json!({"tier": tier, "plugin_id": resp.json.pointer("/data/plugin_id")}))
        .status(resp.status))
}
