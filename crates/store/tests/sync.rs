//! The local side of sync: change tracking, pending changes, push answers,
//! pulled pages, conflicts, and no plaintext secret anywhere it should not be.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use switchboard_store::*;
use switchboard_sync_proto::{
    FieldConflict, PullPage, PulledIntegration, PushAnswer, PushOutcome, PushResult, SyncLog,
    SyncWebsite,
};

fn result(uid: &str, outcome: PushOutcome, revision: Option<i64>) -> PushResult {
    PushResult {
        uid: uid.into(),
        outcome,
        revision,
        id: revision.map(|_| 17),
        conflicts: Vec::new(),
        message: None,
        fields: BTreeMap::new(),
    }
}

fn answer(results: Vec<PushResult>) -> PushAnswer {
    PushAnswer {
        batch_id: "b".into(),
        results,
        ..PushAnswer::default()
    }
}

/// Pushes everything pending and answers each with `applied` at the next revision.
async fn push_all_applied(s: &Store, revision: i64) -> AckSummary {
    let sent = to_push(s).await;
    let results = sent
        .iter()
        .map(|p| {
            if p.change.delete {
                result(&p.change.uid, PushOutcome::Deleted, None)
            } else {
                result(&p.change.uid, PushOutcome::Applied, Some(revision))
            }
        })
        .collect();
    ack(s, &sent, results).await
}

fn page(changes: Vec<PulledIntegration>, next: i64) -> PullPage {
    PullPage {
        websites: Vec::new(),
        changes,
        next,
        more: false,
        ..PullPage::default()
    }
}

/// A page with this one integration on a website, and these websites.
fn page_on(website: &str, change: PulledIntegration, sites: Vec<SyncWebsite>) -> PullPage {
    let change = PulledIntegration {
        website: Some(website.into()),
        ..change
    };
    PullPage {
        websites: sites,
        ..page(vec![change], 0)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// No plaintext of `needle` in the database file, its WAL or its shared
/// memory, once the store is closed.
async fn assert_not_in_files(t: &TestStore, needle: &str) {
    t.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{}{suffix}", t.db_path().display());
        if let Ok(bytes) = std::fs::read(&p) {
            assert!(
                !contains(&bytes, needle.as_bytes()),
                "plaintext found in {p}"
            );
        }
    }
}

const UUID: &str = "8a0c5a4e-6f0e-4b55-9d51-0c4b3c8f2a11";

/// What is to push now (at most 100 changes).
async fn to_push(s: &Store) -> Vec<Pending> {
    s.pending_changes(100).await.unwrap()
}

/// Answers the push of `sent` (no websites) with these results.
async fn ack(s: &Store, sent: &[Pending], results: Vec<PushResult>) -> AckSummary {
    s.ack_push(sent, &[], &answer(results)).await.unwrap()
}

/// Applies a pulled page of these changes, up to `next`.
async fn pull(s: &Store, changes: Vec<PulledIntegration>, next: i64) -> PullSummary {
    s.apply_pull(&page(changes, next)).await.unwrap()
}

/// A patch that renames and changes nothing else.
fn named(name: &str) -> IntegrationPatch {
    IntegrationPatch {
        name: Some(name.into()),
        ..Default::default()
    }
}

/// A patch that changes the description and nothing else.
fn described(description: &str) -> IntegrationPatch {
    IntegrationPatch {
        description: Some(description.into()),
        ..Default::default()
    }
}

/// The server's value of a field changed on both sides.
fn conflict(field: &str, theirs: Value, revision: i64) -> FieldConflict {
    FieldConflict {
        field: field.into(),
        theirs,
        revision,
    }
}

/// A secret shown by this mask.
fn masked(mask: &str) -> SecretView {
    SecretView::Set {
        masked: mask.into(),
    }
}

/// A website as the server sends it.
fn site(uid: &str, name: &str, domain: &str, seq: i64) -> SyncWebsite {
    SyncWebsite {
        uid: uid.into(),
        name: name.into(),
        domain: domain.into(),
        seq: Some(seq),
        ..SyncWebsite::default()
    }
}

/// The change to push sets these fields, and only these.
fn assert_sets(p: &Pending, set: Value) {
    assert_eq!(p.change.set, obj(set));
}

/// The names of the websites here.
async fn website_names(s: &Store) -> Vec<String> {
    s.websites()
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.name)
        .collect()
}

/// Records a failed connection check of `id`.
async fn record_failed_check(s: &Store, id: &str, message: &str) {
    let check = CheckRecord::new(CheckKind::Failed, message, json!({}));
    s.record_check(id, &check).await.unwrap();
}

/// Creates these (name, domain) websites and pushes them; the server takes
/// them all.
async fn pushed_websites(s: &Store, sites: &[(&str, &str)]) -> Vec<Website> {
    let mut made = Vec::new();
    for (name, domain) in sites {
        made.push(s.create_website(name, domain).await.unwrap());
    }
    let sent = s.pending_websites().await.unwrap();
    s.ack_push(&[], &sent, &answer(Vec::new())).await.unwrap();
    made
}

/// Nothing is waiting to be pushed.
async fn assert_nothing_to_push(s: &Store) {
    assert_eq!(s.pending_count().await.unwrap(), 0);
}

/// What is to push now, which must be one change.
async fn one_to_push(s: &Store) -> Vec<Pending> {
    let sent = to_push(s).await;
    assert_eq!(sent.len(), 1);
    sent
}

/// The record is not here (any more).
fn assert_not_found<T: std::fmt::Debug>(got: Result<T>) {
    assert!(matches!(got, Err(StoreError::NotFound { .. })), "{got:?}");
}

