//! The first document's API: list, create, detail, update, delete, the five
//! configure routes, test, logs and stats, with their failures.

use serde_json::{json, Value};
use switchboard_catalog::samples::minimal_config;

use crate::ctx::{items, Ctx};

crate::tests![
    create_list_and_detail,
    field_errors_are_400_with_fields,
    configure_each_type,
    update_and_delete,
    test_updates_health_and_logs,
    stats_count_what_the_caller_sees,
    configure_keeps_secrets_not_sent_again,
    the_list_is_paged_beyond_its_limit,
];

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

async fn create_list_and_detail(ctx: Ctx) {
    let a = &ctx.admin;
    let r = ctx
        .post(
            "/api/integrations/",
            a,
            json!({"integration_type": "email", "name": "Newsletters", "provider": "sendgrid", "config": {"from_name": "Brand"}}),
        )
        .await.expect_status(201);
    assert_eq!(keys(&r.body), ["id", "integration_type", "name", "status"]);
    assert_eq!(r.body["status"], "pending");
    let email = r.body["id"].as_i64().unwrap();
    let sms = ctx.first(a, "sms", "Texts").await;

    let r = ctx.get("/api/integrations/", a).await.expect_status(200);
    let list = r.body["integrations"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], sms, "newest first");
    assert_eq!(
        keys(&list[0]),
        [
            "created_at",
            "error_count",
            "id",
            "integration_type",
            "is_active",
            "last_sync_at",
            "name",
            "provider",
            "status"
        ]
    );
    assert_eq!(list[0]["provider"], "twilio", "sms defaults to twilio");
    assert_eq!(list[0]["is_active"], false);

    let r = ctx.get("/api/integrations/?type=email", a).await;
    let list = r.body["integrations"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], email);
    let r = ctx
        .get("/api/integrations/?type=fax", a)
        .await
        .expect_status(400);
    assert!(r.body["fields"]["type"]
        .as_str()
        .unwrap()
        .contains("Unknown integration type"));

    let r = ctx
        .get(&format!("/api/integrations/{email}/"), a)
        .await
        .expect_status(200);
    assert_eq!(
        keys(&r.body),
        [
            "config",
            "created_at",
            "error_count",
            "expires_at",
            "expires_source",
            "id",
            "integration_type",
            "is_active",
            "last_error",
            "last_sync_at",
            "name",
            "provider",
            "secret_set_at",
            "specific_config",
            "status"
        ]
    );
    assert_eq!(r.body["config"], json!({"from_name": "Brand"}));
    assert_eq!(
        r.body["specific_config"],
        json!({}),
        "{{}} until configured"
    );

    let r = ctx.get("/api/integrations/999999/", a).await;
    assert_eq!(
        (r.status, r.body.clone()),
        (404, json!({"error": "Integration not found"}))
    );
    let r = ctx
        .get("/api/integrations/abc/", a)
        .await
        .expect_status(404);
    assert_eq!(r.body["error"], "Integration not found");
}

async fn field_errors_are_400_with_fields(ctx: Ctx) {
    let a = &ctx.admin;
    let r = ctx
        .post("/api/integrations/", a, json!({}))
        .await
        .expect_status(400);
    assert!(r.body["error"].is_string());
    assert_eq!(r.body["fields"]["name"], "This field is required.");
    assert_eq!(
        r.body["fields"]["integration_type"],
        "This field is required."
    );

    // One bad field each: 400 naming it (with what is wrong, where given).
    let id = ctx.first(a, "sms", "Texts").await;
    let signup = ctx.first(a, "signup_page", "Landing").await;
    let one = format!("/api/integrations/{id}/");
    let cases = [
        (
            "POST",
            "/api/integrations/".to_owned(),
            json!({"integration_type": "fax", "name": "x"}),
            "integration_type",
            "Unknown integration type 'fax'",
        ),
        (
            "POST",
            "/api/integrations/".to_owned(),
            json!({"integration_type": "email", "name": "x", "provider": "stripe"}),
            "provider",
            "Unknown provider 'stripe'",
        ),
        (
            "POST",
            "/api/integrations/".to_owned(),
            json!({"integration_type": "email", "name": "x", "config": {"from_email": "not-an-email"}}),
            "from_email",
            "",
        ),
        (
            "PUT",
            one.clone(),
            json!({"status": "broken"}),
            "status",
            "not a status",
        ),
        ("PUT", one, json!({"name": "  "}), "name", ""),
        (
            "POST",
            format!("/api/integrations/{id}/configure/sms/"),
            json!({"from_phone_number": "12345", "account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": "0123456789abcdef0123456789abcdef"}),
            "from_phone_number",
            "",
        ),
        (
            "POST",
            format!("/api/integrations/{signup}/configure/signup/"),
            json!({"page_url": "not a url"}),
            "page_url",
            "",
        ),
    ];
    for (method, path, body, field, part) in cases {
        let r = ctx
            .call(method, &path, Some(&a.token), Some(body))
            .await
            .expect_status(400);
        let message = r.body["fields"][field].as_str();
        assert!(
            message.is_some_and(|m| m.contains(part)),
            "{field}: {}",
            r.text
        );
    }

    let email = ctx.first(a, "email", "Mail").await;
    let r = ctx
        .post(
            &format!("/api/integrations/{email}/configure/email/"),
            a,
            json!({"provider": "smtp"}),
        )
        .await
        .expect_status(400);
    for key in ["from_email", "smtp_host", "smtp_password"] {
        assert!(r.body["fields"][key].is_string(), "{key}: {}", r.text);
    }
    let r = ctx
        .call("POST", "/api/integrations/", Some(&a.token), None)
        .await;
    assert_eq!(r.status, 400, "an empty body is an empty object");
    let res = ctx
        .client
        .post(format!("{}/api/integrations/", ctx.base))
        .bearer_auth(&a.token)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("JSON"));
}

