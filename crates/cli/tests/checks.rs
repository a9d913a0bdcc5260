//! `switchboard test`, `test-all`, `send` and `webhook verify` run as a
//! script would, against a fake Twilio on 127.0.0.1 (pointed at with
//! SWITCHBOARD_PROVIDER_ENDPOINTS) and SendGrid's published test vector.

mod common;

use common::*;
use serde_json::json;
use std::path::Path;
use switchboard_providers::fake::{FakeServer, Reply};

const BAD_TOKEN: &str = "fedcba9876543210fedcba9876543210";

/// A fake Twilio that accepts only the sample account and token: the
/// account check (GET) and a message send (POST).
fn fake_twilio(rt: &tokio::runtime::Runtime) -> FakeServer {
    let (sid, token, _) = twilio_sample();
    rt.block_on(FakeServer::start(move |req| {
        let auth_ok = req.basic_auth() == Some((sid.clone(), token.clone()));
        let account = format!("/2010-04-01/Accounts/{sid}.json");
        let messages = format!("/2010-04-01/Accounts/{sid}/Messages.json");
        match (req.method.as_str(), req.path.as_str(), auth_ok) {
            ("GET", p, true) if p == account => Reply::json(
                200,
                json!({"sid": sid, "status": "active", "friendly_name": "CLI", "type": "Full"}),
            ),
            ("POST", p, true) if p == messages => Reply::json(
                201,
                json!({"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "to": req.form_value("To")}),
            ),
            (_, _, false) => Reply::json(
                401,
                json!({"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}),
            ),
            _ => Reply::json(404, json!({"code": 20404, "message": "Not found", "status": 404})),
        }
    }))
}

fn with_fake(db: &Path, fake: &FakeServer) -> std::process::Command {
    let mut c = cli(db);
    c.env(
        "SWITCHBOARD_PROVIDER_ENDPOINTS",
        json!({"twilio": fake.url()}).to_string(),
    );
    c
}

/// A fake Twilio and a store with two Twilio integrations: one with the
/// right token, one with a token Twilio refuses.
struct TwoTwilio {
    _rt: tokio::runtime::Runtime,
    fake: FakeServer,
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    good: String,
    bad: String,
}

fn two_twilio() -> TwoTwilio {
    let rt = runtime();
    let fake = fake_twilio(&rt);
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = store(dir.path(), "s.sqlite");
    let (_, token, _) = twilio_sample();
    let good = add_twilio(&db, "Good SMS", &token);
    let bad = add_twilio(&db, "Bad SMS", BAD_TOKEN);
    TwoTwilio {
        _rt: rt,
        fake,
        _dir: dir,
        db,
        good,
        bad,
    }
}

#[test]
fn test_records_success_and_refused_credentials_exit_6() {
    let TwoTwilio {
        _rt,
        fake,
        _dir,
        db,
        good,
        bad,
    } = two_twilio();

    let answer = ok_json(
        with_fake(&db, &fake)
            .args(["--json", "test", &good])
            .output()
            .unwrap(),
    );
    assert_eq!(answer["ok"], true, "{answer}");
    assert_eq!(answer["kind"], "ok");
    assert_eq!(answer["status"], "active");
    let text = ok(with_fake(&db, &fake)
        .args(["test", &good])
        .output()
        .unwrap());
    assert!(text.starts_with("ok: "), "{text}");

    let out = with_fake(&db, &fake)
        .args(["--json", "test", &bad])
        .output()
        .unwrap();
    assert_eq!(code(&out).0, 6, "{}", code(&out).1);
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["ok"], false);
    assert_eq!(answer["kind"], "invalid_credentials");
    assert_eq!(answer["error_count"], 1);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(BAD_TOKEN));
    // The outcome is recorded like the app's: status and log.
    let shown = ok_json(cli(&db).args(["--json", "show", &bad]).output().unwrap());
    assert_eq!(shown["status"], "error");

    let out = with_fake(&db, &fake)
        .args(["test", "no-such-id"])
        .output()
        .unwrap();
    assert_eq!(code(&out).0, 5);
}

#[test]
fn test_all_prints_a_line_each_then_a_summary() {
    let TwoTwilio {
        _rt,
        fake,
        _dir,
        db,
        good,
        bad,
    } = two_twilio();

    let out = with_fake(&db, &fake)
        .args(["test-all", "--type", "sms"])
        .output()
        .unwrap();
    assert_eq!(code(&out).0, 6, "{}", code(&out).1);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\r'),
        "no progress bar without a terminal: {text:?}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("ok") && l.contains(&good)),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("FAILED") && l.contains(&bad)),
        "{text}"
    );
    assert!(text.contains("Tested 2 of 2: 1 ok, 1 failed"), "{text}");

    let done = ok_json(
        with_fake(&db, &fake)
            .args(["--json", "test-all", "--search", "Good"])
            .output()
            .unwrap(),
    );
    assert_eq!(done["summary"]["total"], 1, "{done}");
    assert_eq!(done["summary"]["ok"], 1);
    assert_eq!(done["items"][0]["id"], good.as_str());
}

#[test]
fn send_needs_yes_without_a_terminal_and_sends_the_exact_request() {
    let rt = runtime();
    let fake = fake_twilio(&rt);
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = store(dir.path(), "s.sqlite");
    let (sid, token, from) = twilio_sample();
    let id = add_twilio(&db, "Promo SMS", &token);

    let out = with_fake(&db, &fake)
        .args(["send", &id, "--to", "+14155550199"])
        .output()
        .unwrap();
    let (exit, err) = code(&out);
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains("--yes"), "{err}");
    assert!(fake.requests().is_empty(), "nothing sent unconfirmed");

    let answer = ok_json(
        with_fake(&db, &fake)
            .args(["--json", "send", &id, "--to", "+14155550199", "--yes"])
            .output()
            .unwrap(),
    );
    assert_eq!(answer["ok"], true, "{answer}");
    let sent = fake.requests();
    assert_eq!(sent.len(), 1);
    let req = &sent[0];
    assert_eq!(req.method, "POST");
    assert_eq!(
        req.path,
        format!("/2010-04-01/Accounts/{sid}/Messages.json")
    );
    assert_eq!(req.basic_auth(), Some((sid.clone(), token.clone())));
    assert_eq!(req.form_value("To").as_deref(), Some("+14155550199"));
    assert_eq!(req.form_value("From"), Some(from));
    assert!(req
        .form_value("Body")
        .unwrap()
        .contains("test message from Switchboard"));
    let out = with_fake(&db, &fake)
        .args(["send", &id, "--to", "+14155550199", "--yes"])
        .output()
        .unwrap();
    assert!(
        !format!("{out:?}").contains(&token),
        "the token is never printed"
    );
    let logs = ok(cli(&db).args(["logs", &id]).output().unwrap());
    assert!(logs.contains("Test message:"), "{logs}");

    let out = with_fake(&db, &fake)
        .args(["send", &id, "--to", "not a number", "--yes"])
        .output()
        .unwrap();
    assert_eq!(code(&out).0, 3, "{}", code(&out).1);
}

