//! OAuth apps, analytics and customer communication against fakes: Google,
//! GitHub, LinkedIn, Twitter/X; Pinterest, TikTok, Hotjar, Mixpanel, Segment;
//! Intercom, Zendesk, Drift, Crisp.

use serde_json::json;
use switchboard_providers::fake::{FakeServer, Reply};
use switchboard_providers::OutcomeKind;

use crate::common::*;

const G_ID: &str = "1234567890-abc123def456.apps.googleusercontent.com";
const G_SECRET: &str = "GOCSPX-CANARYgoogle0123";

#[tokio::test]
async fn google_oauth() {
    run_spec(&Spec {
        ty: "social_auth",
        provider: "google_oauth",
        config: json!({"client_id": G_ID, "redirect_uri": "https://example.com/auth/callback"}),
        secrets: &[("client_secret", G_SECRET)],
        keys: &["google_oauth2"],
        answer: |s, _| match s {
            Scenario::Ok => json(400, r#"{"error":"invalid_grant","error_description":"Malformed auth code."}"#),
            Scenario::Bad => json(401, r#"{"error":"invalid_client","error_description":"The OAuth client was not found."}"#),
            Scenario::Perm => json(400, r#"{"error":"unauthorized_client","error_description":"Unauthorized"}"#),
            Scenario::Limited => json(429, r#"{"error":"rate_limit_exceeded"}"#).header("Retry-After", "30"),
        },
        request: |r| {
            method_path(r, "POST", "/token");
            form(r, &[
                ("grant_type", "authorization_code"),
                ("code", "switchboard-connection-test"),
                ("client_id", G_ID),
                ("client_secret", G_SECRET),
                ("redirect_uri", "https://example.com/auth/callback"),
            ]);
        },
        expect: USUAL,
        retry_after: Some(30),
    })
    .await;
}

const GH_ID: &str = "Ov23liEXAMPLE0000000";
const GH_SECRET: &str = "CANARYgithubsecret0123456789abcdef012345";

#[tokio::test]
async fn github_oauth() {
    run_spec(&Spec {
        ty: "social_auth",
        provider: "github_oauth",
        config: json!({"client_id": GH_ID}),
        secrets: &[("client_secret", GH_SECRET)],
        keys: &["github"],
        answer: |s, _| match s {
            Scenario::Ok => json(200, r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#),
            Scenario::Bad => json(200, r#"{"error":"incorrect_client_credentials","error_description":"The client_id and/or client_secret passed are incorrect."}"#),
            Scenario::Perm => json(200, r#"{"error":"application_suspended","error_description":"Your application has been suspended."}"#),
            Scenario::Limited => json(429, r#"{"message":"rate limited"}"#).header("Retry-After", "60"),
        },
        request: |r| {
            method_path(r, "POST", "/login/oauth/access_token");
            assert_eq!(r.header("accept"), Some("application/json"));
            form(r, &[("client_id", GH_ID), ("client_secret", GH_SECRET), ("code", "switchboard-connection-test")]);
        },
        expect: USUAL,
        retry_after: Some(60),
    })
    .await;
}

const LI_ID: &str = "86exampleclient";
const LI_SECRET: &str = "CANARYlinkedinSecret01";

#[tokio::test]
async fn linkedin_oauth() {
    run_spec(&Spec {
        ty: "social_auth",
        provider: "linkedin_oauth",
        config: json!({"client_id": LI_ID}),
        secrets: &[("client_secret", LI_SECRET)],
        keys: &["linkedin"],
        answer: |s, _| match s {
            Scenario::Ok => json(403, r#"{"error":"access_denied","error_description":"This application is not allowed to create application tokens"}"#),
            Scenario::Bad => json(401, r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#),
            Scenario::Perm => json(400, r#"{"error":"unauthorized_client","error_description":"The client is not authorized"}"#),
            Scenario::Limited => json(429, r#"{"message":"Throttled"}"#).header("Retry-After", "20"),
        },
        request: |r| {
            method_path(r, "POST", "/oauth/v2/accessToken");
            form(r, &[("grant_type", "client_credentials"), ("client_id", LI_ID), ("client_secret", LI_SECRET)]);
        },
        expect: USUAL,
        retry_after: Some(20),
    })
    .await;
}

const TW_KEY: &str = "CANARYxConsumerKey01";
const TW_SECRET: &str = "CANARYxConsumerSecret0123456789";

#[tokio::test]
async fn twitter_oauth() {
    run_spec(&Spec {
        ty: "social_auth",
        provider: "twitter_oauth",
        config: json!({}),
        secrets: &[("api_key", TW_KEY), ("api_secret", TW_SECRET)],
        keys: &["twitter"],
        answer: |s, _| match s {
            Scenario::Ok => json(200, r#"{"token_type":"bearer","access_token":"AAAAAAAAAAAAAAAAAAAAAtokenNOTSHOWN"}"#),
            Scenario::Bad => json(403, r#"{"errors":[{"code":99,"label":"authenticity_token_error","message":"Unable to verify your credentials"}]}"#),
            Scenario::Perm => json(403, r#"{"errors":[{"code":453,"message":"You currently have access to a subset of X API V2 endpoints"}]}"#),
            Scenario::Limited => json(429, r#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#).header("x-rate-limit-reset", &(NOW + 50).to_string()),
        },
        request: |r| {
            method_path(r, "POST", "/oauth2/token");
            basic(r, TW_KEY, TW_SECRET);
            assert_eq!(r.body_text(), "grant_type=client_credentials");
            assert_eq!(r.header("content-type"), Some("application/x-www-form-urlencoded;charset=UTF-8"));
        },
        expect: USUAL,
        retry_after: Some(50),
    })
    .await;
}

const PIN_TOKEN: &str = "pina_CANARYpinterest0123";

#[tokio::test]
async fn pinterest_tag() {
    run_spec(&Spec {
        ty: "analytics",
        provider: "pinterest_tag",
        config: json!({"tag_id": "2612345678901", "ad_account_id": "549755885175"}),
        secrets: &[("access_token", PIN_TOKEN)],
        keys: &["pinterest"],
        answer: |s, _| match s {
            Scenario::Ok => json(
                200,
                r#"{"items":[{"id":"2612345678901","name":"Site tag"}]}"#,
            ),
            Scenario::Bad => json(401, r#"{"code":2,"message":"Authentication failed."}"#),
            Scenario::Perm => json(
                403,
                r#"{"code":29,"message":"You are not permitted to access that resource."}"#,
            ),
            Scenario::Limited => json(429, r#"{"code":8,"message":"Rate limit exceeded"}"#)
                .header("Retry-After", "13"),
        },
        request: |r| {
            method_path(r, "GET", "/v5/ad_accounts/549755885175/conversion_tags");
            bearer(r, PIN_TOKEN);
        },
        expect: USUAL,
        retry_after: Some(13),
    })
    .await;
}

const TT_TOKEN: &str = "CANARYtiktokToken0123456789";

#[tokio::test]
async fn tiktok_pixel() {
    run_spec(&Spec {
        ty: "analytics",
        provider: "tiktok_pixel",
        config: json!({"pixel_code": "C4ABCDEFGHIJKLMNOPQR", "advertiser_id": "7012345678901234567"}),
        secrets: &[("access_token", TT_TOKEN)],
        keys: &["tiktok"],
        // TikTok answers HTTP 200 with its own code for every case.
        answer: |s, _| match s {
            Scenario::Ok => json(200, r#"{"code":0,"message":"OK","data":{"pixels":[{"pixel_code":"C4ABCDEFGHIJKLMNOPQR","pixel_name":"Site"}]}}"#),
            Scenario::Bad => json(200, r#"{"code":40105,"message":"The access token is invalid or has been revoked.","data":{}}"#),
            Scenario::Perm => json(200, r#"{"code":40001,"message":"No permission to operate advertiser","data":{}}"#),
            Scenario::Limited => json(200, r#"{"code":40100,"message":"Requests made too frequently","data":{}}"#),
        },
        request: |r| {
            method_path(r, "GET", "/open_api/v1.3/pixel/list/");
            query(r, &[("advertiser_id", "7012345678901234567"), ("code", "C4ABCDEFGHIJKLMNOPQR")]);
            assert_eq!(r.header("access-token"), Some(TT_TOKEN));
        },
        expect: USUAL,
        retry_after: None,
    })
    .await;
}

#[tokio::test]
async fn hotjar() {
    run_spec(&Spec {
        ty: "analytics",
        provider: "hotjar",
        config: json!({"site_id": "1234567", "client_id": "hjclient01"}),
        secrets: &[("client_secret", "CANARYhotjarSecret0123")],
        keys: &["hotjar"],
        answer: |s, _| match s {
            Scenario::Ok => json(
                200,
                r#"{"access_token":"hjtokenNOTSHOWN","token_type":"Bearer","expires_in":3600}"#,
            ),
            Scenario::Bad => json(401, r#"{"error":"invalid_client"}"#),
            Scenario::Perm => json(403, r#"{"error":"forbidden"}"#),
            Scenario::Limited => {
                json(429, r#"{"error":"rate_limited"}"#).header("Retry-After", "5")
            }
        },
        request: |r| {
            method_path(r, "POST", "/v1/oauth/token");
            form(
                r,
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", "hjclient01"),
                    ("client_secret", "CANARYhotjarSecret0123"),
                ],
            );
        },
        expect: USUAL,
        retry_after: Some(5),
    })
    .await;
}

#[tokio::test]
async fn write_keys_and_public_ids_alone_are_not_checkable() {
    let fake = FakeServer::start(|_| Reply::empty(500)).await;
    for (ty, provider, config, secrets) in [
        ("analytics", "hotjar", json!({"site_id": "1234567"}), vec![]),
        (
            "analytics",
            "segment",
            json!({}),
            vec![("write_key", "CANARYwritekey0123")],
        ),
    ] {
        let owned = Owned::new(ty, provider, config, &secrets);
        let outcome = checker_for(&fake.url(), &["hotjar", "segment"])
            .check(owned.input())
            .await;
        assert_eq!(outcome.kind, OutcomeKind::NotCheckable, "{provider}");
        assert!(!outcome.hint.is_empty());
        assert_no_secret(&outcome, &owned.secrets);
    }
    assert!(fake.requests().is_empty(), "no request is sent");
}

#[tokio::test]
async fn mixpanel() {
    run_spec(&Spec {
        ty: "analytics",
        provider: "mixpanel",
        config: json!({"project_id": "2345678", "service_account_username": "sb.1a2b3c.mp-service-account", "region": "eu"}),
        secrets: &[("service_account_secret", "CANARYmixpanelSecret01")],
        keys: &["mixpanel_eu"],
        answer: |s, _| match s {
            Scenario::Ok => json(200, r#"{"status":"ok","results":{"projects":{"2345678":{"name":"Site"}}}}"#),
            Scenario::Bad => json(401, r#"{"status":"error","error":"Invalid service account credentials"}"#),
            Scenario::Perm => json(200, r#"{"status":"ok","results":{"projects":{"999":{"name":"Other"}}}}"#),
            Scenario::Limited => json(429, r#"{"status":"error","error":"rate limited"}"#).header("Retry-After", "14"),
        },
        request: |r| {
            method_path(r, "GET", "/api/app/me");
            basic(r, "sb.1a2b3c.mp-service-account", "CANARYmixpanelSecret01");
        },
        expect: USUAL,
        retry_after: Some(14),
    })
    .await;
}

#[tokio::test]
async fn segment() {
    run_spec(&Spec {
        ty: "analytics",
        provider: "segment",
        config: json!({}),
        secrets: &[
            ("write_key", "CANARYwritekey0123"),
            ("public_api_token", "sgp_CANARYsegmentToken01"),
        ],
        keys: &["segment"],
        answer: |s, _| match s {
            Scenario::Ok => json(
                200,
                r#"{"data":{"workspace":{"id":"w1","name":"Acme","slug":"acme"}}}"#,
            ),
            Scenario::Bad => json(
                401,
                r#"{"errors":[{"type":"unauthorized","message":"Unauthorized"}]}"#,
            ),
            Scenario::Perm => json(
                403,
                r#"{"errors":[{"type":"forbidden","message":"Forbidden"}]}"#,
            ),
            Scenario::Limited => json(
                429,
                r#"{"errors":[{"type":"too-many-requests","message":"Too many requests"}]}"#,
            )
            .header("Retry-After", "2"),
        },
        request: |r| {
            method_path(r, "GET", "/workspace");
            bearer(r, "sgp_CANARYsegmentToken01");
        },
        expect: USUAL,
        retry_after: Some(2),
    })
    .await;
}

const IC_TOKEN: &str = "dG9rOkNBTkFSWWludGVyY29t";

#[tokio::test]
async fn intercom() {
    run_spec(&Spec {
        ty: "communication",
        provider: "intercom",
        config: json!({"region": "us"}),
        secrets: &[("access_token", IC_TOKEN)],
        keys: &["intercom"],
        answer: |s, _| match s {
            Scenario::Ok => json(200, r#"{"type":"admin","id":"1","app":{"type":"app","id_code":"abc123","name":"Acme","region":"US"}}"#),
            Scenario::Bad => json(401, r#"{"type":"error.list","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}"#),
            Scenario::Perm => json(403, r#"{"type":"error.list","errors":[{"code":"token_unauthorized","message":"Not authorized to access resource"}]}"#),
            Scenario::Limited => json(429, r#"{"type":"error.list","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit"}]}"#)
                .header("X-RateLimit-Reset", &(NOW + 20).to_string()),
        },
        request: |r| {
            method_path(r, "GET", "/me");
            bearer(r, IC_TOKEN);
            assert_eq!(r.header("intercom-version"), Some("2.11"));
        },
        expect: USUAL,
        retry_after: Some(20),
    })
    .await;
}

#[tokio::test]
async fn zendesk() {
    run_spec(&Spec {
        ty: "communication",
        provider: "zendesk",
        config: json!({"subdomain": "acme", "email": "admin@example.com"}),
        secrets: &[("api_token", "CANARYzendeskToken0123456789")],
        keys: &["zendesk"],
        answer: |s, _| match s {
            Scenario::Ok => json(200, r#"{"user":{"id":361,"role":"admin","name":"Admin"}}"#),
            Scenario::Bad => json(401, r#"{"error":"Couldn't authenticate you"}"#),
            Scenario::Perm => json(
                403,
                r#"{"error":"Forbidden","description":"You do not have access to this page."}"#,
            ),
            Scenario::Limited => {
                json(429, r#"{"error":"TooManyRequests"}"#).header("Retry-After", "15")
            }
        },
        request: |r| {
            method_path(r, "GET", "/api/v2/users/me.json");
            basic(r, "admin@example.com/token", "CANARYzendeskToken0123456789");
        },
        expect: USUAL,
        retry_after: Some(15),
    })
    .await;
}

#[tokio::test]
async fn zendesk_anonymous_answer_means_the_token_was_ignored() {
    let fake = FakeServer::start(|_| {
        json(
            200,
            r#"{"user":{"id":null,"name":"Anonymous user","role":"end-user"}}"#,
        )
    })
    .await;
    let owned = Owned::new(
        "communication",
        "zendesk",
        json!({"subdomain": "acme", "email": "admin@example.com"}),
        &[("api_token", "CANARYzendeskToken0123456789")],
    );
    let outcome = checker_for(&fake.url(), &["zendesk"])
        .check(owned.input())
        .await;
    assert_eq!(outcome.kind, OutcomeKind::InvalidCredentials);
}

#[tokio::test]
async fn drift() {
    run_spec(&Spec {
        ty: "communication",
        provider: "drift",
        config: json!({}),
        secrets: &[("access_token", "CANARYdriftToken0123456789")],
        keys: &["drift"],
        answer: |s, _| match s {
            Scenario::Ok => json(
                200,
                r#"{"orgId":123,"scope":"contact_read conversation_read","expires_in":7200}"#,
            ),
            Scenario::Bad => json(
                401,
                r#"{"error":{"type":"authentication_error","message":"Invalid token"}}"#,
            ),
            Scenario::Perm => json(
                403,
                r#"{"error":{"type":"forbidden","message":"Missing scope"}}"#,
            ),
            Scenario::Limited => json(
                429,
                r#"{"error":{"type":"rate_limit","message":"Too many requests"}}"#,
            )
            .header("Retry-After", "3"),
        },
        request: |r| {
            method_path(r, "POST", "/app/token_info");
            bearer(r, "CANARYdriftToken0123456789");
            assert_eq!(
                r.json(),
                json!({"access_token": "CANARYdriftToken0123456789"})
            );
        },
        expect: USUAL,
        retry_after: Some(3),
    })
    .await;
}

#[tokio::test]
async fn crisp() {
    run_spec(&Spec {
        ty: "communication",
        provider: "crisp",
        config: json!({"identifier": "1a2b3c4d-1234-5678-9abc-1234567890ab", "tier": "plugin"}),
        secrets: &[("key", "CANARYcrispKey0123456789")],
        keys: &["crisp"],
        answer: |s, _| match s {
            Scenario::Ok => json(
                200,
                r#"{"error":false,"reason":"resolved","data":{"plugin_id":"p1"}}"#,
            ),
            Scenario::Bad => json(
                401,
                r#"{"error":true,"reason":"invalid_session","data":{}}"#,
            ),
            Scenario::Perm => json(403, r#"{"error":true,"reason":"not_allowed","data":{}}"#),
            Scenario::Limited => json(429, r#"{"error":true,"reason":"rate_limited","data":{}}"#)
                .header("Retry-After", "8"),
        },
        request: |r| {
            method_path(r, "GET", "/v1/plugin/connect/account");
            basic(
                r,
                "1a2b3c4d-1234-5678-9abc-1234567890ab",
                "CANARYcrispKey0123456789",
            );
            assert_eq!(r.header("x-crisp-tier"), Some("plugin"));
        },
        expect: USUAL,
        retry_after: Some(8),
    })
    .await;
}