async fn configure_each_type(ctx: Ctx) {
    let a = &ctx.admin;
    let cases = [
        (
            "email",
            "email",
            json!({"provider": "sendgrid", "from_email": "noreply@example.com", "from_name": "My Company", "api_key": "SG.xxxxx"}),
        ),
        (
            "whatsapp",
            "whatsapp",
            json!({"phone_number_id": "123456789", "business_account_id": "987654321", "access_token": "EAAxxxxx"}),
        ),
        (
            "sms",
            "sms",
            json!({"provider": "twilio", "from_phone_number": "+1234567890", "account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": "0123456789abcdef0123456789abcdef"}),
        ),
        (
            "signup_page",
            "signup",
            json!({"page_url": "https://mysite.com/signup", "auto_create_contact": true, "apply_tag": "Newsletter"}),
        ),
        (
            "facebook",
            "facebook",
            json!({"app_id": "123456789", "app_secret": "0123456789abcdef0123456789abcdef", "access_token": "EAAxxxxx", "enable_lead_ads": true}),
        ),
    ];
    for (type_id, segment, body) in cases {
        let id = ctx.first(a, type_id, type_id).await;
        let r = ctx
            .post(
                &format!("/api/integrations/{id}/configure/{segment}/"),
                a,
                body,
            )
            .await;
        assert_eq!(r.status, 200, "{type_id}: {}", r.text);
        assert_eq!(r.body["success"], true);
        assert_eq!(r.body["integration_id"], id);
        assert!(r.body["config_id"].is_i64());
        let d = ctx.get(&format!("/api/integrations/{id}/"), a).await.body;
        assert_eq!(d["status"], "active", "{type_id}");
        assert_eq!(d["is_active"], true);
        let spec = d["specific_config"].as_object().unwrap();
        assert!(!spec.is_empty(), "{type_id}");
        // Secret values never show; their names show only in secret_set_at
        // (when each was set: dates only).
        let mut shown = d.clone();
        let dates = shown.as_object_mut().unwrap().remove("secret_set_at");
        assert!(dates.is_some_and(|v| v.as_object().unwrap().values().all(Value::is_string)));
        for secret in [
            "api_key",
            "access_token",
            "auth_token",
            "app_secret",
            "smtp_password",
        ] {
            assert!(
                !shown.to_string().contains(&format!("\"{secret}\"")),
                "{type_id} leaks {secret}"
            );
        }
        // Another type's configure route is "not found".
        let other = if segment == "email" { "sms" } else { "email" };
        let r = ctx
            .post(
                &format!("/api/integrations/{id}/configure/{other}/"),
                a,
                json!({}),
            )
            .await;
        assert_eq!(
            (r.status, r.body.clone()),
            (404, json!({"error": "Integration not found"}))
        );
    }
    // Defaults of the contract.
    let id = ctx.first(a, "facebook", "FB").await;
    ctx.post(
        &format!("/api/integrations/{id}/configure/facebook/"),
        a,
        json!({"app_id": "1", "app_secret": "0123456789abcdef0123456789abcdef", "access_token": "EAAx"}),
    )
    .await;
    let spec =
        ctx.get(&format!("/api/integrations/{id}/"), a).await.body["specific_config"].clone();
    assert_eq!(spec["enable_lead_ads"], false);
    assert_eq!(spec["enable_messenger"], false);
    assert_eq!(spec["auto_create_contact_from_leads"], true);
    let id = ctx.first(a, "email", "SMTP").await;
    let mut body = minimal_config("email", "smtp");
    body.insert("api_key".into(), json!(""));
    body.insert("aws_region".into(), json!(""));
    let r = ctx
        .post(
            &format!("/api/integrations/{id}/configure/email/"),
            a,
            Value::Object(body),
        )
        .await;
    assert_eq!(
        r.status, 200,
        "blank keys of other providers are ignored: {}",
        r.text
    );
    let spec =
        ctx.get(&format!("/api/integrations/{id}/"), a).await.body["specific_config"].clone();
    assert_eq!(spec["provider"], "smtp", "email defaults to smtp");
    assert_eq!(spec["smtp_use_tls"], true);
    let id = ctx.first(a, "signup_page", "Page").await;
    ctx.post(
        &format!("/api/integrations/{id}/configure/signup/"),
        a,
        json!({}),
    )
    .await;
    let spec =
        ctx.get(&format!("/api/integrations/{id}/"), a).await.body["specific_config"].clone();
    assert_eq!(spec["form_fields"], json!([]));
    assert_eq!(spec["auto_create_contact"], true);
}

