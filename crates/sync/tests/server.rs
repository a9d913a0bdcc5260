//! Sync end to end: the real server binary on 127.0.0.1 and two independent
//! laptop stores (docs/sync.md). Every test ends with both laptops and the
//! server agreeing.

mod common;

use common::{sendgrid, Laptop, Rest, Server};
use serde_json::json;
use switchboard_store::{LogLevel, NewIntegration, Resolution, Website};
use switchboard_sync_proto::{PushBatch, SyncLog};

/// The server's id of an integration (from a full pull).
async fn server_id(l: &Laptop, uid: &str) -> i64 {
    let page = l.client.pull(0, 1000, None).await.expect("pull");
    page.changes
        .iter()
        .find(|c| c.uid == uid)
        .and_then(|c| c.id)
        .expect("the server has the integration")
}

/// How many of a laptop's log lines of `id` have this message.
async fn count_logs(l: &Laptop, id: &str, message: &str) -> usize {
    l.store
        .logs(id, 1000)
        .await
        .expect("logs")
        .iter()
        .filter(|e| e.message == message)
        .count()
}

/// A SendGrid integration on a website.
async fn add_email_on(l: &Laptop, name: &str, website: &str) -> String {
    let mut values = serde_json::Map::new();
    values.insert("api_key".into(), json!("SG.abcdefghijklmnop"));
    values.insert("from_email".into(), json!("news@example.com"));
    l.create(NewIntegration {
        website_id: Some(website.into()),
        ..sendgrid(name, values)
    })
    .await
}

/// Two admins' laptops, and a REST caller signed in as the admin.
async fn two_admins_and_rest(server: &Server) -> (Laptop, Laptop, Rest) {
    let (a, b) = Laptop::two_admins(server).await;
    (a, b, Rest::login(server.port, "admin@example.com"))
}

/// A website made on `a` and synced to `b` (through the server).
async fn shared_website(a: &Laptop, b: &Laptop, name: &str, domain: &str) -> Website {
    let site = a.store.create_website(name, domain).await.unwrap();
    a.sync().await;
    b.sync().await;
    site
}

/// Two admins' laptops with a newsletter made on `a` and synced to `b`
/// (through the server): the laptops and its id.
async fn shared_newsletter(server: &Server) -> (Laptop, Laptop, String) {
    let (a, b) = Laptop::two_admins(server).await;
    let id = a.add_email("Newsletter", "SG.abcdefghijklmnop").await;
    a.sync().await;
    b.sync().await;
    (a, b, id)
}

