//! `switchboard sync connect|now|status|conflicts|resolve|disconnect`
//! against the real `switchboard-server` binary on 127.0.0.1: two stores
//! share an integration through it, a field changed on both sides becomes
//! a conflict that is settled, and bad addresses and passwords are refused.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The CLI signed in through SWITCHBOARD_SYNC_PASSWORD (no keyring here).
fn synced(db: &Path) -> Command {
    let mut c = cli(db);
    c.env("SWITCHBOARD_SYNC_PASSWORD", ADMIN_PASSWORD);
    c
}

fn connect(db: &Path, url: &str) -> Value {
    ok_json(
        synced(db)
            .args(["--json", "sync", "connect", "--url", url, "--email", ADMIN])
            .output()
            .unwrap(),
    )
}

fn now(db: &Path) -> Value {
    ok_json(synced(db).args(["--json", "sync", "now"]).output().unwrap())
}

fn rename(db: &Path, id: &str, name: &str) {
    ok(cli(db)
        .args(["update", id, "--name", name])
        .output()
        .unwrap());
}

#[test]
fn two_stores_sync_through_the_real_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = SyncServer::start(dir.path());
    let (a, _) = store(dir.path(), "a.sqlite");
    let (b, _) = store(dir.path(), "b.sqlite");
    let (_, token, _) = twilio_sample();
    let id = add_twilio(&a, "Shared SMS", &token);

    // Refused before anything is sent: plain http off this machine, a
    // wrong password, no password and no terminal.
    let out = synced(&a)
        .args([
            "sync",
            "connect",
            "--url",
            "http://sync.example.com",
            "--email",
            ADMIN,
        ])
        .output()
        .unwrap();
    let (exit, err) = code(&out);
    assert_eq!(exit, 3, "{err}");
    assert!(err.contains("https://"), "{err}");
    let out = cli(&a)
        .args(["sync", "connect", "--url", &server.url(), "--email", ADMIN])
        .env("SWITCHBOARD_SYNC_PASSWORD", "not the password")
        .output()
        .unwrap();
    assert_eq!(code(&out).0, 4, "{}", code(&out).1);
    assert!(!code(&out).1.contains("not the password"), "never echoed");
    let out = cli(&a)
        .args(["sync", "connect", "--url", &server.url(), "--email", ADMIN])
        .output()
        .unwrap();
    assert_eq!(code(&out).0, 2, "{}", code(&out).1);
    let out = cli(&a).args(["sync", "now"]).output().unwrap();
    assert_eq!(code(&out).0, 4, "not connected yet: {}", code(&out).1);

    let status = connect(&a, &format!("{}/", server.url()));
    assert_eq!(status["state"], "connected", "{status}");
    assert_eq!(status["server_url"], server.url());
    assert_eq!(status["pending"], 1);
    let status = now(&a);
    assert_eq!(status["last_summary"]["pushed"], 1, "{status}");
    assert_eq!(status["pending"], 0);
    assert!(status["last_synced_at"].is_string());
    let out = synced(&a).args(["sync", "status"]).output().unwrap();
    let all = format!("{:?}", out);
    assert!(
        !all.contains(ADMIN_PASSWORD) && !all.contains(&token),
        "no secret printed"
    );
    let text = ok(out);
    assert!(
        text.contains(&server.url()) && text.contains("pending:    0"),
        "{text}"
    );

    connect(&b, &server.url());
    let status = now(&b);
    assert_eq!(status["last_summary"]["pulled"], 1, "{status}");
    let listed = ok_json(cli(&b).args(["--json", "list"]).output().unwrap());
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["name"], "Shared SMS");

    // The same field changed on both sides: B's push conflicts.
    rename(&a, &id, "Renamed on A");
    now(&a);
    rename(&b, &id, "Renamed on B");
    let status = now(&b);
    assert_eq!(status["conflicts"], 1, "{status}");
    let conflicts = ok_json(
        synced(&b)
            .args(["--json", "sync", "conflicts"])
            .output()
            .unwrap(),
    );
    assert_eq!(conflicts[0]["uid"], id.as_str(), "{conflicts}");
    assert_eq!(conflicts[0]["field"], "name");
    assert_eq!(conflicts[0]["mine"], "Renamed on B");
    assert_eq!(conflicts[0]["theirs"], "Renamed on A");
    let left = ok_json(
        synced(&b)
            .args(["--json", "sync", "resolve", &id, "name", "--keep-mine"])
            .output()
            .unwrap(),
    );
    assert_eq!(left, Value::Array(vec![]));
    now(&b);
    now(&a);
    let shown = ok_json(cli(&a).args(["--json", "show", &id]).output().unwrap());
    assert_eq!(shown["name"], "Renamed on B");

    let status = ok_json(
        synced(&a)
            .args(["--json", "sync", "disconnect"])
            .output()
            .unwrap(),
    );
    assert_eq!(status["state"], "not_connected", "{status}");
    assert_eq!(status["server_url"], Value::Null);
}