#[tokio::test]
async fn sync_meta_round_trips() {
    let s = &new_store().await;
    let first = s.sync_meta().await.unwrap();
    assert_eq!(
        first,
        SyncMeta {
            client_id: first.client_id.clone(),
            ..SyncMeta::default()
        }
    );
    let meta = SyncMeta {
        server_url: Some("https://sync.example.com".into()),
        email: Some("me@example.com".into()),
        cursor: 41,
        last_synced_at: Some("2026-01-01T00:00:00Z".into()),
        client_id: first.client_id.clone(),
    };
    s.set_sync_meta(&meta).await.unwrap();
    s.close().await;
    assert_eq!(s.reopen().await.sync_meta().await.unwrap(), meta);
}

#[tokio::test]
async fn client_id_is_a_stable_uuid() {
    let s = &new_store().await;
    let id = s.sync_meta().await.unwrap().client_id;
    let parsed = uuid::Uuid::parse_str(&id).expect("a uuid");
    assert_eq!(parsed.get_version_num(), 4);
    assert_eq!(s.sync_meta().await.unwrap().client_id, id);
    // set_sync_meta does not change it.
    let mut meta = s.sync_meta().await.unwrap();
    meta.client_id = "something else".into();
    meta.cursor = 7;
    s.set_sync_meta(&meta).await.unwrap();
    s.close().await;
    let again = s.reopen().await.sync_meta().await.unwrap();
    assert_eq!(again.client_id, id);
    assert_eq!(again.cursor, 7);
    // Another store has another id.
    let other = new_store().await;
    assert_ne!(other.store.sync_meta().await.unwrap().client_id, id);
}

#[tokio::test]
async fn pending_changes_for_create_update_and_delete() {
    let s = &new_store().await;
    let site = s.create_website("Shop", "shop.example.com").await.unwrap();
    let mut new = sendgrid("Newsletter", "SG.create-secret-1234");
    new.website_id = Some(site.id.clone());
    let i = s.add(new).await;

    // A never-pushed record is a create with everything.
    assert_eq!(s.pending_count().await.unwrap(), 1);
    let sent = one_to_push(s).await;
    let c = &sent[0].change;
    assert_eq!(c.uid, i.id);
    assert_eq!(c.base_revision, 0);
    assert_eq!(c.integration_type, "email");
    assert!(!c.delete);
    assert_eq!(c.set["name"], "Newsletter");
    assert_eq!(c.set["description"], "");
    assert_eq!(c.set["provider"], "sendgrid");
    assert_eq!(c.set["is_active"], true);
    assert_eq!(c.set["website"], json!(site.id));
    assert_eq!(c.set["config.from_email"], "news@example.com");
    assert_eq!(c.set["config.from_name"], "Example News");
    assert_eq!(c.secrets["api_key"], "SG.create-secret-1234");
    assert!(!format!("{sent:?}").contains("create-secret"));
    let sites = s.pending_websites().await.unwrap();
    assert_eq!(sites.len(), 1);
    assert_eq!(sites[0].uid, site.id);

    let summary = s
        .ack_push(
            &sent,
            &sites,
            &answer(vec![result(&i.id, PushOutcome::Applied, Some(1))]),
        )
        .await
        .unwrap();
    assert_eq!(summary.applied, 1);
    assert_nothing_to_push(s).await;
    assert!(to_push(s).await.is_empty());
    assert!(s.pending_websites().await.unwrap().is_empty());

    // A health check is not a change to push.
    record_failed_check(s, &i.id, "no").await;
    assert_nothing_to_push(s).await;

    // An update sends only what changed, over the known revision.
    s.update(
        &i.id,
        IntegrationPatch {
            name: Some("Weekly".into()),
            status: Some(Status::Inactive),
            ..values(json!({ "from_name": "Example News" }))
        },
    )
    .await
    .unwrap();
    let sent = one_to_push(s).await;
    assert_eq!(sent[0].change.base_revision, 1);
    assert!(sent[0].change.integration_type.is_empty());
    assert_eq!(
        sent[0].change.set,
        obj(json!({ "name": "Weekly" })),
        "unchanged values and status are not pushed"
    );
    assert!(sent[0].change.secrets.is_empty());
    push_all_applied(s, 2).await;

    // A secret, a config key removed, the active toggle.
    s.update(
        &i.id,
        IntegrationPatch {
            is_active: Some(false),
            values: Some(obj(
                json!({ "api_key": "SG.replaced-secret-5678", "from_name": null }),
            )),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let sent = to_push(s).await;
    assert_sets(
        &sent[0],
        json!({ "is_active": false, "config.from_name": null }),
    );
    assert_eq!(sent[0].change.secrets["api_key"], "SG.replaced-secret-5678");
    assert_eq!(sent[0].change.base_revision, 2);
    push_all_applied(s, 3).await;
    assert_nothing_to_push(s).await;

    // A pushed record deleted here leaves a tombstone to push.
    s.delete_forever(&i.id).await.unwrap();
    let sent = one_to_push(s).await;
    assert!(sent[0].change.delete);
    assert_eq!(sent[0].change.uid, i.id);
    assert_eq!(sent[0].change.base_revision, 3);
    let summary = ack(s, &sent, vec![result(&i.id, PushOutcome::Deleted, None)]).await;
    assert_eq!(summary.deleted, 1);
    assert_nothing_to_push(s).await;

    // A never-pushed record deleted here just disappears.
    let j = s.add(sendgrid("Draft", "SG.draft-secret-0000")).await;
    assert_eq!(s.pending_count().await.unwrap(), 1);
    s.delete_forever(&j.id).await.unwrap();
    assert_nothing_to_push(s).await;
    assert!(to_push(s).await.is_empty());
}

#[tokio::test]
async fn pending_changes_come_oldest_first_within_the_limit() {
    let s = &new_store().await;
    let a = s.add(sendgrid("A", "SG.secret-aaaa-1111")).await;
    let b = s.add(sendgrid("B", "SG.secret-bbbb-2222")).await;
    push_all_applied(s, 1).await;
    s.update(&b.id, described("b first")).await.unwrap();
    s.delete_forever(&a.id).await.unwrap();
    let c = s.add(sendgrid("C", "SG.secret-cccc-3333")).await;
    let all = s.pending_changes(10).await.unwrap();
    let uids: Vec<&str> = all.iter().map(|p| p.change.uid.as_str()).collect();
    assert_eq!(uids, [b.id.as_str(), a.id.as_str(), c.id.as_str()]);
    assert!(all.windows(2).all(|w| w[0].stamp < w[1].stamp));
    let two = s.pending_changes(2).await.unwrap();
    assert_eq!(two.len(), 2);
    assert_eq!(two[1].change.uid, a.id);
    assert_eq!(s.pending_count().await.unwrap(), 3);
}

#[tokio::test]
async fn ack_clears_only_what_was_sent() {
    let s = &new_store().await;
    let i = s.add(sendgrid("Newsletter", "SG.first-secret-1111")).await;
    let sent = to_push(s).await;

    // Changed again while the push is on its way.
    s.update(
        &i.id,
        renamed(
            "Renamed meanwhile",
            json!({ "api_key": "SG.second-secret-2222" }),
        ),
    )
    .await
    .unwrap();
    ack(s, &sent, vec![result(&i.id, PushOutcome::Applied, Some(1))]).await;
    let again = to_push(s).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].change.base_revision, 1, "now an update");
    assert_sets(&again[0], json!({ "name": "Renamed meanwhile" }));
    assert_eq!(again[0].change.secrets["api_key"], "SG.second-secret-2222");
    push_all_applied(s, 2).await;
    assert_nothing_to_push(s).await;
}