async fn update_and_delete(ctx: Ctx) {
    let a = &ctx.admin;
    let id = ctx.first(a, "email", "Mail").await;
    let r = ctx
        .put(
            &format!("/api/integrations/{id}/"),
            a,
            json!({"name": "Renamed", "status": "inactive", "is_active": true, "provider": "mailgun", "config": {"from_name": "X"}}),
        )
        .await.expect_status(200);
    assert_eq!(
        r.body,
        json!({"id": id, "name": "Renamed", "status": "inactive", "is_active": true})
    );
    let d = ctx.get(&format!("/api/integrations/{id}/"), a).await.body;
    assert_eq!(d["provider"], "mailgun");
    assert_eq!(d["config"]["from_name"], "X");
    ctx.put(
        &format!("/api/integrations/{id}/"),
        a,
        json!({"config": {"from_name": null}}),
    )
    .await
    .expect_status(200);
    assert_eq!(
        ctx.get(&format!("/api/integrations/{id}/"), a).await.body["config"],
        json!({})
    );

    ctx.post(&format!("/api/integrations/{id}/test/"), a, json!({}))
        .await;
    let r = ctx.delete(&format!("/api/integrations/{id}/"), a).await;
    assert_eq!((r.status, r.body.clone()), (200, json!({"success": true})));
    let gone = format!("/api/integrations/{id}/");
    ctx.expect_all(a, &[("GET", &gone, 404), ("DELETE", &gone, 404)])
        .await;
    assert!(
        ctx.db.logs(id, 50).await.unwrap().is_empty(),
        "logs go with it"
    );
    let tombs = ctx.db.tombstones().await.unwrap();
    assert_eq!(tombs.len(), 1);
    assert_eq!(tombs[0].0, id);
}

