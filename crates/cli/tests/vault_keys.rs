//! `switchboard passphrase change` and `recovery-key reissue` on a real
//! store: a wrong current passphrase changes nothing (exit 4), the new
//! passphrase unlocks and the old one no longer does; a reissued recovery
//! key replaces the old one.

mod common;

use common::*;

const NEW: &str = "a brand new cli passphrase";

#[test]
fn passphrase_change_needs_the_current_one() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = store(dir.path(), "v.sqlite");
    let change = |current: &str| {
        cli(&db)
            .args(["passphrase", "change"])
            .env("SWITCHBOARD_PASSPHRASE", current)
            .env("SWITCHBOARD_NEW_PASSPHRASE", NEW)
            .output()
            .unwrap()
    };
    let out = change("not the passphrase");
    assert_eq!(code(&out).0, 4, "{}", code(&out).1);
    ok(cli(&db).arg("list").output().unwrap());

    let out = cli(&db).args(["passphrase", "change"]).output().unwrap();
    assert_eq!(code(&out).0, 2, "no new passphrase and no terminal");

    let text = ok(change(PASS));
    assert!(text.contains("Passphrase changed"), "{text}");
    let out = cli(&db).arg("list").output().unwrap();
    assert_eq!(code(&out).0, 4, "the old passphrase no longer unlocks");
    ok(cli(&db)
        .arg("list")
        .env("SWITCHBOARD_PASSPHRASE", NEW)
        .output()
        .unwrap());

    // Both on standard input: the current one, then the new one.
    let mut child = cli(&db)
        .args(["--passphrase-stdin", "--json", "passphrase", "change"])
        .arg("--new-passphrase-stdin")
        .env_remove("SWITCHBOARD_PASSPHRASE")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{NEW}\n{PASS}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["changed"], true);
    ok(cli(&db).arg("list").output().unwrap());
}

#[test]
fn recovery_key_reissue_replaces_the_old_key() {
    let dir = tempfile::tempdir().unwrap();
    let (db, old_key) = store(dir.path(), "v.sqlite");
    let by_key = |key: &str| {
        cli(&db)
            .arg("list")
            .env_remove("SWITCHBOARD_PASSPHRASE")
            .env("SWITCHBOARD_RECOVERY_KEY", key)
            .output()
            .unwrap()
    };
    ok(by_key(&old_key));
    let out = cli(&db)
        .args(["recovery-key", "reissue"])
        .env("SWITCHBOARD_PASSPHRASE", "wrong")
        .output()
        .unwrap();
    assert_eq!(code(&out).0, 4);
    let answer = ok_json(
        cli(&db)
            .args(["--json", "recovery-key", "reissue"])
            .output()
            .unwrap(),
    );
    let new_key = answer["recovery_key"].as_str().unwrap();
    assert_ne!(new_key, old_key);
    assert_eq!(code(&by_key(&old_key)).0, 4, "the old key stops working");
    ok(by_key(new_key));
}
