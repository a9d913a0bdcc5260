//! Expiry and rotation through sync (issue 16): the set date of a secret
//! and the expiry a check recorded travel laptop -> real server binary ->
//! laptop, dates only.

mod common;

use common::{Laptop, Server};
use serde_json::json;
use switchboard_store::{CheckKind, CheckRecord, StatedExpiry};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_dates_and_a_stated_expiry_reach_the_other_laptop() {
    let server = Server::start();
    let (a, b) = Laptop::two_admins(&server).await;
    let id = a.add_email("Expiring", "SG.canary-expiry-7a6b5c").await;
    let stated = CheckRecord {
        expiry: StatedExpiry::at("2031-05-06T07:08:09Z", "Meta debug_token"),
        ..CheckRecord::new(CheckKind::Ok, "Accepted.", json!({}))
    };
    a.store.record_check(&id, &stated).await.unwrap();
    let on_a = a.store.get(&id).await.unwrap();
    let set_on_a = on_a.dates.secret_set_at["api_key"].clone();

    a.sync().await;
    let report = b.sync().await;
    assert_eq!(report.pulled, 1, "{report:?}");
    let on_b = b.store.get(&id).await.unwrap();
    assert_eq!(
        on_b.secrets_on_server,
        ["api_key"],
        "the value stays on the server"
    );
    assert_eq!(
        on_b.dates.secret_set_at["api_key"], set_on_a,
        "A's date, not the push's"
    );
    assert_eq!(
        on_b.dates.expires_at.as_deref(),
        Some("2031-05-06T07:08:09.000000Z")
    );
    assert_eq!(
        on_b.dates.expires_source.as_deref(),
        Some("Meta debug_token")
    );

    // A new key on B: its date travels back to A.
    b.store
        .update(
            &id,
            switchboard_store::IntegrationPatch {
                values: Some(
                    json!({"api_key": "SG.canary-newkey-1d2e3f"})
                        .as_object()
                        .unwrap()
                        .clone(),
                ),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let set_on_b = b.store.get(&id).await.unwrap().dates.secret_set_at["api_key"].clone();
    assert!(set_on_b > set_on_a);
    b.sync().await;
    a.sync().await;
    let back = a.store.get(&id).await.unwrap();
    assert_eq!(
        back.secrets_on_server,
        ["api_key"],
        "A's old value is dropped"
    );
    assert_eq!(back.dates.secret_set_at["api_key"], set_on_b);
    assert_eq!(
        back.dates.expires_at, None,
        "the new key's expiry is not known yet"
    );
}
