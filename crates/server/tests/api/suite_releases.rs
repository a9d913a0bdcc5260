//! Desktop releases served by the team server: admins upload signed
//! artifacts (and only admins), bad uploads are refused with what to do and
//! store nothing, and the updater's manifest and download need no
//! credentials and pick the highest newer version of exactly its platform.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;
use switchboard_server::api::releases::example_signature;
use switchboard_server::model::Role;

use crate::ctx::{items, Ctx, Res};

crate::tests![
    admins_upload_replace_list_and_delete_releases,
    only_admins_upload_or_delete_releases,
    bad_uploads_say_what_to_do_and_store_nothing,
    the_manifest_offers_the_highest_newer_version_of_the_platform_to_anyone,
    downloads_are_the_uploaded_bytes_for_anyone,
];

const DEB: &str = "linux-x86_64-deb";

/// A bad upload: (version, platform, query), signature, body, and what the
/// answer says.
type Case<'a> = (
    (&'a str, &'a str, &'a str),
    Option<&'a str>,
    &'a [u8],
    &'a str,
);

/// `PUT /api/v1/releases/{version}/{platform}{query}` with these bytes, as
/// `token`, with `signature` in X-Release-Signature when given.
async fn upload(
    ctx: &Ctx,
    token: Option<&str>,
    release: (&str, &str, &str),
    signature: Option<&str>,
    body: Vec<u8>,
) -> Res {
    let (version, platform, query) = release;
    let url = format!("{}/api/v1/releases/{version}/{platform}{query}", ctx.base);
    let mut req = ctx
        .client
        .put(url)
        .header("Content-Type", "application/octet-stream")
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(s) = signature {
        req = req.header("X-Release-Signature", s);
    }
    Ctx::send(req).await
}

/// An admin's upload of a release, which must answer `status`.
async fn publish(ctx: &Ctx, version: &str, platform: &str, body: &[u8], status: u16) -> Res {
    let sig = example_signature();
    let release = (version, platform, "?notes=Faster%20sync");
    upload(
        ctx,
        Some(&ctx.admin.token),
        release,
        Some(&sig),
        body.to_vec(),
    )
    .await
    .expect_status(status)
}

