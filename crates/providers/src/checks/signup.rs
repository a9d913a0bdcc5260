//! Sign-up pages: the page is fetched with a GET, following at most five
//! redirects (counted here, since the shared client follows none), and must
//! end in a 2xx HTML page. No credentials are involved.

use serde_json::json;

use crate::http::{Ctx, Verdict};
use crate::outcome::Outcome;

checks! {
    "signup_page" => signup_page,
}

/// The most redirects followed before giving up.
pub(crate) const MAX_REDIRECTS: usize = 5;

async fn signup_page(ctx: &Ctx<'_>) -> Verdict {
    let Some(start) = ctx.cfg("page_url") else {
        return Ok(Outcome::not_checkable(
            "No page URL is set, so there is nothing to load.",
            "Enter the sign-up page's address to let Switchboard check that it loads.",
        ));
    };
    let mut url = url::Url::parse(&start)
        .map_err(|_| ctx.not_found("The page URL is not a valid address."))?;
    let mut hops = Vec::new();
    loop {
        let resp = ctx
            .send(
                ctx.get(url.as_str())
                    .header("Accept", "text/html,application/xhtml+xml"),
            )
            .await
            .map_err(|o| o.detail("redirects", hops.len()))?;
        if (300..400).contains(&resp.status) {
            let Some(location) = resp.header("location") else {
                return Err(Outcome::provider_error(
                    "The page redirects without saying where to.",
                    "Fix the page's redirect.",
                )
                .status(resp.status));
            };
            if hops.len() == MAX_REDIRECTS {
                return Err(Outcome::provider_error(
                    format!("The page redirects more than {MAX_REDIRECTS} times."),
                    "Check for a redirect loop and enter the page's final address.",
                )
                .status(resp.status)
                .details(json!({"redirects": hops})));
            }
            url = url.join(location).map_err(|_| {
                Outcome::provider_error(
                    "The page redirects to an invalid address.",
                    "Fix the page's redirect.",
                )
            })?;
            hops.push(url.to_string());
            continue;
        }
        if !resp.success() {
            let mut out = ctx.http_failure(&resp);
            out.message = format!("The sign-up page answered HTTP {}.", resp.status);
            if resp.status == 404 {
                out.message = "The sign-up page was not found (HTTP 404).".into();
                out.hint =
                    "Check the page URL; the page may have been moved or unpublished.".into();
            }
            return Err(out.details(json!({"redirects": hops})));
        }
        let content_type = resp.header("content-type").unwrap_or("").to_owned();
        let details =
            json!({"final_url": url.to_string(), "redirects": hops, "content_type": content_type});
        if !content_type.contains("html") {
            return Err(Outcome::provider_error(
                format!("The page loads but is not a web page ({content_type})."),
                "Enter the address of the page people visit, not of a file or an API.",
            )
            .details(details)
            .status(resp.status));
        }
        return Ok(Outcome::ok("The sign-up page loads.")
            .details(details)
            .status(resp.status));
    }
}
