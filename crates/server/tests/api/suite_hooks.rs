//! Webhook receivers (`/hooks/{key}`) and the events API: every provider
//! family with requests signed by providers.md's published vectors (Meta,
//! SendGrid) or by the providers crate's signers (checked against the
//! vectors in crates/providers/tests/webhooks.rs), bad signatures, replays
//! outside the tolerance, duplicates stored once, unknown keys, oversized
//! bodies, the Meta handshake, the Lead Ads path against a fake Graph API,
//! the public URL Twilio signs, the test-event endpoint, no secret in any
//! answer or stored payload, and concurrent deliveries (group-committed)
//! each stored once and answered with their row.

use serde_json::{json, Value};
use sha2::Digest as _;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use switchboard_providers::fake::{FakeServer, Reply};
use switchboard_providers::webhooks::{sign_mailgun, sign_meta, sign_stripe, sign_twilio};
use switchboard_server::model::{AuditEntry, Role};
use switchboard_server::{AppState, Settings, Vault};

use crate::ctx::{test_settings, Ctx, FakeCheck, Res};

crate::tests![
    receiver_and_meta_handshake,
    meta_signatures_and_duplicates,
    meta_vector_and_lead_ads_against_a_fake_graph,
    twilio_status_callbacks_and_the_public_url,
    stripe_events_replays_and_masking,
    sendgrid_vector,
    mailgun_events,
    unknown_oversized_inactive_and_deleted,
    test_events_and_paging,
    concurrent_deliveries_stored_once,
    a_batch_with_duplicates,
];

const APP_SECRET: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const VERIFY: &str = "verify-me-please-42";
const ACCESS: &str = "EAAaccesstoken0123456789";
const PAGE_TOKEN: &str = "EAApagetoken0123456789";
const TWILIO_TOKEN: &str = "fedcba9876543210fedcba9876543210";
const WHSEC: &str = "whsec_testsecret0123456789";
const MG_KEY: &str = "mailgun-signing-key-0123456789";
const SG_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
const SECRETS: [&str; 7] = [
    APP_SECRET,
    VERIFY,
    ACCESS,
    PAGE_TOKEN,
    TWILIO_TOKEN,
    WHSEC,
    MG_KEY,
];

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Asserts that no stored secret appears in a text.
#[track_caller]
fn no_secrets(text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "a secret leaked: {text}");
    }
}

/// A configured (active) first-API integration of `kind`; its id.
async fn first(ctx: &Ctx, kind: &str) -> i64 {
    let a = &ctx.admin;
    let (type_id, body) = match kind {
        "facebook" => (
            "facebook",
            json!({"app_id": "1", "app_secret": APP_SECRET, "access_token": ACCESS,
            "page_id": "102938475610293", "page_access_token": PAGE_TOKEN, "enable_lead_ads": true, "webhook_verify_token": VERIFY}),
        ),
        "whatsapp" => (
            "whatsapp",
            json!({"phone_number_id": "1", "business_account_id": "2", "access_token": ACCESS,
            "webhook_verify_token": VERIFY, "app_secret": APP_SECRET}),
        ),
        _ => (
            "sms",
            json!({"provider": "twilio", "from_phone_number": "+14155550123",
            "account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": TWILIO_TOKEN}),
        ),
    };
    let id = ctx.first(a, type_id, kind).await;
    let configure = if type_id == "sms" { "sms" } else { type_id };
    ctx.post(
        &format!("/api/integrations/{id}/configure/{configure}/"),
        a,
        body,
    )
    .await
    .expect_status(200);
    id
}

/// A second-API integration of `provider` (active); its id.
async fn second(ctx: &Ctx, provider: &str, extra: Value) -> i64 {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let w = ctx.website(&format!("site-{provider}-{n}")).await;
    let mut body =
        json!({"website": w, "integration_type": provider, "name": provider, "is_active": true});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    ctx.second(body).await
}

/// An active Stripe integration signing with [`WHSEC`]; its id.
async fn stripe(ctx: &Ctx) -> i64 {
    second(
        ctx,
        "stripe",
        json!({"api_key": "sk_test_abc0123456789", "config": {"webhook_secret": WHSEC}}),
    )
    .await
}

