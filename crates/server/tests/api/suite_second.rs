//! The second document's API: pagination and filters, masking, PATCH/PUT
//! secret semantics, validation errors, uniqueness, 204 on delete, and the
//! same rows seen through both APIs.

use serde_json::{json, Value};

use crate::ctx::Ctx;

crate::tests![
    create_read_and_list_pages,
    masking_by_length,
    patch_and_put_secret_rules,
    field_errors_and_uniqueness,
    delete_is_204,
    one_data_model_under_both_apis,
    secret_written_through_one_api_is_tested_through_the_other,
    real_provider_check_against_a_fake_stripe,
    every_document_integration_type_key_is_accepted,
    concurrent_creates_share_commits_and_keep_the_unique_set,
];

const PATH: &str = "/api/v1/websites/integrations/";

fn stripe(website: i64, name: &str) -> Value {
    json!({
        "website": website, "integration_type": "stripe", "name": name,
        "api_key": "sk_live_0123456789abcdefghij", "secret_key": "rk_live_abcdefghij0123",
        "config": {"webhook_secret": "whsec_0123456789", "currency": "usd"}, "is_active": true
    })
}

async fn create_read_and_list_pages(ctx: Ctx) {
    let a = &ctx.admin;
    let w1 = ctx.website("one").await;
    let w2 = ctx.website("two").await;
    let r = ctx
        .post(PATH, a, stripe(w1, "Production Stripe"))
        .await
        .expect_status(201);
    let mut k: Vec<&String> = r.body.as_object().unwrap().keys().collect();
    k.sort();
    assert_eq!(
        k,
        [
            "config",
            "description",
            "id",
            "integration_type",
            "is_active",
            "name",
            "website"
        ]
    );
    assert_eq!(r.body["config"]["currency"], "usd");
    assert_eq!(r.body["config"]["webhook_secret"], "************6789");
    let id = r.body["id"].as_i64().unwrap();

    let d = ctx.get(&format!("{PATH}{id}/"), a).await.expect_status(200);
    let mut k: Vec<&String> = d.body.as_object().unwrap().keys().collect();
    k.sort();
    assert_eq!(
        k,
        [
            "access_token",
            "api_key",
            "config",
            "created_at",
            "created_by",
            "description",
            "expires_at",
            "expires_source",
            "id",
            "integration_type",
            "is_active",
            "name",
            "secret_key",
            "secret_set_at",
            "updated_at",
            "website"
        ]
    );
    assert_eq!(d.body["api_key"], "************************ghij");
    assert_eq!(d.body["secret_key"], "******************0123");
    assert_eq!(d.body["access_token"], Value::Null);
    assert_eq!(d.body["created_by"], a.id);
    assert_eq!(d.body["integration_type"], "stripe");

    for i in 0..29 {
        let website = if i % 2 == 0 { w1 } else { w2 };
        let body = json!({"website": website, "integration_type": "custom", "name": format!("c{i}"), "is_active": i % 3 != 0});
        ctx.second(body).await;
    }
    let r = ctx.get(PATH, a).await.expect_status(200);
    assert_eq!(r.body["count"], 30);
    assert_eq!(r.body["results"].as_array().unwrap().len(), 25);
    assert_eq!(r.body["results"][0]["name"], "c28", "newest first");
    assert_eq!(r.body["previous"], Value::Null);
    let next = r.body["next"].as_str().unwrap().to_owned();
    assert!(
        next.starts_with(&ctx.base) && next.ends_with("?page=2"),
        "{next}"
    );
    let r2 = ctx.get(next.strip_prefix(&ctx.base).unwrap(), a).await;
    assert_eq!(r2.body["results"].as_array().unwrap().len(), 5);
    assert_eq!(r2.body["next"], Value::Null);
    assert_eq!(r2.body["previous"], format!("{}{PATH}", ctx.base));
    let last = ctx
        .get(&format!("{PATH}?page=last"), a)
        .await
        .expect_status(200);
    assert_eq!(
        (last.body["count"].clone(), last.body["results"].clone()),
        (json!(30), r2.body["results"].clone())
    );
    // A filter nothing matches: page 1 exists, empty, with its count.
    let none = ctx
        .get(
            &format!("{PATH}?integration_type=stripe&is_active=false"),
            a,
        )
        .await
        .expect_status(200);
    assert_eq!(
        (none.body["count"].clone(), none.body["results"].clone()),
        (json!(0), json!([]))
    );

    let r = ctx.get(&format!("{PATH}?website={w1}"), a).await;
    assert_eq!(r.body["count"], 16);
    let r = ctx
        .get(&format!("{PATH}?website={w1}&page=2"), a)
        .await
        .expect_status(404);
    assert_eq!(r.body, json!({"detail": "Invalid page."}));
    let r = ctx.get(&format!("{PATH}?integration_type=stripe"), a).await;
    assert_eq!(r.body["count"], 1);
    let r = ctx.get(&format!("{PATH}?is_active=false"), a).await;
    assert_eq!(r.body["count"], 10);
    let r = ctx
        .get(&format!("{PATH}?is_active=true&website={w2}"), a)
        .await;
    assert_eq!(r.body["count"], 9);
    let r = ctx
        .get(&format!("{PATH}?integration_type=fax"), a)
        .await
        .expect_status(400);
    assert!(r.body["integration_type"][0].is_string());
    let r = ctx
        .get(&format!("{PATH}?website=abc"), a)
        .await
        .expect_status(400);
    assert!(r.body["website"][0].is_string());
    ctx.get(&format!("{PATH}?page=0"), a)
        .await
        .expect_status(404);
}