#[tokio::test]
async fn a_refused_change_is_logged_and_held_back_until_edited() {
    let s = &new_store().await;
    let i = s.add(sendgrid("Bad", "SG.refused-secret-1111")).await;
    let other = s.add(sendgrid("Good", "SG.good-secret-2222")).await;
    let sent = to_push(s).await;
    let mut refused = result(&i.id, PushOutcome::Invalid, None);
    refused.message = Some("from_email is not allowed".into());
    refused
        .fields
        .insert("config.from_email".into(), "not allowed".into());
    let summary = ack(
        s,
        &sent,
        vec![refused, result(&other.id, PushOutcome::Applied, Some(1))],
    )
    .await;
    assert_eq!(summary.invalid, 1);
    assert_eq!(summary.applied, 1);
    assert_nothing_to_push(s).await;
    assert!(to_push(s).await.is_empty());
    let logs = s.logs(&i.id, 10).await.unwrap();
    assert_eq!(logs[0].level, LogLevel::Error);
    assert!(logs[0].message.contains("from_email is not allowed"));

    s.update(&i.id, values(json!({ "from_email": "ok@example.com" })))
        .await
        .unwrap();
    let sent = one_to_push(s).await;
    assert_eq!(sent[0].change.base_revision, 0, "still a create");
    assert_eq!(sent[0].change.set["config.from_email"], "ok@example.com");
}

#[tokio::test]
async fn gone_removes_the_record_without_a_tombstone() {
    let s = &new_store().await;
    let i = s.add(sendgrid("N", "SG.gone-secret-1111")).await;
    push_all_applied(s, 1).await;
    s.update(&i.id, named("N2")).await.unwrap();
    let sent = to_push(s).await;
    let summary = ack(s, &sent, vec![result(&i.id, PushOutcome::Gone, None)]).await;
    assert_eq!(summary.gone, 1);
    assert_not_found(s.get(&i.id).await);
    assert_nothing_to_push(s).await;
}

#[tokio::test]
async fn deleted_here_while_its_create_was_on_its_way_is_deleted_there_next() {
    let s = &new_store().await;
    let i = s.add(sendgrid("N", "SG.race-secret-1111")).await;
    let sent = to_push(s).await;
    s.delete_forever(&i.id).await.unwrap();
    ack(s, &sent, vec![result(&i.id, PushOutcome::Applied, Some(1))]).await;
    let next = to_push(s).await;
    assert_eq!(next.len(), 1);
    assert!(next[0].change.delete);
    assert_eq!(next[0].change.base_revision, 1);
}

#[tokio::test]
async fn pull_into_a_fresh_store() {
    let s = &new_store().await;
    let sites = vec![site("w-1", "Shop", "shop.example.com", 12)];
    let p = PullPage {
        next: 41,
        ..page_on("w-1", pulled(UUID, 40, 5), sites)
    };
    let summary = s.apply_pull(&p).await.unwrap();
    assert_eq!(
        summary,
        PullSummary {
            pulled: 1,
            deleted: 0,
            websites: 1,
            ..PullSummary::default()
        }
    );
    assert_eq!(s.sync_meta().await.unwrap().cursor, 41);
    let i = s.get(UUID).await.unwrap();
    assert_eq!(i.name, "Server newsletter");
    assert_eq!(i.website_id.as_deref(), Some("w-1"));
    assert_eq!(i.config["from_email"], "server@example.com");
    assert_eq!(i.status, Status::Error);
    assert_eq!(i.error_count, 2);
    assert_eq!(i.last_error.as_deref(), Some("SendGrid said no"));
    assert_eq!(i.secrets["api_key"], masked("****wxyz"));
    assert_eq!(i.secrets_on_server, ["api_key"]);
    assert_eq!(i.secret_on_server("api_key"), Some("****wxyz"));
    assert_eq!(i.secret_on_server("from_email"), None);
    let summary_row = &s.list(&ListFilter::default()).await.unwrap()[0];
    assert_eq!(summary_row.secret_fields, ["api_key"]);
    let err = s.reveal(UUID, "api_key").await.unwrap_err();
    assert!(err.to_string().contains("sync server"), "{err}");
    let sites = s.websites().await.unwrap();
    assert_eq!(sites.len(), 1);
    assert_eq!(sites[0].name, "Shop");
    // Nothing pulled is pushed back.
    assert_nothing_to_push(s).await;
    assert!(s.pending_websites().await.unwrap().is_empty());

    // Applying the same page again changes nothing.
    s.apply_pull(&p).await.unwrap();
    assert_nothing_to_push(s).await;
    assert_eq!(s.get(UUID).await.unwrap().name, "Server newsletter");

    // An edit of other fields keeps the secret set on the server (not
    // required again), and does not push it.
    s.configure(
        UUID,
        None,
        obj(json!({ "from_email": "laptop@example.com" })),
    )
    .await
    .unwrap();
    let sent = to_push(s).await;
    assert_eq!(sent[0].change.base_revision, 5);
    assert!(sent[0].change.secrets.is_empty());
    assert_sets(
        &sent[0],
        json!({
            "config.from_email": "laptop@example.com",
            "config.from_name": null,
            // A default the catalog fills in.
            "config.region": "global",
        }),
    );
}

