//! `switchboard delete` moves to the Trash and says so; `trash
//! list|restore|delete|empty` with --json and the usual exit codes; the
//! destructive ones ask (refused without a terminal unless --yes); and the
//! Trash syncs through the real server between two stores.

mod common;

use common::*;
use serde_json::Value;

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect()
}

#[test]
fn delete_trashes_and_trash_commands_restore_and_delete_for_good() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = store(dir.path(), "t.sqlite");
    let (_, token, _) = twilio_sample();
    let a = add_twilio(&db, "Alpha SMS", &token);
    let b = add_twilio(&db, "Beta SMS", &token);

    let text = ok(cli(&db).args(["delete", &a]).output().unwrap());
    assert!(text.contains("Moved to Trash"), "{text}");
    assert!(
        text.contains(&format!("switchboard trash restore {a}")),
        "{text}"
    );
    let listed = ok_json(cli(&db).args(["--json", "list"]).output().unwrap());
    assert_eq!(ids(&listed), [b.as_str()]);
    let trash = ok_json(cli(&db).args(["--json", "trash", "list"]).output().unwrap());
    assert_eq!(ids(&trash), [a.as_str()]);
    assert_eq!(trash[0]["name"], "Alpha SMS");
    assert_eq!(trash[0]["days_left"], 30);
    let text = ok(cli(&db).args(["trash", "list"]).output().unwrap());
    assert!(
        text.contains("Alpha SMS") && text.contains("DAYS LEFT"),
        "{text}"
    );

    let restored = ok_json(
        cli(&db)
            .args(["--json", "trash", "restore", &a])
            .output()
            .unwrap(),
    );
    assert_eq!(restored["restored"], true);
    let listed = ok_json(cli(&db).args(["--json", "list"]).output().unwrap());
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let out = cli(&db)
        .args(["trash", "restore", "no-such-id"])
        .output()
        .unwrap();
    assert_eq!(code(&out).0, 5, "{}", code(&out).1);

    // Deleting for good asks; without a terminal, --yes is needed (exit 2).
    let json = ok_json(cli(&db).args(["--json", "delete", &a]).output().unwrap());
    assert_eq!(json["trashed"], true);
    let out = cli(&db).args(["trash", "delete", &a]).output().unwrap();
    let (exit, err) = code(&out);
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains("--yes"), "{err}");
    let out = cli(&db).args(["trash", "empty"]).output().unwrap();
    assert_eq!(code(&out).0, 2, "{}", code(&out).1);
    let gone = ok_json(
        cli(&db)
            .args(["--json", "trash", "delete", &a, "--yes"])
            .output()
            .unwrap(),
    );
    assert_eq!(gone["deleted"], true);
    let out = cli(&db).args(["show", &a]).output().unwrap();
    assert_eq!(code(&out).0, 5, "{}", code(&out).1);

    ok(cli(&db).args(["delete", &b]).output().unwrap());
    let emptied = ok_json(
        cli(&db)
            .args(["--json", "trash", "empty", "--yes"])
            .output()
            .unwrap(),
    );
    assert_eq!(emptied["deleted"], 1);
    let trash = ok_json(cli(&db).args(["--json", "trash", "list"]).output().unwrap());
    assert!(trash.as_array().unwrap().is_empty());
    // Nothing to ask about: an empty Trash empties without --yes.
    ok(cli(&db).args(["trash", "empty"]).output().unwrap());
}

#[test]
fn the_trash_syncs_through_the_real_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = SyncServer::start(dir.path());
    let (a, _) = store(dir.path(), "a.sqlite");
    let (b, _) = store(dir.path(), "b.sqlite");
    let (_, token, _) = twilio_sample();
    let id = add_twilio(&a, "Shared SMS", &token);
    let synced = |db: &std::path::Path, args: &[&str]| {
        let mut c = cli(db);
        c.env("SWITCHBOARD_SYNC_PASSWORD", ADMIN_PASSWORD);
        ok_json(c.arg("--json").args(args).output().unwrap())
    };
    let url = server.url();
    for db in [&a, &b] {
        synced(db, &["sync", "connect", "--url", &url, "--email", ADMIN]);
    }
    synced(&a, &["sync", "now"]);
    synced(&b, &["sync", "now"]);

    ok(cli(&a).args(["delete", &id]).output().unwrap());
    synced(&a, &["sync", "now"]);
    synced(&b, &["sync", "now"]);
    let trash = ok_json(cli(&b).args(["--json", "trash", "list"]).output().unwrap());
    assert_eq!(ids(&trash), [id.as_str()]);
    let listed = ok_json(cli(&b).args(["--json", "list"]).output().unwrap());
    assert!(listed.as_array().unwrap().is_empty());

    ok(cli(&b).args(["trash", "restore", &id]).output().unwrap());
    synced(&b, &["sync", "now"]);
    synced(&a, &["sync", "now"]);
    let listed = ok_json(cli(&a).args(["--json", "list"]).output().unwrap());
    assert_eq!(ids(&listed), [id.as_str()]);

    ok(cli(&a).args(["delete", &id]).output().unwrap());
    ok(cli(&a)
        .args(["trash", "delete", &id, "--yes"])
        .output()
        .unwrap());
    synced(&a, &["sync", "now"]);
    synced(&b, &["sync", "now"]);
    let out = cli(&b).args(["show", &id]).output().unwrap();
    assert_eq!(
        code(&out).0,
        5,
        "deleted for good on B too: {}",
        code(&out).1
    );
}
