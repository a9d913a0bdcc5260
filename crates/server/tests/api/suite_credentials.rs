//! The platform's credential endpoint and the service tokens that read it:
//! plain secrets to a service token in scope, and to nobody else; every
//! fetch audited (field names only) and rate limited in the database.

use serde_json::{json, Value};
use switchboard_server::model::{AuditEntry, NewServiceToken, Role};

use crate::ctx::{items, Ctx, User};

crate::tests![
    a_service_token_reads_the_active_integration_in_plain_text,
    integrations_of_no_website_are_read_without_a_website,
    nobody_but_a_service_token_in_scope_gets_a_secret,
    revoked_and_expired_service_tokens_are_refused,
    service_tokens_are_made_by_admins_with_clear_field_errors,
    credential_fetches_are_rate_limited_in_the_database,
    concurrent_fetches_are_each_counted_and_audited_once,
];

const CREDENTIALS: &str = "/api/v1/credentials/";
const TOKENS: &str = "/api/v1/service-tokens/";
const API_KEY: &str = "sk_live_platform0123456789";
const SECRET_KEY: &str = "rk_live_platform9876543210";
const HOOK: &str = "whsec_platform5555";

/// An active Stripe integration of `website`; its id.
async fn stripe(ctx: &Ctx, website: i64, name: &str) -> i64 {
    ctx.second(json!({
        "website": website, "integration_type": "stripe", "name": name,
        "api_key": API_KEY, "secret_key": SECRET_KEY,
        "config": {"webhook_secret": HOOK, "currency": "usd"}, "is_active": true
    }))
    .await
}