#[tokio::test]
async fn pull_keeps_dirty_fields_and_does_not_advance_the_revision() {
    let s = &new_store().await;
    pull(s, vec![pulled(UUID, 1, 3)], 1).await;
    s.update(UUID, named("Laptop name")).await.unwrap();
    let mut newer = pulled(UUID, 2, 5);
    newer.name = "Server rename".into();
    newer.description = "server description".into();
    newer.status = "active".into();
    newer.error_count = 0;
    newer.last_error = None;
    pull(s, vec![newer], 2).await;
    let i = s.get(UUID).await.unwrap();
    assert_eq!(i.name, "Laptop name", "dirty field kept");
    assert_eq!(i.description, "server description", "clean field taken");
    assert_eq!(i.status, Status::Active, "health always taken");
    assert_eq!(i.error_count, 0);
    let sent = one_to_push(s).await;
    assert_eq!(
        sent[0].change.base_revision, 3,
        "the revision does not advance past a dirty record"
    );
    assert_sets(&sent[0], json!({ "name": "Laptop name" }));

    // Once clean, a pull advances it.
    ack(s, &sent, vec![result(UUID, PushOutcome::Applied, Some(6))]).await;
    let mut after = pulled(UUID, 3, 7);
    after.name = "Laptop name".into();
    after.description = "seven".into();
    pull(s, vec![after], 3).await;
    s.update(UUID, described("eight")).await.unwrap();
    assert_eq!(to_push(s).await[0].change.base_revision, 7);
}

#[tokio::test]
async fn pull_drops_a_local_secret_changed_on_the_server_unless_dirty() {
    let s = &new_store().await;
    let canary = "SG.CANARY-pull-4b7e19";
    let i = s.add(sendgrid("Mine", canary)).await;
    let w = s
        .add(whatsapp("WA", "EAA-local-token-1111", "verify-local-2222"))
        .await;
    push_all_applied(s, 2).await;

    // Unchanged on the server since revision 2: the local value stays.
    let mut same = pulled(&i.id, 1, 3);
    same.secrets = [("api_key".to_string(), "****leak".to_string())].into();
    same.field_revs = [("secret.api_key".to_string(), 2), ("name".to_string(), 3)].into();
    pull(s, vec![same], 1).await;
    assert_eq!(s.reveal(&i.id, "api_key").await.unwrap().expose(), canary);
    assert!(s.get(&i.id).await.unwrap().secrets_on_server.is_empty());

    // Changed on the server at revision 4: the local value is dropped.
    let mut changed = pulled(&i.id, 2, 4);
    changed.secrets = [("api_key".to_string(), "****9999".to_string())].into();
    changed.field_revs = [("secret.api_key".to_string(), 4)].into();
    pull(s, vec![changed], 2).await;
    let got = s.get(&i.id).await.unwrap();
    assert_eq!(got.secrets_on_server, ["api_key"]);
    assert_eq!(got.secrets["api_key"], masked("****9999"));
    assert!(s.reveal(&i.id, "api_key").await.is_err());

    // Dirty here: kept even though the server changed it.
    s.update(
        &w.id,
        values(json!({ "access_token": "EAA-new-local-3333" })),
    )
    .await
    .unwrap();
    let mut wa = pulled(&w.id, 3, 5);
    wa.integration_type = "whatsapp".into();
    wa.provider = w.provider.clone();
    wa.config = obj(json!({ "phone_number_id": "123456789012345" }));
    wa.secrets = [
        ("access_token".to_string(), "****aaaa".to_string()),
        ("webhook_verify_token".to_string(), "****bbbb".to_string()),
    ]
    .into();
    wa.field_revs = [
        ("secret.access_token".to_string(), 5),
        ("secret.webhook_verify_token".to_string(), 5),
    ]
    .into();
    pull(s, vec![wa], 3).await;
    assert_eq!(
        s.reveal(&w.id, "access_token").await.unwrap().expose(),
        "EAA-new-local-3333"
    );
    let got = s.get(&w.id).await.unwrap();
    assert_eq!(got.secrets_on_server, ["webhook_verify_token"]);
    assert_not_in_files(s, "CANARY-pull").await;
}

#[tokio::test]
async fn a_pulled_deletion_removes_even_a_dirty_record() {
    let s = &new_store().await;
    pull(s, vec![pulled(UUID, 1, 3)], 1).await;
    s.update(UUID, named("Edited here")).await.unwrap();
    assert_eq!(s.pending_count().await.unwrap(), 1);
    let gone = PulledIntegration {
        deleted: true,
        ..pulled(UUID, 2, 4)
    };
    let summary = pull(s, vec![gone], 2).await;
    assert_eq!(summary.deleted, 1);
    assert_not_found(s.get(UUID).await);
    assert_eq!(
        s.pending_count().await.unwrap(),
        0,
        "no tombstone, nothing to push"
    );

    // A record deleted here whose pull arrives first stays deleted.
    pull(s, vec![pulled("other-uid", 3, 1)], 3).await;
    s.delete_forever("other-uid").await.unwrap();
    pull(s, vec![pulled("other-uid", 4, 2)], 4).await;
    assert!(s.get("other-uid").await.is_err());
    let sent = s.pending_changes(10).await.unwrap();
    assert!(sent[0].change.delete);
}

