//! Documents and e-signature: a generic PDF API (the user's own health path
//! with their header scheme), DocuSign (the JWT grant, then userinfo; the
//! other environment is probed when the integration key is unknown) and
//! Dropbox Sign (the account).

use serde_json::{json, Value};

use super::jwt;
use crate::http::{with_said, Ctx, Resp, Verdict};
use crate::outcome::Outcome;

checks! {
    "pdf_generation_api" => pdf_api,
    "docusign" => docusign,
    "hellosign" => hellosign,
}

async fn pdf_api(ctx: &Ctx<'_>) -> Verdict {
    let base = ctx.need_cfg("base_url")?;
    let key = ctx.need_secret("api_key")?;
    let Some(path) = ctx.cfg("health_path") else {
        return Ok(Outcome::not_checkable("No health-check path is set, and calling the PDF service's other endpoints could create documents.",
            "The base URL and key formats were checked. Enter a health-check path (one that answers without side effects) to test the key.",
        ));
    };
    let header = ctx
        .cfg("auth_header")
        .unwrap_or_else(|| "Authorization".into());
    let scheme = ctx.cfg("auth_scheme").unwrap_or_default();
    let value = if scheme.is_empty() {
        key.to_owned()
    } else {
        format!("{scheme} {key}")
    };
    let url = format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    let resp = ctx
        .send_ok(ctx.get(&url).header(header.as_str(), value))
        .await?;
    Ok(
        Outcome::ok("The PDF service accepted the key on its health-check path.")
            .status(resp.status),
    )
}

/// (endpoint key, JWT audience host) for a DocuSign environment.
fn docusign_env(production: bool) -> (&'static str, &'static str) {
    if production {
        ("docusign", "account.docusign.com")
    } else {
        ("docusign_demo", "account-d.docusign.com")
    }
}

async fn docusign_token(
    ctx: &Ctx<'_>,
    production: bool,
    ik: &str,
    user: &str,
    pem: &str,
) -> Result<Resp, Outcome> {
    let (key, aud) = docusign_env(production);
    let now = ctx.unix_now();
    let claims = json!({
        "iss": ik, "sub": user, "aud": aud, "iat": now, "exp": now + 3600,
        "scope": "signature impersonation",
    });
    let assertion = jwt::rs256(&claims, pem, None).map_err(|_| {
        ctx.invalid("The RSA private key cannot sign: paste the whole key, including its BEGIN and END lines.")
    })?;
    let url = format!("{}/oauth/token", ctx.base(key, &[])?);
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("assertion", assertion.as_str()),
    ];
    ctx.send(ctx.post(&url).form(&form)).await
}

async fn docusign(ctx: &Ctx<'_>) -> Verdict {
    let ik = ctx.need_cfg("integration_key")?;
    let user = ctx.need_cfg("user_id")?;
    let pem = ctx.need_secret("rsa_private_key")?;
    let production = ctx.cfg("environment").as_deref() == Some("production");
    let (key, aud) = docusign_env(production);
    let resp = docusign_token(ctx, production, &ik, &user, pem).await?;
    if !resp.success() {
        let error = resp.str_at("/error").unwrap_or("").to_owned();
        let said = resp.str_at("/error_description").map(str::to_owned);
        let out = match error.as_str() {
            _ if resp.status == 429 => ctx.rate_limited(&resp),
            "consent_required" => ctx
                .missing_permission("DocuSign accepted the key but the user has not granted the app consent yet.")
                .hint(format!("Have the user open https://{aud}/oauth/auth?response_type=code&scope=signature%20impersonation&client_id={ik}&redirect_uri=<one of the app's redirect URIs> once and accept.")),
            "invalid_grant" | "invalid_client" => {
                if said.as_deref() == Some("issuer_not_found") || error == "invalid_client" {
                    if let Ok(probe) = docusign_token(ctx, !production, &ik, &user, pem).await {
                        let known = probe.success() || probe.str_at("/error") == Some("consent_required");
                        if known {
                            let should = if production { "Developer (demo)" } else { "Production" };
                            let message = format!("The integration key belongs to DocuSign {should}.");
                            return Err(Outcome::set_elsewhere("environment", should, message)
                                .status(resp.status));
                        }
                    }
                }
                ctx.invalid(match said.as_deref() {
                    Some("user_not_found") => "DocuSign does not know the user ID.",
                    Some("no_valid_keys_or_signatures") => "DocuSign rejected the RSA key: it is not a key of this integration.",
                    Some("issuer_not_found") => "DocuSign does not know the integration key.",
                    _ => "DocuSign rejected the integration key, user ID or RSA key.",
                })
            }
            _ => return Err(ctx.http_failure(&resp)),
        };
        return Err(with_said(out, said).status(resp.status));
    }
    let token = resp.str_at("/access_token").unwrap_or("").to_owned();
    let url = format!("{}/oauth/userinfo", ctx.base(key, &[])?);
    let info = ctx.send(ctx.get(&url).bearer_auth(&token)).await?;
    if !info.success() {
        return Err(ctx.http_failure(&info));
    }
    let accounts: Vec<Value> = info
        .json
        .pointer("/accounts")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| json!({"account_id": x["account_id"], "is_default": x["is_default"], "base_uri": x["base_uri"], "account_name": x["account_name"]}))
                .collect()
        })
        .unwrap_or_default();
    ctx.require_listed("account_id", &accounts, "account_id", |wanted| {
        ctx.not_found(format!("The DocuSign user has no account {wanted}."))
            .details(json!({"accounts": accounts}))
            .status(info.status)
    })?;
    Ok(Outcome::ok(format!(
        "DocuSign accepted the JWT grant; the user has {} account(s).",
        accounts.len()
    ))
    .details(json!({"accounts": accounts, "token_expires_in": resp.json["expires_in"]}))
    .status(info.status))
}

async fn hellosign(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let url = format!("{}/v3/account", ctx.base("hellosign", &[])?);
    let resp = ctx
        .send(ctx.get(&url).basic_auth(key, None::<&str>))
        .await?;
    if !resp.success() {
        let mut out = ctx.http_failure(&resp);
        if resp.str_at("/error/error_name") == Some("exceeded_rate") {
            out = ctx.rate_limited(&resp);
        }
        return Err(out);
    }
    Ok(Outcome::ok("Dropbox Sign accepted the API key.")
        .details(json!({
            "account_id": resp.str_at("/account/account_id"),
            "quotas": resp.json.pointer("/account/quotas"),
        }))
        .status(resp.status))
}
