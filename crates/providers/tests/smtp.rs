//! SMTP against a real SMTP server with AUTH (Debian's python3-aiosmtpd, run
//! by the test on 127.0.0.1 with a certificate from the test's own CA):
//! STARTTLS and implicit TLS, a good and a bad password, an untrusted
//! certificate, the certificate's expiry stated, and proof that a check
//! never sends MAIL, RCPT or DATA.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;
use switchboard_providers::send::{self, Confirmed};
use switchboard_providers::{Checker, Endpoints, OutcomeKind};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use common::*;

const USER: &str = "news@example.com";
const PASSWORD: &str = "CANARY-smtp-password-0123";

struct SmtpServer {
    _child: Child,
    _dir: tempfile::TempDir,
    events: PathBuf,
    starttls_port: u16,
    tls_port: u16,
    ca_pem: String,
}

fn python() -> &'static str {
    // Debian's interpreter has python3-aiosmtpd; a pyenv shim on PATH may not.
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

async fn start_server() -> SmtpServer {
    let pki = test_pki();
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, &pki.cert_pem).unwrap();
    std::fs::write(&key, &pki.key_pem).unwrap();
    let events = dir.path().join("events.log");
    std::fs::write(&events, "").unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
    let mut child = Command::new(python())
        .arg(script)
        .args([
            cert.to_str().unwrap(),
            key.to_str().unwrap(),
            USER,
            PASSWORD,
        ])
        .arg(&events)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // The server binds its own free ports and names them: "READY STARTTLS TLS".
    let ready = tokio::time::timeout(Duration::from_secs(20), lines.next_line()).await;
    let ports: Option<(u16, u16)> = match &ready {
        Ok(Ok(Some(line))) => line
            .strip_prefix("READY ")
            .and_then(|ports| ports.split_once(' '))
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?))),
        _ => None,
    };
    let Some((starttls_port, tls_port)) = ports else {
        panic!("the SMTP server did not start (is python3-aiosmtpd installed?): {ready:?}");
    };
    SmtpServer {
        _child: child,
        _dir: dir,
        events,
        starttls_port,
        tls_port,
        ca_pem: pki.ca_pem,
    }
}

fn smtp(port: u16, security: &str, password: &str) -> Owned {
    Owned::of(
        "smtp",
        json!({"from_email": USER, "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_username": USER,
               "smtp_use_tls": true, "smtp_security": security}),
        &[("smtp_password", password)],
    )
}

fn checker(server: &SmtpServer) -> Checker {
    Checker::new(Endpoints::default(), Duration::from_secs(5))
        .with_extra_root_pem(server.ca_pem.as_bytes())
        .unwrap()
}

#[tokio::test]
async fn smtp_handshake_with_auth_over_starttls_and_implicit_tls() {
    let server = start_server().await;
    let checker = checker(&server);

    for (port, security) in [(server.starttls_port, "starttls"), (server.tls_port, "tls")] {
        let good = smtp(port, security, PASSWORD);
        let outcome = checker.check(good.input()).await;
        assert_eq!(outcome.kind, OutcomeKind::Ok, "{security}: {outcome:?}");
        assert_eq!(outcome.details["security"], security);
        // The server certificate's notAfter is stated as the expiry.
        let expiry = outcome.stated_expiry().expect("the certificate's expiry");
        assert_eq!(expiry.at.as_deref(), Some("2031-03-01T00:00:00.000000Z"));
        assert_eq!(expiry.source, "SMTP server certificate");
        assert_eq!(
            outcome.details["certificate_expires"],
            "2031-03-01T00:00:00.000000Z"
        );
        assert_no_secret(&outcome, &good.secrets);

        let bad = smtp(port, security, "CANARY-wrong-password");
        let outcome = checker.check(bad.input()).await;
        assert_eq!(
            outcome.kind,
            OutcomeKind::InvalidCredentials,
            "{security}: {outcome:?}"
        );
        assert_eq!(outcome.details["smtp_code"], 535);
        assert_no_secret(&outcome, &bad.secrets);
    }

    // Without the test CA the certificate is not trusted.
    let plain_checker = Checker::new(Endpoints::default(), Duration::from_secs(5));
    for (port, security) in [(server.starttls_port, "starttls"), (server.tls_port, "tls")] {
        let outcome = plain_checker
            .check(smtp(port, security, PASSWORD).input())
            .await;
        assert_eq!(outcome.kind, OutcomeKind::Tls, "{security}: {outcome:?}");
    }

    // With TLS turned off, this server offers no sign-in at all.
    let outcome = checker
        .check(smtp(server.starttls_port, "none", PASSWORD).input())
        .await;
    assert_ne!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");

    let events = std::fs::read_to_string(&server.events).unwrap();
    assert_eq!(events, "", "a check must never send MAIL, RCPT or DATA");
}

#[tokio::test]
async fn smtp_test_email_is_delivered_after_confirmation() {
    let server = start_server().await;
    let owned = smtp(server.starttls_port, "starttls", PASSWORD);
    let outcome = send::send_test_email(
        &checker(&server),
        owned.input(),
        "person@example.org",
        Confirmed::by_user(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");
    let events = std::fs::read_to_string(&server.events).unwrap();
    assert!(events.contains(&format!("MAIL {USER}")), "{events}");
    assert!(events.contains("RCPT person@example.org"), "{events}");
    assert!(
        events.contains("Subject: Switchboard test email"),
        "{events}"
    );
}

#[tokio::test]
async fn smtp_refused_and_silent_servers_fail_quickly() {
    let checker = Checker::new(Endpoints::default(), Duration::from_millis(500));
    let started = Instant::now();
    let outcome = checker
        .check(smtp(closed_port(), "starttls", PASSWORD).input())
        .await;
    assert_eq!(outcome.kind, OutcomeKind::Network, "{outcome:?}");

    // A server that accepts the connection but never greets.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let outcome = checker
        .check(smtp(port, "starttls", PASSWORD).input())
        .await;
    assert_eq!(outcome.kind, OutcomeKind::Timeout, "{outcome:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
}
