//! The server around the APIs: health, the OpenAPI document (served equals
//! docs/openapi.json, every route documented with exactly its methods),
//! websites, revisions and tombstones, concurrent changes, key rotation.

use serde_json::{json, Value};
use std::sync::Arc;
use switchboard_server::model::Role;
use switchboard_server::startup::{open_database, DatabaseChoice, KeySource, StartError};
use switchboard_server::{AppState, Vault};

use crate::ctx::{test_settings, Backend, Ctx, FakeCheck};

crate::tests![
    health,
    openapi_matches_the_file_and_the_router,
    websites_crud,
    every_change_bumps_the_revision,
    concurrent_changes_all_land,
    rotating_the_key_keeps_every_secret,
    list_rows_read_as_the_columns_do,
];

async fn health(ctx: Ctx) {
    let r = ctx
        .call("GET", "/healthz", None, None)
        .await
        .expect_status(200);
    assert_eq!(
        r.body,
        json!({"status": "ok", "database": ctx.backend.name()})
    );
}

async fn openapi_matches_the_file_and_the_router(ctx: Ctx) {
    let served = ctx
        .call("GET", "/api/openapi.json", None, None)
        .await
        .expect_status(200);
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() && ctx.backend == Backend::Sqlite {
        std::fs::write(&file, &served.text).unwrap();
    }
    let on_disk = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e} (write it with UPDATE_OPENAPI=1)", file.display()));
    assert!(
        on_disk == served.text,
        "docs/openapi.json differs from the served document: run the tests with UPDATE_OPENAPI=1"
    );
    let doc: Value = serde_json::from_str(&on_disk).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let table = switchboard_server::routes().table;
    assert_eq!(paths.len(), table.len(), "documented paths vs routes");
    for (path, methods) in &table {
        let documented = paths
            .get(*path)
            .unwrap_or_else(|| panic!("{path} is not documented"));
        let mut doc_methods: Vec<String> =
            documented.as_object().unwrap().keys().cloned().collect();
        doc_methods.sort();
        let mut route_methods: Vec<String> = methods.iter().map(|m| m.to_lowercase()).collect();
        route_methods.sort();
        assert_eq!(doc_methods, route_methods, "{path}");
        let concrete = path.replace("{id}", "1");
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            let r = ctx
                .call(method, &concrete, Some(&ctx.admin.token), None)
                .await;
            if methods.contains(&method) {
                assert_ne!(r.status, 405, "{method} {path} is routed");
            } else {
                assert_eq!(r.status, 405, "{method} {path} is not routed");
            }
        }
    }
}

async fn websites_crud(ctx: Ctx) {
    let a = &ctx.admin;
    let member = ctx.user(Role::Member, &[]).await;
    let r = ctx
        .post(
            "/api/v1/websites/",
            a,
            json!({"name": "Shop", "domain": "shop.example", "members": [member.id]}),
        )
        .await
        .expect_status(201);
    assert_eq!(r.body["members"], json!([member.id]));
    let id = r.body["id"].as_i64().unwrap();
    let one = format!("/api/v1/websites/{id}/");
    let r = ctx.get(&one, &member).await;
    assert_eq!(r.body["name"], "Shop", "membership takes effect at once");
    let r = ctx.patch(&one, a, json!({"domain": "shop.test"})).await;
    assert_eq!(
        (r.body["domain"].clone(), r.body["name"].clone()),
        (json!("shop.test"), json!("Shop"))
    );
    let r = ctx.put(&one, a, json!({"domain": "x"})).await;
    assert_eq!(r.body["name"], json!(["This field is required."]));
    let body = json!({"name": "Store", "domain": "store.example", "members": [member.id]});
    let r = ctx.put(&one, a, body).await.expect_status(200);
    assert_eq!(r.body["name"], "Store");
    assert_eq!(r.body["domain"], "store.example");
    let r = ctx
        .patch(&one, a, json!({"members": [999999]}))
        .await
        .expect_status(400);
    assert!(r.body["members"][0].as_str().unwrap().contains("999999"));
    ctx.post("/api/v1/websites/", a, json!({"name": ""}))
        .await
        .expect_status(400);
    ctx.post("/api/v1/websites/", &member, json!({"name": "m"}))
        .await
        .expect_status(403);
    ctx.patch(&one, &member, json!({"name": "m"}))
        .await
        .expect_status(403);
    let r = ctx.get("/api/v1/websites/", a).await;
    assert_eq!(r.body["count"], 1);
    let integration = ctx
        .second(json!({"website": id, "integration_type": "custom", "name": "x"}))
        .await;
    let r = ctx.delete(&one, a).await.expect_status(400);
    assert!(r.body["detail"].as_str().unwrap().contains("integration"));
    ctx.delete(&format!("/api/v1/websites/integrations/{integration}/"), a)
        .await;
    let r = ctx.patch(&one, a, json!({"members": []})).await;
    assert_eq!(r.body["members"], json!([]));
    assert_eq!(
        ctx.get(&one, &member).await.status,
        404,
        "removal takes effect at once"
    );
    ctx.expect_all(a, &[("DELETE", &one, 204), ("GET", &one, 404)])
        .await;
}

