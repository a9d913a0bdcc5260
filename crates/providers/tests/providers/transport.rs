//! Transport failures are outcomes, quickly: a provider that never answers,
//! a refused connection, an unknown host, an untrusted certificate. Plus the
//! registry's coverage and the secret scrubbing on transport errors.

use std::time::{Duration, Instant};

use serde_json::json;
use switchboard_providers::fake::{FakeServer, Reply};
use switchboard_providers::{checked_providers, Checker, Endpoints, OutcomeKind};

use crate::common::*;

fn stripe() -> Owned {
    Owned::of(
        "stripe",
        json!({}),
        &[("api_key", "sk_test_CANARYstripe0123456789")],
    )
}

#[tokio::test]
async fn a_provider_that_never_answers_is_a_timeout() {
    let fake = FakeServer::hanging().await;
    let endpoints = Endpoints::default().with("stripe", &fake.url()).unwrap();
    let checker = Checker::new(endpoints, Duration::from_millis(300));
    let started = Instant::now();
    let outcome = checker.check(stripe().input()).await;
    assert_eq!(outcome.kind, OutcomeKind::Timeout, "{outcome:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert!(outcome.message.contains("0.3 s"), "{}", outcome.message);
}

#[tokio::test]
async fn a_refused_connection_is_a_network_failure() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let endpoints = Endpoints::default().with("stripe", &url).unwrap();
    let started = Instant::now();
    let outcome = Checker::new(endpoints, Duration::from_secs(5))
        .check(stripe().input())
        .await;
    assert_eq!(outcome.kind, OutcomeKind::Network, "{outcome:?}");
    assert!(outcome.message.contains("refused"), "{}", outcome.message);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn an_unknown_host_is_a_dns_failure() {
    let endpoints = Endpoints::default()
        .with("stripe", "http://no-such-host.invalid")
        .unwrap();
    let outcome = Checker::new(endpoints, Duration::from_secs(5))
        .check(stripe().input())
        .await;
    assert_eq!(outcome.kind, OutcomeKind::Dns, "{outcome:?}");
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_tls_failure_until_its_ca_is_added() {
    let pki = test_pki();
    let port = tls_server(
        &pki,
        r#"{"object":"balance","livemode":false,"available":[]}"#,
    )
    .await;
    let endpoints = Endpoints::default()
        .with("stripe", &format!("https://127.0.0.1:{port}"))
        .unwrap();
    let outcome = Checker::new(endpoints.clone(), Duration::from_secs(5))
        .check(stripe().input())
        .await;
    assert_eq!(outcome.kind, OutcomeKind::Tls, "{outcome:?}");
    assert!(
        outcome.message.contains("certificate"),
        "{}",
        outcome.message
    );

    let checker = Checker::new(endpoints, Duration::from_secs(5))
        .with_extra_root_pem(pki.ca_pem.as_bytes())
        .unwrap();
    let outcome = checker.check(stripe().input()).await;
    assert_eq!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");
}

#[tokio::test]
async fn secrets_in_urls_never_reach_transport_messages() {
    // debug_token carries the app secret in its query string.
    let url = format!("http://127.0.0.1:{}", closed_port());
    let owned = Owned::of(
        "facebook",
        json!({"app_id": "1234567890123456"}),
        &[
            ("app_secret", "0123456789abcdefCANARY0123456789"),
            ("access_token", "EAAGCANARYtoken01234"),
        ],
    );
    let outcome = Checker::new(
        Endpoints::default().with("meta", &url).unwrap(),
        Duration::from_secs(5),
    )
    .check(owned.input())
    .await;
    assert_eq!(outcome.kind, OutcomeKind::Network);
    assert_no_secret(&outcome, &owned.secrets);
}

#[tokio::test]
async fn every_catalog_provider_has_a_check() {
    let checked: Vec<&str> = checked_providers().collect();
    for ty in switchboard_catalog::types() {
        for p in ty.providers {
            assert!(checked.contains(&p.id), "{} has no check", p.id);
        }
    }
    assert_eq!(
        checked.len(),
        switchboard_catalog::types()
            .iter()
            .map(|t| t.providers.len())
            .sum::<usize>()
    );
}

#[tokio::test]
async fn missing_settings_and_unknown_providers_are_outcomes() {
    let fake = FakeServer::start(|_| Reply::empty(200)).await;
    let checker = checker_for(&fake.url(), &["sendgrid"]);
    let owned = Owned::of("sendgrid", json!({}), &[]);
    let outcome = checker.check(owned.input()).await;
    assert_eq!(outcome.kind, OutcomeKind::InvalidCredentials);
    assert!(outcome.message.contains("API key"), "{}", outcome.message);
    let owned = Owned::new("email", "nosuchprovider", json!({}), &[]);
    assert_eq!(
        checker.check(owned.input()).await.kind,
        OutcomeKind::NotCheckable
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn sample_configurations_of_every_provider_never_panic() {
    // Every provider with the catalog's sample values, against a fake that
    // answers 500: whatever the check does, it ends in an outcome.
    let fake = FakeServer::start(|_| Reply::text(500, "boom")).await;
    let mut endpoints = Endpoints::default().with("*", &fake.url()).unwrap();
    endpoints = endpoints.with("meta", &fake.url()).unwrap();
    let checker = Checker::new(endpoints, Duration::from_secs(2));
    for ty in switchboard_catalog::types() {
        for p in ty.providers {
            if p.id == "smtp"
                || p.id == "signup_page"
                || p.id == "pdf_generation_api"
                || p.id == "custom_webhook"
                || p.id == "zapier"
            {
                continue; // These reach the user's own host, not an endpoint key.
            }
            let config = switchboard_catalog::samples::valid_config(ty.id, p.id);
            let mut public = serde_json::Map::new();
            let mut secrets = Vec::new();
            for (k, v) in config {
                if switchboard_catalog::is_secret(ty.id, p.id, &k) {
                    secrets.push((
                        k,
                        v.as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| v.to_string()),
                    ));
                } else {
                    public.insert(k, v);
                }
            }
            let pairs: Vec<(&str, &str)> = secrets
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let owned = Owned::new(ty.id, p.id, serde_json::Value::Object(public), &pairs);
            let outcome = checker.check(owned.input()).await;
            assert_ne!(
                outcome.kind,
                OutcomeKind::Ok,
                "{} cannot be ok against a 500",
                p.id
            );
            assert!(!outcome.message.is_empty());
            assert_no_secret(&outcome, &owned.secrets);
        }
    }
}
