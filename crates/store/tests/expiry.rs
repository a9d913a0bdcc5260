//! Expiry and rotation in the store (issue 16): the set date of each secret
//! field on every path that sets one, the expiry a check states, the "needs
//! attention" filter and counts, and notices once per crossing.

mod common;

use common::*;
use serde_json::json;
use std::collections::BTreeMap;
use switchboard_domain::expiry::{days_after, days_before};
use switchboard_domain::unix_now;
use switchboard_store::{
    Attention, CheckKind, CheckRecord, ExportFile, ListFilter, RotateOptions, Rotation,
    StatedExpiry, Store,
};
use switchboard_vault::Secret;

const OLD: &str = "2020-01-02T03:04:05.000000Z";

/// A file of one WhatsApp integration whose secrets were set on `OLD`.
async fn imported_old(t: &Store) -> String {
    let source = new_store().await;
    let wa = source
        .add(whatsapp("Old WA", "EAAold-token", "verify-old"))
        .await;
    let mut file: ExportFile = source.export(true).await.unwrap();
    let item = &mut file.integrations[0];
    item.dates.secret_set_at = item
        .dates
        .secret_set_at
        .keys()
        .map(|k| (k.clone(), OLD.into()))
        .collect();
    assert_eq!(
        item.dates.secret_set_at.len(),
        2,
        "two secrets: {:?}",
        item.dates.secret_set_at
    );
    let report = t.import(file, 10, &mut |_| {}).await.unwrap();
    assert_eq!(report.imported, 1);
    wa.id
}

fn check(expiry: Option<StatedExpiry>) -> CheckRecord {
    CheckRecord {
        expiry,
        ..CheckRecord::new(CheckKind::Ok, "Meta accepted the token.", json!({}))
    }
}

/// An expiry a minute short of `days` days from now ("expires in days - 1").
fn expires_in_days(days: i64) -> Option<StatedExpiry> {
    Some(StatedExpiry {
        at: Some(days_after(unix_now() - 60, days)),
        source: "Meta debug_token".into(),
    })
}

fn attention_filter(rotation: Rotation) -> ListFilter {
    ListFilter {
        needs_attention: Some(rotation),
        ..Default::default()
    }
}

#[tokio::test]
async fn each_secret_field_keeps_its_own_set_date() {
    let t = new_store().await;
    let created = t.add(sendgrid("New", "SG.fresh-key-0001")).await;
    let before = days_before(unix_now(), 1);
    assert_eq!(
        created.dates.secret_set_at.keys().collect::<Vec<_>>(),
        ["api_key"]
    );
    assert!(created.dates.secret_set_at["api_key"] > before);

    let id = imported_old(&t).await;
    let wa = t.get(&id).await.unwrap();
    assert!(
        wa.dates.secret_set_at.values().all(|d| d == OLD),
        "import keeps the file's dates"
    );
    // A change of one secret dates only that one; other changes none.
    t.update(&id, values(json!({"access_token": "EAAnew-token"})))
        .await
        .unwrap();
    t.update(&id, renamed("Renamed", json!({}))).await.unwrap();
    let wa = t.get(&id).await.unwrap();
    assert!(wa.dates.secret_set_at["access_token"] > before);
    assert_eq!(wa.dates.secret_set_at["webhook_verify_token"], OLD);
    // A cleared secret has no date.
    t.update(&id, values(json!({"webhook_verify_token": ""})))
        .await
        .unwrap();
    let wa = t.get(&id).await.unwrap();
    assert_eq!(
        wa.dates.secret_set_at.keys().collect::<Vec<_>>(),
        ["access_token"]
    );
    let summary = &t.list(&ListFilter::default()).await.unwrap();
    let row = summary.iter().find(|r| r.id == id).unwrap();
    assert_eq!(
        row.dates.secret_set_at, wa.dates.secret_set_at,
        "the list carries the dates"
    );
}

#[tokio::test]
async fn re_sealing_under_a_new_master_key_keeps_dates_and_expiry() {
    let t = new_store().await;
    let id = imported_old(&t).await;
    t.record_check(&id, &check(expires_in_days(10)))
        .await
        .unwrap();
    let before = t.get(&id).await.unwrap();
    t.rotate_master_key(RotateOptions {
        keystore: Some(t.keys.clone()),
        passphrase: Some(Secret::new(PASSPHRASE)),
        fail_after: None,
    })
    .await
    .unwrap();
    let after = t.get(&id).await.unwrap();
    assert_eq!(after.dates.secret_set_at, before.dates.secret_set_at);
    assert_eq!(after.dates.expires_at, before.dates.expires_at);
    assert!(after.dates.expires_at.is_some());
}