async fn every_change_bumps_the_revision(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("rev").await;
    let id = ctx
        .second(json!({"website": w, "integration_type": "custom", "name": "x", "api_key": "k"}))
        .await;
    let rev = |r: Option<switchboard_server::model::IntegrationRecord>| r.unwrap().revision;
    assert_eq!(rev(ctx.db.integration(id).await.unwrap()), 1);
    let before = ctx.db.integration(id).await.unwrap().unwrap().updated_at;
    ctx.patch(
        &format!("/api/v1/websites/integrations/{id}/"),
        a,
        json!({"name": "y"}),
    )
    .await;
    let after = ctx.db.integration(id).await.unwrap().unwrap();
    assert_eq!(after.revision, 2);
    assert!(after.updated_at > before);
    ctx.patch(
        &format!("/api/v1/websites/integrations/{id}/"),
        a,
        json!({"name": "y"}),
    )
    .await;
    assert_eq!(
        rev(ctx.db.integration(id).await.unwrap()),
        2,
        "no change, no new revision"
    );
    ctx.put(
        &format!("/api/integrations/{id}/"),
        a,
        json!({"status": "inactive"}),
    )
    .await;
    assert_eq!(rev(ctx.db.integration(id).await.unwrap()), 3);
    ctx.post(&format!("/api/integrations/{id}/test/"), a, json!({}))
        .await;
    assert_eq!(
        rev(ctx.db.integration(id).await.unwrap()),
        4,
        "a test result is a change"
    );
    ctx.delete(&format!("/api/integrations/{id}/"), a).await;
    let tombs = ctx.db.tombstones().await.unwrap();
    assert_eq!(tombs.len(), 1);
    assert_eq!((tombs[0].0, tombs[0].2), (id, 5));
    assert_eq!(tombs[0].1.len(), 36, "the uid");
}

