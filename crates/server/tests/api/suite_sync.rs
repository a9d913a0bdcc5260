//! The sync protocol (docs/sync.md): push creates, field-level merges and
//! conflicts (secrets masked), idempotent batches, deletions and
//! tombstones, pull pages, changes made through the REST APIs, and roles.

use serde_json::{json, Value};
use switchboard_server::model::Role;

use crate::ctx::{items, Ctx, Res, User};

crate::tests![
    push_create_then_pull_masks_secrets,
    field_level_merge_and_conflicts,
    secret_conflict_is_masked,
    repeated_batch_is_applied_once,
    delete_leaves_a_tombstone_and_gone,
    pull_pages_with_since_and_limit,
    rest_changes_show_up_in_pull,
    viewer_pulls_but_cannot_push,
    member_sees_and_pushes_only_their_own,
    push_limits,
    client_id_leaves_own_changes_out_of_pull,
    pushed_logs_are_stored_once_and_pulled_by_others,
    pushed_log_details_are_size_capped,
    website_deletions_are_pulled_or_refused,
    trash_travels_and_rest_lists_leave_it_out,
    trash_sweep_deletes_old_items_once,
];

pub(crate) const PUSH: &str = "/api/v1/sync/push";

pub(crate) fn uid() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn push(ctx: &Ctx, user: &User, websites: Value, changes: Value) -> Res {
    push_batch(ctx, user, &uid(), websites, changes).await
}

async fn push_batch(ctx: &Ctx, user: &User, batch: &str, websites: Value, changes: Value) -> Res {
    ctx.post(
        PUSH,
        user,
        json!({"batch_id": batch, "websites": websites, "changes": changes}),
    )
    .await
}

/// Pushes one change at a time as one user, as a laptop does.
struct Laptop<'a> {
    ctx: &'a Ctx,
    user: &'a User,
}

impl<'a> Laptop<'a> {
    fn new(ctx: &'a Ctx, user: &'a User) -> Self {
        Laptop { ctx, user }
    }

    /// Pushes `change` alone; the answer.
    async fn push(&self, change: Value) -> Res {
        push(self.ctx, self.user, json!([]), json!([change])).await
    }

    /// Pushes `change` alone, which must be applied; its new revision.
    async fn applied(&self, change: Value) -> i64 {
        let r = self.expect(change, "applied").await;
        r.body["results"][0]["revision"]
            .as_i64()
            .expect("a revision")
    }

    /// Pushes `change` alone, which must come out as `outcome`; the answer.
    async fn expect(&self, change: Value, outcome: &str) -> Res {
        let r = self.push(change).await.expect_status(200);
        assert_eq!(r.body["results"][0]["outcome"], outcome, "{}", r.text);
        r
    }
}

/// A change of fields of `uid`, made from revision `base`.
fn set(uid: &str, base: i64, fields: Value) -> Value {
    json!({"uid": uid, "base_revision": base, "set": fields})
}

/// A change of secrets of `uid`, made from revision `base`.
fn secrets(uid: &str, base: i64, secrets: Value) -> Value {
    json!({"uid": uid, "base_revision": base, "secrets": secrets})
}

/// A page of changes after `since` (200), with more query parameters
/// (`&client=...`) when `more` is not empty.
async fn pull_page(ctx: &Ctx, user: &User, since: i64, limit: i64, more: &str) -> Res {
    let path = format!("/api/v1/sync/pull?since={since}&limit={limit}{more}");
    ctx.get(&path, user).await.expect_status(200)
}

pub(crate) async fn pull(ctx: &Ctx, user: &User, since: i64, limit: i64) -> Res {
    pull_page(ctx, user, since, limit, "").await
}

/// Where a pull from the start ends: the cursor of what is there now.
pub(crate) async fn cursor(ctx: &Ctx, user: &User) -> i64 {
    pull(ctx, user, 0, 1000).await.body["next"]
        .as_i64()
        .unwrap()
}

/// Every pulled change of `uid` from the start.
async fn pulled(ctx: &Ctx, user: &User, uid: &str) -> Value {
    let r = pull(ctx, user, 0, 1000).await;
    items(&r.body["changes"])
        .find(|c| c["uid"] == uid)
        .cloned()
        .unwrap_or(Value::Null)
}

pub(crate) fn create_change(uid: &str, name: &str, secret: &str) -> Value {
    json!({
        "uid": uid, "base_revision": 0, "integration_type": "email",
        "set": {"provider": "sendgrid", "name": name, "description": "", "is_active": true,
                "website": null, "config.from_email": "news@example.com", "config.from_name": "News"},
        "secrets": {"api_key": secret}
    })
}

/// Creates one email integration through a push; its server id.
async fn created(ctx: &Ctx, user: &User, uid: &str, name: &str, secret: &str) -> i64 {
    let r = Laptop::new(ctx, user)
        .expect(create_change(uid, name, secret), "applied")
        .await;
    let result = &r.body["results"][0];
    assert_eq!(result["revision"], 1);
    result["id"].as_i64().unwrap()
}

