//! CDNs: Cloudflare (token verify, user- or account-owned, then the zone if
//! one is set), Amazon CloudFront (STS first, then one distribution) and
//! Fastly (the token's own record: scope, services, expiry).

use reqwest::Method;
use serde_json::{json, Value};

use super::aws;
use crate::http::{with_code, Ctx, Resp, Verdict};
use crate::outcome::{Outcome, StatedExpiry};

checks! {
    "cloudflare" => cloudflare,
    "aws_cloudfront" => cloudfront,
    "fastly" => fastly,
}

fn cloudflare_failure(ctx: &Ctx<'_>, resp: &Resp, account_owned: bool) -> Outcome {
    let code = resp.int_at("/errors/0/code");
    let said = resp.str_at("/errors/0/message").map(str::to_owned);
    let out = match (resp.status, code) {
        (429, _) => ctx.rate_limited(resp),
        (_, Some(1000)) | (_, Some(9109)) | (_, Some(6003)) | (_, Some(6111)) | (401, _) => {
            let o = ctx.invalid("Cloudflare says the API token is not valid.");
            if account_owned {
                o
            } else {
                o.hint("Copy the token again. If it is an account-owned token, also enter the account ID: the user endpoint rejects those.")
            }
        }
        (403, _) | (_, Some(10000)) => ctx.missing_permission(
            "Cloudflare accepted the token but it lacks a permission this call needs.",
        ),
        (404, _) | (_, Some(7003)) | (_, Some(1001)) => {
            ctx.not_found("Cloudflare has no such zone or account for this token.")
        }
        _ => return ctx.http_failure(resp),
    };
    with_code(out, said, resp, "cloudflare_error_code", code)
}

async fn cloudflare(ctx: &Ctx<'_>) -> Verdict {
    let token = ctx.need_secret("api_token")?;
    let base = ctx.base("cloudflare", &[])?;
    let account = ctx.cfg("account_id");
    let url = match &account {
        Some(id) => format!("{base}/client/v4/accounts/{id}/tokens/verify"),
        None => format!("{base}/client/v4/user/tokens/verify"),
    };
    let resp = ctx.send(ctx.get(&url).bearer_auth(token)).await?;
    if !resp.success() || resp.json.pointer("/success").and_then(Value::as_bool) != Some(true) {
        return Err(cloudflare_failure(ctx, &resp, account.is_some()));
    }
    let status = resp
        .str_at("/result/status")
        .unwrap_or("unknown")
        .to_owned();
    let details = json!({"status": status, "expires_on": resp.json.pointer("/result/expires_on")});
    let expiry = stated(resp.str_at("/result/expires_on"), "Cloudflare token verify");
    if status != "active" {
        return Err(ctx
            .invalid(format!("The Cloudflare token exists but is {status}."))
            .details(details)
            .status(resp.status));
    }
    if let Some(zone) = ctx.cfg("zone_id") {
        let resp = ctx
            .send(
                ctx.get(&format!("{base}/client/v4/zones/{zone}"))
                    .bearer_auth(token),
            )
            .await?;
        if !resp.success() {
            return Err(cloudflare_failure(ctx, &resp, account.is_some()).details(details));
        }
        return Ok(Outcome::ok(format!(
            "Cloudflare accepted the token for the zone {}.",
            resp.str_at("/result/name").unwrap_or(&zone)
        ))
        .details(details)
        .expiry(expiry)
        .status(resp.status));
    }
    Ok(Outcome::ok("Cloudflare accepted the API token.")
        .details(details)
        .expiry(expiry)
        .status(resp.status))
}

/// The expiry a token's own record states: a date, or none (the token
/// does not expire). An unreadable date states nothing.
fn stated(expires: Option<&str>, source: &str) -> Option<StatedExpiry> {
    match expires.filter(|s| !s.is_empty()) {
        Some(at) => StatedExpiry::at(at, source),
        None => Some(StatedExpiry::never(source)),
    }
}

async fn cloudfront(ctx: &Ctx<'_>) -> Verdict {
    let keys = aws::keys(ctx)?;
    let identity = aws::caller_identity(ctx, &keys).await?;
    let base = ctx.base("cloudfront", &[])?;
    let (url, permission) = match ctx.cfg("distribution_id") {
        Some(id) => (
            format!("{base}/2020-05-31/distribution/{id}"),
            "cloudfront:GetDistribution",
        ),
        None => (
            format!("{base}/2020-05-31/distribution?MaxItems=1"),
            "cloudfront:ListDistributions",
        ),
    };
    let service = aws::Service {
        name: "cloudfront",
        region: "us-east-1",
        s3: false,
    };
    let resp = aws::send_body(ctx, &keys, service, Method::GET, &url, None).await?;
    aws::expect_success(ctx, &resp, permission)?;
    Ok(identity.stamp(
        Outcome::ok("Amazon CloudFront accepted the key.")
            .details(json!({
                "distribution_status": resp.xml("Status"),
                "domain_name": resp.xml("DomainName"),
            }))
            .status(resp.status),
    ))
}

async fn fastly(ctx: &Ctx<'_>) -> Verdict {
    let token = ctx.need_secret("api_token")?;
    let url = format!("{}/tokens/self", ctx.base("fastly", &[])?);
    let resp = ctx
        .send_ok(ctx.get(&url).header("Fastly-Key", token))
        .await?;
    let scope = resp.str_at("/scope").unwrap_or("").to_owned();
    let services: Vec<String> = resp.strings_at("/services");
    let details = json!({
        "scope": scope, "services": services, "expires_at": resp.json.pointer("/expires_at"),
    });
    let expiry = stated(resp.str_at("/expires_at"), "Fastly token");
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    let can_purge = scopes
        .iter()
        .any(|s| matches!(*s, "global" | "purge_select" | "purge_all"));
    if !can_purge {
        return Err(ctx
            .missing_permission(format!(
                "The Fastly token is valid but its scope ({scope}) cannot purge."
            ))
            .details(details)
            .status(resp.status));
    }
    if let Some(service) = ctx.cfg("service_id") {
        if !services.is_empty() && !services.contains(&service) {
            return Err(ctx
                .missing_permission(format!(
                    "The Fastly token is limited to other services than {service}."
                ))
                .details(details)
                .status(resp.status));
        }
    }
    Ok(
        Outcome::ok(format!("Fastly accepted the token (scope: {scope})."))
            .details(details)
            .expiry(expiry)
            .status(resp.status),
    )
}
