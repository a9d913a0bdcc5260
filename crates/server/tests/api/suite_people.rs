//! People and devices: the admin API for users and their sessions, and
//! that whatever ends a token ends it at once.

use serde_json::{json, Value};
use switchboard_server::model::Role;

use crate::ctx::{items, Ctx, User, PASSWORD};

crate::tests![
    admins_make_and_change_users,
    sessions_are_listed_by_device_and_revoked_one_or_all,
    disabling_or_resetting_a_password_ends_every_token_at_once,
    users_who_own_integrations_or_the_last_admin_are_not_deleted,
    only_admins_manage_people,
    the_audit_log_is_filtered_by_action_actor_website_and_time,
];

const USERS: &str = "/api/v1/users/";

async fn login(ctx: &Ctx, email: &str, password: &str, device: &str) -> crate::ctx::Res {
    ctx.call(
        "POST",
        "/api/v1/auth/login/",
        None,
        Some(json!({"email": email, "password": password, "device": device})),
    )
    .await
}

/// The access and refresh tokens of a fresh sign-in.
async fn sign_in(ctx: &Ctx, email: &str, device: &str) -> (String, String) {
    let r = login(ctx, email, PASSWORD, device).await.expect_status(200);
    (
        r.body["access_token"].as_str().unwrap().to_owned(),
        r.body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

async fn me(ctx: &Ctx, token: &str) -> u16 {
    ctx.call("GET", "/api/v1/auth/me/", Some(token), None)
        .await
        .status
}

async fn admins_make_and_change_users(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("shop").await;
    let r = ctx
        .post(USERS, a, json!({"email": " Sam@Example.com ", "password": "long enough pw", "role": "member", "websites": [w]}))
        .await
        .expect_status(201);
    let id = r.body["id"].as_i64().unwrap();
    let one = format!("{USERS}{id}/");
    assert_eq!(r.body["email"], "sam@example.com");
    assert_eq!(r.body["role"], "member");
    assert_eq!(r.body["websites"], json!([w]));
    assert_eq!(r.body["disabled"], false);
    assert!(
        !r.text.contains("long enough pw") && !r.text.contains("argon2"),
        "{}",
        r.text
    );
    // They can sign in, and a member may write.
    let r = login(&ctx, "sam@example.com", "long enough pw", "Sam's laptop")
        .await
        .expect_status(200);
    let sam = User {
        id,
        email: "sam@example.com".into(),
        token: r.body["access_token"].as_str().unwrap().to_owned(),
    };
    // Sam makes an integration named `name`.
    let make = |name: &str| {
        let body = json!({"integration_type": "email", "name": name});
        ctx.post("/api/integrations/", &sam, body)
    };
    make("m").await.expect_status(201);
    // Made a viewer: the very next request (cached sign-in or not) is a viewer's.
    let r = ctx
        .patch(&one, a, json!({"role": "viewer", "websites": []}))
        .await
        .expect_status(200);
    assert_eq!(r.body["role"], "viewer");
    assert_eq!(r.body["websites"], json!([]));
    assert_eq!(
        r.body["revoked_tokens"], 0,
        "a role change keeps the sign-in"
    );
    make("n").await.expect_status(403);
    let r = ctx.get(USERS, a).await.expect_status(200);
    assert_eq!(r.body["count"], 2);
    let unknown = format!("{USERS}9999/");
    ctx.expect_all(a, &[("GET", &one, 200), ("GET", &unknown, 404)])
        .await;
    // Bad input says what is wrong and changes nothing.
    let r = ctx
        .patch(
            &one,
            a,
            json!({"role": "boss", "password": "short", "websites": [9999]}),
        )
        .await
        .expect_status(400);
    r.assert_field("role", "admin, member or viewer");
    r.assert_field("password", "at least 10");
    let r = ctx
        .patch(&one, a, json!({"websites": [9999]}))
        .await
        .expect_status(400);
    assert!(r.body["websites"].is_array(), "{}", r.text);
    let r = ctx
        .post(
            USERS,
            a,
            json!({"email": "sam@example.com", "password": "long enough pw"}),
        )
        .await
        .expect_status(400);
    r.assert_field("email", "already exists");
    let r = ctx
        .post(USERS, a, json!({"email": "nope"}))
        .await
        .expect_status(400);
    assert!(
        r.body["email"].is_array() && r.body["password"].is_array(),
        "{}",
        r.text
    );
    let r = ctx.get(&one, a).await;
    assert_eq!(r.body["role"], "viewer");
    // Every change is audited, never with the password.
    let r = ctx.get("/api/v1/audit/", a).await.expect_status(200);
    let actions: Vec<&str> = items(&r.body["results"])
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"create-user") && actions.contains(&"update-user"),
        "{actions:?}"
    );
    assert!(!r.text.contains("long enough pw"));
}

