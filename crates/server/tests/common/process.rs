//! Driving the real `switchboard-server` binary from tests: a clean
//! environment, a running server whose output is collected, one-shot
//! commands with stdin, and a small HTTP helper.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_switchboard-server");
pub const CANARY: &str = "CANARYbinZ8q4Wm1Xv7";

/// The binary with a clean environment: nothing inherited that changes it.
pub fn command(home: &Path) -> Command {
    let mut c = Command::new(BIN);
    for var in [
        "TOKEN_ENCRYPTION_KEY",
        "DATABASE_URL",
        "SWITCHBOARD_DATA_DIR",
        "SWITCHBOARD_BIND",
        "SWITCHBOARD_PASSWORD",
        "RUST_LOG",
    ] {
        c.env_remove(var);
    }
    c.env("HOME", home).env("XDG_DATA_HOME", home.join("data"));
    // Provider checks never leave the machine in tests.
    c.env(
        "SWITCHBOARD_PROVIDER_ENDPOINTS",
        r#"{"*": "http://127.0.0.1:9"}"#,
    );
    c
}

pub struct Running {
    pub child: Child,
    pub stdout: Arc<Mutex<String>>,
    pub stderr: Arc<Mutex<String>>,
    pub base: String,
}

pub fn collect(reader: impl std::io::Read + Send + 'static) -> Arc<Mutex<String>> {
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines().map_while(Result::ok) {
            let mut s = sink.lock().unwrap();
            s.push_str(&line);
            s.push('\n');
        }
    });
    out
}

impl Running {
    pub fn start(mut c: Command) -> Running {
        let mut child = c
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        let started = Instant::now();
        loop {
            let text = stdout.lock().unwrap().clone();
            if let Some(line) = text.lines().find(|l| l.contains(" listening on http://")) {
                let base = line
                    .split("listening on ")
                    .nth(1)
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
                    .to_owned();
                return Running {
                    child,
                    stdout,
                    stderr,
                    base,
                };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "the server exited ({status}): {}{}",
                    text,
                    stderr.lock().unwrap()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no 'listening' line: {text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }

    /// Waits for exit; returns (success, stdout, stderr).
    pub fn wait(mut self) -> (bool, String, String) {
        let started = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if started.elapsed() > Duration::from_secs(20) {
                let _ = self.child.kill();
                panic!("the server did not stop");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        std::thread::sleep(Duration::from_millis(100));
        let out = self.stdout.lock().unwrap().clone();
        let err = self.stderr.lock().unwrap().clone();
        (status.success(), out, err)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// Runs a command to completion with `stdin`; (success, stdout, stderr).
pub fn run(mut c: Command, stdin: &str) -> (bool, String, String) {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

pub async fn call(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = client()
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{base}{path}"),
        )
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A running server's HTTP API as one user.
pub struct Api {
    pub base: String,
    pub token: String,
}

impl Api {
    pub fn new(base: &str, token: &str) -> Api {
        Api {
            base: base.to_owned(),
            token: token.to_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        call(&self.base, "GET", path, &self.token, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        call(&self.base, "POST", path, &self.token, Some(body)).await
    }

    /// POST that must answer 201; the new record.
    pub async fn created(&self, path: &str, body: Value) -> Value {
        let (s, created) = self.post(path, body).await;
        assert_eq!(s, 201, "{created}");
        created
    }

    /// Runs the check of integration `id` (`POST .../test/`).
    pub async fn test(&self, id: i64) -> (u16, Value) {
        let path = format!("/api/integrations/{id}/test/");
        call(&self.base, "POST", &path, &self.token, None).await
    }
}

/// Adds an admin and returns an API token for it.
pub fn admin_token(home: &Path, extra: &[(&str, &str)], args: &[&str]) -> String {
    // `<command> --email <email> <option>` with the common arguments and
    // environment; its output.
    let cli = |command: [&str; 2], email: &str, option: [&str; 2], stdin: &str| {
        let mut c = self::command(home);
        c.args(args)
            .args(command)
            .args(["--email", email])
            .args(option);
        for (k, v) in extra {
            c.env(k, v);
        }
        run(c, stdin)
    };
    let password = "correct horse battery\n";
    let (ok, out, err) = cli(
        ["user", "add"],
        "Admin@Example.com",
        ["--role", "admin"],
        password,
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("Created admin admin@example.com"), "{out}");
    let (ok, out, err) = cli(
        ["token", "create"],
        "admin@example.com",
        ["--name", "test"],
        "",
    );
    assert!(ok, "{err}");
    assert!(err.contains("shown once"));
    out.trim().to_owned()
}

pub fn port_8787_free() -> bool {
    std::net::TcpListener::bind("127.0.0.1:8787").is_ok()
}
