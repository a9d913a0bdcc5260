//! A secret goes only where it was entered for: a change of where an
//! integration's secrets are sent (SMTP host, port, TLS, base URL...) must
//! bring them again, and a pulled change of destination removes the secrets
//! kept on this laptop for the old one.

mod common;

use common::*;
use serde_json::json;
use std::collections::BTreeMap;
use switchboard_store::*;
use switchboard_sync_proto::{PullPage, PulledIntegration};

fn smtp_values(host: &str) -> serde_json::Map<String, serde_json::Value> {
    obj(
        json!({"from_email": "a@example.com", "smtp_host": host, "smtp_port": 587,
               "smtp_username": "u"}),
    )
}

fn smtp(host: &str, password: &str) -> NewIntegration {
    let mut values = smtp_values(host);
    values.insert("smtp_password".into(), json!(password));
    NewIntegration {
        integration_type: "email".into(),
        provider: Some("smtp".into()),
        name: "Mail".into(),
        values: Some(values),
        ..Default::default()
    }
}

fn with_values(values: serde_json::Map<String, serde_json::Value>) -> IntegrationPatch {
    IntegrationPatch {
        values: Some(values),
        ..Default::default()
    }
}

#[tokio::test]
async fn moving_the_smtp_host_asks_for_the_password_again_and_changes_nothing() {
    let s = &new_store().await;
    let i = s.add(smtp("smtp.example.com", "first-password")).await;

    let err = s
        .update(
            &i.id,
            with_values(obj(json!({"smtp_host": "mail.elsewhere.test"}))),
        )
        .await
        .unwrap_err();
    let StoreError::Validation(errors) = err else {
        panic!("a validation error, not {err:?}");
    };
    let why = &errors.fields["smtp_password"];
    assert!(
        why.contains("SMTP server changed") && why.contains("again"),
        "{why}"
    );
    let kept = s.get(&i.id).await.unwrap();
    assert_eq!(
        kept.config["smtp_host"], "smtp.example.com",
        "nothing changed"
    );
    assert_eq!(
        s.reveal(&i.id, "smtp_password").await.unwrap().expose(),
        "first-password"
    );

    // The same host written otherwise is no move; the port and TLS are.
    s.update(
        &i.id,
        with_values(obj(json!({"smtp_host": "SMTP.example.com"}))),
    )
    .await
    .unwrap();
    for moved in [json!({"smtp_port": 2525}), json!({"smtp_use_tls": false})] {
        let err = s.update(&i.id, with_values(obj(moved.clone()))).await;
        assert!(
            matches!(err, Err(StoreError::Validation(_))),
            "{moved}: {err:?}"
        );
    }
    // Configure (which replaces the settings) follows the same rule.
    let err = s
        .configure(&i.id, None, smtp_values("mail.elsewhere.test"))
        .await;
    assert!(matches!(err, Err(StoreError::Validation(_))), "{err:?}");

    let mut moved = obj(json!({"smtp_host": "mail.elsewhere.test"}));
    moved.insert("smtp_password".into(), json!("second-password"));
    let done = s.update(&i.id, with_values(moved)).await.unwrap();
    assert_eq!(done.config["smtp_host"], "mail.elsewhere.test");
    assert_eq!(
        s.reveal(&i.id, "smtp_password").await.unwrap().expose(),
        "second-password"
    );
}

fn pulled(revision: i64, host: &str) -> PulledIntegration {
    PulledIntegration {
        uid: "5f8a4c0e-6f0e-4b55-9d51-0c4b3c8f2a77".into(),
        seq: revision,
        deleted: false,
        revision,
        id: Some(7),
        website: None,
        integration_type: "email".into(),
        provider: "smtp".into(),
        name: "Team mail".into(),
        description: String::new(),
        is_active: true,
        config: smtp_values(host),
        secrets: [("smtp_password".to_string(), "****9999".to_string())].into(),
        field_revs: BTreeMap::new(),
        status: "active".into(),
        last_sync_at: None,
        last_error: None,
        error_count: 0,
        updated_at: "2026-01-01T00:00:00.000000Z".into(),
        dates: Default::default(),
        trashed_at: None,
    }
}

fn page(c: PulledIntegration) -> PullPage {
    PullPage {
        next: c.seq,
        changes: vec![c],
        ..PullPage::default()
    }
}

#[tokio::test]
async fn a_pulled_host_change_removes_the_password_kept_here() {
    let s = &new_store().await;
    let first = pulled(1, "smtp.example.com");
    let uid = first.uid.clone();
    s.apply_pull(&page(first)).await.unwrap();
    // The owner enters the password on this laptop (not pushed yet).
    s.update(
        &uid,
        with_values(obj(json!({"smtp_password": "entered-here"}))),
    )
    .await
    .unwrap();
    assert_eq!(
        s.reveal(&uid, "smtp_password").await.unwrap().expose(),
        "entered-here"
    );

    // Someone moves the host on the server (and enters its password there).
    s.apply_pull(&page(pulled(2, "mail.elsewhere.test")))
        .await
        .unwrap();
    let now = s.get(&uid).await.unwrap();
    assert_eq!(now.config["smtp_host"], "mail.elsewhere.test");
    assert!(
        s.reveal(&uid, "smtp_password").await.is_err(),
        "the local password is gone"
    );
    assert_eq!(now.secrets_on_server, vec!["smtp_password".to_string()]);
    let pending = s.pending_changes(10).await.unwrap();
    assert!(
        pending.iter().all(|p| p.change.secrets.is_empty()),
        "the removed password is not pushed either"
    );
    let logs = s.logs(&uid, 10).await.unwrap();
    assert!(
        logs.iter().any(
            |l| l.message.contains("SMTP server changed on the sync server")
                && l.message.contains("enter it again")
        ),
        "{logs:?}"
    );

    // A pull that does not move the destination keeps a password entered here.
    s.update(
        &uid,
        with_values(obj(json!({"smtp_password": "entered-again"}))),
    )
    .await
    .unwrap();
    let mut renamed = pulled(3, "mail.elsewhere.test");
    renamed.name = "Team mail 2".into();
    s.apply_pull(&page(renamed)).await.unwrap();
    assert_eq!(
        s.reveal(&uid, "smtp_password").await.unwrap().expose(),
        "entered-again"
    );
}
