//! Explicit test messages against fakes: each provider's send endpoint gets
//! the exact request, and bad input is refused before anything is sent.

use serde_json::json;
use switchboard_providers::fake::{FakeServer, Recorded, Reply};
use switchboard_providers::send::{self, Confirmed};
use switchboard_providers::{webhooks, Outcome, OutcomeKind};

use super::email::{AWS_ID, AWS_SECRET};
use super::meta::{PHONE_ID, WA_TOKEN};
use super::sms::{TW_SID, TW_TOKEN};
use crate::common::*;

const TO: &str = "person@example.org";

async fn email_via(
    provider: &str,
    config: serde_json::Value,
    secrets: &[(&str, &str)],
    keys: &[&str],
    reply: fn(&Recorded) -> Reply,
) -> (switchboard_providers::Outcome, Vec<Recorded>, Owned) {
    let fake = FakeServer::start(reply).await;
    let mut config = config;
    config["from_email"] = json!("news@example.com");
    config["from_name"] = json!("Example News");
    let owned = Owned::new("email", provider, config, secrets);
    let outcome = send::send_test_email(
        &checker_for(&fake.url(), keys),
        owned.input(),
        TO,
        Confirmed::by_user(),
    )
    .await
    .unwrap();
    assert_no_secret(&outcome, &owned.secrets);
    (outcome, fake.requests(), owned)
}

