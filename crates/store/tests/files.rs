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