/// The receiver's path (`/hooks/<key>`) and URL, asked as the admin.
async fn receiver(ctx: &Ctx, id: i64) -> (String, String) {
    let r = ctx
        .get(&format!("/api/v1/integrations/{id}/receiver"), &ctx.admin)
        .await
        .expect_status(200);
    let path = r.body["path"].as_str().unwrap().to_owned();
    (path, r.body["url"].as_str().unwrap().to_owned())
}

/// POSTs `body` to `base` + `path` with these headers (no bearer token).
async fn deliver(ctx: &Ctx, url: &str, headers: &[(&str, String)], body: Vec<u8>) -> Res {
    let mut req = ctx.client.post(url).body(body);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let r = Ctx::send(req).await;
    no_secrets(&r.text);
    r
}

/// The integration's events, newest first (as the admin).
async fn events(ctx: &Ctx, id: i64) -> Vec<Value> {
    let r = ctx
        .get(&format!("/api/v1/integrations/{id}/events"), &ctx.admin)
        .await
        .expect_status(200);
    no_secrets(&r.text);
    r.body["events"].as_array().unwrap().clone()
}

/// The genuine events among `list`.
fn genuine(list: &[Value]) -> Vec<&Value> {
    list.iter().filter(|e| e["verdict"] == "genuine").collect()
}

/// Asserts the newest event is a refusal whose reason holds `part`, with no payload.
#[track_caller]
fn refused_with(list: &[Value], part: &str) {
    let e = &list[0];
    assert_eq!(e["verdict"], "refused", "{e}");
    assert_eq!(e["payload"], Value::Null, "{e}");
    assert_eq!(e["event_id"], Value::Null, "{e}");
    assert!(e["reason"].as_str().unwrap().contains(part), "{part}: {e}");
}

/// Serves the test's database with other settings on another port; its base URL and a stopper.
pub(crate) async fn server_with(
    ctx: &Ctx,
    settings: Settings,
) -> (String, tokio::sync::oneshot::Sender<()>) {
    let vault = Vault::from_base64(&ctx.key_text).unwrap();
    let state = AppState::new(
        ctx.db.clone(),
        vault,
        Arc::new(FakeCheck::default()),
        settings,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(switchboard_server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    (base, stop)
}

async fn receiver_and_meta_handshake(ctx: Ctx) {
    let id = first(&ctx, "facebook").await;
    let (path, url) = receiver(&ctx, id).await;
    let key = path.strip_prefix("/hooks/").unwrap();
    assert_eq!(key.len(), 43, "32 random bytes, base64url");
    assert_eq!(url, format!("{}{path}", ctx.base));
    assert_eq!(receiver(&ctx, id).await.0, path, "made once, then kept");
    let other = first(&ctx, "whatsapp").await;
    assert_ne!(receiver(&ctx, other).await.0, path);
    // Someone who may not see the integration gets nothing.
    let stranger = ctx.user(Role::Member, &[]).await;
    ctx.get(&format!("/api/v1/integrations/{id}/receiver"), &stranger)
        .await
        .expect_status(404);
    ctx.call(
        "GET",
        &format!("/api/v1/integrations/{id}/receiver"),
        None,
        None,
    )
    .await
    .expect_status(401);
    let hs = |token: &str, mode: &str| {
        format!("{url}?hub.mode={mode}&hub.verify_token={token}&hub.challenge=1158201444")
    };
    let r = Ctx::send(ctx.client.get(hs(VERIFY, "subscribe"))).await;
    assert_eq!((r.status, r.text.as_str()), (200, "1158201444"));
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    for (token, mode) in [("wrong", "subscribe"), (VERIFY, "unsubscribe"), ("", "")] {
        let r = Ctx::send(ctx.client.get(hs(token, mode))).await;
        assert_eq!(r.status, 403, "{}", r.text);
        assert!(r.body["detail"].as_str().unwrap().contains("handshake"));
        no_secrets(&r.text);
    }
    refused_with(&events(&ctx, id).await, "handshake");
}

fn whatsapp_message(wamid: &str) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA1", "changes": [{"field": "messages",
        "value": {"messaging_product": "whatsapp", "messages": [{"id": wamid, "from": "15550001111", "type": "text", "text": {"body": "hi"}}]}}]}]})
    .to_string()
    .into_bytes()
}

