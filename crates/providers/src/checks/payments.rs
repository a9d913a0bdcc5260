//! Payment gateways: Stripe (the balance), PayPal (a client-credentials
//! token, probing the other environment on 401), Razorpay (one payment),
//! Square (the locations, probing the other environment) and Mollie (the
//! payment methods).

use reqwest::Method;
use serde_json::{json, Value};

use crate::http::{with_said, Ctx, Resp, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

checks! {
    "stripe" => stripe,
    "paypal" => paypal,
    "razorpay" => razorpay,
    "square" => square,
    "mollie" => mollie,
}

/// A key's mode from its prefix (`sk_test_`, `rzp_live_`, `test_`...).
fn mode(key: &str) -> &'static str {
    if key.contains("test_") {
        "test"
    } else if key.contains("live_") {
        "live"
    } else {
        "unknown"
    }
}

async fn stripe(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let url = format!("{}/v1/balance", ctx.base("stripe", &[])?);
    let resp = ctx.send(ctx.get(&url).bearer_auth(key)).await?;
    if !resp.success() {
        let mut out = ctx.http_failure(&resp);
        if resp.status == 403 || resp.str_at("/error/code") == Some("secret_key_required") {
            out.kind = OutcomeKind::MissingPermission;
            out.hint = "This restricted key cannot read the balance: give it Balance → Read in Developers → API keys, or use the secret key.".into();
        }
        return Err(out);
    }
    let currencies: Vec<&str> = resp
        .json
        .pointer("/available")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|b| b["currency"].as_str()).collect())
        .unwrap_or_default();
    let livemode = resp.json.pointer("/livemode").and_then(Value::as_bool);
    Ok(Outcome::ok(format!(
        "Stripe accepted the key ({} mode).",
        if livemode == Some(true) {
            "live"
        } else {
            "test"
        }
    ))
    .details(json!({"livemode": livemode, "currencies": currencies}))
    .status(resp.status))
}

fn paypal_key(sandbox: bool) -> &'static str {
    if sandbox {
        "paypal_sandbox"
    } else {
        "paypal"
    }
}

async fn paypal_token(
    ctx: &Ctx<'_>,
    sandbox: bool,
    id: &str,
    secret: &str,
) -> Result<Resp, Outcome> {
    let url = format!("{}/v1/oauth2/token", ctx.base(paypal_key(sandbox), &[])?);
    let request = ctx
        .post(&url)
        .basic_auth(id, Some(secret))
        .header("Accept", "application/json")
        .form(&[("grant_type", "client_credentials")]);
    ctx.send(request).await
}

async fn paypal(ctx: &Ctx<'_>) -> Verdict {
    let id = ctx.need_cfg("client_id")?;
    let secret = ctx.need_secret("client_secret")?;
    let sandbox = ctx.cfg("environment").as_deref() != Some("live");
    let resp = paypal_token(ctx, sandbox, &id, secret).await?;
    if resp.status == 401 {
        // PayPal answers invalid_client for credentials of the other
        // environment too: ask it before calling them wrong.
        if let Ok(probe) = paypal_token(ctx, !sandbox, &id, secret).await {
            if probe.success() {
                let (is, should) = if sandbox {
                    ("Sandbox", "Live")
                } else {
                    ("Live", "Sandbox")
                };
                return Err(Outcome::new(
                    OutcomeKind::WrongEnvironment,
                    format!("These PayPal credentials belong to {should}, but the integration is set to {is}."),
                    format!("Change the environment to {should}, or copy the {is} credentials from the Developer Dashboard."),
                )
                .status(401));
            }
        }
        let said = resp.str_at("/error_description").map(str::to_owned);
        return Err(with_said(
            ctx.invalid("PayPal rejected the client ID and secret."),
            said,
        )
        .status(401));
    }
    if !resp.success() {
        return Err(ctx.http_failure(&resp));
    }
    let scopes = resp.str_at("/scope").unwrap_or("");
    Ok(Outcome::ok(format!(
        "PayPal ({}) accepted the client ID and secret.",
        if sandbox { "Sandbox" } else { "Live" }
    ))
    .details(json!({
        "app_id": resp.str_at("/app_id"),
        "expires_in": resp.json.pointer("/expires_in"),
        "scope_count": scopes.split_whitespace().count(),
        "environment": if sandbox { "sandbox" } else { "live" },
    }))
    .status(resp.status))
}