async fn push_create_then_pull_masks_secrets(ctx: Ctx) {
    let a = &ctx.admin;
    let l = Laptop::new(&ctx, a);
    let (u, w) = (uid(), uid());
    let mut change = create_change(&u, "Newsletter", "SG.plaintext-secret-wxyz");
    change["set"]["website"] = json!(w);
    let r = push(
        &ctx,
        a,
        json!([{"uid": w, "name": "Shop", "domain": "shop.example.com"}]),
        json!([change]),
    )
    .await
    .expect_status(200);
    let result = &r.body["results"][0];
    assert_eq!(result["outcome"], "applied", "{}", r.text);
    assert_eq!(result["uid"], u.as_str());
    let id = result["id"].as_i64().unwrap();

    let page = pull(&ctx, a, 0, 500).await;
    assert!(!page.text.contains("plaintext-secret"), "{}", page.text);
    assert_eq!(page.body["more"], false);
    let site = items(&page.body["websites"])
        .find(|s| s["uid"] == w.as_str())
        .expect("the pushed website is pulled");
    assert_eq!(site["name"], "Shop");
    assert_eq!(site["domain"], "shop.example.com");
    let c = items(&page.body["changes"])
        .find(|c| c["uid"] == u.as_str())
        .expect("the pushed integration is pulled")
        .clone();
    assert_eq!(c["id"], id);
    assert_eq!(c["deleted"], false);
    assert_eq!(c["revision"], 1);
    assert_eq!(c["website"], w.as_str());
    assert_eq!(c["integration_type"], "email");
    assert_eq!(c["provider"], "sendgrid");
    assert_eq!(c["name"], "Newsletter");
    assert_eq!(c["is_active"], true);
    assert_eq!(c["status"], "active");
    assert_eq!(c["config"]["from_email"], "news@example.com");
    assert!(c["config"].get("api_key").is_none());
    assert_eq!(c["secrets"]["api_key"], "********************wxyz");
    assert!(c["seq"].as_i64().unwrap() > 0);
    assert!(page.body["next"].as_i64().unwrap() >= c["seq"].as_i64().unwrap());

    // The same record through the other APIs; the secret is sealed at rest.
    let d = ctx
        .get(&format!("/api/integrations/{id}/"), a)
        .await
        .expect_status(200);
    assert_eq!(d.body["name"], "Newsletter");
    assert!(!d.text.contains("plaintext-secret"));
    if let Some(path) = &ctx.sqlite_path {
        let bytes = std::fs::read(path).unwrap();
        let wal = std::fs::read(path.with_extension("db-wal")).unwrap_or_default();
        for data in [bytes, wal] {
            assert!(
                !data
                    .windows(b"plaintext-secret".len())
                    .any(|w| w == b"plaintext-secret"),
                "the secret is stored sealed"
            );
        }
    }

    // A create missing what the catalog requires is invalid and applies nothing.
    let bad = uid();
    let r = l.expect(json!({"uid": bad, "base_revision": 0, "integration_type": "email",
                "set": {"provider": "sendgrid", "name": "No key", "config.from_email": "not-an-email"}}), "invalid").await;
    let result = &r.body["results"][0];
    assert!(
        result["fields"]["config.from_email"].is_string(),
        "{}",
        r.text
    );
    assert!(result["fields"]["secret.api_key"].is_string(), "{}", r.text);
    assert_eq!(pulled(&ctx, a, &bad).await, Value::Null);
}

async fn field_level_merge_and_conflicts(ctx: Ctx) {
    let a = &ctx.admin;
    let l = Laptop::new(&ctx, a);
    let u = uid();
    created(&ctx, a, &u, "Newsletter", "SG.first-key-1111").await;

    // Two laptops from revision 1 change different fields: both apply.
    assert_eq!(
        l.applied(set(&u, 1, json!({"name": "Newsletter 2"}))).await,
        2
    );
    assert_eq!(
        l.applied(set(&u, 1, json!({"config.from_name": "Other"})))
            .await,
        3
    );
    let c = pulled(&ctx, a, &u).await;
    assert_eq!(c["name"], "Newsletter 2");
    assert_eq!(c["config"]["from_name"], "Other");
    assert_eq!(c["revision"], 3);
    assert_eq!(c["field_revs"]["name"], 2);
    assert_eq!(c["field_revs"]["config.from_name"], 3);

    // The same field from the old base: a conflict with the server's value.
    let r = l
        .expect(set(&u, 1, json!({"name": "Mine"})), "conflict")
        .await;
    let result = &r.body["results"][0];
    assert_eq!(result["revision"], 3);
    assert_eq!(result["conflicts"][0]["field"], "name");
    assert_eq!(result["conflicts"][0]["theirs"], "Newsletter 2");
    assert_eq!(result["conflicts"][0]["revision"], 2);
    assert_eq!(pulled(&ctx, a, &u).await["name"], "Newsletter 2");

    // A conflict and a clean field together: merged.
    let r = l
        .expect(
            set(
                &u,
                1,
                json!({"name": "Mine", "description": "From the laptop"}),
            ),
            "merged",
        )
        .await;
    let result = &r.body["results"][0];
    assert_eq!(result["revision"], 4);
    assert_eq!(result["conflicts"].as_array().unwrap().len(), 1);
    let c = pulled(&ctx, a, &u).await;
    assert_eq!(c["description"], "From the laptop");
    assert_eq!(c["name"], "Newsletter 2");

    // Keep mine: push again from the conflict's revision.
    l.expect(set(&u, 4, json!({"name": "Mine"})), "applied")
        .await;
    assert_eq!(pulled(&ctx, a, &u).await["name"], "Mine");

    // The same value as the server's is no conflict.
    assert_eq!(l.applied(set(&u, 1, json!({"name": "Mine"}))).await, 5);

    // Applied values are validated as a whole.
    let r = l
        .expect(set(&u, 5, json!({"config.from_email": "nope"})), "invalid")
        .await;
    assert!(r.body["results"][0]["fields"]["config.from_email"].is_string());
    assert_eq!(pulled(&ctx, a, &u).await["revision"], 5);
}

