//! Who may do what: login and refresh, 401 without or with a bad token,
//! members limited to their websites and their own integrations (someone
//! else's is 404), viewers read-only (403), the second API for admins only.

use serde_json::{json, Value};
use switchboard_server::auth::new_token;
use switchboard_server::model::{Role, TokenKind};

use crate::ctx::{items, Ctx, PASSWORD};

crate::tests![
    login_refresh_and_me,
    unauthenticated_is_401_in_each_shape,
    members_see_their_websites_and_their_own,
    viewers_only_read,
    second_api_is_for_admins_only,
    reusing_a_spent_refresh_token_revokes_its_sign_in,
    failed_logins_back_off_per_account_and_per_address,
    logout_ends_the_sign_in_on_the_server,
    detail_reads_check_the_sign_in_in_the_same_read,
];

/// Logout with a refresh token ends that sign-in at once: its access token
/// and refresh token are refused; another sign-in of the same user works on;
/// a repeat is 204 again; the field is required.
async fn logout_ends_the_sign_in_on_the_server(ctx: Ctx) {
    let member = ctx.user(Role::Member, &[]).await;
    let sign_in = || async {
        let r = login_with(&ctx, json!({"email": member.email, "password": PASSWORD}))
            .await
            .expect_status(200);
        (
            r.body["access_token"].as_str().unwrap().to_owned(),
            r.body["refresh_token"].as_str().unwrap().to_owned(),
        )
    };
    let (access, refresh) = sign_in().await;
    let (other_access, _) = sign_in().await;
    let out = json!({"refresh_token": refresh});
    let (me, logout) = ("/api/v1/auth/me/", "/api/v1/auth/logout/");
    // (method, path, token, body, status), in order.
    let steps = [
        // Cached as valid first, so the logout must also clear the cache.
        ("GET", me, Some(&access), None, 200),
        ("POST", logout, None, Some(out.clone()), 204),
        ("GET", me, Some(&access), None, 401),
        (
            "POST",
            "/api/v1/auth/refresh/",
            None,
            Some(out.clone()),
            401,
        ),
        ("GET", me, Some(&other_access), None, 200),
        ("POST", logout, None, Some(out), 204),
        // An access token is not a refresh token: nothing ends.
        (
            "POST",
            logout,
            None,
            Some(json!({"refresh_token": other_access})),
            204,
        ),
        ("GET", me, Some(&other_access), None, 200),
    ];
    for (method, path, token, body, status) in steps {
        let token = token.map(String::as_str);
        ctx.call(method, path, token, body)
            .await
            .expect_status(status);
    }
    let r = ctx
        .call("POST", "/api/v1/auth/logout/", None, Some(json!({})))
        .await
        .expect_status(400);
    assert_eq!(r.body["refresh_token"], json!(["This field is required."]));
}

/// Signs in as `email` with `password`, answering (status, body, Retry-After).
async fn login_as(ctx: &Ctx, email: &str, password: &str) -> (u16, Value, Option<String>) {
    let r = login_with(ctx, json!({"email": email, "password": password})).await;
    let wait = r.header("retry-after");
    (r.status, r.body, wait)
}

