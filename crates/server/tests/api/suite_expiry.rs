//! Expiry and rotation on the server (issue 16): both APIs show when each
//! secret was set and the expiry a connection check stated; a REST write
//! records now, a push the laptop's date; a pull carries them. Dates only.

use serde_json::{json, Value};

use crate::ctx::Ctx;

crate::tests![
    rest_writes_date_secrets_and_checks_record_expiry,
    pushes_carry_set_dates_and_pulls_return_them,
];

/// The fake check states this expiry for secrets containing "expiring".
const STATED: &str = "2030-01-02T03:04:05.000000Z";

fn date(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("a date: {v}"))
}

async fn rest_writes_date_secrets_and_checks_record_expiry(ctx: Ctx) {
    let a = &ctx.admin;
    let id = ctx.first(a, "email", "Expiring mail").await;
    let path = format!("/api/integrations/{id}/");
    let configure = |key: &'static str| json!({"provider": "sendgrid", "from_email": "a@example.com", "api_key": key});
    let before = switchboard_domain::now();
    ctx.post(
        &format!("{path}configure/email/"),
        a,
        configure("SG.expiring-key-1"),
    )
    .await
    .expect_status(200);
    let d = ctx.get(&path, a).await.expect_status(200).body;
    let set = date(&d["secret_set_at"]["api_key"]).to_owned();
    assert!(set >= before, "{set} is the time of the write");
    assert_eq!(
        (d["expires_at"].clone(), d["expires_source"].clone()),
        (Value::Null, Value::Null)
    );
    assert!(!d.to_string().contains("expiring-key"), "never the secret");

    // The connection test records what the provider stated.
    let r = ctx
        .post(&format!("{path}test/"), a, json!({}))
        .await
        .expect_status(200);
    assert_eq!(r.body["success"], true, "{}", r.text);
    let d = ctx.get(&path, a).await.body;
    assert_eq!(d["expires_at"], STATED);
    assert_eq!(d["expires_source"], "Fake check");
    assert_eq!(
        d["secret_set_at"]["api_key"],
        set.as_str(),
        "a check sets no secret"
    );

    // The second API's detail shows the same.
    let second = ctx
        .get(&format!("/api/v1/websites/integrations/{id}/"), a)
        .await
        .expect_status(200)
        .body;
    assert_eq!(second["secret_set_at"], d["secret_set_at"]);
    assert_eq!(second["expires_at"], STATED);

    // A new value is set now and forgets the old expiry; a rename keeps both.
    ctx.put(&path, a, json!({"name": "Renamed"}))
        .await
        .expect_status(200);
    assert_eq!(ctx.get(&path, a).await.body["expires_at"], STATED);
    ctx.post(
        &format!("{path}configure/email/"),
        a,
        configure("SG.other-key-2"),
    )
    .await
    .expect_status(200);
    let d = ctx.get(&path, a).await.body;
    assert!(date(&d["secret_set_at"]["api_key"]) > set.as_str());
    assert_eq!(d["expires_at"], Value::Null);
}

async fn pushes_carry_set_dates_and_pulls_return_them(ctx: Ctx) {
    let a = &ctx.admin;
    let uid = uuid::Uuid::new_v4().to_string();
    let laptop_date = "2025-03-04T05:06:07.000000Z";
    let change = json!({
        "uid": uid, "base_revision": 0, "integration_type": "email",
        "set": {"name": "Pushed", "provider": "sendgrid", "config.from_email": "p@example.com"},
        "secrets": {"api_key": "SG.pushed-key-0001"},
        "secret_set_at": {"api_key": laptop_date},
        "expires_at": "2026-02-01T00:00:00Z", "expires_source": "Meta debug_token",
    });
    let r = ctx
        .post(
            "/api/v1/sync/push",
            a,
            json!({"batch_id": uuid::Uuid::new_v4().to_string(), "changes": [change]}),
        )
        .await
        .expect_status(200);
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.text);
    let id = r.body["results"][0]["id"].as_i64().unwrap();
    let d = ctx.get(&format!("/api/integrations/{id}/"), a).await.body;
    assert_eq!(d["secret_set_at"], json!({"api_key": laptop_date}));
    assert_eq!(d["expires_at"], "2026-02-01T00:00:00.000000Z");

    let page = ctx
        .get("/api/v1/sync/pull?since=0", a)
        .await
        .expect_status(200)
        .body;
    let pulled = page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["uid"] == uid.as_str())
        .expect("pulled");
    assert_eq!(pulled["secret_set_at"], json!({"api_key": laptop_date}));
    assert_eq!(pulled["expires_at"], "2026-02-01T00:00:00.000000Z");
    assert_eq!(pulled["expires_source"], "Meta debug_token");
    assert!(!pulled.to_string().contains("pushed-key"));
}
