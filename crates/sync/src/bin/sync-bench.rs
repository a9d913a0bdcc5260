//! `sync-bench`: the first sync of 10,000 integrations from a laptop store to
//! an empty server (records per second), then a delta sync of 10 changed
//! integrations (milliseconds), and a second laptop's first pull, on SQLite.
//! Starts the real `switchboard-server` binary from the same target folder
//! on 127.0.0.1. Prints figures; asserts nothing.
//!
//! Usage: sync-bench [--records N] [--changed M] [--runs R]
//!
//! With `--runs R`, all of it R times over, each run with a new server and
//! new laptops (a first sync is to an empty server): each run's figures are
//! printed, and the closing figures are the runs' medians. One run is a
//! single wall-clock sample on shared cores; back to back, the first sync
//! of 10,000 measured anywhere from 11,400 to 17,000 records/s on the
//! 2-core machine.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use switchboard_domain::figure::{median, print_figure, Goal};
use switchboard_store::{ExportFile, InitOptions, IntegrationPatch, Store};
use switchboard_sync::{sync, MemoryTokenStore, Phase, ServerClient, SyncOptions, SyncReport};
use switchboard_vault::Secret;
use tokio_util::sync::CancellationToken;

/// The bench's user on the server.
const USER: &str = "bench@example.com";
const PASSWORD: &str = "bench passphrase 123";
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn server_bin() -> PathBuf {
    let me = std::env::current_exe().expect("own path");
    let bin = me.with_file_name("switchboard-server");
    assert!(
        bin.exists(),
        "{} is missing: cargo build --release --workspace",
        bin.display()
    );
    bin
}

async fn laptop(dir: &std::path::Path, name: &str) -> Store {
    let store = Store::open(&dir.join(name)).await.expect("store");
    store
        .init_vault(InitOptions::in_memory())
        .await
        .expect("vault");
    store
}

/// The server binary's command line on the bench's database.
fn server_command(work: &std::path::Path, db: &std::path::Path) -> Command {
    let mut c = Command::new(server_bin());
    c.env("HOME", work)
        .env("TOKEN_ENCRYPTION_KEY", KEY)
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .args(["--database", db.to_str().unwrap()]);
    c
}

/// Creates the bench's user, starts the server on a free port and waits
/// until it listens. The server and its URL.
async fn start_server(work: &std::path::Path) -> (Killed, String) {
    let db = work.join("server.db");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let added = server_command(work, &db)
        .args(["user", "add", "--email", USER, "--role", "admin"])
        .env("SWITCHBOARD_PASSWORD", PASSWORD)
        .stdout(Stdio::null())
        .status()
        .expect("user add");
    assert!(added.success(), "user add failed");
    let mut serve = server_command(work, &db);
    serve
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let server = Killed(serve.spawn().expect("server"));
    let t0 = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "server did not listen"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (server, format!("http://127.0.0.1:{port}"))
}

/// Imports `records` integrations (SendGrid, 1 secret, 3 settings).
async fn seed(store: &Store, records: usize) {
    let integrations: Vec<_> = (0..records)
        .map(|i| {
            json!({
                "integration_type": "email", "provider": "sendgrid",
                "name": format!("Campaign sender {i:05}"),
                "config": {"from_email": format!("news{i}@example.com"), "from_name": "Marketing"},
                "secrets": {"api_key": format!("SG.bench{i:06}.abcdefghijklmnopqrstuvwxyz")}
            })
        })
        .collect();
    let file: ExportFile = serde_json::from_value(json!({
        "format": "switchboard-export", "version": 1, "includes_secrets": true,
        "websites": [], "integrations": integrations
    }))
    .expect("export file");
    store.import(file, 1000, &mut |_| {}).await.expect("import");
}

/// A client logged in as the bench's user.
async fn client(url: &str) -> ServerClient {
    let client = ServerClient::new(url, Arc::new(MemoryTokenStore::default())).unwrap();
    client
        .login(USER, &Secret::new(PASSWORD.to_owned()))
        .await
        .expect("login");
    client
}

