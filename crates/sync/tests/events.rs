//! The webhook inspector's calls against the real server binary: a Stripe
//! integration made on a laptop and pushed, its receiver address, a signed
//! test event the server delivers to itself, an unsigned delivery from outside
//! (refused and recorded with why), paging, and the server's reasons passed
//! through for a provider it receives nothing from.

mod common;

use common::{Laptop, Rest, Server};
use serde_json::{json, Map};
use switchboard_store::NewIntegration;
use switchboard_sync::{SyncError, EVENT_PAGE};

/// A Stripe integration with a webhook signing secret; its id.
async fn add_stripe(l: &Laptop) -> String {
    let mut values = Map::new();
    values.insert("api_key".into(), json!("sk_test_abcdefghijklmnop"));
    values.insert("webhook_secret".into(), json!("whsec_canary0123456789"));
    l.create(NewIntegration {
        integration_type: "payments".into(),
        provider: Some("stripe".into()),
        name: "Shop".into(),
        values: Some(values),
        ..NewIntegration::default()
    })
    .await
}

/// The server id of a pushed integration.
async fn pushed(l: &Laptop, id: &str) -> i64 {
    l.sync().await;
    l.store
        .server_id(id)
        .await
        .unwrap()
        .expect("the push gave it a server id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receiver_test_event_and_a_forged_delivery_are_listed_newest_first() {
    let server = Server::start();
    let a = Laptop::new(&server.url(), "admin@example.com").await;
    let id = add_stripe(&a).await;
    let sid = pushed(&a, &id).await;

    let receiver = a.client.receiver(sid).await.expect("receiver");
    assert!(receiver.path.starts_with("/hooks/"), "{receiver:?}");
    assert!(receiver.url.ends_with(&receiver.path), "{receiver:?}");
    assert_eq!(receiver.receives, ["stripe"]);
    // The key is made once: asking again answers the same address.
    assert_eq!(a.client.receiver(sid).await.unwrap(), receiver);
    let empty = a
        .client
        .webhook_events(sid, None, EVENT_PAGE)
        .await
        .unwrap();
    assert!(empty.events.is_empty() && empty.next_before().is_none());

    let sent = a.client.send_test_event(sid).await.expect("test event");
    assert_eq!(sent.events.len(), 1, "{sent:?}");
    let test = &sent.events[0];
    assert!(test.is_genuine(), "{test:?}");
    assert_eq!(test.kind, "switchboard.test");
    assert!(test
        .event_id
        .as_deref()
        .unwrap_or("")
        .starts_with("evt_test_"));
    let text = test.payload.to_string();
    assert!(
        text.contains("A test event sent from Switchboard"),
        "{text}"
    );
    assert!(!text.contains("canary"), "{text}");

    // A delivery from outside without Stripe's signature is refused and kept.
    let outsider = Rest {
        port: server.port,
        token: String::new(),
    };
    let body = json!({"id": "evt_forged", "type": "charge.succeeded"});
    let (status, _) = outsider.call("POST", &receiver.path, Some(body));
    assert!((400..500).contains(&status), "{status}");

    let page = a
        .client
        .webhook_events(sid, None, EVENT_PAGE)
        .await
        .unwrap();
    assert_eq!(page.events.len(), 2, "{page:?}");
    let (newest, oldest) = (&page.events[0], &page.events[1]);
    assert_eq!(newest.verdict, "refused", "{newest:?}");
    assert!(
        !newest.reason.as_deref().unwrap_or("").is_empty(),
        "{newest:?}"
    );
    assert!(
        newest.payload.is_null(),
        "a refused request keeps no payload"
    );
    assert_eq!(oldest, test);
    assert!(newest.id > oldest.id);

    // Pages of one: the first names the next, which holds the older event.
    let first = a.client.webhook_events(sid, None, 1).await.unwrap();
    assert_eq!(first.events, std::slice::from_ref(newest));
    let before = first.next_before().expect("a next page");
    let second = a.client.webhook_events(sid, Some(before), 1).await.unwrap();
    assert_eq!(second.events, std::slice::from_ref(oldest));
    assert_eq!(second.next_before(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_reason_comes_back_when_there_is_no_test_event() {
    let server = Server::start();
    let a = Laptop::new(&server.url(), "admin@example.com").await;
    // SendGrid signs with a private key the server never has.
    let mail = a.add_email("Newsletter", "SG.abcdefghijklmnop").await;
    let mail = pushed(&a, &mail).await;
    match a.client.send_test_event(mail).await {
        Err(SyncError::Server {
            status: 400,
            detail,
        }) => {
            assert!(detail.contains("SendGrid"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
    // A provider Switchboard receives nothing from.
    let mut values = Map::new();
    values.insert("api_key".into(), json!("sk-ant-abcdefghijklmnop"));
    let ai = a
        .create(NewIntegration {
            integration_type: "ai".into(),
            provider: Some("anthropic".into()),
            name: "Claude".into(),
            values: Some(values),
            ..NewIntegration::default()
        })
        .await;
    let ai = pushed(&a, &ai).await;
    match a.client.send_test_event(ai).await {
        Err(SyncError::Server {
            status: 400,
            detail,
        }) => {
            assert!(detail.contains("receives no webhooks"), "{detail}")
        }
        other => panic!("{other:?}"),
    }
    match a.client.receiver(ai).await {
        Ok(r) => assert!(r.receives.is_empty(), "{r:?}"),
        Err(SyncError::Server { status: 400, .. }) => {}
        Err(e) => panic!("{e:?}"),
    }
    // An id the caller cannot see.
    assert!(a.client.webhook_events(999_999, None, 5).await.is_err());
}
