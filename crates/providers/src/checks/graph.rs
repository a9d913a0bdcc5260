//! Meta's Graph API, shared by the WhatsApp and Facebook checks and the
//! WhatsApp test message: the version, the base URL, reads, and errors
//! mapped by Meta's own codes: 190 token, 10 and 200-299 permission,
//! 4/17/32/613/80007/130429 throttling, 100/33 and 803 unknown objects.

use serde_json::Value;

use crate::http::{with_code, Ctx, Resp};
use crate::outcome::{Outcome, StatedExpiry};

/// The Graph API version used for every call.
pub(crate) const GRAPH_VERSION: &str = "v22.0";

/// `{graph base}/{version}`.
pub(crate) fn graph(ctx: &Ctx<'_>) -> Result<String, Outcome> {
    Ok(format!("{}/{GRAPH_VERSION}", ctx.base("meta", &[])?))
}

/// Maps a Graph API error by Meta's error code.
pub(crate) fn graph_failure(ctx: &Ctx<'_>, resp: &Resp) -> Outcome {
    let code = resp.int_at("/error/code");
    let sub = resp.int_at("/error/error_subcode");
    let said = resp.str_at("/error/message").map(str::to_owned);
    let out = match code {
        Some(190) | Some(102) => {
            let why = match sub {
                Some(463) | Some(467) => "has expired",
                Some(460) => "was invalidated by a password change",
                Some(458) | Some(459) => "is no longer authorised by its user",
                _ => "is not valid",
            };
            ctx.invalid(format!("Meta says the access token {why} (code 190)."))
                .hint("Generate a new token (a system-user token does not expire) and paste it in the integration.")
        }
        Some(101) => ctx.invalid("Meta does not know this app ID (code 101)."),
        Some(10) | Some(3) | Some(200..=299) => ctx
            .missing_permission(format!(
                "The token is valid but lacks a permission this call needs (code {}).",
                code.unwrap_or_default()
            ))
            .hint("Generate the token again with the permissions listed in the integration's help (e.g. whatsapp_business_management, pages_read_engagement, leads_retrieval)."),
        Some(4) | Some(17) | Some(32) | Some(613) | Some(80000..=80099) | Some(130429)
        | Some(131056) => {
            let mut o = ctx.rate_limited(resp);
            if o.retry_after_secs.is_none() {
                o.retry_after_secs = usage_wait(resp);
                if let Some(s) = o.retry_after_secs {
                    o.hint = format!("Try again in {s} s.");
                }
            }
            o.message = format!(
                "Meta is throttling this app or account (code {}).",
                code.unwrap_or_default()
            );
            o
        }
        Some(100) if sub == Some(33) => ctx.not_found(
            "Meta says the object does not exist or this token cannot see it (code 100/33).",
        ),
        Some(803) => ctx.not_found("Meta says an ID in the settings does not exist (code 803)."),
        Some(1) | Some(2) => Outcome::provider_error(
            "Meta had a temporary problem (code 1 or 2).",
            "Try again in a few minutes.",
        ),
        _ => return ctx.http_failure(resp),
    };
    with_code(out, said, resp, "meta_error_code", code)
}

/// Meta's usage headers carry `estimated_time_to_regain_access` in minutes.
fn usage_wait(resp: &Resp) -> Option<u64> {
    [
        "x-business-use-case-usage",
        "x-ad-account-usage",
        "x-app-usage",
    ]
    .iter()
    .filter_map(|h| resp.header(h))
    .filter_map(|v| serde_json::from_str::<Value>(v).ok())
    .find_map(|v| find_number(&v, "estimated_time_to_regain_access"))
    .filter(|m| *m > 0)
    .map(|minutes| minutes * 60)
}

fn find_number(v: &Value, key: &str) -> Option<u64> {
    match v {
        Value::Object(map) => map
            .get(key)
            .and_then(Value::as_u64)
            .or_else(|| map.values().find_map(|x| find_number(x, key))),
        Value::Array(items) => items.iter().find_map(|x| find_number(x, key)),
        _ => None,
    }
}

pub(crate) async fn graph_get(
    ctx: &Ctx<'_>,
    path: &str,
    query: &[(&str, &str)],
    token: &str,
) -> Result<Resp, Outcome> {
    let url = format!("{}/{path}", graph(ctx)?);
    let resp = ctx
        .send(ctx.get(&url).query(query).bearer_auth(token))
        .await?;
    if resp.success() {
        Ok(resp)
    } else {
        Err(graph_failure(ctx, &resp))
    }
}

/// The expiry `debug_token` states in its `data` (`expires_at`, Unix
/// seconds; 0 means the token never expires), if it states one.
pub(crate) fn debug_token_expiry(data: &Value) -> Option<StatedExpiry> {
    data["expires_at"]
        .as_i64()
        .map(|at| StatedExpiry::at_unix(at, "Meta debug_token"))
}