/// Renames the first `changed` integrations.
async fn change(store: &Store, changed: usize) {
    let ids: Vec<String> = store
        .list(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .take(changed)
        .map(|s| s.id)
        .collect();
    for (n, id) in ids.iter().enumerate() {
        store
            .update(
                id,
                IntegrationPatch {
                    name: Some(format!("Changed {n}")),
                    ..IntegrationPatch::default()
                },
            )
            .await
            .unwrap();
    }
}

/// A line of /proc/self/status in MiB (0 when unreadable: not Linux).
fn status_mib(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Resets the peak resident size to the current one; returns the current.
fn reset_peak_rss() -> f64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    status_mib("VmRSS:")
}

/// The peak resident size since the last reset.
fn peak_rss_mib() -> f64 {
    status_mib("VmHWM:")
}

/// A sync's report, its time, and the time of its pull (from the push's
/// end to the sync's).
async fn timed(
    store: &Store,
    client: &ServerClient,
    what: &str,
) -> (SyncReport, Duration, Duration) {
    let t = Instant::now();
    let mut pulling: Option<Instant> = None;
    let report = sync(
        store,
        client,
        &SyncOptions::from_env(),
        |p| {
            if p.phase == Phase::Pulling && pulling.is_none() {
                pulling = Some(Instant::now());
            }
        },
        &CancellationToken::new(),
    )
    .await
    .unwrap_or_else(|e| panic!("{what}: {e}"));
    let pull = pulling.map(|p| p.elapsed()).unwrap_or_default();
    (report, t.elapsed(), pull)
}

/// What one run measured: the first, delta, idle and second-laptop syncs'
/// times, the first sync's pull, its reports, and the resident memory
/// before the first sync and at its peak (MiB).
struct Run {
    times: [Duration; 4],
    first_pull: Duration,
    first: SyncReport,
    pulled: SyncReport,
    memory: (f64, f64),
}

/// One run: a new server, laptop A's first sync of `records`, a delta of
/// `changed`, an idle sync, and laptop B's first pull.
async fn run(records: usize, changed: usize) -> Run {
    let work = tempfile::tempdir().expect("temp dir");
    let (_server, url) = start_server(work.path()).await;

    let a = laptop(work.path(), "a.sqlite").await;
    seed(&a, records).await;
    let client_a = client(&url).await;
    // The peak resident memory of the first sync alone: the peak is reset
    // (Linux: "5" to clear_refs) once the seed's import is done.
    let before = reset_peak_rss();
    let (first, first_t, first_pull) = timed(&a, &client_a, "first sync").await;
    let peak = peak_rss_mib();
    assert_eq!(first.pushed, records, "{first:?}");

    // Delta: change `changed` integrations, sync again.
    change(&a, changed).await;
    let (delta, delta_t, _) = timed(&a, &client_a, "delta sync").await;
    assert_eq!(delta.pushed, changed, "{delta:?}");

    // A nothing-to-do sync (the cost of the round trips alone).
    let (_, idle_t, _) = timed(&a, &client_a, "idle sync").await;

    // Laptop B's first pull of everything.
    let b = laptop(work.path(), "b.sqlite").await;
    let (pulled, pull_t, _) = timed(&b, &client(&url).await, "pull").await;
    Run {
        times: [first_t, delta_t, idle_t, pull_t],
        first_pull,
        first,
        pulled,
        memory: (before, peak),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let records = arg("--records", 10_000);
    let changed = arg("--changed", 10).min(records);
    let count = arg("--runs", 1).max(1);
    let mut runs = Vec::with_capacity(count);
    for n in 1..=count {
        let r = run(records, changed).await;
        let [first_t, delta_t, ..] = r.times;
        println!(
            "run {n} of {count}: first sync {:.0} records/s ({:.2} s; the pull after the push {:.0} ms), delta sync {:.1} ms; memory {:.0} MiB resident before the first sync, peak {:.0} MiB during it",
            records as f64 / first_t.as_secs_f64(),
            first_t.as_secs_f64(),
            r.first_pull.as_secs_f64() * 1000.0,
            delta_t.as_secs_f64() * 1000.0,
            r.memory.0,
            r.memory.1,
        );
        runs.push(r);
    }
    // The memory figure takes the largest growth of the runs.
    let growth = runs
        .iter()
        .map(|r| (r.memory.1 - r.memory.0).max(0.0))
        .fold(0.0, f64::max);
    println!("rss_growth_mib\t{records}\t{growth:.1}");
    let times: [Duration; 4] = std::array::from_fn(|i| {
        Duration::from_secs_f64(median(
            runs.iter().map(|r| r.times[i].as_secs_f64()).collect(),
        ))
    });
    let last = runs.pop().expect("at least one run");
    print_figures(records, changed, count, times, &last.first, &last.pulled);
}

/// Prints the figures: the times of the first, delta, idle and pull syncs
/// (the medians of `count` runs).
fn print_figures(
    records: usize,
    changed: usize,
    count: usize,
    [first_t, delta_t, idle_t, pull_t]: [Duration; 4],
    first: &SyncReport,
    pulled: &SyncReport,
) {
    let (first_s, pull_s) = (first_t.as_secs_f64(), pull_t.as_secs_f64());
    let delta_ms = delta_t.as_secs_f64() * 1000.0;
    let idle_ms = idle_t.as_secs_f64() * 1000.0;
    let of_runs = if count > 1 {
        format!(", medians of {count} runs")
    } else {
        String::new()
    };
    println!(
        "sync benchmark (SQLite server on 127.0.0.1, {records} integrations, batches of {}{of_runs})",
        SyncOptions::from_env().batch_size
    );
    println!(
        "first sync, laptop -> empty server: {records} records in {:.2} s = {:.0} records/s (goal >= 15,000) [{} batches]",
        first_s,
        records as f64 / first_s,
        first.batches
    );
    println!(
        "  including {} log lines pushed after the integrations",
        first.logs_pushed
    );
    println!("delta sync of {changed} changed integrations: {delta_ms:.1} ms (goal <= 30 ms)");
    print_figure(
        &format!("sync: first sync of {records}"),
        Goal::AtLeast(15_000.0),
        records as f64 / first_s,
        "records/s",
    );
    print_figure(
        &format!("sync: delta sync of {changed} ({records} stored)"),
        Goal::AtMost(30.0),
        delta_ms,
        "ms",
    );
    println!("sync with nothing to do: {idle_ms:.1} ms");
    println!(
        "second laptop's first pull: {} records in {:.2} s = {:.0} records/s",
        pulled.pulled,
        pull_s,
        pulled.pulled as f64 / pull_s
    );
    println!(
        "  the second laptop also pulled {} log lines",
        pulled.logs_pulled
    );
}
