//! What every test body gets: a running server on 127.0.0.1 backed by a
//! fresh database of one backend, an admin with an API token, helpers to
//! make more users and to call the APIs, and a fake provider check that
//! records what it was given.

use async_trait::async_trait;
use futures_util::future::BoxFuture;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use switchboard_server::auth::{hash_password, new_token};
use switchboard_server::model::{AuditEntry, Role, TokenKind};
use switchboard_server::{
    AppState, CheckInput, Db, Outcome, OutcomeKind, ProviderCheck, Settings, Vault,
};

use crate::pg::PgCluster;

/// A test body: takes a context, panics (asserts) to fail.
pub type Body = fn(Ctx) -> BoxFuture<'static, ()>;

/// Registers test functions `async fn name(ctx: Ctx)` of a module.
#[macro_export]
macro_rules! tests {
    ($($name:ident),* $(,)?) => {
        pub fn tests() -> Vec<(&'static str, $crate::ctx::Body)> {
            let module = module_path!().rsplit("::").next().unwrap_or("");
            let module: &'static str = module.strip_prefix("suite_").unwrap_or(module);
            vec![$((
                Box::leak(format!("{module}::{}", stringify!($name)).into_boxed_str()) as &'static str,
                (|c| Box::pin($name(c))) as $crate::ctx::Body,
            )),*]
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// What the fake provider check saw: provider and plain secrets.
#[derive(Debug, Clone)]
pub struct Seen {
    pub provider: String,
    pub secrets: BTreeMap<String, String>,
}

/// A provider check that says no to any secret containing "bad" and yes
/// otherwise, remembering every request; or, once a test plugs one in,
/// hands the request to a real checker.
#[derive(Default)]
pub struct FakeCheck {
    pub seen: Mutex<Vec<Seen>>,
    pub delegate: Mutex<Option<Arc<dyn ProviderCheck>>>,
}

#[async_trait]
impl ProviderCheck for FakeCheck {
    async fn check(&self, request: CheckInput<'_>) -> Outcome {
        let secrets: BTreeMap<String, String> = request
            .secrets
            .iter()
            .map(|(k, v)| (k.clone(), v.expose().to_owned()))
            .collect();
        let bad = secrets.values().any(|v| v.contains("bad"));
        self.seen.lock().unwrap().push(Seen {
            provider: request.provider.to_owned(),
            secrets,
        });
        let delegate = self.delegate.lock().unwrap().clone();
        if let Some(real) = delegate {
            return real.check(request).await;
        }
        if bad {
            Outcome::new(
                OutcomeKind::InvalidCredentials,
                "The provider rejected the credentials (HTTP 401).",
                "Copy the key again from the provider's dashboard.",
            )
        } else if secrets_say(&self.seen, "expiring") {
            Outcome::ok(format!("Connected to {}.", request.provider)).expiry(
                switchboard_domain::StatedExpiry::at("2030-01-02T03:04:05Z", "Fake check"),
            )
        } else {
            Outcome::ok(format!("Connected to {}.", request.provider))
        }
    }
}

/// Whether the secrets of the last check seen contain `word`.
fn secrets_say(seen: &Mutex<Vec<Seen>>, word: &str) -> bool {
    seen.lock()
        .unwrap()
        .last()
        .is_some_and(|s| s.secrets.values().any(|v| v.contains(word)))
}

/// A user with an API token.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub token: String,
}

/// An answer: status, JSON body (Null when empty or not JSON), headers.
#[derive(Debug)]
pub struct Res {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    /// The body as sent.
    pub bytes: Vec<u8>,
}

impl Res {
    /// This answer, which must have this status (the body shows when not).
    #[track_caller]
    pub fn expect_status(self, status: u16) -> Res {
        assert_eq!(self.status, status, "{}", self.text);
        self
    }

    /// Asserts that this answer's message under `key` (`detail`, `error`)
    /// contains `part`.
    #[track_caller]
    pub fn assert_says(&self, key: &str, part: &str) {
        let message = self.body[key].as_str();
        assert!(message.expect("a message").contains(part), "{}", self.text);
    }

    /// Asserts that this answer's (first) message for `field` contains `part`.
    #[track_caller]
    pub fn assert_field(&self, field: &str, part: &str) {
        let message = self.body[field][0].as_str();
        assert!(
            message.expect("a message for the field").contains(part),
            "{}",
            self.text
        );
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

/// The items of a JSON list (which it must be).
pub fn items(list: &Value) -> std::slice::Iter<'_, Value> {
    list.as_array().expect("a JSON list").iter()
}

#[derive(Clone)]
pub struct Ctx {
    pub backend: Backend,
    pub base: String,
    pub client: reqwest::Client,
    pub db: Arc<dyn Db>,
    pub admin: User,
    pub checker: Arc<FakeCheck>,
    pub sqlite_path: Option<std::path::PathBuf>,
    pub pg: Option<(Arc<PgCluster>, String)>,
    pub key_text: String,
    /// The state the server under test runs with.
    pub state: AppState,
    _dir: Arc<tempfile::TempDir>,
}

/// Stops the server of a test.
pub struct Server {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    db: Arc<dyn Db>,
}

impl Server {
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(10), self.task).await;
        self.db.close().await;
    }
}

static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

/// One Argon2id hash reused for every test user (hashing is slow on purpose).
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("correct horse battery").unwrap())
}

