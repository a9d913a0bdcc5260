//! The real `switchboard-server` binary on 127.0.0.1 with a SQLite
//! database and one admin, stopped when dropped. Shared by the window tests
//! (tests/e2e.rs) and the CLI's (crates/cli/tests), each including this
//! file with `#[path]`.

#![allow(dead_code)]

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The admin's email.
pub const ADMIN: &str = "ops@example.com";
/// The admin's password.
pub const ADMIN_PASSWORD: &str = "correct horse battery";

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// The running server.
pub struct SyncServer {
    child: Child,
    /// Where it listens on 127.0.0.1.
    pub port: u16,
}

impl SyncServer {
    /// Starts `bin` with its data under `work/server`, after adding the
    /// admin; `env` is set for the server only.
    pub fn start(bin: &Path, work: &Path, env: &[(&str, &str)]) -> SyncServer {
        let home = work.join("server");
        std::fs::create_dir_all(&home).unwrap();
        let db = home.join("server.db");
        let base = |c: &mut Command| {
            c.env("HOME", &home)
                .env(
                    "TOKEN_ENCRYPTION_KEY",
                    "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                )
                .env_remove("DATABASE_URL")
                .env_remove("RUST_LOG")
                .args(["--database", db.to_str().unwrap()]);
        };
        let mut add = Command::new(bin);
        base(&mut add);
        add.args(["user", "add", "--email", ADMIN, "--role", "admin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null());
        let mut child = add.spawn().expect("user add");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{ADMIN_PASSWORD}\n").as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success(), "user add");
        let port = free_port();
        let mut serve = Command::new(bin);
        base(&mut serve);
        for (key, value) in env {
            serve.env(key, value);
        }
        serve
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = serve.spawn().expect("the server starts");
        let t0 = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(20),
                "the server did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SyncServer { child, port }
    }

    /// Its address.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for SyncServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
