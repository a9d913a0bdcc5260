//! Property tests over every route of the OpenAPI document, against the
//! real `switchboard-server` binary on SQLite and on PostgreSQL.
//!
//! For each generated request (an operation of the document, a caller among
//! admin, member, viewer, service token, no token and bad tokens, path ids
//! that exist or not, query strings, headers and bodies that follow the
//! documented schema or break it) the properties are:
//! - the server answers, never with a 5xx (no panic, no internal error);
//! - the status is one the document lists for that operation, and a JSON
//!   answer matches the schema documented for that status;
//! - no secret that was ever sent (catalog secret fields, passwords) shows
//!   in any answer, but for the credential endpoint read with a service
//!   token, which exists to return them;
//! - afterwards the server is still healthy, and its log (at debug level
//!   for every crate, as an operator troubleshooting would set it) holds no
//!   secret, password or token and no panic.
//!
//! Cases are drawn from a fixed seed so CI is repeatable;
//! `SWITCHBOARD_PROPERTY_SEED` and `SWITCHBOARD_PROPERTY_CASES` explore
//! more. A failure prints the seed and each failing request in full.

#[path = "../common/pg.rs"]
mod pg;
#[path = "../common/process.rs"]
mod process;
mod schema;

use process::{admin_token, call, command, Running};
use rand::{Rng, SeedableRng};
use schema::{Gen, Spec};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// One operation of the document.
struct Op {
    method: String,
    path: String,
    params: Vec<Value>,
    body: Option<Value>,
    /// The body is bytes (`application/octet-stream`), not JSON.
    binary: bool,
    responses: BTreeMap<u16, Option<Value>>,
}

fn operations(doc: &Value) -> Vec<Op> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            let responses = op["responses"]
                .as_object()
                .expect("responses")
                .iter()
                .map(|(code, r)| {
                    let schema = r["content"]["application/json"]["schema"].clone();
                    (
                        code.parse().expect("a numeric status"),
                        Some(schema).filter(|s| !s.is_null()),
                    )
                })
                .collect();
            ops.push(Op {
                method: method.to_uppercase(),
                path: path.clone(),
                params: op["parameters"].as_array().cloned().unwrap_or_default(),
                body: op["requestBody"]["content"]["application/json"]["schema"]
                    .as_object()
                    .map(|s| Value::Object(s.clone())),
                binary: op["requestBody"]["content"]["application/octet-stream"].is_object(),
                responses,
            });
        }
    }
    ops
}

/// Who calls.
#[derive(Clone)]
struct Caller {
    name: &'static str,
    authorization: Option<String>,
    /// Reads the credential endpoint legitimately (secrets in its answer).
    service: bool,
}

/// What the setup made: callers, ids, and what must never show.
struct World {
    callers: Vec<Caller>,
    /// Ids the generator must not delete or change the password of.
    protected_users: Vec<i64>,
    spare_users: Vec<i64>,
    protected_service_tokens: Vec<i64>,
    protected_integrations: Vec<i64>,
    /// Receiver keys of real integrations (a sign-up page's, a Stripe one's).
    receiver_keys: Vec<String>,
    /// Every token and password used: never in a log line.
    never_logged: Vec<String>,
}