async fn meta_signatures_and_duplicates(ctx: Ctx) {
    let id = first(&ctx, "whatsapp").await;
    let (_, url) = receiver(&ctx, id).await;
    let body = whatsapp_message("wamid.ABC");
    let signed = vec![("x-hub-signature-256", sign_meta(&body, APP_SECRET))];
    for round in 0..2 {
        let r = deliver(&ctx, &url, &signed, body.clone())
            .await
            .expect_status(200);
        assert_eq!(r.body["duplicates"], round, "{}", r.text);
    }
    let list = events(&ctx, id).await;
    let good = genuine(&list);
    assert_eq!(good.len(), 1, "stored once: {list:?}");
    assert_eq!(good[0]["kind"], "whatsapp_business_account.messages");
    assert_eq!(good[0]["event_id"], "message:wamid.ABC");
    assert_eq!(good[0]["provider"], "whatsapp");
    assert_eq!(
        good[0]["payload"]["value"]["messages"][0]["text"]["body"],
        "hi"
    );
    // Tampered, wrongly keyed and unsigned deliveries are refused and recorded.
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    let wrong = vec![("x-hub-signature-256", sign_meta(&body, "another-secret"))];
    let cases = [
        (signed.clone(), tampered, 403, "does not match"),
        (wrong, whatsapp_message("wamid.X"), 403, "does not match"),
        (vec![], whatsapp_message("wamid.Y"), 403, "missing"),
        (
            vec![("x-hub-signature-256", "sha1=abc".into())],
            body.clone(),
            400,
            "sha256=",
        ),
    ];
    for (headers, payload, status, part) in cases {
        let r = deliver(&ctx, &url, &headers, payload).await;
        assert_eq!(r.status, status, "{}", r.text);
        refused_with(&events(&ctx, id).await, part);
    }
    assert_eq!(genuine(&events(&ctx, id).await).len(), 1);
}

