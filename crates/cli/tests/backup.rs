//! `switchboard backup` and `restore` run as a person would: a backup
//! restored into a fresh store, a wrong passphrase, the preview as JSON,
//! the passphrases read from standard input, and plaintext exports guarded.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const PASS: &str = "cli backup test passphrase";
const BACKUP_PASS: &str = "the backup's own passphrase";
const SECRET: &str = "SG.cli-backup-secret-4242";

fn cli(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_switchboard"));
    c.arg("--db")
        .arg(db)
        .env("SWITCHBOARD_PASSPHRASE", PASS)
        .env("SWITCHBOARD_BACKUP_PASSPHRASE", BACKUP_PASS)
        .env("SG_KEY", SECRET)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    c
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A fresh store with its vault, in `dir`.
fn store(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    ok(cli(&db).args(["init", "--no-keyring"]).output().unwrap());
    db
}

fn add(db: &Path, name: &str) -> String {
    let out = cli(db)
        .args([
            "add",
            "--type",
            "email",
            "--provider",
            "sendgrid",
            "--name",
            name,
        ])
        .args([
            "--set",
            "from_email=news@example.com",
            "--secret-env",
            "api_key=SG_KEY",
        ])
        .output()
        .unwrap();
    ok(out).trim().to_owned()
}

#[test]
fn backup_restores_into_a_fresh_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path(), "a.sqlite");
    let id = add(&db, "Newsletter");
    let file = dir.path().join("all.backup");
    let out = ok(cli(&db).arg("backup").arg(&file).output().unwrap());
    assert!(out.contains("Backed up 1 integration(s)"), "{out}");
    let bytes = std::fs::read(&file).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("cli-backup-secret"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file is left");

    let fresh = store(dir.path(), "b.sqlite");
    let report: Value = serde_json::from_str(&ok(cli(&fresh)
        .args(["restore", "--json"])
        .arg(&file)
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(report["added"], 1);
    let revealed = ok(cli(&fresh)
        .args(["reveal", &id, "api_key"])
        .output()
        .unwrap());
    assert_eq!(revealed.trim(), SECRET);

    // Again: nothing new, nothing changed.
    let again: Value = serde_json::from_str(&ok(cli(&fresh)
        .args(["restore", "--json"])
        .arg(&file)
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(
        (again["added"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(1))
    );
}

#[test]
fn wrong_passphrase_and_damaged_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path(), "a.sqlite");
    add(&db, "Newsletter");
    let file = dir.path().join("all.backup");
    ok(cli(&db).arg("backup").arg(&file).output().unwrap());

    let out = cli(&db)
        .env("SWITCHBOARD_BACKUP_PASSPHRASE", "not the right one")
        .args(["restore", "--preview"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wrong passphrase for this backup"), "{err}");

    let bytes = std::fs::read(&file).unwrap();
    let cut = dir.path().join("cut.backup");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = cli(&db).arg("restore").arg(&cut).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("truncated or damaged"));

    // No passphrase at all, and no terminal to ask on.
    let out = cli(&db)
        .env_remove("SWITCHBOARD_BACKUP_PASSPHRASE")
        .arg("backup")
        .arg(dir.path().join("other.backup"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SWITCHBOARD_BACKUP_PASSPHRASE"));
    assert!(!dir.path().join("other.backup").exists());
}

#[test]
fn preview_json_lists_each_kind_and_stdin_gives_both_passphrases() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path(), "a.sqlite");
    let id = add(&db, "Newsletter");
    let file = dir.path().join("all.backup");
    ok(cli(&db).arg("backup").arg(&file).output().unwrap());
    ok(cli(&db)
        .args(["update", &id, "--name", "Renamed"])
        .output()
        .unwrap());
    add(&db, "Another");

    // Both passphrases on standard input: the vault's first, the backup's second.
    let mut child = cli(&db)
        .env_remove("SWITCHBOARD_PASSPHRASE")
        .env_remove("SWITCHBOARD_BACKUP_PASSPHRASE")
        .args([
            "restore",
            "--preview",
            "--json",
            "--passphrase-stdin",
            "--backup-passphrase-stdin",
        ])
        .arg(&file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    write!(child.stdin.take().unwrap(), "{PASS}\n{BACKUP_PASS}\n").unwrap();
    let preview: Value = serde_json::from_str(&ok(child.wait_with_output().unwrap())).unwrap();
    assert_eq!(preview["counts"]["changed"], 1);
    assert_eq!(preview["integrations"][0]["kind"], "changed");
    assert_eq!(
        preview["integrations"][0]["fields"],
        serde_json::json!(["name"])
    );
    assert!(!preview.to_string().contains("cli-backup-secret"));

    // Take the file's version of the changed one.
    let report: Value = serde_json::from_str(&ok(cli(&db)
        .args(["restore", "--json", "--on-change", "take-file"])
        .arg(&file)
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(report["updated"], serde_json::json!([id]));
    let shown: Value = serde_json::from_str(&ok(cli(&db)
        .args(["show", &id, "--json"])
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(shown["name"], "Newsletter");
}

#[test]
fn plaintext_export_needs_the_flag_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let db = store(dir.path(), "a.sqlite");
    add(&db, "Newsletter");
    let file = dir.path().join("plain.json");
    let out = cli(&db)
        .args(["export", "--with-secrets"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("switchboard backup") && err.contains("--plaintext"),
        "{err}"
    );
    assert!(!file.exists());

    let out = cli(&db)
        .args(["export", "--with-secrets", "--plaintext"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));
    assert!(std::fs::read_to_string(&file).unwrap().contains(SECRET));
    // Without secrets, as before.
    ok(cli(&db)
        .arg("export")
        .arg(dir.path().join("bare.json"))
        .output()
        .unwrap());
}
