//! Sync end to end: the real server binary on 127.0.0.1 and two independent
//! laptop stores (docs/sync.md). Every test ends with both laptops and the
//! server agreeing.

mod common;

use common::{Laptop, Server};
use serde_json::json;
use switchboard_store::Resolution;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_on_a_pull_on_b_secret_stays_on_the_server() {
    let server = Server::start();
    let a = Laptop::new(&server.url(), "admin@example.com").await;
    let b = Laptop::new(&server.url(), "admin@example.com").await;
    let id = a.add_email("Newsletter", "SG.canary-secret-9f8e7d").await;
    let report = a.sync().await;
    assert_eq!(report.pushed, 1, "{report:?}");
    let report = b.sync().await;
    assert_eq!(report.pulled, 1, "{report:?}");
    let got = b.store.get(&id).await.expect("B has A's integration");
    assert_eq!(got.name, "Newsletter");
    assert_eq!(got.config["from_email"], "news@example.com");
    // The secret never travels server -> laptop: B sees it set on the server.
    match got.secret_on_server("api_key") {
        Some(masked) => assert!(masked.ends_with("7d"), "{masked}"),
        None => panic!(
            "api_key should be set on the server only: {:?}",
            got.secrets
        ),
    }
    assert!(b.store.reveal(&id, "api_key").await.is_err());
    let bytes = std::fs::read(b.dir.path().join("laptop.sqlite")).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("canary-secret"));
    // Syncing again changes nothing.
    let again = a.sync().await;
    assert_eq!((again.pushed, again.conflicts), (0, 0), "{again:?}");
    assert_eq!(a.snapshot().await, b.snapshot().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn different_fields_merge_by_themselves() {
    let server = Server::start();
    let a = Laptop::new(&server.url(), "admin@example.com").await;
    let b = Laptop::new(&server.url(), "admin@example.com").await;
    let id = a.add_email("Newsletter", "SG.abcdefghijklmnop").await;
    a.sync().await;
    b.sync().await;
    a.rename(&id, "Newsletter (A)").await;
    b.set_config(&id, "from_name", json!("Growth team")).await;
    let ra = a.sync().await;
    let rb = b.sync().await;
    assert_eq!(ra.conflicts + rb.conflicts, 0, "{ra:?} {rb:?}");
    a.sync().await;
    let (sa, sb) = (a.snapshot().await, b.snapshot().await);
    assert_eq!(sa, sb);
    assert_eq!(sa[0].1, "Newsletter (A)");
    assert_eq!(sa[0].2["from_name"], "Growth team");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_field_conflict_is_shown_and_resolved() {
    let server = Server::start();
    let a = Laptop::new(&server.url(), "admin@example.com").await;
    let b = Laptop::new(&server.url(), "admin@example.com").await;
    let id = a.add_email("Newsletter", "SG.abcdefghijklmnop").await;
    a.sync().await;
    b.sync().await;
    a.rename(&id, "Name from A").await;
    b.rename(&id, "Name from B").await;
    a.sync().await;
    let rb = b.sync().await;
    assert_eq!(rb.conflicts, 1, "{rb:?}");
    let conflicts = b.store.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].field, "name");
    assert_eq!(conflicts[0].mine, json!("Name from B"));
    assert_eq!(conflicts[0].theirs, json!("Name from A"));
    // Keep mine: B's value wins on the next sync, and A gets it.
    b.store
        .resolve_conflict(&id, "name", Resolution::KeepMine)
        .await
        .unwrap();
    let rb = b.sync().await;
    assert_eq!(rb.conflicts, 0, "{rb:?}");
    assert!(b.store.conflicts().await.unwrap().is_empty());
    a.sync().await;
    let (sa, sb) = (a.snapshot().await, b.snapshot().await);
    assert_eq!(sa, sb);
    assert_eq!(sa[0].1, "Name from B");

    // Take theirs: the laptop accepts the server's value.
    a.rename(&id, "A again").await;
    b.rename(&id, "B again").await;
    b.sync().await;
    let ra = a.sync().await;
    assert_eq!(ra.conflicts, 1, "{ra:?}");
    a.store
        .resolve_conflict(&id, "name", Resolution::TakeTheirs)
        .await
        .unwrap();
    a.sync().await;
    b.sync().await;
    let (sa, sb) = (a.snapshot().await, b.snapshot().await);
    assert_eq!(sa, sb);
    assert_eq!(sa[0].1, "B again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_on_b_while_a_edits_nothing_comes_back() {
    let server = Server::start();
    let a = Laptop::new(&server.url(), "admin@example.com").await;
    let b = Laptop::new(&server.url(), "admin@example.com").await;
    let id = a.add_email("Doomed", "SG.abcdefghijklmnop").await;
    let keep = a.add_email("Kept", "SG.qrstuvwxyzabcdef").await;
    a.sync().await;
    b.sync().await;
    b.store.delete(&id).await.unwrap();
    a.rename(&id, "Edited meanwhile").await;
    let rb = b.sync().await;
    assert_eq!(rb.deleted, 1, "{rb:?}");
    let ra = a.sync().await;
    assert_eq!(ra.gone, 1, "{ra:?}");
    assert!(a.store.get(&id).await.is_err(), "deletion wins");
    a.sync().await;
    b.sync().await;
    assert!(
        b.store.get(&id).await.is_err(),
        "nothing deleted comes back"
    );
    let (sa, sb) = (a.snapshot().await, b.snapshot().await);
    assert_eq!(sa, sb);
    assert_eq!(sa.len(), 1);
    assert_eq!(sa[0].0, keep);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_edits_are_pushed_later() {
    let mut server = Server::start();
    let a = Laptop::new(&server.url(), "admin@example.com").await;
    let b = Laptop::new(&server.url(), "admin@example.com").await;
    let id = a.add_email("Newsletter", "SG.abcdefghijklmnop").await;
    a.sync().await;
    server.kill();
    a.rename(&id, "Written offline").await;
    let second = a.add_email("Also offline", "SG.zyxwvutsrqponmlk").await;
    let err = a.try_sync().await.expect_err("the server is down");
    assert_eq!(err.code(), "offline", "{err}");
    assert!(a.store.pending_count().await.unwrap() >= 2);
    server.restart();
    let ra = a.sync().await;
    assert_eq!(ra.pushed, 2, "{ra:?}");
    b.sync().await;
    assert_eq!(b.store.get(&id).await.unwrap().name, "Written offline");
    assert!(b.store.get(&second).await.is_ok());
    assert_eq!(a.snapshot().await, b.snapshot().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_refused_except_to_localhost() {
    let e = switchboard_sync::server_url("http://switchboard.example.com").unwrap_err();
    assert_eq!(e.code(), "bad_url");
    assert!(switchboard_sync::server_url("https://switchboard.example.com").is_ok());
}
