//! Automation: Make (the token's user, in its zone) is checkable; a Zapier
//! catch hook and a custom webhook are not, because any request to them runs
//! the workflow. For those the check validates the address's shape and points
//! at the explicit, user-confirmed test call in [`crate::send`].

use serde_json::json;

use crate::http::{Ctx, Verdict};
use crate::outcome::Outcome;

checks! {
    "zapier" => zapier,
    "make" => make,
    "custom_webhook" => custom_webhook,
}

/// Validates an https URL's shape; the URL itself is secret and never echoed.
fn shape(url: &str, hosts: &[&str]) -> Result<(), &'static str> {
    let parsed = url::Url::parse(url).map_err(|_| "is not a valid address")?;
    if parsed.scheme() != "https" {
        return Err("does not use https");
    }
    let host = parsed.host_str().unwrap_or_default();
    if !hosts.is_empty()
        && !hosts
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")))
    {
        return Err("is not on the provider's host");
    }
    Ok(())
}

async fn zapier(ctx: &Ctx<'_>) -> Verdict {
    let url = ctx.need_secret("webhook_url")?;
    shape(url, &["hooks.zapier.com"])
        .map_err(|why| ctx.invalid(format!("The catch hook URL {why}.")))?;
    let path_ok = url::Url::parse(url).is_ok_and(|u| u.path().starts_with("/hooks/catch/"));
    if !path_ok {
        return Err(
            ctx.invalid("The URL is not a Zapier catch hook (it should contain /hooks/catch/).")
        );
    }
    Ok(Outcome::not_checkable("A Zapier catch hook cannot be checked without running the Zap: any request to it starts the Zap and is answered with success.",
        "The URL's shape was checked. To test it end to end, send a test event (it will run the Zap once).",
    )
    .details(json!({"shape_checked": true})))
}

async fn make(ctx: &Ctx<'_>) -> Verdict {
    let token = ctx.need_secret("api_token")?;
    let zone = ctx.need_cfg("zone")?;
    let url = format!("{}/api/v2/users/me", ctx.base("make", &[("zone", &zone)])?);
    let resp = ctx
        .send(
            ctx.get(&url)
                .header("Authorization", format!("Token {token}")),
        )
        .await?;
    if !resp.success() {
        return Err(ctx.http_failure_hinting(&resp, 401, format!("Copy the token again from your Make profile → API access, and check the zone ({zone}) matches the address you use Make at.")));
    }
    Ok(
        Outcome::ok(format!("Make ({zone}) accepted the API token."))
            .details(json!({"zone": zone, "user_name": resp.str_at("/authUser/name")}))
            .status(resp.status),
    )
}

async fn custom_webhook(ctx: &Ctx<'_>) -> Verdict {
    let url = ctx.need_cfg("url")?;
    shape(&url, &[]).map_err(|why| ctx.invalid(format!("The webhook URL {why}.")))?;
    Ok(Outcome::not_checkable("A custom webhook has no safe check: any request to it is treated as a real event by the receiver.",
        "The URL's shape was checked. To test it, send a signed test event after confirming.",
    )
    .details(json!({"shape_checked": true, "signed": ctx.secret("signing_secret").is_some()})))
}

#[cfg(test)]
mod tests {
    use super::shape;

    #[test]
    fn shapes() {
        assert!(shape(
            "https://hooks.zapier.com/hooks/catch/1/a/",
            &["hooks.zapier.com"]
        )
        .is_ok());
        assert!(shape(
            "http://hooks.zapier.com/hooks/catch/1/a/",
            &["hooks.zapier.com"]
        )
        .is_err());
        assert!(shape("https://evil.com/hooks.zapier.com", &["hooks.zapier.com"]).is_err());
        assert!(shape("not a url", &[]).is_err());
    }
}