async fn website_names(l: &Laptop) -> Vec<(String, String)> {
    l.store
        .websites()
        .await
        .unwrap()
        .into_iter()
        .map(|w| (w.id, w.name))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_on_a_pull_on_b_secret_stays_on_the_server() {
    let server = Server::start();
    let (a, b) = Laptop::two_admins(&server).await;
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
    let (a, b, id) = shared_newsletter(&server).await;
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
    let (a, b, id) = shared_newsletter(&server).await;
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
    let (a, b) = Laptop::two_admins(&server).await;
    let id = a.add_email("Doomed", "SG.abcdefghijklmnop").await;
    let keep = a.add_email("Kept", "SG.qrstuvwxyzabcdef").await;
    a.sync().await;
    b.sync().await;
    b.store.delete_forever(&id).await.unwrap();
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
    let (a, b) = Laptop::two_admins(&server).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_travel_both_ways_exactly_once() {
    let server = Server::start();
    let (a, b, rest) = two_admins_and_rest(&server).await;
    let id = a.add_email("Newsletter", "SG.abcdefghijklmnop").await;
    let ra = a.sync().await;
    assert_eq!(ra.pushed, 1, "{ra:?}");
    // The creation's own log line follows the integration.
    assert!(ra.logs_pushed >= 1, "{ra:?}");

    let message = "Bounce rate above 5% (A)";
    a.store
        .add_log(&id, LogLevel::Warning, message, json!({"rate": 0.07}))
        .await
        .unwrap();
    let ra = a.sync().await;
    assert_eq!(ra.logs_pushed, 1, "{ra:?}");
    let rb = b.sync().await;
    assert!(rb.logs_pulled >= 2, "{rb:?}");
    assert_eq!(
        rb.logs_pushed, 0,
        "pulled lines are never pushed back: {rb:?}"
    );
    assert_eq!(count_logs(&b, &id, message).await, 1);
    let got = b.store.logs(&id, 100).await.unwrap();
    let line = got.iter().find(|l| l.message == message).unwrap();
    assert_eq!(line.level, LogLevel::Warning);
    assert_eq!(line.details["rate"], 0.07);

    for _ in 0..2 {
        let ra = a.sync().await;
        let rb = b.sync().await;
        assert_eq!((ra.logs_pushed, rb.logs_pushed), (0, 0), "{ra:?} {rb:?}");
        assert_eq!(rb.logs_pulled, 0, "{rb:?}");
    }
    assert_eq!(count_logs(&a, &id, message).await, 1);
    assert_eq!(count_logs(&b, &id, message).await, 1);
    let sid = server_id(&a, &id).await;
    let on_server = rest.logs(sid);
    assert_eq!(
        on_server.iter().filter(|m| *m == message).count(),
        1,
        "{on_server:?}"
    );

    // A line written on the server (a connection check it ran) reaches A.
    a.client.test_on_server(sid).await.expect("server test");
    let newest = rest
        .logs(sid)
        .into_iter()
        .next()
        .expect("the check's log line");
    assert_ne!(newest, message);
    let ra = a.sync().await;
    assert!(ra.logs_pulled >= 1, "{ra:?}");
    assert_eq!(count_logs(&a, &id, &newest).await, 1);
    b.sync().await;
    assert_eq!(count_logs(&b, &id, &newest).await, 1);
    let (ra, rb) = (a.sync().await, b.sync().await);
    assert_eq!((ra.logs_pushed, rb.logs_pushed), (0, 0), "{ra:?} {rb:?}");
    assert_eq!(count_logs(&a, &id, &newest).await, 1);
    assert_eq!(
        rest.logs(sid).iter().filter(|m| **m == newest).count(),
        1,
        "the server's own line does not come back to it"
    );
}

/// The log lines of a batch's integrations go with it; those of one the
/// server refused stay pending here, to go once it is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_of_a_refused_change_stay_pending() {
    let server = Server::start();
    server.add_user("member@example.com", "member");
    let m = Laptop::new(&server.url(), "member@example.com").await;
    let rest = Rest::login(server.port, "member@example.com");
    // A member's website is not applied on the server: the change that
    // points at it is refused.
    let site = m
        .store
        .create_website("Shop", "shop.example.com")
        .await
        .unwrap();
    let refused = add_email_on(&m, "On a website", &site.id).await;
    let taken = m.add_email("Plain", "SG.abcdefghijklmnop").await;
    let mine = m.store.logs(&taken, 100).await.unwrap();
    let r = m.sync().await;
    assert_eq!((r.pushed, r.invalid), (1, 1), "{r:?}");
    assert_eq!(r.logs_pushed, mine.len(), "{r:?}");
    assert!(m.store.pending_logs(10).await.unwrap().is_empty());
    let on_server = rest.logs(server_id(&m, &taken).await);
    for line in &mine {
        assert!(on_server.contains(&line.message), "{line:?} {on_server:?}");
    }
    // Edited again, the refused record is pending, and so are its lines.
    m.rename(&refused, "Renamed").await;
    let pending = m.store.pending_changes(10).await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    let lines = m.store.pending_logs_of(&pending, 100).await.unwrap();
    assert!(
        !lines.is_empty(),
        "the refused record's lines are still to send"
    );
    assert!(lines.iter().all(|l| l.integration == refused), "{lines:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_batch_does_not_duplicate_logs() {
    let server = Server::start();
    let a = Laptop::new(&server.url(), "admin@example.com").await;
    let rest = Rest::login(server.port, "admin@example.com");
    let id = a.add_email("Newsletter", "SG.abcdefghijklmnop").await;
    a.sync().await;
    let sid = server_id(&a, &id).await;
    let line = SyncLog {
        uid: uuid::Uuid::new_v4().to_string(),
        integration: id.clone(),
        level: "error".into(),
        message: "Delivery failed (retried batch)".into(),
        details: json!({"code": 550}),
        created_at: "2026-01-02T03:04:05.000000Z".into(),
        seq: None,
    };
    let unknown = SyncLog {
        uid: uuid::Uuid::new_v4().to_string(),
        integration: uuid::Uuid::new_v4().to_string(),
        message: "Of an integration the server does not have".into(),
        ..line.clone()
    };
    let batch = PushBatch {
        batch_id: uuid::Uuid::new_v4().to_string(),
        logs: vec![line.clone(), unknown],
        ..PushBatch::default()
    };
    let first = a.client.push(&batch).await.expect("push");
    assert_eq!(first.logs_stored, 1, "{first:?}");
    let again = a.client.push(&batch).await.expect("push again");
    assert_eq!(again, first, "a retry gets the stored answer");
    // The same line in a new batch is not stored twice either.
    let other = PushBatch {
        batch_id: uuid::Uuid::new_v4().to_string(),
        logs: vec![line.clone()],
        ..PushBatch::default()
    };
    assert_eq!(a.client.push(&other).await.unwrap().logs_stored, 0);
    let on_server = rest.logs(sid);
    assert_eq!(
        on_server.iter().filter(|m| **m == line.message).count(),
        1,
        "{on_server:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn website_rename_and_delete_reach_the_other_laptop() {
    let server = Server::start();
    let (a, b, rest) = two_admins_and_rest(&server).await;
    let shop = shared_website(&a, &b, "Shop", "shop.example.com").await;
    assert_eq!(
        website_names(&b).await,
        vec![(shop.id.clone(), "Shop".to_owned())]
    );

    let renamed = a
        .store
        .update_website(&shop.id, "Shop EU", "https://eu.shop.example.com/")
        .await
        .unwrap();
    assert_eq!(renamed.domain, "eu.shop.example.com");
    a.sync().await;
    let rb = b.sync().await;
    assert_eq!(rb.websites_pulled, 1, "{rb:?}");
    let on_b = b.store.websites().await.unwrap();
    assert_eq!(on_b.len(), 1);
    assert_eq!(
        (on_b[0].name.as_str(), on_b[0].domain.as_str()),
        ("Shop EU", "eu.shop.example.com")
    );
    assert!(rest.website_id("Shop EU").is_some());

    a.store.delete_website(&shop.id).await.unwrap();
    let ra = a.sync().await;
    assert_eq!(ra.websites_refused, 0, "{ra:?}");
    assert!(
        rest.website_id("Shop EU").is_none(),
        "deleted on the server"
    );
    let rb = b.sync().await;
    assert_eq!(rb.websites_deleted, 1, "{rb:?}");
    assert!(b.store.websites().await.unwrap().is_empty());
    for _ in 0..2 {
        a.sync().await;
        b.sync().await;
    }
    assert!(
        a.store.websites().await.unwrap().is_empty(),
        "nothing comes back"
    );
    assert!(
        b.store.websites().await.unwrap().is_empty(),
        "nothing comes back"
    );
    assert!(rest.website_id("Shop EU").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn website_deleted_on_the_server_stays_while_b_uses_it() {
    let server = Server::start();
    let (a, b, rest) = two_admins_and_rest(&server).await;
    let blog = shared_website(&a, &b, "Blog", "blog.example.com").await;
    // B uses the website for an integration it has not pushed yet; the
    // server deletes the website meanwhile (its REST API).
    let id = add_email_on(&b, "Blog mail", &blog.id).await;
    let site = rest.website_id("Blog").expect("on the server");
    let (status, body) = rest.call("DELETE", &format!("/api/v1/websites/{site}/"), None);
    assert_eq!(status, 204, "{body}");
    assert!(rest.website_id("Blog").is_none());

    let rb = b.sync().await;
    assert_eq!((rb.pushed, rb.invalid), (1, 0), "{rb:?}");
    assert_eq!(
        website_names(&b).await,
        vec![(blog.id.clone(), "Blog".to_owned())]
    );
    assert!(rest.website_id("Blog").is_some(), "back on the server");
    let ra = a.sync().await;
    assert_eq!(ra.pulled, 1, "{ra:?}");
    let got = a.store.get(&id).await.expect("A has B's integration");
    assert_eq!(got.website_id.as_deref(), Some(blog.id.as_str()));
    assert_eq!(
        website_names(&a).await,
        vec![(blog.id.clone(), "Blog".to_owned())]
    );
    a.sync().await;
    b.sync().await;
    assert_eq!(a.snapshot().await, b.snapshot().await);
    assert_eq!(website_names(&b).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_website_the_server_still_uses_is_refused_and_undone() {
    let server = Server::start();
    let (a, b, rest) = two_admins_and_rest(&server).await;
    let shop = a.store.create_website("Shop", "").await.unwrap();
    a.sync().await;
    b.sync().await;
    let id = add_email_on(&b, "Shop mail", &shop.id).await;
    b.sync().await;
    // A has not seen B's integration: the website looks unused there.
    a.store.delete_website(&shop.id).await.unwrap();
    let ra = a.sync().await;
    assert_eq!(ra.websites_refused, 1, "{ra:?}");
    assert!(rest.website_id("Shop").is_some(), "the server keeps it");
    assert_eq!(
        website_names(&a).await,
        vec![(shop.id.clone(), "Shop".to_owned())]
    );
    assert!(a.store.get(&id).await.is_ok());
    let (ra, rb) = (a.sync().await, b.sync().await);
    assert_eq!(
        (ra.websites_refused, rb.websites_deleted),
        (0, 0),
        "{ra:?} {rb:?}"
    );
    assert_eq!(website_names(&b).await.len(), 1);
}

/// Disconnect ends the sign-in on the server: the laptop's refresh token is
/// refused there afterwards (not only forgotten here), the laptop is no
/// longer connected, and another laptop's sign-in works on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_ends_the_sign_in_on_the_server() {
    use std::sync::Arc;
    use switchboard_sync::{account, MemoryTokenStore, ServerClient, SyncError, TokenStore};
    use switchboard_vault::Secret;

    let server = Server::start();
    let (_, b) = Laptop::two_admins(&server).await;
    let tokens = Arc::new(MemoryTokenStore::default());
    let client = ServerClient::new(&server.url(), tokens.clone()).unwrap();
    client
        .login(
            "admin@example.com",
            &Secret::new(common::PASSWORD.to_owned()),
        )
        .await
        .unwrap();
    let refresh = tokens.get(&account(&server.url())).unwrap().unwrap();
    // The admin's device list names this laptop's sign-in.
    let admin = Rest::login(server.port, "admin@example.com");
    let (status, me) = admin.call("GET", "/api/v1/auth/me/", None);
    assert_eq!(status, 200);
    let (status, sessions) = admin.call(
        "GET",
        &format!("/api/v1/users/{}/sessions/", me["id"]),
        None,
    );
    assert_eq!(status, 200, "{sessions}");
    let device = switchboard_sync::device_name();
    assert!(device.starts_with("Switchboard desktop"), "{device}");
    assert!(
        sessions["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == device.as_str() && s["kind"] == "sign-in"),
        "{sessions}"
    );
    assert!(client.logout().await.unwrap(), "the server confirmed");
    assert!(tokens.get(&account(&server.url())).unwrap().is_none());
    let rest = Rest {
        port: server.port,
        token: String::new(),
    };
    let (status, _) = rest.call(
        "POST",
        "/api/v1/auth/refresh/",
        Some(json!({"refresh_token": refresh.expose()})),
    );
    assert_eq!(status, 401, "the refresh token is dead on the server");
    assert!(matches!(
        client.pull(0, 10, None).await,
        Err(SyncError::NotConnected)
    ));
    b.sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trash_syncs_and_delete_forever_is_a_tombstone() {
    let server = Server::start();
    let (a, b, rest) = two_admins_and_rest(&server).await;
    let id = a.add_email("Binned", "SG.abcdefghijklmnop").await;
    let keep = a.add_email("Kept", "SG.qrstuvwxyzabcdef").await;
    a.sync().await;
    b.sync().await;
    let sid = server_id(&a, &id).await;
    let listed = |rest: &Rest| {
        let (status, body) = rest.call("GET", "/api/integrations/", None);
        assert_eq!(status, 200, "{body}");
        let ids: Vec<i64> = body["integrations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_i64().unwrap())
            .collect();
        ids
    };
    assert!(listed(&rest).contains(&sid));

    // A moves it to the Trash: the server's list hides it, B sees it trashed.
    a.store.delete(&id).await.unwrap();
    a.sync().await;
    assert!(!listed(&rest).contains(&sid));
    let (status, detail) = rest.call("GET", &format!("/api/integrations/{sid}/"), None);
    assert_eq!(status, 200);
    assert_eq!(detail["is_active"], false);
    let at = a.store.get(&id).await.unwrap().trashed_at.unwrap();
    assert_eq!(detail["trashed_at"], at.as_str());
    b.sync().await;
    let on_b = b.store.get(&id).await.unwrap();
    assert_eq!(on_b.trashed_at.as_deref(), Some(at.as_str()));
    assert_eq!(b.store.trash_list().await.unwrap()[0].id, id);
    assert_eq!(a.snapshot().await, b.snapshot().await);
    assert_eq!(b.snapshot().await.len(), 1);

    // B restores it: everywhere.
    b.store.restore_from_trash(&id).await.unwrap();
    b.sync().await;
    a.sync().await;
    assert!(a.store.get(&id).await.unwrap().trashed_at.is_none());
    assert!(listed(&rest).contains(&sid));
    assert_eq!(a.snapshot().await.len(), 2);

    // Trashed again and deleted forever on A: a tombstone, gone on B.
    a.store.delete(&id).await.unwrap();
    a.sync().await;
    b.sync().await;
    a.store.delete_forever(&id).await.unwrap();
    let ra = a.sync().await;
    assert_eq!(ra.deleted, 1, "{ra:?}");
    b.sync().await;
    assert!(b.store.get(&id).await.is_err());
    assert!(b.store.trash_list().await.unwrap().is_empty());
    let (status, _) = rest.call("GET", &format!("/api/integrations/{sid}/"), None);
    assert_eq!(status, 404);
    let (sa, sb) = (a.snapshot().await, b.snapshot().await);
    assert_eq!(sa, sb);
    assert_eq!(sa[0].0, keep);
}

/// A pull in small pages walks past this laptop's own changes (which the
/// server leaves out, so those pages come empty) and still takes what
/// others wrote before and after them, ending at the server's last number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_pull_pages_walk_past_own_changes() {
    use switchboard_sync::{sync, Phase, SyncOptions};
    let server = Server::start();
    let (a, b) = Laptop::two_admins(&server).await;
    let before = b.add_email("Before", "SG.before-key-0001").await;
    b.sync().await;
    for i in 0..6 {
        a.add_email(&format!("Own {i}"), &format!("SG.own-key-{i:04}"))
            .await;
    }
    // Written on the server after A's push and before its pull: with pages
    // of one, the first of the two comes in a page of its own, not the last.
    let port = server.port;
    let mut written = Vec::new();
    let options = SyncOptions {
        pull_limit: 1,
        ..SyncOptions::default()
    };
    let report = sync(
        &a.store,
        &a.client,
        &options,
        |p| {
            if p.phase == Phase::Pulling && written.is_empty() {
                let rest = Rest::login(port, "admin@example.com");
                for name in ["After 1", "After 2"] {
                    let body = json!({"integration_type": "sms", "name": name});
                    written.push(rest.call("POST", "/api/integrations/", Some(body)));
                }
            }
        },
        &tokio_util::sync::CancellationToken::new(),
    )
    .await
    .expect("sync");
    assert_eq!(written.len(), 2, "written during the pull");
    for (status, body) in &written {
        assert_eq!(*status, 201, "{body}");
    }
    assert_eq!((report.pushed, report.pulled), (6, 3), "{report:?}");
    assert_eq!(a.store.get(&before).await.unwrap().name, "Before");
    let names: Vec<String> = a.snapshot().await.into_iter().map(|s| s.1).collect();
    for name in ["After 1", "After 2"] {
        assert!(names.contains(&name.to_owned()), "{names:?}");
    }
    // The cursor is at the server's last change: nothing more to pull.
    let again = a.sync().await;
    assert_eq!((again.pushed, again.pulled), (0, 0), "{again:?}");
    b.sync().await;
    assert_eq!(a.snapshot().await, b.snapshot().await);
}
