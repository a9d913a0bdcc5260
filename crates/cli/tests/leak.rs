//! The secret-leak test: plant a unique canary secret, run a workload with
//! trace logging through the CLI, then search the database file, its WAL,
//! the log file, the export, the encrypted backup and every output for the canary in plain text.

use std::path::Path;
use std::process::Command;

const PASS: &str = "leak test passphrase";
const CANARY: &str = "SG.canary-5d1e8b7f-never-in-plaintext";
const CANARY_WA: &str = "EAAcanary5d1e8b7fWhatsAppToken";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn canary_secret_appears_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.sqlite");
    let log = dir.path().join("switchboard.log");
    let export = dir.path().join("export.json");
    let backup = dir.path().join("all.backup");
    let mut outputs: Vec<u8> = Vec::new();
    let run = |args: &[&str], outputs: &mut Vec<u8>| -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .arg("--db")
            .arg(&db)
            .arg("--log-file")
            .arg(&log)
            .args(args)
            .env("SWITCHBOARD_PASSPHRASE", PASS)
            .env(
                "SWITCHBOARD_BACKUP_PASSPHRASE",
                "leak test backup passphrase",
            )
            .env("CANARY_SECRET", CANARY)
            .env("CANARY_WA", CANARY_WA)
            .env("RUST_LOG", "trace")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.extend_from_slice(&out.stdout);
        outputs.extend_from_slice(&out.stderr);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    run(&["init", "--no-keyring"], &mut outputs);
    let id = run(
        &[
            "add",
            "--type",
            "email",
            "--provider",
            "sendgrid",
            "--name",
            "Canary mail",
            "--set",
            "from_email=news@example.com",
            "--secret-env",
            "api_key=CANARY_SECRET",
        ],
        &mut outputs,
    );
    let wa = run(
        &[
            "add",
            "--type",
            "whatsapp",
            "--name",
            "Canary WA",
            "--set",
            "phone_number_id=123456789",
            "--set",
            "business_account_id=987654321",
            "--secret-env",
            "access_token=CANARY_WA",
        ],
        &mut outputs,
    );
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["list", "--search", "canary"],
        vec!["show", &id],
        vec!["show", &id, "--json"],
        vec!["show", &wa, "--json"],
        vec!["update", &id, "--set", "from_name=Renamed"],
        vec!["stats", "--json"],
        vec!["logs", &id, "--json"],
        vec!["export", export.to_str().unwrap()],
        vec!["backup", backup.to_str().unwrap()],
        vec!["restore", "--preview", "--json", backup.to_str().unwrap()],
        vec!["restore", backup.to_str().unwrap()],
        vec!["rotate-key"],
        vec!["show", &id],
    ] {
        run(&args, &mut outputs);
    }
    // A failing command must not echo the secret either.
    let bad = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("--db")
        .arg(&db)
        .args([
            "update",
            &id,
            "--set",
            "from_email=broken",
            "--secret-env",
            "api_key=CANARY_SECRET",
        ])
        .env("SWITCHBOARD_PASSPHRASE", PASS)
        .env("CANARY_SECRET", CANARY)
        .env("RUST_LOG", "trace")
        .output()
        .unwrap();
    assert!(!bad.status.success());
    outputs.extend_from_slice(&bad.stdout);
    outputs.extend_from_slice(&bad.stderr);

    // The masked form is what users see.
    assert!(
        String::from_utf8_lossy(&outputs).contains("****text"),
        "the mask shows the last 4 characters"
    );
    let log_bytes = std::fs::read(&log).unwrap();
    assert!(log_bytes.len() > 1000, "trace logging produced output");

    let mut searched = vec![
        ("command output".to_owned(), outputs),
        ("log file".to_owned(), log_bytes),
    ];
    for p in [
        db.clone(),
        Path::new(&format!("{}-wal", db.display())).to_path_buf(),
        export.clone(),
        backup.clone(),
    ] {
        if let Ok(bytes) = std::fs::read(&p) {
            searched.push((p.display().to_string(), bytes));
        }
    }
    for (what, bytes) in &searched {
        assert!(
            !contains(bytes, CANARY.as_bytes()),
            "the canary is in the {what}"
        );
        assert!(
            !contains(bytes, CANARY_WA.as_bytes()),
            "the WhatsApp canary is in the {what}"
        );
        assert!(
            !contains(bytes, b"5d1e8b7f"),
            "part of the canary is in the {what}"
        );
    }
}
