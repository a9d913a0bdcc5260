//! Social-login OAuth apps (Facebook's is in `meta.rs`). Without a user no
//! real token can be had, so Google and GitHub are probed with a placeholder
//! authorization code: an "invalid code" answer means the client id and secret
//! were accepted (an inference, reported as such in the details). LinkedIn and
//! Twitter/X support app-only tokens and are checked by asking for one.

use serde_json::json;

use crate::http::{with_said, Ctx, Resp, Verdict};
use crate::outcome::Outcome;

checks! {
    "google_oauth" => google,
    "github_oauth" => github,
    "linkedin_oauth" => linkedin,
    "twitter_oauth" => twitter,
}

/// The code sent where a real sign-in would send one; providers reject it.
pub(crate) const PLACEHOLDER_CODE: &str = "switchboard-connection-test";

fn inferred_ok(label: &str, how: &str) -> Outcome {
    Outcome::ok(format!(
        "{label} accepted the client ID and secret (it refused only the placeholder sign-in code, as expected)."
    ))
    .detail("inferred", true)
    .detail("evidence", how)
}

/// An OAuth app's client ID (a setting) and client secret.
pub(crate) fn client_pair<'a>(ctx: &Ctx<'a>) -> Result<(String, &'a str), Outcome> {
    Ok((
        ctx.need_cfg("client_id")?,
        ctx.need_secret("client_secret")?,
    ))
}

/// Asks for an app-only token with the OAuth client-credentials grant, the
/// client ID and secret in the form.
pub(crate) async fn client_credentials_token(
    ctx: &Ctx<'_>,
    url: &str,
    id: &str,
    secret: &str,
) -> Result<Resp, Outcome> {
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", id),
        ("client_secret", secret),
    ];
    ctx.send(ctx.post(url).form(&form)).await
}

fn redirect_mismatch(ctx: &Ctx<'_>, resp: &Resp) -> Outcome {
    ctx.missing_permission(format!(
        "{} accepted the app but the redirect URI is not one of the app's allowed redirect URIs.",
        ctx.label
    ))
    .hint("Add the redirect URI, character for character, to the app's allowed redirect URIs.")
    .status(resp.status)
}

async fn google(ctx: &Ctx<'_>) -> Verdict {
    let (id, secret) = client_pair(ctx)?;
    let url = format!("{}/token", ctx.base("google_oauth2", &[])?);
    let mut form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", PLACEHOLDER_CODE.to_owned()),
        ("client_id", id),
        ("client_secret", secret.to_owned()),
    ];
    if let Some(redirect) = ctx.cfg("redirect_uri") {
        form.push(("redirect_uri", redirect));
    }
    let resp = ctx.send(ctx.post(&url).form(&form)).await?;
    let said = resp.str_at("/error_description").map(str::to_owned);
    let out = match (resp.status, resp.str_at("/error")) {
        (429, _) => ctx.rate_limited(&resp),
        (_, Some("invalid_grant")) => return Ok(inferred_ok("Google", "invalid_grant").status(resp.status)),
        (_, Some("redirect_uri_mismatch")) => redirect_mismatch(ctx, &resp),
        (_, Some("unauthorized_client")) => ctx.missing_permission("Google accepted the client but it is not allowed to use the authorization-code flow (unauthorized_client)."),
        (_, Some("invalid_client")) => {
            if said.as_deref().is_some_and(|d| d.contains("not found")) {
                ctx.invalid("Google does not know this client ID (invalid_client).")
            } else {
                ctx.invalid("Google rejected the client secret (invalid_client).")
            }
        }
        _ => return Err(ctx.http_failure(&resp)),
    };
    Err(with_said(out, said).status(resp.status))
}