#[tokio::test]
async fn conflicts_from_a_merged_answer_and_their_resolutions() {
    let s = &new_store().await;
    let canary = "SG.CANARY-conflict-8d2f";
    let i = s.add(sendgrid("Newsletter", "SG.before-0000")).await;
    push_all_applied(s, 1).await;
    s.update(
        &i.id,
        renamed(
            "Laptop name",
            json!({ "from_name": "Laptop", "api_key": canary }),
        ),
    )
    .await
    .unwrap();
    let sent = to_push(s).await;
    assert_eq!(sent[0].change.secrets["api_key"], canary);
    let mut merged = result(&i.id, PushOutcome::Merged, Some(3));
    merged.conflicts = vec![
        conflict("name", json!("Server name"), 2),
        conflict("secret.api_key", json!("****zzzz"), 2),
    ];
    let summary = ack(s, &sent, vec![merged]).await;
    assert_eq!(summary.merged, 1);

    let conflicts = s.conflicts().await.unwrap();
    assert_eq!(conflicts.len(), 2);
    let name = conflicts.iter().find(|c| c.field == "name").unwrap();
    assert_eq!(name.mine, json!("Laptop name"));
    assert_eq!(name.theirs, json!("Server name"));
    assert_eq!(name.their_revision, 2);
    assert_eq!(name.name, "Laptop name");
    let secret = conflicts
        .iter()
        .find(|c| c.field == "secret.api_key")
        .unwrap();
    assert_eq!(secret.mine, mask(canary));
    assert_eq!(secret.theirs, json!("****zzzz"));
    assert!(!serde_json::to_string(&conflicts)
        .unwrap()
        .contains("CANARY"));
    assert!(!format!("{conflicts:?}").contains("CANARY"));

    // Only conflicting fields were left: nothing to push until resolved.
    assert_nothing_to_push(s).await;
    // Another field changed meanwhile is still pushed, without the conflicts.
    s.update(&i.id, described("new description")).await.unwrap();
    let sent = to_push(s).await;
    assert_sets(&sent[0], json!({ "description": "new description" }));
    assert!(sent[0].change.secrets.is_empty());
    assert_eq!(sent[0].change.base_revision, 3);
    push_all_applied(s, 4).await;
    assert_eq!(s.conflicts().await.unwrap().len(), 2, "still waiting");

    // Keep mine: still held back while another conflict is open.
    s.resolve_conflict(&i.id, "name", Resolution::KeepMine)
        .await
        .unwrap();
    assert_eq!(s.conflicts().await.unwrap().len(), 1);
    assert_nothing_to_push(s).await;

    // Take theirs for the secret: the local value goes, the server's mask shows.
    s.resolve_conflict(&i.id, "secret.api_key", Resolution::TakeTheirs)
        .await
        .unwrap();
    assert!(s.conflicts().await.unwrap().is_empty());
    let got = s.get(&i.id).await.unwrap();
    assert_eq!(got.secrets_on_server, ["api_key"]);
    assert_eq!(got.secrets["api_key"], masked("****zzzz"));
    assert!(s.reveal(&i.id, "api_key").await.is_err());

    // All settled: my name goes out over their revision.
    let sent = one_to_push(s).await;
    assert_sets(&sent[0], json!({ "name": "Laptop name" }));
    assert!(sent[0].change.secrets.is_empty());
    assert_eq!(sent[0].change.base_revision, 4);
    push_all_applied(s, 5).await;
    assert_nothing_to_push(s).await;
    assert_not_in_files(s, "CANARY-conflict").await;
}

