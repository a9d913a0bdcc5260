//! The Trash: deleting moves an integration there (out of lists, counts and
//! stats, still readable by id), restorable for 30 days; delete forever and
//! emptying the Trash delete for good; old items go when the vault unlocks;
//! a name held by a trashed integration says so.

mod common;

use common::*;
use switchboard_store::*;
use switchboard_vault::Secret;

/// Sets `trashed_at` of `id` to `days` days ago, straight in the file.
async fn back_date(t: &TestStore, id: &str, days: i64) {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", t.db_path().display()))
        .await
        .unwrap();
    sqlx::query(
        "UPDATE integrations SET trashed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?) WHERE id = ?",
    )
    .bind(format!("-{days} days"))
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
}

#[tokio::test]
async fn delete_moves_to_the_trash_and_restore_brings_it_back() {
    let t = new_store().await;
    let a = t.add(sendgrid("Alpha", "SG.alpha-1234")).await;
    let b = t.add(sendgrid("Beta", "SG.beta-5678")).await;
    let all = ListFilter::default();

    t.delete(&a.id).await.unwrap();
    let listed: Vec<String> = t
        .list(&all)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed, vec![b.id]);
    assert_eq!(t.list_full(&all).await.unwrap().len(), 1);
    assert_eq!(t.count(&all).await.unwrap(), 1);
    assert_eq!(t.stats().await.unwrap().total, 1);
    let got = t.get(&a.id).await.unwrap();
    assert!(got.trashed_at.is_some(), "get still answers, in the Trash");
    // Deleting again changes nothing.
    t.delete(&a.id).await.unwrap();

    let trash = t.trash_list().await.unwrap();
    assert_eq!(trash.len(), 1);
    assert_eq!(trash[0].id, a.id);
    assert_eq!(trash[0].name, "Alpha");
    assert_eq!(trash[0].days_left, TRASH_DAYS);
    assert_eq!(Some(trash[0].trashed_at.clone()), got.trashed_at);
    let logs = t.logs(&a.id, 5).await.unwrap();
    assert_eq!(logs[0].message, "Moved to the Trash");

    t.restore_from_trash(&a.id).await.unwrap();
    assert_eq!(t.count(&all).await.unwrap(), 2);
    assert!(t.trash_list().await.unwrap().is_empty());
    assert!(t.get(&a.id).await.unwrap().trashed_at.is_none());
    // The secret survived the round trip.
    assert_eq!(
        t.reveal(&a.id, "api_key").await.unwrap().expose(),
        "SG.alpha-1234"
    );
    assert!(matches!(
        t.restore_from_trash("no-such-id").await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn trash_is_newest_first_and_delete_forever_and_empty_delete_for_good() {
    let t = new_store().await;
    let a = t.add(sendgrid("Alpha", "SG.alpha-1234")).await;
    let b = t.add(sendgrid("Beta", "SG.beta-5678")).await;
    let c = t.add(sendgrid("Gamma", "SG.gamma-9012")).await;
    for id in [&a.id, &b.id, &c.id] {
        t.delete(id).await.unwrap();
    }
    back_date(&t, &a.id, 3).await;
    let trash = t.trash_list().await.unwrap();
    let order: Vec<&str> = trash.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(order, ["Gamma", "Beta", "Alpha"]);
    assert_eq!(trash[2].days_left, TRASH_DAYS - 3);

    t.delete_forever(&c.id).await.unwrap();
    assert!(matches!(
        t.get(&c.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        t.logs(&c.id, 5).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        t.delete_forever(&c.id).await,
        Err(StoreError::NotFound { .. })
    ));

    let kept = t.add(sendgrid("Kept", "SG.kept-3456")).await;
    assert_eq!(t.empty_trash().await.unwrap(), 2);
    assert!(t.trash_list().await.unwrap().is_empty());
    assert!(matches!(
        t.get(&a.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(t.get(&kept.id).await.unwrap().name, "Kept");
    assert_eq!(t.empty_trash().await.unwrap(), 0);
}

#[tokio::test]
async fn items_trashed_over_30_days_ago_go_when_the_vault_unlocks() {
    let t = new_store().await;
    let old = t.add(sendgrid("Old", "SG.old-1234")).await;
    let recent = t.add(sendgrid("Recent", "SG.recent-5678")).await;
    t.delete(&old.id).await.unwrap();
    t.delete(&recent.id).await.unwrap();
    back_date(&t, &old.id, TRASH_DAYS + 1).await;
    back_date(&t, &recent.id, TRASH_DAYS - 1).await;
    t.close().await;

    let s = t.reopen().await;
    s.unlock_with_passphrase(&Secret::new(PASSPHRASE))
        .await
        .unwrap();
    assert!(matches!(
        s.get(&old.id).await,
        Err(StoreError::NotFound { .. })
    ));
    let trash = s.trash_list().await.unwrap();
    assert_eq!(trash.len(), 1);
    assert_eq!(trash[0].id, recent.id);
    assert_eq!(trash[0].days_left, 1);
    // Running it again finds nothing more.
    assert_eq!(s.purge_trash().await.unwrap(), 0);
}

#[tokio::test]
async fn a_name_held_in_the_trash_says_so() {
    let t = new_store().await;
    let site = t.create_website("Shop", "").await.unwrap();
    let mut main = sendgrid("Main", "SG.main-1234");
    main.website_id = Some(site.id.clone());
    let held = t.add(main.clone()).await;
    t.delete(&held.id).await.unwrap();

    let err = t.create(main.clone()).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("in the Trash"), "{text}");
    assert!(text.contains("restore it, or delete it forever"), "{text}");

    let mut other = sendgrid("Other", "SG.other-5678");
    other.website_id = Some(site.id.clone());
    let other = t.add(other).await;
    let err = t.update(&other.id, named_only("Main")).await.unwrap_err();
    assert!(err.to_string().contains("in the Trash"), "{err}");

    // Once it is gone for good, the name is free.
    t.delete_forever(&held.id).await.unwrap();
    t.update(&other.id, named_only("Main")).await.unwrap();
}

fn named_only(name: &str) -> IntegrationPatch {
    IntegrationPatch {
        name: Some(name.into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn exports_and_backups_leave_the_trash_out() {
    let t = new_store().await;
    let a = t.add(sendgrid("Alpha", "SG.alpha-1234")).await;
    t.add(sendgrid("Beta", "SG.beta-5678")).await;
    t.delete(&a.id).await.unwrap();
    let file = t.export(false).await.unwrap();
    let names: Vec<&str> = file.integrations.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["Beta"]);
}

#[tokio::test]
async fn restoring_a_backup_brings_back_one_in_the_trash() {
    let t = new_store().await;
    let a = t.add(sendgrid("Alpha", "SG.alpha-1234")).await;
    let written = t
        .write_backup(&Secret::new("backup passphrase 1"), true)
        .await
        .unwrap();
    let file = Store::read_backup(&written.bytes, &Secret::new("backup passphrase 1"))
        .await
        .unwrap();
    t.delete(&a.id).await.unwrap();

    let preview = t.restore_preview(&file).await.unwrap();
    let item = &preview.integrations[0];
    assert_eq!(item.kind, RestoreKind::Changed);
    assert!(
        item.fields.iter().any(|f| f == "trashed_at"),
        "{:?}",
        item.fields
    );
    let take = RestoreChoices {
        on_change: RestoreChoice::TakeFile,
        ..Default::default()
    };
    let report = t.restore(&file, &take).await.unwrap();
    assert_eq!(report.updated, vec![a.id.clone()]);
    assert!(t.get(&a.id).await.unwrap().trashed_at.is_none());
    assert!(t.trash_list().await.unwrap().is_empty());
}