async fn masking_by_length(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("mask").await;
    let forty = "0123456789abcdefghijklmnopqrstuvwxyzABCD";
    assert_eq!(forty.len(), 40);
    let id = ctx
        .second(
            json!({"website": w, "integration_type": "custom", "name": "m",
                       "api_key": "a", "secret_key": "abcd", "access_token": "abcde"}),
        )
        .await;
    let d = ctx.get(&format!("{PATH}{id}/"), a).await.body;
    assert_eq!(d["api_key"], "****", "1 character");
    assert_eq!(d["secret_key"], "****", "4 characters");
    assert_eq!(d["access_token"], "*bcde", "5 characters");
    ctx.patch(
        &format!("{PATH}{id}/"),
        a,
        json!({"api_key": forty, "secret_key": ""}),
    )
    .await
    .expect_status(200);
    let d = ctx.get(&format!("{PATH}{id}/"), a).await.body;
    assert_eq!(
        d["api_key"],
        format!("{}ABCD", "*".repeat(36)),
        "40 characters"
    );
    assert_eq!(d["secret_key"], Value::Null, "0 characters: none");
    let id2 = ctx
        .second(json!({"website": w, "integration_type": "custom", "name": "empty", "api_key": ""}))
        .await;
    let d = ctx.get(&format!("{PATH}{id2}/"), a).await.body;
    assert_eq!(d["api_key"], Value::Null, "an empty secret is no secret");
    let list = ctx.get(&format!("{PATH}?website={w}"), a).await.body;
    assert_eq!(
        list["results"][1]["api_key"],
        format!("{}ABCD", "*".repeat(36))
    );
    assert!(!list.to_string().contains(forty));
}