/// Five failures lock an account (known or not, the same answer) for 2 s,
/// even for the right password; twenty from one address lock the address
/// for every account; the lock ends, and a sign-in clears the account's
/// count. The counts live in the database, not in the process.
async fn failed_logins_back_off_per_account_and_per_address(ctx: Ctx) {
    let member = ctx.user(Role::Member, &[]).await;
    let ghost = "nobody-here@example.com";
    for n in 1..=5 {
        let (status, _, _) = login_as(&ctx, &member.email, "wrong password").await;
        assert_eq!(status, 401, "failure {n} is still an ordinary 401");
        let (status, _, _) = login_as(&ctx, ghost, "wrong password").await;
        assert_eq!(status, 401, "failure {n} of an unknown address");
    }
    let (status, locked, wait) = login_as(&ctx, &member.email, PASSWORD).await;
    assert_eq!(status, 429, "locked even for the right password: {locked}");
    let wait: u64 = wait.expect("Retry-After").parse().unwrap();
    assert!((1..=2).contains(&wait), "Retry-After {wait}");
    let (ghost_status, ghost_body, _) = login_as(&ctx, ghost, PASSWORD).await;
    // The same answer but for the seconds left, which a slow build may
    // round differently for the two.
    let words = |b: &Value| b["detail"].as_str().unwrap().replace(char::is_numeric, "");
    assert_eq!(
        (ghost_status, words(&ghost_body)),
        (429, words(&locked)),
        "an unknown address is answered exactly like a known one"
    );
    assert!(locked["detail"]
        .as_str()
        .unwrap()
        .starts_with("Request was throttled."));

    // Ten more failures from this address, each on another (unknown)
    // account, make twenty: the address is locked, for a fresh account too.
    for n in 0..10 {
        let (status, _, _) = login_as(&ctx, &format!("spray{n}@example.com"), "guess").await;
        assert_eq!(status, 401, "one failure on a fresh account is no lock");
    }
    let other = ctx.user(Role::Viewer, &[]).await;
    let (status, _, wait) = login_as(&ctx, &other.email, PASSWORD).await;
    assert_eq!(status, 429, "the address is locked for every account");
    assert!(wait.is_some());

    // The locks end (2 s each); the right password then works and clears
    // the account's count: its next failure is an ordinary 401 again.
    tokio::time::sleep(std::time::Duration::from_millis(2_200)).await;
    let (status, body, _) = login_as(&ctx, &member.email, PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = login_as(&ctx, &member.email, "wrong password").await;
    assert_eq!(status, 401, "the account's count started again");
    // That was the address's 21st failure: locked again, for 4 s now.
    let (status, _, wait) = login_as(&ctx, &other.email, PASSWORD).await;
    assert_eq!(status, 429);
    let wait: u64 = wait.unwrap().parse().unwrap();
    assert!(
        (3..=4).contains(&wait),
        "the address's lock doubled: {wait}"
    );
}

async fn login_refresh_and_me(ctx: Ctx) {
    let member = ctx.user(Role::Member, &[]).await;
    let r = login_with(
        &ctx,
        json!({"email": member.email.to_uppercase(), "password": PASSWORD}),
    )
    .await
    .expect_status(200);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 900);
    let access = r.body["access_token"].as_str().unwrap().to_owned();
    let refresh = r.body["refresh_token"].as_str().unwrap().to_owned();
    assert!(access.starts_with("sba_") && refresh.starts_with("sbr_"));

    let me = ctx
        .call("GET", "/api/v1/auth/me/", Some(&access), None)
        .await
        .expect_status(200);
    assert_eq!(me.body["email"], member.email);
    assert_eq!(me.body["role"], "member");
    // The access token works on both APIs.
    assert_eq!(status_of(&ctx, "/api/integrations/", &access).await, 200);
    // A refresh token is not an access token.
    assert_eq!(status_of(&ctx, "/api/integrations/", &refresh).await, 401);

    let r = refresh_with(&ctx, &refresh).await.expect_status(200);
    let access2 = r.body["access_token"].as_str().unwrap().to_owned();
    assert_ne!(access2, access);
    assert_eq!(status_of(&ctx, "/api/v1/auth/me/", &access2).await, 200);
    // Each refresh token works once.
    let r = refresh_with(&ctx, &refresh).await.expect_status(401);
    assert_eq!(r.body["code"], "token_not_valid");
    let r = ctx
        .call("POST", "/api/v1/auth/refresh/", None, Some(json!({})))
        .await;
    assert_eq!(r.body["refresh_token"], json!(["This field is required."]));

    let r = login_with(
        &ctx,
        json!({"email": member.email, "password": "wrong password"}),
    )
    .await
    .expect_status(401);
    assert_eq!(
        r.body,
        json!({"detail": "No active account found with the given credentials"})
    );
    login_with(
        &ctx,
        json!({"email": "nobody@example.com", "password": PASSWORD}),
    )
    .await
    .expect_status(401);
    let r = login_with(&ctx, json!({"email": "x@example.com"}))
        .await
        .expect_status(400);
    assert_eq!(r.body["password"], json!(["This field is required."]));
}

