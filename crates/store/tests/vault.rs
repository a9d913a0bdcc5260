//! The vault inside a store: unlock paths, wrong passphrase, tampering,
//! moved ciphertexts, and key rotation that fails half-way.

mod common;

use common::*;
use std::sync::Arc;
use switchboard_store::{RotateOptions, SecretView, Store, StoreError};
use switchboard_vault::{MasterKey, Secret};

#[tokio::test]
async fn round_trip_through_every_unlock_path() {
    let t = new_store().await;
    let created = t.add(sendgrid("News", "SG.abcdefghijklmnopWXYZ")).await;
    assert_eq!(
        created.secrets["api_key"],
        SecretView::Set {
            masked: format!("{}WXYZ", "*".repeat(19))
        }
    );

    let keyring = t.reopen().await;
    assert!(matches!(
        keyring.get(&created.id).await,
        Err(StoreError::Locked)
    ));
    keyring.unlock_with_keystore(t.keys.clone()).await.unwrap();
    assert_eq!(
        keyring
            .reveal(&created.id, "api_key")
            .await
            .unwrap()
            .expose(),
        "SG.abcdefghijklmnopWXYZ"
    );

    let pass = t.reopen().await;
    pass.unlock_with_passphrase(&Secret::new(PASSPHRASE))
        .await
        .unwrap();
    assert_eq!(
        pass.reveal(&created.id, "api_key").await.unwrap().expose(),
        "SG.abcdefghijklmnopWXYZ"
    );

    let rec = t.reopen().await;
    rec.unlock_with_recovery_key(&t.recovery.display_once().to_lowercase())
        .await
        .unwrap();
    assert_eq!(
        rec.reveal(&created.id, "api_key").await.unwrap().expose(),
        "SG.abcdefghijklmnopWXYZ"
    );

    rec.lock();
    assert!(matches!(
        rec.reveal(&created.id, "api_key").await,
        Err(StoreError::Locked)
    ));
}

#[tokio::test]
async fn wrong_passphrase_is_clear_and_changes_nothing() {
    let t = new_store().await;
    let created = t.add(sendgrid("News", "SG.secretvalue-1234")).await;
    let before = std::fs::read(t.db_path()).unwrap();
    let s = t.reopen().await;
    let err = s
        .unlock_with_passphrase(&Secret::new("not the passphrase"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
    assert!(err.to_string().contains("wrong passphrase"));
    assert!(!s.is_unlocked());
    let err = s.unlock_with_recovery_key("AAAA-BBBB").await.unwrap_err();
    assert!(err.to_string().contains("not a recovery key"));
    s.close().await;
    // Same data afterwards: the right passphrase still opens it.
    let s = t.reopen().await;
    s.unlock_with_passphrase(&Secret::new(PASSPHRASE))
        .await
        .unwrap();
    assert_eq!(s.get(&created.id).await.unwrap().name, "News");
    assert!(!before.is_empty());
}

#[tokio::test]
async fn missing_keyring_key_says_what_to_do() {
    let t = new_store().await;
    t.keys.set_failing(true);
    let s = t.reopen().await;
    let err = s.unlock_with_keystore(t.keys.clone()).await.unwrap_err();
    assert_eq!(err.code(), "keyring_unavailable");
    assert!(err.to_string().contains("passphrase"), "{err}");
    // The passphrase still works when the keyring is gone.
    s.unlock_with_passphrase(&Secret::new(PASSPHRASE))
        .await
        .unwrap();
}

async fn raw_secrets(path: &std::path::Path, id: &str) -> String {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let v: String = sqlx::query_scalar("SELECT secrets FROM integrations WHERE id = ?")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    v
}

async fn write_secrets(path: &std::path::Path, id: &str, value: &str) {
    write_column(path, id, "secrets", value).await;
}

async fn write_column(path: &std::path::Path, id: &str, column: &str, value: &str) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query(&format!(
        "UPDATE integrations SET {column} = ? WHERE id = ?"
    ))
    .bind(value)
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
}

#[tokio::test]
async fn one_tampered_byte_fails_only_that_field() {
    let t = new_store().await;
    let a = t
        .add(whatsapp("WA", "EAAtoken-aaaa-1111", "verify-me-2222"))
        .await;
    let b = t.add(sendgrid("News", "SG.other-record-3333")).await;
    let path = t.db_path();
    let column = raw_secrets(&path, &a.id).await;
    let mut map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&column).unwrap();
    // Flip one byte of the sealed access token (inside the ciphertext).
    let b64 = map["access_token"].as_str().unwrap().to_owned();
    let mut bytes = base64_decode(&b64);
    bytes[20] ^= 0x40;
    map.insert("access_token".into(), base64_encode(&bytes).into());
    write_secrets(&path, &a.id, &serde_json::to_string(&map).unwrap()).await;

    let got = t.store.get(&a.id).await.unwrap();
    assert_eq!(
        got.secrets["access_token"],
        SecretView::Undecryptable {
            message: "cannot be decrypted: altered or wrong key".into()
        }
    );
    assert!(matches!(
        got.secrets["webhook_verify_token"],
        SecretView::Set { .. }
    ));
    assert_eq!(
        t.store
            .reveal(&a.id, "webhook_verify_token")
            .await
            .unwrap()
            .expose(),
        "verify-me-2222"
    );
    let err = t.store.reveal(&a.id, "access_token").await.unwrap_err();
    assert!(err
        .to_string()
        .contains("cannot be decrypted: altered or wrong key"));
    // Other records keep working, and so does the list.
    assert_eq!(
        t.store.reveal(&b.id, "api_key").await.unwrap().expose(),
        "SG.other-record-3333"
    );
    assert_eq!(
        t.store.list_full(&Default::default()).await.unwrap().len(),
        2
    );
}

