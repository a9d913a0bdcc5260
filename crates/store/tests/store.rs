//! The store: migrations, CRUD, validation, filters, stats, logs, websites,
//! import and export, and no plaintext secret in the database files.

mod common;

use common::*;
use serde_json::json;
use switchboard_store::*;
use switchboard_vault::Secret;

#[tokio::test]
async fn migrations_run_on_an_empty_file_and_again_on_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/store.sqlite");
    let s = Store::open(&path).await.unwrap();
    assert!(!s.vault_status().await.unwrap().initialized);
    s.close().await;
    let s = Store::open(&path).await.unwrap();
    assert!(!s.vault_status().await.unwrap().initialized);
    assert!(matches!(
        s.list(&ListFilter::default()).await,
        Err(StoreError::Locked)
    ));
    assert!(matches!(
        s.unlock_with_passphrase(&Secret::new("whatever pass"))
            .await,
        Err(StoreError::NotInitialized)
    ));
}

#[tokio::test]
async fn create_get_update_delete() {
    let (s, created) = store_with(sendgrid("Newsletter", "SG.original-secret-9876")).await;
    assert_eq!(created.status, Status::Active);
    assert!(created.is_active && created.configured);
    assert_eq!(created.revision, 1);
    assert_eq!(created.config["from_email"], "news@example.com");
    assert!(
        !created.config.contains_key("api_key"),
        "secrets stay out of config"
    );

    // Rename and change a public field; the secret is left untouched.
    let updated = s
        .update(
            &created.id,
            renamed("Weekly newsletter", json!({ "from_name": "Weekly" })),
        )
        .await
        .unwrap();
    assert_eq!(updated.name, "Weekly newsletter");
    assert_eq!(updated.config["from_name"], "Weekly");
    assert_eq!(updated.revision, 2);
    assert_eq!(
        s.reveal(&created.id, "api_key").await.unwrap().expose(),
        "SG.original-secret-9876"
    );

    // Replace the secret.
    s.update(
        &created.id,
        values(json!({ "api_key": "SG.replaced-secret-1111" })),
    )
    .await
    .unwrap();
    assert_eq!(
        s.reveal(&created.id, "api_key").await.unwrap().expose(),
        "SG.replaced-secret-1111"
    );

    // Clearing a required secret is refused; clearing an optional one works.
    let err = s
        .update(&created.id, values(json!({ "api_key": "" })))
        .await
        .unwrap_err();
    let StoreError::Validation(errors) = err else {
        panic!("expected a validation error")
    };
    assert!(errors.fields.contains_key("api_key"));
    let wa = s.add(whatsapp("WA", "EAAtoken-1234", "verify-5678")).await;
    let wa2 = s
        .update(&wa.id, values(json!({ "webhook_verify_token": "" })))
        .await
        .unwrap();
    assert!(!wa2.secrets.contains_key("webhook_verify_token"));
    assert!(wa2.secrets.contains_key("access_token"));

    s.delete_forever(&created.id).await.unwrap();
    assert!(matches!(
        s.get(&created.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.delete_forever(&created.id).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn pending_then_configured() {
    let s = &new_store().await;
    let created = s.add(unconfigured("email", "sendgrid", "Later")).await;
    assert_eq!(created.status, Status::Pending);
    assert!(!created.is_active && !created.configured);
    let configured = s
        .configure(
            &created.id,
            None,
            obj(json!({ "from_email": "a@example.com", "api_key": "SG.configured-abcd" })),
        )
        .await
        .unwrap();
    assert_eq!(configured.status, Status::Active);
    assert!(configured.is_active);
    assert_eq!(
        configured.secrets["api_key"],
        SecretView::Set {
            masked: format!("{}abcd", "*".repeat(14))
        }
    );
}

#[tokio::test]
async fn invalid_input_is_refused_with_field_messages_and_nothing_saved() {
    let s = &new_store().await;
    let mut bad = sendgrid("Bad", "SG.whatever-1234");
    bad.values
        .as_mut()
        .unwrap()
        .insert("from_email".into(), json!("not-an-email"));
    let StoreError::Validation(errors) = s.create(bad).await.unwrap_err() else {
        panic!()
    };
    assert!(errors.fields.contains_key("from_email"), "{errors:?}");

    let err = s
        .create(NewIntegration {
            integration_type: "carrier_pigeon".into(),
            name: "x".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("carrier_pigeon") || matches!(err, StoreError::Validation(_)));
    let err = s
        .create(unconfigured("email", "twilio", "x"))
        .await
        .unwrap_err();
    let StoreError::Validation(errors) = err else {
        panic!()
    };
    assert!(errors.fields["provider"].contains("not a provider of"));
    let err = s
        .create(sendgrid("   ", "SG.whatever-1234"))
        .await
        .unwrap_err();
    let StoreError::Validation(errors) = err else {
        panic!()
    };
    assert!(errors.fields["name"].contains("required"));

    let mut bad_sms = twilio("SMS", "tok-123456");
    bad_sms
        .values
        .as_mut()
        .unwrap()
        .insert("from_phone_number".into(), json!("0612345678"));
    let StoreError::Validation(errors) = s.create(bad_sms).await.unwrap_err() else {
        panic!()
    };
    assert!(errors.fields.contains_key("from_phone_number"));
    assert_eq!(s.count(&ListFilter::default()).await.unwrap(), 0);
}

#[tokio::test]
async fn second_document_type_names_are_read_as_providers() {
    let t = new_store().await;
    let created = t
        .store
        .create(integration(
            "stripe",
            None,
            "Production Stripe",
            json!({ "api_key": "sk_test_4eC39HqLyjWDarjtT1zdp7dc" }),
        ))
        .await
        .unwrap();
    assert_eq!(created.integration_type, "payments");
    assert_eq!(created.provider, "stripe");
}

#[tokio::test]
async fn list_filters_search_sort_and_stats() {
    let s = &new_store().await;
    let shop = s
        .create_website("Shop", "https://shop.example.com/")
        .await
        .unwrap();
    assert_eq!(shop.domain, "shop.example.com");
    let blog = s.create_website("Blog", "blog.example.com").await.unwrap();
    assert!(matches!(
        s.create_website("shop", "").await,
        Err(StoreError::Conflict(_))
    ));

    let mut a = sendgrid("Alpha mail", "SG.searchable-secret-zzzz");
    a.website_id = Some(shop.id.clone());
    let a = s.add(a).await;
    let mut b = twilio("Bravo texts", "tok-abcdef");
    b.website_id = Some(blog.id.clone());
    let b = s.add(b).await;
    let c = s
        .add(whatsapp("Charlie chat", "EAA-token-xyz", "verify-abc"))
        .await;
    s.update(
        &c.id,
        IntegrationPatch {
            status: Some(Status::Error),
            is_active: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();

    let ids = |rows: Vec<IntegrationSummary>| rows.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let all = ids(s.list(&ListFilter::default()).await.unwrap());
    assert_eq!(
        all,
        vec![c.id.clone(), b.id.clone(), a.id.clone()],
        "newest first"
    );
    // Each filter, and the ids it lists.
    type Set<'a> = &'a dyn Fn(&mut ListFilter);
    let cases: [(Set<'_>, Vec<&String>); 11] = [
        (&|l| l.integration_type = Some("sms".into()), vec![&b.id]),
        (&|l| l.provider = Some("sendgrid".into()), vec![&a.id]),
        (&|l| l.status = Some(Status::Error), vec![&c.id]),
        (
            &|l| l.website = WebsiteFilter::Website(shop.id.clone()),
            vec![&a.id],
        ),
        (&|l| l.website = WebsiteFilter::Global, vec![&c.id]),
        (&|l| l.search = Some("bravo".into()), vec![&b.id]),
        // Public settings are searchable, secrets are not.
        (&|l| l.search = Some("news@example".into()), vec![&a.id]),
        (&|l| l.search = Some("searchable-secret".into()), vec![]),
        (&|l| l.search = Some("%".into()), vec![]),
        (&|l| l.sort = SortKey::Name, vec![&a.id, &b.id, &c.id]),
        (
            &|l| (l.sort, l.limit, l.offset) = (SortKey::Name, Some(1), Some(1)),
            vec![&b.id],
        ),
    ];
    for (set, want) in cases {
        let mut filter = ListFilter::default();
        set(&mut filter);
        let got = ids(s.list(&filter).await.unwrap());
        assert_eq!(got.iter().collect::<Vec<_>>(), want, "{filter:?}");
    }

    let summary = &s
        .list(&ListFilter {
            search: Some("alpha".into()),
            ..Default::default()
        })
        .await
        .unwrap()[0];
    assert_eq!(summary.secret_fields, vec!["api_key".to_string()]);

    let stats = s.stats().await.unwrap();
    assert_eq!(
        (stats.total, stats.active, stats.inactive, stats.error),
        (3, 2, 1, 1)
    );
    assert_eq!(stats.by_type["email"], 1);
    assert_eq!(stats.by_type["facebook"], 0);
    assert_eq!(stats.by_status["error"], 1);
    assert_eq!(stats.by_status["pending"], 0);

    // Websites in use cannot be deleted; empty ones can.
    assert!(matches!(
        s.delete_website(&shop.id).await,
        Err(StoreError::Conflict(_))
    ));
    s.delete_forever(&a.id).await.unwrap();
    s.delete_website(&shop.id).await.unwrap();
    assert_eq!(s.websites().await.unwrap().len(), 1);
    let mut d = sendgrid("Delta", "SG.whatever-1234");
    d.website_id = Some("no-such-site".into());
    assert!(matches!(s.create(d).await, Err(StoreError::Validation(_))));
}

#[tokio::test]
async fn duplicate_names_within_a_website_are_refused() {
    let t = new_store().await;
    let site = t.store.create_website("Shop", "").await.unwrap();
    let mut a = sendgrid("Main", "SG.aaaa-1234");
    a.website_id = Some(site.id.clone());
    t.store.create(a.clone()).await.unwrap();
    let err = t.store.create(a).await.unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    // Global integrations may share a name.
    t.store
        .create(sendgrid("Main", "SG.bbbb-1234"))
        .await
        .unwrap();
    t.store
        .create(sendgrid("Main", "SG.cccc-1234"))
        .await
        .unwrap();
}

#[tokio::test]
async fn logs_are_newest_first_and_go_with_the_integration() {
    let s = &new_store().await;
    let i = s.add(sendgrid("News", "SG.secret-for-logs-4321")).await;
    s.add_log(
        &i.id,
        LogLevel::Error,
        "Connection failed",
        json!({ "status": 401 }),
    )
    .await
    .unwrap();
    s.reveal(&i.id, "api_key").await.unwrap();
    let logs = s.logs(&i.id, 50).await.unwrap();
    let messages: Vec<&str> = logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "Secret 'api_key' revealed",
            "Connection failed",
            "Integration created"
        ]
    );
    assert_eq!(logs[1].level, LogLevel::Error);
    assert_eq!(s.logs(&i.id, 1).await.unwrap().len(), 1);
    let text = serde_json::to_string(&logs).unwrap();
    assert!(!text.contains("secret-for-logs"));
    s.delete_forever(&i.id).await.unwrap();
    assert!(matches!(
        s.logs(&i.id, 50).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.add_log(&i.id, LogLevel::Info, "x", json!({})).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn export_and_import_round_trip() {
    let t = new_store().await;
    let site = t
        .store
        .create_website("Shop", "shop.example.com")
        .await
        .unwrap();
    let mut a = sendgrid("News", "SG.export-me-7777");
    a.website_id = Some(site.id.clone());
    let a = t.store.create(a).await.unwrap();
    let b = t.add(twilio("SMS", "token-export-8888")).await;

    let full = t.store.export(true).await.unwrap();
    let text = serde_json::to_string(&full).unwrap();
    assert!(text.contains("SG.export-me-7777"), "asked for secrets");
    assert!(
        !format!("{full:?}").contains("SG.export-me-7777"),
        "Debug stays masked"
    );
    let bare = t.store.export(false).await.unwrap();
    assert!(!serde_json::to_string(&bare).unwrap().contains("export-me"));

    let u = new_store().await;
    let mut seen = Vec::new();
    let report = u
        .store
        .import(ExportFile::from_json(&text).unwrap(), 1, &mut |ids| {
            seen.extend_from_slice(ids)
        })
        .await
        .unwrap();
    assert_eq!((report.imported, report.websites), (2, 1));
    assert_eq!(seen.len(), 2);
    assert_eq!(
        u.store.reveal(&a.id, "api_key").await.unwrap().expose(),
        "SG.export-me-7777"
    );
    assert_eq!(
        u.store.get(&a.id).await.unwrap().website_id,
        Some(site.id.clone())
    );
    // Importing again skips what is there.
    let again = u
        .store
        .import(ExportFile::from_json(&text).unwrap(), 10, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(again.imported, 0);
    assert_eq!(again.skipped_existing.len(), 2);

    // Without secrets: imported as pending, with a warning to re-enter them.
    let v = new_store().await;
    let bare_text = serde_json::to_string(&bare).unwrap();
    let report = v
        .store
        .import(ExportFile::from_json(&bare_text).unwrap(), 10, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.imported, 2, "{report:?}");
    let got = v.store.get(&b.id).await.unwrap();
    assert_eq!(got.status, Status::Pending);
    assert!(got.secrets.is_empty());
    assert_eq!(
        v.store.logs(&b.id, 1).await.unwrap()[0].level,
        LogLevel::Warning
    );

    // Bad entries are reported, good ones imported.
    let mut broken = ExportFile::from_json(&text).unwrap();
    broken.integrations[0]
        .config
        .insert("from_email".into(), json!("nope"));
    broken.integrations[1].id = Some("fresh-id".into());
    let w = new_store().await;
    let report = w.store.import(broken, 10, &mut |_| {}).await.unwrap();
    assert_eq!(report.imported, 1);
    assert_eq!(report.failed.len(), 1);
    assert!(
        report.failed[0].message.contains("from_email"),
        "{:?}",
        report.failed
    );

    assert!(ExportFile::from_json("{\"hello\": 1}")
        .unwrap_err()
        .to_string()
        .contains("not a Switchboard export"));
}

#[tokio::test]
async fn no_plaintext_secret_in_the_database_files_or_debug_output() {
    let t = new_store().await;
    let canary = "SG.CANARY-7f3a9c-do-not-leak";
    let i = t.store.create(sendgrid("Canary", canary)).await.unwrap();
    t.store
        .update(&i.id, values(json!({ "from_name": "x" })))
        .await
        .unwrap();
    t.store.reveal(&i.id, "api_key").await.unwrap();
    let listed = t.store.list_full(&ListFilter::default()).await.unwrap();
    assert!(!format!("{listed:?}").contains("CANARY"));
    assert!(!serde_json::to_string(&listed).unwrap().contains("CANARY"));
    assert!(!format!("{:?}", t.store.reveal(&i.id, "api_key").await.unwrap()).contains("CANARY"));
    // While the store is open the WAL holds the latest pages: search it too.
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{}{suffix}", t.db_path().display());
        if let Ok(bytes) = std::fs::read(&p) {
            assert!(
                !contains(&bytes, b"CANARY-7f3a9c"),
                "plaintext found in {p}"
            );
        }
    }
    assert!(std::fs::metadata(format!("{}-wal", t.db_path().display())).is_ok());
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn checks_update_status_error_count_and_log() {
    let (s, i) = store_with(sendgrid("Checked", "SG.credential-for-check-1234")).await;
    let creds = s.credentials(&i.id).await.unwrap();
    assert_eq!(
        creds.secrets["api_key"].expose(),
        "SG.credential-for-check-1234"
    );
    assert!(!format!("{creds:?}").contains("credential-for-check"));
    let fail = CheckRecord::new(
        CheckKind::Failed,
        "SendGrid rejected the API key",
        json!({ "http_status": 401 }),
    );
    let h = s.record_check(&i.id, &fail).await.unwrap();
    assert_eq!(
        (h.status, h.previous_status, h.error_count),
        (Status::Error, Status::Active, 1)
    );
    let h = s.record_check(&i.id, &fail).await.unwrap();
    assert_eq!(h.error_count, 2);
    assert_eq!(
        h.last_error.as_deref(),
        Some("SendGrid rejected the API key")
    );
    let ok = CheckRecord::new(CheckKind::Ok, "Connected: 12 scopes", json!({}));
    let h = s.record_check(&i.id, &ok).await.unwrap();
    assert_eq!(
        (h.status, h.error_count, h.last_error),
        (Status::Active, 0, None)
    );
    assert!(h.last_sync_at.is_some());
    let got = s.get(&i.id).await.unwrap();
    assert_eq!(got.last_sync_at, h.last_sync_at);
    let levels: Vec<LogLevel> = s
        .logs(&i.id, 3)
        .await
        .unwrap()
        .iter()
        .map(|l| l.level)
        .collect();
    assert_eq!(
        levels,
        vec![LogLevel::Success, LogLevel::Error, LogLevel::Error]
    );
    assert!(matches!(
        s.record_check("nope", &ok).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn concurrent_writes_wait_their_turn() {
    let t = new_store().await;
    let store = std::sync::Arc::new(t.store);
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(
            store
                .create(sendgrid(&format!("N{i}"), "SG.concurrent-1234"))
                .await
                .unwrap()
                .id,
        );
    }
    let mut tasks = Vec::new();
    for round in 0..4 {
        for id in &ids {
            let (s, id) = (store.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                let rec = CheckRecord::new(CheckKind::Failed, format!("round {round}"), json!({}));
                s.record_check(&id, &rec).await.map(|_| ())?;
                s.update(
                    &id,
                    IntegrationPatch {
                        description: Some(format!("r{round}")),
                        ..Default::default()
                    },
                )
                .await
                .map(|_| ())
            }));
        }
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    for id in &ids {
        assert_eq!(store.get(id).await.unwrap().error_count, 4);
    }
}

/// Names, descriptions and settings come back exactly as given, quotes,
/// backslashes, line breaks and any script included, whether created one at
/// a time or imported many in one statement (both insert all of a batch's
/// rows as one bound JSON array).
#[tokio::test]
async fn text_is_stored_exactly_as_given() {
    const ODD: &str = "Quote \" back\\slash \\\" new\nline tab\t émoji 🚀 日本 {\"a\": [1]} '$[0]'";
    let t = new_store().await;
    let mut new = integration(
        "email",
        Some("sendgrid"),
        &format!("Sender {}", ODD.replace('\n', " ")),
        json!({"from_email": "news@example.com", "from_name": ODD, "api_key": "SG.odd-text-0001"}),
    );
    new.description = ODD.into();
    new.created_by = Some("ops@example.com".into());
    let created = t.add(new).await;
    let full = t.store.export(true).await.unwrap();
    let u = new_store().await;
    let report = u.store.import(full, 100, &mut |_| {}).await.unwrap();
    assert_eq!(report.imported, 1, "{report:?}");
    for (store, what) in [(&t.store, "created"), (&u.store, "imported")] {
        let got = store.get(&created.id).await.unwrap();
        assert_eq!(got.name, created.name, "{what}");
        assert_eq!(got.description, ODD, "{what}");
        assert_eq!(got.config["from_name"], json!(ODD), "{what}");
        assert_eq!(
            store.reveal(&created.id, "api_key").await.unwrap().expose(),
            "SG.odd-text-0001",
            "{what}"
        );
        let logs = store.logs(&created.id, 10).await.unwrap();
        let log = logs.last().unwrap();
        assert_eq!(
            log.details["secret_fields"],
            json!(["api_key"]),
            "{what}: {log:?}"
        );
    }
    assert_eq!(
        t.store
            .get(&created.id)
            .await
            .unwrap()
            .created_by
            .as_deref(),
        Some("ops@example.com")
    );
}
