//! run_troubleshoot over a temp store: the findings of a SendGrid email
//! integration against a local DNS server and a SendGrid fake, recorded as
//! one log entry without secrets, leaving the status alone; the DNS server
//! from the environment.

use std::time::Duration;

use serde_json::json;
use switchboard_ipc::OutcomeKind;
use switchboard_providers::fake::{FakeServer, Reply};
use switchboard_providers::fake_dns::FakeDns;
use switchboard_providers::{Checker, Endpoints};
use switchboard_runner::run_troubleshoot;
use switchboard_store::{InitOptions, LogLevel, NewIntegration, Status, Store};

const KEY: &str = "SG.CANARYtroubleshoot.secretpart0123456789";

#[tokio::test]
async fn run_troubleshoot_answers_the_findings_and_logs_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("store.sqlite")).await.unwrap();
    store.init_vault(InitOptions::in_memory()).await.unwrap();
    let new = NewIntegration {
        integration_type: "email".into(),
        provider: Some("sendgrid".into()),
        name: "Newsletter".into(),
        values: json!({"from_email": "news@example.com", "api_key": KEY})
            .as_object()
            .cloned(),
        ..Default::default()
    };
    let id = store.create(new).await.unwrap().id;
    let dns = FakeDns::start(&[
        ("example.com", "TXT", "v=spf1 include:sendgrid.net ~all"),
        (
            "s1._domainkey.example.com",
            "CNAME",
            "s1.domainkey.u1.wl.sendgrid.net",
        ),
        (
            "s2._domainkey.example.com",
            "CNAME",
            "s2.domainkey.u1.wl.sendgrid.net",
        ),
    ])
    .await;
    let fake = FakeServer::start(|r| match r.path.as_str() {
        "/v3/whitelabel/domains" => Reply::json(200, json!([])),
        _ => Reply::json(
            200,
            json!({"results": [{"from_email": "news@example.com", "verified": true}]}),
        ),
    })
    .await;
    let endpoints = Endpoints::default().with("sendgrid", &fake.url()).unwrap();
    let checker = Checker::new(endpoints, Duration::from_secs(5)).with_nameserver(dns.addr());
    let before = store.get(&id).await.unwrap();
    let answer = run_troubleshoot(&store, &checker, &id).await.unwrap();
    let kinds: Vec<(&str, OutcomeKind)> = answer
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("email.spf", OutcomeKind::Ok),
            ("email.dkim", OutcomeKind::Ok),
            ("email.dmarc", OutcomeKind::NotFound),
            ("email.sender_identity", OutcomeKind::Ok),
        ]
    );
    assert!(!answer.all_clear());
    assert_eq!(
        answer.summary,
        "3 of 4 troubleshooting checks pass, 1 found a problem, 0 could not be checked."
    );
    let logs = store.logs(&id, 10).await.unwrap();
    let entry = &logs[0];
    assert_eq!(entry.level, LogLevel::Warning);
    assert!(
        entry.message.starts_with("Troubleshooting: 3 of 4"),
        "{}",
        entry.message
    );
    let text = serde_json::to_string(&logs).unwrap();
    assert!(
        text.contains("email.dmarc") && text.contains("_dmarc.example.com"),
        "{text}"
    );
    assert!(
        !text.contains("CANARY"),
        "a secret reached the logs: {text}"
    );
    // The connection check's status is not touched.
    let after = store.get(&id).await.unwrap();
    assert_eq!(
        (after.status, after.error_count),
        (before.status, before.error_count)
    );
    assert_ne!(after.status, Status::Error);
    assert!(run_troubleshoot(&store, &checker, "no-such-id")
        .await
        .is_err());
}

#[test]
fn the_dns_server_comes_from_the_environment() {
    // One test touches the variable (tests of a binary share the environment).
    std::env::set_var(switchboard_runner::ENV_DNS_SERVER, "127.0.0.1:5353");
    let checker = switchboard_runner::checker_from_env().unwrap();
    assert_eq!(
        checker.nameserver(),
        Some("127.0.0.1:5353".parse().unwrap())
    );
    std::env::set_var(switchboard_runner::ENV_DNS_SERVER, "nonsense");
    let err = switchboard_runner::checker_from_env().unwrap_err();
    assert!(err.contains("SWITCHBOARD_DNS_SERVER"), "{err}");
    std::env::remove_var(switchboard_runner::ENV_DNS_SERVER);
}
