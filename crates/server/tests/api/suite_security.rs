//! Secrets never in plain text at rest nor in any answer, JSON 405/404/413,
//! the `/test/` rate limit (429), and the audit log.

use serde_json::json;
use switchboard_server::model::Role;

use crate::ctx::{items, Backend, Ctx};

crate::tests![
    canary_is_not_stored_in_plain_text,
    wrong_method_is_405_json,
    unknown_paths_are_404_json,
    large_bodies_are_413_json,
    test_is_rate_limited_per_user_and_integration,
    audit_names_fields_never_values,
    logins_beyond_the_password_check_slots_are_503,
    tests_beyond_the_check_slots_are_503,
    a_moved_destination_asks_for_its_secrets_again,
    nul_characters_are_refused_not_stored,
    unknown_service_tokens_are_401_everywhere,
];

const CANARY: &str = "CANARYx7Qp2ZrV9mWk4Ls8Tn";

/// Every place a secret could show up in an answer.
async fn answers(ctx: &Ctx) -> String {
    let a = &ctx.admin;
    let mut all = String::new();
    for path in [
        "/api/integrations/",
        "/api/v1/websites/integrations/",
        "/api/v1/audit/",
        "/api/integrations/stats/",
    ] {
        all.push_str(&ctx.get(path, a).await.text);
    }
    let ids: Vec<i64> = items(&ctx.get("/api/integrations/", a).await.body["integrations"])
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    for id in ids {
        for path in [
            format!("/api/integrations/{id}/"),
            format!("/api/integrations/{id}/logs/"),
            format!("/api/v1/websites/integrations/{id}/"),
        ] {
            all.push_str(&ctx.get(&path, a).await.text);
        }
    }
    all
}

async fn canary_is_not_stored_in_plain_text(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("canary").await;
    // Through the second API: all three slots and a secret inside config.
    let custom = ctx
        .second(json!({"website": w, "integration_type": "custom", "name": "c",
                       "api_key": CANARY, "secret_key": format!("{CANARY}-2"), "access_token": format!("{CANARY}-3")}))
        .await;
    ctx.second(json!({"website": w, "integration_type": "stripe", "name": "s",
                      "api_key": format!("sk_live_{CANARY}"), "config": {"webhook_secret": format!("whsec_{CANARY}")}}))
        .await;
    ctx.patch(
        &format!("/api/v1/websites/integrations/{custom}/"),
        a,
        json!({"api_key": format!("{CANARY}-patched")}),
    )
    .await;
    // Through the first API: create config, configure and update.
    let r = ctx
        .post("/api/integrations/", a, json!({"integration_type": "email", "name": "m", "provider": "smtp", "config": {"smtp_password": format!("{CANARY}-created")}}))
        .await;
    let email = r.body["id"].as_i64().unwrap();
    ctx.post(
        &format!("/api/integrations/{email}/configure/email/"),
        a,
        json!({"from_email": "a@example.com", "smtp_host": "smtp.example.com", "smtp_port": 587,
                   "smtp_username": "u", "smtp_password": format!("{CANARY}-smtp")}),
    )
    .await
    .expect_status(200);
    let wa = ctx.first(a, "whatsapp", "w").await;
    ctx
        .post(
            &format!("/api/integrations/{wa}/configure/whatsapp/"),
            a,
            json!({"phone_number_id": "1", "business_account_id": "2", "access_token": format!("EAA{CANARY}"), "webhook_verify_token": format!("{CANARY}-verify")}),
        )
        .await.expect_status(200);
    ctx.post(&format!("/api/integrations/{wa}/test/"), a, json!({}))
        .await;
    let seen = ctx.checker.seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        seen.secrets["access_token"],
        format!("EAA{CANARY}"),
        "it was stored"
    );

    let answered = answers(&ctx).await;
    assert!(!answered.contains(CANARY), "an answer carries the canary");

    match ctx.backend {
        Backend::Sqlite => {
            let path = ctx.sqlite_path.clone().unwrap();
            let mut found = Vec::new();
            let mut bytes_seen = 0;
            for suffix in ["", "-wal", "-shm"] {
                let file = format!("{}{suffix}", path.display());
                if let Ok(bytes) = std::fs::read(&file) {
                    bytes_seen += bytes.len();
                    if bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()) {
                        found.push(file);
                    }
                }
            }
            assert!(bytes_seen > 0, "the database files exist");
            assert!(found.is_empty(), "canary in plain text in {found:?}");
        }
        Backend::Postgres => {
            let (cluster, name) = ctx.pg.clone().unwrap();
            let dump = cluster.dump(&name).unwrap();
            let text = String::from_utf8_lossy(&dump);
            assert!(
                text.contains("whsec") || text.contains("integrations"),
                "the dump has the data"
            );
            assert!(!text.contains(CANARY), "canary in plain text in pg_dump");
        }
    }
}

