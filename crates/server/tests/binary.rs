//! The real `switchboard-server` binary: zero-setup first run with no
//! arguments, refusing to start without a usable key (and saying how to make
//! one), the wrong key, key rotation from the command line, PostgreSQL via
//! DATABASE_URL, graceful shutdown on SIGTERM and Ctrl-C, and logs that
//! carry no secrets.

#[path = "common/pg.rs"]
mod pg;
#[path = "common/process.rs"]
mod process;

use process::{admin_token, call, command, port_8787_free, run, Api, Running, CANARY};

use serde_json::json;
use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_with_no_arguments_then_sigterm() {
    assert!(
        port_8787_free(),
        "port 127.0.0.1:8787 is in use; this test starts the server with no arguments, which listens there"
    );
    let home = tempfile::tempdir().unwrap();
    let mut c = command(home.path());
    c.env("RUST_LOG", "debug");
    let server = Running::start(c);
    assert_eq!(server.base, "http://127.0.0.1:8787");
    let out = server.stdout.lock().unwrap().clone();
    let data = home.path().join("data/switchboard-server");
    assert!(
        out.contains("NOTICE: TOKEN_ENCRYPTION_KEY is not set"),
        "{out}"
    );
    assert!(
        out.contains(&data.join("server.key").display().to_string()),
        "{out}"
    );
    assert!(
        out.contains("switchboard-server user add --email you@example.com --role admin"),
        "{out}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.join("server.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let mode = std::fs::metadata(&data).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "the data folder is private");
    }

    let token = admin_token(home.path(), &[], &[]);
    let api = Api::new(&server.base, &token);
    let wa = json!({"integration_type": "whatsapp", "name": "WA"});
    let body = api.created("/api/integrations/", wa).await;
    let id = body["id"].as_i64().unwrap();
    let configure = format!("/api/integrations/{id}/configure/whatsapp/");
    let settings = json!({"phone_number_id": "1", "business_account_id": "2", "access_token": format!("EAA{CANARY}")});
    let (s, body) = api.post(&configure, settings).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = api.test(id).await;
    assert_eq!(s, 200);
    assert_eq!(
        body["success"], false,
        "no provider checks in this build: {body}"
    );
    let (s, body) = api.get("/healthz").await;
    assert_eq!(
        (s, body),
        (200, json!({"status": "ok", "database": "sqlite"}))
    );

    server.signal("-TERM");
    let (ok, out, err) = server.wait();
    assert!(ok, "a clean exit on SIGTERM: {err}");
    assert!(out.contains("switchboard-server stopped"), "{out}");
    assert!(err.contains("shutting down"), "{err}");
    assert!(err.contains("answered"), "request logs are written: {err}");
    assert!(
        !err.contains(CANARY) && !out.contains(CANARY),
        "a secret in the logs"
    );
    assert!(!err.contains(&token[4..]), "a bearer token in the logs");
    let db = std::fs::read(data.join("server.db")).unwrap();
    assert!(!db.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()));
    let wal = std::fs::metadata(data.join("server.db-wal"))
        .map(|m| m.len())
        .unwrap_or(0);
    assert_eq!(wal, 0, "the WAL was checkpointed into the file on shutdown");

    // The second start uses the key file and knows there are users.
    let again = Running::start(command(home.path()));
    let out = again.stdout.lock().unwrap().clone();
    assert!(out.contains("Using the encryption key in"), "{out}");
    assert!(!out.contains("No users yet"), "{out}");
    again.signal("-INT");
    let (ok, _, _) = again.wait();
    assert!(ok, "Ctrl-C stops it cleanly too");
}