async fn test_updates_health_and_logs(ctx: Ctx) {
    let a = &ctx.admin;
    let id = ctx.first(a, "email", "Mail").await;
    let path = format!("/api/integrations/{id}/");
    // Not configured yet: not testable, health unchanged.
    let r = ctx
        .post(&format!("{path}test/"), a, json!({}))
        .await
        .expect_status(200);
    assert_eq!(r.body["success"], false);
    r.assert_says("message", "Not ready");
    assert_eq!(ctx.get(&path, a).await.body["status"], "pending");

    ctx.post(
        &format!("{path}configure/email/"),
        a,
        json!({"provider": "sendgrid", "from_email": "a@example.com", "api_key": "SG.bad-key"}),
    )
    .await
    .expect_status(200);
    let r = ctx.post(&format!("{path}test/"), a, json!({})).await;
    assert_eq!(r.body["success"], false);
    assert!(r.body["message"].as_str().unwrap().contains("rejected"));
    let d = ctx.get(&path, a).await.body;
    assert_eq!(
        (d["status"].clone(), d["error_count"].clone()),
        (json!("error"), json!(1))
    );
    assert!(d["last_error"].as_str().unwrap().contains("rejected"));
    ctx.post(&format!("{path}test/"), a, json!({})).await;
    assert_eq!(
        ctx.get(&path, a).await.body["error_count"],
        2,
        "consecutive errors"
    );

    ctx.post(
        &format!("{path}configure/email/"),
        a,
        json!({"provider": "sendgrid", "from_email": "a@example.com", "api_key": "SG.good-key"}),
    )
    .await;
    // The limit is 3 per minute per user and integration: the admin used 3.
    let other = ctx.user(switchboard_server::model::Role::Admin, &[]).await;
    let r = ctx.post(&format!("{path}test/"), &other, json!({})).await;
    assert_eq!(r.body["success"], true, "{}", r.text);
    let d = ctx.get(&path, a).await.body;
    assert_eq!(d["status"], "active");
    assert_eq!(d["error_count"], 0);
    assert!(d["last_sync_at"].is_string());
    assert!(d["last_error"].is_null());

    let audit = ctx
        .get(&format!("/api/v1/audit/?integration={id}"), a)
        .await
        .body;
    let tests: Vec<&serde_json::Value> = items(&audit["results"])
        .filter(|e| e["action"] == "test")
        .collect();
    assert_eq!(tests.len(), 3, "two failures and a success changed health");
    assert_eq!(
        tests[0]["fields"],
        json!(["status", "last_sync_at", "last_error", "error_count"])
    );
    assert_eq!(tests[0]["actor"]["email"], other.email);

    let logs = ctx.get(&format!("{path}logs/"), a).await.expect_status(200);
    let logs = logs.body["logs"].as_array().unwrap().clone();
    assert_eq!(logs[0]["level"], "success", "newest first");
    assert!(logs.iter().any(|l| l["level"] == "error"));
    assert!(logs.iter().any(|l| l["level"] == "warning"));
    for l in &logs {
        for k in ["id", "level", "message", "details", "created_at"] {
            assert!(l.get(k).is_some(), "{k}");
        }
    }
    assert!(!logs.iter().any(|l| l.to_string().contains("good-key")));
    for _ in 0..60 {
        ctx.put(&path, a, json!({"name": format!("n{}", rand_suffix())}))
            .await;
    }
    let logs = ctx.get(&format!("{path}logs/"), a).await.body["logs"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(logs, 50, "at most 50");
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

async fn stats_count_what_the_caller_sees(ctx: Ctx) {
    let a = &ctx.admin;
    let member = ctx.user(switchboard_server::model::Role::Member, &[]).await;
    ctx.first(a, "email", "A").await;
    let sms = ctx.first(a, "sms", "B").await;
    ctx.first(&member, "whatsapp", "C").await;
    ctx.put(
        &format!("/api/integrations/{sms}/"),
        a,
        json!({"is_active": true, "status": "error"}),
    )
    .await;
    let r = ctx
        .get("/api/integrations/stats/", a)
        .await
        .expect_status(200);
    assert_eq!(
        r.body,
        json!({"total": 3, "active": 1, "inactive": 2, "error": 1,
               "by_type": {"email": 1, "whatsapp": 1, "sms": 1, "signup_page": 0, "facebook": 0}})
    );
    let r = ctx.get("/api/integrations/stats/", &member).await;
    assert_eq!(r.body["total"], 1);
    assert_eq!(r.body["by_type"]["whatsapp"], 1);
    assert_eq!(r.body["by_type"]["email"], 0);
}

async fn configure_keeps_secrets_not_sent_again(ctx: Ctx) {
    let a = &ctx.admin;
    let id = ctx.first(a, "whatsapp", "WA").await;
    let path = format!("/api/integrations/{id}/configure/whatsapp/");
    ctx.post(
        &path,
        a,
        json!({"phone_number_id": "1", "business_account_id": "2", "access_token": "EAAfirst"}),
    )
    .await
    .expect_status(200);
    let r = ctx
        .post(
            &path,
            a,
            json!({"phone_number_id": "3", "business_account_id": "4"}),
        )
        .await;
    assert_eq!(r.status, 200, "the stored token is kept: {}", r.text);
    ctx.post(&format!("/api/integrations/{id}/test/"), a, json!({}))
        .await;
    let seen = ctx.checker.seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(seen.secrets["access_token"], "EAAfirst");
}

/// `GET /api/integrations/` answers at most `limit` rows (default 500, at
/// most 1000) with a `next` link only when there are more; a short list
/// keeps the original's shape.
async fn the_list_is_paged_beyond_its_limit(ctx: Ctx) {
    let a = &ctx.admin;
    for i in 0..7 {
        ctx.first(a, "email", &format!("paged {i}")).await;
    }
    let all = ctx.get("/api/integrations/", a).await.expect_status(200);
    let keys: Vec<&String> = all.body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["integrations"], "a short list: the original shape");
    assert_eq!(all.body["integrations"].as_array().unwrap().len(), 7);

    let mut path = "/api/integrations/?limit=3&type=email".to_owned();
    let mut names = Vec::new();
    let mut pages = 0;
    loop {
        let r = ctx.get(&path, a).await.expect_status(200);
        let rows = r.body["integrations"].as_array().unwrap();
        assert!(rows.len() <= 3, "{}", r.text);
        names.extend(
            rows.iter()
                .map(|row| row["name"].as_str().unwrap().to_owned()),
        );
        pages += 1;
        match r.body["next"].as_str() {
            Some(next) => path = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (0..7).rev().map(|i| format!("paged {i}")).collect();
    assert_eq!(names, expected, "newest first, each once");

    for bad in ["limit=0", "limit=1001", "limit=x", "offset=-1"] {
        let r = ctx.get(&format!("/api/integrations/?{bad}"), a).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        assert!(r.text.contains("Enter a whole number"), "{bad}: {}", r.text);
    }
}