#[tokio::test]
async fn checks_record_the_stated_expiry_and_a_new_secret_forgets_it() {
    let (t, i) = store_with(sendgrid("Meta-ish", "SG.check-expiry-01")).await;
    t.record_check(&i.id, &check(expires_in_days(5)))
        .await
        .unwrap();
    let got = t.get(&i.id).await.unwrap();
    assert_eq!(
        got.dates.expires_source.as_deref(),
        Some("Meta debug_token")
    );
    assert_eq!(
        got.attention(&Rotation::default()),
        Some(Attention::ExpiresIn(4))
    );
    // A check that says nothing keeps it; "never" clears it.
    t.record_check(&i.id, &check(None)).await.unwrap();
    assert!(t.get(&i.id).await.unwrap().dates.expires_at.is_some());
    t.record_check(&i.id, &check(Some(StatedExpiry::never("Meta debug_token"))))
        .await
        .unwrap();
    assert_eq!(t.get(&i.id).await.unwrap().dates.expires_at, None);
    // A new value's expiry is unknown until its next check.
    t.record_check(&i.id, &check(expires_in_days(-1)))
        .await
        .unwrap();
    assert_eq!(
        t.get(&i.id).await.unwrap().attention(&Rotation::default()),
        Some(Attention::Expired)
    );
    t.update(&i.id, values(json!({"api_key": "SG.renewed-key-02"})))
        .await
        .unwrap();
    let renewed = t.get(&i.id).await.unwrap();
    assert_eq!(renewed.dates.expires_at, None);
    assert_eq!(renewed.attention(&Rotation::default()), None);
}

#[tokio::test]
async fn a_provider_creation_date_older_than_the_recorded_one_wins() {
    let (t, i) = store_with(sendgrid("AWS-ish", "SG.created-key-01")).await;
    let set = t.get(&i.id).await.unwrap().dates.secret_set_at["api_key"].clone();
    let mut rec = check(None);
    rec.secrets_created = BTreeMap::from([("api_key".into(), "2021-05-06T07:08:09Z".into())]);
    t.record_check(&i.id, &rec).await.unwrap();
    let got = t.get(&i.id).await.unwrap();
    assert_eq!(
        got.dates.secret_set_at["api_key"],
        "2021-05-06T07:08:09.000000Z"
    );
    // A later one (or a key it does not hold) changes nothing.
    rec.secrets_created = BTreeMap::from([
        ("api_key".into(), days_after(unix_now(), 0)),
        ("other".into(), "2001-01-01T00:00:00Z".into()),
    ]);
    t.record_check(&i.id, &rec).await.unwrap();
    let again = t.get(&i.id).await.unwrap();
    assert_eq!(again.dates.secret_set_at, got.dates.secret_set_at);
    assert_ne!(set, got.dates.secret_set_at["api_key"]);
}

#[tokio::test]
async fn the_filter_and_the_counts_find_what_needs_attention() {
    let t = new_store().await;
    let fresh = t.add(sendgrid("Fresh", "SG.fresh-key-0002")).await;
    let soon = t.add(twilio("Soon", "soon")).await;
    let old = imported_old(&t).await;
    t.record_check(&soon.id, &check(expires_in_days(12)))
        .await
        .unwrap();
    let far = t.add(sendgrid("Far", "SG.far-expiry-0003")).await;
    t.record_check(&far.id, &check(expires_in_days(45)))
        .await
        .unwrap();

    let rotation = Rotation::default();
    let mut found: Vec<String> = t
        .list(&attention_filter(rotation.clone()))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    found.sort();
    let mut want = vec![soon.id.clone(), old.clone()];
    want.sort();
    assert_eq!(found, want);
    assert_eq!(
        t.count(&attention_filter(rotation.clone())).await.unwrap(),
        2
    );
    let by_type = t.attention_by_type(&rotation).await.unwrap();
    assert_eq!(
        by_type,
        BTreeMap::from([("sms".into(), 1), ("whatsapp".into(), 1)])
    );

    // A per-type period: email secrets older than 0 days need attention too
    // (stored times have microseconds, the threshold whole seconds).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let mut strict = rotation.clone();
    strict.per_type.insert("email".into(), 0);
    assert_eq!(t.count(&attention_filter(strict.clone())).await.unwrap(), 4);
    // ...and a long one for WhatsApp lets the old one be.
    strict.per_type.insert("whatsapp".into(), 10_000);
    let ids: Vec<String> = t
        .list(&attention_filter(strict))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert!(ids.contains(&fresh.id) && !ids.contains(&old));
    // The rule of the domain agrees with the SQL.
    for row in t.list(&ListFilter::default()).await.unwrap() {
        let wanted = [&soon.id, &old].contains(&&row.id);
        assert_eq!(row.attention(&rotation).is_some(), wanted, "{}", row.name);
    }
}

