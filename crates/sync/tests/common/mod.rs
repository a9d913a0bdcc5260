//! Test harness: the real `switchboard-server` binary on 127.0.0.1 with its
//! own SQLite file, users made with its CLI, and laptop stores in temp dirs.

#![allow(dead_code)]

use serde_json::{json, Map, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use switchboard_store::{InitOptions, IntegrationPatch, NewIntegration, Store};
use switchboard_sync::{sync, MemoryTokenStore, ServerClient, SyncOptions, SyncReport};
use switchboard_vault::Secret;
use tokio_util::sync::CancellationToken;

pub const PASSWORD: &str = "correct horse battery";
pub const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

/// The server binary of this workspace's build.
pub fn server_bin() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let bin = target.join(profile).join("switchboard-server");
    assert!(
        bin.exists(),
        "{} is missing: build the workspace first (cargo build --release --workspace)",
        bin.display()
    );
    bin
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A server process on a fixed port and database, restartable.
pub struct Server {
    pub home: tempfile::TempDir,
    pub port: u16,
    pub child: Option<Child>,
    pub output: Arc<Mutex<String>>,
    /// More environment for the server process (settings by variable).
    pub env: Vec<(String, String)>,
}

impl Server {
    fn command(&self) -> Command {
        let mut c = Command::new(server_bin());
        for var in [
            "DATABASE_URL",
            "SWITCHBOARD_DATA_DIR",
            "SWITCHBOARD_BIND",
            "RUST_LOG",
        ] {
            c.env_remove(var);
        }
        c.env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env("TOKEN_ENCRYPTION_KEY", KEY)
            .env(
                "SWITCHBOARD_PROVIDER_ENDPOINTS",
                r#"{"*": "http://127.0.0.1:9"}"#,
            )
            .args(["--database", &self.db()]);
        c.envs(self.env.iter().map(|(k, v)| (k, v)));
        c
    }

    pub fn db(&self) -> String {
        self.home
            .path()
            .join("server.db")
            .to_string_lossy()
            .into_owned()
    }

    pub fn start() -> Server {
        Server::start_with(&[])
    }

    /// A server started with these environment variables set.
    pub fn start_with(env: &[(&str, &str)]) -> Server {
        let mut s = Server {
            home: tempfile::tempdir().unwrap(),
            port: free_port(),
            child: None,
            output: Arc::new(Mutex::new(String::new())),
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        };
        s.add_user("admin@example.com", "admin");
        s.restart();
        s
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn add_user(&self, email: &str, role: &str) {
        let mut c = self.command();
        let out = c
            .args(["user", "add", "--email", email, "--role", role])
            .env("SWITCHBOARD_PASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "user add: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// (Re)starts the process on the same port and database.
    pub fn restart(&mut self) {
        self.kill();
        let mut c = self.command();
        c.args(["--bind", &format!("127.0.0.1:{}", self.port)]);
        let mut child = c
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let out = self.output.clone();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                out.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let err = self.output.clone();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                err.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        self.child = Some(child);
        let t0 = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(20),
                "the server did not listen: {}",
                self.output.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no graceful anything.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A laptop: its own store file and a client signed in to the server.
pub struct Laptop {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub client: ServerClient,
}

/// A SendGrid integration with these values.
pub fn sendgrid(name: &str, values: Map<String, Value>) -> NewIntegration {
    NewIntegration {
        integration_type: "email".into(),
        provider: Some("sendgrid".into()),
        name: name.into(),
        values: Some(values),
        ..NewIntegration::default()
    }
}

impl Laptop {
    /// Two laptops signed in to `server` as its admin, `a` first.
    pub async fn two_admins(server: &Server) -> (Laptop, Laptop) {
        let a = Laptop::new(&server.url(), "admin@example.com").await;
        let b = Laptop::new(&server.url(), "admin@example.com").await;
        (a, b)
    }

    pub async fn new(server_url: &str, email: &str) -> Laptop {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("laptop.sqlite"))
            .await
            .unwrap();
        store
            .init_vault(InitOptions {
                passphrase: Some(Secret::new(PASSWORD.to_owned())),
                ..InitOptions::in_memory()
            })
            .await
            .unwrap();
        let client = ServerClient::new(server_url, Arc::new(MemoryTokenStore::default())).unwrap();
        client
            .login(email, &Secret::new(PASSWORD.to_owned()))
            .await
            .expect("sign in");
        Laptop { dir, store, client }
    }

    pub async fn sync(&self) -> SyncReport {
        self.try_sync().await.expect("sync")
    }

    pub async fn try_sync(&self) -> switchboard_sync::Result<SyncReport> {
        self.try_sync_with(&self.client).await
    }

    /// A sync with these options.
    pub async fn try_sync_options(
        &self,
        options: &SyncOptions,
    ) -> switchboard_sync::Result<SyncReport> {
        sync(
            &self.store,
            &self.client,
            options,
            |_| {},
            &CancellationToken::new(),
        )
        .await
    }

    /// A sync of this laptop's store through another client (another
    /// server replica, say).
    pub async fn try_sync_with(
        &self,
        client: &ServerClient,
    ) -> switchboard_sync::Result<SyncReport> {
        sync(
            &self.store,
            client,
            &SyncOptions::default(),
            |_| {},
            &CancellationToken::new(),
        )
        .await
    }

    /// A SendGrid integration with a secret API key.
    pub async fn add_email(&self, name: &str, key: &str) -> String {
        let mut values = Map::new();
        values.insert("api_key".into(), json!(key));
        values.insert("from_email".into(), json!("news@example.com"));
        values.insert("from_name".into(), json!("Marketing"));
        self.create(sendgrid(name, values)).await
    }

    /// Creates an integration, which must be accepted; its id.
    pub async fn create(&self, new: NewIntegration) -> String {
        self.store.create(new).await.expect("create").id
    }

    /// Changes one config value (keeping the rest and the secrets).
    pub async fn set_config(&self, id: &str, key: &str, value: Value) {
        let current = self.store.get(id).await.unwrap();
        let mut values = current.config.clone();
        values.insert(key.into(), value);
        self.store
            .update(
                id,
                IntegrationPatch {
                    values: Some(values),
                    ..IntegrationPatch::default()
                },
            )
            .await
            .expect("update");
    }

    pub async fn rename(&self, id: &str, name: &str) {
        self.store
            .update(
                id,
                IntegrationPatch {
                    name: Some(name.into()),
                    ..IntegrationPatch::default()
                },
            )
            .await
            .expect("rename");
    }

    /// (name, config) of every integration, sorted by id: what must agree.
    pub async fn snapshot(&self) -> Vec<(String, String, Value)> {
        let mut all: Vec<_> = self
            .store
            .list_full(&Default::default())
            .await
            .unwrap()
            .into_iter()
            .map(|i| (i.id, i.name, Value::Object(i.config)))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

/// How the proxy misbehaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// Drop the answer of every Nth request (after the server handled it):
    /// the client sees the connection close half-way.
    pub drop_every: usize,
    /// Send every request to the server twice (the first answer is lost).
    pub duplicate: bool,
    /// Hold each push's answer this long before passing it on (so that
    /// the laptop's next batches go out meanwhile).
    pub hold_push: Duration,
}

/// A small HTTP/1.1 proxy between a laptop and the server, one request per
/// connection, that loses answers and duplicates requests.
pub struct Proxy {
    pub port: u16,
    pub requests: Arc<Mutex<usize>>,
    pub dropped: Arc<Mutex<usize>>,
    /// What it saw: the paths asked for, and pushes at once.
    pub seen: Arc<Mutex<Seen>>,
}

/// What a [`Proxy`] saw.
#[derive(Debug, Default)]
pub struct Seen {
    /// Each request's path, in the order they came.
    pub paths: Vec<String>,
    /// Pushes under way now (received, answer not passed on yet).
    pub pushing: usize,
    /// The most pushes under way at once.
    pub most_pushing: usize,
}

impl Seen {
    /// How many requests asked for `path`.
    pub fn count(&self, path: &str) -> usize {
        self.paths.iter().filter(|p| p.as_str() == path).count()
    }
}

impl Proxy {
    pub fn start(upstream: u16, faults: Faults) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(0usize));
        let dropped = Arc::new(Mutex::new(0usize));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (r, d, s) = (requests.clone(), dropped.clone(), seen.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let (r, d, s) = (r.clone(), d.clone(), s.clone());
                std::thread::spawn(move || {
                    let _ = serve(client, upstream, faults, (&r, &d), &s);
                });
            }
        });
        Proxy {
            port,
            requests,
            dropped,
            seen,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    // One request per connection: ask the server to close after answering.
    let mut lines: Vec<&str> = head.trim_end().split("\r\n").collect();
    lines.retain(|l| !l.to_ascii_lowercase().starts_with("connection:"));
    let mut out = lines.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    out.extend_from_slice(&buf[head_end..head_end + length]);
    Ok(Some(out))
}

fn forward(request: &[u8], upstream: u16) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut server = std::net::TcpStream::connect(("127.0.0.1", upstream))?;
    server.write_all(request)?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer)?;
    Ok(answer)
}

fn serve(
    mut client: std::net::TcpStream,
    upstream: u16,
    faults: Faults,
    (requests, dropped): (&Mutex<usize>, &Mutex<usize>),
    seen: &Mutex<Seen>,
) -> std::io::Result<()> {
    let Some(request) = read_request(&mut client)? else {
        return Ok(());
    };
    let path = String::from_utf8_lossy(&request)
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let push = path == switchboard_sync::PUSH_PATH;
    {
        let mut seen = seen.lock().unwrap();
        seen.paths.push(path);
        if push {
            seen.pushing += 1;
            seen.most_pushing = seen.most_pushing.max(seen.pushing);
        }
    }
    let hold = if push {
        faults.hold_push
    } else {
        Duration::ZERO
    };
    let answered = pass_on(
        &mut client,
        &request,
        upstream,
        (faults, hold),
        (requests, dropped),
    );
    if push {
        seen.lock().unwrap().pushing -= 1;
    }
    answered
}

/// Passes `request` on to the server and its answer back, with `faults`,
/// the answer held for `hold`.
fn pass_on(
    client: &mut std::net::TcpStream,
    request: &[u8],
    upstream: u16,
    (faults, hold): (Faults, Duration),
    (requests, dropped): (&Mutex<usize>, &Mutex<usize>),
) -> std::io::Result<()> {
    let n = {
        let mut r = requests.lock().unwrap();
        *r += 1;
        *r
    };
    if faults.duplicate {
        let _ = forward(request, upstream)?;
    }
    let answer = forward(request, upstream)?;
    std::thread::sleep(hold);
    if faults.drop_every > 0 && n % faults.drop_every == 0 {
        *dropped.lock().unwrap() += 1;
        // Half an answer, then the connection goes away.
        let half = answer.len() / 2;
        client.write_all(&answer[..half])?;
        return client.shutdown(std::net::Shutdown::Both);
    }
    client.write_all(&answer)?;
    client.shutdown(std::net::Shutdown::Both)
}

/// One request to the server on `port`, signed in with `token` if any:
/// (status, JSON body or Null).
fn request(
    port: u16,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    use std::io::Read;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    // HTTP/1.0: the answer comes whole (never chunked), then the
    // connection closes.
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        port,
        body.len()
    );
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    (status, serde_json::from_str(rest).unwrap_or(Value::Null))
}

/// A signed-in REST caller of the server (plain HTTP/1.0 over 127.0.0.1,
/// one request per connection): for what a laptop does not do itself.
pub struct Rest {
    pub port: u16,
    pub token: String,
}

impl Rest {
    pub fn login(port: u16, email: &str) -> Rest {
        let login = json!({"email": email, "password": PASSWORD});
        let (status, body) = request(port, None, "POST", "/api/v1/auth/login/", Some(login));
        assert_eq!(status, 200, "login: {body}");
        let token = body["access_token"].as_str().expect("an access token");
        Rest {
            port,
            token: token.to_owned(),
        }
    }

    /// (status, JSON body or Null); signed in unless the token is empty.
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let token = Some(self.token.as_str()).filter(|t| !t.is_empty());
        request(self.port, token, method, path, body)
    }

    /// The server id of the website with this name.
    pub fn website_id(&self, name: &str) -> Option<i64> {
        let (status, body) = self.call("GET", "/api/v1/websites/", None);
        assert_eq!(status, 200, "{body}");
        let list = body
            .get("results")
            .or(Some(&body))
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default();
        list.iter()
            .find(|w| w["name"] == name)
            .and_then(|w| w["id"].as_i64())
    }

    /// The log messages of an integration (server id), newest first.
    pub fn logs(&self, id: i64) -> Vec<String> {
        let (status, body) = self.call("GET", &format!("/api/integrations/{id}/logs/"), None);
        assert_eq!(status, 200, "{body}");
        body["logs"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|l| l["message"].as_str().map(str::to_owned))
            .collect()
    }
}
