//! Benchmark of test-all: 200 integrations in a temporary store, checked
//! against local fake providers that each take 100 ms to answer, next to a
//! single check measured in the same run. Goal: test-all's wall time at most
//! 1.3 x the single call + 1 ms per integration, with no file-descriptor or
//! socket leak across repeated runs (counted in /proc/self/fd).
//!
//! Usage: providers-bench [--integrations N] [--concurrency N] [--latency-ms N] [--runs N] [--store-dir DIR]
//! The store goes in the system's temporary folder unless `--store-dir` says
//! otherwise (e.g. /dev/shm, to see the cost of the store's fsync per commit).
//! The goal needs every integration in flight at once, so the default
//! concurrency equals the number of integrations.

#![forbid(unsafe_code)]

use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::json;
use switchboard_providers::fake::{FakeOptions, FakeServer, Reply};
use switchboard_providers::{CheckInput, Checker, Endpoints};
use switchboard_runner::{run_check, FromCredentials, TestAll, ToRecord};
use switchboard_store::{InitOptions, ListFilter, NewIntegration, Store};
use tokio_util::sync::CancellationToken;

struct Args {
    store_dir: Option<String>,
    integrations: usize,
    concurrency: usize,
    latency_ms: u64,
    runs: usize,
}

fn args() -> Args {
    let mut a = Args {
        store_dir: None,
        integrations: 200,
        concurrency: 0,
        latency_ms: 100,
        runs: 5,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        if pair[0] == "--store-dir" {
            a.store_dir = pair.get(1).cloned();
            continue;
        }
        let value = pair.get(1).and_then(|v| v.parse::<u64>().ok()).unwrap_or_else(|| {
            eprintln!("usage: providers-bench [--integrations N] [--concurrency N] [--latency-ms N] [--runs N]");
            std::process::exit(2)
        });
        match pair[0].as_str() {
            "--integrations" => a.integrations = value as usize,
            "--concurrency" => a.concurrency = value as usize,
            "--latency-ms" => a.latency_ms = value,
            "--runs" => a.runs = value as usize,
            other => {
                eprintln!("unknown option {other}");
                std::process::exit(2)
            }
        }
    }
    if a.concurrency == 0 {
        a.concurrency = a.integrations;
    }
    a
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// (provider, type, values) for integration `i`, spread over four providers.
fn integration(i: usize) -> (&'static str, &'static str, serde_json::Value) {
    match i % 4 {
        0 => (
            "sendgrid",
            "email",
            json!({"from_email": "news@example.com", "api_key": format!("SG.bench{i}.key")}),
        ),
        1 => (
            "stripe",
            "payments",
            json!({"api_key": format!("sk_test_bench{i}")}),
        ),
        2 => (
            "twilio",
            "sms",
            json!({"from_phone_number": "+14155550123", "account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": format!("{i:032x}")}),
        ),
        _ => ("openai", "ai", json!({"api_key": format!("sk-bench{i}")})),
    }
}

/// The four fake providers, each answering after the configured latency.
struct Fakes {
    sendgrid: FakeServer,
    stripe: FakeServer,
    twilio: FakeServer,
    openai: FakeServer,
}

impl Fakes {
    async fn start(latency_ms: u64) -> Fakes {
        let delay = FakeOptions {
            delay: Duration::from_millis(latency_ms),
            ..Default::default()
        };
        let sendgrid = FakeServer::start_with(delay, |_| {
            Reply::json(200, json!({"scopes": ["mail.send"]}))
        })
        .await;
        let stripe = FakeServer::start_with(delay, |_| {
            Reply::json(
                200,
                json!({"object": "balance", "livemode": false, "available": []}),
            )
        })
        .await;
        let twilio = FakeServer::start_with(delay, |_| {
            Reply::json(
                200,
                json!({"friendly_name": "Bench", "status": "active", "type": "Full"}),
            )
        })
        .await;
        let openai = FakeServer::start_with(delay, |_| {
            Reply::json(200, json!({"object": "list", "data": [{"id": "m"}]}))
        })
        .await;
        Fakes {
            sendgrid,
            stripe,
            twilio,
            openai,
        }
    }

    fn endpoints(&self) -> Endpoints {
        Endpoints::default()
            .with("sendgrid", &self.sendgrid.url())
            .and_then(|e| e.with("stripe", &self.stripe.url()))
            .and_then(|e| e.with("twilio", &self.twilio.url()))
            .and_then(|e| e.with("openai", &self.openai.url()))
            .expect("endpoints")
    }
}

/// A store in `dir` with an open vault and `count` integrations; their ids.
async fn fill_store(dir: &std::path::Path, count: usize) -> (Store, Vec<String>) {
    let store = Store::open(dir.join("bench.sqlite")).await.expect("store");
    store
        .init_vault(InitOptions::in_memory())
        .await
        .expect("vault");
    let mut ids = Vec::new();
    for i in 0..count {
        let (provider, ty, values) = integration(i);
        let new = NewIntegration {
            integration_type: ty.into(),
            provider: Some(provider.into()),
            name: format!("bench {i}"),
            values: values.as_object().cloned(),
            ..Default::default()
        };
        ids.push(store.create(new).await.expect("create").id);
    }
    // Warm the store's connection pool (up to 4 SQLite connections) so its
    // files are open before counting.
    let warm: Vec<_> = ids.iter().take(8).map(|id| store.credentials(id)).collect();
    for read in futures_util::future::join_all(warm).await {
        read.expect("credentials");
    }
    (store, ids)
}

/// What one check costs, measured before test-all runs.
struct Single {
    /// One integration's whole check (run_check), median of 5.
    single: Duration,
    /// The provider call alone.
    call_only: Duration,
    /// Every provider call at once.
    calls_wall: Duration,
    /// Reading every integration's credentials, one at a time.
    reads: Duration,
    /// Recording an outcome for every integration, one at a time.
    writes: Duration,
}

async fn measure_single(store: &Store, checker: &Checker, ids: &[String]) -> Single {
    // The single call: one integration's whole check (read credentials,
    // call the provider, record the outcome), median of 5 in this run.
    let mut singles = Vec::new();
    for id in ids.iter().take(5) {
        let t = Instant::now();
        let (outcome, _) = run_check(store, checker, id).await.expect("single check");
        assert!(outcome.is_ok(), "{outcome:?}");
        singles.push(t.elapsed());
    }
    singles.sort();
    let single = singles[singles.len() / 2];
    // The provider call alone, for reference.
    let creds = store.credentials(&ids[0]).await.expect("credentials");
    let t = Instant::now();
    checker.check(CheckInput::from_credentials(&creds)).await;
    let call_only = t.elapsed();

    // Where the time goes: the provider calls alone, all at once, and the
    // store's part (read credentials, record the outcome) one at a time.
    let mut all_creds = Vec::new();
    let t = Instant::now();
    for id in ids {
        all_creds.push(store.credentials(id).await.expect("credentials"));
    }
    let reads = t.elapsed();
    let t = Instant::now();
    let mut calls: FuturesUnordered<_> = all_creds
        .iter()
        .map(|c| checker.check(CheckInput::from_credentials(c)))
        .collect();
    let mut record = None;
    while let Some(outcome) = calls.next().await {
        record = Some(outcome.to_record());
    }
    let calls_wall = t.elapsed();
    drop(calls);
    let record = record.expect("an outcome");
    let t = Instant::now();
    for id in ids {
        store.record_check(id, &record).await.expect("record");
    }
    let writes = t.elapsed();
    Single {
        single,
        call_only,
        calls_wall,
        reads,
        writes,
    }
}

fn print_setup(a: &Args, m: &Single, goal: Duration, root: &std::path::Path, fds_before: usize) {
    println!("providers-bench: {} integrations (sendgrid, stripe, twilio, openai fakes), {} ms provider latency", a.integrations, a.latency_ms);
    println!(
        "concurrency bound: {} (the goal needs all {} in flight; TestAll's default is {})",
        a.concurrency,
        a.integrations,
        TestAll::DEFAULT_CONCURRENCY
    );
    println!(
        "single call (run_check: store read + provider call + record), median of 5: {:.1} ms",
        ms(m.single)
    );
    println!(
        "provider call alone (Checker::check): {:.1} ms",
        ms(m.call_only)
    );
    println!(
        "breakdown: {} provider calls at once {:.1} ms; store reads {:.2} ms each; store records {:.2} ms each (one transaction and fsync each, serialised)",
        a.integrations,
        ms(m.calls_wall),
        ms(m.reads) / a.integrations as f64,
        ms(m.writes) / a.integrations as f64
    );
    println!("store folder: {}", root.display());
    println!(
        "goal: 1.3 x {:.1} ms + {} x 1 ms = {:.1} ms",
        ms(m.single),
        a.integrations,
        ms(goal)
    );
    println!("open fds before runs: {fds_before}");
}

/// Runs test-all `a.runs` times, printing each; the worst ratio to the goal.
async fn test_all_runs(a: &Args, store: &Store, checker: &Checker, goal: Duration) -> f64 {
    let mut worst = 0f64;
    for run in 1..=a.runs {
        let t = Instant::now();
        let summary = TestAll::new(ListFilter::default())
            .concurrency(a.concurrency)
            .run(store, checker, |_| {}, &CancellationToken::new())
            .await
            .expect("test-all");
        let wall = t.elapsed();
        let ratio = wall.as_secs_f64() / goal.as_secs_f64();
        worst = worst.max(ratio);
        println!(
            "run {run}: test-all wall {:.1} ms ({} ok / {} total, max in flight {}) = {:.2} x goal -> {}; open fds {}",
            ms(wall),
            summary.ok,
            summary.total,
            summary.max_in_flight,
            ratio,
            if ratio <= 1.0 { "MET" } else { "MISSED" },
            open_fds()
        );
    }
    worst
}

#[tokio::main]
async fn main() {
    let a = args();
    let fakes = Fakes::start(a.latency_ms).await;
    let root = a
        .store_dir
        .clone()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = root.join(format!("providers-bench-{}", std::process::id()));
    let (store, ids) = fill_store(&dir, a.integrations).await;
    let endpoints = fakes.endpoints();
    let fds_before = open_fds();
    let checker = Checker::new(endpoints, Duration::from_secs(10));
    let measured = measure_single(&store, &checker, &ids).await;
    let goal = measured.single.mul_f64(1.3) + Duration::from_millis(a.integrations as u64);
    print_setup(&a, &measured, goal, &root, fds_before);
    let worst = test_all_runs(&a, &store, &checker, goal).await;
    drop(checker);
    // Let closed sockets finish on both sides (the fakes live in this process).
    tokio::time::sleep(Duration::from_millis(200)).await;
    println!(
        "open fds after dropping the checker: {} (before: {fds_before})",
        open_fds()
    );
    switchboard_domain::figure::print_figure(
        &format!(
            "checks: test-all of {}, worst run over 1.3 x single + 1 ms each",
            a.integrations
        ),
        switchboard_domain::figure::Goal::AtMost(1.0),
        worst,
        "x",
    );
    println!(
        "worst run: {worst:.2} x goal ({})",
        if worst <= 1.0 {
            "goal met"
        } else {
            "goal missed"
        }
    );
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
