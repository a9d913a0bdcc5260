//! Encrypted backups and restores on real SQLite files: a lossless round
//! trip of 10,000 integrations, the preview's classification, the choices,
//! and a restore that is all or nothing.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use switchboard_store::{
    ExportFile, IntegrationPatch, RestoreChoice, RestoreChoices, RestoreKind, Store, WebsiteKind,
};
use switchboard_vault::Secret;

const BACKUP_PASS: &str = "backup passphrase 42";

fn pass() -> Secret {
    Secret::new(BACKUP_PASS)
}

/// `n` integrations of four types, on three websites or global, each with
/// its own secret values.
fn big_file(n: usize) -> ExportFile {
    let websites: Vec<Value> = (0..3)
        .map(|w| {
            json!({ "id": format!("site-{w}"), "name": format!("Shop {w}"),
                    "domain": format!("shop{w}.example.com"),
                    "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z" })
        })
        .collect();
    let integrations: Vec<Value> = (0..n)
        .map(|i| {
            let t = hex_token(&format!("token {i}"));
            let (ty, config, secrets) = match i % 4 {
                0 => (
                    "email",
                    json!({ "from_email": format!("news{i}@example.com"), "from_name": "News" }),
                    json!({ "api_key": format!("SG.backup-{i:06}-{t}") }),
                ),
                1 => (
                    "sms",
                    json!({ "from_phone_number": "+14155550123",
                            "account_sid": "AC0123456789abcdef0123456789abcdef" }),
                    json!({ "auth_token": t }),
                ),
                2 => (
                    "whatsapp",
                    json!({ "phone_number_id": format!("{}", 100_000_000 + i),
                            "business_account_id": "987654321098765",
                            "webhook_url": "https://hooks.example.com/whatsapp" }),
                    json!({ "access_token": format!("EAAwa{t}"), "webhook_verify_token": format!("verify-{i}") }),
                ),
                _ => (
                    "facebook",
                    json!({ "app_id": "1234567890", "page_id": format!("{}", 100_000 + i),
                            "enable_lead_ads": i % 2 == 0 }),
                    json!({ "app_secret": format!("0123456789abcdef0123456789ab{i:04x}"),
                            "access_token": format!("EAAB{t}{i:08}"),
                            "page_access_token": format!("EAAP{t}{i:08}") }),
                ),
            };
            let website = if i % 5 == 0 {
                Value::Null
            } else {
                json!(format!("site-{}", i % 3))
            };
            let provider = (ty == "email").then_some("sendgrid");
            json!({ "id": format!("bk-{i:06}"), "website_id": website, "integration_type": ty, "provider": provider,
                    "name": format!("{ty} line {i}"), "description": format!("Line {i}"),
                    "is_active": i % 7 != 0, "config": config, "secrets": secrets })
        })
        .collect();
    serde_json::from_value(json!({ "format": "switchboard-export", "version": 1,
        "includes_secrets": true, "websites": websites, "integrations": integrations }))
    .unwrap()
}

/// The store's whole content with every secret opened, keyed by id: the
/// export with secrets, in a fixed order.
async fn content(s: &Store) -> (Value, BTreeMap<String, Value>) {
    let file = s.export(true).await.unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let by_id = file
        .integrations
        .iter()
        .map(|i| (i.id.clone().unwrap(), serde_json::to_value(i).unwrap()))
        .collect();
    (serde_json::to_value(&file.websites).unwrap(), by_id)
}