async fn secret_conflict_is_masked(ctx: Ctx) {
    let a = &ctx.admin;
    let l = Laptop::new(&ctx, a);
    let u = uid();
    created(&ctx, a, &u, "Mail", "SG.first-secret-1111").await;
    l.expect(
        secrets(&u, 1, json!({"api_key": "SG.second-secret-2222"})),
        "applied",
    )
    .await;
    let c = pulled(&ctx, a, &u).await;
    assert_eq!(c["field_revs"]["secret.api_key"], 2);
    assert!(c["secrets"]["api_key"].as_str().unwrap().ends_with("2222"));

    let r = l
        .expect(
            secrets(&u, 1, json!({"api_key": "SG.third-secret-3333"})),
            "conflict",
        )
        .await;
    let result = &r.body["results"][0];
    assert_eq!(result["conflicts"][0]["field"], "secret.api_key");
    assert_eq!(
        result["conflicts"][0]["theirs"],
        format!("{}2222", "*".repeat(17))
    );
    assert_eq!(result["conflicts"][0]["revision"], 2);
    assert!(!r.text.contains("second-secret"), "{}", r.text);
    assert!(!r.text.contains("third-secret"), "{}", r.text);

    // The value the server already holds is no conflict.
    assert_eq!(
        l.applied(secrets(&u, 1, json!({"api_key": "SG.second-secret-2222"})))
            .await,
        2
    );

    // A secret that is not a secret field of the provider is refused.
    let r = l
        .expect(secrets(&u, 2, json!({"from_name": "x"})), "invalid")
        .await;
    assert!(r.body["results"][0]["fields"]["secret.from_name"].is_string());

    // The fake check sees the pushed secret: it was sealed and opens.
    let id = r.body["results"][0]["id"]
        .as_i64()
        .or(c["id"].as_i64())
        .unwrap();
    ctx.post(&format!("/api/integrations/{id}/test/"), a, json!({}))
        .await
        .expect_status(200);
    let seen = ctx.checker.seen.lock().unwrap().clone();
    assert_eq!(
        seen.last().unwrap().secrets["api_key"],
        "SG.second-secret-2222"
    );
}

async fn repeated_batch_is_applied_once(ctx: Ctx) {
    let a = &ctx.admin;
    let u = uid();
    created(&ctx, a, &u, "Mail", "SG.key-0000").await;
    let batch = uid();
    let changes = json!([{"uid": u, "base_revision": 1, "set": {"name": "Renamed"}}]);
    let first = push_batch(&ctx, a, &batch, json!([]), changes.clone())
        .await
        .expect_status(200);
    assert_eq!(first.body["batch_id"], batch.as_str());
    assert_eq!(first.body["results"][0]["revision"], 2);
    let again = push_batch(&ctx, a, &batch, json!([]), changes)
        .await
        .expect_status(200);
    assert_eq!(again.body, first.body);
    // Even with other content, the batch id answers what it answered.
    let other = push_batch(
        &ctx,
        a,
        &batch,
        json!([]),
        json!([{"uid": u, "base_revision": 2, "set": {"name": "Something else"}}]),
    )
    .await;
    assert_eq!(other.body, first.body);
    let c = pulled(&ctx, a, &u).await;
    assert_eq!(c["revision"], 2);
    assert_eq!(c["name"], "Renamed");

    // The same new batch sent twice at once is applied once.
    let batch = uid();
    let changes = json!([{"uid": u, "base_revision": 2, "set": {"description": "Concurrent"}}]);
    let (x, y) = tokio::join!(
        push_batch(&ctx, a, &batch, json!([]), changes.clone()),
        push_batch(&ctx, a, &batch, json!([]), changes)
    );
    assert_eq!(x.status, 200, "{}", x.text);
    assert_eq!(x.body, y.body);
    assert_eq!(x.body["results"][0]["revision"], 3);
    assert_eq!(pulled(&ctx, a, &u).await["revision"], 3);

    // A batch is all or nothing per user: another user's same batch id is theirs.
    let m = ctx.user(Role::Member, &[]).await;
    let r = push_batch(&ctx, &m, &batch, json!([]), json!([]))
        .await
        .expect_status(200);
    assert_eq!(r.body["results"], json!([]));
}

async fn delete_leaves_a_tombstone_and_gone(ctx: Ctx) {
    let a = &ctx.admin;
    let l = Laptop::new(&ctx, a);
    let u = uid();
    created(&ctx, a, &u, "Mail", "SG.key-0000").await;
    // Someone renamed it meanwhile: deletion wins anyway.
    let r = l.push(set(&u, 1, json!({"name": "Renamed"}))).await;
    assert_eq!(r.body["results"][0]["revision"], 2);
    let r = l
        .expect(
            json!({"uid": u, "base_revision": 1, "delete": true}),
            "deleted",
        )
        .await;
    let result = &r.body["results"][0];
    assert_eq!(result["revision"], 3);
    let stones = ctx.db.tombstones().await.unwrap();
    assert!(stones.iter().any(|(_, s, rev, _)| s == &u && *rev == 3));

    l.expect(set(&u, 2, json!({"name": "Back?"})), "gone").await;
    l.expect(create_change(&u, "Again", "SG.key-1111"), "gone")
        .await;

    let c = pulled(&ctx, a, &u).await;
    assert_eq!(c["deleted"], true, "{c}");
    assert_eq!(c["revision"], 3);
    assert!(c.get("id").is_none());
}

