//! Helpers shared by the store's integration tests: a store in a temporary
//! folder, unlocked with an in-memory key store (never the real keyring).
#![allow(dead_code)]

use serde_json::{json, Map, Value};
use std::sync::Arc;
use switchboard_store::{InitOptions, Integration, IntegrationPatch, NewIntegration, Store};
use switchboard_vault::{MemoryKeyStore, RecoveryKey, Secret};
use tempfile::TempDir;

pub const PASSPHRASE: &str = "correct horse battery";

pub struct TestStore {
    pub dir: TempDir,
    pub store: Store,
    pub keys: Arc<MemoryKeyStore>,
    pub recovery: RecoveryKey,
}

impl TestStore {
    pub fn db_path(&self) -> std::path::PathBuf {
        self.dir.path().join("store.sqlite")
    }

    pub async fn reopen(&self) -> Store {
        Store::open(self.db_path()).await.unwrap()
    }

    /// Creates an integration, which must be accepted.
    pub async fn add(&self, new: NewIntegration) -> Integration {
        self.store.create(new).await.unwrap()
    }
}

/// A test store is used as its store.
impl std::ops::Deref for TestStore {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

pub async fn new_store() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("store.sqlite")).await.unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let recovery = store
        .init_vault(InitOptions {
            keystore: Some(keys.clone()),
            passphrase: Some(Secret::new(PASSPHRASE)),
        })
        .await
        .unwrap();
    TestStore {
        dir,
        store,
        keys,
        recovery,
    }
}

/// A store file as an older version left it: `dir/old.sqlite` with the
/// local migrations numbered below `before` (e.g. "0002") applied, open in
/// a plain pool for the test to write rows the old way; its path.
pub async fn old_store_file(
    dir: &std::path::Path,
    before: &str,
) -> (std::path::PathBuf, sqlx::SqlitePool) {
    let migrations = dir.join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    let all = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../migrations/local"
    ));
    for entry in std::fs::read_dir(all).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.as_str() < before {
            std::fs::copy(all.join(&name), migrations.join(&name)).unwrap();
        }
    }
    let path = dir.join("old.sqlite");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::migrate::Migrator::new(migrations.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    (path, pool)
}

/// Opens (migrating it) and unlocks the store file an older version left,
/// once the test is done writing to it through `pool`.
pub async fn open_old_store(path: &std::path::Path, pool: sqlx::SqlitePool) -> Store {
    pool.close().await;
    let store = Store::open(path).await.unwrap();
    store.init_vault(InitOptions::in_memory()).await.unwrap();
    store
}

/// A new store holding this one integration, and the integration.
pub async fn store_with(new: NewIntegration) -> (TestStore, Integration) {
    let t = new_store().await;
    let added = t.add(new).await;
    (t, added)
}

pub fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

/// A patch that renames the integration and sets these values.
pub fn renamed(name: &str, v: Value) -> IntegrationPatch {
    IntegrationPatch {
        name: Some(name.into()),
        ..values(v)
    }
}

/// A patch that sets these values and nothing else.
pub fn values(v: Value) -> IntegrationPatch {
    IntegrationPatch {
        values: Some(obj(v)),
        ..Default::default()
    }
}

/// An integration of this type and provider (None: the type's default)
/// with these values.
pub fn integration(
    integration_type: &str,
    provider: Option<&str>,
    name: &str,
    values: Value,
) -> NewIntegration {
    NewIntegration {
        integration_type: integration_type.into(),
        provider: provider.map(Into::into),
        name: name.into(),
        values: Some(obj(values)),
        ..Default::default()
    }
}

/// An integration of this type and provider with no settings yet (pending).
pub fn unconfigured(integration_type: &str, provider: &str, name: &str) -> NewIntegration {
    NewIntegration {
        integration_type: integration_type.into(),
        provider: Some(provider.into()),
        name: name.into(),
        ..Default::default()
    }
}

pub fn sendgrid(name: &str, api_key: &str) -> NewIntegration {
    let values = json!({
        "from_email": "news@example.com",
        "from_name": "Example News",
        "api_key": api_key,
    });
    integration("email", Some("sendgrid"), name, values)
}

/// A Twilio integration; `token` becomes a 32-hex auth token derived from it.
pub fn twilio(name: &str, token: &str) -> NewIntegration {
    let values = json!({
        "from_phone_number": "+14155550123",
        "account_sid": "AC0123456789abcdef0123456789abcdef",
        "auth_token": hex_token(token),
    });
    integration("sms", Some("twilio"), name, values)
}

pub fn whatsapp(name: &str, token: &str, verify: &str) -> NewIntegration {
    let values = json!({
        "phone_number_id": "123456789012345",
        "business_account_id": "987654321098765",
        "access_token": token,
        "webhook_verify_token": verify,
        "webhook_url": "https://hooks.example.com/whatsapp",
    });
    integration("whatsapp", None, name, values)
}

/// A 32-hex-character token that is unique per seed text.
pub fn hex_token(seed: &str) -> String {
    let mut h: u128 = 0xcbf29ce484222325;
    for b in seed.bytes() {
        h = (h ^ b as u128).wrapping_mul(0x100000001b3);
    }
    format!("{h:032x}")
}

/// A record pulled from the server: SendGrid, its key set only there.
pub fn pulled(uid: &str, seq: i64, revision: i64) -> switchboard_sync_proto::PulledIntegration {
    switchboard_sync_proto::PulledIntegration {
        uid: uid.into(),
        seq,
        deleted: false,
        revision,
        id: Some(40),
        website: None,
        integration_type: "email".into(),
        provider: "sendgrid".into(),
        name: "Server newsletter".into(),
        description: "from the server".into(),
        is_active: true,
        config: obj(json!({ "from_email": "server@example.com", "from_name": "Server" })),
        secrets: [("api_key".to_string(), "****wxyz".to_string())].into(),
        field_revs: std::collections::BTreeMap::new(),
        status: "error".into(),
        last_sync_at: None,
        last_error: Some("SendGrid said no".into()),
        error_count: 2,
        updated_at: "2026-01-01T00:00:00.000000Z".into(),
        dates: Default::default(),
        trashed_at: None,
    }
}