pub const PASSWORD: &str = "correct horse battery";

/// Settings of the server under test: 3 tests per minute so 429 is quick to reach.
pub fn test_settings() -> Settings {
    Settings {
        test_limit: 3,
        test_window: Duration::from_secs(60),
        credential_limit: 5,
        credential_window: Duration::from_secs(60),
        // Above max_body_bytes (1 MiB), to show the upload has its own limit.
        max_release_bytes: 4 * 1024 * 1024,
        // Lead forwarding tries again quickly.
        forward_backoff: Duration::from_millis(200),
        ..Settings::default()
    }
}

impl Ctx {
    pub async fn start(backend: Backend, cluster: Option<Arc<PgCluster>>) -> (Ctx, Server) {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let (url, sqlite_path, pg) = match (backend, cluster) {
            (Backend::Sqlite, _) => {
                let path = dir.path().join("server.db");
                (path.to_string_lossy().into_owned(), Some(path), None)
            }
            (Backend::Postgres, Some(cluster)) => {
                let name = format!(
                    "t_{}_{}",
                    std::process::id(),
                    NEXT_DB.fetch_add(1, Ordering::SeqCst)
                );
                let url = cluster.create_database(&name).await;
                (url, None, Some((cluster, name)))
            }
            (Backend::Postgres, None) => unreachable!("the harness passes the cluster"),
        };
        let db: Arc<dyn Db> = match backend {
            Backend::Sqlite => switchboard_server::connect(&url).await.unwrap(),
            Backend::Postgres => Arc::new(
                switchboard_server::db::PgDb::connect_sized(&url, 8)
                    .await
                    .unwrap(),
            ),
        };
        let key_text = Vault::generate_base64().to_string();
        let vault = Vault::from_base64(&key_text).unwrap();
        db.init_key_check(&vault.key_check()).await.unwrap();
        let checker = Arc::new(FakeCheck::default());
        let state = AppState::new(db.clone(), vault, checker.clone(), test_settings());
        let (ctx, server) = Ctx::serve(
            backend,
            state,
            db.clone(),
            checker,
            key_text,
            dir,
            sqlite_path,
            pg,
        )
        .await;
        (ctx, server)
    }

    #[allow(clippy::too_many_arguments)]
    async fn serve(
        backend: Backend,
        state: AppState,
        db: Arc<dyn Db>,
        checker: Arc<FakeCheck>,
        key_text: String,
        dir: Arc<tempfile::TempDir>,
        sqlite_path: Option<std::path::PathBuf>,
        pg: Option<(Arc<PgCluster>, String)>,
    ) -> (Ctx, Server) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(switchboard_server::serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let mut ctx = Ctx {
            backend,
            base,
            client,
            db: db.clone(),
            admin: User {
                id: 0,
                email: String::new(),
                token: String::new(),
            },
            checker,
            sqlite_path,
            pg,
            key_text,
            state: state.clone(),
            _dir: dir,
        };
        ctx.admin = ctx.user(Role::Admin, &[]).await;
        (ctx, Server { stop, task, db })
    }