/// Records are read as one JSON array built by SQLite: damaged JSON
/// columns read as empty (as before; the list still names a secret whose
/// value is not text), and text that JSON must escape comes back as stored.
#[tokio::test]
async fn damaged_json_columns_read_as_empty() {
    let t = new_store().await;
    let odd = "Quote \" back\\slash \u{1} tab\t é 💡";
    let a = t.add(sendgrid(odd, "SG.first-record-1111")).await;
    let b = t.add(sendgrid("Other", "SG.other-record-3333")).await;
    let path = t.db_path();
    // The triggers refuse malformed JSON in these two.
    write_secrets(&path, &a.id, r#"{"api_key": 5}"#).await;
    write_column(&path, &a.id, "secret_dates", "[1]").await;
    write_column(&path, &a.id, "config", "{not json").await;
    write_column(&path, &b.id, "description", "line one\nline \"two\"").await;

    let got = t.store.get(&a.id).await.unwrap();
    assert_eq!(got.name, odd);
    assert!(got.secrets.is_empty() && got.config.is_empty());
    assert!(got.dates.secret_set_at.is_empty());
    let all = t.store.list_full(&Default::default()).await.unwrap();
    let other = all.iter().find(|i| i.id == b.id).unwrap();
    assert_eq!(other.description, "line one\nline \"two\"");
    assert_eq!(other.config["from_name"], "Example News");
    assert!(matches!(other.secrets["api_key"], SecretView::Set { .. }));
    let rows = t.store.list(&Default::default()).await.unwrap();
    let row = |id: &str| rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(row(&a.id).secret_fields, ["api_key"]);
    assert_eq!(row(&a.id).name, odd);
    assert_eq!(row(&b.id).secret_fields, ["api_key"]);
}

#[tokio::test]
async fn ciphertext_moved_to_another_record_fails() {
    let t = new_store().await;
    let a = t.add(sendgrid("A", "SG.record-a-secret")).await;
    let b = t.add(sendgrid("B", "SG.record-b-secret")).await;
    let path = t.db_path();
    let a_col = raw_secrets(&path, &a.id).await;
    write_secrets(&path, &b.id, &a_col).await;
    let got = t.store.get(&b.id).await.unwrap();
    assert!(matches!(
        got.secrets["api_key"],
        SecretView::Undecryptable { .. }
    ));
    assert_eq!(
        t.store.reveal(&a.id, "api_key").await.unwrap().expose(),
        "SG.record-a-secret"
    );
}

#[tokio::test]
async fn wrong_key_fails_per_field_not_whole_store() {
    let t = new_store().await;
    let a = t.add(sendgrid("A", "SG.record-a-secret")).await;
    let s = t.reopen().await;
    s.unlock_with_sealer_unchecked(Arc::new(MasterKey::generate()));
    let got = s.get(&a.id).await.unwrap();
    assert_eq!(got.name, "A");
    assert!(matches!(
        got.secrets["api_key"],
        SecretView::Undecryptable { .. }
    ));
}

#[tokio::test]
async fn rotation_interrupted_half_way_keeps_the_old_key_working() {
    let t = new_store().await;
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(
            t.store
                .create(twilio(&format!("SMS {i}"), &format!("token-{i:04}-abcdef")))
                .await
                .unwrap()
                .id,
        );
    }
    let err = t
        .store
        .rotate_master_key(RotateOptions {
            keystore: Some(t.keys.clone()),
            passphrase: Some(Secret::new(PASSPHRASE)),
            fail_after: Some(10),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "injected");
    // Still readable in this process, after a restart with the keyring, the
    // passphrase and the old recovery key; the half-made key is gone from the keyring.
    assert_eq!(t.keys.len(), 1);
    for i in 0..ids.len() {
        assert_token(&t.store, &ids, i).await;
    }
    let s = t.reopen().await;
    s.unlock_with_keystore(t.keys.clone()).await.unwrap();
    assert_token(&s, &ids, 15).await;
    let s = t.reopen().await;
    s.unlock_with_recovery_key(&t.recovery.display_once())
        .await
        .unwrap();
    assert_token(&s, &ids, 3).await;

    // A rotation that completes: the new key everywhere, the old recovery key retired.
    let new_recovery = t
        .store
        .rotate_master_key(RotateOptions {
            keystore: Some(t.keys.clone()),
            passphrase: Some(Secret::new(PASSPHRASE)),
            fail_after: None,
        })
        .await
        .unwrap();
    assert_eq!(t.keys.len(), 1);
    assert_token(&t.store, &ids, 7).await;
    let s = t.reopen().await;
    s.unlock_with_keystore(t.keys.clone()).await.unwrap();
    assert_token(&s, &ids, 19).await;
    let s = t.reopen().await;
    s.unlock_with_passphrase(&Secret::new(PASSPHRASE))
        .await
        .unwrap();
    let s = t.reopen().await;
    assert!(s
        .unlock_with_recovery_key(&t.recovery.display_once())
        .await
        .is_err());
    s.unlock_with_recovery_key(&new_recovery.display_once())
        .await
        .unwrap();
    assert_token(&s, &ids, 0).await;
}

#[tokio::test]
async fn rotation_needs_the_passphrase_and_refuses_a_wrong_one() {
    let t = new_store().await;
    t.store
        .create(sendgrid("A", "SG.record-a-secret"))
        .await
        .unwrap();
    let err = t
        .store
        .rotate_master_key(RotateOptions {
            keystore: Some(t.keys.clone()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("needs your passphrase"));
    let err = t
        .store
        .rotate_master_key(RotateOptions {
            keystore: Some(t.keys.clone()),
            passphrase: Some(Secret::new("wrong passphrase")),
            fail_after: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
}

#[tokio::test]
async fn passphrase_only_vault() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite");
    let s = Store::open(&path).await.unwrap();
    let err = s.init_vault(Default::default()).await.unwrap_err();
    assert!(err.to_string().contains("choose how to unlock"));
    s.init_vault(switchboard_store::InitOptions {
        keystore: None,
        passphrase: Some(Secret::new("long enough pass")),
    })
    .await
    .unwrap();
    assert!(matches!(
        s.init_vault(Default::default()).await,
        Err(StoreError::AlreadyInitialized)
    ));
    let status = s.vault_status().await.unwrap();
    assert!(status.initialized && status.unlocked && status.has_passphrase && !status.uses_keyring);
    let s2 = Store::open(&path).await.unwrap();
    let err = s2
        .unlock_with_keystore(Arc::new(switchboard_vault::MemoryKeyStore::new()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("passphrase"));
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// The auth token of the `i`th Twilio integration of the rotation test
/// reads back as it was created.
async fn assert_token(s: &Store, ids: &[String], i: usize) {
    assert_eq!(
        s.reveal(&ids[i], "auth_token").await.unwrap().expose(),
        hex_token(&format!("token-{i:04}-abcdef"))
    );
}