#[tokio::test]
async fn keep_mine_and_edit_push_over_their_revision() {
    let s = &new_store().await;
    let i = s.add(sendgrid("N", "SG.edit-before-0000")).await;
    push_all_applied(s, 1).await;
    s.update(
        &i.id,
        IntegrationPatch {
            description: Some("mine".into()),
            values: Some(obj(
                json!({ "from_email": "mine@example.com", "api_key": "SG.mine-1111" }),
            )),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let sent = to_push(s).await;
    // Nothing applied: every field conflicts.
    let mut all = result(&i.id, PushOutcome::Conflict, Some(6));
    all.conflicts = vec![
        conflict("description", json!("theirs"), 6),
        conflict("config.from_email", json!("theirs@example.com"), 5),
        conflict("secret.api_key", json!("****tttt"), 4),
    ];
    let summary = ack(s, &sent, vec![all]).await;
    assert_eq!(summary.conflicts, 1);
    assert_eq!(s.conflicts().await.unwrap().len(), 3);
    assert_nothing_to_push(s).await;

    s.resolve_conflict(&i.id, "description", Resolution::TakeTheirs)
        .await
        .unwrap();
    assert_eq!(s.get(&i.id).await.unwrap().description, "theirs");
    s.resolve_conflict(&i.id, "config.from_email", Resolution::KeepMine)
        .await
        .unwrap();
    // An edit is validated like any update.
    let err = s
        .resolve_conflict(&i.id, "secret.api_key", Resolution::Edit(json!("")))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Validation(_)), "{err}");
    assert!(!format!("{:?}", Resolution::Edit(json!("SG.plain-9999"))).contains("plain-9999"));
    s.resolve_conflict(
        &i.id,
        "secret.api_key",
        Resolution::Edit(json!("SG.CANARY-edit-3c1d")),
    )
    .await
    .unwrap();
    assert!(s.conflicts().await.unwrap().is_empty());
    assert_eq!(
        s.reveal(&i.id, "api_key").await.unwrap().expose(),
        "SG.CANARY-edit-3c1d"
    );

    let sent = one_to_push(s).await;
    assert_eq!(
        sent[0].change.base_revision, 5,
        "max of the server revision and the open conflicts' revisions"
    );
    assert_sets(&sent[0], json!({ "config.from_email": "mine@example.com" }));
    assert_eq!(sent[0].change.secrets["api_key"], "SG.CANARY-edit-3c1d");
    push_all_applied(s, 7).await;
    assert_nothing_to_push(s).await;
    assert!(matches!(
        s.resolve_conflict(&i.id, "name", Resolution::KeepMine)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert_not_in_files(s, "CANARY-edit").await;
}

#[tokio::test]
async fn remote_secrets_are_masked_everywhere_and_exported_as_set() {
    let s = &new_store().await;
    let mut change = pulled(UUID, 1, 2);
    // A server that wrongly sent a plaintext: it is masked again, never stored.
    change.secrets = [("api_key".to_string(), "SG.CANARY-remote-77aa".to_string())].into();
    pull(s, vec![change], 1).await;
    let got = s.get(UUID).await.unwrap();
    let shown = serde_json::to_string(&got).unwrap();
    assert!(!shown.contains("CANARY"), "{shown}");
    assert!(!format!("{got:?}").contains("CANARY"));
    assert!(got.secrets_on_server.contains(&"api_key".to_string()));
    let file = s.export(true).await.unwrap();
    assert_eq!(
        file.integrations[0]
            .secrets
            .get("api_key")
            .map(Option::is_none),
        Some(true)
    );
    assert_not_in_files(s, "CANARY-remote").await;
}

#[tokio::test]
async fn pulled_websites_with_a_taken_name_are_renamed_and_placeholders_filled() {
    let s = &new_store().await;
    let mine = s.create_website("Shop", "").await.unwrap();
    let sites = vec![site("server-site-2", "shop", "", 1)];
    let p = PullPage {
        next: 2,
        more: true,
        ..page_on("server-site-1", pulled(UUID, 2, 1), sites)
    };
    s.apply_pull(&p).await.unwrap();
    let names = website_names(s).await;
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"Shop".to_string()));
    assert!(names.iter().any(|n| n.starts_with("shop (")));
    assert_eq!(
        s.get(UUID).await.unwrap().website_id.as_deref(),
        Some("server-site-1")
    );
    let later = PullPage {
        websites: vec![site("server-site-1", "Blog", "blog.example.com", 3)],
        next: 3,
        ..PullPage::default()
    };
    s.apply_pull(&later).await.unwrap();
    assert!(s.websites().await.unwrap().iter().any(|w| w.name == "Blog"));
    // Only the one created here is to push.
    let pending = s.pending_websites().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].uid, mine.id);
}

#[tokio::test]
async fn imported_integrations_are_creates_to_push() {
    let s = &new_store().await;
    s.add(sendgrid("One", "SG.import-one-1111")).await;
    s.add(twilio("Two", "two")).await;
    let file = s.export(true).await.unwrap();
    let other = new_store().await;
    let report = other
        .store
        .import(file, 1, &mut |_: &[String]| {})
        .await
        .unwrap();
    assert_eq!(report.imported, 2);
    let sent = other.store.pending_changes(10).await.unwrap();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|p| p.change.base_revision == 0));
    assert!(sent.iter().all(|p| !p.change.secrets.is_empty()));
    assert_eq!(other.store.pending_websites().await.unwrap().len(), 0);
}

/// The mask rule, as the vault applies it.
fn mask(s: &str) -> Value {
    Value::String(switchboard_vault::Secret::new(s).masked())
}

#[tokio::test]
async fn records_from_before_sync_become_creates_after_the_migration() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pool) = old_store_file(dir.path(), "0002").await;
    sqlx::query(
        "INSERT INTO websites (id, name, domain, created_at, updated_at) VALUES ('w-old', 'Old site', '', 't', 't')",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO integrations (id, website_id, owner, integration_type, provider, name, status, is_active, config, created_at, updated_at)
         VALUES ('i-old', 'w-old', 'me', 'email', 'sendgrid', 'Old one', 'pending', 0, '{\"from_email\":\"old@example.com\"}', 't', 't')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let s = open_old_store(&path, pool).await;
    let sent = s.pending_changes(10).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].change.uid, "i-old");
    assert_eq!(sent[0].change.base_revision, 0);
    assert_eq!(sent[0].change.set["config.from_email"], "old@example.com");
    assert_eq!(sent[0].change.set["website"], "w-old");
    assert_eq!(s.pending_websites().await.unwrap().len(), 1);
    // New changes come after the migrated ones.
    s.create(sendgrid("New", "SG.after-migration-1111"))
        .await
        .unwrap();
    let sent = s.pending_changes(10).await.unwrap();
    assert_eq!(sent[0].change.uid, "i-old");
    assert!(sent[0].stamp < sent[1].stamp);
}

#[tokio::test]
async fn logs_wait_for_their_integration_then_push_once() {
    let s = &new_store().await;
    let i = s.add(sendgrid("Newsletter", "SG.abcdefghijklmnop")).await;
    s.add_log(&i.id, LogLevel::Warning, "Bounces", json!({"n": 3}))
        .await
        .unwrap();
    // Not on the server yet: its lines wait.
    assert!(s.pending_logs(100).await.unwrap().is_empty());
    push_all_applied(s, 1).await;
    let pending = s.pending_logs(100).await.unwrap();
    assert_eq!(pending.len(), 2, "{pending:?}");
    assert!(pending.iter().all(|l| l.integration == i.id));
    let line = pending.iter().find(|l| l.message == "Bounces").unwrap();
    assert_eq!(line.level, "warning");
    assert_eq!(line.details, json!({"n": 3}));
    assert!(uuid::Uuid::parse_str(&line.uid).is_ok());
    assert_ne!(pending[0].uid, pending[1].uid);
    // Limits are kept.
    assert_eq!(s.pending_logs(1).await.unwrap().len(), 1);
    s.ack_logs(&pending).await.unwrap();
    assert!(s.pending_logs(100).await.unwrap().is_empty());
    assert_eq!(s.pending_logs_count().await.unwrap(), 0);
    // A connection check's line is pushed too.
    record_failed_check(s, &i.id, "Unauthorized").await;
    assert_eq!(s.pending_logs(100).await.unwrap().len(), 1);
}