    /// A new user of `role` belonging to `websites`, with an API token.
    pub async fn user(&self, role: Role, websites: &[i64]) -> User {
        static N: AtomicUsize = AtomicUsize::new(0);
        let email = format!(
            "{}{}@example.com",
            role.as_str(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let id = self
            .db
            .create_user(&email, password_hash(), role)
            .await
            .unwrap();
        for site in websites {
            let w = self
                .db
                .website(*site)
                .await
                .unwrap()
                .expect("website exists");
            let mut members = w.members.clone();
            members.push(id);
            let entry = AuditEntry {
                actor_id: None,
                actor_email: "test".into(),
                action: "update-website".into(),
                integration_id: None,
                website_id: Some(*site),
                fields: vec!["members".into()],
                via: "test".into(),
            };
            self.db
                .update_website(*site, None, None, Some(&members), &entry)
                .await
                .unwrap();
        }
        let (token, row) = new_token(TokenKind::Api, id, "test", None);
        self.db.insert_token(&row).await.unwrap();
        User { id, email, token }
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Res {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        Ctx::send(req).await
    }

    /// Sends a request made with `self.client`; its answer.
    pub async fn send(req: reqwest::RequestBuilder) -> Res {
        let res = req.send().await.expect("the server answers");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.unwrap_or_default().to_vec();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Res {
            status,
            body,
            headers,
            text,
            bytes,
        }
    }

    pub async fn get(&self, path: &str, user: &User) -> Res {
        self.call("GET", path, Some(&user.token), None).await
    }

    pub async fn post(&self, path: &str, user: &User, body: Value) -> Res {
        self.call("POST", path, Some(&user.token), Some(body)).await
    }

    pub async fn put(&self, path: &str, user: &User, body: Value) -> Res {
        self.call("PUT", path, Some(&user.token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, user: &User, body: Value) -> Res {
        self.call("PATCH", path, Some(&user.token), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str, user: &User) -> Res {
        self.call("DELETE", path, Some(&user.token), None).await
    }

    /// Sends each request (method and path, no body) as `user`, in order;
    /// each must answer its status.
    pub async fn expect_all(&self, user: &User, requests: &[(&str, &str, u16)]) {
        for (method, path, status) in requests {
            self.call(method, path, Some(&user.token), None)
                .await
                .expect_status(*status);
        }
    }

    /// The audit entries of integration `id`, read by the admin (200).
    pub async fn audit_of(&self, id: i64) -> Res {
        let path = format!("/api/v1/audit/?integration={id}");
        self.get(&path, &self.admin).await.expect_status(200)
    }

    /// A service token for every website and type, made by the admin
    /// through the API.
    pub async fn service_token(&self) -> String {
        let r = self
            .post(
                "/api/v1/service-tokens/",
                &self.admin,
                json!({"name": "p", "types": ["*"]}),
            )
            .await
            .expect_status(201);
        r.body["token"].as_str().unwrap().to_owned()
    }

    /// A website made by the admin through the API; its id.
    pub async fn website(&self, name: &str) -> i64 {
        let r = self
            .post(
                "/api/v1/websites/",
                &self.admin,
                json!({"name": name, "domain": format!("{name}.example")}),
            )
            .await
            .expect_status(201);
        r.body["id"].as_i64().unwrap()
    }

    /// A first-API integration created by `user`; its id.
    pub async fn first(&self, user: &User, integration_type: &str, name: &str) -> i64 {
        let r = self
            .post(
                "/api/integrations/",
                user,
                json!({"integration_type": integration_type, "name": name}),
            )
            .await
            .expect_status(201);
        r.body["id"].as_i64().unwrap()
    }

    /// A second-API integration (admin); its id.
    pub async fn second(&self, body: Value) -> i64 {
        let r = self
            .post("/api/v1/websites/integrations/", &self.admin, body)
            .await
            .expect_status(201);
        r.body["id"].as_i64().unwrap()
    }
}