#[test]
fn refuses_to_start_without_a_key_and_says_how_to_make_one() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("explicit.db");
    let mut c = command(home.path());
    c.args(["--database", &db.to_string_lossy(), "--bind", "127.0.0.1:0"]);
    let (ok, out, err) = run(c, "");
    assert!(!ok, "{out}");
    for needle in [
        "TOKEN_ENCRYPTION_KEY is not set",
        "switchboard-server gen-key",
        "openssl rand -base64 32",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert!(!db.exists(), "nothing was created");
    let mut c = command(home.path());
    c.env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/none")
        .args(["--bind", "127.0.0.1:0"]);
    let (ok, _, err) = run(c, "");
    assert!(!ok);
    assert!(err.contains("TOKEN_ENCRYPTION_KEY is not set"), "{err}");
    for bad in ["short", "not base64 !!", "c2hvcnQ="] {
        let mut c = command(home.path());
        c.env("TOKEN_ENCRYPTION_KEY", bad)
            .args(["--bind", "127.0.0.1:0"]);
        let (ok, _, err) = run(c, "");
        assert!(!ok);
        assert!(
            err.contains("TOKEN_ENCRYPTION_KEY is not usable") && err.contains("gen-key"),
            "{err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_key_is_refused_and_rotate_key_switches_keys() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("rotate.db").to_string_lossy().into_owned();
    let gen = |home: &Path| {
        let (ok, out, _) = run(
            {
                let mut c = command(home);
                c.arg("gen-key");
                c
            },
            "",
        );
        assert!(ok);
        out.trim().to_owned()
    };
    let key_a = gen(home.path());
    let key_b = gen(home.path());
    assert_ne!(key_a, key_b);
    assert_eq!(key_a.len(), 44, "base64 of 32 bytes");
    let args = ["--database", db.as_str(), "--bind", "127.0.0.1:0"];
    let start = |key: &str| {
        let mut c = command(home.path());
        c.env("TOKEN_ENCRYPTION_KEY", key).args(args);
        c
    };

    let server = Running::start(start(&key_a));
    let token = admin_token(home.path(), &[], &["--database", db.as_str()]);
    let api = Api::new(&server.base, &token);
    let site = api.created("/api/v1/websites/", json!({"name": "w"})).await;
    let body = json!({"website": site["id"], "integration_type": "custom", "name": "c", "api_key": "rotate-me-0001", "secret_key": "second-0002"});
    let created = api.created("/api/v1/websites/integrations/", body).await;
    let path = format!("/api/v1/websites/integrations/{}/", created["id"]);
    let (_, before) = api.get(&path).await;
    server.signal("-TERM");
    assert!(server.wait().0);

    let (ok, _, err) = run(start(&key_b), "");
    assert!(!ok);
    assert!(err.contains("does not match"), "{err}");
    assert!(err.contains("rotate-key --new-key-env"), "{err}");

    let (ok, out, err) = run(rotate_key(home.path(), &db, &key_a, &key_b), "");
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("Re-encrypted 2 secret value(s) of 1 integration(s)"),
        "{out}"
    );

    let server = Running::start(start(&key_b));
    let (s, after) = call(&server.base, "GET", &path, &token, None).await;
    assert_eq!(s, 200);
    assert_eq!(after["api_key"], before["api_key"]);
    assert_eq!(after["api_key"], "**********0001");
    assert_eq!(after["secret_key"], "*******0002");
    server.signal("-TERM");
    assert!(server.wait().0);
    let (ok, _, err) = run(start(&key_a), "");
    assert!(!ok, "the old key opens nothing any more");
    assert!(err.contains("does not match"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_url_switches_to_postgres() {
    let cluster = pg::PgCluster::start().unwrap_or_else(|e| panic!("{e}"));
    let url = cluster.create_database("bin_test").await;
    let home = tempfile::tempdir().unwrap();
    let key = switchboard_server::Vault::generate_base64().to_string();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("TOKEN_ENCRYPTION_KEY", key.as_str()),
    ];
    let mut c = command(home.path());
    c.envs(env).args(["--bind", "127.0.0.1:0"]);
    let server = Running::start(c);
    let out = server.stdout.lock().unwrap().clone();
    assert!(
        out.contains("database: postgres postgres://postgres@127.0.0.1"),
        "{out}"
    );
    assert!(out.contains("No users yet"), "{out}");
    let token = admin_token(home.path(), &env, &[]);
    let (s, body) = call(&server.base, "GET", "/healthz", &token, None).await;
    assert_eq!((s, body["database"].as_str()), (200, Some("postgres")));
    let api = Api::new(&server.base, &token);
    api.created(
        "/api/integrations/",
        json!({"integration_type": "sms", "name": "pg"}),
    )
    .await;
    server.signal("-TERM");
    let (ok, out, _) = server.wait();
    assert!(ok && out.contains("stopped"));
    assert!(
        !home
            .path()
            .join("data/switchboard-server/server.db")
            .exists(),
        "no SQLite file was made"
    );
}

/// `rotate-key` of `database` from key `old` to `new` (passed in NEW_KEY).
fn rotate_key(home: &Path, database: &str, old: &str, new: &str) -> std::process::Command {
    let mut c = command(home);
    c.env("TOKEN_ENCRYPTION_KEY", old).env("NEW_KEY", new);
    c.args([
        "--database",
        database,
        "rotate-key",
        "--new-key-env",
        "NEW_KEY",
    ]);
    c
}

/// `rotate-key` refuses, changing nothing, while a server runs on the same
/// database (SQLite: the lock beside the file; PostgreSQL: an advisory lock
/// in the database, so every replica counts), and works once it stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_key_refuses_while_a_server_runs_on_the_database() {
    let cluster = pg::PgCluster::start().unwrap_or_else(|e| panic!("{e}"));
    let home = tempfile::tempdir().unwrap();
    let sqlite = home.path().join("busy.db").to_string_lossy().into_owned();
    for database in [sqlite, cluster.url("postgres")] {
        let key = switchboard_server::Vault::generate_base64().to_string();
        let new_key = switchboard_server::Vault::generate_base64().to_string();
        let mut c = command(home.path());
        c.env("TOKEN_ENCRYPTION_KEY", &key).args([
            "--database",
            database.as_str(),
            "--bind",
            "127.0.0.1:0",
        ]);
        let server = Running::start(c);
        let rotate = || rotate_key(home.path(), &database, &key, &new_key);
        let (ok, out, err) = run(rotate(), "");
        assert!(!ok, "{database}: refused while serving: {out}");
        assert!(err.contains("a switchboard-server is running on"), "{err}");
        assert!(err.contains("nothing was changed"), "{err}");
        let (s, _) = call(&server.base, "GET", "/healthz", "", None).await;
        assert_eq!(s, 200, "the server keeps serving with its key");
        server.signal("-TERM");
        assert!(server.wait().0);
        let (ok, out, err) = run(rotate(), "");
        assert!(ok, "{database}: {out}{err}");
        assert!(out.contains("Re-encrypted"), "{out}");
    }
}

/// PostgreSQL over TLS: with `sslmode=verify-full` and the cluster's CA the
/// server works with a cluster that takes TLS connections only; a plain
/// connection (`sslmode=disable`) and an unverifiable certificate (no
/// `sslrootcert`) stop the start with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_over_tls_honours_sslmode() {
    let cluster = pg::PgCluster::start_tls_only().unwrap_or_else(|e| panic!("{e}"));
    let home = tempfile::tempdir().unwrap();
    let key = switchboard_server::Vault::generate_base64().to_string();
    let start = |query: &str| {
        let mut c = command(home.path());
        c.env("DATABASE_URL", cluster.url_with("postgres", query))
            .env("TOKEN_ENCRYPTION_KEY", &key)
            .args(["--bind", "127.0.0.1:0"]);
        c
    };
    let ca = cluster.ca_file().display().to_string();
    let server = Running::start(start(&format!("sslmode=verify-full&sslrootcert={ca}")));
    let (s, body) = call(&server.base, "GET", "/healthz", "", None).await;
    assert_eq!(
        (s, body["database"].as_str()),
        (200, Some("postgres")),
        "{body}"
    );
    server.signal("-TERM");
    assert!(server.wait().0);

    let (ok, _, err) = run(start("sslmode=disable"), "");
    assert!(!ok, "the TLS-only cluster refuses a plain connection");
    assert!(
        err.contains("no encryption") || err.contains("pg_hba"),
        "{err}"
    );
    let (ok, _, err) = run(start("sslmode=verify-full"), "");
    assert!(!ok, "a certificate no trusted CA signed is refused");
    assert!(err.to_lowercase().contains("certificate"), "{err}");
}

/// SWITCHBOARD_PROVIDER_ENDPOINTS points the real binary's provider checks
/// at a fake Twilio on 127.0.0.1: credentials written through the second
/// API reach it when the first API's /test/ runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_endpoints_from_the_environment() {
    use switchboard_providers::fake::{FakeServer, Reply};
    let twilio = FakeServer::start(|req| match req.basic_auth() {
        Some((sid, token))
            if sid == "AC0123456789abcdef0123456789abcdef"
                && token == "fedcba9876543210fedcba9876543210" =>
        {
            Reply::json(
                200,
                json!({"sid": sid, "status": "active", "friendly_name": "Test", "type": "Full"}),
            )
        }
        _ => Reply::json(
            401,
            json!({"code": 20003, "message": "Authenticate", "status": 401}),
        ),
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("p.db").to_string_lossy().into_owned();
    let key = switchboard_server::Vault::generate_base64().to_string();
    let endpoints = json!({"twilio": twilio.url()}).to_string();
    let env = [
        ("TOKEN_ENCRYPTION_KEY", key.as_str()),
        ("SWITCHBOARD_PROVIDER_ENDPOINTS", endpoints.as_str()),
    ];
    let mut c = command(home.path());
    c.envs(env)
        .args(["--database", db.as_str(), "--bind", "127.0.0.1:0"]);
    let server = Running::start(c);
    let token = admin_token(home.path(), &env, &["--database", db.as_str()]);
    let api = Api::new(&server.base, &token);
    let (_, site) = api.post("/api/v1/websites/", json!({"name": "w"})).await;
    let body = json!({"website": site["id"], "integration_type": "twilio", "name": "SMS",
                      "api_key": "AC0123456789abcdef0123456789abcdef",
                      "secret_key": "fedcba9876543210fedcba9876543210",
                      "config": {"from_phone_number": "+14155550123"}});
    let created = api.created("/api/v1/websites/integrations/", body).await;
    let id = created["id"].as_i64().unwrap();
    let (s, result) = api.test(id).await;
    assert_eq!(s, 200);
    assert_eq!(result["success"], true, "{result}");
    let requests = twilio.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].path,
        "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef.json"
    );
    let (_, detail) = api.get(&format!("/api/integrations/{id}/")).await;
    assert_eq!(detail["status"], "active");
    server.signal("-TERM");
    assert!(server.wait().0);

    let mut c = command(home.path());
    c.env("TOKEN_ENCRYPTION_KEY", &key)
        .env(
            "SWITCHBOARD_PROVIDER_ENDPOINTS",
            "{\"nonsense\": \"http://127.0.0.1:1\"}",
        )
        .args(["--database", db.as_str(), "--bind", "127.0.0.1:0"]);
    let (ok, _, err) = run(c, "");
    assert!(!ok, "bad endpoint overrides are refused");
    assert!(err.contains("provider endpoint overrides"), "{err}");
}