async fn github(ctx: &Ctx<'_>) -> Verdict {
    let (id, secret) = client_pair(ctx)?;
    let url = format!("{}/login/oauth/access_token", ctx.base("github", &[])?);
    let form = [
        ("client_id", id.as_str()),
        ("client_secret", secret),
        ("code", PLACEHOLDER_CODE),
    ];
    let request = ctx
        .post(&url)
        .header("Accept", "application/json")
        .form(&form);
    let resp = ctx.send(request).await?;
    let said = resp.str_at("/error_description").map(str::to_owned);
    let out = match (resp.status, resp.str_at("/error")) {
        (429, _) => ctx.rate_limited(&resp),
        (403, _) if resp.header("retry-after").is_some() => ctx.rate_limited(&resp),
        (_, Some("bad_verification_code")) => {
            return Ok(inferred_ok("GitHub", "bad_verification_code").status(resp.status))
        }
        (_, Some("incorrect_client_credentials")) => {
            ctx.invalid("GitHub says the client ID or client secret is incorrect.")
        }
        (_, Some("redirect_uri_mismatch")) => redirect_mismatch(ctx, &resp),
        (_, Some("application_suspended")) => {
            ctx.missing_permission("GitHub has suspended this OAuth app.")
        }
        _ => return Err(ctx.http_failure(&resp)),
    };
    Err(with_said(out, said).status(resp.status))
}

async fn linkedin(ctx: &Ctx<'_>) -> Verdict {
    let (id, secret) = client_pair(ctx)?;
    let url = format!("{}/oauth/v2/accessToken", ctx.base("linkedin", &[])?);
    let resp = client_credentials_token(ctx, &url, &id, secret).await?;
    if resp.success() && resp.str_at("/access_token").is_some() {
        return Ok(Outcome::ok("LinkedIn accepted the client ID and secret.")
            .details(json!({"expires_in": resp.json["expires_in"]}))
            .status(resp.status));
    }
    let said = resp.str_at("/error_description").map(str::to_owned);
    let out = match (resp.status, resp.str_at("/error")) {
        (429, _) => ctx.rate_limited(&resp),
        // Only approved apps get application tokens; this refusal comes
        // after the client was authenticated.
        (_, Some("access_denied")) => {
            return Ok(Outcome::ok(
                "LinkedIn accepted the client ID and secret (the app is not approved for app-only tokens, which sign-in does not need).",
            )
            .detail("inferred", true)
            .detail("evidence", "access_denied")
            .status(resp.status))
        }
        (_, Some("invalid_client")) | (401, _) => ctx.invalid("LinkedIn rejected the client ID or secret (invalid_client)."),
        (_, Some("unauthorized_client")) => ctx.missing_permission("LinkedIn accepted the app but it may not use this flow (unauthorized_client)."),
        _ => return Err(ctx.http_failure(&resp)),
    };
    Err(with_said(out, said).status(resp.status))
}

async fn twitter(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let secret = ctx.need_secret("api_secret")?;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let url = format!("{}/oauth2/token", ctx.base("twitter", &[])?);
    let request = ctx
        .post(&url)
        .basic_auth(enc(key), Some(enc(secret)))
        .header(
            "Content-Type",
            "application/x-www-form-urlencoded;charset=UTF-8",
        )
        .body("grant_type=client_credentials");
    let resp = ctx.send(request).await?;
    if resp.success()
        && resp
            .str_at("/token_type")
            .is_some_and(|t| t.eq_ignore_ascii_case("bearer"))
    {
        return Ok(Outcome::ok("X (Twitter) accepted the API key and secret.").status(resp.status));
    }
    let code = resp.int_at("/errors/0/code");
    let said = resp.str_at("/errors/0/message").map(str::to_owned);
    let out = match (resp.status, code) {
        (429, _) | (_, Some(88)) => ctx.rate_limited(&resp),
        (_, Some(99)) | (_, Some(32)) | (_, Some(89)) | (401, _) => ctx
            .invalid("X (Twitter) could not verify the API key and secret.")
            .hint("Copy the API key and secret again (Keys and tokens). X gives the same answer when asked too often: if you are sure they are right, wait 15 minutes."),
        (_, Some(453)) | (_, Some(261)) | (403, _) => ctx.missing_permission(
            "X (Twitter) accepted the app but its access level does not allow this call.",
        ),
        _ => return Err(ctx.http_failure(&resp)),
    };
    let mut out = with_said(out, said).status(resp.status);
    if let Some(code) = code {
        out = out.detail("x_error_code", code);
    }
    Err(out)
}