async fn wrong_method_is_405_json(ctx: Ctx) {
    let cases = [
        ("PATCH", "/api/integrations/", "error"),
        ("DELETE", "/api/integrations/stats/", "error"),
        ("PATCH", "/api/integrations/1/", "error"),
        ("GET", "/api/integrations/1/test/", "error"),
        ("GET", "/api/integrations/1/configure/email/", "error"),
        ("POST", "/api/integrations/1/logs/", "error"),
        ("PUT", "/api/v1/websites/integrations/", "detail"),
        ("POST", "/api/v1/websites/integrations/1/", "detail"),
        ("GET", "/api/v1/auth/login/", "detail"),
        ("POST", "/api/v1/audit/", "detail"),
        ("POST", "/healthz", "detail"),
    ];
    for (method, path, key) in cases {
        let r = ctx.call(method, path, Some(&ctx.admin.token), None).await;
        assert_eq!(r.status, 405, "{method} {path}");
        assert!(r.body[key].is_string(), "{method} {path}: {}", r.text);
        assert!(
            r.header("allow").is_some(),
            "{method} {path} says what is allowed"
        );
        assert!(r
            .header("content-type")
            .unwrap()
            .starts_with("application/json"));
    }
}

async fn unknown_paths_are_404_json(ctx: Ctx) {
    let r = ctx.get("/api/integrations/1/nothing/", &ctx.admin).await;
    assert_eq!(
        (r.status, r.body["error"].as_str()),
        (404, Some("Integration not found"))
    );
    let r = ctx.get("/api/v1/nothing/", &ctx.admin).await;
    assert_eq!(
        (r.status, r.body.clone()),
        (404, json!({"detail": "Not found."}))
    );
    ctx.get("/api/v1/websites/integrations/x/", &ctx.admin)
        .await
        .expect_status(404);
}

/// Sends a request head announcing `length` bytes and only the first few,
/// then reads the answer: the server must refuse from the announced length
/// alone (a client that sent everything may see the connection close under
/// it, as with any server that stops reading an oversized body).
pub(crate) async fn announce(ctx: &Ctx, path: &str, length: usize) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = ctx.base.strip_prefix("http://").unwrap();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{\"name\": \"",
        ctx.admin.token
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&answer);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let len = head.lines().find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(|v| v.trim().parse::<usize>().unwrap())
                });
                if len.is_some_and(|l| body.len() >= l) {
                    break;
                }
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server answered before the body arrived");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status: u16 = text.split(' ').nth(1).unwrap().parse().unwrap();
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (
        status,
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
    )
}

async fn large_bodies_are_413_json(ctx: Ctx) {
    let (status, body) = announce(&ctx, "/api/integrations/", 2 * 1024 * 1024).await;
    assert_eq!(status, 413);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("larger than the limit of 1048576 bytes"),
        "{body}"
    );
    let (status, body) = announce(&ctx, "/api/v1/websites/integrations/", 1024 * 1024 + 1).await;
    assert_eq!(status, 413);
    assert!(body["detail"].is_string(), "{body}");
    // Just under the limit is fine.
    let ok = json!({"integration_type": "email", "name": "n", "config": {"from_name": "y".repeat(1000)}});
    ctx.post("/api/integrations/", &ctx.admin, ok)
        .await
        .expect_status(201);
}