async fn meta_vector_and_lead_ads_against_a_fake_graph(ctx: Ctx) {
    let graph = FakeServer::start(|req| {
        let right = req.path == "/v22.0/444444444444"
            && req.header("authorization") == Some(&format!("Bearer {PAGE_TOKEN}"));
        if right && req.method == "GET" {
            Reply::json(200, json!({"id": "444444444444", "created_time": "2026-12-06T00:00:00+0000",
                "field_data": [{"name": "email", "values": ["lead@example.com"]}, {"name": "full_name", "values": ["Ada Lovelace"]}]}))
        } else {
            Reply::json(400, json!({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}))
        }
    })
    .await;
    let settings = Settings {
        provider_endpoints: switchboard_providers::Endpoints::default()
            .with("meta", &graph.url())
            .unwrap(),
        ..test_settings()
    };
    let (base, _stop) = server_with(&ctx, settings).await;
    let id = first(&ctx, "facebook").await;
    let (path, _) = receiver(&ctx, id).await;
    let url = format!("{base}{path}");
    let lead = json!({"object": "page", "entry": [{"id": "102938475610293", "time": 1_700_000_000, "changes": [{"field": "leadgen",
        "value": {"leadgen_id": "444444444444", "page_id": "102938475610293", "form_id": "555", "created_time": 1_700_000_000}}]}]})
    .to_string()
    .into_bytes();
    let signed = vec![("x-hub-signature-256", sign_meta(&lead, APP_SECRET))];
    for _ in 0..2 {
        deliver(&ctx, &url, &signed, lead.clone())
            .await
            .expect_status(200);
    }
    let seen = graph.requests();
    assert_eq!(seen.len(), 1, "read once, not again for the redelivery");
    assert_eq!(seen[0].path, "/v22.0/444444444444");
    let list = events(&ctx, id).await;
    let good = genuine(&list);
    assert_eq!(good.len(), 1);
    assert_eq!(good[0]["kind"], "page.leadgen");
    assert_eq!(good[0]["event_id"], "leadgen:444444444444");
    let fields = &good[0]["payload"]["lead"]["field_data"];
    assert_eq!(fields[0]["values"][0], "lead@example.com");
    assert_eq!(fields[1]["values"][0], "Ada Lovelace");
    // providers.md's vector: body `test` with secret `secret` (stored
    // directly: the catalog wants a 32-hex app secret) is genuine, and
    // then refused only because it is not JSON.
    let mut record = ctx.db.integration(id).await.unwrap().unwrap();
    let secret = switchboard_vault::Secret::new("secret");
    ctx.state
        .vault()
        .put(&record.uid, &mut record.secrets, "app_secret", &secret);
    let audit = AuditEntry {
        actor_id: None,
        actor_email: "test".into(),
        action: "update".into(),
        integration_id: Some(id),
        website_id: None,
        fields: vec!["secrets.app_secret".into()],
        via: "test".into(),
    };
    ctx.db
        .update_integration(&record, &audit, None)
        .await
        .unwrap();
    let vector = "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914";
    let r = deliver(
        &ctx,
        &url,
        &[("x-hub-signature-256", vector.into())],
        b"test".to_vec(),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.text);
    refused_with(
        &events(&ctx, id).await,
        "signature matched, but the body is not JSON",
    );
    let r = deliver(
        &ctx,
        &url,
        &[("x-hub-signature-256", vector.into())],
        b"tesT".to_vec(),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
}

async fn twilio_status_callbacks_and_the_public_url(ctx: Ctx) {
    let id = first(&ctx, "twilio").await;
    let (path, url) = receiver(&ctx, id).await;
    let params = [
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
        ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("MessageStatus", "delivered"),
    ];
    let form = |p: &[(&str, &str)]| -> Vec<u8> {
        p.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes()
    };
    let headers = |signature: String| {
        vec![
            ("x-twilio-signature", signature),
            ("content-type", "application/x-www-form-urlencoded".into()),
        ]
    };
    let good = headers(sign_twilio(&url, &params, TWILIO_TOKEN));
    for _ in 0..2 {
        let r = deliver(&ctx, &url, &good, form(&params))
            .await
            .expect_status(200);
        assert!(r.text.contains("<Response></Response>"), "{}", r.text);
        assert_eq!(r.header("content-type").as_deref(), Some("text/xml"));
    }
    let list = events(&ctx, id).await;
    assert_eq!(genuine(&list).len(), 1);
    assert_eq!(list[0]["kind"], "status.delivered");
    assert_eq!(
        list[0]["event_id"],
        "SM0123456789abcdef0123456789abcdef:delivered"
    );
    assert_eq!(list[0]["payload"]["MessageStatus"], "delivered");
    let forged = [params[0], params[1], ("MessageStatus", "failed")];
    let r = deliver(&ctx, &url, &good, form(&forged)).await;
    assert_eq!(r.status, 403, "{}", r.text);
    refused_with(&events(&ctx, id).await, "does not match");
    let r = deliver(&ctx, &url, &headers(String::new())[1..], form(&params)).await;
    assert_eq!(r.status, 403, "{}", r.text);
    refused_with(&events(&ctx, id).await, "missing");
    // A JSON body: the URL carries bodySHA256 and the signature covers the URL.
    let json_body = br#"{"MessageSid":"SM9","MessageStatus":"read"}"#.to_vec();
    let hash: String = sha2::Sha256::digest(&json_body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let signed_url = format!("{url}?bodySHA256={hash}");
    let json_headers = vec![
        (
            "x-twilio-signature",
            sign_twilio(&signed_url, &[], TWILIO_TOKEN),
        ),
        ("content-type", "application/json".to_owned()),
    ];
    deliver(&ctx, &signed_url, &json_headers, json_body.clone())
        .await
        .expect_status(200);
    assert_eq!(events(&ctx, id).await[0]["event_id"], "SM9:read");
    let mut changed = json_body;
    changed[15] = b'8';
    let r = deliver(&ctx, &signed_url, &json_headers, changed).await;
    assert_eq!(r.status, 403, "the body's hash must match too: {}", r.text);
    // Behind a proxy Twilio signs the public URL: --public-url.
    let settings = Settings {
        public_url: Some("https://hooks.example.com".into()),
        ..test_settings()
    };
    let (base, _stop) = server_with(&ctx, settings).await;
    let public = format!("https://hooks.example.com{path}");
    let r = ctx
        .client
        .get(format!("{base}/api/v1/integrations/{id}/receiver"))
        .bearer_auth(&ctx.admin.token);
    assert_eq!(Ctx::send(r).await.body["url"], public.as_str());
    let sent = [params[0], ("MessageSid", "SM1"), ("MessageStatus", "sent")];
    let local = format!("{base}{path}");
    let r = deliver(
        &ctx,
        &local,
        &headers(sign_twilio(&local, &sent, TWILIO_TOKEN)),
        form(&sent),
    )
    .await;
    assert_eq!(
        r.status, 403,
        "the host URL is not what Twilio signed: {}",
        r.text
    );
    deliver(
        &ctx,
        &local,
        &headers(sign_twilio(&public, &sent, TWILIO_TOKEN)),
        form(&sent),
    )
    .await
    .expect_status(200);
    assert_eq!(events(&ctx, id).await[0]["kind"], "status.sent");
}

async fn stripe_events_replays_and_masking(ctx: Ctx) {
    let id = stripe(&ctx).await;
    let (_, url) = receiver(&ctx, id).await;
    let body = json!({"id": "evt_1", "object": "event", "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_1", "client_secret": "pi_1_secret_abcdefgh", "description": format!("echo {WHSEC}"), "amount": 500}}})
    .to_string()
    .into_bytes();
    let header = |t: u64, b: &[u8]| vec![("stripe-signature", sign_stripe(b, WHSEC, t))];
    for _ in 0..3 {
        deliver(&ctx, &url, &header(now(), &body), body.clone())
            .await
            .expect_status(200);
    }
    let stored = ctx.db.events(id, 50, None).await.unwrap();
    assert_eq!(stored.len(), 1, "stored once");
    let payload = stored[0].payload.clone().unwrap();
    no_secrets(&payload);
    assert!(!payload.contains("pi_1_secret_abcdefgh"), "{payload}");
    let list = events(&ctx, id).await;
    assert_eq!(list[0]["kind"], "payment_intent.succeeded");
    assert_eq!(list[0]["event_id"], "evt_1");
    assert_eq!(
        list[0]["payload"]["data"]["object"]["client_secret"],
        "****************efgh"
    );
    assert_eq!(list[0]["payload"]["data"]["object"]["amount"], 500);
    // Correctly signed, but outside the 300 s tolerance: a replay.
    let other = body
        .clone()
        .into_iter()
        .map(|b| if b == b'1' { b'2' } else { b })
        .collect::<Vec<u8>>();
    for t in [now() - 301, now() + 400] {
        let r = deliver(&ctx, &url, &header(t, &other), other.clone()).await;
        assert_eq!(r.status, 400, "{}", r.text);
        refused_with(&events(&ctx, id).await, "tolerance");
    }
    let r = deliver(
        &ctx,
        &url,
        &[("stripe-signature", format!("t={},v1=00", now()))],
        other.clone(),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = deliver(&ctx, &url, &[], other).await;
    assert_eq!(r.status, 400, "{}", r.text);
    refused_with(
        &events(&ctx, id).await,
        "Stripe-Signature header is missing",
    );
    assert_eq!(genuine(&events(&ctx, id).await).len(), 1);
}

async fn sendgrid_vector(ctx: Ctx) {
    let id = second(
        &ctx,
        "sendgrid",
        json!({"api_key": "SG.0123456789abcdef", "config": {"webhook_verification_key": SG_KEY, "from_email": "news@example.com"}}),
    )
    .await;
    let (_, url) = receiver(&ctx, id).await;
    let payload =
        br#"{"category":"example_payload","event":"test_event","message_id":"message_id"}"#;
    let headers = vec![
        ("x-twilio-email-event-webhook-signature", "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=".to_owned()),
        ("x-twilio-email-event-webhook-timestamp", "1588788367".to_owned()),
    ];
    for _ in 0..2 {
        deliver(&ctx, &url, &headers, payload.to_vec())
            .await
            .expect_status(200);
    }
    let list = events(&ctx, id).await;
    assert_eq!(genuine(&list).len(), 1);
    assert_eq!(list[0]["kind"], "test_event");
    assert_eq!(list[0]["payload"]["message_id"], "message_id");
    let mut tampered = payload.to_vec();
    tampered[2] = b'C';
    let r = deliver(&ctx, &url, &headers, tampered).await;
    assert_eq!(r.status, 403, "{}", r.text);
    refused_with(&events(&ctx, id).await, "does not match");
    let r = deliver(&ctx, &url, &headers[..1], payload.to_vec()).await;
    assert_eq!(r.status, 403, "{}", r.text);
    refused_with(&events(&ctx, id).await, "Signed Event Webhook");
    // SendGrid signs with its private key: no test event from here.
    let r = ctx
        .post(
            &format!("/api/v1/integrations/{id}/events/test"),
            &ctx.admin,
            json!({}),
        )
        .await
        .expect_status(400);
    r.assert_says("detail", "private key");
}

async fn mailgun_events(ctx: Ctx) {
    let id = second(&ctx, "mailgun", json!({"api_key": "key-0123456789", "secret_key": MG_KEY, "config": {"mailgun_domain": "mg.example.com", "from_email": "news@example.com"}})).await;
    let (_, url) = receiver(&ctx, id).await;
    let body = |t: u64, token: &str, key: &str| {
        let ts = t.to_string();
        json!({"signature": {"timestamp": ts, "token": token, "signature": sign_mailgun(key, &ts, token)},
            "event-data": {"id": "mg-evt-1", "event": "delivered", "recipient": "a@example.com"}})
        .to_string()
        .into_bytes()
    };
    let token = "a".repeat(50);
    for _ in 0..2 {
        deliver(&ctx, &url, &[], body(now(), &token, MG_KEY))
            .await
            .expect_status(200);
    }
    let list = events(&ctx, id).await;
    assert_eq!(genuine(&list).len(), 1);
    assert_eq!(list[0]["kind"], "delivered");
    assert_eq!(list[0]["event_id"], format!("token:{token}"));
    assert_ne!(
        list[0]["payload"]["signature"]["token"],
        token.as_str(),
        "masked"
    );
    let r = deliver(&ctx, &url, &[], body(now() - 301, &"b".repeat(50), MG_KEY)).await;
    assert_eq!(r.status, 406, "{}", r.text);
    refused_with(&events(&ctx, id).await, "tolerance");
    let r = deliver(&ctx, &url, &[], body(now(), &"c".repeat(50), "wrong-key")).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = deliver(&ctx, &url, &[], b"{\"event-data\": {}}".to_vec()).await;
    assert_eq!(r.status, 403, "{}", r.text);
    refused_with(&events(&ctx, id).await, "signature object");
    assert_eq!(genuine(&events(&ctx, id).await).len(), 1);
}

async fn unknown_oversized_inactive_and_deleted(ctx: Ctx) {
    let id = stripe(&ctx).await;
    let (path, url) = receiver(&ctx, id).await;
    for unknown in ["/hooks/nope", &format!("/hooks/{}", "A".repeat(43))] {
        let r = Ctx::send(ctx.client.post(format!("{}{unknown}", ctx.base)).body("{}")).await;
        assert_eq!(r.status, 404, "{}", r.text);
        assert!(r.body["detail"].is_string(), "{}", r.text);
    }
    let (status, body) = crate::suite_security::announce(&ctx, &path, 1024 * 1024 + 1).await;
    assert_eq!(status, 413);
    let said = body["detail"].as_str().unwrap_or_default();
    assert!(
        said.contains("larger than the limit of 1048576 bytes"),
        "{body}"
    );
    let r = Ctx::send(ctx.client.get(&url)).await;
    assert_eq!(r.status, 405, "Stripe has no handshake: {}", r.text);
    let patch = format!("/api/v1/websites/integrations/{id}/");
    ctx.patch(&patch, &ctx.admin, json!({"is_active": false}))
        .await
        .expect_status(200);
    let body = b"{\"id\":\"evt_off\"}".to_vec();
    let signed = vec![("stripe-signature", sign_stripe(&body, WHSEC, now()))];
    let r = deliver(&ctx, &url, &signed, body.clone()).await;
    assert_eq!(r.status, 410, "{}", r.text);
    r.assert_says("detail", "turned off");
    ctx.delete(&patch, &ctx.admin).await.expect_status(204);
    let r = deliver(&ctx, &url, &signed, body).await;
    assert_eq!(r.status, 404, "{}", r.text);
    let key = path.strip_prefix("/hooks/").unwrap();
    let gone = ctx.db.integration_by_receiver_key(key).await.unwrap();
    assert!(gone.is_none(), "the key goes with the integration");
    assert!(ctx.db.events(id, 10, None).await.unwrap().is_empty());
}

async fn test_events_and_paging(ctx: Ctx) {
    let a = &ctx.admin;
    let stripe = stripe(&ctx).await;
    let twilio = first(&ctx, "twilio").await;
    let facebook = first(&ctx, "facebook").await;
    let mailgun = second(&ctx, "mailgun", json!({"api_key": "key-0123456789", "secret_key": MG_KEY, "config": {"mailgun_domain": "mg.example.com", "from_email": "news@example.com"}})).await;
    for (id, kind) in [
        (stripe, "switchboard.test"),
        (twilio, "status.delivered"),
        (facebook, "page.switchboard_test"),
        (mailgun, "switchboard-test"),
    ] {
        let r = ctx
            .post(
                &format!("/api/v1/integrations/{id}/events/test"),
                a,
                json!({}),
            )
            .await
            .expect_status(201);
        no_secrets(&r.text);
        assert_eq!(r.body["status"], 200, "{}", r.text);
        assert_eq!(r.body["event"]["verdict"], "genuine", "{}", r.text);
        assert_eq!(r.body["event"]["kind"], kind, "{}", r.text);
        assert_eq!(events(&ctx, id).await[0]["id"], r.body["event"]["id"]);
    }
    let viewer = ctx.user(Role::Viewer, &[]).await;
    let path = format!("/api/v1/integrations/{stripe}/events/test");
    let r = ctx.post(&path, &viewer, json!({})).await;
    assert!(r.status == 403 || r.status == 404, "{}", r.text);
    // A provider without a receiver, and one whose secret is not set.
    let custom = second(&ctx, "custom", json!({"api_key": "abc12345"})).await;
    ctx.post(
        &format!("/api/v1/integrations/{custom}/events/test"),
        a,
        json!({}),
    )
    .await
    .expect_status(400)
    .assert_says("detail", "receives no webhooks");
    let bare = second(
        &ctx,
        "stripe",
        json!({"name": "bare", "api_key": "sk_test_abc0123456789"}),
    )
    .await;
    ctx.post(
        &format!("/api/v1/integrations/{bare}/events/test"),
        a,
        json!({}),
    )
    .await
    .expect_status(400)
    .assert_says("detail", "is not set");
    // Paging: newest first, `next` carries on with `before`.
    for _ in 0..2 {
        ctx.post(&path, a, json!({})).await.expect_status(201);
    }
    let all = events(&ctx, stripe).await;
    assert_eq!(all.len(), 3);
    let page = ctx
        .get(&format!("/api/v1/integrations/{stripe}/events?limit=2"), a)
        .await
        .expect_status(200);
    let ids: Vec<&Value> = page.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["id"])
        .collect();
    assert_eq!(ids, vec![&all[0]["id"], &all[1]["id"]]);
    let next = page.body["next"].as_str().unwrap();
    let rest = ctx.get(next, a).await.expect_status(200);
    assert_eq!(rest.body["events"][0]["id"], all[2]["id"]);
    assert_eq!(rest.body["next"], Value::Null);
    for bad in ["limit=0", "limit=201", "limit=x", "before=-1"] {
        ctx.get(&format!("/api/v1/integrations/{stripe}/events?{bad}"), a)
            .await
            .expect_status(400);
    }
}