async fn unauthenticated_is_401_in_each_shape(ctx: Ctx) {
    let r = ctx.call("GET", "/api/integrations/", None, None).await;
    assert_eq!(
        (r.status, r.body.clone()),
        (401, json!({"error": "Authentication required"}))
    );
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    ctx.call("POST", "/api/integrations/1/test/", None, None)
        .await
        .expect_status(401);
    let r = ctx
        .call("GET", "/api/v1/websites/integrations/", None, None)
        .await;
    assert_eq!(
        (r.status, r.body.clone()),
        (
            401,
            json!({"detail": "Authentication credentials were not provided."})
        )
    );
    for path in [
        "/api/v1/websites/",
        "/api/v1/audit/",
        "/api/v1/auth/me/",
        "/api/integrations/stats/",
    ] {
        assert_eq!(
            ctx.call("GET", path, None, None).await.status,
            401,
            "{path}"
        );
    }
    let r = ctx
        .call(
            "GET",
            "/api/integrations/",
            Some("sbt_not-a-real-token"),
            None,
        )
        .await;
    assert_eq!(
        (r.status, r.body.clone()),
        (401, json!({"error": "Invalid or expired token"}))
    );
    let r = ctx
        .call(
            "GET",
            "/api/v1/websites/integrations/",
            Some("garbage"),
            None,
        )
        .await
        .expect_status(401);
    assert_eq!(r.body["code"], "token_not_valid");
    let res = ctx
        .client
        .get(format!("{}/api/integrations/", ctx.base))
        .header("Authorization", format!("Basic {}", ctx.admin.token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401, "only Bearer");
    // An expired token.
    let (token, row) = new_token(TokenKind::Access, ctx.admin.id, "old", Some(-1));
    ctx.db.insert_token(&row).await.unwrap();
    assert_eq!(status_of(&ctx, "/api/integrations/", &token).await, 401);
}

async fn members_see_their_websites_and_their_own(ctx: Ctx) {
    let a = &ctx.admin;
    let mine = ctx.website("mine").await;
    let theirs = ctx.website("theirs").await;
    let member = ctx.user(Role::Member, &[mine]).await;
    let other = ctx.user(Role::Member, &[theirs]).await;
    let on_mine = ctx
        .second(json!({"website": mine, "integration_type": "custom", "name": "on mine"}))
        .await;
    let on_theirs = ctx
        .second(json!({"website": theirs, "integration_type": "custom", "name": "on theirs"}))
        .await;
    let own = ctx.first(&member, "email", "own").await;
    let others_own = ctx.first(&other, "email", "other's own").await;

    let r = ctx.get("/api/integrations/", &member).await;
    let mut ids: Vec<i64> = items(&r.body["integrations"])
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, vec![on_mine, own]);

    for id in [on_theirs, others_own] {
        let base = format!("/api/integrations/{id}/");
        let not_found = json!({"error": "Integration not found"});
        assert_eq!(ctx.get(&base, &member).await.body, not_found);
        ctx.put(&base, &member, json!({"name": "x"}))
            .await
            .expect_status(404);
        ctx.delete(&base, &member).await.expect_status(404);
        ctx.post(&format!("{base}test/"), &member, json!({}))
            .await
            .expect_status(404);
        ctx.get(&format!("{base}logs/"), &member)
            .await
            .expect_status(404);
        ctx.post(&format!("{base}configure/email/"), &member, json!({}))
            .await
            .expect_status(404);
    }
    // What they may see they may change.
    ctx.put(
        &format!("/api/integrations/{on_mine}/"),
        &member,
        json!({"name": "renamed by member"}),
    )
    .await
    .expect_status(200);
    ctx.delete(&format!("/api/integrations/{own}/"), &member)
        .await
        .expect_status(200);
    // Putting an integration on someone else's website is refused.
    let on_website = |website: i64| {
        let body = json!({"integration_type": "custom", "provider": "custom", "name": "x", "website": website});
        ctx.post("/api/integrations/", &member, body)
    };
    on_website(theirs).await.expect_status(403);
    on_website(mine).await.expect_status(201);
    // Websites: members read theirs only.
    let r = ctx.get("/api/v1/websites/", &member).await;
    assert_eq!(r.body["count"], 1);
    assert_eq!(r.body["results"][0]["id"], mine);
    let (their_site, my_site) = (
        format!("/api/v1/websites/{theirs}/"),
        format!("/api/v1/websites/{mine}/"),
    );
    ctx.expect_all(
        &member,
        &[("GET", &their_site, 404), ("GET", &my_site, 200)],
    )
    .await;
    // The admin sees everything.
    let r = ctx.get("/api/integrations/", a).await;
    assert_eq!(r.body["integrations"].as_array().unwrap().len(), 4);
}