async fn concurrent_changes_all_land(ctx: Ctx) {
    let w = ctx.website("conc").await;
    let id = ctx
        .second(json!({"website": w, "integration_type": "custom", "name": "x"}))
        .await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let ctx = ctx.clone();
        tasks.push(tokio::spawn(async move {
            let path = format!("/api/v1/websites/integrations/{id}/");
            ctx.patch(&path, &ctx.admin, json!({"config": {format!("k{i}"): i}}))
                .await
                .status
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let record = ctx.db.integration(id).await.unwrap().unwrap();
    assert_eq!(
        record.revision, 9,
        "every change landed on its own revision"
    );
}

async fn rotating_the_key_keeps_every_secret(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("rot").await;
    let id = ctx
        .second(json!({"website": w, "integration_type": "custom", "name": "x", "api_key": "rotate-me-1234", "secret_key": "second-5678"}))
        .await;
    let before = ctx
        .get(&format!("/api/v1/websites/integrations/{id}/"), a)
        .await
        .body;
    let old = Vault::from_base64(&ctx.key_text).unwrap();
    let new = Vault::from_base64(&Vault::generate_base64()).unwrap();
    let reseal =
        |uid: &str, s: &switchboard_server::secrets::SealedSecrets| old.reseal(&new, uid, s);
    let (records, values) = ctx.db.rotate_key(&reseal, &new.key_check()).await.unwrap();
    assert_eq!((records, values), (1, 2));
    let check = ctx.db.key_check().await.unwrap().unwrap();
    assert!(new.matches(&check) && !old.matches(&check));
    // A server with the new key reads everything; the old key is refused.
    let state = AppState::new(
        ctx.db.clone(),
        new.clone(),
        Arc::new(FakeCheck::default()),
        test_settings(),
    );
    let record = ctx.db.integration(id).await.unwrap().unwrap();
    let (plain, failed) = state.vault().open_all(&record.uid, &record.secrets);
    assert!(failed.is_empty());
    assert_eq!(plain.0["api_key"].expose(), "rotate-me-1234");
    assert_eq!(before["api_key"], "**********1234");
    let choice = DatabaseChoice {
        url: match ctx.backend {
            Backend::Sqlite => ctx
                .sqlite_path
                .clone()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            Backend::Postgres => {
                let (cluster, name) = ctx.pg.clone().unwrap();
                cluster.url(&name)
            }
        },
        is_default: false,
        data_dir: std::env::temp_dir(),
    };
    let refused = open_database(&choice, old, &KeySource::Env).await;
    assert!(matches!(refused, Err(StartError::WrongKey)));
    let (db, _) = open_database(&choice, new, &KeySource::Env).await.unwrap();
    db.close().await;
}

/// Runs one statement on the test's database, beside the server.
async fn exec_sql(ctx: &Ctx, sql: &str) {
    match ctx.backend {
        Backend::Sqlite => {
            let path = ctx.sqlite_path.clone().unwrap();
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
        Backend::Postgres => {
            let (cluster, name) = ctx.pg.clone().unwrap();
            let pool = sqlx::PgPool::connect(&cluster.url(&name)).await.unwrap();
            sqlx::query(sql).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

/// The list pages read each row as one JSON array the database builds
/// (`db/json_rows.rs`); every field reads as the column-by-column read of
/// one integration gives it: text that JSON escapes, a website, switched
/// off, the Trash, every optional column set and unset, and damaged JSON
/// columns (which read as empty either way).
async fn list_rows_read_as_the_columns_do(ctx: Ctx) {
    use switchboard_server::model::ListFilter;
    let site = ctx.website("Shop").await;
    let body = json!({
        "integration_type": "email",
        "provider": "sendgrid",
        "name": "Quote \" back\\slash \u{e9} \u{1F600} tab\tnew\nline",
        "description": "<b>&amp;</b> \u{fc}n\u{ef} \u{2028} '",
        "website": site,
        "config": {"api_key": "SG.list-key-0001", "from_email": "news@example.com"},
    });
    let odd = ctx.post("/api/integrations/", &ctx.admin, body).await;
    let odd = odd.expect_status(201).body["id"].as_i64().unwrap();
    let off = ctx.first(&ctx.admin, "sms", "Switched off").await;
    for (id, active) in [(odd, true), (off, false)] {
        let set = json!({ "is_active": active });
        let path = format!("/api/integrations/{id}/");
        ctx.put(&path, &ctx.admin, set).await.expect_status(200);
    }
    let damaged = ctx.first(&ctx.admin, "sms", "Damaged").await;
    exec_sql(
        &ctx,
        &format!(
            "UPDATE integrations SET config = 'not json', field_revs = '{{', \
             secret_dates = '[1]', secrets = 'x', trashed_at = '2026-12-01T00:00:00Z', \
             expires_at = '2027-01-01T00:00:00Z', expires_source = 'a \"test\"', \
             last_error = 'It failed', error_count = 3, last_sync_at = '2026-12-02T00:00:00Z' \
             WHERE id = {damaged}"
        ),
    )
    .await;

    let all = ListFilter {
        include_trashed: true,
        ..ListFilter::default()
    };
    let listed = ctx.db.list_integrations(&all).await.unwrap();
    let paged = ListFilter {
        limit: Some(10),
        ..all.clone()
    };
    let (total, page) = ctx.db.integration_page(&paged).await.unwrap();
    assert_eq!((listed.len(), total, page.len()), (3, 3, 3));
    for id in [odd, off, damaged] {
        let by_columns = ctx.db.integration(id).await.unwrap().expect("stored");
        for read in [&listed, &page] {
            let r = read.iter().find(|r| r.id == id).expect("listed");
            assert_eq!(
                format!("{r:?}"),
                format!("{by_columns:?}"),
                "integration {id}"
            );
            assert!(r.secrets == by_columns.secrets, "integration {id}: secrets");
        }
    }
    let find = |id: i64| listed.iter().find(|r| r.id == id).unwrap();
    assert!(find(odd).name.contains("\u{1F600} tab\tnew\nline"));
    assert_eq!(find(odd).website_id, Some(site));
    assert_eq!(find(odd).config["from_email"], "news@example.com");
    assert!(!find(odd).secrets.is_empty());
    assert!(find(odd).is_active, "switched on");
    assert!(!find(off).is_active, "switched off");
    let d = find(damaged);
    assert!(d.config.is_empty() && d.field_revs.is_empty() && d.secret_dates.is_empty());
    assert_eq!(d.trashed_at.as_deref(), Some("2026-12-01T00:00:00Z"));
    assert_eq!(d.expires_source.as_deref(), Some("a \"test\""));
    assert_eq!(d.error_count, 3);
}
