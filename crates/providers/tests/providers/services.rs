//! Documents, AI, automation, custom and sign-up pages against fakes.

use serde_json::json;
use switchboard_providers::fake::{FakeServer, Reply};
use switchboard_providers::OutcomeKind;

use crate::common::*;

/// The table of this file's provider cases.
const CASES: &str = include_str!("cases/services.json");

case_tests!(CASES: pdf_generation_api, hellosign, anthropic, cohere, make, custom);

const DS_IK: &str = "1a2b3c4d-1234-5678-9abc-1234567890ab";
const DS_USER: &str = "9f8e7d6c-1234-5678-9abc-1234567890ab";

#[tokio::test]
async fn docusign() {
    let secrets: &'static [(&'static str, &'static str)] =
        Box::leak(Box::new([("rsa_private_key", RSA_PRIVATE)]));
    run_spec(&Spec {
        ty: "documents",
        provider: "docusign",
        config: json!({"integration_key": DS_IK, "user_id": DS_USER, "environment": "demo", "account_id": "acc-1"}),
        secrets,
        keys: &["docusign_demo"],
        answer: |s, r| {
            if r.path == "/oauth/userinfo" {
                return json(200, r#"{"sub":"9f8e7d6c","accounts":[{"account_id":"acc-1","is_default":true,"account_name":"Acme","base_uri":"https://demo.docusign.net"}]}"#);
            }
            match s {
                Scenario::Ok => json(200, r#"{"access_token":"eyJ0eXAiOiJNVCJ9.NOTSHOWN","token_type":"Bearer","expires_in":3600}"#),
                Scenario::Bad => json(400, r#"{"error":"invalid_grant","error_description":"no_valid_keys_or_signatures"}"#),
                Scenario::Perm => json(400, r#"{"error":"consent_required"}"#),
                Scenario::Limited => json(429, r#"{"error":"too_many_requests"}"#).header("Retry-After", "60"),
            }
        },
        request: |r| {
            if r.path == "/oauth/userinfo" {
                method_path(r, "GET", "/oauth/userinfo");
                bearer(r, "eyJ0eXAiOiJNVCJ9.NOTSHOWN");
            } else {
                method_path(r, "POST", "/oauth/token");
                assert_eq!(r.form_value("grant_type").as_deref(), Some("urn:ietf:params:oauth:grant-type:jwt-bearer"));
                let claims = verify_jwt(&r.form_value("assertion").unwrap(), "account-d.docusign.com");
                assert_eq!(claims["iss"], DS_IK);
                assert_eq!(claims["sub"], DS_USER);
                assert_eq!(claims["scope"], "signature impersonation");
            }
        },
        expect: USUAL,
        retry_after: Some(60),
    })
    .await;
}

const OA_KEY: &str = "sk-proj-CANARYopenai0123456789";

#[tokio::test]
async fn openai() {
    run_custom(CASES, "openai", |s, r| match s {
            Scenario::Ok => json(200, r#"{"object":"list","data":[{"id":"gpt-4o","object":"model"}]}"#),
            Scenario::Bad => {
                let key = r.header("authorization").unwrap_or("").trim_start_matches("Bearer ");
                let shown = format!("{}...{}", &key[..12], &key[key.len() - 4..]);
                Reply::json(401, json!({"error": {"message": format!("Incorrect API key provided: {shown}."), "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}}))
            }
            Scenario::Perm => json(403, r#"{"error":{"message":"You have insufficient permissions for this operation. Missing scopes: api.model.read","type":"invalid_request_error"}}"#),
            Scenario::Limited => json(429, r#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#)
                .header("x-ratelimit-reset-requests", "6m0s"),
        }, |r| {
            method_path(r, "GET", "/v1/models");
            bearer(r, OA_KEY);
            assert_eq!(r.header("openai-organization"), Some("org-example"));
        }).await;
}

#[tokio::test]
async fn openai_exhausted_quota_is_not_a_rate_limit() {
    let fake = FakeServer::start(|_| json(429, r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#)).await;
    let owned = Owned::of("openai", json!({}), &[("api_key", OA_KEY)]);
    let outcome = owned.check_at(&fake.url(), &["openai"]).await;
    assert_eq!(outcome.kind, OutcomeKind::ProviderError);
    assert!(outcome.hint.contains("credit"));
}

#[tokio::test]
async fn zapier_and_custom_webhooks_are_not_checkable_and_send_nothing() {
    let fake = FakeServer::start(|_| Reply::empty(200)).await;
    let cases = [
        Owned::of(
            "zapier",
            json!({}),
            &[(
                "webhook_url",
                "https://hooks.zapier.com/hooks/catch/123456/CANARYab/",
            )],
        ),
        Owned::of(
            "custom_webhook",
            json!({"url": "https://hooks.example.com/switchboard"}),
            &[("signing_secret", "CANARYsigning0123")],
        ),
    ];
    for owned in cases {
        let outcome = owned.check_at(&fake.url(), &[]).await;
        assert_eq!(
            outcome.kind,
            OutcomeKind::NotCheckable,
            "{}",
            owned.provider
        );
        assert!(outcome.hint.contains("test"), "{}", outcome.hint);
        assert_eq!(outcome.details["shape_checked"], true);
        assert_no_secret(&outcome, &owned.secrets);
    }
    let bad = Owned::of(
        "zapier",
        json!({}),
        &[(
            "webhook_url",
            "https://evil.example.com/hooks/catch/1/CANARYab/",
        )],
    );
    let outcome = bad.check_at(&fake.url(), &[]).await;
    assert_eq!(outcome.kind, OutcomeKind::InvalidCredentials);
    assert_no_secret(&outcome, &bad.secrets);
    assert!(fake.requests().is_empty(), "no check may call a webhook");
}

#[tokio::test]
async fn custom_without_a_health_path_is_not_checkable() {
    let owned = Owned::of(
        "custom",
        json!({"base_url": "https://api.example.com"}),
        &[("api_key", "CANARY0123456")],
    );
    let outcome = owned.check_at("http://127.0.0.1:9", &[]).await;
    assert_eq!(outcome.kind, OutcomeKind::NotCheckable);
}

#[tokio::test]
async fn signup_page() {
    // A sign-up page has no credentials: "bad" is a missing page.
    run_spec(&Spec {
        ty: "signup_page",
        provider: "signup_page",
        config: json!({"page_url": "{fake}/signup"}),
        secrets: &[],
        keys: &[],
        answer: |s, r| match (s, r.path.as_str()) {
            (Scenario::Ok, "/signup") => Reply::empty(302).header("Location", "/landing?ref=x"),
            (Scenario::Ok, _) => Reply::typed(
                200,
                "text/html; charset=utf-8",
                "<html><form></form></html>".into(),
            ),
            (Scenario::Bad, _) => Reply::text(404, "not found"),
            (Scenario::Perm, _) => Reply::text(403, "members only"),
            (Scenario::Limited, _) => Reply::text(429, "slow down").header("Retry-After", "9"),
        },
        request: |r| {
            assert_eq!(r.method, "GET");
            assert!(r.path == "/signup" || r.path == "/landing", "{}", r.path);
            assert!(r.header("accept").unwrap().contains("text/html"));
        },
        expect: [
            OutcomeKind::Ok,
            OutcomeKind::NotFound,
            OutcomeKind::MissingPermission,
            OutcomeKind::RateLimited,
        ],
        retry_after: Some(9),
    })
    .await;
}

#[tokio::test]
async fn signup_page_follows_at_most_five_redirects() {
    let fake = FakeServer::start(|r| {
        let n: usize = r.path.trim_start_matches("/r").parse().unwrap_or(0);
        Reply::empty(302).header("Location", &format!("/r{}", n + 1))
    })
    .await;
    let owned = Owned::of(
        "signup_page",
        json!({"page_url": format!("{}/r0", fake.url())}),
        &[],
    );
    let outcome = owned.check_at(&fake.url(), &[]).await;
    assert_eq!(outcome.kind, OutcomeKind::ProviderError, "{outcome:?}");
    assert!(outcome.message.contains("more than 5"));
    assert_eq!(
        fake.requests().len(),
        6,
        "the first request and five redirects"
    );
}