async fn pull_pages_with_since_and_limit(ctx: Ctx) {
    let a = &ctx.admin;
    let uids: Vec<String> = (0..5).map(|_| uid()).collect();
    let changes: Vec<Value> = uids
        .iter()
        .enumerate()
        .map(|(i, u)| create_change(u, &format!("Mail {i}"), "SG.key-0000"))
        .collect();
    let r = push(&ctx, a, json!([]), json!(changes))
        .await
        .expect_status(200);
    assert!(items(&r.body["results"]).all(|x| x["outcome"] == "applied"));

    // The creations' log lines (numbered after them) come in the same
    // pages, each list at most `limit` long, the cursor skipping nothing.
    let (mut since, mut seen, mut lines, mut pages) = (0i64, Vec::new(), Vec::new(), 0);
    loop {
        let page = pull(&ctx, a, since, 2).await;
        pages += 1;
        let changes = page.body["changes"].as_array().unwrap();
        let logs = page.body["logs"].as_array().cloned().unwrap_or_default();
        assert!(changes.len() <= 2);
        assert!(logs.len() <= 2);
        let mut top = since;
        for c in changes {
            let seq = c["seq"].as_i64().unwrap();
            assert!(seq > since);
            top = top.max(seq);
            seen.push((seq, c["uid"].as_str().unwrap().to_owned()));
        }
        for l in &logs {
            let seq = l["seq"].as_i64().unwrap();
            assert!(seq > since);
            top = top.max(seq);
            lines.push((seq, l["integration"].as_str().unwrap().to_owned()));
        }
        let next = page.body["next"].as_i64().unwrap();
        assert_eq!(next, top);
        since = next;
        if page.body["more"] == false {
            break;
        }
        assert!(pages < 10);
    }
    assert_eq!(pages, 5);
    let of: Vec<&String> = lines.iter().map(|(_, u)| u).collect();
    assert_eq!(
        of,
        uids.iter().collect::<Vec<_>>(),
        "one line per creation, in order"
    );
    let got: Vec<&String> = seen.iter().map(|(_, u)| u).collect();
    assert_eq!(got, uids.iter().collect::<Vec<_>>());
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0));
    // Nothing new: an empty page that keeps the cursor.
    let page = pull(&ctx, a, since, 2).await;
    assert_eq!(page.body["changes"], json!([]));
    assert_eq!(page.body["next"], since);
    assert_eq!(page.body["more"], false);
    let r = ctx
        .get("/api/v1/sync/pull?since=-1", a)
        .await
        .expect_status(400);
    assert!(r.body["detail"].is_string());
}

async fn rest_changes_show_up_in_pull(ctx: Ctx) {
    let a = &ctx.admin;
    let u = uid();
    let id = created(&ctx, a, &u, "Mail", "SG.key-0000").await;
    let start = cursor(&ctx, a).await;
    let one = format!("/api/integrations/{id}/");

    // The first API.
    ctx.put(&one, a, json!({"name": "Renamed"}))
        .await
        .expect_status(200);
    let page = pull(&ctx, a, start, 1000).await;
    let c = &page.body["changes"][0];
    assert_eq!(c["uid"], u.as_str());
    assert!(c["seq"].as_i64().unwrap() > start);
    assert_eq!(c["revision"], 2);
    assert_eq!(c["name"], "Renamed");
    assert_eq!(c["field_revs"]["name"], 2);
    assert!(c["field_revs"].get("config.from_email").is_none());
    let after_first = page.body["next"].as_i64().unwrap();

    // A health check changes the record too (not its fields).
    ctx.post(&format!("{one}test/"), a, json!({}))
        .await
        .expect_status(200);
    let page = pull(&ctx, a, after_first, 1000).await;
    let c = &page.body["changes"][0];
    assert_eq!(c["revision"], 3);
    assert!(c["last_sync_at"].is_string());
    assert_eq!(c["field_revs"]["name"], 2);
    let after_check = page.body["next"].as_i64().unwrap();

    // The second API, on a website made through the websites API.
    let w = ctx.website("shop").await;
    let sid = ctx
        .second(
            json!({"website": w, "integration_type": "stripe", "name": "Stripe",
                       "api_key": "sk_live_0123456789abcdefghij", "config": {"currency": "usd"}}),
        )
        .await;
    let page = pull(&ctx, a, after_check, 1000).await;
    let site_uid = page.body["websites"][0]["uid"].as_str().unwrap().to_owned();
    assert_eq!(page.body["websites"][0]["name"], "shop");
    let c = items(&page.body["changes"])
        .find(|c| c["id"] == sid)
        .unwrap()
        .clone();
    assert_eq!(c["website"], site_uid.as_str());
    assert_eq!(c["provider"], "stripe");
    assert!(!page.text.contains("0123456789abcdefghij"));
    let after_create = page.body["next"].as_i64().unwrap();
    ctx.patch(
        &format!("/api/v1/websites/integrations/{sid}/"),
        a,
        json!({"description": "Live", "api_key": "sk_live_zyxwvutsrq9876543210"}),
    )
    .await
    .expect_status(200);
    let page = pull(&ctx, a, after_create, 1000).await;
    let c = &page.body["changes"][0];
    assert!(c["seq"].as_i64().unwrap() > after_create);
    assert_eq!(c["revision"], 2);
    assert_eq!(c["field_revs"]["description"], 2);
    assert_eq!(c["field_revs"]["secret.api_key"], 2);
    assert!(c["field_revs"].get("name").is_none());
    let after_patch = page.body["next"].as_i64().unwrap();

    // Deleting through the first API leaves a tombstone that is pulled.
    ctx.delete(&one, a).await.expect_status(200);
    let page = pull(&ctx, a, after_patch, 1000).await;
    assert_eq!(page.body["changes"][0]["uid"], u.as_str());
    assert_eq!(page.body["changes"][0]["deleted"], true);
    assert_eq!(page.body["changes"][0]["revision"], 4);

    // Renaming the website through its API is pulled too.
    let before = page.body["next"].as_i64().unwrap();
    ctx.patch(
        &format!("/api/v1/websites/{w}/"),
        a,
        json!({"name": "shop 2"}),
    )
    .await
    .expect_status(200);
    let page = pull(&ctx, a, before, 1000).await;
    assert_eq!(page.body["websites"][0]["uid"], site_uid.as_str());
    assert_eq!(page.body["websites"][0]["name"], "shop 2");
}

async fn viewer_pulls_but_cannot_push(ctx: Ctx) {
    let a = &ctx.admin;
    let w = ctx.website("shop").await;
    let v = ctx.user(Role::Viewer, &[w]).await;
    let r = Laptop::new(&ctx, &v)
        .push(create_change(&uid(), "Mail", "SG.key-0000"))
        .await
        .expect_status(403);
    assert!(r.body["detail"].is_string());
    assert_eq!(pull(&ctx, a, 0, 1000).await.body["changes"], json!([]));
    let page = pull(&ctx, &v, 0, 1000).await;
    assert_eq!(page.body["websites"].as_array().unwrap().len(), 1);
    ctx.get("/api/v1/sync/pull", &v).await.expect_status(200);
    ctx.call("GET", "/api/v1/sync/pull", None, None)
        .await
        .expect_status(401);
}