#[tokio::test]
async fn pulled_logs_are_added_once_and_never_pushed() {
    let s = &new_store().await;
    pull(s, vec![pulled(UUID, 1, 1)], 1).await;
    let before = s.logs(UUID, 100).await.unwrap().len();
    let line = |uid: &str, integration: &str, level: &str| SyncLog {
        uid: uid.into(),
        integration: integration.into(),
        level: level.into(),
        message: format!("from the server {uid}"),
        details: json!({"by": "server"}),
        created_at: "2026-01-01T00:00:00.000000Z".into(),
        seq: Some(2),
    };
    let p = PullPage {
        logs: vec![
            line("11111111-1111-4111-8111-111111111111", UUID, "error"),
            line(
                "22222222-2222-4222-8222-222222222222",
                "9a0c5a4e-6f0e-4b55-9d51-0c4b3c8f2a11",
                "info",
            ),
            line("33333333-3333-4333-8333-333333333333", UUID, "shouting"),
        ],
        next: 2,
        ..PullPage::default()
    };
    let summary = s.apply_pull(&p).await.unwrap();
    assert_eq!(
        summary.logs, 1,
        "unknown levels are skipped, lines of unknown integrations wait"
    );
    assert_eq!(s.apply_pull(&p).await.unwrap().logs, 0, "once by uid");
    // The integration arrives in a later page: its held line is added.
    let later = "9a0c5a4e-6f0e-4b55-9d51-0c4b3c8f2a11";
    let summary = s
        .apply_pull(&page(vec![pulled(later, 3, 1)], 3))
        .await
        .unwrap();
    assert_eq!(summary.logs, 1, "{summary:?}");
    assert!(s
        .logs(later, 100)
        .await
        .unwrap()
        .iter()
        .any(|l| l.message.starts_with("from the server 2222")));
    assert_eq!(s.apply_pull(&p).await.unwrap().logs, 0, "still once by uid");
    // A held line of an integration the server deleted goes with it.
    let gone = "aa0c5a4e-6f0e-4b55-9d51-0c4b3c8f2a11";
    let held = PullPage {
        logs: vec![line("44444444-4444-4444-8444-444444444444", gone, "info")],
        next: 4,
        ..PullPage::default()
    };
    assert_eq!(s.apply_pull(&held).await.unwrap().logs, 0);
    let mut deletion = pulled(gone, 5, 2);
    deletion.deleted = true;
    pull(s, vec![deletion], 5).await;
    pull(s, vec![pulled(gone, 6, 3)], 6).await;
    assert!(s
        .logs(gone, 100)
        .await
        .unwrap()
        .iter()
        .all(|l| !l.message.starts_with("from the server 4444")));
    let logs = s.logs(UUID, 100).await.unwrap();
    assert_eq!(logs.len(), before + 1);
    let got = logs
        .iter()
        .find(|l| l.message.starts_with("from the server"))
        .expect("the pulled line");
    assert_eq!(got.level, LogLevel::Error);
    assert_eq!(got.created_at, "2026-01-01T00:00:00.000000Z");
    assert_eq!(logs.last().map(|l| l.id), Some(got.id), "ordered by time");
    assert!(
        s.pending_logs(100).await.unwrap().is_empty(),
        "never pushed back"
    );
}

#[tokio::test]
async fn website_rename_and_delete_are_pushed() {
    let s = &new_store().await;
    let sites = pushed_websites(s, &[("Shop", "shop.example.com"), ("Blog", "")]).await;
    let (shop, blog) = (&sites[0], &sites[1]);
    assert!(s.pending_websites().await.unwrap().is_empty());

    // Same rules as creating.
    assert!(matches!(
        s.update_website(&shop.id, " ", "").await,
        Err(StoreError::Validation(_))
    ));
    assert!(matches!(
        s.update_website(&shop.id, "BLOG", "").await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.update_website("nope", "Other", "").await,
        Err(StoreError::NotFound { .. })
    ));
    let w = s
        .update_website(&shop.id, " Shop EU ", "HTTPS://EU.Shop.example.com/")
        .await
        .unwrap();
    assert_eq!(
        (w.name.as_str(), w.domain.as_str()),
        ("Shop EU", "eu.shop.example.com")
    );
    assert_eq!(w.created_at, shop.created_at);
    let pending = s.pending_websites().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].uid.as_str(), pending[0].name.as_str()),
        (shop.id.as_str(), "Shop EU")
    );
    assert!(!pending[0].deleted);

    // A pull does not overwrite a website changed here.
    let p = PullPage {
        websites: vec![site(&shop.id, "Server name", "", 5)],
        next: 5,
        ..PullPage::default()
    };
    s.apply_pull(&p).await.unwrap();
    let names = website_names(s).await;
    assert!(names.contains(&"Shop EU".to_string()), "{names:?}");
    s.ack_push(&[], &pending, &answer(Vec::new()))
        .await
        .unwrap();

    // Deleting: refused while used; then a deletion to push.
    let i = s
        .add(NewIntegration {
            website_id: Some(blog.id.clone()),
            ..sendgrid("Blog mail", "SG.abcdefghijklmnop")
        })
        .await;
    assert!(matches!(
        s.delete_website(&blog.id).await,
        Err(StoreError::Conflict(_))
    ));
    s.delete_forever(&i.id).await.unwrap();
    s.delete_website(&blog.id).await.unwrap();
    let pending = s.pending_websites().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert!(pending[0].deleted);
    assert_eq!(pending[0].uid, blog.id);
    s.ack_push(&[], &pending, &answer(Vec::new()))
        .await
        .unwrap();
    assert!(s.pending_websites().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_pulled_website_deletion_keeps_what_is_still_used() {
    let s = &new_store().await;
    let sites = pushed_websites(s, &[("Used", ""), ("Unused", "")]).await;
    let (used, unused) = (&sites[0], &sites[1]);
    s.add(NewIntegration {
        website_id: Some(used.id.clone()),
        ..sendgrid("Not pushed yet", "SG.abcdefghijklmnop")
    })
    .await;
    let gone = |uid: &str, seq: i64| SyncWebsite {
        uid: uid.into(),
        seq: Some(seq),
        deleted: true,
        ..SyncWebsite::default()
    };
    let p = PullPage {
        websites: vec![
            gone(&used.id, 3),
            gone(&unused.id, 4),
            gone("never-here", 5),
        ],
        next: 5,
        ..PullPage::default()
    };
    let summary = s.apply_pull(&p).await.unwrap();
    assert_eq!(
        (summary.websites_deleted, summary.websites_kept),
        (1, 1),
        "{summary:?}"
    );
    let left = s.websites().await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, used.id);
    // Kept and pushed again, so the server has it back.
    let pending = s.pending_websites().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].uid, used.id);
    assert!(!pending[0].deleted);
}

