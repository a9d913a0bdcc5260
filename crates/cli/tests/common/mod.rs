//! What the CLI's tests share: the binary run on a real SQLite file, a
//! fresh store, JSON answers, Twilio sample credentials, a fake provider's
//! runtime and the real team server.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const PASS: &str = "cli parity test passphrase";

/// The `switchboard` binary on `db`, unlocked with [`PASS`], no keyring,
/// no terminal.
pub fn cli(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_switchboard"));
    c.arg("--db")
        .arg(db)
        .env("SWITCHBOARD_PASSPHRASE", PASS)
        .env("SWITCHBOARD_NO_KEYRING", "1")
        .env_remove("SWITCHBOARD_PROVIDER_ENDPOINTS")
        .env_remove("SWITCHBOARD_SYNC_PASSWORD")
        .env_remove("SWITCHBOARD_RECOVERY_KEY")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    c
}

/// Standard output of a run that must succeed.
pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON printed by a run that must succeed.
pub fn ok_json(out: Output) -> Value {
    serde_json::from_str(&ok(out)).expect("JSON on standard output")
}

/// The exit code and standard error of a run.
pub fn code(out: &Output) -> (i32, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh store with its vault (passphrase only), in `dir`; answers its
/// path and its recovery key.
pub fn store(dir: &Path, name: &str) -> (PathBuf, String) {
    let db = dir.join(name);
    let init = ok_json(
        cli(&db)
            .args(["--json", "init", "--no-keyring"])
            .output()
            .unwrap(),
    );
    (db, init["recovery_key"].as_str().unwrap().to_owned())
}

/// Twilio's sample account SID, auth token and sender from the catalog.
pub fn twilio_sample() -> (String, String, String) {
    let ty = switchboard_catalog::integration_type("sms").expect("sms");
    let provider = ty.provider("twilio").expect("twilio");
    let value = |key: &str| {
        let field = provider
            .fields(ty)
            .find(|f| f.key == key)
            .unwrap_or_else(|| panic!("twilio has {key}"));
        match switchboard_catalog::samples::sample_value(field) {
            Value::String(t) => t,
            other => other.to_string(),
        }
    };
    (
        value("account_sid"),
        value("auth_token"),
        value("from_phone_number"),
    )
}

/// Adds a Twilio SMS integration named `name` whose auth token is `token`.
pub fn add_twilio(db: &Path, name: &str, token: &str) -> String {
    let (sid, _, from) = twilio_sample();
    let out = cli(db)
        .args([
            "add",
            "--type",
            "sms",
            "--provider",
            "twilio",
            "--name",
            name,
        ])
        .args(["--set", &format!("account_sid={sid}")])
        .args(["--set", &format!("from_phone_number={from}")])
        .args(["--secret-env", "auth_token=TWILIO_TOKEN"])
        .env("TWILIO_TOKEN", token)
        .output()
        .unwrap();
    ok(out).trim().to_owned()
}

/// The runtime fake providers run on, kept alive by the test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime for the fake provider")
}

#[path = "../../../../tests/support/sync_server.rs"]
mod sync_server;
#[allow(unused_imports)] // not every test binary signs in
pub use sync_server::{ADMIN, ADMIN_PASSWORD};

/// The real `switchboard-server` binary (built beside this one) on
/// 127.0.0.1 with a SQLite database and one admin, stopped when dropped.
pub struct SyncServer(sync_server::SyncServer);

impl SyncServer {
    pub fn start(work: &Path) -> SyncServer {
        let bin = Path::new(env!("CARGO_BIN_EXE_switchboard")).with_file_name("switchboard-server");
        assert!(
            bin.exists(),
            "{} is missing: cargo build --release -p switchboard-server",
            bin.display()
        );
        SyncServer(sync_server::SyncServer::start(&bin, work, &[]))
    }

    pub fn url(&self) -> String {
        self.0.url()
    }
}