/// The releases listed, as (version, platform).
async fn listed(ctx: &Ctx) -> Vec<(String, String)> {
    let r = ctx
        .get("/api/v1/releases", &ctx.admin)
        .await
        .expect_status(200);
    items(&r.body["results"])
        .map(|e| {
            (
                e["version"].as_str().unwrap().into(),
                e["platform"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// The actions of the audit log's release entries, newest first.
async fn release_audit(ctx: &Ctx) -> Vec<String> {
    let r = ctx
        .get("/api/v1/audit/", &ctx.admin)
        .await
        .expect_status(200);
    items(&r.body["results"])
        .filter_map(|e| e["action"].as_str())
        .filter(|a| a.starts_with("release."))
        .map(str::to_owned)
        .collect()
}

async fn admins_upload_replace_list_and_delete_releases(ctx: Ctx) {
    let r = publish(&ctx, "0.1.1", DEB, b"first build", 201).await;
    let sha = "sha256 of the first build";
    assert_eq!(r.body["version"], "0.1.1");
    assert_eq!(r.body["platform"], DEB);
    assert_eq!(r.body["size"], 11);
    assert_eq!(r.body["signature"], example_signature().as_str());
    assert_eq!(r.body["notes"], "Faster sync");
    assert_eq!(r.body["created_by"], ctx.admin.email.as_str());
    let first_sha = r.body["sha256"].as_str().expect(sha).to_owned();
    assert_eq!(first_sha.len(), 64, "{}", r.text);
    assert!(r.body["created_at"].as_str().unwrap().ends_with('Z'));
    // The same version and platform again replaces it: 200.
    let r = publish(&ctx, "0.1.1", DEB, b"second build, longer", 200).await;
    assert_eq!(r.body["size"], 20);
    assert_ne!(r.body["sha256"].as_str().expect(sha), first_sha);
    // Bodies above the server's usual 1 MiB are fine here, within the
    // release limit (4 MiB in tests).
    publish(&ctx, "0.10.0", DEB, &vec![7u8; 2 * 1024 * 1024], 201).await;
    publish(&ctx, "0.2.0", "windows-x86_64-msi", b"msi", 201).await;
    let path = format!("/api/v1/releases/0.3.0/{DEB}");
    let (status, body) = crate::suite_security::announce(&ctx, &path, 4 * 1024 * 1024 + 1).await;
    assert_eq!(status, 413);
    assert!(
        body["detail"].as_str().unwrap().contains("4194304"),
        "{body}"
    );
    // Anyone signed in lists them, newest version (semver, not text) first.
    let viewer = ctx.user(Role::Viewer, &[]).await;
    let r = ctx
        .get("/api/v1/releases", &viewer)
        .await
        .expect_status(200);
    assert_eq!(r.body["count"], 3);
    assert!(!r.text.contains("artifact"), "{}", r.text);
    let expected = [
        ("0.10.0", DEB),
        ("0.2.0", "windows-x86_64-msi"),
        ("0.1.1", DEB),
    ];
    let expected: Vec<(String, String)> = expected.map(|(v, p)| (v.into(), p.into())).into();
    assert_eq!(listed(&ctx).await, expected);
    // Deleted: 204, then 404, and the download is gone.
    let one = format!("/api/v1/releases/0.1.1/{DEB}");
    ctx.expect_all(&ctx.admin, &[("DELETE", &one, 204), ("DELETE", &one, 404)])
        .await;
    ctx.call("GET", &format!("{one}/download"), None, None)
        .await
        .expect_status(404);
    assert_eq!(listed(&ctx).await.len(), 2);
    // Audited, newest first.
    let actions = release_audit(&ctx).await;
    let expected = [
        "release.delete",
        "release.upload",
        "release.upload",
        "release.upload",
        "release.upload",
    ];
    assert_eq!(actions, expected.map(str::to_owned), "{actions:?}");
    let r = ctx
        .get("/api/v1/audit/?action=release.delete", &ctx.admin)
        .await
        .expect_status(200);
    assert_eq!(
        r.body["results"][0]["actor"]["email"],
        ctx.admin.email.as_str()
    );
    assert_eq!(
        r.body["results"][0]["fields"][0],
        format!("release 0.1.1 {DEB}")
    );
}

async fn only_admins_upload_or_delete_releases(ctx: Ctx) {
    publish(&ctx, "0.1.1", DEB, b"kept", 201).await;
    let member = ctx.user(Role::Member, &[]).await;
    let viewer = ctx.user(Role::Viewer, &[]).await;
    let service = ctx.service_token().await;
    let sig = example_signature();
    let callers: [(Option<&str>, u16); 6] = [
        (Some(&member.token), 403),
        (Some(&viewer.token), 403),
        (Some(&service), 403),
        (None, 401),
        (Some("sbs_unknown"), 401),
        (Some("sbt_unknown"), 401),
    ];
    let one = format!("/api/v1/releases/0.1.1/{DEB}");
    for (token, status) in callers {
        for version in ["0.1.1", "0.9.0"] {
            let release = (version, DEB, "");
            let r = upload(&ctx, token, release, Some(&sig), b"evil".to_vec()).await;
            r.expect_status(status).assert_says("detail", "");
        }
        ctx.call("DELETE", &one, token, None)
            .await
            .expect_status(status);
    }
    // A service token lists nothing either.
    ctx.call("GET", "/api/v1/releases", Some(&service), None)
        .await
        .expect_status(403);
    ctx.call("GET", "/api/v1/releases", None, None)
        .await
        .expect_status(401);
    let r = ctx
        .get("/api/v1/releases", &member)
        .await
        .expect_status(200);
    assert_eq!(r.body["count"], 1);
    assert_eq!(
        r.body["results"][0]["size"], 4,
        "the admin's upload is untouched"
    );
    assert_eq!(release_audit(&ctx).await, ["release.upload"]);
}

async fn bad_uploads_say_what_to_do_and_store_nothing(ctx: Ctx) {
    let admin = Some(ctx.admin.token.as_str());
    let sig = example_signature();
    let lines = |l: &[&str]| STANDARD.encode(l.join("\n"));
    let ed = STANDARD.encode([b"ED".as_slice(), &[1u8; 72]].concat());
    let global = STANDARD.encode([2u8; 64]);
    let short = STANDARD.encode([b"ED".as_slice(), &[1u8; 10]].concat());
    let bad_signatures = [
        lines(&["untrusted comment: x", &ed, "trusted comment: y"]),
        lines(&["comment: x", &ed, "trusted comment: y", &global]),
        lines(&[
            "untrusted comment: x",
            &short,
            "trusted comment: y",
            &global,
        ]),
        lines(&[
            "untrusted comment: x",
            &ed,
            "trusted comment: y",
            "not base64!",
        ]),
        "not base64 at all!".to_owned(),
        STANDARD.encode([0xff, 0xfe]),
    ];
    for bad in &bad_signatures {
        let r = upload(&ctx, admin, ("0.1.1", DEB, ""), Some(bad), b"x".to_vec()).await;
        r.expect_status(400).assert_says(
            "detail",
            "X-Release-Signature header is not a Tauri update signature",
        );
    }
    let cases: [Case; 8] = [
        (
            ("v0.1.1", DEB, ""),
            Some(&sig),
            b"x",
            "version: not a semantic version",
        ),
        (("0.1", DEB, ""), Some(&sig), b"x", "e.g. 0.1.1"),
        (("latest", DEB, ""), Some(&sig), b"x", "tauri.conf.json"),
        (
            ("0.1.1", "linux-x86_64-exe", ""),
            Some(&sig),
            b"x",
            "platform: not a platform",
        ),
        (
            ("0.1.1", "mac-arm64", ""),
            Some(&sig),
            b"x",
            "e.g. linux-x86_64-deb",
        ),
        (
            ("0.1.1", DEB, ""),
            None,
            b"x",
            "X-Release-Signature header is missing",
        ),
        (
            ("0.1.1", DEB, ""),
            Some(&sig),
            b"",
            "The request body is empty",
        ),
        (
            ("0.1.1", DEB, "?notes="),
            Some(&sig),
            b"x",
            "notes: at most 10000 characters",
        ),
    ];
    let long_notes = format!("?notes={}", "n".repeat(10_001));
    for (i, (release, signature, body, says)) in cases.into_iter().enumerate() {
        let release = if i == 7 {
            (release.0, release.1, long_notes.as_str())
        } else {
            release
        };
        let r = upload(&ctx, admin, release, signature, body.to_vec()).await;
        r.expect_status(400).assert_says("detail", says);
    }
    assert!(listed(&ctx).await.is_empty());
    assert!(release_audit(&ctx).await.is_empty());
    // Notes of exactly 10 000 characters are fine.
    let notes = format!("?notes={}", "n".repeat(10_000));
    let r = upload(
        &ctx,
        admin,
        ("0.1.1", DEB, &notes),
        Some(&sig),
        b"x".to_vec(),
    )
    .await;
    assert_eq!(
        r.expect_status(201).body["notes"].as_str().unwrap().len(),
        10_000
    );
}

/// The manifest for `platform` at `current`, asked with no credentials.
async fn manifest(ctx: &Ctx, platform: &str, current: &str) -> Res {
    let path = format!("/api/v1/updates/{platform}/{current}");
    ctx.call("GET", &path, None, None).await
}

async fn the_manifest_offers_the_highest_newer_version_of_the_platform_to_anyone(ctx: Ctx) {
    manifest(&ctx, DEB, "0.1.0").await.expect_status(204);
    for (version, platform) in [
        ("0.1.1", DEB),
        ("0.2.0", DEB),
        ("0.10.0", DEB),
        ("0.11.0-beta.1", "linux-x86_64-rpm"),
        ("1.0.0", "windows-x86_64-msi"),
        ("2.0.0", "linux-x86_64"),
    ] {
        publish(&ctx, version, platform, version.as_bytes(), 201).await;
    }
    // 0.10.0 is above 0.2.0 (semver, not text); other platforms don't count.
    let r = manifest(&ctx, DEB, "0.1.0").await.expect_status(200);
    let keys: Vec<&String> = r.body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["notes", "pub_date", "signature", "url", "version"]);
    assert_eq!(r.body["version"], "0.10.0");
    assert_eq!(r.body["notes"], "Faster sync");
    assert_eq!(r.body["signature"], example_signature().as_str());
    let url = format!("{}/api/v1/releases/0.10.0/{DEB}/download", ctx.base);
    assert_eq!(r.body["url"], url.as_str());
    let pub_date = r.body["pub_date"].as_str().unwrap();
    time::OffsetDateTime::parse(pub_date, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{pub_date}: {e}"));
    assert_eq!(
        manifest(&ctx, DEB, "0.2.0").await.expect_status(200).body["version"],
        "0.10.0"
    );
    // Up to date, or ahead: 204 with an empty body.
    for current in ["0.10.0", "0.10.1", "3.0.0"] {
        let r = manifest(&ctx, DEB, current).await.expect_status(204);
        assert!(r.bytes.is_empty());
    }
    let r = manifest(&ctx, "linux-x86_64-rpm", "0.10.0")
        .await
        .expect_status(200);
    assert_eq!(r.body["version"], "0.11.0-beta.1");
    manifest(&ctx, "darwin-aarch64-app", "0.0.1")
        .await
        .expect_status(204);
    assert_eq!(
        manifest(&ctx, "linux-x86_64", "1.9.9").await.body["version"],
        "2.0.0"
    );
    // Bad input is a JSON 400.
    manifest(&ctx, DEB, "0.1")
        .await
        .expect_status(400)
        .assert_says("detail", "current_version: not a semantic version");
    manifest(&ctx, "linux-riscv-deb", "0.1.0")
        .await
        .expect_status(400)
        .assert_says("detail", "platform");
    // Any Authorization header is ignored, and a proxy's scheme and host make the URL.
    for auth in ["Bearer sbt_nonsense", "Bearer sbs_nonsense", "Basic eDp5"] {
        let req = ctx
            .client
            .get(format!("{}/api/v1/updates/{DEB}/0.1.0", ctx.base))
            .header("Authorization", auth)
            .header("Host", "updates.example.com")
            .header("X-Forwarded-Proto", "https");
        let r = Ctx::send(req).await.expect_status(200);
        let url = format!("https://updates.example.com/api/v1/releases/0.10.0/{DEB}/download");
        assert_eq!(r.body["url"], url.as_str());
    }
}

async fn downloads_are_the_uploaded_bytes_for_anyone(ctx: Ctx) {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    for platform in [
        DEB,
        "linux-x86_64-appimage",
        "windows-x86_64-nsis",
        "darwin-aarch64-app",
        "linux-x86_64",
    ] {
        publish(&ctx, "0.1.1", platform, &bytes, 201).await;
    }
    let r = manifest(&ctx, "linux-x86_64-appimage", "0.1.0")
        .await
        .expect_status(200);
    let url = r.body["url"].as_str().unwrap().to_owned();
    let r = Ctx::send(ctx.client.get(url).header("Authorization", "Bearer junk")).await;
    let r = r.expect_status(200);
    assert!(r.bytes == bytes, "the bytes differ");
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(r.header("content-length").as_deref(), Some("70000"));
    for (platform, name) in [
        (DEB, "Switchboard_0.1.1_linux-x86_64-deb.deb"),
        (
            "linux-x86_64-appimage",
            "Switchboard_0.1.1_linux-x86_64-appimage.AppImage.tar.gz",
        ),
        (
            "windows-x86_64-nsis",
            "Switchboard_0.1.1_windows-x86_64-nsis.exe",
        ),
        (
            "darwin-aarch64-app",
            "Switchboard_0.1.1_darwin-aarch64-app.app.tar.gz",
        ),
        ("linux-x86_64", "Switchboard_0.1.1_linux-x86_64.bin"),
    ] {
        let path = format!("/api/v1/releases/0.1.1/{platform}/download");
        let r = ctx.call("GET", &path, None, None).await.expect_status(200);
        let disposition = format!("attachment; filename=\"{name}\"");
        assert_eq!(r.header("content-disposition"), Some(disposition));
        assert!(r.bytes == bytes);
    }
    let r = ctx
        .call(
            "GET",
            "/api/v1/releases/0.1.2/linux-x86_64-deb/download",
            None,
            None,
        )
        .await
        .expect_status(404);
    assert_eq!(r.body["detail"], Value::from("Not found."));
}
