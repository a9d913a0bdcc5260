//! OAuth apps, analytics and customer communication against fakes: Google,
//! GitHub, LinkedIn, Twitter/X; Pinterest, TikTok, Hotjar, Mixpanel, Segment;
//! Intercom, Zendesk, Drift, Crisp.

use serde_json::json;
use switchboard_providers::fake::{FakeServer, Reply};
use switchboard_providers::OutcomeKind;

use crate::common::*;

/// The table of this file's provider cases.
const CASES: &str = include_str!("cases/apps.json");

case_tests!(CASES: google_oauth, github_oauth, linkedin_oauth, twitter_oauth, pinterest_tag);
case_tests!(CASES: tiktok_pixel, hotjar, mixpanel, segment, intercom, zendesk, drift, crisp);

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
        let outcome = owned.check_at(&fake.url(), &["hotjar", "segment"]).await;
        assert_eq!(outcome.kind, OutcomeKind::NotCheckable, "{provider}");
        assert!(!outcome.hint.is_empty());
        assert_no_secret(&outcome, &owned.secrets);
    }
    assert!(fake.requests().is_empty(), "no request is sent");
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
    let owned = Owned::of(
        "zendesk",
        json!({"subdomain": "acme", "email": "admin@example.com"}),
        &[("api_token", "CANARYzendeskToken0123456789")],
    );
    let outcome = owned.check_at(&fake.url(), &["zendesk"]).await;
    assert_eq!(outcome.kind, OutcomeKind::InvalidCredentials);
}