async fn patch_and_put_secret_rules(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("rules").await;
    let id = ctx.second(stripe(w, "S")).await;
    let path = format!("{PATH}{id}/");
    // Absent keeps.
    let r = ctx
        .patch(&path, a, json!({"is_active": false, "description": "d"}))
        .await
        .expect_status(200);
    assert_eq!(r.body["is_active"], false);
    let d = ctx.get(&path, a).await.body;
    assert_eq!(d["api_key"], "************************ghij");
    assert_eq!(d["secret_key"], "******************0123");
    // A value replaces.
    ctx.patch(&path, a, json!({"api_key": "sk_test_new_value_WXYZ"}))
        .await;
    assert_eq!(
        ctx.get(&path, a).await.body["api_key"],
        "******************WXYZ"
    );
    // "" clears an optional secret; a required one cannot be cleared.
    ctx.patch(&path, a, json!({"secret_key": ""}))
        .await
        .expect_status(200);
    assert_eq!(ctx.get(&path, a).await.body["secret_key"], Value::Null);
    let r = ctx
        .patch(&path, a, json!({"api_key": ""}))
        .await
        .expect_status(400);
    r.assert_field("api_key", "required");
    // Sending back what was read changes nothing.
    let d = ctx.get(&path, a).await.body;
    ctx
        .put(&path, a, json!({"website": w, "integration_type": "stripe", "name": "S", "api_key": d["api_key"], "config": d["config"]}))
        .await.expect_status(200);
    ctx.post(&format!("/api/integrations/{id}/test/"), a, json!({}))
        .await;
    let seen = ctx.checker.seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(seen.secrets["api_key"], "sk_test_new_value_WXYZ");
    assert_eq!(seen.secrets["webhook_secret"], "whsec_0123456789");
    // PUT needs website, integration_type and name.
    let r = ctx
        .put(&path, a, json!({"name": "S"}))
        .await
        .expect_status(400);
    assert_eq!(r.body["website"], json!(["This field is required."]));
    assert_eq!(
        r.body["integration_type"],
        json!(["This field is required."])
    );
    // Config replaces public keys; secret keys inside it follow the secret rule.
    ctx.patch(
        &path,
        a,
        json!({"config": {"publishable_key": "pk_live_abc"}}),
    )
    .await
    .expect_status(200);
    let d = ctx.get(&path, a).await.body;
    assert_eq!(
        d["config"],
        json!({"publishable_key": "pk_live_abc", "webhook_secret": "************6789"})
    );
    ctx.patch(&path, a, json!({"config": {"webhook_secret": ""}}))
        .await
        .expect_status(200);
    assert_eq!(ctx.get(&path, a).await.body["config"], json!({}));
}

async fn field_errors_and_uniqueness(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("errs").await;
    let r = ctx.post(PATH, a, json!({})).await.expect_status(400);
    for key in ["website", "integration_type", "name"] {
        assert_eq!(r.body[key], json!(["This field is required."]), "{key}");
    }
    let r = ctx
        .post(
            PATH,
            a,
            json!({"website": w, "integration_type": "fax", "name": ""}),
        )
        .await;
    assert_eq!(
        r.body["integration_type"],
        json!(["\"fax\" is not a valid choice."])
    );
    let r = ctx
        .post(
            PATH,
            a,
            json!({"website": 99999, "integration_type": "custom", "name": ""}),
        )
        .await
        .expect_status(400);
    assert_eq!(
        r.body["website"],
        json!(["Invalid pk \"99999\" - object does not exist."])
    );
    let r = ctx
        .post(PATH, a, json!({"website": w, "integration_type": "stripe", "name": "x", "api_key": "pk_live_wrongkind"}))
        .await.expect_status(400);
    assert!(r.body["api_key"][0].is_string(), "{}", r.text);
    let r = ctx
        .post(PATH, a, json!({"website": w, "integration_type": "stripe", "name": "x", "api_key": "sk_live_x", "config": {"currency": "dollars"}}))
        .await.expect_status(400);
    assert!(r.body["currency"][0].is_string(), "{}", r.text);
    let r = ctx
        .post(PATH, a, json!({"website": w, "integration_type": "stripe", "name": "x", "api_key": "sk_live_x", "access_token": "tok"}))
        .await.expect_status(400);
    assert!(r.body["access_token"][0]
        .as_str()
        .unwrap()
        .contains("no access_token"));
    let r = ctx
        .post(
            PATH,
            a,
            json!({"website": w, "integration_type": "custom", "name": "x", "is_active": "maybe"}),
        )
        .await;
    assert_eq!(r.body["is_active"], json!(["Must be a valid boolean."]));

    // The unique set (website, integration_type, name), "" included.
    ctx.second(json!({"website": w, "integration_type": "custom", "name": ""}))
        .await;
    let r = ctx
        .post(
            PATH,
            a,
            json!({"website": w, "integration_type": "custom", "name": ""}),
        )
        .await
        .expect_status(400);
    assert_eq!(
        r.body,
        json!({"non_field_errors": ["The fields website, integration_type, name must make a unique set."]})
    );
    let other = ctx.website("other").await;
    ctx.second(json!({"website": other, "integration_type": "custom", "name": ""}))
        .await;
    let id = ctx
        .second(json!({"website": other, "integration_type": "custom", "name": "renamed"}))
        .await;
    let r = ctx
        .patch(&format!("{PATH}{id}/"), a, json!({"name": ""}))
        .await
        .expect_status(400);
    assert!(r.body["non_field_errors"].is_array());
    // Through the first API the same rule answers in its own shape.
    let r = ctx.post("/api/integrations/", a, json!({"integration_type": "custom", "provider": "custom", "name": "renamed", "website": other})).await.expect_status(400);
    assert!(
        r.body["error"].is_string() && r.body["fields"]["name"].is_string(),
        "{}",
        r.text
    );
}