/// 200 signed Stripe deliveries from 32 tasks at once, 50 of them repeating
/// an id (so some duplicates share a group commit with their original):
/// each id stored once, every delivery answered 200 with its stored row in
/// the events header, and exactly one delivery of each id answered as new.
async fn concurrent_deliveries_stored_once(ctx: Ctx) {
    const DELIVERIES: usize = 200;
    const IDS: usize = 150;
    const TASKS: usize = 32;
    let id = stripe(&ctx).await;
    let (_, url) = receiver(&ctx, id).await;
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (client, url) = (ctx.client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            for n in (task..DELIVERIES).step_by(TASKS) {
                let event = format!("evt_many_{}", n % IDS);
                let body = json!({"id": event, "object": "event", "type": "charge.succeeded",
                    "data": {"object": {"n": n}}})
                .to_string();
                let signature = sign_stripe(body.as_bytes(), WHSEC, now());
                let r = Ctx::send(
                    client
                        .post(&url)
                        .header("stripe-signature", signature)
                        .body(body),
                )
                .await;
                assert_eq!(r.status, 200, "{}", r.text);
                let row: i64 = r.headers[switchboard_server::receive::EVENTS_HEADER]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                answers.push((event, row, r.body["duplicates"].as_i64().unwrap()));
            }
            answers
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.extend(t.await.unwrap());
    }
    assert_eq!(answers.len(), DELIVERIES);
    let stored = ctx.db.events(id, 200, None).await.unwrap();
    assert_eq!(stored.len(), IDS, "each id stored once");
    let rows: std::collections::HashMap<String, i64> =
        stored.iter().map(|e| (e.event_id.clone(), e.id)).collect();
    assert_eq!(rows.len(), IDS, "no id twice");
    for (event, row, _) in &answers {
        assert_eq!(rows[event], *row, "{event} answered with its stored row");
    }
    let duplicates: i64 = answers.iter().map(|(_, _, d)| d).sum();
    assert_eq!(
        duplicates,
        (DELIVERIES - IDS) as i64,
        "one new answer per id"
    );
}

