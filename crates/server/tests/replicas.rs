//! Two `switchboard-server` processes on one PostgreSQL database, as a team
//! runs them behind a load balancer: writes sent to both at once all land
//! once, and every limit and revocation holds across the two because it
//! lives in the database (the credential rate limit, a sign-up page's
//! per-address limit, the login throttle, a revoked service token at once, a
//! revoked sign-in at once).

#[path = "common/pg.rs"]
mod pg;
#[path = "common/process.rs"]
mod process;

use process::{admin_token, call, command, Running};
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres_share_writes_limits_and_revocations() {
    let cluster = pg::PgCluster::start().unwrap_or_else(|e| panic!("{e}"));
    let admin = sqlx::PgPool::connect(&cluster.url("postgres"))
        .await
        .unwrap();
    sqlx::query("CREATE DATABASE replicas")
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let home = tempfile::tempdir().unwrap();
    let url = cluster.url("replicas");
    let key = switchboard_server::Vault::generate_base64().to_string();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("TOKEN_ENCRYPTION_KEY", key.as_str()),
    ];
    let start = || {
        let mut c = command(home.path());
        c.envs(env).args([
            "--bind",
            "127.0.0.1:0",
            "--credential-rate",
            "6/60",
            "--lead-rate",
            "3/600",
        ]);
        Running::start(c)
    };
    let (a, b) = (start(), start());
    let replicas = [a.base.clone(), b.base.clone()];
    let token = admin_token(home.path(), &env, &[]);

    // 20 creates sent to both at once, then 6 deletes: each lands once and
    // both replicas answer the same list.
    let creates = (0..20).map(|i| {
        let (base, token) = (replicas[i % 2].clone(), token.clone());
        tokio::spawn(async move {
            let body = json!({"integration_type": "sms", "name": format!("r{i}")});
            call(&base, "POST", "/api/integrations/", &token, Some(body)).await
        })
    });
    let mut ids = Vec::new();
    for task in creates.collect::<Vec<_>>() {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, 201, "{body}");
        ids.push(body["id"].as_i64().unwrap());
    }
    let deletes = ids.iter().take(6).enumerate().map(|(i, id)| {
        let (base, token) = (replicas[(i + 1) % 2].clone(), token.clone());
        let path = format!("/api/integrations/{id}/");
        tokio::spawn(async move { call(&base, "DELETE", &path, &token, None).await.0 })
    });
    for task in deletes.collect::<Vec<_>>() {
        assert_eq!(task.await.unwrap(), 200);
    }
    let names = |body: &Value| -> BTreeSet<String> {
        body["integrations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, on_a) = call(&replicas[0], "GET", "/api/integrations/", &token, None).await;
    let (_, on_b) = call(&replicas[1], "GET", "/api/integrations/", &token, None).await;
    assert_eq!(names(&on_a), names(&on_b));
    assert_eq!(names(&on_a).len(), 14, "nothing doubled");

    // The credential rate limit: 6 a minute for the token, wherever asked.
    let (_, site) = call(
        &replicas[0],
        "POST",
        "/api/v1/websites/",
        &token,
        Some(json!({"name": "shop"})),
    )
    .await;
    let w = site["id"].as_i64().unwrap();
    let (s, body) = call(&replicas[1], "POST", "/api/v1/websites/integrations/", &token,
        Some(json!({"website": w, "integration_type": "sendgrid", "name": "mail", "api_key": "SG.replica-key-000",
                    "config": {"from_email": "news@example.com"}, "is_active": true}))).await;
    assert_eq!(s, 201, "{body}");
    let (s, made) = call(
        &replicas[0],
        "POST",
        "/api/v1/service-tokens/",
        &token,
        Some(json!({"name": "platform", "website": w, "types": ["sendgrid"]})),
    )
    .await;
    assert_eq!(s, 201, "{made}");
    let service = made["token"].as_str().unwrap().to_owned();
    let fetch = format!("/api/v1/credentials/?website={w}&type=sendgrid");
    for i in 0..6 {
        let (s, body) = call(&replicas[i % 2], "GET", &fetch, &service, None).await;
        assert_eq!(s, 200, "fetch {i}: {body}");
        assert_eq!(
            body["results"][0]["secrets"]["api_key"],
            "SG.replica-key-000"
        );
    }
    for base in &replicas {
        let (s, _) = call(base, "GET", &fetch, &service, None).await;
        assert_eq!(s, 429, "the 7th fetch, on either replica");
    }
    // A service token revoked on one is refused by the other at once.
    let (s, _) = call(
        &replicas[1],
        "DELETE",
        &format!("/api/v1/service-tokens/{}/", made["id"]),
        &token,
        None,
    )
    .await;
    assert_eq!(s, 204);
    let (s, _) = call(&replicas[0], "GET", &fetch, &service, None).await;
    assert_eq!(s, 401);

    // A sign-in revoked on A is refused by B at once, though B accepted it
    // just before (no server trusts a token without asking the database).
    let (s, login) = call(&replicas[0], "POST", "/api/v1/auth/login/", "",
        Some(json!({"email": "admin@example.com", "password": "correct horse battery", "device": "laptop"}))).await;
    assert_eq!(s, 200, "{login}");
    let access = login["access_token"].as_str().unwrap().to_owned();
    // The detail reads check the sign-in in the statement that reads the
    // record: they too refuse it at once.
    let live = ids[10];
    let reads = [
        "/api/v1/auth/me/".to_owned(),
        format!("/api/integrations/{live}/"),
        format!("/api/v1/websites/integrations/{live}/"),
    ];
    for path in &reads {
        assert_eq!(
            call(&replicas[1], "GET", path, &access, None).await.0,
            200,
            "{path}"
        );
    }
    let (s, _) = call(
        &replicas[0],
        "POST",
        "/api/v1/auth/logout/",
        "",
        Some(json!({"refresh_token": login["refresh_token"]})),
    )
    .await;
    assert_eq!(s, 204);
    for (base, path) in replicas
        .iter()
        .flat_map(|b| reads.iter().map(move |p| (b, p)))
    {
        let (s, _) = call(base, "GET", path, &access, None).await;
        assert_eq!(s, 401, "a sign-in revoked on A, asked of {base}{path}");
    }

    // A sign-up page's per-address limit: 3 sign-ups over both, then 429
    // on either; every lead is read the same on both.
    let (_, page) = call(
        &replicas[0],
        "POST",
        "/api/integrations/",
        &token,
        Some(json!({"integration_type": "signup_page", "name": "Landing"})),
    )
    .await;
    let page = page["id"].as_i64().unwrap();
    let configure = format!("/api/integrations/{page}/configure/signup/");
    let (s, body) = call(
        &replicas[0],
        "POST",
        &configure,
        &token,
        Some(json!({"apply_tag": "Spring"})),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let (_, receiver) = call(
        &replicas[1],
        "GET",
        &format!("/api/v1/integrations/{page}/receiver"),
        &token,
        None,
    )
    .await;
    let lead_path = receiver["path"].as_str().unwrap().to_owned();
    assert!(lead_path.starts_with("/leads/"), "{receiver}");
    for i in 0..3 {
        let body = json!({"email": format!("lead{i}@example.com")});
        let (s, answer) = call(&replicas[i % 2], "POST", &lead_path, "", Some(body)).await;
        assert_eq!(s, 201, "sign-up {i}: {answer}");
    }
    for base in &replicas {
        let (s, _) = call(
            base,
            "POST",
            &lead_path,
            "",
            Some(json!({"email": "late@example.com"})),
        )
        .await;
        assert_eq!(s, 429, "the 4th sign-up, on either replica");
    }
    let leads = format!("/api/v1/integrations/{page}/leads");
    let (_, on_a) = call(&replicas[0], "GET", &leads, &token, None).await;
    let (_, on_b) = call(&replicas[1], "GET", &leads, &token, None).await;
    assert_eq!(on_a["leads"].as_array().unwrap().len(), 3);
    assert_eq!(on_a, on_b);

    // The login throttle: 5 failures spread over both lock the account on both.
    for i in 0..5 {
        let (s, _) = call(
            &replicas[i % 2],
            "POST",
            "/api/v1/auth/login/",
            "",
            Some(json!({"email": "admin@example.com", "password": "wrong password"})),
        )
        .await;
        assert_eq!(s, 401);
    }
    for base in &replicas {
        let (s, body) = call(
            base,
            "POST",
            "/api/v1/auth/login/",
            "",
            Some(json!({"email": "admin@example.com", "password": "correct horse battery"})),
        )
        .await;
        assert_eq!(s, 429, "{body}");
    }
}