async fn delete_is_204(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("del").await;
    let id = ctx.second(stripe(w, "S")).await;
    let r = ctx
        .delete(&format!("{PATH}{id}/"), a)
        .await
        .expect_status(204);
    assert!(r.text.is_empty());
    let r = ctx.delete(&format!("{PATH}{id}/"), a).await;
    assert_eq!((r.status, r.body), (404, json!({"detail": "Not found."})));
    ctx.get(&format!("{PATH}{id}/"), a).await.expect_status(404);
    ctx.patch(&format!("{PATH}{id}/"), a, json!({"name": "x"}))
        .await
        .expect_status(404);
}

async fn one_data_model_under_both_apis(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("both").await;
    let id = ctx.second(stripe(w, "S")).await;
    let r = ctx.get("/api/integrations/?type=payments", a).await;
    let list = r.body["integrations"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["provider"], "stripe");
    let d = ctx.get(&format!("/api/integrations/{id}/"), a).await.body;
    assert_eq!(
        d["config"],
        json!({"currency": "usd"}),
        "no secrets, not even masked"
    );

    let first = ctx.first(a, "email", "Mail").await;
    ctx.post(
        &format!("/api/integrations/{first}/configure/email/"),
        a,
        json!({"provider": "sendgrid", "from_email": "a@example.com", "api_key": "SG.0123456789abcdef"}),
    )
    .await;
    let d = ctx.get(&format!("{PATH}{first}/"), a).await.body;
    assert_eq!(d["website"], Value::Null);
    assert_eq!(d["integration_type"], "sendgrid");
    assert_eq!(d["api_key"], "***************cdef");
    assert_eq!(d["config"]["from_email"], "a@example.com");
    // A change through the second API shows in the first.
    ctx.patch(
        &format!("{PATH}{first}/"),
        a,
        json!({"name": "Renamed", "is_active": false}),
    )
    .await
    .expect_status(200);
    let d = ctx
        .get(&format!("/api/integrations/{first}/"), a)
        .await
        .body;
    assert_eq!(
        (d["name"].clone(), d["is_active"].clone()),
        (json!("Renamed"), json!(false))
    );
}

async fn secret_written_through_one_api_is_tested_through_the_other(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("cross").await;
    let id = ctx
        .second(
            json!({"website": w, "integration_type": "twilio", "name": "SMS",
                       "api_key": "AC0123456789abcdef0123456789abcdef",
                       "secret_key": "fedcba9876543210fedcba9876543210",
                       "config": {"from_phone_number": "+14155550123"}}),
        )
        .await;
    let r = ctx
        .post(&format!("/api/integrations/{id}/test/"), a, json!({}))
        .await
        .expect_status(200);
    assert_eq!(
        r.body,
        json!({"success": true, "message": "Connected to twilio."})
    );
    let seen = ctx.checker.seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(seen.provider, "twilio");
    assert_eq!(
        seen.secrets["auth_token"],
        "fedcba9876543210fedcba9876543210"
    );
    let d = ctx.get(&format!("/api/integrations/{id}/"), a).await.body;
    assert_eq!(d["status"], "active");
    assert_eq!(
        d["config"]["account_sid"],
        "AC0123456789abcdef0123456789abcdef"
    );
    // And the other way: configured through the first API, read masked through the second.
    let sms = ctx.first(a, "sms", "Texts").await;
    ctx.post(
        &format!("/api/integrations/{sms}/configure/sms/"),
        a,
        json!({"provider": "vonage", "from_phone_number": "+14155550123", "api_key": "key12345", "api_secret": "bad-secret-0042"}),
    )
    .await;
    let d = ctx.get(&format!("{PATH}{sms}/"), a).await.body;
    assert_eq!(d["api_key"], "****2345");
    assert_eq!(d["secret_key"], "***********0042");
    let r = ctx
        .post(&format!("/api/integrations/{sms}/test/"), a, json!({}))
        .await;
    assert_eq!(r.body["success"], false);
    let seen = ctx.checker.seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(seen.secrets["api_secret"], "bad-secret-0042");
}

