//! Lead capture (`/leads/{key}`), the platform's leads API and lead
//! forwarding: the page's origin only (preflight, answers, refusals), JSON
//! and form posts, the plain-form redirect, the honeypot, the form fields
//! checked, body and type limits, the per-address limit counted in the
//! database, service-token scopes and paging, and forwarding signed,
//! retried with back-off and every try logged.

use serde_json::{json, Value};
use std::time::Duration;
use switchboard_providers::fake::{FakeServer, Reply};
use switchboard_providers::webhooks::verify_stripe;

use crate::ctx::{test_settings, Ctx, Res};
use crate::suite_hooks::server_with;

crate::tests![
    receiver_is_the_lead_address,
    origins_preflight_and_refusals,
    posts_redirects_honeypot_and_fields,
    limits_of_body_type_and_address,
    platform_reads_leads_by_token,
    forwarding_is_signed_retried_and_logged,
];

const PAGE: &str = "https://brand.example";
const FORWARD_SECRET: &str = "fwd-secret-0123456789abcdef";

fn form_fields() -> Value {
    json!([
        {"name": "email", "type": "email", "label": "Email", "required": true},
        {"name": "name", "type": "text"},
        {"name": "plan", "type": "select", "options": ["free", "pro"]}
    ])
}

/// A configured sign-up page with `extra` settings; its id.
async fn signup(ctx: &Ctx, extra: Value) -> i64 {
    let id = ctx.first(&ctx.admin, "signup_page", "Newsletter").await;
    let mut body = json!({
        "page_url": format!("{PAGE}/signup"),
        "form_fields": form_fields(),
        "apply_tag": "Newsletter",
        "trigger_campaign_id": "welcome-series",
        "redirect_url": format!("{PAGE}/thanks"),
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    ctx.post(
        &format!("/api/integrations/{id}/configure/signup/"),
        &ctx.admin,
        body,
    )
    .await
    .expect_status(200);
    id
}

/// The page's lead address (path), as the admin reads it.
async fn address(ctx: &Ctx, id: i64) -> String {
    let r = ctx
        .get(&format!("/api/v1/integrations/{id}/receiver"), &ctx.admin)
        .await
        .expect_status(200);
    r.body["path"].as_str().unwrap().to_owned()
}

/// POSTs a JSON sign-up from `origin` (None: no Origin header).
async fn post_json(ctx: &Ctx, base: &str, path: &str, origin: Option<&str>, body: Value) -> Res {
    let mut req = ctx.client.post(format!("{base}{path}")).json(&body);
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    Ctx::send(req).await
}

/// POSTs a JSON sign-up from the page's origin.
async fn from_page(ctx: &Ctx, path: &str, body: Value) -> Res {
    post_json(ctx, &ctx.base, path, Some(PAGE), body).await
}

/// POSTs a JSON sign-up without an Origin (a server's post).
async fn from_server(ctx: &Ctx, path: &str, body: Value) -> Res {
    post_json(ctx, &ctx.base, path, None, body).await
}

/// The leads of a page as the admin reads them.
async fn leads_of(ctx: &Ctx, id: i64) -> Vec<Value> {
    let r = ctx
        .get(&format!("/api/v1/integrations/{id}/leads"), &ctx.admin)
        .await
        .expect_status(200);
    r.body["leads"].as_array().unwrap().clone()
}

async fn receiver_is_the_lead_address(ctx: Ctx) {
    let id = signup(&ctx, json!({})).await;
    let r = ctx
        .get(&format!("/api/v1/integrations/{id}/receiver"), &ctx.admin)
        .await
        .expect_status(200);
    let path = r.body["path"].as_str().unwrap();
    assert!(
        path.starts_with("/leads/") && path.len() == 7 + 43,
        "{path}"
    );
    assert_eq!(r.body["receives"], "leads");
    let test = ctx
        .post(
            &format!("/api/v1/integrations/{id}/events/test"),
            &ctx.admin,
            json!({}),
        )
        .await
        .expect_status(400);
    assert!(test.text.contains("submit the form"), "{}", test.text);
    // Another provider's key is no lead address.
    let hook = ctx
        .second(json!({"website": ctx.website("s").await, "integration_type": "stripe",
            "name": "s", "is_active": true, "api_key": "sk_test_0123456789abcdef", "webhook_secret": "whsec_x0123456789"}))
        .await;
    let hook_path = ctx
        .get(&format!("/api/v1/integrations/{hook}/receiver"), &ctx.admin)
        .await
        .body["path"]
        .as_str()
        .unwrap()
        .replace("/hooks/", "/leads/");
    post_json(
        &ctx,
        &ctx.base,
        &hook_path,
        None,
        json!({"email": "a@b.co"}),
    )
    .await
    .expect_status(404);
    post_json(&ctx, &ctx.base, "/leads/nope", None, json!({}))
        .await
        .expect_status(404);
}

async fn origins_preflight_and_refusals(ctx: Ctx) {
    let id = signup(&ctx, json!({})).await;
    let path = address(&ctx, id).await;
    let url = format!("{}{path}", ctx.base);
    let pre = |origin: &str| {
        ctx.client
            .request(reqwest::Method::OPTIONS, &url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
    };
    let ok = Ctx::send(pre(PAGE)).await.expect_status(204);
    assert_eq!(
        ok.header("access-control-allow-origin").as_deref(),
        Some(PAGE)
    );
    assert_eq!(
        ok.header("access-control-allow-methods").as_deref(),
        Some("POST")
    );
    assert!(ok
        .header("access-control-allow-headers")
        .unwrap()
        .contains("Content-Type"));
    let evil = Ctx::send(pre("https://evil.example"))
        .await
        .expect_status(403);
    assert_eq!(evil.header("access-control-allow-origin"), None);
    let refused = post_json(
        &ctx,
        &ctx.base,
        &path,
        Some("https://evil.example"),
        json!({"email": "a@b.co"}),
    )
    .await
    .expect_status(403);
    assert!(
        refused
            .text
            .contains("takes sign-ups from https://brand.example only"),
        "{}",
        refused.text
    );
    assert_eq!(refused.header("access-control-allow-origin"), None);
    assert!(
        leads_of(&ctx, id).await.is_empty(),
        "nothing stored as a lead"
    );
    let events = ctx
        .get(&format!("/api/v1/integrations/{id}/events"), &ctx.admin)
        .await
        .body["events"]
        .clone();
    assert_eq!(events[0]["verdict"], "refused");
    assert!(events[0]["reason"]
        .as_str()
        .unwrap()
        .contains("evil.example"));
    // The page's own origin, and a post with no Origin (a server), are taken.
    let r = from_page(&ctx, &path, json!({"email": "ann@example.com"}))
        .await
        .expect_status(201);
    assert_eq!(
        r.header("access-control-allow-origin").as_deref(),
        Some(PAGE)
    );
    assert_eq!(r.body["redirect_url"], format!("{PAGE}/thanks"));
    from_server(&ctx, &path, json!({"email": "bob@example.com"}))
        .await
        .expect_status(201);
    assert_eq!(leads_of(&ctx, id).await.len(), 2);
}

async fn posts_redirects_honeypot_and_fields(ctx: Ctx) {
    let id = signup(&ctx, json!({})).await;
    let path = address(&ctx, id).await;
    let url = format!("{}{path}", ctx.base);
    // A plain HTML form: form-encoded, asking for a page: 303 to the thanks page.
    let no_redirects = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let plain = no_redirects
        .post(&url)
        .header("origin", PAGE)
        .header("accept", "text/html,application/xhtml+xml")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=ann%40example.com&name=Ann+Lee&plan=pro&_honeypot=");
    let r = Ctx::send(plain).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(
        r.header("location").as_deref(),
        Some("https://brand.example/thanks")
    );
    let leads = leads_of(&ctx, id).await;
    assert_eq!(leads.len(), 1);
    assert_eq!(
        leads[0]["fields"],
        json!({"email": "ann@example.com", "name": "Ann Lee", "plan": "pro"})
    );
    assert_eq!(leads[0]["tag"], "Newsletter");
    assert_eq!(leads[0]["campaign_id"], "welcome-series");
    assert_eq!(leads[0]["auto_create_contact"], true);
    assert_eq!(leads[0]["origin"], PAGE);
    assert_eq!(
        leads[0]["forward"],
        Value::Null,
        "this page forwards nothing"
    );
    // A bot that fills the honeypot is told the same and stored as nothing.
    let bot = from_page(
        &ctx,
        &path,
        json!({"email": "bot@spam.example", "_honeypot": "http://spam.example"}),
    )
    .await
    .expect_status(201);
    assert_eq!(bot.body["received"], true);
    assert_eq!(leads_of(&ctx, id).await.len(), 1);
    let events = ctx
        .get(&format!("/api/v1/integrations/{id}/events"), &ctx.admin)
        .await
        .body["events"]
        .clone();
    assert!(events[0]["reason"].as_str().unwrap().contains("honeypot"));
    assert!(
        !events.to_string().contains("bot@spam.example"),
        "a refusal keeps no payload"
    );
    let lead_event = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["verdict"] == "genuine")
        .unwrap();
    assert_eq!(lead_event["kind"], "lead");
    assert_eq!(lead_event["payload"]["fields"]["email"], "ann@example.com");
    // Fields checked against the form: each problem on its field.
    let bad = from_page(
        &ctx,
        &path,
        json!({"email": "ann@", "plan": "gold", "coupon": "X"}),
    )
    .await
    .expect_status(422);
    assert_eq!(
        bad.header("access-control-allow-origin").as_deref(),
        Some(PAGE),
        "the page can read why"
    );
    assert!(bad.body["fields"]["email"]
        .as_str()
        .unwrap()
        .contains("ann@example.com"));
    assert!(bad.body["fields"]["plan"]
        .as_str()
        .unwrap()
        .contains("free, pro"));
    assert!(bad.body["fields"]["coupon"]
        .as_str()
        .unwrap()
        .contains("no field \"coupon\""));
    let missing = from_page(&ctx, &path, json!({"name": "Ann"}))
        .await
        .expect_status(422);
    assert!(missing.body["fields"]["email"]
        .as_str()
        .unwrap()
        .contains("required"));
    assert_eq!(
        leads_of(&ctx, id).await.len(),
        1,
        "refused sign-ups store no lead"
    );
}

async fn limits_of_body_type_and_address(ctx: Ctx) {
    let id = signup(&ctx, json!({})).await;
    let path = address(&ctx, id).await;
    let url = format!("{}{path}", ctx.base);
    let text = Ctx::send(
        ctx.client
            .post(&url)
            .header("content-type", "text/plain")
            .body("email=a@b.co"),
    )
    .await
    .expect_status(415);
    assert!(text.text.contains("application/json"), "{}", text.text);
    let huge = json!({"email": "a@b.co", "name": "x".repeat(20_000)});
    from_server(&ctx, &path, huge).await.expect_status(413);
    let broken = Ctx::send(
        ctx.client
            .post(&url)
            .header("content-type", "application/json")
            .body("[1]"),
    )
    .await
    .expect_status(400);
    assert!(broken.text.contains("JSON object"), "{}", broken.text);
    // Three posts were counted above; the limit is ten per address.
    let limit = test_settings().lead_limit as usize;
    for i in 3..limit {
        from_server(&ctx, &path, json!({"email": format!("p{i}@example.com")}))
            .await
            .expect_status(201);
    }
    let over = from_page(&ctx, &path, json!({"email": "late@example.com"}))
        .await
        .expect_status(429);
    assert!(over.header("retry-after").is_some());
    assert_eq!(
        over.header("access-control-allow-origin").as_deref(),
        Some(PAGE)
    );
    // The count is in the database: another server on it sees the same.
    let (other, _stop) = server_with(&ctx, test_settings()).await;
    post_json(
        &ctx,
        &other,
        &path,
        None,
        json!({"email": "late@example.com"}),
    )
    .await
    .expect_status(429);
    assert_eq!(leads_of(&ctx, id).await.len(), limit - 3);
    // A page turned off takes nothing.
    let other_page = signup(&ctx, json!({})).await;
    let other_path = address(&ctx, other_page).await;
    ctx.put(
        &format!("/api/integrations/{other_page}/"),
        &ctx.admin,
        json!({"is_active": false}),
    )
    .await
    .expect_status(200);
    let closed = post_json(
        &ctx,
        &ctx.base,
        &other_path,
        None,
        json!({"email": "a@b.co"}),
    )
    .await
    .expect_status(410);
    assert!(closed.text.contains("turned off"), "{}", closed.text);
}

async fn platform_reads_leads_by_token(ctx: Ctx) {
    let id = signup(&ctx, json!({})).await;
    let path = address(&ctx, id).await;
    for i in 0..5 {
        from_server(&ctx, &path, json!({"email": format!("p{i}@example.com")}))
            .await
            .expect_status(201);
    }
    let token = ctx.service_token().await;
    let read = |q: &str, t: &str| {
        let req = ctx
            .client
            .get(format!("{}/api/v1/leads/{q}", ctx.base))
            .bearer_auth(t);
        Ctx::send(req)
    };
    let first = read("?limit=2", &token).await.expect_status(200);
    let emails = |r: &Res| -> Vec<String> {
        r.body["leads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["fields"]["email"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(emails(&first), ["p0@example.com", "p1@example.com"]);
    let after = first.body["next_after"].as_i64().unwrap();
    let rest = read(&format!("?after={after}&limit=10"), &token)
        .await
        .expect_status(200);
    assert_eq!(emails(&rest).len(), 3);
    assert_eq!(rest.body["next_after"], Value::Null, "the last page");
    assert_eq!(rest.body["leads"][0]["integration"], id);
    // A person's token is refused; a token for other types reads nothing.
    read("", &ctx.admin.token).await.expect_status(403);
    read("", "sbs_nope").await.expect_status(401);
    let email_only = ctx
        .post(
            "/api/v1/service-tokens/",
            &ctx.admin,
            json!({"name": "mail", "types": ["email"]}),
        )
        .await
        .expect_status(201);
    read("", email_only.body["token"].as_str().unwrap())
        .await
        .expect_status(404);
    read("?limit=0", &token).await.expect_status(400);
}

async fn forwarding_is_signed_retried_and_logged(ctx: Ctx) {
    // The CRM fails twice, then takes the lead.
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = calls.clone();
    let crm = FakeServer::start(move |req| {
        assert_eq!(req.path, "/hooks/leads");
        match seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
            0 => Reply::json(500, json!({"error": "busy"})),
            1 => Reply::text(503, "later"),
            _ => Reply::json(200, json!({"ok": true})),
        }
    })
    .await;
    let forward_url = format!("{}/hooks/leads", crm.url());
    let id = signup(
        &ctx,
        json!({"forward_url": forward_url, "forward_secret": FORWARD_SECRET}),
    )
    .await;
    // Forwarding without a secret is refused when configured.
    let other = ctx.first(&ctx.admin, "signup_page", "Other").await;
    let r = ctx
        .post(
            &format!("/api/integrations/{other}/configure/signup/"),
            &ctx.admin,
            json!({"forward_url": "https://crm.example/in"}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.text.contains("Forwarding secret is needed"), "{}", r.text);
    // The test servers wait 200 ms before the second try (test_settings).
    assert_eq!(test_settings().forward_backoff, Duration::from_millis(200));
    let path = address(&ctx, id).await;
    from_page(
        &ctx,
        &path,
        json!({"email": "ann@example.com", "plan": "pro"}),
    )
    .await
    .expect_status(201);
    let mut lead = Value::Null;
    for _ in 0..150 {
        lead = leads_of(&ctx, id).await[0].clone();
        if lead["forward"]["state"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(lead["forward"]["state"], "delivered", "{lead}");
    assert_eq!(lead["forward"]["attempts"], 3);
    let tries = lead["attempts"].as_array().unwrap();
    assert_eq!(tries.len(), 3, "every try logged: {lead}");
    assert_eq!(tries[0]["status"], 500);
    assert_eq!(tries[0]["error"], "answered 500");
    assert_eq!(tries[1]["status"], 503);
    assert_eq!(tries[2]["status"], 200);
    assert_eq!(tries[2]["error"], Value::Null);
    assert!(!lead.to_string().contains(FORWARD_SECRET));
    let sent = crm.requests();
    assert_eq!(sent.len(), 3);
    for (n, req) in sent.iter().enumerate() {
        let signature = req.header("x-switchboard-signature").unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        verify_stripe(&req.body, signature, FORWARD_SECRET, now, 300)
            .expect("signed with the page's secret");
        assert!(verify_stripe(&req.body, signature, "another secret", now, 300).is_err());
        assert_eq!(
            req.header("x-switchboard-attempt"),
            Some((n + 1).to_string().as_str())
        );
        assert_eq!(req.header("content-type"), Some("application/json"));
        let body = req.json();
        assert_eq!(body["fields"]["email"], "ann@example.com");
        assert_eq!(body["tag"], "Newsletter");
        assert_eq!(body["id"], lead["id"]);
    }
    // The platform sees where forwarding stands too.
    let token = ctx.service_token().await;
    let r = Ctx::send(
        ctx.client
            .get(format!("{}/api/v1/leads/", ctx.base))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(r.body["leads"][0]["forward"]["state"], "delivered");
}