/// The store's batch: a duplicate of an event earlier in the same batch,
/// and of one stored before, come back as that row, not new.
async fn a_batch_with_duplicates(ctx: Ctx) {
    let id = stripe(&ctx).await;
    let event = |event_id: &str| switchboard_server::db::NewEvent {
        integration_id: id,
        provider: "stripe".into(),
        kind: "charge.succeeded".into(),
        event_id: event_id.into(),
        refused: None,
        payload: Some(format!("{{\"id\":\"{event_id}\"}}")),
    };
    let (before, new) = ctx.db.store_event(&event("evt_old")).await.unwrap();
    assert!(new);
    let (a, b, old) = (event("evt_b"), event("evt_a"), event("evt_old"));
    let stored = ctx.db.store_events(&[&a, &b, &a, &old, &b]).await.unwrap();
    let got: Vec<(&str, bool)> = stored
        .iter()
        .map(|(r, new)| (r.event_id.as_str(), *new))
        .collect();
    assert_eq!(
        got,
        [
            ("evt_b", true),
            ("evt_a", true),
            ("evt_b", false),
            ("evt_old", false),
            ("evt_a", false)
        ]
    );
    assert_eq!(stored[0].0, stored[2].0);
    assert_eq!(stored[1].0, stored[4].0);
    assert_eq!(stored[3].0, before);
    assert_eq!(ctx.db.events(id, 50, None).await.unwrap().len(), 3);
    assert!(ctx.db.store_events(&[]).await.unwrap().is_empty());
}