/// The real provider checks (crates/providers) against a fake Stripe on
/// 127.0.0.1: the key written through the second API is the one the
/// provider receives when the first API's /test/ runs.
async fn real_provider_check_against_a_fake_stripe(ctx: Ctx) {
    use switchboard_providers::fake::{FakeServer, Reply};
    const GOOD: &str = "sk_test_goodKey0123456789";
    let stripe = FakeServer::start(|req| {
        if req.header("authorization") == Some(&format!("Bearer {GOOD}")) {
            Reply::json(200, json!({"object": "balance", "livemode": false, "available": [{"currency": "usd", "amount": 0}]}))
        } else {
            Reply::json(401, json!({"error": {"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_****"}}))
        }
    })
    .await;
    let endpoints = switchboard_providers::Endpoints::default()
        .with("stripe", &stripe.url())
        .unwrap();
    let real = switchboard_server::checks::providers(endpoints, std::time::Duration::from_secs(5))
        .unwrap();
    *ctx.checker.delegate.lock().unwrap() = Some(real);

    let a = &ctx.admin;
    let w = ctx.website("stripe").await;
    let id = ctx
        .second(json!({"website": w, "integration_type": "stripe", "name": "S", "api_key": GOOD}))
        .await;
    let r = ctx
        .post(&format!("/api/integrations/{id}/test/"), a, json!({}))
        .await
        .expect_status(200);
    assert_eq!(r.body["success"], true, "{}", r.text);
    assert!(r.body["message"]
        .as_str()
        .unwrap()
        .contains("Stripe accepted the key"));
    let requests = stripe.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, "/v1/balance");
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {GOOD}").as_str())
    );
    let d = ctx.get(&format!("/api/integrations/{id}/"), a).await.body;
    assert_eq!(
        (d["status"].clone(), d["error_count"].clone()),
        (json!("active"), json!(0))
    );
    assert!(d["last_sync_at"].is_string());

    ctx.patch(
        &format!("{PATH}{id}/"),
        a,
        json!({"api_key": "sk_test_revokedKey000"}),
    )
    .await;
    let r = ctx
        .post(&format!("/api/integrations/{id}/test/"), a, json!({}))
        .await;
    assert_eq!(r.body["success"], false, "{}", r.text);
    let d = ctx.get(&format!("/api/integrations/{id}/"), a).await.body;
    assert_eq!(
        (d["status"].clone(), d["error_count"].clone()),
        (json!("error"), json!(1))
    );
    assert!(!r.text.contains("revokedKey") && !d.to_string().contains("revokedKey"));
    let logs = ctx.get(&format!("/api/integrations/{id}/logs/"), a).await;
    assert_eq!(logs.body["logs"][0]["level"], "error");
    assert_eq!(
        logs.body["logs"][0]["details"]["details"]["http_status"],
        401
    );
    assert!(!logs.text.contains("revokedKey"));
}

/// The document's 47 `integration_type` keys, in its order.
const DOCUMENT_KEYS: [&str; 47] = [
    "sendgrid",
    "mailgun",
    "aws_ses",
    "postmark",
    "sparkpost",
    "mandrill",
    "twilio",
    "nexmo",
    "aws_sns",
    "messagebird",
    "stripe",
    "paypal",
    "razorpay",
    "square",
    "mollie",
    "aws_s3",
    "do_spaces",
    "google_cloud_storage",
    "azure_blob",
    "cloudflare",
    "aws_cloudfront",
    "fastly",
    "google_oauth",
    "facebook_oauth",
    "github_oauth",
    "linkedin_oauth",
    "twitter_oauth",
    "facebook_pixel",
    "pinterest_tag",
    "tiktok_pixel",
    "hotjar",
    "mixpanel",
    "segment",
    "intercom",
    "zendesk",
    "drift",
    "crisp",
    "pdf_api",
    "docu_sign",
    "hello_sign",
    "openai",
    "anthropic",
    "cohere",
    "zapier",
    "make",
    "webhook",
    "custom",
];

