//! Expiry and rotation from the command line (issue 16): a check records
//! the expiry Cloudflare states, `list --attention` finds the integration,
//! and `list`/`show --json` carry the attention and the secret set dates.

mod common;

use common::*;
use serde_json::json;
use switchboard_providers::fake::{FakeServer, Reply};

const TOKEN: &str = "CANARYcloudflareToken0123456789abcdef";

#[test]
fn a_stated_expiry_shows_in_list_and_show_and_filters_the_list() {
    let rt = runtime();
    // Five days and an hour from now: "expires in 5 days".
    let soon = switchboard_domain::expiry::days_after(switchboard_domain::unix_now() + 3600, 5);
    let answer = json!({"success": true, "errors": [], "result": {"id": "t1", "status": "active", "expires_on": soon}});
    let fake = rt.block_on(FakeServer::start(move |_| Reply::json(200, answer.clone())));
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = store(dir.path(), "s.sqlite");
    let cdn = ok(cli(&db)
        .args([
            "add",
            "--type",
            "cdn",
            "--provider",
            "cloudflare",
            "--name",
            "Edge",
        ])
        .args(["--secret-env", "api_token=CF_TOKEN"])
        .env("CF_TOKEN", TOKEN)
        .output()
        .unwrap())
    .trim()
    .to_owned();
    let sms = add_twilio(&db, "Texts", "0123456789abcdef0123456789abcdef");

    // Nothing needs attention before the check.
    let listed = ok_json(
        cli(&db)
            .args(["--json", "list", "--attention"])
            .output()
            .unwrap(),
    );
    assert_eq!(listed, json!([]));

    let mut test = cli(&db);
    test.env(
        "SWITCHBOARD_PROVIDER_ENDPOINTS",
        json!({"cloudflare": fake.url()}).to_string(),
    );
    let tested = ok_json(test.args(["--json", "test", &cdn]).output().unwrap());
    assert_eq!(tested["ok"], true, "{tested}");
    assert_eq!(fake.requests()[0].path, "/client/v4/user/tokens/verify");

    let listed = ok_json(
        cli(&db)
            .args(["--json", "list", "--attention"])
            .output()
            .unwrap(),
    );
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{listed}");
    assert_eq!(rows[0]["id"], cdn.as_str());
    assert_eq!(
        rows[0]["attention"],
        json!({"kind": "expires_in", "days": 5})
    );
    assert_eq!(rows[0]["expires_source"], "Cloudflare token verify");
    assert!(rows[0]["secret_set_at"]["api_token"].is_string());
    let text = ok(cli(&db).args(["list", "--attention"]).output().unwrap());
    assert!(text.contains("Edge  [expires in 5 days]"), "{text}");
    assert!(!text.contains("Texts"), "{text}");

    let shown = ok_json(cli(&db).args(["--json", "show", &cdn]).output().unwrap());
    assert_eq!(shown["attention"]["kind"], "expires_in");
    assert!(!shown.to_string().contains(TOKEN), "never the secret");
    let shown = ok(cli(&db).args(["show", &sms]).output().unwrap());
    assert!(
        shown.contains("auth_token = ") && shown.contains("(set 20"),
        "{shown}"
    );

    // A rotation period of one day: fresh secrets are not old yet.
    let listed = ok_json(
        cli(&db)
            .args(["--json", "list", "--attention", "--rotation-days", "1"])
            .output()
            .unwrap(),
    );
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let out = cli(&db)
        .args(["list", "--rotation-days", "0"])
        .output()
        .unwrap();
    assert_eq!(code(&out).0, 2, "a period of 0 days is refused");
}
