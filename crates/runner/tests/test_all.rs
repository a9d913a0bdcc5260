//! The store side: run_check records outcomes (status, last_sync_at,
//! last_error, error_count, logs) without secrets; test-all over a temp store
//! respects its concurrency bound, reports progress, stops when cancelled and
//! enforces its per-call timeout; the rate gate; endpoints from the environment.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use switchboard_providers::fake::{FakeOptions, FakeServer, Reply};
use switchboard_providers::{Checker, Endpoints, OutcomeKind, RateGate};
use switchboard_runner::{run_check, Progress, TestAll};
use switchboard_store::{InitOptions, ListFilter, NewIntegration, Status, Store};
use tokio_util::sync::CancellationToken;

struct TempStore {
    _dir: tempfile::TempDir,
    store: Store,
}

async fn new_store() -> TempStore {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("store.sqlite")).await.unwrap();
    store.init_vault(InitOptions::in_memory()).await.unwrap();
    TempStore { _dir: dir, store }
}

/// A SendGrid stand-in that accepts every key after 100 ms.
async fn slow_sendgrid() -> FakeServer {
    let options = FakeOptions {
        delay: Duration::from_millis(100),
        ..Default::default()
    };
    FakeServer::start_with(options, |_| {
        Reply::json(200, json!({"scopes": ["mail.send"]}))
    })
    .await
}

fn sendgrid_key(i: usize) -> String {
    format!("SG.CANARY{i:04}.secretpart0123456789")
}

async fn add_sendgrid(store: &Store, i: usize) -> String {
    let new = NewIntegration {
        integration_type: "email".into(),
        provider: Some("sendgrid".into()),
        name: format!("SendGrid {i}"),
        values: Some(
            json!({"from_email": "news@example.com", "api_key": sendgrid_key(i)})
                .as_object()
                .unwrap()
                .clone(),
        ),
        ..Default::default()
    };
    store.create(new).await.unwrap().id
}

fn checker(url: &str, timeout: Duration) -> Checker {
    Checker::new(Endpoints::default().with("sendgrid", url).unwrap(), timeout)
}

#[tokio::test]
async fn run_check_records_the_outcome_and_a_log_without_secrets() {
    let ts = new_store().await;
    let id = add_sendgrid(&ts.store, 1).await;
    let ok = FakeServer::start(|_| Reply::json(200, json!({"scopes": ["mail.send"]}))).await;
    let (outcome, health) = run_check(&ts.store, &checker(&ok.url(), Duration::from_secs(5)), &id)
        .await
        .unwrap();
    assert_eq!(outcome.kind, OutcomeKind::Ok);
    assert_eq!(health.status, Status::Active);
    assert!(health.last_sync_at.is_some());
    assert_eq!(health.error_count, 0);

    // The provider echoes the key in its error: neither the outcome, the
    // record nor the log may show it.
    let bad = FakeServer::start(|r| {
        let key = r.header("authorization").unwrap_or("").to_owned();
        Reply::json(
            401,
            json!({"errors": [{"message": format!("bad key {key}")}]}),
        )
    })
    .await;
    let bad_checker = checker(&bad.url(), Duration::from_secs(5));
    for expected_count in 1..=2 {
        let (outcome, health) = run_check(&ts.store, &bad_checker, &id).await.unwrap();
        assert_eq!(outcome.kind, OutcomeKind::InvalidCredentials);
        assert_eq!(health.status, Status::Error);
        assert_eq!(
            health.error_count, expected_count,
            "consecutive errors are counted"
        );
        let last_error = health.last_error.unwrap();
        assert!(last_error.contains("rejected"), "{last_error}");
        assert!(!last_error.contains("CANARY"), "{last_error}");
    }
    let logs = ts.store.logs(&id, 50).await.unwrap();
    let text = serde_json::to_string(&logs).unwrap();
    assert!(
        !text.contains("CANARY"),
        "a secret reached the logs: {text}"
    );
    assert!(
        text.contains("invalid_credentials") && text.contains("\"outcome\":\"ok\""),
        "{text}"
    );

    let (_, health) = run_check(&ts.store, &checker(&ok.url(), Duration::from_secs(5)), &id)
        .await
        .unwrap();
    assert_eq!(
        (health.status, health.error_count, health.previous_status),
        (Status::Active, 0, Status::Error)
    );
    assert!(run_check(&ts.store, &bad_checker, "no-such-id")
        .await
        .is_err());
}