#[tokio::test]
async fn the_trash_travels_as_the_field_trashed_at() {
    let s = &new_store().await;
    let i = s.add(sendgrid("Newsletter", "SG.trash-secret-1234")).await;
    push_all_applied(s, 1).await;

    // Moving to the Trash is an update of one field.
    s.delete(&i.id).await.unwrap();
    let sent = to_push(s).await;
    assert_eq!(sent.len(), 1);
    let c = &sent[0].change;
    assert!(!c.delete);
    assert_eq!(c.base_revision, 1);
    let keys: Vec<&String> = c.set.keys().collect();
    assert_eq!(keys, ["trashed_at"]);
    let at = s.get(&i.id).await.unwrap().trashed_at.unwrap();
    assert_eq!(c.set["trashed_at"], json!(at));
    push_all_applied(s, 2).await;
    assert_eq!(s.pending_count().await.unwrap(), 0);

    // Restoring sends null.
    s.restore_from_trash(&i.id).await.unwrap();
    let sent = to_push(s).await;
    assert_eq!(sent[0].change.set["trashed_at"], Value::Null);
    push_all_applied(s, 3).await;

    // Pulled: the server's Trash state is taken, and cleared again.
    let mut theirs = pulled(&i.id, 5, 4);
    theirs.name = "Newsletter".into();
    theirs.trashed_at = Some("2026-01-02T03:04:05.000000Z".into());
    pull(s, vec![theirs.clone()], 5).await;
    let got = s.get(&i.id).await.unwrap();
    assert_eq!(
        got.trashed_at.as_deref(),
        Some("2026-01-02T03:04:05.000000Z")
    );
    assert_eq!(s.count(&ListFilter::default()).await.unwrap(), 0);
    assert_eq!(
        s.pending_count().await.unwrap(),
        0,
        "nothing pulled is pushed back"
    );
    theirs.revision = 5;
    theirs.trashed_at = None;
    pull(s, vec![theirs], 6).await;
    assert!(s.get(&i.id).await.unwrap().trashed_at.is_none());

    // A record new here arrives in the Trash when the server has it there.
    let mut other = pulled(UUID, 7, 1);
    other.trashed_at = Some("2026-01-02T03:04:05.000000Z".into());
    pull(s, vec![other], 7).await;
    assert_eq!(s.trash_list().await.unwrap()[0].id, UUID);

    // Delete forever stays a tombstone.
    s.delete_forever(&i.id).await.unwrap();
    let sent = to_push(s).await;
    assert!(sent.iter().any(|p| p.change.uid == i.id && p.change.delete));
}

#[tokio::test]
async fn a_create_of_a_trashed_record_carries_its_trashed_at() {
    let s = &new_store().await;
    let i = s.add(sendgrid("Newsletter", "SG.trash-secret-1234")).await;
    let sent = to_push(s).await;
    assert!(!sent[0].change.set.contains_key("trashed_at"));
    s.delete(&i.id).await.unwrap();
    let sent = to_push(s).await;
    assert_eq!(sent[0].change.base_revision, 0);
    assert!(sent[0].change.set["trashed_at"].is_string());
}

#[tokio::test]
async fn pulled_changes_move_the_type_cards() {
    let s = &new_store().await;
    let card = |total, active, errors| TypeCounts {
        total,
        active,
        errors,
    };
    // New from the server: active, its last check failed.
    pull(s, vec![pulled(UUID, 1, 1)], 1).await;
    assert_eq!(s.type_counts().await.unwrap()["email"], card(1, 1, 1));
    assert_eq!(s.count(&ListFilter::default()).await.unwrap(), 1);
    // Switched off and healthy on the server.
    let mut off = pulled(UUID, 2, 2);
    off.is_active = false;
    off.status = "active".into();
    pull(s, vec![off], 2).await;
    assert_eq!(s.type_counts().await.unwrap()["email"], card(1, 0, 0));
    // Moved to the Trash on the server: no card, no total.
    let mut trashed = pulled(UUID, 3, 3);
    trashed.trashed_at = Some("2026-01-02T00:00:00.000000Z".into());
    pull(s, vec![trashed], 3).await;
    assert!(s.type_counts().await.unwrap().is_empty());
    assert_eq!(s.stats().await.unwrap().total, 0);
    // Back from the Trash, then deleted on the server.
    pull(s, vec![pulled(UUID, 4, 4)], 4).await;
    assert_eq!(s.type_counts().await.unwrap()["email"], card(1, 1, 1));
    let mut deleted = pulled(UUID, 5, 5);
    deleted.deleted = true;
    pull(s, vec![deleted], 5).await;
    assert!(s.type_counts().await.unwrap().is_empty());
    assert_eq!(s.count(&ListFilter::default()).await.unwrap(), 0);
}
