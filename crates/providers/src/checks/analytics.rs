//! Analytics and tracking (the Facebook Pixel is in `meta.rs`): Pinterest
//! (the ad account's conversion tags), TikTok (the pixel list; errors come as
//! HTTP 200 with a `code`), Hotjar (a client-credentials token, when an API
//! client is set), Mixpanel (the service account) and Segment (the workspace,
//! with a Public API token; a write key alone cannot be checked).

use serde_json::{json, Value};

use crate::http::{with_said, Ctx, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

checks! {
    "pinterest_tag" => pinterest,
    "tiktok_pixel" => tiktok,
    "hotjar" => hotjar,
    "mixpanel" => mixpanel,
    "segment" => segment,
}

async fn pinterest(ctx: &Ctx<'_>) -> Verdict {
    let token = ctx.need_secret("access_token")?;
    let account = ctx.need_cfg("ad_account_id")?;
    let tag = ctx.need_cfg("tag_id")?;
    let url = format!(
        "{}/v5/ad_accounts/{account}/conversion_tags",
        ctx.base("pinterest", &[])?
    );
    let resp = ctx.send(ctx.get(&url).bearer_auth(token)).await?;
    if !resp.success() {
        let mut out = ctx.http_failure(&resp);
        if resp.status == 404 {
            out.message = format!("Pinterest has no ad account {account} for this token.");
        }
        return Err(out);
    }
    let items = resp
        .json
        .pointer("/items")
        .or_else(|| resp.json.as_array().map(|_| &resp.json))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !items.iter().any(|i| i["id"].as_str() == Some(tag.as_str())) {
        return Err(ctx
            .not_found(format!(
                "The ad account {account} has no conversion tag {tag}."
            ))
            .detail("tag_count", items.len())
            .status(resp.status));
    }
    Ok(Outcome::ok(format!(
        "Pinterest accepted the token; the tag {tag} belongs to the ad account."
    ))
    .details(json!({"ad_account_id": account, "tag_id": tag}))
    .status(resp.status))
}

async fn tiktok(ctx: &Ctx<'_>) -> Verdict {
    let token = ctx.need_secret("access_token")?;
    let advertiser = ctx.need_cfg("advertiser_id")?;
    let pixel = ctx.need_cfg("pixel_code")?;
    let url = format!("{}/open_api/v1.3/pixel/list/", ctx.base("tiktok", &[])?);
    let request = ctx
        .get(&url)
        .query(&[
            ("advertiser_id", advertiser.as_str()),
            ("code", pixel.as_str()),
        ])
        .header("Access-Token", token);
    let resp = ctx.send_ok(request).await?;
    // TikTok answers HTTP 200 for errors too; its `code` decides.
    let code = resp.int_at("/code").unwrap_or(-1);
    let said = resp.str_at("/message").map(str::to_owned);
    let out = match code {
        0 => {
            let pixels = resp
                .json
                .pointer("/data/pixels")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if !pixels
                .iter()
                .any(|p| p["pixel_code"].as_str() == Some(pixel.as_str()))
            {
                return Err(ctx
                    .not_found(format!("The advertiser {advertiser} has no pixel {pixel}."))
                    .status(resp.status));
            }
            return Ok(Outcome::ok(format!(
                "TikTok accepted the token; the pixel {pixel} was found."
            ))
            .details(json!({"advertiser_id": advertiser, "pixel_code": pixel}))
            .status(resp.status));
        }
        40102 => ctx.invalid("TikTok says the access token has expired (code 40102)."),
        40104 | 40105 => ctx.invalid(format!(
            "TikTok says the access token is not valid (code {code})."
        )),
        40001 => ctx.missing_permission(
            "TikTok accepted the token but it has no permission for this advertiser (code 40001).",
        ),
        40100 | 40016 | 40133 => {
            let o = ctx.rate_limited(&resp);
            Outcome {
                message: format!("TikTok is limiting requests right now (code {code})."),
                ..o
            }
        }
        _ => Outcome::provider_error(
            format!("TikTok answered with error code {code}."),
            "Check the advertiser ID and pixel code; if they are right, try again later.",
        ),
    };
    Err(with_said(out, said)
        .status(resp.status)
        .detail("tiktok_code", code))
}

async fn hotjar(ctx: &Ctx<'_>) -> Verdict {
    let (Some(id), Some(secret)) = (ctx.value("client_id"), ctx.secret("client_secret")) else {
        return Ok(Outcome::not_checkable("A Hotjar site ID alone cannot be checked: it is public and the tracking code accepts any ID.",
            "Its format was checked. With a Scale plan, add an API client ID and secret to let Switchboard check them.",
        ));
    };
    let url = format!("{}/v1/oauth/token", ctx.base("hotjar", &[])?);
    let resp = super::oauth::client_credentials_token(ctx, &url, &id, secret).await?;
    if !resp.success() {
        let mut out = ctx.http_failure(&resp);
        if resp.str_at("/error") == Some("invalid_client") {
            out.kind = OutcomeKind::InvalidCredentials;
            out.hint =
                ctx.where_to_fix("Hotjar API keys expire after one year: create a new client");
        }
        return Err(out);
    }
    Ok(Outcome::ok("Hotjar accepted the API client ID and secret.")
        .details(json!({"expires_in": resp.json["expires_in"]}))
        .status(resp.status))
}

async fn mixpanel(ctx: &Ctx<'_>) -> Verdict {
    let user = ctx.need_cfg("service_account_username")?;
    let secret = ctx.need_secret("service_account_secret")?;
    let project = ctx.need_cfg("project_id")?;
    let base = ctx.regional_base(&[("eu", "mixpanel_eu"), ("in", "mixpanel_in")], "mixpanel")?;
    let url = format!("{base}/api/app/me");
    let resp = ctx
        .send_ok(ctx.get(&url).basic_auth(&user, Some(secret)))
        .await?;
    let projects = resp
        .json
        .pointer("/results/projects")
        .and_then(Value::as_object);
    if let Some(projects) = projects {
        if !projects.contains_key(&project) {
            return Err(ctx
                .missing_permission(format!(
                    "The service account is valid but has no access to the project {project}."
                ))
                .detail("project_count", projects.len())
                .status(resp.status));
        }
    }
    Ok(Outcome::ok("Mixpanel accepted the service account.")
        .details(json!({"project_id": project, "projects_visible": projects.map(|p| p.len())}))
        .status(resp.status))
}

async fn segment(ctx: &Ctx<'_>) -> Verdict {
    let Some(token) = ctx.secret("public_api_token") else {
        return Ok(Outcome::not_checkable("Segment's write key cannot be checked: Segment accepts events for any write key, valid or not.",
            "Its format was checked. Add a Public API token to let Switchboard check the workspace, or send a test event and look for it in Segment's debugger.",
        ));
    };
    let url = format!("{}/workspace", ctx.base("segment", &[])?);
    let resp = ctx.send_ok(ctx.get(&url).bearer_auth(token)).await?;
    let name = resp.str_at("/data/workspace/name").unwrap_or("").to_owned();
    Ok(Outcome::ok(format!(
        "Segment accepted the Public API token for the workspace \u{201c}{name}\u{201d} (the write key itself cannot be checked)."
    ))
    .details(json!({"workspace": name, "slug": resp.str_at("/data/workspace/slug")}))
    .status(resp.status))
}
