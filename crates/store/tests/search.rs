//! The list at scale (local migration 0008): the trigram search index kept
//! in step with every write, short searches, the type cards' counts, and
//! the "needs attention" filter through its indexed candidates.

mod common;

use common::*;
use serde_json::json;
use std::collections::BTreeMap;
use switchboard_store::*;

async fn found(s: &Store, text: &str) -> Vec<String> {
    let filter = ListFilter {
        search: Some(text.into()),
        sort: SortKey::Name,
        ..Default::default()
    };
    let names: Vec<String> = s
        .list(&filter)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(s.count(&filter).await.unwrap(), names.len() as i64);
    names
}

#[tokio::test]
async fn the_search_index_follows_every_write() {
    let t = new_store().await;
    let a = t
        .add(sendgrid("Spring Newsletter", "SG.secretvalue-aaaa"))
        .await;
    t.add(twilio("Order texts", "tok-one")).await;
    // Inside a word, any case, in a public setting; never in a secret.
    assert_eq!(found(&t, "NEWSLETTER").await, ["Spring Newsletter"]);
    assert_eq!(found(&t, "ring news").await, ["Spring Newsletter"]);
    assert_eq!(found(&t, "news@example").await, ["Spring Newsletter"]);
    assert!(found(&t, "secretvalue").await.is_empty());
    // Quotes and LIKE's wildcards are text like any other.
    assert!(found(&t, "say \"hi\"").await.is_empty());
    assert!(found(&t, "50%_off").await.is_empty());
    // Under three characters there is no trigram: the columns are scanned.
    assert_eq!(found(&t, "xt").await, ["Order texts"]);

    // A rename replaces the indexed text.
    t.update(&a.id, renamed("Autumn Digest", json!({})))
        .await
        .unwrap();
    assert!(found(&t, "newsletter").await.is_empty());
    assert_eq!(found(&t, "digest").await, ["Autumn Digest"]);
    // The Trash is not searched; a restore is; a deletion forever is gone.
    t.delete(&a.id).await.unwrap();
    assert!(found(&t, "digest").await.is_empty());
    t.restore_from_trash(&a.id).await.unwrap();
    assert_eq!(found(&t, "digest").await, ["Autumn Digest"]);
    t.delete_forever(&a.id).await.unwrap();
    assert!(found(&t, "digest").await.is_empty());
    assert_eq!(found(&t, "order").await, ["Order texts"]);
}

