//! `server-bench`: throughput and p50/p99 latency of the real
//! `switchboard-server` binary for list, detail, create and the platform's
//! credential fetch at 1, 16 and 64 concurrent keep-alive connections, on
//! SQLite and on PostgreSQL; and what the login throttle adds to a normal
//! login (its database calls timed against whole logins, in the same run);
//! and, on SQLite, the webhook receiver: signed Stripe events delivered to
//! `/hooks/<key>`, each verified and stored (concurrent deliveries share a
//! group commit), with the stored rows counted against the acknowledged
//! deliveries (none lost).
//!
//! It starts everything itself on 127.0.0.1: a PostgreSQL 15 cluster with
//! default durability (in a temporary folder, stopped at the end) and one
//! server process per backend, seeded through the APIs. Each run is bounded
//! by a request count and a time limit. Build both binaries first:
//!
//!     cargo build --release -p switchboard-server --bins
//!     target/release/server-bench [--quick] [--backend sqlite|postgres]
//!
//! The server runs as shipped (request logs at `warn`, no auth cache,
//! SQLite with full fsync on commit); client and server share the machine.

#[path = "../../tests/common/pg.rs"]
mod pg;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchboard_domain::figure::median;

const SEED: usize = 200;
/// The bench Stripe integration's webhook signing secret.
const HOOK_SECRET: &str = "whsec_bench0123456789";

/// Numbers the created integrations across runs (names must stay unique).
static CREATED: AtomicU64 = AtomicU64::new(0);

#[derive(Clone, Copy)]
struct Limits {
    requests: u64,
    time: Duration,
    warmup: u64,
}