/// A service token made through the admin API: (id, token).
async fn service_token(ctx: &Ctx, body: Value) -> (i64, String) {
    let r = ctx.post(TOKENS, &ctx.admin, body).await.expect_status(201);
    let token = r.body["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("sbs_"), "{}", r.text);
    (r.body["id"].as_i64().unwrap(), token)
}

async fn fetch(ctx: &Ctx, token: Option<&str>, query: &str) -> crate::ctx::Res {
    ctx.call("GET", &format!("{CREDENTIALS}?{query}"), token, None)
        .await
}

fn no_secret_in(text: &str) {
    for s in [API_KEY, SECRET_KEY, HOOK, "SG.platform"] {
        assert!(!text.contains(s), "a secret leaked: {text}");
    }
}

async fn a_service_token_reads_the_active_integration_in_plain_text(ctx: Ctx) {
    let w = ctx.website("shop").await;
    let id = stripe(&ctx, w, "Production Stripe").await;
    // An inactive one of the same type is not read.
    let off = ctx
        .second(json!({"website": w, "integration_type": "stripe", "name": "Old", "api_key": "sk_live_old000000000", "is_active": false}))
        .await;
    let (token_id, token) = service_token(
        &ctx,
        json!({"name": "platform", "website": w, "types": ["stripe"]}),
    )
    .await;
    let r = fetch(&ctx, Some(&token), &format!("website={w}&type=stripe"))
        .await
        .expect_status(200);
    assert_eq!(r.body["count"], 1, "{}", r.text);
    let c = &r.body["results"][0];
    assert_eq!(c["id"], id);
    assert_eq!(c["website"], w);
    assert_eq!(c["provider"], "stripe");
    assert_eq!(c["api_key"], API_KEY, "{}", r.text);
    assert_eq!(c["secret_key"], SECRET_KEY);
    assert_eq!(c["secrets"]["api_key"], API_KEY);
    assert_eq!(c["secrets"]["secret_key"], SECRET_KEY);
    assert_eq!(c["secrets"]["webhook_secret"], HOOK);
    assert_eq!(c["config"]["currency"], "usd");
    assert_eq!(c["unreadable_secrets"], json!([]));
    assert!(!r.text.contains(&off.to_string()) || c["id"] != off);
    // Asked for by its category, the same integration (the token's types
    // are checked against each integration's names).
    let r = fetch(&ctx, Some(&token), &format!("website={w}&type=payments"))
        .await
        .expect_status(200);
    assert_eq!(r.body["results"][0]["id"], id, "{}", r.text);
    assert_eq!(r.body["count"], 1);

    // Audited: which token, which integration, which fields; no value.
    let r = ctx.audit_of(id).await;
    let read = items(&r.body["results"])
        .find(|e| e["action"] == "read-credentials")
        .unwrap_or_else(|| panic!("no audit entry: {}", r.text))
        .clone();
    assert_eq!(
        read["actor"]["email"],
        format!("service token #{token_id} (platform)")
    );
    assert_eq!(read["via"], "api/v1/credentials");
    let fields: Vec<&str> = items(&read["fields"])
        .map(|f| f.as_str().unwrap())
        .collect();
    for f in ["api_key", "secret_key", "webhook_secret", "currency"] {
        assert!(fields.contains(&f), "{f} not named: {fields:?}");
    }
    no_secret_in(&r.text);

    // The list shows the token's use, never the token.
    let r = ctx.get(TOKENS, &ctx.admin).await.expect_status(200);
    assert_eq!(r.body["count"], 1);
    assert!(
        r.body["results"][0]["last_used_at"].is_string(),
        "{}",
        r.text
    );
    assert_eq!(r.body["results"][0]["types"], json!(["stripe"]));
    assert!(
        !r.text.contains(&token) && !r.text.contains("sbs_"),
        "{}",
        r.text
    );
}

async fn integrations_of_no_website_are_read_without_a_website(ctx: Ctx) {
    let a = &ctx.admin;
    let email = ctx.first(a, "email", "Mail").await;
    ctx.post(
        &format!("/api/integrations/{email}/configure/email/"),
        a,
        json!({"provider": "sendgrid", "from_email": "news@example.com", "api_key": "SG.platform-key-0001"}),
    )
    .await
    .expect_status(200);
    let (_, token) = service_token(&ctx, json!({"name": "mailer", "types": ["email"]})).await;
    // Asked for by its type or its provider; a token for `email` reads
    // the SendGrid e-mail integration either way.
    for kind in ["email", "sendgrid"] {
        let r = fetch(&ctx, Some(&token), &format!("type={kind}"))
            .await
            .expect_status(200);
        assert_eq!(r.body["results"][0]["id"], email, "{}", r.text);
        assert_eq!(
            r.body["results"][0]["secrets"]["api_key"],
            "SG.platform-key-0001"
        );
        assert_eq!(
            r.body["results"][0]["config"]["from_email"],
            "news@example.com"
        );
    }
    // A token for another type does not.
    let (_, sms) = service_token(&ctx, json!({"name": "sms", "types": ["sms", "twilio"]})).await;
    for kind in ["email", "sendgrid"] {
        fetch(&ctx, Some(&sms), &format!("type={kind}"))
            .await
            .expect_status(404);
    }
    // Not on any website: a website's request finds nothing.
    let w = ctx.website("shop").await;
    fetch(&ctx, Some(&token), &format!("website={w}&type=email"))
        .await
        .expect_status(404);
    // Bad input says what is wrong.
    let r = fetch(&ctx, Some(&token), "website=x&type=email")
        .await
        .expect_status(400);
    r.assert_field("website", "whole number");
    let r = fetch(&ctx, Some(&token), "").await.expect_status(400);
    r.assert_field("type", "?type=");
}

async fn nobody_but_a_service_token_in_scope_gets_a_secret(ctx: Ctx) {
    let w = ctx.website("shop").await;
    let other = ctx.website("other").await;
    stripe(&ctx, w, "Production Stripe").await;
    stripe(&ctx, other, "Other Stripe").await;
    let member = ctx.user(Role::Member, &[w]).await;
    let viewer = ctx.user(Role::Viewer, &[w]).await;
    let query = format!("website={w}&type=stripe");
    // No token: 401. A person's token, any role: 403.
    let r = fetch(&ctx, None, &query).await.expect_status(401);
    no_secret_in(&r.text);
    for u in [&ctx.admin, &member, &viewer] {
        let r = fetch(&ctx, Some(&u.token), &query).await.expect_status(403);
        no_secret_in(&r.text);
    }
    let r = fetch(&ctx, Some("sbs_not-a-real-token"), &query)
        .await
        .expect_status(401);
    no_secret_in(&r.text);
    // A token of the other website, or of other types: 404, as if nothing.
    let (_, elsewhere) = service_token(
        &ctx,
        json!({"name": "o", "website": other, "types": ["stripe"]}),
    )
    .await;
    let r = fetch(&ctx, Some(&elsewhere), &query)
        .await
        .expect_status(404);
    no_secret_in(&r.text);
    fetch(&ctx, Some(&elsewhere), "type=stripe")
        .await
        .expect_status(404);
    let (_, mail_only) = service_token(
        &ctx,
        json!({"name": "m", "website": w, "types": ["sendgrid", "email"]}),
    )
    .await;
    let r = fetch(&ctx, Some(&mail_only), &query)
        .await
        .expect_status(404);
    no_secret_in(&r.text);
    // Every type, every website: both read.
    let (_, all) = service_token(&ctx, json!({"name": "all", "types": ["*"]})).await;
    for site in [w, other] {
        fetch(&ctx, Some(&all), &format!("website={site}&type=stripe"))
            .await
            .expect_status(200);
    }
    // A service token reads credentials and nothing else.
    for (method, path) in [
        ("GET", "/api/integrations/"),
        ("GET", "/api/v1/websites/integrations/"),
        ("GET", TOKENS),
        ("POST", TOKENS),
        ("GET", "/api/v1/audit/"),
        ("GET", "/api/v1/sync/pull"),
    ] {
        let r = ctx.call(method, path, Some(&all), None).await;
        assert_eq!(r.status, 403, "{method} {path}: {}", r.text);
        no_secret_in(&r.text);
    }
    // Members and viewers cannot make, list or revoke service tokens.
    for u in [&member, &viewer] {
        ctx.post(TOKENS, u, json!({"name": "x", "types": ["*"]}))
            .await
            .expect_status(403);
        ctx.get(TOKENS, u).await.expect_status(403);
        ctx.delete(&format!("{TOKENS}1/"), u)
            .await
            .expect_status(403);
    }
    let r = ctx.get(TOKENS, &ctx.admin).await.expect_status(200);
    assert_eq!(r.body["count"], 3);
}

async fn revoked_and_expired_service_tokens_are_refused(ctx: Ctx) {
    let w = ctx.website("shop").await;
    stripe(&ctx, w, "Production Stripe").await;
    let query = format!("website={w}&type=stripe");
    let (id, token) = service_token(
        &ctx,
        json!({"name": "p", "website": w, "types": ["stripe"], "expires_days": 30}),
    )
    .await;
    fetch(&ctx, Some(&token), &query).await.expect_status(200);
    let r = ctx.get(TOKENS, &ctx.admin).await;
    let expires = r.body["results"][0]["expires_at"].as_i64().unwrap();
    let now = switchboard_server::db::unix_now();
    assert!((expires - now - 30 * 86_400).abs() < 60, "{}", r.text);
    ctx.delete(&format!("{TOKENS}{id}/"), &ctx.admin)
        .await
        .expect_status(204);
    let r = fetch(&ctx, Some(&token), &query).await.expect_status(401);
    no_secret_in(&r.text);
    ctx.delete(&format!("{TOKENS}{id}/"), &ctx.admin)
        .await
        .expect_status(404);
    // One that expired a minute ago.
    let (expired, hash) = switchboard_server::auth::new_service_token();
    let audit = AuditEntry {
        actor_id: None,
        actor_email: "test".into(),
        action: "create-service-token".into(),
        integration_id: None,
        website_id: None,
        fields: vec![],
        via: "test".into(),
    };
    ctx.db
        .create_service_token(
            &NewServiceToken {
                hash,
                name: "old".into(),
                website_id: None,
                types: vec!["*".into()],
                expires_at: Some(now - 60),
                created_by: None,
            },
            &audit,
        )
        .await
        .unwrap();
    fetch(&ctx, Some(&expired), &query).await.expect_status(401);
    // A website's deletion takes its tokens with it (never widening to all).
    let w2 = ctx.website("gone").await;
    service_token(&ctx, json!({"name": "g", "website": w2, "types": ["*"]})).await;
    ctx.delete(&format!("/api/v1/websites/{w2}/"), &ctx.admin)
        .await
        .expect_status(204);
    let r = ctx.get(TOKENS, &ctx.admin).await;
    assert!(
        items(&r.body["results"]).all(|t| t["name"] != "g"),
        "{}",
        r.text
    );
}

async fn service_tokens_are_made_by_admins_with_clear_field_errors(ctx: Ctx) {
    let a: &User = &ctx.admin;
    let r = ctx.post(TOKENS, a, json!({})).await.expect_status(400);
    assert!(
        r.body["name"].is_array() && r.body["types"].is_array(),
        "{}",
        r.text
    );
    let r = ctx
        .post(
            TOKENS,
            a,
            json!({"name": "p", "types": ["stripe", "no-such-thing"]}),
        )
        .await
        .expect_status(400);
    r.assert_field("types", "no-such-thing");
    let r = ctx
        .post(TOKENS, a, json!({"name": "p", "types": []}))
        .await
        .expect_status(400);
    r.assert_field("types", "*");
    // A bad value of one field: that field's errors.
    for (field, value) in [("website", 999), ("expires_days", 0)] {
        let mut body = json!({"name": "p", "types": ["*"]});
        body[field] = json!(value);
        let r = ctx.post(TOKENS, a, body).await.expect_status(400);
        assert!(r.body[field].is_array(), "{}", r.text);
    }
    // Nothing was made by the refused requests.
    let r = ctx.get(TOKENS, a).await.expect_status(200);
    assert_eq!(r.body["count"], 0);
    // The document's keys and the catalog's ids are both accepted.
    let (_, _) = service_token(
        &ctx,
        json!({"name": "ok", "types": ["nexmo", "vonage", "sms"]}),
    )
    .await;
}

async fn credential_fetches_are_rate_limited_in_the_database(ctx: Ctx) {
    let w = ctx.website("shop").await;
    stripe(&ctx, w, "Production Stripe").await;
    let (id, token) = service_token(
        &ctx,
        json!({"name": "p", "website": w, "types": ["stripe"]}),
    )
    .await;
    let query = format!("website={w}&type=stripe");
    let limit = ctx.state.settings().credential_limit;
    for _ in 0..limit {
        fetch(&ctx, Some(&token), &query).await.expect_status(200);
    }
    let r = fetch(&ctx, Some(&token), &query).await.expect_status(429);
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    no_secret_in(&r.text);
    // Another token has its own budget.
    let (_, second) = service_token(
        &ctx,
        json!({"name": "q", "website": w, "types": ["stripe"]}),
    )
    .await;
    fetch(&ctx, Some(&second), &query).await.expect_status(200);
    // The count is the database's, which every replica shares: one more
    // request counted there by another process lands over the limit too.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let (hits, _) = ctx
        .db
        .hit_rate_limit(&format!("credentials:{id}"), now, 60_000)
        .await
        .unwrap();
    assert_eq!(hits, i64::from(limit) + 2);
}

/// Fetches at once share commits (group commit), and still each is counted
/// once and audited once before it is answered: of 20 at once with a limit
/// of 5, exactly 5 succeed, and exactly 5 audit entries exist.
async fn concurrent_fetches_are_each_counted_and_audited_once(ctx: Ctx) {
    let w = ctx.website("shop").await;
    let id = stripe(&ctx, w, "Production Stripe").await;
    let (_, token) = service_token(
        &ctx,
        json!({"name": "p", "website": w, "types": ["stripe"]}),
    )
    .await;
    let limit = ctx.state.settings().credential_limit as usize;
    let query = format!("website={w}&type=stripe");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (ctx, token, query) = (ctx.clone(), token.clone(), query.clone());
            tokio::spawn(async move { fetch(&ctx, Some(&token), &query).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        limit,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        20 - limit,
        "{statuses:?}"
    );
    let r = ctx.audit_of(id).await;
    let reads = items(&r.body["results"])
        .filter(|e| e["action"] == "read-credentials")
        .count();
    assert_eq!(reads, limit, "{}", r.text);
}