async fn test_is_rate_limited_per_user_and_integration(ctx: Ctx) {
    let a = &ctx.admin;
    let id = ctx.first(a, "email", "a").await;
    let other = ctx.first(a, "email", "b").await;
    for _ in 0..3 {
        ctx.post(&format!("/api/integrations/{id}/test/"), a, json!({}))
            .await
            .expect_status(200);
    }
    let r = ctx
        .post(&format!("/api/integrations/{id}/test/"), a, json!({}))
        .await
        .expect_status(429);
    let wait = r.body["wait"].as_u64().unwrap();
    assert!((1..=60).contains(&wait));
    assert_eq!(r.header("retry-after").unwrap(), wait.to_string());
    assert!(r.body["detail"].as_str().unwrap().contains("throttled"));
    assert!(r.body["error"].is_string(), "the first document's key too");
    ctx.post(&format!("/api/integrations/{other}/test/"), a, json!({}))
        .await
        .expect_status(200);
    let admin2 = ctx.user(Role::Admin, &[]).await;
    ctx.post(&format!("/api/integrations/{id}/test/"), &admin2, json!({}))
        .await
        .expect_status(200);
    // A limited call does not count as a test.
    let page = ctx.get(&format!("/api/integrations/{id}/logs/"), a).await;
    let logs = items(&page.body["logs"])
        .filter(|l| l["level"] == "warning")
        .count();
    assert_eq!(logs, 4);
}

async fn audit_names_fields_never_values(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("audit").await;
    let id = ctx
        .second(json!({"website": w, "integration_type": "custom", "name": "x", "api_key": format!("{CANARY}-audit")}))
        .await;
    ctx.patch(
        &format!("/api/v1/websites/integrations/{id}/"),
        a,
        json!({"api_key": format!("{CANARY}-2"), "description": "d"}),
    )
    .await;
    ctx.delete(&format!("/api/v1/websites/integrations/{id}/"), a)
        .await;
    let r = ctx.audit_of(id).await;
    assert!(!r.text.contains(CANARY));
    let entries = r.body["results"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["action"], "delete");
    assert_eq!(entries[1]["action"], "update");
    assert_eq!(
        entries[1]["fields"],
        json!(["description", "secrets.api_key"])
    );
    assert_eq!(entries[1]["actor"]["email"], a.email);
    assert_eq!(entries[2]["action"], "create");
    assert!(entries[2]["fields"]
        .as_array()
        .unwrap()
        .contains(&json!("secrets.api_key")));
    let all = ctx.get("/api/v1/audit/", a).await;
    assert!(all.body["count"].as_i64().unwrap() >= 4, "the website too");
    let member = ctx.user(Role::Member, &[w]).await;
    let r = ctx.get("/api/v1/audit/", &member).await;
    assert_eq!(
        (r.status, r.body),
        (
            403,
            json!({"detail": "You do not have permission to perform this action."})
        )
    );
}

/// Password checks run in a bounded number of slots: with every slot taken,
/// a login is answered 503 with Retry-After (and no hash runs); once one is
/// free, the same login works.
async fn logins_beyond_the_password_check_slots_are_503(ctx: Ctx) {
    let member = ctx.user(Role::Member, &[]).await;
    let body = json!({"email": member.email, "password": crate::ctx::PASSWORD});
    let slots = ctx.state.login_slots().clone();
    let all = u32::try_from(ctx.state.settings().login_slots).unwrap();
    let taken = slots.acquire_many_owned(all).await.unwrap();
    let r = ctx
        .call("POST", "/api/v1/auth/login/", None, Some(body.clone()))
        .await
        .expect_status(503);
    assert_eq!(r.headers.get("retry-after").unwrap(), "1");
    r.assert_says("detail", "try again in 1 s");
    drop(taken);
    ctx.call("POST", "/api/v1/auth/login/", None, Some(body))
        .await
        .expect_status(200);
}