struct Server {
    child: Child,
    addr: String,
    db: String,
    token: String,
    /// A service token for the platform's website.
    service: String,
    /// The platform's website: one active SendGrid integration.
    platform: i64,
    website: i64,
    ids: Vec<i64>,
    /// A Stripe integration's receiver path (`/hooks/<key>`).
    hook_path: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn server_binary() -> PathBuf {
    let me = std::env::current_exe().expect("the benchmark's own path");
    let bin = me.with_file_name("switchboard-server");
    if !bin.exists() {
        eprintln!(
            "server-bench: {} is missing; build it first: cargo build --release -p switchboard-server --bins",
            bin.display()
        );
        std::process::exit(2);
    }
    bin
}

fn cli(bin: &PathBuf, db: &str, key: &str) -> Command {
    let mut c = Command::new(bin);
    c.env_remove("DATABASE_URL")
        .env("TOKEN_ENCRYPTION_KEY", key)
        .env("RUST_LOG", "warn")
        .args(["--database", db]);
    c
}

fn run_ok(mut c: Command) -> String {
    let out = c.output().expect("the server binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn start_server(bin: &PathBuf, db: String, dir: tempfile::TempDir, log: &PathBuf) -> Server {
    let key = switchboard_server::Vault::generate_base64().to_string();
    let mut c = cli(bin, &db, &key);
    let log = std::fs::File::create(log).expect("the server log file");
    c.args([
        "--bind",
        "127.0.0.1:0",
        "--test-rate",
        "1000/1",
        "--credential-rate",
        "1000000000/1",
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::from(log));
    let mut child = c.spawn().expect("the server starts");
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let _ = tx.send(rest.split(' ').next().unwrap_or("").to_owned());
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the server says where it listens");
    let mut add = cli(bin, &db, &key);
    add.env("SWITCHBOARD_PASSWORD", "bench password 123").args([
        "user",
        "add",
        "--email",
        "bench@example.com",
        "--role",
        "admin",
    ]);
    run_ok(add);
    let mut tok = cli(bin, &db, &key);
    tok.args([
        "token",
        "create",
        "--email",
        "bench@example.com",
        "--name",
        "bench",
    ]);
    let token = run_ok(tok).trim().to_owned();
    let mut server = Server {
        child,
        addr,
        db: db.clone(),
        token,
        service: String::new(),
        platform: 0,
        website: 0,
        ids: Vec::new(),
        hook_path: String::new(),
        _dir: dir,
    };
    let mut conn = Conn::open(&server.addr).await;
    server.website = conn.website(&server, "bench").await;
    server.platform = conn.website(&server, "platform").await;
    let body = json!({"website": server.platform, "integration_type": "sendgrid", "name": "mail",
                      "api_key": "SG.bench-key-0123456789abcdef", "is_active": true,
                      "config": {"from_email": "news@example.com"}});
    conn.integration(&server, body).await;
    let mut svc = cli(bin, &db, &key);
    svc.args([
        "service-token",
        "create",
        "--name",
        "bench",
        "--website",
        &server.platform.to_string(),
        "--type",
        "sendgrid",
    ]);
    server.service = run_ok(svc).trim().to_owned();
    let body = json!({"website": server.platform, "integration_type": "stripe", "name": "payments",
                      "api_key": "sk_test_bench0123456789", "is_active": true,
                      "config": {"webhook_secret": HOOK_SECRET}});
    let stripe = conn.integration(&server, body).await["id"].clone();
    let path = format!("/api/v1/integrations/{stripe}/receiver");
    let (_, receiver) = conn.send(&server, "GET", &path, None).await;
    server.hook_path = receiver["path"].as_str().expect("a receiver").to_owned();
    for i in 0..SEED {
        let body = json!({"website": server.website, "integration_type": "custom", "name": format!("seed-{i}"),
                          "api_key": format!("seed-api-key-{i:08}"), "secret_key": "seed-secret-0123456789",
                          "config": {"base_url": "https://api.example.com"}});
        let created = conn.integration(&server, body).await;
        server.ids.push(created["id"].as_i64().expect("an id"));
    }
    server
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Conn {
    async fn open(addr: &str) -> Conn {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .expect("connect to the server");
        stream.set_nodelay(true).expect("nodelay");
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("HTTP/1.1 handshake");
        tokio::spawn(connection);
        Conn { sender }
    }

    /// A website made through the API; its id.
    async fn website(&mut self, server: &Server, name: &str) -> i64 {
        let body = Some(json!({ "name": name }));
        let (_, site) = self.send(server, "POST", "/api/v1/websites/", body).await;
        site["id"].as_i64().expect("a website id")
    }

    /// An integration made through the website integrations API (201); the answer.
    async fn integration(&mut self, server: &Server, body: Value) -> Value {
        let path = "/api/v1/websites/integrations/";
        let (status, created) = self.send(server, "POST", path, Some(body)).await;
        assert_eq!(status, 201, "{created}");
        created
    }

    async fn send(
        &mut self,
        server: &Server,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let (status, bytes) = self
            .raw(server, &server.token, method, path, body, &[])
            .await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn raw(
        &mut self,
        server: &Server,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
        extra: &[(&str, String)],
    ) -> (u16, Bytes) {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", &server.addr)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json");
        for (name, value) in extra {
            request = request.header(*name, value);
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .expect("a request");
        self.sender.ready().await.expect("the connection is usable");
        let response = self.sender.send_request(request).await.expect("an answer");
        let status = response.status().as_u16();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        (status, bytes)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    List,
    Detail,
    DetailMasked,
    Create,
    Credentials,
    Hook,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::List => "list",
            Op::Detail => "detail",
            Op::DetailMasked => "detail-masked",
            Op::Create => "create",
            Op::Credentials => "credentials",
            Op::Hook => "webhook",
        }
    }

    /// The bearer token of this operation's requests.
    fn token(self, server: &Server) -> &str {
        if self == Op::Credentials {
            &server.service
        } else {
            &server.token
        }
    }

    fn request(self, server: &Server, n: u64) -> (&'static str, String, Option<Value>) {
        match self {
            Op::List => (
                "GET",
                format!("/api/v1/websites/integrations/?website={}", server.website),
                None,
            ),
            Op::Detail => (
                "GET",
                format!(
                    "/api/integrations/{}/",
                    server.ids[n as usize % server.ids.len()]
                ),
                None,
            ),
            Op::DetailMasked => (
                "GET",
                format!(
                    "/api/v1/websites/integrations/{}/",
                    server.ids[n as usize % server.ids.len()]
                ),
                None,
            ),
            Op::Credentials => (
                "GET",
                format!(
                    "/api/v1/credentials/?website={}&type=sendgrid",
                    server.platform
                ),
                None,
            ),
            Op::Hook => (
                "POST",
                server.hook_path.clone(),
                Some(
                    json!({"id": format!("evt_bench_{}", CREATED.fetch_add(1, Ordering::Relaxed)),
                            "object": "event", "type": "bench.event", "data": {"object": {"n": n}}}),
                ),
            ),
            Op::Create => (
                "POST",
                "/api/v1/websites/integrations/".to_owned(),
                Some(
                    json!({"website": server.website, "integration_type": "custom",
                            "name": format!("bench-{}", CREATED.fetch_add(1, Ordering::Relaxed)),
                            "api_key": format!("bench-api-key-{n:012}"), "secret_key": "bench-secret-0123456789"}),
                ),
            ),
        }
    }

    /// The headers a request needs besides the bearer token: a Stripe
    /// signature of the exact body for the receiver.
    fn headers(self, body: &Option<Value>) -> Vec<(&'static str, String)> {
        match (self, body) {
            (Op::Hook, Some(b)) => {
                let t = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let signature = switchboard_providers::webhooks::sign_stripe(
                    b.to_string().as_bytes(),
                    HOOK_SECRET,
                    t,
                );
                vec![("stripe-signature", signature)]
            }
            _ => Vec::new(),
        }
    }

    fn expected(self) -> u16 {
        if self == Op::Create {
            201
        } else {
            200
        }
    }
}

struct Result_ {
    /// Answered as expected, warm-up included.
    ok: u64,
    done: u64,
    errors: u64,
    secs: f64,
    p50_ms: f64,
    p99_ms: f64,
}

async fn measure(server: Arc<Server>, op: Op, conns: usize, limits: Limits) -> Result_ {
    let issued = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let ok = Arc::new(AtomicU64::new(0));
    let latencies = Arc::new(Mutex::new(Vec::<u32>::with_capacity(
        limits.requests as usize,
    )));
    let total = limits.requests + limits.warmup;
    let started = Arc::new(Mutex::new(None::<Instant>));
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let (server, issued, errors, ok, latencies, started) = (
            server.clone(),
            issued.clone(),
            errors.clone(),
            ok.clone(),
            latencies.clone(),
            started.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&server.addr).await;
            let mut mine = Vec::new();
            loop {
                let n = issued.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    break;
                }
                if n == limits.warmup {
                    *started.lock().expect("lock") = Some(Instant::now());
                }
                let t0 = started.lock().expect("lock").map(|s| s.elapsed());
                if t0.is_some_and(|e| e > limits.time) {
                    break;
                }
                let (method, path, body) = op.request(&server, n);
                let extra = op.headers(&body);
                let sent = Instant::now();
                let (status, _) = conn
                    .raw(&server, op.token(&server), method, &path, body, &extra)
                    .await;
                let micros = sent.elapsed().as_micros().min(u32::MAX as u128) as u32;
                if status == op.expected() {
                    ok.fetch_add(1, Ordering::Relaxed);
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                if n >= limits.warmup {
                    mine.push(micros);
                }
            }
            latencies.lock().expect("lock").extend(mine);
        }));
    }
    for t in tasks {
        t.await.expect("a client task");
    }
    let secs = started
        .lock()
        .expect("lock")
        .map_or(0.0, |s| s.elapsed().as_secs_f64());
    let mut all = std::mem::take(&mut *latencies.lock().expect("lock"));
    all.sort_unstable();
    let pick = |q: f64| -> f64 {
        if all.is_empty() {
            return 0.0;
        }
        let i = ((all.len() as f64 * q).ceil() as usize).clamp(1, all.len()) - 1;
        f64::from(all[i]) / 1000.0
    };
    Result_ {
        ok: ok.load(Ordering::Relaxed),
        done: all.len() as u64,
        errors: errors.load(Ordering::Relaxed),
        secs,
        p50_ms: pick(0.50),
        p99_ms: pick(0.99),
    }
}

