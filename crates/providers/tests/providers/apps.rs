//! OAuth apps, analytics and customer communication against fakes: Google,
//! GitHub, LinkedIn, Twitter/X; Pinterest, TikTok, Hotjar, Mixpanel, Segment;
//! Intercom, Zendesk, Drift, Crisp.

use serde_json::json;
use switchboard_providers::fake::{FakeServer, Reply};
use switchboard_providers::OutcomeKind;

use crate::common::*;

/// The table of this file's provider cases.
const CASES: &str = include_str!("cases/apps.json");

#[tokio::test]
async fn google_oauth() {
    run_case(CASES, "google_oauth").await;
}

#[tokio::test]
async fn github_oauth() {
    run_case(CASES, "github_oauth").await;
}

#[tokio::test]
async fn linkedin_oauth() {
    run_case(CASES, "linkedin_oauth").await;
}

#[tokio::test]
async fn twitter_oauth() {
    run_case(CASES, "twitter_oauth").await;
}

#[tokio::test]
async fn pinterest_tag() {
    run_case(CASES, "pinterest_tag").await;
}

#[tokio::test]
async fn tiktok_pixel() {
    run_case(CASES, "tiktok_pixel").await;
}

#[tokio::test]
async fn hotjar() {
    run_case(CASES, "hotjar").await;
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
    run_case(CASES, "mixpanel").await;
}

#[tokio::test]
async fn segment() {
    run_case(CASES, "segment").await;
}

#[tokio::test]
async fn intercom() {
    run_case(CASES, "intercom").await;
}

#[tokio::test]
async fn zendesk() {
    run_case(CASES, "zendesk").await;
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
    run_case(CASES, "drift").await;
}

#[tokio::test]
async fn crisp() {
    run_case(CASES, "crisp").await;
}