/// Provider checks share a global number of slots: with every slot taken, a
/// `/test/` is answered 503 with Retry-After and nothing is recorded; once
/// one is free, the test runs.
async fn tests_beyond_the_check_slots_are_503(ctx: Ctx) {
    let a = &ctx.admin;
    let id = ctx.first(a, "email", "capped").await;
    let slots = ctx.state.check_slots().clone();
    let all = u32::try_from(ctx.state.settings().check_slots).unwrap();
    let logs_path = format!("/api/integrations/{id}/logs/");
    let before = ctx.get(&logs_path, a).await.text;
    let taken = slots.acquire_many_owned(all).await.unwrap();
    let path = format!("/api/integrations/{id}/test/");
    let r = ctx.post(&path, a, json!({})).await.expect_status(503);
    assert_eq!(r.headers.get("retry-after").unwrap(), "5");
    r.assert_says("error", "other connection tests");
    let after = ctx.get(&logs_path, a).await.text;
    assert_eq!(before, after, "a refused test wrote a log line");
    drop(taken);
    ctx.post(&path, a, json!({})).await.expect_status(200);
    assert_ne!(
        ctx.get(&logs_path, a).await.text,
        after,
        "the test ran and logged"
    );
}

/// A change of where a secret is sent (SMTP host or port, a base URL) must
/// bring the secret again, through both APIs and sync; the refused change
/// changes nothing.
async fn a_moved_destination_asks_for_its_secrets_again(ctx: Ctx) {
    let a = &ctx.admin;
    let email = ctx.first(a, "email", "Mail").await;
    let configure = format!("/api/integrations/{email}/configure/email/");
    let settings = |host: &str| json!({"from_email": "a@example.com", "smtp_host": host, "smtp_port": 587, "smtp_username": "u"});
    let mut first = settings("smtp.example.com");
    first["smtp_password"] = json!("first-password");
    assert_eq!(ctx.post(&configure, a, first).await.status, 200);
    // The same host, written differently, is not a move.
    let r = ctx
        .post(&configure, a, settings(" SMTP.example.com "))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let r = ctx
        .post(&configure, a, settings("mail.elsewhere.test"))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let why = r.body["fields"]["smtp_password"]
        .as_str()
        .unwrap_or_default();
    assert!(
        why.contains("SMTP server changed") && why.contains("again"),
        "{}",
        r.text
    );
    let detail = ctx.get(&format!("/api/integrations/{email}/"), a).await;
    assert!(
        detail.text.contains("smtp.example.com"),
        "nothing changed: {}",
        detail.text
    );
    let r = ctx
        .put(
            &format!("/api/integrations/{email}/"),
            a,
            json!({"config": {"smtp_port": 2525}}),
        )
        .await;
    assert_eq!(r.status, 400, "a new port is a move too: {}", r.text);

    let mut moved = settings("mail.elsewhere.test");
    moved["smtp_password"] = json!("second-password");
    let r = ctx.post(&configure, a, moved).await;
    assert_eq!(r.status, 200, "{}", r.text);

    // The second API: a base URL moved with the key sent back as its mask.
    let w = ctx.website("moves").await;
    let pdf = ctx
        .second(
            json!({"website": w, "integration_type": "custom", "name": "svc",
                       "api_key": "key-for-the-first-host-1234",
                       "config": {"base_url": "https://api.first.test"}}),
        )
        .await;
    let path = format!("/api/v1/websites/integrations/{pdf}/");
    let mask = ctx.get(&path, a).await.body["api_key"].clone();
    assert!(mask.as_str().is_some_and(|m| m.ends_with("1234")), "{mask}");
    let r = ctx
        .patch(
            &path,
            a,
            json!({"api_key": mask, "config": {"base_url": "https://api.second.test"}}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.text.contains("enter the API key again"), "{}", r.text);
    let r = ctx
        .patch(&path, a, json!({"api_key": "key-for-the-second-host-5678", "config": {"base_url": "https://api.second.test"}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Sync: a pushed host change without the password is invalid.
    let pulled = ctx.get("/api/v1/sync/pull?since=0&limit=1000", a).await;
    let change = items(&pulled.body["changes"])
        .find(|c| c["id"].as_i64() == Some(email))
        .cloned()
        .expect("the integration is pulled");
    let push = json!({"batch_id": uuid::Uuid::new_v4().to_string(), "client_id": uuid::Uuid::new_v4().to_string(),
                      "changes": [{"uid": change["uid"], "base_revision": change["revision"],
                                   "set": {"config.smtp_host": "third.example.test"}}]});
    let r = ctx.post("/api/v1/sync/push", a, push.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let result = &r.body["results"][0];
    assert_eq!(result["outcome"], "invalid", "{}", r.text);
    assert!(
        result["fields"]["secret.smtp_password"].is_string(),
        "{}",
        r.text
    );
    let mut with_secret = push;
    with_secret["batch_id"] = json!(uuid::Uuid::new_v4().to_string());
    with_secret["changes"][0]["secrets"] = json!({"smtp_password": "third-password"});
    let r = ctx.post("/api/v1/sync/push", a, with_secret).await;
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.text);
}

/// PostgreSQL cannot store a NUL character in text (it answered 500 before):
/// a body, a push or a query holding one is refused with a clear 400, a path
/// holding one names nothing, and nothing is written.
async fn nul_characters_are_refused_not_stored(ctx: Ctx) {
    let a = &ctx.admin;
    // (path, body, where the message is): each API's field-error shape.
    let refused = [
        (
            "/api/integrations/",
            json!({"integration_type": "sms", "name": "a\u{0}b"}),
            "/fields/name",
        ),
        (
            "/api/v1/websites/",
            json!({"name": "w", "domain": "\u{0}"}),
            "/domain/0",
        ),
    ];
    for (path, body, at) in refused {
        let r = ctx.post(path, a, body).await.expect_status(400);
        let message = r.body.pointer(at).and_then(|m| m.as_str());
        assert!(message.unwrap_or_default().contains("NUL"), "{}", r.text);
    }
    let r = ctx
        .post(
            "/api/v1/sync/push",
            a,
            json!({"batch_id": "\u{0}", "changes": []}),
        )
        .await
        .expect_status(400);
    assert!(
        r.body["detail"]
            .as_str()
            .unwrap()
            .contains("batch_id: Text must not contain the NUL"),
        "{}",
        r.text
    );
    let r = ctx
        .get("/api/v1/audit/?actor=%00", a)
        .await
        .expect_status(400);
    assert!(r.text.contains("NUL"), "{}", r.text);
    ctx.delete("/api/v1/users/1/sessions/api-%00/", a)
        .await
        .expect_status(404);
    let list = ctx.get("/api/integrations/", a).await.expect_status(200);
    assert_eq!(list.body["integrations"], json!([]), "nothing was written");
}

/// A token that looks like a service token but is unknown is no credential
/// (401), on every route; a real one is refused outside the credential
/// endpoint (403).
async fn unknown_service_tokens_are_401_everywhere(ctx: Ctx) {
    for path in [
        "/api/v1/auth/me/",
        "/api/integrations/",
        "/api/v1/credentials/?type=sms",
    ] {
        let r = ctx
            .call("GET", path, Some("sbs_not_a_real_token"), None)
            .await
            .expect_status(401);
        assert!(!r.text.is_empty());
    }
    let token = ctx.service_token().await;
    let token = token.as_str();
    ctx.call("GET", "/api/v1/auth/me/", Some(token), None)
        .await
        .expect_status(403);
}