#[cfg(unix)]
#[test]
fn refuses_a_key_file_other_users_can_read() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let mut c = command(home.path());
    c.arg("gen-key");
    let (ok, key, _) = run(c, "");
    assert!(ok);
    let dir = home.path().join("data/switchboard-server");
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("server.key");
    std::fs::write(&key_file, key.trim()).unwrap();
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut c = command(home.path());
    c.args(["--bind", "127.0.0.1:0"]);
    let (ok, out, err) = run(c, "");
    assert!(!ok, "started with a world-readable key: {out}");
    assert!(err.contains("mode 0644"), "{err}");
    assert!(
        err.contains(&format!("chmod 600 {}", key_file.display())),
        "{err}"
    );
    assert!(!err.contains(key.trim()), "the key itself in the error");
    assert!(!dir.join("server.db").exists(), "nothing opened");

    // Once private, the same file is used.
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut c = command(home.path());
    c.args(["--bind", "127.0.0.1:0"]);
    let server = Running::start(c);
    let out = server.stdout.lock().unwrap().clone();
    assert!(out.contains("Using the encryption key in"), "{out}");
    server.signal("-TERM");
    let (ok, _, err) = server.wait();
    assert!(ok, "{err}");
}

#[tokio::test]
async fn api_tokens_expire_after_90_days_unless_no_expiry_is_asked_for() {
    let home = tempfile::tempdir().unwrap();
    let token = admin_token(home.path(), &[], &[]);
    assert!(token.starts_with("sbt_"));
    // `token create` for the admin, naming the token `name`; its output.
    let create = |name: &str, options: &[&str]| {
        let mut c = command(home.path());
        c.args(["token", "create", "--email", "admin@example.com"]);
        c.args(["--name", name]).args(options);
        run(c, "")
    };
    let (ok, _, err) = create("forever", &["--no-expiry"]);
    assert!(ok, "{err}");
    assert!(err.contains("never expires"), "{err}");
    let (ok, _, err) = create("x", &["--no-expiry", "--expires-days", "3"]);
    assert!(!ok, "both --no-expiry and --expires-days were accepted");
    assert!(err.contains("cannot be used with"), "{err}");

    let db = home.path().join("data/switchboard-server/server.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap();
    let rows: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT name, expires_at FROM api_tokens WHERE kind = 'api' ORDER BY name")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0], ("forever".to_owned(), None));
    assert_eq!(rows[1].0, "test");
    let left = rows[1].1.expect("the default token expires") - now;
    assert!(
        (89 * 86400..=90 * 86400 + 60).contains(&left),
        "{left} s left"
    );
}

#[test]
fn service_tokens_from_the_command_line() {
    let home = tempfile::tempdir().unwrap();
    admin_token(home.path(), &[], &[]);
    let cli = |args: &[&str]| {
        let mut c = command(home.path());
        c.args(args);
        run(c, "")
    };
    let (ok, out, err) = cli(&[
        "service-token",
        "create",
        "--name",
        "platform",
        "--type",
        "sendgrid,stripe",
    ]);
    assert!(ok, "{err}");
    let token = out.trim().to_owned();
    assert!(token.starts_with("sbs_") && token.len() > 40, "{out}");
    assert!(
        err.contains("every website") && err.contains("shown once"),
        "{err}"
    );
    let (ok, _, err) = cli(&["service-token", "create", "--name", "x", "--type", "nope"]);
    assert!(!ok, "an unknown type was accepted");
    assert!(err.contains("'nope' is not an integration type"), "{err}");
    let (ok, _, err) = cli(&[
        "service-token",
        "create",
        "--name",
        "x",
        "--type",
        "*",
        "--website",
        "9",
    ]);
    assert!(!ok && err.contains("no website 9"), "{err}");
    let (ok, out, err) = cli(&["service-token", "list"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("platform")
            && out.contains("sendgrid, stripe")
            && out.contains("last used never"),
        "{out}"
    );
    assert!(!out.contains(&token) && !out.contains("sbs_"), "{out}");
    let (ok, out, err) = cli(&["service-token", "revoke", "--id", "1"]);
    assert!(ok && out.contains("revoked"), "{out}{err}");
    let (ok, _, err) = cli(&["service-token", "revoke", "--id", "1"]);
    assert!(!ok && err.contains("no service token 1"), "{err}");
}

#[test]
fn people_and_sessions_from_the_command_line() {
    let home = tempfile::tempdir().unwrap();
    admin_token(home.path(), &[], &[]);
    let cli = |args: &[&str], stdin: &str| {
        let mut c = command(home.path());
        c.args(args);
        run(c, stdin)
    };
    let (ok, _, err) = cli(
        &[
            "user",
            "add",
            "--email",
            "sam@example.com",
            "--role",
            "member",
        ],
        "long enough pw\n",
    );
    assert!(ok, "{err}");
    let (ok, _, err) = cli(
        &[
            "token",
            "create",
            "--email",
            "sam@example.com",
            "--name",
            "sam-ci",
        ],
        "",
    );
    assert!(ok, "{err}");
    let (ok, out, err) = cli(&["user", "sessions", "--email", "sam@example.com"], "");
    assert!(
        ok && out.contains("sam-ci") && out.contains("api-"),
        "{out}{err}"
    );
    let (ok, _, err) = cli(
        &[
            "user",
            "set",
            "--email",
            "sam@example.com",
            "--role",
            "boss",
        ],
        "",
    );
    assert!(!ok && err.contains("admin, member or viewer"), "{err}");
    // The only admin cannot be disabled.
    let (ok, _, err) = cli(
        &[
            "user",
            "set",
            "--email",
            "admin@example.com",
            "--disabled",
            "true",
        ],
        "",
    );
    assert!(
        !ok && err.contains("last admin") && err.contains("nothing was changed"),
        "{err}"
    );
    let (ok, out, err) = cli(
        &[
            "user",
            "set",
            "--email",
            "sam@example.com",
            "--disabled",
            "true",
        ],
        "",
    );
    assert!(ok && out.contains("1 token(s) ended"), "{out}{err}");
    let (_, out, _) = cli(&["user", "list"], "");
    assert!(
        out.lines()
            .any(|l| l.contains("sam@example.com") && l.ends_with("disabled")),
        "{out}"
    );
    let (ok, out, _) = cli(&["user", "sessions", "--email", "sam@example.com"], "");
    assert!(ok && out.contains("no sign-ins or API tokens"), "{out}");
    let (ok, _, err) = cli(
        &["user", "password", "--email", "sam@example.com"],
        "short\n",
    );
    assert!(!ok && err.contains("at least 10"), "{err}");
    let (ok, out, err) = cli(
        &["user", "password", "--email", "sam@example.com"],
        "another long pw\n",
    );
    assert!(ok && out.contains("New password set"), "{out}{err}");
    let (ok, out, err) = cli(
        &["user", "revoke", "--email", "sam@example.com", "--all"],
        "",
    );
    assert!(ok && out.contains("0 token(s)"), "{out}{err}");
    let (ok, _, err) = cli(
        &[
            "user",
            "revoke",
            "--email",
            "sam@example.com",
            "--session",
            "nope",
        ],
        "",
    );
    assert!(!ok && err.contains("no session nope"), "{err}");
    let (ok, out, err) = cli(&["user", "delete", "--email", "sam@example.com"], "");
    assert!(ok && out.contains("deleted"), "{out}{err}");
    let (ok, _, err) = cli(&["user", "delete", "--email", "sam@example.com"], "");
    assert!(!ok && err.contains("no user sam@example.com"), "{err}");
}

#[test]
fn warns_when_listening_beyond_loopback_without_tls() {
    let home = tempfile::tempdir().unwrap();
    let mut c = command(home.path());
    c.args(["--bind", "0.0.0.0:0"]);
    let server = Running::start(c);
    std::thread::sleep(std::time::Duration::from_millis(200));
    server.signal("-TERM");
    let (ok, _, err) = server.wait();
    assert!(ok, "{err}");
    assert!(err.contains("WARNING: listening on 0.0.0.0:"), "{err}");
    assert!(err.contains("TLS reverse proxy"), "{err}");

    let home = tempfile::tempdir().unwrap();
    let mut c = command(home.path());
    c.args(["--bind", "127.0.0.1:0"]);
    let server = Running::start(c);
    server.signal("-TERM");
    let (ok, _, err) = server.wait();
    assert!(ok, "{err}");
    assert!(!err.contains("WARNING: listening"), "{err}");
}

/// Sends the head of a POST whose body never comes; answers the raw reply.
fn stalled_post(base: &str) -> std::thread::JoinHandle<String> {
    use std::io::{Read, Write};
    let address = base.trim_start_matches("http://").to_owned();
    std::thread::spawn(move || {
        let mut s = std::net::TcpStream::connect(&address).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        s.write_all(
            b"POST /api/v1/auth/login/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
        )
        .unwrap();
        let mut reply = String::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            reply.push_str(&String::from_utf8_lossy(&buf[..n]));
            if reply.contains("\r\n\r\n") && reply.contains('}') {
                break;
            }
        }
        reply
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_requests_time_out_and_in_flight_requests_are_capped() {
    let home = tempfile::tempdir().unwrap();
    let mut c = command(home.path());
    c.args([
        "--bind",
        "127.0.0.1:0",
        "--request-timeout-secs",
        "2",
        "--max-concurrent-requests",
        "1",
    ]);
    let server = Running::start(c);
    let started = std::time::Instant::now();
    let stalled = stalled_post(&server.base);
    std::thread::sleep(std::time::Duration::from_millis(300));
    // The only slot is held by the stalled request: this one waits for it.
    let (status, _) = call(&server.base, "GET", "/healthz", "", None).await;
    let waited = started.elapsed();
    assert_eq!(status, 200);
    assert!(
        waited >= std::time::Duration::from_millis(1500),
        "answered after {waited:?}, while the only slot was taken"
    );
    let reply = stalled.join().unwrap();
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("took too long"), "{reply}");
    server.signal("-TERM");
    let (ok, _, err) = server.wait();
    assert!(ok, "{err}");
}

/// Server-side checks refuse internal addresses (no SSRF through a sign-up
/// page's URL) unless an admin allows the range with --allow-check-network;
/// a range that is not one stops the start with a clear message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_refuse_internal_addresses_unless_an_admin_allows_them() {
    use switchboard_providers::fake::{FakeServer, Reply};
    let page =
        FakeServer::start(|_| Reply::typed(200, "text/html", "<html>intranet only</html>".into()))
            .await;
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("s.db").to_string_lossy().into_owned();
    let key = switchboard_server::Vault::generate_base64().to_string();
    let env = [("TOKEN_ENCRYPTION_KEY", key.as_str())];
    let start = |extra: &[&str]| {
        let mut c = command(home.path());
        c.envs(env)
            .args(["--database", db.as_str(), "--bind", "127.0.0.1:0"])
            .args(extra);
        Running::start(c)
    };
    let server = start(&[]);
    let token = admin_token(home.path(), &env, &["--database", db.as_str()]);
    let api = Api::new(&server.base, &token);
    let landing = json!({"integration_type": "signup_page", "name": "Landing"});
    let created = api.created("/api/integrations/", landing).await;
    let id = created["id"].as_i64().unwrap();
    let page_url = format!("{}/join", page.url());
    let configure = format!("/api/integrations/{id}/configure/signup/");
    let (s, body) = api.post(&configure, json!({"page_url": page_url})).await;
    assert_eq!(s, 200, "{body}");
    let (s, result) = api.test(id).await;
    assert_eq!(s, 200, "{result}");
    assert_eq!(result["success"], false, "{result}");
    let message = result["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("does not connect to 127.0.0.1"),
        "{result}"
    );
    assert!(!result.to_string().contains("intranet only"), "{result}");
    assert!(page.requests().is_empty(), "the server sent nothing inward");
    server.signal("-TERM");
    assert!(server.wait().0);

    let mut c = command(home.path());
    c.envs(env).args([
        "--database",
        db.as_str(),
        "--allow-check-network",
        "10.0.0.0/33",
    ]);
    let (ok, _, err) = run(c, "");
    assert!(!ok, "a range that is not one is refused");
    assert!(
        err.contains("'10.0.0.0/33' is not an address range"),
        "{err}"
    );

    let server = start(&["--allow-check-network", "127.0.0.1/32"]);
    let (s, result) = Api::new(&server.base, &token).test(id).await;
    assert_eq!(s, 200, "{result}");
    assert_eq!(result["success"], true, "{result}");
    assert_eq!(page.requests().len(), 1);
    server.signal("-TERM");
    assert!(server.wait().0);
}