/// Signed Stripe events to the receiver at 1, 16 and 64 connections (rows
/// printed like the others); the 64-connection rate and p99, and how many
/// acknowledged events are not in the database.
async fn webhook_throughput(server: &Arc<Server>, limits: Limits) -> (f64, f64, u64) {
    let mut acknowledged = 0;
    let mut at_64 = (0.0, 0.0);
    for conns in [1, 16, 64] {
        let r = measure(server.clone(), Op::Hook, conns, limits).await;
        let rps = r.done as f64 / r.secs.max(1e-9);
        println!(
            "{:<9} {:<14} {:>5} {:>8} {:>7.2} {:>9.0} {:>8.2} {:>8.2} {:>6}",
            "sqlite", "webhook", conns, r.done, r.secs, rps, r.p50_ms, r.p99_ms, r.errors
        );
        acknowledged += r.ok;
        if conns == 64 {
            at_64 = (rps, r.p99_ms);
        }
    }
    let url = format!("sqlite://{}?mode=ro", server.db);
    let pool = sqlx::SqlitePool::connect(&url)
        .await
        .expect("read the bench database");
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM webhook_events WHERE verdict = 'genuine'")
            .fetch_one(&pool)
            .await
            .expect("count the stored events");
    pool.close().await;
    (
        at_64.0,
        at_64.1,
        acknowledged.saturating_sub(stored.max(0) as u64),
    )
}

