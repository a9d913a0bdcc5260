//! The keyring path against a real Secret Service (gnome-keyring in a
//! private D-Bus session; scripts/test.sh provides one and runs these with
//! --include-ignored).

mod common;

use std::sync::Arc;
use switchboard_store::{InitOptions, RotateOptions, Store};
use switchboard_vault::{KeyStore, OsKeyring, Secret};

fn service() -> String {
    format!("com.switchboard.test-{}", std::process::id())
}

#[tokio::test]
#[ignore = "needs a Secret Service: run by scripts/test.sh inside dbus-run-session"]
async fn vault_key_lives_in_the_real_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.sqlite");
    let keyring = Arc::new(OsKeyring::new(service()));
    let store = Store::open(&path).await.unwrap();
    store
        .init_vault(InitOptions {
            keystore: Some(keyring.clone()),
            passphrase: None,
        })
        .await
        .unwrap();
    let created = store
        .create(common::sendgrid("Keyring mail", "SG.keyring-secret-4242"))
        .await
        .unwrap();
    store.close().await;

    // A new process-like open: unlock straight from the Secret Service.
    let again = Store::open(&path).await.unwrap();
    again
        .unlock_with_keystore(Arc::new(OsKeyring::new(service())))
        .await
        .unwrap();
    assert_eq!(
        again.reveal(&created.id, "api_key").await.unwrap().expose(),
        "SG.keyring-secret-4242"
    );

    // Rotation writes the new key to the keyring and removes the old one.
    again
        .rotate_master_key(RotateOptions {
            keystore: Some(keyring.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    again.close().await;
    let third = Store::open(&path).await.unwrap();
    third.unlock_with_keystore(keyring.clone()).await.unwrap();
    assert_eq!(
        third.reveal(&created.id, "api_key").await.unwrap().expose(),
        "SG.keyring-secret-4242"
    );
    assert!(third
        .set_passphrase(Some(Secret::new("now with a passphrase")))
        .await
        .is_ok());
}

#[tokio::test]
#[ignore = "needs a Secret Service: run by scripts/test.sh inside dbus-run-session"]
async fn keyring_put_get_remove() {
    let keyring = OsKeyring::new(service());
    let key = switchboard_vault::MasterKey::generate();
    let k2 = key.clone();
    let ks = keyring.clone();
    tokio::task::spawn_blocking(move || {
        ks.put("vault-x", &k2).unwrap();
        let back = ks.get("vault-x", k2.id()).unwrap().expect("stored");
        assert_eq!(back.expose_bytes(), k2.expose_bytes());
        ks.remove("vault-x", k2.id()).unwrap();
        assert!(ks.get("vault-x", k2.id()).unwrap().is_none());
        ks.remove("vault-x", k2.id()).unwrap();
    })
    .await
    .unwrap();
    drop(key);
}