#[tokio::test]
async fn notices_come_once_per_crossing() {
    let t = new_store().await;
    let rotation = Rotation::default();
    let old = imported_old(&t).await;
    let (a, _) = (t.add(sendgrid("Token", "SG.notice-key-0001")).await, ());
    let first = t.attention_notices(&rotation).await.unwrap();
    assert_eq!(first.len(), 1, "only the old one at start: {first:?}");
    assert_eq!(
        (first[0].id.as_str(), first[0].attention.kind()),
        (old.as_str(), "old")
    );
    assert!(
        t.attention_notices(&rotation).await.unwrap().is_empty(),
        "once"
    );

    let mut seen = Vec::new();
    for days in [20, 15, 6, 1, -1] {
        t.record_check(&a.id, &check(expires_in_days(days)))
            .await
            .unwrap();
        let n = t.attention_notices(&rotation).await.unwrap();
        seen.push(
            n.iter()
                .map(|n| n.attention.label())
                .collect::<Vec<_>>()
                .join(","),
        );
    }
    assert_eq!(
        seen,
        [
            "expires in 19 days",
            "",
            "expires in 5 days",
            "expires today",
            "expired"
        ]
    );
    // Renewed: no notice, and the next crossing is announced again.
    t.record_check(&a.id, &check(expires_in_days(300)))
        .await
        .unwrap();
    assert!(t.attention_notices(&rotation).await.unwrap().is_empty());
    t.record_check(&a.id, &check(expires_in_days(3)))
        .await
        .unwrap();
    let again = t.attention_notices(&rotation).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attention, Attention::ExpiresIn(2));
    // Kept in the store: another Store on the same file does not repeat it.
    let other = t.reopen().await;
    other
        .unlock_with_passphrase(&Secret::new(PASSPHRASE))
        .await
        .unwrap();
    assert!(other.attention_notices(&rotation).await.unwrap().is_empty());
}