async fn razorpay(ctx: &Ctx<'_>) -> Verdict {
    let id = ctx.need_cfg("key_id")?;
    let secret = ctx.need_secret("key_secret")?;
    let url = format!("{}/v1/payments", ctx.base("razorpay", &[])?);
    let request = ctx
        .get(&url)
        .query(&[("count", "1")])
        .basic_auth(&id, Some(secret));
    let resp = ctx.send_ok(request).await?;
    Ok(
        Outcome::ok(format!("Razorpay accepted the key ({} mode).", mode(&id)))
            .details(json!({"mode": mode(&id), "count": resp.json.pointer("/count")}))
            .status(resp.status),
    )
}

/// The Square API version sent with every call.
const SQUARE_VERSION: &str = "2025-01-23";

async fn square_locations(ctx: &Ctx<'_>, sandbox: bool, token: &str) -> Result<Resp, Outcome> {
    let key = if sandbox { "square_sandbox" } else { "square" };
    let url = format!("{}/v2/locations", ctx.base(key, &[])?);
    let request = ctx
        .request(Method::GET, &url)
        .bearer_auth(token)
        .header("Square-Version", SQUARE_VERSION);
    ctx.send(request).await
}

async fn square(ctx: &Ctx<'_>) -> Verdict {
    let token = ctx.need_secret("access_token")?;
    let sandbox = ctx.cfg("environment").as_deref() == Some("sandbox");
    let resp = square_locations(ctx, sandbox, token).await?;
    let code = resp.str_at("/errors/0/code").unwrap_or("").to_owned();
    if resp.status == 401 {
        if let Ok(probe) = square_locations(ctx, !sandbox, token).await {
            if probe.success() {
                let should = if sandbox { "Production" } else { "Sandbox" };
                let message = format!("The Square token belongs to {should}.");
                return Err(Outcome::set_elsewhere("environment", should, message).status(401));
            }
        }
        let why = match code.as_str() {
            "ACCESS_TOKEN_EXPIRED" => "has expired",
            "ACCESS_TOKEN_REVOKED" => "was revoked",
            _ => "is not valid",
        };
        return Err(ctx
            .invalid(format!("Square says the access token {why}."))
            .status(401)
            .detail("square_error", code));
    }
    if !resp.success() {
        let mut out = ctx.http_failure(&resp);
        if code == "INSUFFICIENT_SCOPES" {
            out.kind = OutcomeKind::MissingPermission;
        }
        if code == "RATE_LIMITED" {
            out = ctx.rate_limited(&resp);
        }
        return Err(out.detail("square_error", code));
    }
    let locations: Vec<Value> = resp
        .json
        .pointer("/locations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let names: Vec<Value> = locations
        .iter()
        .map(|l| json!({"id": l["id"], "name": l["name"], "status": l["status"]}))
        .collect();
    ctx.require_listed("location_id", &locations, "id", |wanted| {
        ctx.not_found(format!("Square has no location {wanted} for this token."))
            .details(json!({"locations": names}))
            .status(resp.status)
    })?;
    Ok(Outcome::ok(format!(
        "Square accepted the token ({} locations).",
        locations.len()
    ))
    .details(json!({"locations": names}))
    .status(resp.status))
}

async fn mollie(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let url = format!("{}/v2/methods", ctx.base("mollie", &[])?);
    let resp = ctx.send_ok(ctx.get(&url).bearer_auth(key)).await?;
    Ok(
        Outcome::ok(format!("Mollie accepted the key ({} mode).", mode(key)))
            .details(json!({"mode": mode(key), "methods": resp.json.pointer("/count")}))
            .status(resp.status),
    )
}