#[tokio::test]
async fn test_emails_through_http_providers() {
    let (o, reqs, _) = email_via(
        "sendgrid",
        json!({}),
        &[("api_key", "SG.CANARYkey")],
        &["sendgrid"],
        |_| Reply::empty(202).header("X-Message-Id", "m1"),
    )
    .await;
    assert_eq!(o.kind, OutcomeKind::Ok, "{o:?}");
    let r = &reqs[0];
    method_path(r, "POST", "/v3/mail/send");
    bearer(r, "SG.CANARYkey");
    assert_eq!(r.json()["personalizations"][0]["to"][0]["email"], TO);
    assert_eq!(
        r.json()["from"],
        json!({"email": "news@example.com", "name": "Example News"})
    );
    assert_eq!(o.details["message_id"], "m1");

    let (o, reqs, _) = email_via(
        "mailgun",
        json!({"mailgun_domain": "mg.example.com"}),
        &[("api_key", "key-CANARY0123")],
        &["mailgun"],
        |_| {
            json(
                200,
                r#"{"id":"<1@mg.example.com>","message":"Queued. Thank you."}"#,
            )
        },
    )
    .await;
    assert_eq!(o.kind, OutcomeKind::Ok);
    method_path(&reqs[0], "POST", "/v3/mg.example.com/messages");
    basic(&reqs[0], "api", "key-CANARY0123");
    assert_eq!(reqs[0].form_value("to").as_deref(), Some(TO));
    assert_eq!(
        reqs[0].form_value("from").as_deref(),
        Some("Example News <news@example.com>")
    );

    let (o, reqs, _) = email_via("postmark", json!({}), &[("api_key", "CANARY-pm-token")], &["postmark"],
        |_| json(200, r#"{"To":"person@example.org","MessageID":"b7bc2f4a","ErrorCode":0,"Message":"OK"}"#)).await;
    assert_eq!(o.kind, OutcomeKind::Ok);
    method_path(&reqs[0], "POST", "/email");
    assert_eq!(
        reqs[0].header("x-postmark-server-token"),
        Some("CANARY-pm-token")
    );
    assert_eq!(reqs[0].json()["MessageStream"], "outbound");

    let (o, reqs, _) = email_via(
        "sparkpost",
        json!({}),
        &[("api_key", "CANARYsparkpost")],
        &["sparkpost"],
        |_| {
            json(
                200,
                r#"{"results":{"total_accepted_recipients":1,"id":"t1"}}"#,
            )
        },
    )
    .await;
    assert_eq!(o.kind, OutcomeKind::Ok);
    method_path(&reqs[0], "POST", "/api/v1/transmissions");
    assert_eq!(reqs[0].json()["recipients"][0]["address"]["email"], TO);

    let (o, reqs, _) = email_via("mandrill", json!({}), &[("api_key", "CANARYmandrill")], &["mandrill"],
        |_| json(200, r#"[{"email":"person@example.org","status":"rejected","reject_reason":"unsigned","_id":"x"}]"#)).await;
    assert_eq!(o.kind, OutcomeKind::ProviderError, "rejected is not sent");
    method_path(&reqs[0], "POST", "/api/1.0/messages/send");
    assert_eq!(reqs[0].json()["message"]["to"][0]["email"], TO);

    let (o, reqs, _) = email_via(
        "aws_ses",
        json!({"aws_region": "eu-west-1", "aws_access_key_id": AWS_ID}),
        &[("aws_secret_access_key", AWS_SECRET)],
        &["ses"],
        |_| json(200, r#"{"MessageId":"0100018c"}"#),
    )
    .await;
    assert_eq!(o.kind, OutcomeKind::Ok, "{o:?}");
    method_path(&reqs[0], "POST", "/v2/email/outbound-emails");
    verify_sigv4(&reqs[0], AWS_ID, AWS_SECRET, "eu-west-1", "ses");
    assert_eq!(reqs[0].json()["Destination"]["ToAddresses"][0], TO);
}

#[tokio::test]
async fn bad_recipients_are_refused_before_sending() {
    let fake = FakeServer::start(|_| Reply::empty(202)).await;
    let owned = Owned::of(
        "sendgrid",
        json!({"from_email": "news@example.com"}),
        &[("api_key", "SG.CANARYkey")],
    );
    let checker = checker_for(&fake.url(), &["sendgrid"]);
    for to in ["nobody", "a@b.c\r\nBcc: x@y.z", "Name <a@b.co>"] {
        assert!(
            send::send_test_email(&checker, owned.input(), to, Confirmed::by_user())
                .await
                .is_err(),
            "{to:?}"
        );
    }
    assert!(
        send::send_test_sms(
            &checker,
            owned.input(),
            "+14155550123",
            Confirmed::by_user()
        )
        .await
        .is_err(),
        "an email integration cannot text"
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn test_sms_through_each_gateway() {
    let fake = FakeServer::start(|r| match r.path.as_str() {
        p if p.ends_with("/Messages.json") => json(201, r#"{"sid":"SM1","status":"queued"}"#),
        "/sms/json" => json(200, r#"{"message-count":"1","messages":[{"status":"0","message-id":"v1"}]}"#),
        "/" => Reply::xml(200, "<PublishResponse><PublishResult><MessageId>sns-1</MessageId></PublishResult></PublishResponse>"),
        p if p.ends_with("/Message/") => json(202, r#"{"message":"message(s) queued","message_uuid":["p1"],"api_id":"a"}"#),
        "/messages" => json(201, r#"{"id":"mb1"}"#),
        _ => Reply::empty(404),
    })
    .await;
    let keys = ["twilio", "vonage", "sns", "plivo", "messagebird"];
    let checker = checker_for(&fake.url(), &keys);
    let to = "+14155550199";
    let cases = [
        Owned::of(
            "twilio",
            json!({"account_sid": TW_SID, "from_phone_number": "+14155550123"}),
            &[("auth_token", TW_TOKEN)],
        ),
        Owned::of(
            "vonage",
            json!({"from_phone_number": "+14155550123"}),
            &[("api_key", "vnCANARY"), ("api_secret", "vnCANARYsecret")],
        ),
        Owned::of(
            "aws_sns",
            json!({"aws_region": "us-west-2", "aws_access_key_id": AWS_ID, "from_phone_number": "+14155550123"}),
            &[("aws_secret_access_key", AWS_SECRET)],
        ),
        Owned::of(
            "plivo",
            json!({"account_sid": "MAXXXXXXXXXXXXXXXXXX", "from_phone_number": "+14155550123"}),
            &[("auth_token", "CANARYplivo")],
        ),
        Owned::of(
            "messagebird",
            json!({"from_phone_number": "+14155550123"}),
            &[("api_key", "live_CANARYmb")],
        ),
    ];
    for owned in &cases {
        let outcome = send::send_test_sms(&checker, owned.input(), to, Confirmed::by_user())
            .await
            .unwrap();
        assert_eq!(
            outcome.kind,
            OutcomeKind::Ok,
            "{}: {outcome:?}",
            owned.provider
        );
        assert!(
            outcome.details["message_id"].is_string(),
            "{}",
            owned.provider
        );
        assert_no_secret(&outcome, &owned.secrets);
    }
    let reqs = fake.requests();
    let twilio = &reqs[0];
    method_path(
        twilio,
        "POST",
        &format!("/2010-04-01/Accounts/{TW_SID}/Messages.json"),
    );
    basic(twilio, TW_SID, TW_TOKEN);
    assert_eq!(twilio.form_value("To").as_deref(), Some(to));
    assert_eq!(twilio.form_value("From").as_deref(), Some("+14155550123"));
    assert_eq!(reqs[1].form_value("to").as_deref(), Some("14155550199"));
    assert_eq!(reqs[2].form_value("Action").as_deref(), Some("Publish"));
    assert_eq!(reqs[2].form_value("PhoneNumber").as_deref(), Some(to));
    verify_sigv4(&reqs[2], AWS_ID, AWS_SECRET, "us-west-2", "sns");
    assert_eq!(reqs[3].json()["dst"], to);
    assert_eq!(reqs[4].json()["recipients"][0], to);
    assert_eq!(
        reqs[4].header("authorization"),
        Some("AccessKey live_CANARYmb")
    );
}

#[tokio::test]
async fn twilio_trial_accounts_can_only_text_verified_numbers() {
    let fake = FakeServer::start(|_| json(400, r#"{"code":21608,"message":"The number is unverified. Trial accounts cannot send messages to unverified numbers","status":400}"#)).await;
    let owned = Owned::of(
        "twilio",
        json!({"account_sid": TW_SID, "from_phone_number": "+14155550123"}),
        &[("auth_token", TW_TOKEN)],
    );
    let outcome = send::send_test_sms(
        &checker_for(&fake.url(), &["twilio"]),
        owned.input(),
        "+14155550199",
        Confirmed::by_user(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.kind, OutcomeKind::MissingPermission);
}

#[tokio::test]
async fn whatsapp_template_message() {
    let fake = FakeServer::start(|_| json(200, r#"{"messaging_product":"whatsapp","contacts":[{"input":"14155550199","wa_id":"14155550199"}],"messages":[{"id":"wamid.HBgL"}]}"#)).await;
    let owned = Owned::of(
        "whatsapp",
        json!({"phone_number_id": PHONE_ID, "business_account_id": "1"}),
        &[("access_token", WA_TOKEN)],
    );
    let checker = checker_for(&fake.url(), &["meta"]);
    let outcome = send::send_test_whatsapp_template(
        &checker,
        owned.input(),
        "+14155550199",
        "hello_world",
        "en_US",
        Confirmed::by_user(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");
    assert_eq!(outcome.details["message_id"], "wamid.HBgL");
    let r = &fake.requests()[0];
    method_path(r, "POST", &format!("/v22.0/{PHONE_ID}/messages"));
    bearer(r, WA_TOKEN);
    assert_eq!(
        r.json(),
        json!({"messaging_product": "whatsapp", "to": "14155550199", "type": "template",
        "template": {"name": "hello_world", "language": {"code": "en_US"}}})
    );
    assert!(send::send_test_whatsapp_template(
        &checker,
        owned.input(),
        "+14155550199",
        "bad name",
        "en_US",
        Confirmed::by_user()
    )
    .await
    .is_err());
}

/// A confirmed test event through an automation integration whose address is `fake`.
async fn webhook_event(owned: &Owned, fake: &FakeServer) -> Outcome {
    let checker = checker_for(&fake.url(), &[]);
    send::send_test_webhook(&checker, owned.input(), Confirmed::by_user())
        .await
        .unwrap()
}

#[tokio::test]
async fn webhook_test_events_are_signed_for_custom_webhooks() {
    let fake = FakeServer::start(|_| Reply::empty(200)).await;
    let owned = Owned::of(
        "custom_webhook",
        json!({"url": "{fake}/hook", "headers": {"X-Source": "switchboard"}}),
        &[("signing_secret", "CANARYsigning0123")],
    )
    .with_fake(&fake.url());
    let outcome = webhook_event(&owned, &fake).await;
    assert_eq!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");
    let r = &fake.requests()[0];
    method_path(r, "POST", "/hook");
    assert_eq!(r.header("x-source"), Some("switchboard"));
    let ts: u64 = r
        .header("x-switchboard-timestamp")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(ts, NOW);
    assert_eq!(
        r.header("x-switchboard-signature"),
        Some(webhooks::sign_custom("CANARYsigning0123", ts, &r.body).as_str())
    );
    assert_eq!(r.json()["event"], "switchboard.test");

    let gone = FakeServer::start(|_| Reply::empty(410)).await;
    let zap = Owned::of(
        "zapier",
        json!({}),
        &[("webhook_url", "{fake}/hooks/catch/1/CANARYab/")],
    )
    .with_fake(&gone.url());
    let outcome = webhook_event(&zap, &gone).await;
    assert_eq!(outcome.kind, OutcomeKind::NotFound);
    assert_no_secret(&outcome, &zap.secrets);
}
