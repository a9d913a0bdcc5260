//! `switchboard troubleshoot` run as a script would: a Twilio integration's
//! sender number against a fake Twilio (SWITCHBOARD_PROVIDER_ENDPOINTS), and
//! an email integration's DNS records against a local DNS server
//! (SWITCHBOARD_DNS_SERVER); text and --json, exit 0 / 6 / 5, the run logged.

mod common;

use common::*;
use serde_json::json;
use switchboard_providers::fake::{FakeServer, Reply};
use switchboard_providers::fake_dns::FakeDns;

const BAD_TOKEN: &str = "fedcba9876543210fedcba9876543210";

#[test]
fn troubleshoot_prints_findings_logs_the_run_and_exits_6_on_a_problem() {
    let rt = runtime();
    let (sid, token, from) = twilio_sample();
    let (want_sid, want_token, number) = (sid.clone(), token.clone(), from.clone());
    let fake = rt.block_on(FakeServer::start(move |req| {
        let path = format!("/2010-04-01/Accounts/{want_sid}/IncomingPhoneNumbers.json");
        if req.basic_auth() != Some((want_sid.clone(), want_token.clone())) {
            return Reply::json(401, json!({"code": 20003, "message": "Authenticate", "status": 401}));
        }
        assert_eq!((req.method.as_str(), req.path.as_str()), ("GET", path.as_str()));
        assert_eq!(req.query_value("PhoneNumber").as_deref(), Some(number.as_str()));
        Reply::json(200, json!({"incoming_phone_numbers": [{"phone_number": number, "capabilities": {"sms": true, "voice": true}}]}))
    }));
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = store(dir.path(), "s.sqlite");
    let good = add_twilio(&db, "Good SMS", &token);
    let bad = add_twilio(&db, "Bad SMS", BAD_TOKEN);
    let run = |args: &[&str]| {
        cli(&db)
            .env(
                "SWITCHBOARD_PROVIDER_ENDPOINTS",
                json!({"twilio": fake.url()}).to_string(),
            )
            .args(args)
            .output()
            .unwrap()
    };

    let answer = ok_json(run(&["--json", "troubleshoot", &good]));
    assert_eq!(answer["findings"][0]["id"], "sms.sender", "{answer}");
    assert_eq!(answer["findings"][0]["ok"], true);
    assert_eq!(answer["findings"][0]["kind"], "ok");
    assert_eq!(
        answer["summary"],
        "1 of 1 troubleshooting checks pass, 0 found a problem, 0 could not be checked."
    );
    let text = ok(run(&["troubleshoot", &good]));
    assert!(
        text.starts_with("ok       Sender number can send SMS (sms.sender): "),
        "{text}"
    );

    let out = run(&["--json", "troubleshoot", &bad]);
    assert_eq!(code(&out).0, 6, "{}", code(&out).1);
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["findings"][0]["kind"], "invalid_credentials");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(BAD_TOKEN));
    // Logged like a check, without changing the integration's status.
    let logs = ok(cli(&db).args(["logs", &bad]).output().unwrap());
    assert!(logs.contains("Troubleshooting: 0 of 1"), "{logs}");
    let shown = ok_json(cli(&db).args(["--json", "show", &bad]).output().unwrap());
    assert_ne!(shown["status"], "error");

    assert_eq!(code(&run(&["troubleshoot", "no-such-id"])).0, 5);
}

#[test]
fn troubleshoot_reads_dns_records_from_the_configured_server() {
    let rt = runtime();
    let dns = rt.block_on(FakeDns::start(&[
        ("example.com", "TXT", "v=spf1 include:spf.mtasv.net ~all"),
        ("_dmarc.example.com", "TXT", "v=DMARC1; p=reject"),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = store(dir.path(), "s.sqlite");
    let id = ok(cli(&db)
        .args([
            "add",
            "--type",
            "email",
            "--provider",
            "postmark",
            "--name",
            "Receipts",
        ])
        .args(["--set", "from_email=receipts@example.com"])
        .args(["--secret-env", "api_key=POSTMARK_TOKEN"])
        .env("POSTMARK_TOKEN", "00000000-0000-0000-0000-000000000000")
        .output()
        .unwrap())
    .trim()
    .to_owned();
    let out = cli(&db)
        .env("SWITCHBOARD_DNS_SERVER", dns.addr().to_string())
        .args(["--json", "troubleshoot", &id])
        .output()
        .unwrap();
    // DKIM's selector is Postmark's own: not checkable, not a problem.
    assert_eq!(code(&out).0, 0, "{}", code(&out).1);
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<(String, String)> = answer["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_owned(),
                f["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("email.spf", "ok"),
        ("email.dkim", "not_checkable"),
        ("email.dmarc", "ok"),
    ];
    assert_eq!(kinds, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
    assert_eq!(answer["findings"][2]["details"]["policy"], "reject");
    assert_eq!(dns.questions().len(), 2);
}