/// Every one of the document's keys is a valid choice on input (create and
/// the list filter), and comes back as the document spells it.
async fn every_document_integration_type_key_is_accepted(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("keys").await;
    for key in DOCUMENT_KEYS {
        let r = ctx
            .post(PATH, a, json!({"website": w, "integration_type": key, "name": format!("{key} one"), "is_active": false}))
            .await;
        match r.status {
            201 => assert_eq!(r.body["integration_type"], key, "{}", r.text),
            // Refused for a missing credential, never for the type.
            400 => assert!(
                r.body.get("integration_type").is_none(),
                "{key} refused as a type: {}",
                r.text
            ),
            other => panic!("{key}: {other} {}", r.text),
        }
        let r = ctx.get(&format!("{PATH}?integration_type={key}"), a).await;
        assert_eq!(r.status, 200, "{key}: {}", r.text);
        for row in r.body["results"].as_array().unwrap() {
            assert_eq!(row["integration_type"], key, "{key}: {}", r.text);
        }
    }
    // The renamed ones, made and read back under the document's key.
    for (key, body) in [
        (
            "nexmo",
            json!({"api_key": "a1b2c3d4", "secret_key": "secret-0042", "config": {"from_phone_number": "+14155550123"}}),
        ),
        (
            "webhook",
            json!({"config": {"url": "https://hooks.example.com/in"}}),
        ),
    ] {
        let mut body = body;
        body["website"] = json!(w);
        body["integration_type"] = json!(key);
        body["name"] = json!(format!("{key} made"));
        let r = ctx.post(PATH, a, body).await;
        assert_eq!(r.status, 201, "{key}: {}", r.text);
        assert_eq!(r.body["integration_type"], key);
        let id = r.body["id"].as_i64().unwrap();
        let d = ctx.get(&format!("{PATH}{id}/"), a).await;
        assert_eq!(d.body["integration_type"], key, "{}", d.text);
        let l = ctx.get(&format!("{PATH}?integration_type={key}"), a).await;
        assert_eq!(l.body["count"], 1, "{key}: {}", l.text);
    }
}

/// Creates sent at once are committed together (one writer, see
/// group_commit.rs): each is answered with its own row or, for a repeated
/// unique set, a 400, and exactly one of each name is stored, with its
/// audit entry.
async fn concurrent_creates_share_commits_and_keep_the_unique_set(ctx: Ctx) {
    let w = ctx.website("batch").await;
    let mut tasks = Vec::new();
    for n in 0..60 {
        let ctx = ctx.clone();
        // 40 names, 20 of them sent twice.
        let body = stripe(w, &format!("shop {}", n % 40));
        tasks.push(tokio::spawn(async move {
            let r = ctx.post(PATH, &ctx.admin, body).await;
            (r.status, r.body)
        }));
    }
    let mut made = std::collections::BTreeMap::new();
    let mut refused = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            201 => {
                let name = body["name"].as_str().unwrap().to_owned();
                assert!(made.insert(name, body["id"].as_i64().unwrap()).is_none());
            }
            400 => {
                assert_eq!(
                    body["non_field_errors"][0],
                    "The fields website, integration_type, name must make a unique set."
                );
                refused += 1;
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!((made.len(), refused), (40, 20));
    let list = ctx
        .get(&format!("{PATH}?website={w}&page_size=100"), &ctx.admin)
        .await
        .expect_status(200);
    assert_eq!(list.body["count"], 40);
    for (name, id) in &made {
        let r = ctx
            .get(&format!("{PATH}{id}/"), &ctx.admin)
            .await
            .expect_status(200);
        assert_eq!(&r.body["name"], name);
        let audit = ctx.audit_of(*id).await;
        assert!(audit.text.contains("\"create\""), "{}", audit.text);
    }
}
