//! The list at scale (local migration 0008): the trigram search index kept
//! in step with every write, short searches, the type cards' counts, and
//! the "needs attention" filter through its indexed candidates.

mod common;

use common::*;
use serde_json::json;
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