async fn store_with(n: usize) -> (TempStore, Vec<String>) {
    let ts = new_store().await;
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(add_sendgrid(&ts.store, i).await);
    }
    (ts, ids)
}

#[tokio::test]
async fn test_all_bounds_concurrency_and_reports_progress() {
    let (ts, ids) = store_with(50).await;
    let fake = slow_sendgrid().await;
    let events: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = events.clone();
    let started = Instant::now();
    let summary = TestAll::new(ListFilter::default())
        .concurrency(8)
        .run(
            &ts.store,
            &checker(&fake.url(), Duration::from_secs(5)),
            move |p| sink.lock().unwrap().push(p),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(
        (summary.total, summary.done, summary.ok, summary.cancelled),
        (50, 50, 50, false)
    );
    assert_eq!(
        fake.max_in_flight(),
        8,
        "the fake saw exactly the bound in flight"
    );
    assert_eq!(summary.max_in_flight, 8);
    // 50 checks, 8 at a time, 100 ms each: at least 7 rounds.
    assert!(elapsed >= Duration::from_millis(650), "{elapsed:?}");
    // Generous: recording is one fsync per check, slow on a busy shared disk.
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 50);
    assert!(events
        .iter()
        .enumerate()
        .all(|(i, p)| p.done == i + 1 && p.total == 50));
    let mut seen: Vec<&str> = events.iter().map(|p| p.id.as_str()).collect();
    seen.sort();
    let mut want: Vec<&str> = ids.iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(seen, want, "every integration reported once");
    assert!(
        events.iter().all(|p| p
            .health
            .as_ref()
            .is_some_and(|h| h.status == Status::Active)),
        "{:?}",
        events
            .iter()
            .map(|p| (&p.error, p.health.as_ref().map(|h| h.status)))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn test_all_progress_over_a_channel_and_cancel_stops_early() {
    let (ts, _) = store_with(50).await;
    let fake = slow_sendgrid().await;
    let checker = checker(&fake.url(), Duration::from_secs(5));
    let cancel = CancellationToken::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Progress>();
    let canceller = cancel.clone();
    let watcher = tokio::spawn(async move {
        let mut seen = 0;
        while let Some(p) = rx.recv().await {
            seen += 1;
            assert_eq!(p.done, seen);
            if seen == 10 {
                canceller.cancel();
            }
        }
        seen
    });
    let summary = TestAll::new(ListFilter::default())
        .concurrency(4)
        .run_with_channel(&ts.store, &checker, tx, &cancel)
        .await
        .unwrap();
    let seen = watcher.await.unwrap();
    assert!(summary.cancelled);
    assert_eq!(summary.done, seen);
    assert!(
        (10..=14).contains(&summary.done),
        "stopped early: {}",
        summary.done
    );
    assert!(
        fake.requests().len() < 20,
        "no new checks start after cancel: {}",
        fake.requests().len()
    );
}

#[tokio::test]
async fn test_all_enforces_its_per_call_timeout_and_filters() {
    let ts = new_store().await;
    for i in 0..10 {
        add_sendgrid(&ts.store, i).await;
    }
    let other = NewIntegration {
        integration_type: "payments".into(),
        provider: Some("stripe".into()),
        name: "Stripe".into(),
        values: Some(
            json!({"api_key": "sk_test_CANARYstripe0123"})
                .as_object()
                .unwrap()
                .clone(),
        ),
        ..Default::default()
    };
    ts.store.create(other).await.unwrap();
    let fake = FakeServer::hanging().await;
    let started = Instant::now();
    let filter = ListFilter {
        provider: Some("sendgrid".into()),
        ..Default::default()
    };
    let summary = TestAll::new(filter)
        .concurrency(10)
        .per_call_timeout(Duration::from_millis(200))
        .run(
            &ts.store,
            &checker(&fake.url(), Duration::from_secs(30)),
            |p| {
                assert_eq!(p.outcome.kind, OutcomeKind::Timeout);
                assert!(p.outcome.message.contains("0.2 s"), "{}", p.outcome.message);
            },
            &CancellationToken::new(),
        )
        .await
        .unwrap();
    assert_eq!(summary.total, 10, "the filter leaves Stripe out");
    assert_eq!(summary.by_kind.get("timeout"), Some(&10));
    // All ten time out together after 0.2 s (not the checker's 30 s); the
    // rest is recording, one fsync each.
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    let list = ts
        .store
        .list(&ListFilter {
            provider: Some("sendgrid".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(list
        .iter()
        .all(|i| i.status == Status::Error && i.error_count == 1));
}

#[test]
fn rate_gate_answers_when_a_test_may_run_again() {
    let gate = RateGate::default();
    assert_eq!(gate.window(), Duration::from_secs(10));
    let t0 = Instant::now();
    assert!(gate.try_acquire_at("a", t0).is_ok());
    let wait = gate
        .try_acquire_at("a", t0 + Duration::from_secs(3))
        .unwrap_err();
    assert_eq!(wait, Duration::from_secs(7));
    assert!(
        gate.try_acquire_at("b", t0 + Duration::from_secs(3))
            .is_ok(),
        "keys are independent"
    );
    assert!(
        gate.try_acquire_at("a", t0 + Duration::from_secs(10))
            .is_ok(),
        "allowed again after the window"
    );
    gate.reset("b");
    assert!(
        gate.try_acquire_at("b", t0 + Duration::from_secs(4))
            .is_ok(),
        "reset forgets a key"
    );
    let short = RateGate::new(Duration::from_millis(50));
    assert!(short.try_acquire("x").is_ok());
    assert!(short.try_acquire("x").is_err());
    std::thread::sleep(Duration::from_millis(60));
    assert!(short.try_acquire("x").is_ok());
}

#[test]
fn endpoints_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("endpoints.json");
    std::fs::write(
        &file,
        r#"{"sendgrid": "http://127.0.0.1:1111", "stripe": "http://127.0.0.1:2222"}"#,
    )
    .unwrap();
    std::env::set_var(switchboard_providers::ENV_FILE, &file);
    std::env::set_var(
        switchboard_providers::ENV_JSON,
        r#"{"stripe": "http://127.0.0.1:3333"}"#,
    );
    let e = Endpoints::from_env().unwrap();
    assert_eq!(e.get("sendgrid"), Some("http://127.0.0.1:1111"));
    assert_eq!(
        e.get("stripe"),
        Some("http://127.0.0.1:3333"),
        "the JSON variable wins"
    );
    std::env::set_var(
        switchboard_providers::ENV_JSON,
        r#"{"not_a_key": "http://x"}"#,
    );
    assert!(Endpoints::from_env().is_err());
    std::env::remove_var(switchboard_providers::ENV_JSON);
    std::env::remove_var(switchboard_providers::ENV_FILE);
    assert!(Endpoints::from_env().unwrap().is_default());
}

#[tokio::test]
async fn health_monitor_reports_status_changes_in_the_background() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use switchboard_runner::{HealthMonitor, StatusChange};
    let ts = new_store().await;
    let id = add_sendgrid(&ts.store, 7).await;
    let failing = Arc::new(AtomicBool::new(false));
    let flag = failing.clone();
    let fake = FakeServer::start(move |_| {
        if flag.load(Ordering::SeqCst) {
            Reply::json(
                401,
                json!({"errors": [{"message": "authorization required"}]}),
            )
        } else {
            Reply::json(200, json!({"scopes": ["mail.send"]}))
        }
    })
    .await;
    let store = Arc::new(ts.store);
    let changes: Arc<Mutex<Vec<StatusChange>>> = Arc::default();
    let sink = changes.clone();
    let cancel = CancellationToken::new();
    let task = HealthMonitor::new(Duration::from_millis(100)).spawn(
        store.clone(),
        checker(&fake.url(), Duration::from_secs(5)),
        move |c| sink.lock().unwrap().push(c),
        cancel.clone(),
    );
    let wait_for = |n: usize| {
        let changes = changes.clone();
        async move {
            for _ in 0..300 {
                if changes.lock().unwrap().len() >= n {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            panic!("no status change after 6 s");
        }
    };
    // A healthy round changes nothing; then the key is revoked...
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(changes.lock().unwrap().is_empty());
    failing.store(true, Ordering::SeqCst);
    wait_for(1).await;
    // ...and restored.
    failing.store(false, Ordering::SeqCst);
    wait_for(2).await;
    cancel.cancel();
    task.await.unwrap();
    let changes = changes.lock().unwrap();
    assert_eq!(
        (changes[0].id.as_str(), changes[0].from, changes[0].to),
        (id.as_str(), Status::Active, Status::Error)
    );
    assert_eq!(changes[0].outcome.kind, OutcomeKind::InvalidCredentials);
    assert_eq!(
        (changes[1].from, changes[1].to),
        (Status::Error, Status::Active)
    );
    assert!(fake.requests().len() >= 3);
}