#[test]
fn webhook_verify_with_sendgrids_test_vector() {
    const KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
    const SIGNATURE: &str = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = store(dir.path(), "s.sqlite");
    let payload = dir.path().join("payload.json");
    std::fs::write(
        &payload,
        r#"{"category":"example_payload","event":"test_event","message_id":"message_id"}"#,
    )
    .unwrap();
    let verify = |timestamp: &str| {
        cli(&db)
            .args([
                "webhook",
                "verify",
                "--scheme",
                "sendgrid",
                "--secret-env",
                "SG_KEY",
            ])
            .arg("--payload-file")
            .arg(&payload)
            .args(["--signature", SIGNATURE, "--timestamp", timestamp])
            .env("SG_KEY", KEY)
            .output()
            .unwrap()
    };
    let text = ok(verify("1588788367"));
    assert!(text.starts_with("Valid"), "{text}");
    let out = verify("1588788368");
    assert_eq!(code(&out).0, 6);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Not valid"));

    // The key stored in an integration's secret field, the answer as JSON.
    let id = ok(cli(&db)
        .args([
            "add",
            "--type",
            "email",
            "--provider",
            "mailgun",
            "--name",
            "Hooks",
        ])
        .args(["--set", "mailgun_domain=mg.example.com"])
        .args(["--set", "from_email=news@example.com"])
        .args(["--secret-env", "api_key=MG_KEY"])
        .args(["--secret-env", "webhook_signing_key=SG_KEY"])
        .env("MG_KEY", "key-0123456789abcdef0123456789abcdef")
        .env("SG_KEY", KEY)
        .output()
        .unwrap());
    let answer = ok_json(
        cli(&db)
            .args(["--json", "webhook", "verify", "--scheme", "sendgrid"])
            .args(["--integration", id.trim(), "--field", "webhook_signing_key"])
            .arg("--payload-file")
            .arg(&payload)
            .args(["--signature", SIGNATURE, "--timestamp", "1588788367"])
            .output()
            .unwrap(),
    );
    assert_eq!(answer["valid"], true, "{answer}");
    let out = cli(&db)
        .args([
            "webhook",
            "verify",
            "--scheme",
            "sendgrid",
            "--signature",
            SIGNATURE,
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out).0, 2, "a key source is required");
}