#[tokio::test]
async fn type_counts_count_the_live_integrations_by_type() {
    let t = new_store().await;
    t.add(sendgrid("One", "SG.one-aaaa")).await;
    let two = t.add(sendgrid("Two", "SG.two-bbbb")).await;
    t.add(twilio("Texts", "tok")).await;
    t.update(
        &two.id,
        IntegrationPatch {
            is_active: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let counts = t.type_counts().await.unwrap();
    assert_eq!(
        counts["email"],
        TypeCounts {
            total: 2,
            active: 1,
            errors: 0
        }
    );
    assert_eq!(counts["sms"].total, 1);
    t.delete(&two.id).await.unwrap();
    assert_eq!(t.type_counts().await.unwrap()["email"].total, 1);
}

/// The live counts straight from the rows, as the kept counts must match
/// them: (type, status, active) -> how many.
async fn counted_from_rows(t: &TestStore) -> BTreeMap<(String, String, bool), i64> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", t.db_path().display()))
        .await
        .unwrap();
    let rows: Vec<(String, String, bool, i64)> = sqlx::query_as(
        "SELECT integration_type, status, is_active, COUNT(*) FROM integrations WHERE trashed_at IS NULL GROUP BY 1, 2, 3",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows.into_iter()
        .map(|(t, s, a, n)| ((t, s, a), n))
        .collect()
}

/// The type cards, the stats and the totals of type, status and activity
/// filters all agree with the rows themselves.
async fn assert_counts_match_rows(t: &TestStore, step: &str) {
    let truth = counted_from_rows(t).await;
    let mut by_type: BTreeMap<String, TypeCounts> = BTreeMap::new();
    for ((ty, status, active), n) in &truth {
        let c = by_type.entry(ty.clone()).or_default();
        c.total += n;
        if *active {
            c.active += n;
        }
        if status == "error" {
            c.errors += n;
        }
    }
    assert_eq!(
        t.type_counts().await.unwrap(),
        by_type,
        "type cards after {step}"
    );
    let total: i64 = truth.values().sum();
    let stats = t.stats().await.unwrap();
    assert_eq!(stats.total, total, "stats after {step}");
    assert_eq!(
        t.count(&ListFilter::default()).await.unwrap(),
        total,
        "{step}"
    );
    for ty in ["email", "sms"] {
        for status in [None, Some(Status::Error), Some(Status::Active)] {
            for active in [None, Some(true), Some(false)] {
                let want: i64 = truth
                    .iter()
                    .filter(|((t2, s2, a2), _)| {
                        t2 == ty
                            && status.is_none_or(|s| s.as_str() == s2)
                            && active.is_none_or(|a| a == *a2)
                    })
                    .map(|(_, n)| n)
                    .sum();
                let filter = ListFilter {
                    integration_type: Some(ty.into()),
                    status,
                    is_active: active,
                    ..Default::default()
                };
                assert_eq!(t.count(&filter).await.unwrap(), want, "{step}: {filter:?}");
                let listed = t.list(&filter).await.unwrap().len() as i64;
                assert_eq!(listed, want, "{step}: the list agrees, {filter:?}");
            }
        }
    }
}

#[tokio::test]
async fn the_kept_counts_follow_every_write() {
    let t = new_store().await;
    let one = t.add(sendgrid("One", "SG.one-aaaa")).await;
    let two = t.add(sendgrid("Two", "SG.two-bbbb")).await;
    let texts = t.add(twilio("Texts", "tok")).await;
    assert_counts_match_rows(&t, "three added").await;

    let off = IntegrationPatch {
        is_active: Some(false),
        ..Default::default()
    };
    t.update(&two.id, off).await.unwrap();
    assert_counts_match_rows(&t, "one switched off").await;

    let failed = CheckRecord::new(CheckKind::Failed, "401 from SendGrid", json!({}));
    t.record_check(&one.id, &failed).await.unwrap();
    // The same status again moves nothing.
    t.record_check(&one.id, &failed).await.unwrap();
    assert_counts_match_rows(&t, "a failed check").await;
    assert_eq!(t.type_counts().await.unwrap()["email"].errors, 1);

    let ok = CheckRecord::new(CheckKind::Ok, "SendGrid accepted the key.", json!({}));
    t.record_check(&one.id, &ok).await.unwrap();
    assert_counts_match_rows(&t, "a passing check").await;

    t.delete(&texts.id).await.unwrap();
    assert_counts_match_rows(&t, "moved to the Trash").await;
    assert!(
        !t.type_counts().await.unwrap().contains_key("sms"),
        "no card"
    );
    // A write to an integration in the Trash counts nowhere.
    t.record_check(&texts.id, &failed).await.ok();
    assert_counts_match_rows(&t, "a check in the Trash").await;
    t.restore_from_trash(&texts.id).await.unwrap();
    assert_counts_match_rows(&t, "restored").await;

    t.delete(&two.id).await.unwrap();
    t.empty_trash().await.unwrap();
    t.delete_forever(&texts.id).await.unwrap();
    assert_counts_match_rows(&t, "deleted for good").await;

    let file = t.export(true).await.unwrap();
    t.delete(&one.id).await.unwrap();
    t.empty_trash().await.unwrap();
    let report = t.import(file, 10, &mut |_| {}).await.unwrap();
    assert_eq!(report.imported, 1, "the one deleted comes back");
    for i in 0..5 {
        t.add(twilio(&format!("Texts {i}"), "tok")).await;
    }
    assert_counts_match_rows(&t, "imported and added").await;
}

#[tokio::test]
async fn the_counts_of_a_store_from_before_are_made_on_opening() {
    let dir = tempfile::tempdir().unwrap();
    let (path, pool) = old_store_file(dir.path(), "0009").await;
    for (id, ty, status, active, trashed) in [
        ("a", "email", "active", 1, None),
        ("b", "email", "error", 1, None),
        ("c", "email", "active", 0, None),
        ("d", "sms", "pending", 0, None),
        ("e", "sms", "active", 1, Some("2026-12-01T00:00:00Z")),
    ] {
        sqlx::query(
            "INSERT INTO integrations (id, owner, integration_type, provider, name, status, is_active, created_at, updated_at, trashed_at)
             VALUES (?, 'me', ?, 'p', ?, ?, ?, 't', 't', ?)",
        )
        .bind(id)
        .bind(ty)
        .bind(format!("Old {id}"))
        .bind(status)
        .bind(active)
        .bind(trashed)
        .execute(&pool)
        .await
        .unwrap();
    }
    let s = open_old_store(&path, pool).await;
    let counts = s.type_counts().await.unwrap();
    let card = |total, active, errors| TypeCounts {
        total,
        active,
        errors,
    };
    assert_eq!(counts["email"], card(3, 2, 1));
    assert_eq!(
        counts["sms"],
        card(1, 0, 0),
        "the one in the Trash is left out"
    );
    assert_eq!(s.count(&ListFilter::default()).await.unwrap(), 4);
}
