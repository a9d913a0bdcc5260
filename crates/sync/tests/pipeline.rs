//! Push batches on their way two at a time: the server gets the next batch
//! while it answers one, each answer is still acknowledged once, and a
//! refused access token is refreshed once for all the batches under way.

mod common;

use common::{Faults, Laptop, Proxy, Server};
use std::time::Duration;
use switchboard_sync::SyncOptions;

/// Adds `n` integrations named "Piped NNNN" on a laptop.
async fn add(laptop: &Laptop, n: usize) {
    for i in 0..n {
        laptop
            .add_email(
                &format!("Piped {i:04}"),
                &format!("SG.piped{i:06}abcdefghij"),
            )
            .await;
    }
}

/// A proxy to `server` that holds each push's answer for `ms`: the next
/// batch goes out meanwhile.
fn holding(server: &Server, ms: u64) -> Proxy {
    Proxy::start(
        server.port,
        Faults {
            hold_push: Duration::from_millis(ms),
            ..Faults::default()
        },
    )
}

/// Batches of five changes.
fn fives() -> SyncOptions {
    SyncOptions {
        batch_size: 5,
        ..SyncOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_push_batches_are_on_their_way_at_once() {
    let server = Server::start();
    let proxy = holding(&server, 150);
    let a = Laptop::new(&proxy.url(), "admin@example.com").await;
    add(&a, 40).await;
    let report = a.try_sync_options(&fives()).await.expect("sync");
    assert_eq!(report.pushed, 40, "{report:?}");
    assert_eq!(report.batches, 8, "{report:?}");
    assert_eq!(a.store.pending_count().await.unwrap(), 0);
    assert!(a.store.pending_logs(10).await.unwrap().is_empty());
    {
        let seen = proxy.seen.lock().unwrap();
        assert_eq!(
            seen.count(switchboard_sync::PUSH_PATH),
            8,
            "{:?}",
            seen.paths
        );
        assert_eq!(seen.most_pushing, 2, "two batches at a time, never more");
    }
    // Everything arrived once, as it is here.
    let b = Laptop::new(&server.url(), "admin@example.com").await;
    let rb = b.sync().await;
    assert_eq!(rb.pulled, 40, "{rb:?}");
    assert_eq!(a.snapshot().await, b.snapshot().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_under_way_refresh_a_refused_sign_in_once() {
    // Access tokens last 2 s; the server takes each refresh token once
    // (a second use ends the sign-in).
    let server = Server::start_with(&[("SWITCHBOARD_ACCESS_TTL_SECS", "2")]);
    let proxy = holding(&server, 200);
    let a = Laptop::new(&proxy.url(), "admin@example.com").await;
    add(&a, 10).await;
    // The access token has expired: both batches under way are refused.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let report = a
        .try_sync_options(&fives())
        .await
        .expect("sync after one refresh");
    assert_eq!(report.pushed, 10, "{report:?}");
    {
        let seen = proxy.seen.lock().unwrap();
        assert_eq!(seen.most_pushing, 2, "{:?}", seen.paths);
        assert_eq!(
            seen.count("/api/v1/auth/refresh/"),
            1,
            "refreshed once for both batches: {:?}",
            seen.paths
        );
        // Four pushes: the two refused, then the two sent again.
        assert_eq!(
            seen.count(switchboard_sync::PUSH_PATH),
            4,
            "{:?}",
            seen.paths
        );
    }
    // Still signed in: the next sync needs no new sign-in.
    a.sync().await;
}