async fn viewers_only_read(ctx: Ctx) {
    let site = ctx.website("site").await;
    let viewer = ctx.user(Role::Viewer, &[site]).await;
    let id = ctx
        .second(json!({"website": site, "integration_type": "custom", "name": "x"}))
        .await;
    let hidden = ctx.first(&ctx.admin, "email", "admin's own").await;
    let forbidden = json!({"error": "You do not have permission to perform this action."});

    let (one, logs) = (
        format!("/api/integrations/{id}/"),
        format!("/api/integrations/{id}/logs/"),
    );
    ctx.expect_all(&viewer, &[("GET", &one, 200), ("GET", &logs, 200)])
        .await;
    assert_eq!(
        ctx.get("/api/integrations/stats/", &viewer).await.body["total"],
        1
    );
    ctx.get(&format!("/api/integrations/{hidden}/"), &viewer)
        .await
        .expect_status(404);
    let r = ctx.put(&one, &viewer, json!({"name": "y"})).await;
    assert_eq!((r.status, r.body.clone()), (403, forbidden.clone()));
    ctx.delete(&one, &viewer).await.expect_status(403);
    let test = format!("{one}test/");
    ctx.post(&test, &viewer, json!({})).await.expect_status(403);
    let r = ctx
        .post(
            "/api/integrations/",
            &ctx.admin,
            json!({"integration_type": "email", "name": "e", "website": site}),
        )
        .await;
    let email = r.body["id"].as_i64().unwrap();
    ctx.post(
        &format!("/api/integrations/{email}/configure/email/"),
        &viewer,
        json!({}),
    )
    .await
    .expect_status(403);
    let r = ctx
        .post(
            "/api/integrations/",
            &viewer,
            json!({"integration_type": "email", "name": "v"}),
        )
        .await;
    assert_eq!((r.status, r.body.clone()), (403, forbidden));
    ctx.get(&format!("/api/integrations/{hidden}/"), &viewer)
        .await
        .expect_status(404);
    ctx.post("/api/v1/websites/", &viewer, json!({"name": "mine now"}))
        .await
        .expect_status(403);
    ctx.get("/api/v1/audit/", &viewer).await.expect_status(403);
}

async fn second_api_is_for_admins_only(ctx: Ctx) {
    let site = ctx.website("site").await;
    let id = ctx
        .second(json!({"website": site, "integration_type": "custom", "name": "x"}))
        .await;
    let member = ctx.user(Role::Member, &[site]).await;
    let viewer = ctx.user(Role::Viewer, &[site]).await;
    let denied = json!({"detail": "You do not have permission to perform this action."});
    let path = format!("/api/v1/websites/integrations/{id}/");
    let list = "/api/v1/websites/integrations/";
    let one = path.as_str();
    let requests = [
        ("GET", list, None),
        (
            "POST",
            list,
            Some(json!({"website": site, "integration_type": "custom", "name": "y"})),
        ),
        ("GET", one, None),
        ("PATCH", one, Some(json!({"name": "z"}))),
        (
            "PUT",
            one,
            Some(json!({"website": site, "integration_type": "custom", "name": "z"})),
        ),
        ("DELETE", one, None),
        ("GET", "/api/v1/websites/integrations/999999/", None),
    ];
    for user in [&member, &viewer] {
        for (method, path, body) in &requests {
            let r = ctx
                .call(method, path, Some(&user.token), body.clone())
                .await;
            assert_eq!((r.status, r.body), (403, denied.clone()));
        }
    }
    assert_eq!(
        ctx.get(&path, &ctx.admin).await.body["name"],
        "x",
        "nothing changed"
    );
}

async fn me_status(ctx: &Ctx, token: String) -> u16 {
    status_of(ctx, "/api/v1/auth/me/", &token).await
}

async fn refresh_with(ctx: &Ctx, refresh: &str) -> crate::ctx::Res {
    let body = json!({ "refresh_token": refresh });
    ctx.call("POST", "/api/v1/auth/refresh/", None, Some(body))
        .await
}

/// A sign-in with this body, without a token.
async fn login_with(ctx: &Ctx, body: Value) -> crate::ctx::Res {
    ctx.call("POST", "/api/v1/auth/login/", None, Some(body))
        .await
}

/// The status of a GET of `path` with `token`.
async fn status_of(ctx: &Ctx, path: &str, token: &str) -> u16 {
    ctx.call("GET", path, Some(token), None).await.status
}

/// A refresh token used a second time means a copy is out there: every
/// token of that sign-in (the newest pair too) stops working, while another
/// sign-in of the same user is untouched.
async fn reusing_a_spent_refresh_token_revokes_its_sign_in(ctx: Ctx) {
    let member = ctx.user(Role::Member, &[]).await;
    let login = || login_with(&ctx, json!({"email": member.email, "password": PASSWORD}));
    let first = login().await;
    let other = login().await;
    assert_eq!((first.status, other.status), (200, 200));
    let token = |r: &crate::ctx::Res, k: &str| r.body[k].as_str().unwrap().to_owned();
    let r1 = token(&first, "refresh_token");
    let second = refresh_with(&ctx, &r1).await.expect_status(200);
    let (a2, r2) = (
        token(&second, "access_token"),
        token(&second, "refresh_token"),
    );
    // The replay: refused, and the family goes with it.
    refresh_with(&ctx, &r1).await.expect_status(401);
    assert_eq!(
        me_status(&ctx, a2).await,
        401,
        "the newest access token of that sign-in"
    );
    assert_eq!(
        me_status(&ctx, token(&first, "access_token")).await,
        401,
        "its first one"
    );
    assert_eq!(
        refresh_with(&ctx, &r2).await.status,
        401,
        "its newest refresh token"
    );
    // The other sign-in still works, and refreshes.
    assert_eq!(me_status(&ctx, token(&other, "access_token")).await, 200);
    assert_eq!(
        refresh_with(&ctx, &token(&other, "refresh_token"))
            .await
            .status,
        200
    );
    // A token nobody ever issued revokes nothing.
    assert_eq!(refresh_with(&ctx, "sbr_nonsense").await.status, 401);
}

