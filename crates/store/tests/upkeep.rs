//! Vault upkeep while the store is open: changing the passphrase (the
//! current one required) and re-issuing the recovery key (the old one stops
//! working).

mod common;

use common::*;
use switchboard_vault::Secret;

#[tokio::test]
async fn the_passphrase_changes_only_with_the_current_one() {
    let t = new_store().await;
    let created = t.add(sendgrid("News", "SG.change-passphrase-1")).await;
    let err = t
        .store
        .change_passphrase(
            Some(&Secret::new("not the passphrase")),
            Some(Secret::new("the next passphrase")),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
    let err = t
        .store
        .change_passphrase(None, Some(Secret::new("the next passphrase")))
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        "wrong_passphrase",
        "the current one is required"
    );
    // Nothing changed: the old one still opens it.
    t.reopen()
        .await
        .unlock_with_passphrase(&Secret::new(PASSPHRASE))
        .await
        .unwrap();

    t.store
        .change_passphrase(
            Some(&Secret::new(PASSPHRASE)),
            Some(Secret::new("the next passphrase")),
        )
        .await
        .unwrap();
    let old = t.reopen().await;
    let err = old
        .unlock_with_passphrase(&Secret::new(PASSPHRASE))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
    let new = t.reopen().await;
    new.unlock_with_passphrase(&Secret::new("the next passphrase"))
        .await
        .unwrap();
    assert_eq!(
        new.reveal(&created.id, "api_key").await.unwrap().expose(),
        "SG.change-passphrase-1"
    );
    // Too short is refused, changing nothing.
    assert!(t
        .store
        .change_passphrase(
            Some(&Secret::new("the next passphrase")),
            Some(Secret::new("short"))
        )
        .await
        .is_err());
    t.reopen()
        .await
        .unlock_with_passphrase(&Secret::new("the next passphrase"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_new_recovery_key_replaces_the_old_one() {
    let t = new_store().await;
    let created = t.add(sendgrid("News", "SG.reissue-recovery-2")).await;
    let err = t
        .store
        .reissue_recovery_key(Some(&Secret::new("not the passphrase")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "wrong_passphrase");
    // Refused: the old key still works.
    t.reopen()
        .await
        .unlock_with_recovery_key(&t.recovery.display_once())
        .await
        .unwrap();

    let fresh = t
        .store
        .reissue_recovery_key(Some(&Secret::new(PASSPHRASE)))
        .await
        .unwrap();
    assert_ne!(fresh.display_once(), t.recovery.display_once());
    let err = t
        .reopen()
        .await
        .unlock_with_recovery_key(&t.recovery.display_once())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "wrong_recovery_key");
    let s = t.reopen().await;
    s.unlock_with_recovery_key(&fresh.display_once())
        .await
        .unwrap();
    assert_eq!(
        s.reveal(&created.id, "api_key").await.unwrap().expose(),
        "SG.reissue-recovery-2"
    );
    // The passphrase and the keyring are untouched.
    t.reopen()
        .await
        .unlock_with_passphrase(&Secret::new(PASSPHRASE))
        .await
        .unwrap();
    t.reopen()
        .await
        .unlock_with_keystore(t.keys.clone())
        .await
        .unwrap();
}
