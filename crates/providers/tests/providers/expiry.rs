//! Expiries the checks state (issue 16, expiry and rotation): Meta's
//! debug_token (Unix seconds, 0 = never), Cloudflare's token verify
//! (`expires_on`) and Fastly's token record (`expires_at`), each read from
//! the answer of a fake that also checks the request; and an AWS key's
//! creation date from IAM ListAccessKeys.

use serde_json::json;
use switchboard_providers::fake::Reply;
use switchboard_providers::{OutcomeKind, StatedExpiry};

use crate::common::*;
use crate::email::{
    aws_owned, iam_request, is_iam, is_sts, sts_then, AWS_ID, AWS_SECRET, IAM_KEYS,
};

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

/// An SES check whose fake answers IAM ListAccessKeys with `iam`.
async fn ses_with_iam(owned: Owned, iam: Reply) -> Checked {
    check_once(owned, &["sts", "iam", "ses"], move |r| {
        if is_iam(r) {
            return iam.clone();
        }
        sts_then(r, || {
            Reply::json(
                200,
                json!({"SendingEnabled": true, "ProductionAccessEnabled": true}),
            )
        })
    })
    .await
}

#[tokio::test]
async fn aws_key_age_comes_from_iam_list_access_keys() {
    let checked = ses_with_iam(aws_owned("aws_ses", "eu-west-1"), Reply::xml(200, IAM_KEYS)).await;
    let outcome = &checked.outcome;
    assert_eq!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");
    // STS, then IAM (signed for iam in us-east-1), then SES.
    assert_eq!(checked.requests.len(), 3);
    assert!(is_sts(&checked.requests[0]));
    iam_request(&checked.requests[1]);
    // The date of this key's entry, not the user's other key.
    assert_eq!(
        outcome.secrets_created(),
        std::collections::BTreeMap::from([(
            "aws_secret_access_key".to_owned(),
            "2026-01-15T10:00:00Z".to_owned()
        )])
    );
    assert_eq!(
        outcome.details["access_key_created"],
        "2026-01-15T10:00:00Z"
    );
    assert_eq!(outcome.details["account"]["account"], "123456789012");
    assert_no_secret(outcome, &checked.owned.secrets);
}

#[tokio::test]
async fn aws_key_without_iam_permission_still_passes_with_its_age_unknown() {
    let denied = Reply::xml(
        403,
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/switchboard is not authorized to perform: iam:ListAccessKeys</Message></Error></ErrorResponse>",
    );
    let outcome = ses_with_iam(aws_owned("aws_ses", "eu-west-1"), denied)
        .await
        .outcome;
    assert_eq!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");
    assert!(outcome.secrets_created().is_empty());
    assert!(
        outcome.details["access_key_age"]
            .as_str()
            .unwrap()
            .contains("iam:ListAccessKeys"),
        "{:?}",
        outcome.details
    );
    // A listing without this key states nothing either.
    let other = IAM_KEYS.replace("AKIAIOSFODNN7EXAMPLE", "AKIAANOTHERKEYEXAMPL");
    let outcome = ses_with_iam(aws_owned("aws_ses", "eu-west-1"), Reply::xml(200, &other))
        .await
        .outcome;
    assert_eq!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");
    assert!(outcome.secrets_created().is_empty());
}

#[tokio::test]
async fn aws_temporary_credentials_are_not_asked_their_age() {
    let owned = Owned::of(
        "aws_ses",
        json!({"aws_region": "eu-west-1", "aws_access_key_id": AWS_ID}),
        &[
            ("aws_secret_access_key", AWS_SECRET),
            ("aws_session_token", "FwoGZXIvYXdzCANARYsessiontoken"),
        ],
    );
    let checked = ses_with_iam(owned, Reply::xml(200, IAM_KEYS)).await;
    assert_eq!(checked.outcome.kind, OutcomeKind::Ok);
    assert!(checked.requests.iter().all(|r| !is_iam(r)));
    assert!(checked.outcome.secrets_created().is_empty());
}
