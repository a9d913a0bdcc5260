//! Expiries the checks state (issue 16, expiry and rotation): Meta's
//! debug_token (Unix seconds, 0 = never), Cloudflare's token verify
//! (`expires_on`) and Fastly's token record (`expires_at`), each read from
//! the answer of a fake that also checks the request.

use serde_json::json;
use switchboard_providers::fake::Reply;
use switchboard_providers::{OutcomeKind, StatedExpiry};

use crate::common::*;

const FB_APP: &str = "1234567890123456";
const FB_SECRET: &str = "0123456789abcdefCANARY0123456789";
const FB_TOKEN: &str = "EAAGCANARYuser0123456789";
const CF_TOKEN: &str = "CANARYcloudflareToken0123456789abcdef";
const FASTLY_TOKEN: &str = "CANARYfastlyToken0123456789";

fn expiry(at: Option<&str>, source: &str) -> Option<StatedExpiry> {
    Some(StatedExpiry {
        at: at.map(str::to_owned),
        source: source.to_owned(),
    })
}

async fn meta_with(expires_at: i64) -> Checked {
    let secrets = [("app_secret", FB_SECRET), ("access_token", FB_TOKEN)];
    let owned = Owned::of("facebook", json!({"app_id": FB_APP}), &secrets);
    check_once(owned, &["meta"], move |_| {
        Reply::json(
            200,
            json!({"data": {"app_id": FB_APP, "is_valid": true, "scopes": [], "expires_at": expires_at}}),
        )
    })
    .await
}

#[tokio::test]
async fn meta_debug_token_states_the_expiry_in_unix_seconds() {
    let checked = meta_with(1_790_000_000).await;
    assert_eq!(checked.outcome.kind, OutcomeKind::Ok);
    let r = &checked.requests[0];
    method_path(r, "GET", "/v22.0/debug_token");
    query(
        r,
        &[
            ("input_token", FB_TOKEN),
            ("access_token", &format!("{FB_APP}|{FB_SECRET}")),
        ],
    );
    assert_eq!(
        checked.outcome.stated_expiry().cloned(),
        expiry(Some("2026-09-21T14:13:20.000000Z"), "Meta debug_token")
    );
    // 0: the token never expires (a system-user token).
    let never = meta_with(0).await.outcome;
    assert_eq!(
        never.stated_expiry().cloned(),
        expiry(None, "Meta debug_token")
    );
}

async fn cloudflare_with(result: serde_json::Value) -> Checked {
    let owned = Owned::of("cloudflare", json!({}), &[("api_token", CF_TOKEN)]);
    check_once(owned, &["cloudflare"], move |_| {
        Reply::json(
            200,
            json!({"success": true, "errors": [], "result": result.clone()}),
        )
    })
    .await
}

#[tokio::test]
async fn cloudflare_token_verify_states_expires_on() {
    let checked = cloudflare_with(
        json!({"id": "t1", "status": "active", "expires_on": "2027-01-31T00:00:00Z"}),
    )
    .await;
    assert_eq!(checked.outcome.kind, OutcomeKind::Ok);
    method_path(&checked.requests[0], "GET", "/client/v4/user/tokens/verify");
    bearer(&checked.requests[0], CF_TOKEN);
    assert_eq!(
        checked.outcome.stated_expiry().cloned(),
        expiry(
            Some("2027-01-31T00:00:00.000000Z"),
            "Cloudflare token verify"
        )
    );
    let never = cloudflare_with(json!({"id": "t1", "status": "active"})).await;
    assert_eq!(
        never.outcome.stated_expiry().cloned(),
        expiry(None, "Cloudflare token verify")
    );
}

#[tokio::test]
async fn fastly_token_record_states_expires_at() {
    let owned = Owned::of(
        "fastly",
        json!({"service_id": "SU1Z0isxPaozGVKXdv0eY"}),
        &[("api_token", FASTLY_TOKEN)],
    );
    let checked = check_once(owned, &["fastly"], |_| {
        Reply::json(
            200,
            json!({"id": "t1", "scope": "purge_select", "services": [], "expires_at": "2026-12-24T10:00:00Z"}),
        )
    })
    .await;
    assert_eq!(checked.outcome.kind, OutcomeKind::Ok);
    let r = &checked.requests[0];
    method_path(r, "GET", "/tokens/self");
    assert_eq!(r.header("fastly-key"), Some(FASTLY_TOKEN));
    assert_eq!(
        checked.outcome.stated_expiry().cloned(),
        expiry(Some("2026-12-24T10:00:00.000000Z"), "Fastly token")
    );
}
