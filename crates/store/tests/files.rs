//! The store's folder and file are private to the user who made them.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use switchboard_store::Store;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn a_new_store_folder_is_0700_and_its_files_0600() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("data").join("com.switchboard.desktop");
    let path = dir.join("switchboard.sqlite");
    let store = Store::open(&path).await.unwrap();
    store.vault_status().await.unwrap();
    assert_eq!(mode(&dir), 0o700, "the store's folder");
    assert_eq!(mode(&path), 0o600, "the store's file");
    let wal = dir.join("switchboard.sqlite-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600, "the WAL file");
    }
}

#[tokio::test]
async fn an_existing_store_that_others_could_read_is_tightened() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("old.sqlite");
    drop(Store::open(&path).await.unwrap());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = Store::open(&path).await.unwrap();
    store.vault_status().await.unwrap();
    assert_eq!(mode(&path), 0o600);
}

#[path = "common/mod.rs"]
mod common;

/// Re-keying needs the store alone: while another process (here `flock`
/// holding the store's shared lock, as the app does) has it open,
/// `rotate_master_key` refuses and changes nothing; other `Store`s of the
/// same process do not count; once the other process is gone it works.
#[tokio::test]
async fn rotation_is_refused_while_another_process_has_the_store_open() {
    use std::io::BufRead;
    use switchboard_store::{RotateOptions, StoreError};
    use switchboard_vault::Secret;
    let t = common::new_store().await;
    let id = t
        .store
        .create(common::sendgrid("Mail", "SG.abcdefghijklmnop"))
        .await
        .unwrap()
        .id;
    let lock = format!("{}.lock", t.db_path().display());
    assert_eq!(mode(std::path::Path::new(&lock)), 0o600, "the lock file");
    let mut other = std::process::Command::new("flock")
        .args([
            "--shared",
            "--no-fork",
            &lock,
            "sh",
            "-c",
            "echo holding; exec sleep 60",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("flock (util-linux) runs");
    let mut line = String::new();
    std::io::BufReader::new(other.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "holding");
    let options = || RotateOptions {
        keystore: Some(t.keys.clone()),
        passphrase: Some(Secret::new(common::PASSPHRASE)),
        fail_after: None,
    };
    let err = t.store.rotate_master_key(options()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert!(err.to_string().contains("another process has"), "{err}");
    let again = t.reopen().await;
    again.unlock_with_keystore(t.keys.clone()).await.unwrap();
    assert_eq!(
        again.reveal(&id, "api_key").await.unwrap().expose(),
        "SG.abcdefghijklmnop",
        "nothing changed"
    );

    other.kill().unwrap();
    other.wait().unwrap();
    t.store
        .rotate_master_key(options())
        .await
        .expect("alone now (a second Store of this process does not count)");
    assert_eq!(
        t.store.reveal(&id, "api_key").await.unwrap().expose(),
        "SG.abcdefghijklmnop"
    );
    let after = t.reopen().await;
    after.unlock_with_keystore(t.keys.clone()).await.unwrap();
    assert!(after.reveal(&id, "api_key").await.is_ok());
}