async fn member_sees_and_pushes_only_their_own(ctx: Ctx) {
    let a = &ctx.admin;
    let l = Laptop::new(&ctx, a);
    let w1 = ctx.website("one").await;
    let w2 = ctx.website("two").await;
    let m = ctx.user(Role::Member, &[w1]).await;
    let sites = pull(&ctx, a, 0, 1000).await.body["websites"].clone();
    let uid_of = |name: &str| {
        items(&sites).find(|s| s["name"] == name).unwrap()["uid"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (site1, site2) = (uid_of("one"), uid_of("two"));
    let (mine, theirs, on_site) = (uid(), uid(), uid());
    created(&ctx, a, &theirs, "Admin's", "SG.key-0000").await;
    let mut c = create_change(&on_site, "On one", "SG.key-1111");
    c["set"]["website"] = json!(site1);
    l.expect(c, "applied").await;
    Laptop::new(&ctx, &m)
        .expect(create_change(&mine, "Mine", "SG.key-2222"), "applied")
        .await;

    let page = pull(&ctx, &m, 0, 1000).await;
    let uids: Vec<&str> = items(&page.body["changes"])
        .map(|c| c["uid"].as_str().unwrap())
        .collect();
    assert!(uids.contains(&mine.as_str()));
    assert!(uids.contains(&on_site.as_str()));
    assert!(!uids.contains(&theirs.as_str()), "{}", page.text);
    let site_uids: Vec<&str> = items(&page.body["websites"])
        .map(|s| s["uid"].as_str().unwrap())
        .collect();
    assert_eq!(site_uids, [site1.as_str()]);

    // Someone else's record, another website, a new website: refused per change.
    let mut other_site = create_change(&uid(), "Elsewhere", "SG.key-3333");
    other_site["set"]["website"] = json!(site2);
    let r = push(
        &ctx,
        &m,
        json!([{"uid": uid(), "name": "Member's site"}]),
        json!([
            {"uid": theirs, "base_revision": 1, "set": {"name": "Taken over"}},
            other_site,
            {"uid": on_site, "base_revision": 1, "set": {"description": "edited by the member"}},
        ]),
    )
    .await
    .expect_status(200);
    let results = r.body["results"].as_array().unwrap();
    assert_eq!(results[0]["outcome"], "invalid", "{}", r.text);
    assert_eq!(results[1]["outcome"], "invalid", "{}", r.text);
    assert!(results[1]["fields"]["website"].is_string());
    assert_eq!(results[2]["outcome"], "applied", "{}", r.text);
    assert_eq!(pulled(&ctx, a, &theirs).await["name"], "Admin's");
    let all_sites = pull(&ctx, a, 0, 1000).await.body["websites"].clone();
    assert_eq!(
        all_sites.as_array().unwrap().len(),
        2,
        "members create no websites"
    );
    let _ = w2;
}

async fn push_limits(ctx: Ctx) {
    let a = &ctx.admin;
    let l = Laptop::new(&ctx, a);
    let changes: Vec<Value> = (0..501)
        .map(|_| json!({"uid": uid(), "base_revision": 1, "set": {"name": "x"}}))
        .collect();
    let r = push(&ctx, a, json!([]), json!(changes))
        .await
        .expect_status(400);
    r.assert_says("detail", "500");

    // Bodies over 1 MiB are fine on this route (up to 8 MiB).
    let big = "x".repeat(2 * 1024 * 1024);
    let r = l
        .push(
            json!({"uid": uid(), "base_revision": 0, "integration_type": "email",
        "set": {"provider": "sendgrid", "name": "Big", "description": big}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", &r.text[..r.text.len().min(300)]);
    let (status, body) = crate::suite_security::announce(&ctx, PUSH, 8 * 1024 * 1024 + 1).await;
    assert_eq!(status, 413);
    assert!(
        body["detail"].as_str().unwrap().contains("8388608"),
        "{body}"
    );
    let (status, _) =
        crate::suite_security::announce(&ctx, "/api/integrations/", 2 * 1024 * 1024).await;
    assert_eq!(status, 413, "other routes keep their limit");

    let r = ctx
        .post(PUSH, a, json!({"changes": "nope"}))
        .await
        .expect_status(400);
    assert!(r.body["detail"].is_string());
    ctx.post(PUSH, a, json!({"batch_id": "", "changes": []}))
        .await
        .expect_status(400);
    let r = l
        .push(json!({"uid": "not-a-uuid", "base_revision": 0}))
        .await;
    assert_eq!(r.body["results"][0]["outcome"], "invalid");
}

pub(crate) async fn pull_as(ctx: &Ctx, user: &User, since: i64, limit: i64, client: &str) -> Res {
    pull_page(ctx, user, since, limit, &format!("&client={client}")).await
}

pub(crate) fn uids_of(page: &Res) -> Vec<String> {
    items(&page.body["changes"])
        .map(|c| c["uid"].as_str().unwrap().to_owned())
        .collect()
}

async fn client_id_leaves_own_changes_out_of_pull(ctx: Ctx) {
    let a = &ctx.admin;
    let (laptop, other) = (uid(), uid());
    let start = cursor(&ctx, a).await;
    let (u1, u2) = (uid(), uid());
    let r = ctx
        .post(
            PUSH,
            a,
            json!({"batch_id": uid(), "client_id": laptop, "changes": [
                create_change(&u1, "Mail one", "SG.key-1111"),
                create_change(&u2, "Mail two", "SG.key-2222"),
            ]}),
        )
        .await
        .expect_status(200);
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.text);
    let id1 = r.body["results"][0]["id"].as_i64().unwrap();

    // The pushing laptop gets nothing back, but its cursor moves past both.
    let everyone = pull(&ctx, a, start, 1000).await;
    assert_eq!(uids_of(&everyone), vec![u1.clone(), u2.clone()]);
    let last = everyone.body["next"].as_i64().unwrap();
    let mine = pull_as(&ctx, a, start, 1000, &laptop).await;
    assert!(uids_of(&mine).is_empty(), "{}", mine.text);
    assert_eq!(mine.body["next"], last);
    assert_eq!(mine.body["more"], false);
    // Both, one run of its own, count as one row of a page
    // (suite_pull_pages has more).
    let first = pull_as(&ctx, a, start, 1, &laptop).await;
    assert!(uids_of(&first).is_empty(), "{}", first.text);
    assert_eq!(first.body["more"], false);
    assert_eq!(first.body["next"], last);
    // Another laptop sees them.
    let theirs = pull_as(&ctx, a, start, 1000, &other).await;
    assert_eq!(uids_of(&theirs), vec![u1.clone(), u2.clone()]);

    // A deletion pushed by the laptop: its tombstone is left out for it only.
    let r = ctx
        .post(
            PUSH,
            a,
            json!({"batch_id": uid(), "client_id": laptop, "changes": [
                {"uid": u2, "base_revision": 1, "delete": true},
            ]}),
        )
        .await
        .expect_status(200);
    assert_eq!(r.body["results"][0]["outcome"], "deleted", "{}", r.text);
    let mine = pull_as(&ctx, a, last, 1000, &laptop).await;
    assert!(uids_of(&mine).is_empty(), "{}", mine.text);
    let after_delete = mine.body["next"].as_i64().unwrap();
    assert!(after_delete > last);
    let theirs = pull_as(&ctx, a, last, 1000, &other).await;
    assert_eq!(uids_of(&theirs), vec![u2.clone()]);
    assert_eq!(theirs.body["changes"][0]["deleted"], true);

    // Someone else's change through a REST API shows up for the laptop again.
    ctx.put(
        &format!("/api/integrations/{id1}/"),
        a,
        json!({"name": "Renamed"}),
    )
    .await
    .expect_status(200);
    let mine = pull_as(&ctx, a, after_delete, 1000, &laptop).await;
    assert_eq!(uids_of(&mine), vec![u1.clone()]);
    assert_eq!(mine.body["changes"][0]["name"], "Renamed");
    let after_rest = mine.body["next"].as_i64().unwrap();

    // A push from another laptop is not the first laptop's own change.
    let r = ctx
        .post(
            PUSH,
            a,
            json!({"batch_id": uid(), "client_id": other, "changes": [
                {"uid": u1, "base_revision": 2, "set": {"description": "From the other laptop"}},
            ]}),
        )
        .await
        .expect_status(200);
    assert_eq!(r.body["results"][0]["outcome"], "applied", "{}", r.text);
    let mine = pull_as(&ctx, a, after_rest, 1000, &laptop).await;
    assert_eq!(uids_of(&mine), vec![u1.clone()]);
    let theirs = pull_as(&ctx, a, after_rest, 1000, &other).await;
    assert!(uids_of(&theirs).is_empty(), "{}", theirs.text);
    assert_eq!(theirs.body["next"], mine.body["next"]);
}

fn log_line(uid: &str, integration: &str, message: &str) -> Value {
    json!({"uid": uid, "integration": integration, "level": "warning", "message": message,
           "details": {"n": 1}, "created_at": "2026-01-02T03:04:05.000000Z"})
}

fn log_messages(page: &Res) -> Vec<String> {
    page.body["logs"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|l| l["message"].as_str().unwrap().to_owned())
        .collect()
}

async fn pushed_logs_are_stored_once_and_pulled_by_others(ctx: Ctx) {
    let a = &ctx.admin;
    let w1 = ctx.website("logs one").await;
    let m = ctx.user(Role::Member, &[w1]).await;
    let (laptop, other) = (uid(), uid());
    let u = uid();
    let created_in_batch = uid();
    let id = created(&ctx, a, &u, "Logged", "SG.key-1111").await;
    let start = cursor(&ctx, a).await;
    let line = log_line(&uid(), &u, "Bounce rate high");
    let batch = json!({"batch_id": uid(), "client_id": laptop,
        "changes": [create_change(&created_in_batch, "Made with its log", "SG.key-2222")],
        "logs": [line.clone(),
                 log_line(&uid(), &created_in_batch, "Line of a new one"),
                 log_line(&uid(), &uid(), "Of nothing"),
                 log_line("not-a-uuid", &u, "Malformed")]});
    let r = ctx.post(PUSH, a, batch.clone()).await.expect_status(200);
    assert_eq!(r.body["logs_stored"], 2, "{}", r.text);
    let again = ctx.post(PUSH, a, batch).await;
    assert_eq!(again.body, r.body, "a retry gets the stored answer");
    let dup = ctx
        .post(PUSH, a, json!({"batch_id": uid(), "logs": [line.clone()]}))
        .await
        .expect_status(200);
    assert!(dup.body.get("logs_stored").is_none(), "{}", dup.text);
    let r = ctx.get(&format!("/api/integrations/{id}/logs/"), a).await;
    let stored: Vec<&Value> = items(&r.body["logs"])
        .filter(|l| l["message"] == "Bounce rate high")
        .collect();
    assert_eq!(stored.len(), 1, "{}", r.text);

    // Another laptop pulls them (with uid, integration uid and seq); the
    // pushing laptop does not, and its cursor moves past them.
    let theirs = pull_as(&ctx, a, start, 1000, &other).await;
    let got = log_messages(&theirs);
    assert!(got.contains(&"Bounce rate high".to_owned()), "{got:?}");
    assert!(got.contains(&"Line of a new one".to_owned()), "{got:?}");
    assert!(!got.contains(&"Of nothing".to_owned()), "{got:?}");
    let l = items(&theirs.body["logs"])
        .find(|l| l["message"] == "Bounce rate high")
        .unwrap();
    assert_eq!(
        (&l["uid"], &l["integration"], &l["level"]),
        (&line["uid"], &line["integration"], &json!("warning"))
    );
    assert_eq!(l["details"], json!({"n": 1}));
    assert!(l["seq"].as_i64().unwrap() > start);
    let mine = pull_as(&ctx, a, start, 1000, &laptop).await;
    assert!(log_messages(&mine).is_empty(), "{}", mine.text);
    assert_eq!(mine.body["next"], theirs.body["next"]);

    // A line written on the server (a REST edit) is pulled by everyone.
    ctx.put(
        &format!("/api/integrations/{id}/"),
        a,
        json!({"name": "Logged 2"}),
    )
    .await
    .expect_status(200);
    let since = mine.body["next"].as_i64().unwrap();
    let mine = pull_as(&ctx, a, since, 1000, &laptop).await;
    assert_eq!(log_messages(&mine).len(), 1, "{}", mine.text);

    // A member: lines of integrations they cannot see are dropped, and
    // they pull only lines of what they see.
    let r = ctx
        .post(
            PUSH,
            &m,
            json!({"batch_id": uid(), "logs": [log_line(&uid(), &u, "Member on admin's")]}),
        )
        .await
        .expect_status(200);
    assert!(r.body.get("logs_stored").is_none(), "{}", r.text);
    let seen = pull(&ctx, &m, 0, 1000).await;
    assert!(log_messages(&seen).is_empty(), "{}", seen.text);
}

/// A pushed line's details larger than 16 KiB are replaced by a note of
/// their size; the line itself is kept.
async fn pushed_log_details_are_size_capped(ctx: Ctx) {
    let a = &ctx.admin;
    let u = uid();
    created(&ctx, a, &u, "Chatty", "SG.key-3333").await;
    let start = cursor(&ctx, a).await;
    let mut big = log_line(&uid(), &u, "Huge details");
    big["details"] = json!({"dump": "x".repeat(100_000)});
    let small = log_line(&uid(), &u, "Small details");
    let r = ctx
        .post(PUSH, a, json!({"batch_id": uid(), "logs": [big, small]}))
        .await
        .expect_status(200);
    assert_eq!(r.body["logs_stored"], 2, "{}", r.text);
    let page = pull_as(&ctx, a, start, 1000, &uid()).await;
    let logs = page.body["logs"].as_array().unwrap();
    let huge = logs
        .iter()
        .find(|l| l["message"] == "Huge details")
        .unwrap();
    assert_eq!(huge["details"]["truncated"], true, "{}", huge);
    assert!(huge["details"]["original_bytes"].as_u64().unwrap() > 100_000);
    assert!(huge.to_string().len() < 2000, "the dump is gone");
    let small = logs
        .iter()
        .find(|l| l["message"] == "Small details")
        .unwrap();
    assert_eq!(small["details"], json!({"n": 1}));
}

async fn website_deletions_are_pulled_or_refused(ctx: Ctx) {
    let a = &ctx.admin;
    let l = Laptop::new(&ctx, a);
    let (site, used) = (uid(), uid());
    push(
        &ctx,
        a,
        json!([{"uid": site, "name": "Doomed", "domain": ""},
               {"uid": used, "name": "Busy", "domain": ""}]),
        json!([]),
    )
    .await
    .expect_status(200);
    let mut c = create_change(&uid(), "On busy", "SG.key-1111");
    c["set"]["website"] = json!(used);
    l.expect(c, "applied").await;
    let start = cursor(&ctx, a).await;

    let r = push(
        &ctx,
        a,
        json!([{"uid": site, "deleted": true}, {"uid": used, "deleted": true},
               {"uid": uid(), "deleted": true}]),
        json!([]),
    )
    .await
    .expect_status(200);
    let refused = r.body["websites_refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{}", r.text);
    assert_eq!(refused[0]["uid"], used);
    assert!(refused[0]["message"]
        .as_str()
        .unwrap()
        .contains("integration"));
    let page = pull(&ctx, a, start, 1000).await;
    let sites = page.body["websites"].as_array().unwrap();
    assert_eq!(sites.len(), 2, "{}", page.text);
    let gone = sites.iter().find(|w| w["uid"] == site).unwrap();
    assert_eq!(gone["deleted"], true);
    let back = sites.iter().find(|w| w["uid"] == used).unwrap();
    assert_eq!(
        (back["name"].as_str(), back.get("deleted")),
        (Some("Busy"), None),
        "resent"
    );

    // Pushed again: it comes back, and its tombstone goes.
    push(
        &ctx,
        a,
        json!([{"uid": site, "name": "Doomed", "domain": ""}]),
        json!([]),
    )
    .await
    .expect_status(200);
    let all = pull(&ctx, a, 0, 1000).await;
    let entries: Vec<&Value> = items(&all.body["websites"])
        .filter(|w| w["uid"] == site)
        .collect();
    assert_eq!(entries.len(), 1, "{}", all.text);
    assert!(entries[0].get("deleted").is_none());
    // if_missing never changes an existing website.
    push(
        &ctx,
        a,
        json!([{"uid": site, "name": "Stale name", "domain": "", "if_missing": true}]),
        json!([]),
    )
    .await
    .expect_status(200);
    let after = pull(&ctx, a, 0, 1000).await;
    assert!(items(&after.body["websites"]).any(|w| w["uid"] == site && w["name"] == "Doomed"));

    // Deleting through the REST API leaves a tombstone too; renaming there
    // gives the website a new seq.
    let id = ctx.website("Rest site").await;
    let rest = format!("/api/v1/websites/{id}/");
    let since = cursor(&ctx, a).await;
    ctx.patch(&rest, a, json!({"name": "Rest site 2"}))
        .await
        .expect_status(200);
    let page = pull(&ctx, a, since, 1000).await;
    assert_eq!(
        page.body["websites"][0]["name"], "Rest site 2",
        "{}",
        page.text
    );
    let since = page.body["next"].as_i64().unwrap();
    ctx.delete(&rest, a).await.expect_status(204);
    let page = pull(&ctx, a, since, 1000).await;
    assert_eq!(page.body["websites"][0]["deleted"], true, "{}", page.text);
    assert!(page.body["next"].as_i64().unwrap() > since);
}

/// The ids listed by a REST list answer (`key`: `integrations` or `results`).
fn listed_ids(r: &Res, key: &str) -> Vec<i64> {
    items(&r.body[key])
        .map(|x| x["id"].as_i64().unwrap())
        .collect()
}

async fn trash_travels_and_rest_lists_leave_it_out(ctx: Ctx) {
    let a = &ctx.admin;
    let l = Laptop::new(&ctx, a);
    let (u, kept) = (uid(), uid());
    let id = created(&ctx, a, &u, "Trashed", "SG.trash-secret-1234").await;
    let kept_id = created(&ctx, a, &kept, "Kept", "SG.kept-secret-5678").await;
    let at = "2026-01-02T03:04:05.000006Z";
    let rev = l.applied(set(&u, 1, json!({"trashed_at": at}))).await;
    assert_eq!(rev, 2);
    let c = pulled(&ctx, a, &u).await;
    assert_eq!(c["trashed_at"], at, "{c}");
    assert_eq!(c["field_revs"]["trashed_at"], 2);

    // Both REST lists leave it out unless asked.
    let first = ctx.get("/api/integrations/", a).await.expect_status(200);
    assert_eq!(listed_ids(&first, "integrations"), [kept_id]);
    let all = ctx
        .get("/api/integrations/?include_trashed=true", a)
        .await
        .expect_status(200);
    assert_eq!(listed_ids(&all, "integrations"), [kept_id, id]);
    let row = items(&all.body["integrations"])
        .find(|x| x["id"] == id)
        .unwrap();
    assert_eq!(row["trashed_at"], at);
    assert_eq!(row["is_active"], false);
    let plain = items(&all.body["integrations"])
        .find(|x| x["id"] == kept_id)
        .unwrap();
    assert!(
        plain.get("trashed_at").is_none(),
        "list rows keep their shape"
    );
    let second = ctx
        .get("/api/v1/websites/integrations/", a)
        .await
        .expect_status(200);
    assert_eq!(listed_ids(&second, "results"), [kept_id]);
    assert_eq!(second.body["count"], 1);
    let second_all = ctx
        .get("/api/v1/websites/integrations/?include_trashed=true", a)
        .await
        .expect_status(200);
    assert_eq!(second_all.body["count"], 2);
    let stats = ctx
        .get("/api/integrations/stats/", a)
        .await
        .expect_status(200);
    assert_eq!(stats.body["total"], 1);
    ctx.get("/api/integrations/?include_trashed=maybe", a)
        .await
        .expect_status(400)
        .assert_says("error", "include_trashed=true");
    ctx.get("/api/v1/websites/integrations/?include_trashed=maybe", a)
        .await
        .expect_status(400)
        .assert_field("include_trashed", "boolean");

    // The details say it is in the Trash and not live.
    let d = ctx
        .get(&format!("/api/integrations/{id}/"), a)
        .await
        .expect_status(200);
    assert_eq!(d.body["trashed_at"], at);
    assert_eq!(d.body["is_active"], false);
    let d = ctx
        .get(&format!("/api/v1/websites/integrations/{id}/"), a)
        .await
        .expect_status(200);
    assert_eq!(d.body["trashed_at"], at);
    assert_eq!(d.body["is_active"], false);
    let live = ctx
        .get(&format!("/api/integrations/{kept_id}/"), a)
        .await
        .expect_status(200);
    assert!(live.body.get("trashed_at").is_none(), "the original shape");
    assert_eq!(live.body["is_active"], true);

    // A value that is not a time is refused; restoring (null) clears it.
    let r = l
        .expect(set(&u, 2, json!({"trashed_at": "yesterday"})), "invalid")
        .await;
    assert!(r.text.contains("trashed_at"), "{}", r.text);
    l.applied(set(&u, 2, json!({"trashed_at": null}))).await;
    let first = ctx.get("/api/integrations/", a).await.expect_status(200);
    assert_eq!(listed_ids(&first, "integrations"), [kept_id, id]);
    assert_eq!(pulled(&ctx, a, &u).await["trashed_at"], Value::Null);
}

async fn trash_sweep_deletes_old_items_once(ctx: Ctx) {
    let a = &ctx.admin;
    let l = Laptop::new(&ctx, a);
    let (old, recent) = (uid(), uid());
    let old_id = created(&ctx, a, &old, "Old", "SG.old-secret-1234").await;
    let recent_id = created(&ctx, a, &recent, "Recent", "SG.recent-secret-5678").await;
    l.applied(set(
        &old,
        1,
        json!({"trashed_at": "2020-01-01T00:00:00.000000Z"}),
    ))
    .await;
    let now = switchboard_domain::now();
    l.applied(set(&recent, 1, json!({"trashed_at": now}))).await;

    // Two replicas sweeping at once delete it once.
    let (x, y) = tokio::join!(
        switchboard_server::service::trash::sweep(ctx.db.as_ref()),
        switchboard_server::service::trash::sweep(ctx.db.as_ref()),
    );
    assert_eq!(x.unwrap() + y.unwrap(), 1);
    assert_eq!(
        switchboard_server::service::trash::sweep(ctx.db.as_ref())
            .await
            .unwrap(),
        0
    );
    ctx.get(&format!("/api/integrations/{old_id}/"), a)
        .await
        .expect_status(404);
    ctx.get(&format!("/api/integrations/{recent_id}/"), a)
        .await
        .expect_status(200);
    let stones = ctx.db.tombstones().await.unwrap();
    assert_eq!(stones.iter().filter(|s| s.1 == old).count(), 1);
    let c = pulled(&ctx, a, &old).await;
    assert_eq!(c["deleted"], true);
    let audit = ctx.audit_of(old_id).await;
    assert!(audit.text.contains("trash sweep"), "{}", audit.text);
}