/// The store's insert states each secret's date and the oldest one itself
/// (migration 0010 skips the triggers for it); an insert that states
/// neither, as any other writer's, still gets them from the triggers, and a
/// row with no secret keeps '{}' and no oldest date.
#[tokio::test]
async fn dates_stated_on_insert_match_what_the_triggers_compute() {
    let t = new_store().await;
    let created = t
        .add(twilio("Stated", "0123456789abcdef0123456789abcdef"))
        .await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", t.db_path().display()))
        .await
        .unwrap();
    let dates = |id: String| {
        let pool = pool.clone();
        async move {
            let (dates, oldest, created_at): (String, Option<String>, String) = sqlx::query_as(
                "SELECT secret_dates, oldest_secret_at, created_at FROM integrations WHERE id = ?",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
            let dates: BTreeMap<String, String> = serde_json::from_str(&dates).unwrap();
            (dates, oldest, created_at)
        }
    };
    let (stated, oldest, created_at) = dates(created.id.clone()).await;
    assert_eq!(stated.keys().collect::<Vec<_>>(), ["auth_token"]);
    assert!(stated.values().all(|d| *d == created_at), "{stated:?}");
    assert_eq!(oldest.as_deref(), Some(created_at.as_str()));

    // Another writer's insert, stating no dates: the triggers fill them in,
    // keeping a stated date and dating the rest now.
    let insert = |id: &'static str, secrets: &'static str, secret_dates: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query(
                "INSERT INTO integrations (id, owner, integration_type, provider, name, status, is_active, secrets, secret_dates, created_at, updated_at)
                 VALUES (?, 'other', 'sms', 'twilio', ?, 'active', 1, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(id)
            .bind(secrets)
            .bind(secret_dates)
            .bind(OLD)
            .bind(OLD)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    insert(
        "raw-1",
        r#"{"auth_token":"AAAA","api_key":"BBBB"}"#,
        r#"{"api_key":"2019-05-06T07:08:09.000000Z"}"#,
    )
    .await;
    let (computed, oldest, _) = dates("raw-1".into()).await;
    assert_eq!(computed["api_key"], "2019-05-06T07:08:09.000000Z");
    assert!(computed["auth_token"] > created_at, "{computed:?}");
    assert_eq!(oldest.as_deref(), Some("2019-05-06T07:08:09.000000Z"));
    insert("raw-2", "{}", "{}").await;
    let (none, oldest, _) = dates("raw-2".into()).await;
    assert!(none.is_empty() && oldest.is_none(), "{none:?} {oldest:?}");
    pool.close().await;
}

/// A pulled record (SendGrid, its key set only on the server) with these
/// dates: `(set date of api_key, stated expiry and its source)`.
fn pulled_with_dates(
    uid: &str,
    revision: i64,
    set_at: Option<&str>,
    expiry: Option<(&str, &str)>,
) -> switchboard_sync_proto::PulledIntegration {
    switchboard_sync_proto::PulledIntegration {
        dates: switchboard_domain::ExpiryDates {
            secret_set_at: set_at
                .map(|d| [("api_key".to_string(), d.to_string())].into())
                .unwrap_or_default(),
            expires_at: expiry.map(|(at, _)| at.into()),
            expires_source: expiry.map(|(_, source)| source.into()),
        },
        ..pulled(uid, revision, revision)
    }
}

/// One pulled page takes each record's own dates (they are read and
/// written for the whole page at once): a key set only on the server gets
/// the server's date, a key held here keeps its own, a stated expiry is
/// taken, and a record twice in the page ends with its later expiry.
#[tokio::test]
async fn a_pulled_page_gives_each_record_its_own_dates() {
    let t = new_store().await;
    let here = t.add(sendgrid("Held here", "SG.held-here-key-1234")).await;
    let set_here = t.get(&here.id).await.unwrap().dates.secret_set_at["api_key"].clone();
    let (a, b) = (
        "0b7c1f52-1111-4a55-9d51-0c4b3c8f2a11",
        "0b7c1f52-2222-4a55-9d51-0c4b3c8f2a11",
    );
    let page = switchboard_sync_proto::PullPage {
        changes: vec![
            pulled_with_dates(
                a,
                1,
                Some("2021-01-01T00:00:00Z"),
                Some(("2031-01-01T00:00:00Z", "first check")),
            ),
            pulled_with_dates(b, 2, Some("2022-02-02T00:00:00Z"), None),
            pulled_with_dates(
                &here.id,
                3,
                Some("2023-03-03T00:00:00Z"),
                Some(("2033-03-03T00:00:00Z", "Meta debug_token")),
            ),
            pulled_with_dates(
                a,
                4,
                Some("2021-01-01T00:00:00Z"),
                Some(("2032-02-02T00:00:00Z", "later check")),
            ),
        ],
        next: 4,
        more: false,
        ..Default::default()
    };
    let summary = t.apply_pull(&page).await.unwrap();
    assert_eq!(summary.pulled, 4, "{summary:?}");

    let on_a = t.get(a).await.unwrap().dates;
    assert_eq!(on_a.secret_set_at["api_key"], "2021-01-01T00:00:00.000000Z");
    assert_eq!(
        on_a.expires_at.as_deref(),
        Some("2032-02-02T00:00:00.000000Z")
    );
    assert_eq!(on_a.expires_source.as_deref(), Some("later check"));

    let on_b = t.get(b).await.unwrap().dates;
    assert_eq!(on_b.secret_set_at["api_key"], "2022-02-02T00:00:00.000000Z");
    assert_eq!(on_b.expires_at, None, "none stated");

    let kept = t.get(&here.id).await.unwrap().dates;
    assert_eq!(
        kept.secret_set_at["api_key"], set_here,
        "the key held here keeps its own date"
    );
    assert_eq!(
        kept.expires_at.as_deref(),
        Some("2033-03-03T00:00:00.000000Z")
    );
    assert_eq!(kept.expires_source.as_deref(), Some("Meta debug_token"));
}