const LOGINS: usize = 15;
const THROTTLE_ROUNDS: usize = 200;

/// (median ms of a whole successful login over HTTP, median ms of the
/// throttle's database calls on a successful login: the lock lookup of
/// its two scopes and the clearing of the account's count), on the
/// server's own database while it runs.
async fn throttle_overhead(server: &Server) -> (f64, f64) {
    let mut conn = Conn::open(&server.addr).await;
    let mut logins = Vec::new();
    for _ in 0..LOGINS {
        let t0 = Instant::now();
        let (status, _) = conn
            .send(
                server,
                "POST",
                "/api/v1/auth/login/",
                Some(json!({"email": "bench@example.com", "password": "bench password 123", "device": "bench"})),
            )
            .await;
        assert_eq!(status, 200, "a bench login");
        logins.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    let db = switchboard_server::connect(&server.db)
        .await
        .expect("the bench database opens");
    let scopes = switchboard_server::throttle::scopes(
        "bench@example.com",
        Some(std::net::IpAddr::from([127, 0, 0, 1])),
    );
    let keys: Vec<String> = scopes.iter().map(|s| s.key.clone()).collect();
    let mut calls = Vec::new();
    for _ in 0..THROTTLE_ROUNDS {
        let t0 = Instant::now();
        let now = switchboard_server::throttle::now_ms();
        db.login_locked_until(&keys, now).await.expect("lookup");
        db.clear_login_failures(&keys[..1]).await.expect("clear");
        calls.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    db.close().await;
    (median(logins), median(calls))
}

/// The credential fetch at 64 connections per backend, with its goal on SQLite.
fn print_credential_goals(credential_goal: &[(&str, f64, f64)]) {
    for &(backend, rps, p99) in credential_goal {
        let goal = if backend == "sqlite" {
            let met = rps >= 5000.0 && p99 < 25.0;
            format!(
                " (goal on SQLite: >= 5000 req/s and p99 < 25 ms: {})",
                if met { "met" } else { "NOT met" }
            )
        } else {
            String::new()
        };
        println!(
            "credential fetch, {backend}, 64 connections: {rps:.0} req/s, p99 {p99:.2} ms{goal}"
        );
    }
}

/// The issue-18 goals at 64 connections, as lines for scripts/bench.sh.
fn server_figures(backend: &str, op: Op, rps: f64, p99: f64) {
    use switchboard_domain::figure::{print_figure, Goal};
    let at = |what: &str| format!("server, {backend}, 64 connections: {what}");
    match (backend, op) {
        ("sqlite", Op::Create) => {
            print_figure(&at("create"), Goal::AtLeast(2_000.0), rps, "req/s");
            print_figure(&at("create p99"), Goal::AtMost(50.0), p99, "ms");
        }
        ("sqlite", Op::List) => print_figure(&at("list p99"), Goal::AtMost(25.0), p99, "ms"),
        ("sqlite", Op::Detail) => {
            print_figure(&at("detail"), Goal::AtLeast(15_000.0), rps, "req/s")
        }
        ("postgres", Op::Detail) => {
            print_figure(&at("detail"), Goal::AtLeast(12_000.0), rps, "req/s")
        }
        _ => {}
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let only = args
        .windows(2)
        .find(|w| w[0] == "--backend")
        .map(|w| w[1].clone());
    let limits = if quick {
        Limits {
            requests: 3_000,
            time: Duration::from_secs(2),
            warmup: 200,
        }
    } else {
        Limits {
            requests: 30_000,
            time: Duration::from_secs(6),
            warmup: 1_000,
        }
    };
    let bin = server_binary();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "server-bench: {cores} cores shared by client and server; at most {} requests or {} s per run after {} warm-up requests",
        limits.requests,
        limits.time.as_secs(),
        limits.warmup
    );
    println!(
        "{:<9} {:<14} {:>5} {:>8} {:>7} {:>9} {:>8} {:>8} {:>6}",
        "backend", "operation", "conns", "requests", "secs", "req/s", "p50 ms", "p99 ms", "errors"
    );
    let mut goal = None;
    let mut credential_goal = Vec::new();
    let mut throttle = Vec::new();
    let mut hooks = None;
    let mut cluster = None;
    for backend in ["sqlite", "postgres"] {
        if only.as_deref().is_some_and(|o| o != backend) {
            continue;
        }
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = if backend == "sqlite" {
            dir.path().join("bench.db").to_string_lossy().into_owned()
        } else {
            let c = match pg::PgCluster::start_durable() {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("server-bench: skipping PostgreSQL: {e}");
                    continue;
                }
            };
            let admin = sqlx::PgPool::connect(&c.url("postgres"))
                .await
                .expect("connect");
            sqlx::query("CREATE DATABASE bench")
                .execute(&admin)
                .await
                .expect("create database");
            admin.close().await;
            let url = c.url("bench");
            cluster = Some(c);
            url
        };
        let log = std::env::temp_dir().join(format!("server-bench-{backend}.log"));
        let server = Arc::new(start_server(&bin, db, dir, &log).await);
        for op in [
            Op::List,
            Op::Detail,
            Op::DetailMasked,
            Op::Create,
            Op::Credentials,
        ] {
            for conns in [1, 16, 64] {
                let r = measure(server.clone(), op, conns, limits).await;
                let rps = r.done as f64 / r.secs.max(1e-9);
                println!(
                    "{:<9} {:<14} {:>5} {:>8} {:>7.2} {:>9.0} {:>8.2} {:>8.2} {:>6}",
                    backend,
                    op.name(),
                    conns,
                    r.done,
                    r.secs,
                    rps,
                    r.p50_ms,
                    r.p99_ms,
                    r.errors
                );
                if conns == 64 {
                    server_figures(backend, op, rps, r.p99_ms);
                }
                if backend == "sqlite" && op == Op::Detail && conns == 64 {
                    goal = Some((rps, r.p99_ms));
                }
                if op == Op::Credentials && conns == 64 {
                    credential_goal.push((backend, rps, r.p99_ms));
                }
            }
        }
        if backend == "sqlite" {
            hooks = Some(webhook_throughput(&server, limits).await);
        }
        throttle.push((backend, throttle_overhead(&server).await));
        drop(server);
        let warnings = std::fs::read_to_string(&log)
            .map(|t| t.lines().filter(|l| l.contains("WARN")).count())
            .unwrap_or(0);
        if warnings > 0 {
            println!(
                "({backend}: the server logged {warnings} warnings, e.g. slow commits; see {})",
                log.display()
            );
        }
    }
    drop(cluster);
    print_credential_goals(&credential_goal);
    for (backend, (login_ms, throttle_ms)) in throttle {
        let share = 100.0 * throttle_ms / login_ms.max(1e-9);
        println!(
            "login throttle, {backend}: a normal login takes {login_ms:.1} ms (median of {LOGINS}); its throttle calls take {throttle_ms:.2} ms (median of {THROTTLE_ROUNDS}): {share:.1} % of the login (goal < 5 %: {})",
            if share < 5.0 { "met" } else { "NOT met" }
        );
    }
    if let Some((rps, p99, lost)) = hooks {
        let met = rps >= 2000.0 && lost == 0;
        switchboard_domain::figure::print_figure(
            "server, sqlite, 64 connections: verified webhook events",
            switchboard_domain::figure::Goal::AtLeast(2_000.0),
            rps,
            "events/s",
        );
        switchboard_domain::figure::print_figure(
            "server, sqlite: acknowledged webhook events not stored",
            switchboard_domain::figure::Goal::AtMost(0.0),
            lost as f64,
            "events",
        );
        println!(
            "webhook receiver, SQLite, 64 connections: {rps:.0} verified events/s, p99 {p99:.2} ms, {lost} lost (goal >= 2000 events/s and 0 lost: {})",
            if met { "met" } else { "NOT met" }
        );
    }
    if let Some((rps, p99)) = goal {
        let met = rps >= 5000.0 && p99 < 25.0;
        println!(
            "goal (SQLite, detail, 64 connections: >= 5000 req/s and p99 < 25 ms): {rps:.0} req/s, p99 {p99:.2} ms: {}",
            if met { "met" } else { "NOT met" }
        );
    }
}