async fn backup_and_read(s: &Store, with_secrets: bool) -> ExportFile {
    let written = s.write_backup(&pass(), with_secrets).await.unwrap();
    Store::read_backup(&written.bytes, &pass()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_integrations_round_trip_losslessly() {
    const N: usize = 10_000;
    let source = new_store().await;
    let report = source.import(big_file(N), 500, &mut |_| {}).await.unwrap();
    assert_eq!(report.imported, N, "{:?}", report.failed.first());

    let written = source.write_backup(&pass(), true).await.unwrap();
    assert_eq!(written.info.integrations, N as u64);
    assert!(written.info.includes_secrets);
    let text = String::from_utf8_lossy(&written.bytes);
    assert!(!text.contains("SG.backup-000000"), "secrets are sealed");
    assert!(!text.contains("Shop 1"), "names are sealed too");
    let path = source.dir.path().join("all.sbbackup");
    std::fs::write(&path, &written.bytes).unwrap();

    let target = new_store().await;
    let file = Store::read_backup(&std::fs::read(&path).unwrap(), &pass())
        .await
        .unwrap();
    let preview = target.restore_preview(&file).await.unwrap();
    assert_eq!(preview.counts.new, N);
    assert!(preview.websites.iter().all(|w| w.kind == WebsiteKind::New));
    let report = target
        .restore(&file, &RestoreChoices::default())
        .await
        .unwrap();
    assert_eq!((report.added, report.websites_added), (N, 3));
    assert!(report.secrets_to_reenter.is_empty());

    let (sites_a, a) = content(&source).await;
    let (sites_b, b) = content(&target).await;
    assert_eq!(sites_a, sites_b, "websites");
    assert_eq!(a.len(), N);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (id, item) in &a {
        assert_eq!(item, &b[id], "{id}");
    }
    // A few secrets through the reveal path too.
    for i in [0usize, 1, 2, 3, 4999, 9999] {
        let id = format!("bk-{i:06}");
        let got = target.get(&id).await.unwrap();
        for key in got.secrets.keys() {
            assert_eq!(
                target.reveal(&id, key).await.unwrap().expose(),
                source.reveal(&id, key).await.unwrap().expose()
            );
        }
    }
    // The same file again: everything is unchanged.
    let again = target.restore_preview(&file).await.unwrap();
    assert_eq!(again.counts.unchanged, N, "{:?}", again.counts);
    assert!(again
        .websites
        .iter()
        .all(|w| w.kind == WebsiteKind::Existing));
}

/// A store with a global SendGrid, Twilio and WhatsApp; the file is its
/// backup; then the store changes, so that the file holds each kind.
struct Scene {
    t: TestStore,
    file: ExportFile,
    news: String,
    sms: String,
    wa: String,
}

async fn scene() -> Scene {
    let t = new_store().await;
    let news = t.add(sendgrid("News", "SG.scene-news-1111")).await.id;
    let sms = t.add(twilio("SMS", "scene-sms")).await.id;
    let wa = t.add(whatsapp("Chat", "EAAscene-wa", "verify-me")).await.id;
    let mut file = backup_and_read(&t, true).await;
    // A copy of News under another id and in other case: a name conflict.
    let mut copy = file.integrations[0].clone();
    copy.id = Some("from-elsewhere".into());
    copy.name = "NEWS".into();
    file.integrations.push(copy);
    // The store moves on: SMS changes, Chat is deleted.
    t.update(
        &sms,
        IntegrationPatch {
            description: Some("edited after the backup".into()),
            values: Some(obj(json!({ "auth_token": hex_token("newer") }))),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    t.delete_forever(&wa).await.unwrap();
    Scene {
        t,
        file,
        news,
        sms,
        wa,
    }
}

#[tokio::test]
async fn preview_classifies_each_kind_and_shows_no_values() {
    let s = scene().await;
    let preview = s.t.restore_preview(&s.file).await.unwrap();
    let kinds: Vec<(String, RestoreKind)> = preview
        .integrations
        .iter()
        .map(|i| (i.key.clone(), i.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (s.news.clone(), RestoreKind::Unchanged),
            (s.sms.clone(), RestoreKind::Changed),
            (s.wa.clone(), RestoreKind::New),
            ("from-elsewhere".into(), RestoreKind::Conflict),
        ]
    );
    assert_eq!(
        (preview.counts.new, preview.counts.unchanged),
        (1, 1),
        "{:?}",
        preview.counts
    );
    let changed = &preview.integrations[1];
    assert_eq!(changed.fields, vec!["description", "secret.auth_token"]);
    assert_eq!(changed.store_id.as_deref(), Some(s.sms.as_str()));
    let conflict = &preview.integrations[3];
    assert_eq!(conflict.store_id.as_deref(), Some(s.news.as_str()));
    assert_eq!(conflict.store_name.as_deref(), Some("News"));
    assert_eq!(conflict.file_id.as_deref(), Some("from-elsewhere"));
    assert_eq!(conflict.fields, vec!["name"]);

    let json = serde_json::to_string(&preview).unwrap();
    for value in [
        "SG.scene-news-1111",
        &hex_token("newer"),
        &hex_token("scene-sms"),
    ] {
        assert!(!json.contains(value), "the preview holds no secret value");
    }
    assert!(json.contains("\"kind\":\"conflict\""), "{json}");

    // Without secrets in the file, a null secret keeps the store's: only
    // the description differs.
    let bare = backup_and_read(&s.t, false).await;
    let mut old_sms = bare.clone();
    old_sms
        .integrations
        .retain(|i| i.id.as_deref() == Some(&s.sms));
    old_sms.integrations[0].description = String::new();
    let p = s.t.restore_preview(&old_sms).await.unwrap();
    assert_eq!(p.integrations[0].fields, vec!["description"]);
}

#[tokio::test]
async fn default_choices_keep_mine_and_add_the_new() {
    let s = scene().await;
    let before = s.t.get(&s.sms).await.unwrap();
    let report =
        s.t.restore(&s.file, &RestoreChoices::default())
            .await
            .unwrap();
    assert_eq!((report.added, report.unchanged), (1, 1));
    assert_eq!(
        report.kept_mine,
        vec![s.sms.clone(), "from-elsewhere".into()]
    );
    assert!(report.updated.is_empty() && report.kept_both.is_empty());
    assert_eq!(s.t.get(&s.sms).await.unwrap(), before, "kept mine");
    assert_eq!(
        s.t.reveal(&s.wa, "access_token").await.unwrap().expose(),
        "EAAscene-wa"
    );
    assert_eq!(
        s.t.logs(&s.wa, 2).await.unwrap()[1].message,
        "Integration restored from a backup"
    );
}

#[tokio::test]
async fn take_file_and_keep_both_are_honoured() {
    let s = scene().await;
    let choices = RestoreChoices {
        items: BTreeMap::from([
            (s.sms.clone(), RestoreChoice::TakeFile),
            ("from-elsewhere".into(), RestoreChoice::KeepBoth),
        ]),
        ..Default::default()
    };
    let report = s.t.restore(&s.file, &choices).await.unwrap();
    assert_eq!(report.updated, vec![s.sms.clone()]);
    assert_eq!(report.added, 2, "Chat, and the copy of News");
    assert_eq!(report.kept_both.len(), 1);
    let both = &report.kept_both[0];
    assert_eq!(both.name, "NEWS (restored)");
    assert_ne!(both.id, "from-elsewhere");
    assert_eq!(
        s.t.reveal(&both.id, "api_key").await.unwrap().expose(),
        "SG.scene-news-1111"
    );

    // Take the file's: back to the backed-up description and secret,
    // through the update path (logged by field name, pending for sync).
    let sms = s.t.get(&s.sms).await.unwrap();
    assert_eq!(sms.description, "");
    assert_eq!(
        s.t.reveal(&s.sms, "auth_token").await.unwrap().expose(),
        hex_token("scene-sms")
    );
    // Newest first: the reveal just above, then the restore's update.
    let log = &s.t.logs(&s.sms, 2).await.unwrap()[1];
    assert_eq!(log.message, "Integration updated");
    assert_eq!(
        log.details,
        json!({ "changed": ["auth_token", "description"] })
    );
    let pending = s.t.pending_changes(100).await.unwrap();
    let change = pending.iter().find(|p| p.change.uid == s.sms).unwrap();
    assert_eq!(change.change.set["description"], json!(""));

    // A second keep-both of the same conflict gets the next free name.
    let again = s.t.restore(&s.file, &choices).await.unwrap();
    assert_eq!(again.kept_both[0].name, "NEWS (restored 2)");
    assert_eq!(again.unchanged, 3, "{again:?}");

    // Take the file's on the conflict: the store's News takes the file's name.
    let take = RestoreChoices {
        on_conflict: RestoreChoice::TakeFile,
        ..Default::default()
    };
    let r = s.t.restore(&s.file, &take).await.unwrap();
    assert_eq!(r.updated, vec![s.news.clone()]);
    assert_eq!(s.t.get(&s.news).await.unwrap().name, "NEWS");
}

#[tokio::test]
async fn choices_that_do_not_fit_are_refused_and_nothing_is_written() {
    let s = scene().await;
    for choices in [
        RestoreChoices {
            on_change: RestoreChoice::KeepBoth,
            ..Default::default()
        },
        RestoreChoices {
            items: BTreeMap::from([(s.sms.clone(), RestoreChoice::KeepBoth)]),
            ..Default::default()
        },
        RestoreChoices {
            items: BTreeMap::from([("no-such-key".into(), RestoreChoice::TakeFile)]),
            ..Default::default()
        },
    ] {
        let err = s.t.restore(&s.file, &choices).await.unwrap_err();
        assert_eq!(err.code(), "validation", "{err}");
        assert!(matches!(
            s.t.get(&s.wa).await,
            Err(switchboard_store::StoreError::NotFound { .. })
        ));
    }
}

#[tokio::test]
async fn a_refused_item_mid_way_leaves_the_store_unchanged() {
    let s = scene().await;
    let mut file = s.file.clone();
    // Many good new ones before the bad one, and a take-file before them.
    for i in 0..50 {
        let mut item = file.integrations[0].clone();
        item.id = Some(format!("fresh-{i}"));
        item.name = format!("Fresh {i}");
        file.integrations.push(item);
    }
    let mut bad = file.integrations[0].clone();
    bad.id = Some("bad-one".into());
    bad.name = "Bad one".into();
    bad.config
        .insert("from_email".into(), json!("not an address"));
    file.integrations.push(bad);
    file.websites.push(switchboard_store::Website {
        id: "site-x".into(),
        name: "Site X".into(),
        domain: "x.example.com".into(),
        created_at: "2025-01-01T00:00:00Z".into(),
        updated_at: "2025-01-01T00:00:00Z".into(),
    });
    let before = content(&s.t).await;
    let logs_before = s.t.logs(&s.sms, 100).await.unwrap();
    let choices = RestoreChoices {
        on_change: RestoreChoice::TakeFile,
        ..Default::default()
    };
    let err = s.t.restore(&file, &choices).await.unwrap_err();
    assert_eq!(err.code(), "validation");
    let text = err.to_string();
    assert!(text.contains("'Bad one' (#54 in the file)"), "{text}");
    assert!(text.contains("nothing was"), "{text}");
    assert!(text.contains("from_email"), "{text}");
    assert_eq!(content(&s.t).await, before, "nothing half-restored");
    assert!(s.t.websites().await.unwrap().is_empty());
    assert_eq!(s.t.logs(&s.sms, 100).await.unwrap(), logs_before);
    // The same store still takes a good restore afterwards.
    let ok = s.t.restore(&s.file, &choices).await.unwrap();
    assert_eq!(ok.updated, vec![s.sms.clone()]);
}

#[tokio::test]
async fn websites_match_by_name_and_files_without_secrets_ask_for_them() {
    let t = new_store().await;
    let site = t.create_website("Shop", "shop.example.com").await.unwrap();
    let mut a = sendgrid("News", "SG.site-news-2222");
    a.website_id = Some(site.id.clone());
    let a = t.add(a).await;
    let bare = backup_and_read(&t, false).await;
    assert!(!bare.includes_secrets);

    let u = new_store().await;
    let other = u.create_website("SHOP", "").await.unwrap();
    let preview = u.restore_preview(&bare).await.unwrap();
    assert_eq!(preview.websites[0].kind, WebsiteKind::SameName);
    assert_eq!(preview.websites[0].store_id, other.id);
    let report = u.restore(&bare, &RestoreChoices::default()).await.unwrap();
    assert_eq!(report.websites_added, 0);
    assert_eq!(report.secrets_to_reenter, vec![a.id.clone()]);
    let got = u.get(&a.id).await.unwrap();
    assert_eq!(got.website_id, Some(other.id.clone()));
    assert_eq!(got.status, switchboard_store::Status::Pending);
    assert_eq!(
        u.logs(&a.id, 1).await.unwrap()[0].level,
        switchboard_store::LogLevel::Warning
    );
}

#[tokio::test]
async fn bad_backups_are_refused_with_their_own_codes() {
    let t = new_store().await;
    t.add(sendgrid("News", "SG.refusal-3333")).await;
    let written = t.write_backup(&pass(), true).await.unwrap();
    let wrong = Store::read_backup(&written.bytes, &Secret::new("not the passphrase"))
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), "wrong_passphrase", "{wrong}");
    let cut = &written.bytes[..written.bytes.len() / 2];
    let err = Store::read_backup(cut, &pass()).await.unwrap_err();
    assert_eq!(err.code(), "bad_file");
    assert!(err.to_string().contains("truncated or damaged"), "{err}");
    let info = Store::backup_info(&written.bytes).unwrap();
    assert_eq!((info.integrations, info.includes_secrets), (1, true));
    let short = t
        .write_backup(&Secret::new("short"), true)
        .await
        .unwrap_err();
    assert!(short.to_string().contains("at least 8"), "{short}");
    assert!(!format!("{written:?}").contains("refusal"));
}