async fn sessions_are_listed_by_device_and_revoked_one_or_all(ctx: Ctx) {
    let a = &ctx.admin;
    let sam = ctx.user(Role::Member, &[]).await;
    let (laptop, laptop_refresh) = sign_in(&ctx, &sam.email, "Sam's laptop").await;
    let (desktop, _) = sign_in(&ctx, &sam.email, "Office desktop").await;
    assert_eq!(me(&ctx, &laptop).await, 200);
    let path = format!("{USERS}{}/sessions/", sam.id);
    // The use is noted off the request's path: wait for it.
    let mut r;
    let t0 = std::time::Instant::now();
    loop {
        r = ctx.get(&path, a).await.expect_status(200);
        let used = items(&r.body["results"])
            .any(|s| s["name"] == "Sam's laptop" && s["last_used_at"].is_string());
        if used || t0.elapsed() > std::time::Duration::from_secs(5) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(r.body["count"], 3, "{}", r.text);
    let sessions = r.body["results"].as_array().unwrap().clone();
    let find = |name: &str| -> Value {
        sessions
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no session {name}: {sessions:?}"))
            .clone()
    };
    let laptop_session = find("Sam's laptop");
    assert_eq!(laptop_session["kind"], "sign-in");
    assert!(
        laptop_session["last_used_at"].is_string(),
        "{laptop_session}"
    );
    assert!(laptop_session["expires_at"].is_i64());
    assert_eq!(find("Office desktop")["last_used_at"], Value::Null);
    assert_eq!(find("test")["kind"], "api");
    for t in [&laptop, &desktop, &laptop_refresh, &sam.token] {
        assert!(
            !r.text.contains(t.as_str()),
            "a token in the list: {}",
            r.text
        );
    }
    // Revoke the laptop: its tokens stop at once, the rest keep working.
    let id = laptop_session["id"].as_str().unwrap();
    ctx.delete(&format!("{path}{id}/"), a)
        .await
        .expect_status(204);
    assert_eq!(me(&ctx, &laptop).await, 401);
    let r = ctx
        .call(
            "POST",
            "/api/v1/auth/refresh/",
            None,
            Some(json!({"refresh_token": laptop_refresh})),
        )
        .await;
    assert_eq!(r.status, 401, "{}", r.text);
    assert_eq!(me(&ctx, &desktop).await, 200);
    assert_eq!(me(&ctx, &sam.token).await, 200);
    ctx.delete(&format!("{path}{id}/"), a)
        .await
        .expect_status(404);
    // An API token by its id too.
    let api = find("test")["id"].as_str().unwrap().to_owned();
    ctx.delete(&format!("{path}{api}/"), a)
        .await
        .expect_status(204);
    assert_eq!(me(&ctx, &sam.token).await, 401);
    // All of them.
    let r = ctx.delete(&path, a).await.expect_status(200);
    assert_eq!(
        r.body["revoked_tokens"], 2,
        "the desktop's access and refresh tokens"
    );
    assert_eq!(me(&ctx, &desktop).await, 401);
    let r = ctx.get(&path, a).await.expect_status(200);
    assert_eq!(r.body["count"], 0);
    ctx.get(&format!("{USERS}9999/sessions/"), a)
        .await
        .expect_status(404);
}

async fn disabling_or_resetting_a_password_ends_every_token_at_once(ctx: Ctx) {
    let a = &ctx.admin;
    let sam = ctx.user(Role::Member, &[]).await;
    let (access, _) = sign_in(&ctx, &sam.email, "laptop").await;
    // Cached by these requests.
    assert_eq!(me(&ctx, &access).await, 200);
    assert_eq!(me(&ctx, &sam.token).await, 200);
    let r = ctx
        .patch(&format!("{USERS}{}/", sam.id), a, json!({"disabled": true}))
        .await
        .expect_status(200);
    assert_eq!(r.body["disabled"], true);
    assert_eq!(r.body["revoked_tokens"], 3);
    assert_eq!(me(&ctx, &access).await, 401);
    assert_eq!(me(&ctx, &sam.token).await, 401);
    let r = login(&ctx, &sam.email, PASSWORD, "laptop").await;
    assert_eq!(
        r.status, 401,
        "a disabled account cannot sign in: {}",
        r.text
    );
    ctx.patch(
        &format!("{USERS}{}/", sam.id),
        a,
        json!({"disabled": false}),
    )
    .await
    .expect_status(200);
    let (access, _) = sign_in(&ctx, &sam.email, "laptop").await;
    assert_eq!(me(&ctx, &access).await, 200);
    // A password reset ends the sign-ins and the old password.
    let r = ctx
        .patch(
            &format!("{USERS}{}/", sam.id),
            a,
            json!({"password": "a brand new secret"}),
        )
        .await
        .expect_status(200);
    assert_eq!(r.body["revoked_tokens"], 2);
    assert_eq!(me(&ctx, &access).await, 401);
    assert_eq!(login(&ctx, &sam.email, PASSWORD, "x").await.status, 401);
    login(&ctx, &sam.email, "a brand new secret", "x")
        .await
        .expect_status(200);
}

async fn users_who_own_integrations_or_the_last_admin_are_not_deleted(ctx: Ctx) {
    let a = &ctx.admin;
    let owner = ctx.user(Role::Member, &[]).await;
    ctx.first(&owner, "email", "Mail").await;
    let r = ctx
        .delete(&format!("{USERS}{}/", owner.id), a)
        .await
        .expect_status(400);
    assert!(
        r.text.contains("still owns 1 integration") && r.text.contains("Disable"),
        "{}",
        r.text
    );
    assert_eq!(me(&ctx, &owner.token).await, 200, "nothing was deleted");
    let gone = ctx.user(Role::Viewer, &[]).await;
    ctx.delete(&format!("{USERS}{}/", gone.id), a)
        .await
        .expect_status(204);
    assert_eq!(me(&ctx, &gone.token).await, 401);
    ctx.get(&format!("{USERS}{}/", gone.id), a)
        .await
        .expect_status(404);
    ctx.delete(&format!("{USERS}{}/", gone.id), a)
        .await
        .expect_status(404);
    // The last admin stays an admin who can sign in.
    let me = format!("{USERS}{}/", a.id);
    for body in [json!({"role": "member"}), json!({"disabled": true})] {
        let r = ctx.patch(&me, a, body).await.expect_status(400);
        assert!(r.text.contains("last admin"), "{}", r.text);
    }
    let r = ctx.delete(&me, a).await.expect_status(400);
    assert!(r.text.contains("last admin"), "{}", r.text);
    // With a second admin, the first may step down.
    let other = ctx.user(Role::Admin, &[]).await;
    ctx.patch(&me, &other, json!({"role": "member"}))
        .await
        .expect_status(200);
    ctx.get(USERS, a).await.expect_status(403);
}

async fn only_admins_manage_people(ctx: Ctx) {
    let member = ctx.user(Role::Member, &[]).await;
    let viewer = ctx.user(Role::Viewer, &[]).await;
    let service = ctx.service_token().await;
    let id = member.id;
    let routes = [
        ("GET", USERS.to_owned()),
        ("POST", USERS.to_owned()),
        ("GET", format!("{USERS}{id}/")),
        ("PATCH", format!("{USERS}{id}/")),
        ("DELETE", format!("{USERS}{id}/")),
        ("GET", format!("{USERS}{id}/sessions/")),
        ("DELETE", format!("{USERS}{id}/sessions/")),
        (
            "DELETE",
            format!("{USERS}{id}/sessions/api-0123456789abcdef/"),
        ),
    ];
    for (method, path) in &routes {
        for token in [&member.token, &viewer.token, &service] {
            let r = ctx
                .call(method, path, Some(token), Some(json!({"role": "admin"})))
                .await;
            assert_eq!(r.status, 403, "{method} {path}: {}", r.text);
        }
        let r = ctx.call(method, path, None, None).await;
        assert_eq!(r.status, 401, "{method} {path}: {}", r.text);
    }
    // Nothing changed: the member is still a member with their token.
    assert_eq!(me(&ctx, &member.token).await, 200);
    let r = ctx.get(&format!("{USERS}{id}/"), &ctx.admin).await;
    assert_eq!(r.body["role"], "member");
}

async fn the_audit_log_is_filtered_by_action_actor_website_and_time(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("shop").await;
    let other = ctx.website("other").await;
    let sam = ctx.user(Role::Admin, &[]).await;
    ctx.second(json!({"website": w, "integration_type": "custom", "name": "one"}))
        .await;
    let r = ctx
        .post(
            "/api/v1/websites/integrations/",
            &sam,
            json!({"website": other, "integration_type": "custom", "name": "two"}),
        )
        .await
        .expect_status(201);
    let two = r.body["id"].as_i64().unwrap();
    let audit = |q: String| {
        let ctx = ctx.clone();
        async move {
            let r = ctx
                .get(&format!("/api/v1/audit/?{q}"), &ctx.admin)
                .await
                .expect_status(200);
            r.body["results"].as_array().unwrap().clone()
        }
    };
    let by_sam = audit(format!("actor={}", sam.email)).await;
    assert_eq!(by_sam.len(), 1, "{by_sam:?}");
    assert_eq!(by_sam[0]["integration"], two);
    let on_other = audit(format!("website={other}&action=create")).await;
    assert_eq!(on_other.len(), 1, "{on_other:?}");
    assert_eq!(on_other[0]["actor"]["email"], sam.email.as_str());
    let creates = audit("action=create".into()).await;
    assert_eq!(creates.len(), 2, "{creates:?}");
    assert_eq!(audit("since=2999-01-01".into()).await.len(), 0);
    let today = &creates[0]["at"].as_str().unwrap()[..10];
    assert_eq!(audit(format!("since={today}&action=create")).await.len(), 2);
    assert_eq!(audit(format!("until={today}&action=create")).await.len(), 0);
    let r = ctx
        .get("/api/v1/audit/?since=yesterday", a)
        .await
        .expect_status(400);
    r.assert_field("since", "2026-12-04");
    let r = ctx
        .get("/api/v1/audit/?website=x", a)
        .await
        .expect_status(400);
    assert!(r.body["website"].is_array(), "{}", r.text);
}
