//! The catch-all `custom` integration: its credentials can be anything, so
//! there is no check unless the user gave both a base URL and a health-check
//! path (`health_path`, an extra key), in which case a GET with the access
//! token (or API key) as a bearer token is tried.

use crate::http::{Ctx, Verdict};
use crate::outcome::Outcome;

checks! {
    "custom" => custom,
}

async fn custom(ctx: &Ctx<'_>) -> Verdict {
    let (Some(base), Some(path)) = (ctx.cfg("base_url"), ctx.cfg("health_path")) else {
        return Ok(Outcome::not_checkable("A custom integration has no known check: Switchboard does not know how the service verifies credentials.",
            "The settings were stored as given. Add a base URL and a health_path setting to let Switchboard try a read-only request.",
        ));
    };
    let url = format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    let mut request = ctx.get(&url);
    if let Some(token) = ctx.secret("access_token").or_else(|| ctx.secret("api_key")) {
        request = request.bearer_auth(token);
    }
    let resp = ctx.send_ok(request).await?;
    Ok(Outcome::ok("The service answered its health-check path with success.").status(resp.status))
}