fn percent(s: &str) -> String {
    let keep = |b: u8| b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
    s.bytes()
        .map(|b| {
            if keep(b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn post(base: &str, token: &str, path: &str, body: Value) -> Value {
    let (status, answer) = call(base, "POST", path, token, Some(body)).await;
    assert!(
        (200..300).contains(&status),
        "setup {path}: {status} {answer}"
    );
    answer
}

async fn login(base: &str, email: &str, password: &str) -> (String, String) {
    let res = process::client()
        .post(format!("{base}/api/v1/auth/login/"))
        .json(&json!({"email": email, "password": password, "device": "property test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.unwrap();
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

/// An integration made at the start: its type, its website, and its
/// secret fields with the prefix their values need.
type Canary<'a> = (&'a str, i64, &'a [(&'a str, &'a str)]);

/// Websites, people, a service token and integrations holding secrets.
async fn setup(base: &str, admin: &str, gen: &mut Gen) -> World {
    let mut never_logged = vec![admin.to_owned()];
    let mut sites = Vec::new();
    for name in ["Shop", "Blog"] {
        let w = post(
            base,
            admin,
            "/api/v1/websites/",
            json!({"name": name, "domain": format!("{name}.example")}),
        )
        .await;
        sites.push(w["id"].as_i64().unwrap());
    }
    let mut users = BTreeMap::new();
    for (who, role) in [
        ("member", "member"),
        ("viewer", "viewer"),
        ("spare1", "member"),
        ("spare2", "viewer"),
    ] {
        let password = gen.secret();
        let email = format!("{who}@example.com");
        let u = post(
            base,
            admin,
            "/api/v1/users/",
            json!({"email": email, "password": password, "role": role, "websites": [sites[0]]}),
        )
        .await;
        never_logged.push(password.clone());
        users.insert(who, (u["id"].as_i64().unwrap(), email, password));
    }
    // The admin, then callers the server must turn away.
    let turned_away = [
        ("no token", None),
        (
            "unknown token",
            Some("Bearer sb_0000000000000000000000000000"),
        ),
        (
            "unknown service token",
            Some("Bearer sbs_000000000000000000000000"),
        ),
        ("basic auth", Some("Basic YWRtaW46YWRtaW4=")),
        ("empty bearer", Some("Bearer ")),
    ];
    let mut callers = vec![Caller {
        name: "admin",
        authorization: Some(format!("Bearer {admin}")),
        service: false,
    }];
    callers.extend(turned_away.map(|(name, authorization)| Caller {
        name,
        authorization: authorization.map(str::to_owned),
        service: false,
    }));
    for who in ["member", "viewer"] {
        let (_, email, password) = &users[who];
        let (access, refresh) = login(base, email, password).await;
        never_logged.extend([access.clone(), refresh]);
        let name = if who == "member" { "member" } else { "viewer" };
        callers.push(Caller {
            name,
            authorization: Some(format!("Bearer {access}")),
            service: false,
        });
    }
    let mut protected_service_tokens = Vec::new();
    for scope in [Value::Null, json!(sites[0])] {
        let t = post(
            base,
            admin,
            "/api/v1/service-tokens/",
            json!({"name": "platform", "website": scope, "types": ["*"]}),
        )
        .await;
        protected_service_tokens.push(t["id"].as_i64().unwrap());
        let token = t["token"].as_str().unwrap().to_owned();
        never_logged.push(token.clone());
        callers.push(Caller {
            name: "service token",
            authorization: Some(format!("Bearer {token}")),
            service: true,
        });
    }
    // Integrations whose secrets the generator may never see again.
    let mut protected_integrations = Vec::new();
    let slots: [Canary; 3] = [
        (
            "custom",
            sites[0],
            &[("api_key", ""), ("secret_key", ""), ("access_token", "")],
        ),
        (
            "stripe",
            sites[0],
            &[("api_key", "sk_test_"), ("secret_key", "rk_test_")],
        ),
        ("sendgrid", sites[1], &[("api_key", "SG.")]),
    ];
    for (ty, site, keys) in slots {
        let mut body =
            json!({"website": site, "integration_type": ty, "name": format!("{ty} canary")});
        if ty == "sendgrid" {
            body["config"] = json!({"from_email": "noreply@example.com"});
        }
        for (key, prefix) in keys {
            body[*key] = json!(format!("{prefix}{}", gen.secret()));
        }
        let made = post(base, admin, "/api/v1/websites/integrations/", body).await;
        protected_integrations.push(made["id"].as_i64().unwrap());
    }
    let id = post(
        base,
        admin,
        "/api/integrations/",
        json!({"integration_type": "email", "name": "Mail canary", "provider": "sendgrid"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let configure = json!({"provider": "sendgrid", "from_email": "noreply@example.com", "api_key": format!("SG.{}", gen.secret())});
    post(
        base,
        admin,
        &format!("/api/integrations/{id}/configure/email/"),
        configure,
    )
    .await;
    protected_integrations.push(id);
    // A sign-up page and the Stripe canary have receiver keys to aim at.
    let page = post(
        base,
        admin,
        "/api/integrations/",
        json!({"integration_type": "signup_page", "name": "Page"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let mut receiver_keys = Vec::new();
    for id in [page, protected_integrations[1]] {
        let path = format!("/api/v1/integrations/{id}/receiver");
        let (_, answer) = call(base, "GET", &path, admin, None).await;
        let at = answer["path"].as_str().expect("a receiver path");
        receiver_keys.push(at.rsplit('/').next().unwrap().to_owned());
    }
    protected_integrations.push(page);
    never_logged.extend(gen.sent_secrets.iter().cloned());
    gen.ids.extend(
        sites
            .iter()
            .chain(&protected_integrations)
            .chain(&protected_service_tokens),
    );
    gen.ids.extend(users.values().map(|u| u.0));
    World {
        callers,
        protected_users: vec![users["member"].0, users["viewer"].0],
        spare_users: vec![users["spare1"].0, users["spare2"].0],
        protected_service_tokens,
        protected_integrations,
        receiver_keys,
        never_logged,
    }
}

/// A path for `op` with its `{id}` and `{session}` filled in.
fn path_for(op: &Op, gen: &mut Gen, world: &World) -> String {
    let odd_ids = [
        "0",
        "-1",
        "abc",
        "1.5",
        "99999999999999999999",
        "%F0%9F%A6%80",
        "1%00",
    ];
    let mut id = if gen.chance(0.6) && !gen.ids.is_empty() {
        gen.pick(&gen.ids.clone()).to_string()
    } else if gen.chance(0.8) {
        gen.integer().to_string()
    } else {
        (*gen.pick(&odd_ids)).to_owned()
    };
    let changes = op.method != "GET";
    if let Ok(n) = id.parse::<i64>() {
        let path = &op.path;
        if changes
            && path.starts_with("/api/v1/users/")
            && (world.protected_users.contains(&n) || n == 1)
        {
            id = gen.pick(&world.spare_users).to_string();
        }
        if changes
            && path.starts_with("/api/v1/service-tokens/")
            && world.protected_service_tokens.contains(&n)
        {
            id = "424242".into();
        }
        if op.method == "DELETE"
            && path.contains("integrations/")
            && world.protected_integrations.contains(&n)
        {
            id = "434343".into();
        }
    }
    let session = match gen.rng.gen_range(0..4) {
        0 => "api-0123456789abcdef".to_owned(),
        1 => format!("{}", gen.integer()),
        2 => percent(&gen.string("session")),
        _ => "sign-in-1".to_owned(),
    };
    let key = if gen.chance(0.7) {
        gen.pick(&world.receiver_keys).clone()
    } else {
        percent(&gen.string("key"))
    };
    let mut path = op
        .path
        .replace("{id}", &id)
        .replace("{session}", &session)
        .replace("{key}", &key);
    // Releases: versions and platforms mostly well-formed, a few known.
    let fits = gen.sane || gen.chance(0.7);
    let versions: &[&str] = if fits {
        &["0.1.0", "0.1.1", "0.2.0", "1.0.0-beta.1", "10.0.0"]
    } else {
        &["0.1", "v1.0.0", "latest", "%F0%9F%A6%80", "1.0.0%00", "%FF"]
    };
    let platforms: &[&str] = if fits {
        &[
            "linux-x86_64-deb",
            "darwin-aarch64-app",
            "windows-x86_64-msi",
            "linux-x86_64",
        ]
    } else {
        &[
            "linux",
            "linux-sparc-deb",
            "%FF",
            "linux-x86_64-deb%00",
            "..%2F..%2Fetc",
        ]
    };
    for (name, values) in [
        ("{version}", versions),
        ("{current_version}", versions),
        ("{platform}", platforms),
    ] {
        let value: &&str = gen.pick(values);
        path = path.replace(name, value);
    }
    path
}

/// The documented header parameters: their example mostly, else any
/// string a header can carry; sometimes left out.
fn headers_for(op: &Op, gen: &mut Gen) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    for p in op.params.iter().filter(|p| p["in"] == "header") {
        let name = p["name"].as_str().unwrap_or_default().to_owned();
        if !gen.chance(0.9) {
            continue;
        }
        let value = match p["example"].as_str() {
            Some(e) if gen.sane || gen.chance(0.5) => e.to_owned(),
            _ => gen.string(&name),
        };
        if reqwest::header::HeaderValue::from_str(&value).is_ok() {
            headers.push((name, value));
        }
    }
    headers
}

/// A query string: the documented parameters (well-typed or not), and
/// sometimes strangers, repeats and broken escapes.
fn query_for(op: &Op, gen: &mut Gen) -> String {
    let mut pairs = Vec::new();
    for p in op.params.iter().filter(|p| p["in"] == "query") {
        let name = p["name"].as_str().unwrap_or_default();
        let required = p["required"] == true;
        if !(gen.chance(if required { 0.9 } else { 0.5 })) {
            continue;
        }
        let value = match (p["schema"]["type"].as_str(), gen.chance(0.7)) {
            (Some("integer"), true) => gen.integer().to_string(),
            (Some("boolean"), true) => gen.pick(&["true", "false", "1", "yes"]).to_string(),
            (_, true) if name == "type" => gen.pick(&gen.type_words.clone()).clone(),
            _ => gen.string(name),
        };
        pairs.push(format!("{name}={}", percent(&value)));
        if gen.chance(0.05) {
            pairs.push(format!("{name}={}", percent(&gen.string(name))));
        }
    }
    if gen.chance(0.1) {
        pairs.push(format!("fuzz={}", percent(&gen.string("fuzz"))));
    }
    if gen.chance(0.03) {
        pairs.push((*gen.pick(&["%zz", "a=b=c", "=", "&&", "page=%FF"])).to_owned());
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

/// The body bytes and their content type.
fn body_for(op: &Op, spec: &Spec, gen: &mut Gen) -> (Option<Vec<u8>>, Option<&'static str>) {
    let json_type = Some("application/json");
    if op.binary {
        let bytes = Some("application/octet-stream");
        return match gen.rng.gen_range(0..8) {
            0 => (None, None),
            1 => (Some(Vec::new()), bytes),
            2 => (Some(b"{\"name\": 1}".to_vec()), json_type),
            _ => {
                let n = gen.rng.gen_range(1..5000);
                (Some((0..n).map(|_| gen.rng.gen()).collect()), bytes)
            }
        };
    }
    match (&op.body, gen.rng.gen_range(0..20)) {
        (_, 0) => (Some(b"{\"name\": ".to_vec()), json_type),
        (_, 1) => (Some(vec![0xff, 0xfe, 0x00, 0x7b]), json_type),
        (Some(s), 2) => {
            let v = gen.value(spec, s, "body", 4);
            (Some(serde_json::to_vec(&v).unwrap()), Some("text/plain"))
        }
        (Some(_), 3) => (
            Some(b"name=x&integration_type=sms".to_vec()),
            Some("application/x-www-form-urlencoded"),
        ),
        (Some(_), 4) => (None, None),
        (Some(s), _) => {
            let v = gen.value(spec, s, "body", 4);
            (Some(serde_json::to_vec(&v).unwrap()), json_type)
        }
        (None, 5) => (
            Some(serde_json::to_vec(&gen.any("body", 2)).unwrap()),
            json_type,
        ),
        (None, _) => (None, None),
    }
}

struct Tally {
    sent: usize,
    by_op: BTreeMap<String, BTreeMap<u16, usize>>,
    failures: Vec<String>,
}

async fn run(database_args: Vec<String>, env: Vec<(String, String)>, label: &str) {
    let seed: u64 = std::env::var("SWITCHBOARD_PROPERTY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261205);
    let cases: usize = std::env::var("SWITCHBOARD_PROPERTY_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let home = tempfile::tempdir().unwrap();
    let mut c = command(home.path());
    c.envs(env.iter().map(|(k, v)| (k, v)))
        .env("RUST_LOG", "debug")
        .args(&database_args)
        .args(["--bind", "127.0.0.1:0", "--login-slots", "2"]);
    let server = Running::start(c);
    let base = server.base.clone();
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let db_refs: Vec<&str> = database_args.iter().map(String::as_str).collect();
    let admin = admin_token(home.path(), &env_refs, &db_refs);

    let mut secret_keys: BTreeSet<String> = ["password", "refresh_token"].map(str::to_owned).into();
    let mut type_words = BTreeSet::new();
    for t in switchboard_catalog::types() {
        type_words.insert(t.id.to_owned());
        for p in t.providers {
            type_words.insert(p.id.to_owned());
            type_words.insert(switchboard_catalog::document_key_of_provider(p.id).to_owned());
            secret_keys.extend(
                switchboard_catalog::secret_keys(t.id, p.id)
                    .into_iter()
                    .map(str::to_owned),
            );
        }
    }
    let mut gen = Gen {
        rng: rand::rngs::StdRng::seed_from_u64(seed),
        secret_keys,
        sent_secrets: Vec::new(),
        type_words: type_words.into_iter().collect(),
        ids: Vec::new(),
        sane: false,
        serial: 0,
    };
    let world = setup(&base, &admin, &mut gen).await;
    let (status, doc) = call(&base, "GET", "/api/openapi.json", "", None).await;
    assert_eq!(status, 200);
    let spec = Spec { doc: &doc };
    let ops = operations(&doc);
    assert!(
        ops.len() >= 40,
        "the document lists {} operations",
        ops.len()
    );

    // A fresh connection per request: a pooled one the server has just
    // closed would fail on the client's side, not the server's.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut tally = Tally {
        sent: 0,
        by_op: BTreeMap::new(),
        failures: Vec::new(),
    };
    for case in 0..cases {
        let op = &ops[case % ops.len()];
        gen.sane = gen.chance(0.5);
        // Mostly callers the server knows, so requests reach the handlers.
        let caller = match gen.rng.gen_range(0..10) {
            0..=3 => world.callers[0].clone(),
            4..=6 => gen.pick(&world.callers[6..]).clone(),
            _ => gen.pick(&world.callers[..6]).clone(),
        };
        let url = format!(
            "{base}{}{}",
            path_for(op, &mut gen, &world),
            query_for(op, &mut gen)
        );
        let (body, content_type) = body_for(op, &spec, &mut gen);
        let mut req = client.request(
            reqwest::Method::from_bytes(op.method.as_bytes()).unwrap(),
            &url,
        );
        if let Some(a) = &caller.authorization {
            req = req.header("Authorization", a);
        }
        if let Some(t) = content_type {
            req = req.header("Content-Type", t);
        }
        for (name, value) in headers_for(op, &mut gen) {
            req = req.header(name, value);
        }
        if gen.chance(0.1) {
            let forwarded = gen
                .pick(&[
                    "203.0.113.7",
                    "garbage",
                    "::1, 10.0.0.1",
                    "1.1.1.1, 2.2.2.2, 3.3.3.3",
                ])
                .to_string();
            req = req.header("X-Forwarded-For", forwarded);
        }
        if gen.chance(0.05) {
            req = req
                .header("X-Fuzz", "y".repeat(4000))
                .header("Accept", "text/html");
        }
        let shown_body = body
            .as_ref()
            .map(|b| String::from_utf8_lossy(&b[..b.len().min(600)]).into_owned())
            .unwrap_or_default();
        if let Some(b) = body {
            req = req.body(b);
        }
        tally.sent += 1;
        let what = format!(
            "{} {url} as {} ({}) body {shown_body}",
            op.method,
            caller.name,
            content_type.unwrap_or("-")
        );
        let res = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                tally.failures.push(format!("{what}\n  -> no answer: {e}"));
                continue;
            }
        };
        let status = res.status().as_u16();
        let is_json = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let text = res.text().await.unwrap_or_default();
        *tally
            .by_op
            .entry(format!("{} {}", op.method, op.path))
            .or_default()
            .entry(status)
            .or_default() += 1;
        let fail = |why: String| {
            format!(
                "{what}\n  -> {status} {}\n  {why}",
                &text[..text.len().min(600)]
            )
        };
        if status >= 500 && !op.responses.contains_key(&status) {
            tally.failures.push(fail("a server error".into()));
            continue;
        }
        let Some(documented) = op.responses.get(&status) else {
            if status != 413 {
                tally.failures.push(fail(format!(
                    "status {status} is not documented for this operation"
                )));
            }
            continue;
        };
        if let Some(schema) = documented {
            match serde_json::from_str::<Value>(&text) {
                Ok(v) if is_json => {
                    if let Some(why) = spec.mismatch(schema, &v, "body") {
                        tally.failures.push(fail(format!(
                            "the answer does not match the document: {why}"
                        )));
                    }
                }
                _ => tally
                    .failures
                    .push(fail("the answer is not JSON, though documented so".into())),
            }
        }
        let reads_credentials = caller.service && op.path == "/api/v1/credentials/";
        if !reads_credentials {
            if let Some(s) = gen.sent_secrets.iter().find(|s| text.contains(s.as_str())) {
                tally.failures.push(fail(format!(
                    "a secret that was sent shows in the answer: {s}"
                )));
            }
        }
        if tally.failures.len() >= 25 {
            break;
        }
    }

    let (status, health) = call(&base, "GET", "/healthz", "", None).await;
    assert_eq!(
        status, 200,
        "after the run the server answers /healthz: {health}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = format!(
        "{}{}",
        server.stdout.lock().unwrap(),
        server.stderr.lock().unwrap()
    );
    assert!(
        log.contains("request"),
        "the server logged its requests at debug level: {log:.2000}"
    );
    for s in gen.sent_secrets.iter().chain(&world.never_logged) {
        if let Some(line) = log.lines().find(|l| l.contains(s.as_str())) {
            tally
                .failures
                .push(format!("a secret or token shows in the log: {line:.600}"));
        }
    }
    if let Some(line) = log.lines().find(|l| l.contains("panicked")) {
        tally.failures.push(format!("the server panicked: {line}"));
    }
    // The public receivers ({key}) take only signed or page-shaped posts to
    // an active integration, which random requests rarely are: they are
    // checked for their contract above, not counted for reach below.
    let reachable = || {
        tally
            .by_op
            .iter()
            .filter(|(op, _)| !op.contains("{key}"))
            .map(|(_, m)| m)
    };
    let answered: usize = reachable().flat_map(|m| m.values()).sum();
    let ok: usize = reachable()
        .flat_map(|m| m.iter().filter(|(s, _)| **s < 300).map(|(_, n)| n))
        .sum();
    let summary: Vec<String> = tally
        .by_op
        .iter()
        .map(|(op, m)| format!("{op}: {m:?}"))
        .collect();
    println!(
        "{label}: seed {seed}, {} requests, {answered} answered, {ok} successful\n{}",
        tally.sent,
        summary.join("\n")
    );
    assert!(
        tally.failures.is_empty(),
        "{label}, seed {seed}: {} failing requests:\n\n{}",
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
    // Not vacuous: the generated requests reach the handlers, not only
    // the token check or the body parser.
    assert!(
        ok * 5 >= answered,
        "only {ok} of {answered} requests succeeded:\n{}",
        summary.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_keeps_its_contract_under_generated_requests_on_sqlite() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("props.db").to_string_lossy().into_owned();
    let key = switchboard_server::Vault::generate_base64().to_string();
    run(
        vec!["--database".into(), db],
        vec![("TOKEN_ENCRYPTION_KEY".into(), key)],
        "sqlite",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_keeps_its_contract_under_generated_requests_on_postgres() {
    let cluster = pg::PgCluster::start().unwrap_or_else(|e| panic!("{e}"));
    let url = cluster.create_database("props").await;
    let key = switchboard_server::Vault::generate_base64().to_string();
    let env = vec![
        ("DATABASE_URL".into(), url),
        ("TOKEN_ENCRYPTION_KEY".into(), key),
    ];
    run(vec![], env, "postgres").await;
}