/// The detail reads look up the sign-in and the record in one statement;
/// the answers stay those of the sign-in check first (401 for no, an
/// unknown, expired, refresh, revoked or disabled user's token; 403 for a
/// service token, or a member on the admin API), then the id's 404, and a
/// member sees what their websites hold.
async fn detail_reads_check_the_sign_in_in_the_same_read(ctx: Ctx) {
    let a = &ctx.admin;
    let (mine, also, theirs) = (
        ctx.website("mine").await,
        ctx.website("also").await,
        ctx.website("theirs").await,
    );
    let member = ctx.user(Role::Member, &[also, mine]).await;
    let on = |website: i64, name: &str| {
        ctx.second(json!({"website": website, "integration_type": "custom", "name": name}))
    };
    let (on_mine, on_also, on_theirs) = (
        on(mine, "on mine").await,
        on(also, "on also").await,
        on(theirs, "on theirs").await,
    );
    let first = |id: i64| format!("/api/integrations/{id}/");
    let second = |id: i64| format!("/api/v1/websites/integrations/{id}/");
    for (id, name) in [(on_mine, "on mine"), (on_also, "on also")] {
        let r = ctx.get(&first(id), &member).await.expect_status(200);
        assert_eq!(r.body["name"], name);
    }
    let not_found = json!({"error": "Integration not found"});
    for id in [on_theirs, 999_999] {
        assert_eq!(ctx.get(&first(id), &member).await.body, not_found);
    }
    assert_eq!(ctx.get(&first(999_999), a).await.body, not_found);
    ctx.get(&second(on_mine), &member).await.expect_status(403);
    ctx.get(&second(on_mine), a).await.expect_status(200);
    ctx.get(&second(999_999), a).await.expect_status(404);
    // 401 before a bad id's 404, and that 404 before a member's 403.
    for path in ["/api/integrations/x/", "/api/v1/websites/integrations/0/"] {
        for token in [None, Some("sbt_unknown")] {
            let r = ctx.call("GET", path, token, None).await;
            assert_eq!(r.status, 401, "{path}: {}", r.text);
        }
    }
    ctx.get("/api/v1/websites/integrations/x/", &member)
        .await
        .expect_status(404);
    // Tokens the check refuses, whether the record exists or not.
    let (expired, row) = new_token(TokenKind::Access, a.id, "old", Some(-1));
    ctx.db.insert_token(&row).await.unwrap();
    let (refresh, row) = new_token(TokenKind::Refresh, a.id, "", Some(3600));
    ctx.db.insert_token(&row).await.unwrap();
    let service = ctx.service_token().await;
    for path in [on_mine, 999_999]
        .into_iter()
        .flat_map(|id| [first(id), second(id)])
    {
        for (token, status) in [(&expired, 401), (&refresh, 401), (&service, 403)] {
            assert_eq!(status_of(&ctx, &path, token).await, status, "{path}");
        }
    }
    let r = ctx.call("GET", &first(on_mine), Some(&expired), None).await;
    assert_eq!(r.body, json!({"error": "Invalid or expired token"}));
    let r = ctx
        .call("GET", &second(on_mine), Some(&expired), None)
        .await;
    assert_eq!(r.body["code"], "token_not_valid");
    // Revoked: refused at once.
    let sessions = format!("/api/v1/users/{}/sessions/", member.id);
    ctx.delete(&sessions, a).await.expect_status(200);
    assert_eq!(status_of(&ctx, &first(on_mine), &member.token).await, 401);
    // A disabled user's token, even one stored after the account was
    // disabled (which ended every token then).
    ctx.patch(
        &format!("/api/v1/users/{}/", member.id),
        a,
        json!({"disabled": true}),
    )
    .await
    .expect_status(200);
    let (late, row) = new_token(TokenKind::Api, member.id, "late", None);
    ctx.db.insert_token(&row).await.unwrap();
    assert_eq!(status_of(&ctx, &first(on_mine), &late).await, 401);
}
