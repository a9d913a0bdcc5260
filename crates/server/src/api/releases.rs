//! Desktop app updates served by the team server, so a team needs no other
//! host: an admin uploads a signed release (`PUT /api/v1/releases/{version}/
//! {platform}`, the artifact's bytes with the Tauri signer's `.sig` text in
//! `X-Release-Signature`), and the app's updater asks, with no credentials,
//! `GET /api/v1/updates/{platform}/{current_version}` for Tauri's dynamic
//! manifest of the newest version, then downloads it from
//! `GET /api/v1/releases/{version}/{platform}/download` and checks the
//! signature against the public key it has pinned (the server never holds
//! a key: it only checks that the signature has minisign's shape).
//!
//! Releases live in the database, artifacts included, so every replica
//! serves the same ones.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use semver::Version;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{no_content, Caller, Pairs, Routes};
use crate::error::{Error, Flavor, Rejection, Second};
use crate::model::{AuthUser, ReleaseRecord};
use crate::state::{AppState, Settings};

pub const LIST_PATH: &str = "/api/v1/releases";
pub const RELEASE_PATH: &str = "/api/v1/releases/{version}/{platform}";
pub const DOWNLOAD_PATH: &str = "/api/v1/releases/{version}/{platform}/download";
pub const MANIFEST_PATH: &str = "/api/v1/updates/{platform}/{current_version}";
/// The header that carries the `.sig` text of an upload.
pub const SIGNATURE_HEADER: &str = "x-release-signature";
/// The longest release notes accepted, in characters.
pub const MAX_NOTES: usize = 10_000;
/// The longest version accepted, in characters.
const MAX_VERSION: usize = 100;
const VIA: &str = "api/v1/releases";

pub fn routes() -> Routes {
    Routes::default()
        .add(LIST_PATH, &["GET"], get(list))
        .add(RELEASE_PATH, &["PUT", "DELETE"], put(upload).delete(remove))
        .add(DOWNLOAD_PATH, &["GET"], get(download))
        .add(MANIFEST_PATH, &["GET"], get(manifest))
}

/// The body limit of a path: the upload's setting for the releases' paths.
pub fn body_limit(path: &str, settings: &Settings) -> Option<usize> {
    path.starts_with("/api/v1/releases/")
        .then_some(settings.max_release_bytes)
}

/// The two path parameters of a release route (version and platform, or
/// platform and current version), as given; a path that cannot be read is
/// "not found".
struct Key(String, String);

impl FromRequestParts<AppState> for Key {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Rejection> {
        axum::extract::Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path((a, b))| Key(a, b))
            .map_err(|_| Rejection(Error::NotFound, Flavor::Second))
    }
}

/// A strict semantic version (what tauri.conf.json's `version` holds).
pub fn parse_version(key: &str, text: &str) -> Result<Version, Error> {
    let bad = || {
        Error::BadRequest(format!(
            "{key}: not a semantic version. Use MAJOR.MINOR.PATCH with an optional -prerelease, \
             e.g. 0.1.1 or 1.0.0-beta.2, exactly as in the app's tauri.conf.json (no leading v)."
        ))
    };
    if text.len() > MAX_VERSION {
        return Err(bad());
    }
    Version::parse(text).map_err(|_| bad())
}

/// Checks `{os}-{arch}` or `{os}-{arch}-{bundle}`, the updater's
/// `{{target}}-{{arch}}-{{bundle_type}}`.
pub fn check_platform(text: &str) -> Result<(), Error> {
    let parts: Vec<&str> = text.split('-').collect();
    let ok = matches!(parts.len(), 2 | 3)
        && ["linux", "darwin", "windows"].contains(&parts[0])
        && ["x86_64", "aarch64", "i686", "armv7"].contains(&parts[1])
        && parts
            .get(2)
            .is_none_or(|b| ["deb", "rpm", "appimage", "msi", "nsis", "app"].contains(b));
    if ok {
        return Ok(());
    }
    Err(Error::BadRequest(
        "platform: not a platform. Use OS-ARCH or OS-ARCH-BUNDLE, as the updater's \
         {{target}}-{{arch}}-{{bundle_type}}: OS linux, darwin or windows; ARCH x86_64, \
         aarch64, i686 or armv7; BUNDLE deb, rpm, appimage, msi, nsis or app \
         (e.g. linux-x86_64-deb)."
            .into(),
    ))
}

/// Why `text` is not a Tauri update signature: base64 of a minisign
/// signature file (an untrusted comment, a 74-byte Ed25519 signature, a
/// trusted comment, a 64-byte global signature). Only the shape is checked.
pub fn signature_problem(text: &str) -> Option<&'static str> {
    let decoded = |line: &str| STANDARD.decode(line.trim()).ok();
    let Some(file) = decoded(text).and_then(|b| String::from_utf8(b).ok()) else {
        return Some("it is not base64 of a text");
    };
    let lines: Vec<&str> = file.trim_end().lines().collect();
    let [untrusted, signature, trusted, global] = lines.as_slice() else {
        return Some("a minisign signature has four lines");
    };
    if !untrusted.starts_with("untrusted comment:") {
        return Some("its first line is not an untrusted comment");
    }
    let signature = decoded(signature).unwrap_or_default();
    if signature.len() != 74 || !(signature.starts_with(b"Ed") || signature.starts_with(b"ED")) {
        return Some("its second line is not a base64 Ed25519 signature of 74 bytes");
    }
    if !trusted.starts_with("trusted comment:") {
        return Some("its third line is not a trusted comment");
    }
    if decoded(global).is_none_or(|g| g.len() != 64) {
        return Some("its fourth line is not a base64 signature of 64 bytes");
    }
    None
}

/// A signature of the right shape (signing nothing), for the document's
/// example and for tests.
pub fn example_signature() -> String {
    let mut signature = b"ED".to_vec();
    signature.extend([7u8; 72]);
    let file = format!(
        "untrusted comment: signature from tauri secret key\n{}\n\
         trusted comment: timestamp:1767225600\tfile:Switchboard_0.1.1_amd64.deb\n{}\n",
        STANDARD.encode(signature),
        STANDARD.encode([9u8; 64])
    );
    STANDARD.encode(file)
}

/// The file name a download is saved under.
fn file_name(version: &str, platform: &str) -> String {
    let extension = match platform.rsplit('-').next() {
        Some("deb") => "deb",
        Some("rpm") => "rpm",
        Some("appimage") => "AppImage.tar.gz",
        Some("msi") => "msi",
        Some("nsis") => "exe",
        Some("app") => "app.tar.gz",
        _ => "bin",
    };
    format!("Switchboard_{version}_{platform}.{extension}")
}

fn audit(user: &AuthUser, action: &str, version: &str, platform: &str) -> crate::model::AuditEntry {
    let fields = vec![format!("release {version} {platform}")];
    crate::service::audit(user, action, VIA, fields)
}

/// An admin's upload, read in order: the caller (401, then 403 for anyone
/// but an admin), the path, the signature and the notes (400), and only
/// then the body, within the release size limit (413).
struct Upload {
    state: AppState,
    user: AuthUser,
    release: ReleaseRecord,
    artifact: axum::body::Bytes,
}

impl Upload {
    async fn read(req: Request, state: &AppState) -> Result<Upload, Error> {
        let (mut parts, body) = req.into_parts();
        let Caller(state, user) = Caller::from_request_parts(&mut parts, state)
            .await
            .map_err(|Rejection(e, _)| e)?;
        super::admin_only(&user)?;
        let Key(version, platform) = Key::from_request_parts(&mut parts, &state)
            .await
            .map_err(|Rejection(e, _)| e)?;
        parse_version("version", &version)?;
        check_platform(&platform)?;
        let signature = parts
            .headers
            .get(SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                Error::BadRequest(
                    "The X-Release-Signature header is missing: send the text of the .sig file \
                     the Tauri signer wrote beside the artifact, e.g. \
                     -H \"X-Release-Signature: $(cat Switchboard_0.1.1_amd64.deb.sig)\"."
                        .into(),
                )
            })?
            .to_owned();
        if let Some(why) = signature_problem(&signature) {
            return Err(Error::BadRequest(format!(
                "The X-Release-Signature header is not a Tauri update signature ({why}): send \
                 the text of the artifact's .sig file as it is, one line of base64."
            )));
        }
        let Pairs(query) = Pairs::from_request_parts(&mut parts, &state)
            .await
            .map_err(|Rejection(e, _)| e)?;
        let notes = query
            .iter()
            .rfind(|(k, _)| k == "notes")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let count = notes.chars().count();
        if count > MAX_NOTES {
            return Err(Error::BadRequest(format!(
                "notes: at most {MAX_NOTES} characters ({count} given); shorten them, or link to \
                 a page with the full notes."
            )));
        }
        let limit = state.settings().max_release_bytes;
        let artifact = axum::body::to_bytes(body, limit).await.map_err(|e| {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if too_large {
                Error::TooLarge(limit)
            } else {
                Error::BadRequest("The request body could not be read; send it again.".into())
            }
        })?;
        if artifact.is_empty() {
            return Err(Error::BadRequest(
                "The request body is empty: send the artifact's bytes \
                 (curl --data-binary @Switchboard_0.1.1_amd64.deb)."
                    .into(),
            ));
        }
        let release = ReleaseRecord {
            size: artifact.len() as i64,
            sha256: hex::encode(Sha256::digest(&artifact)),
            version,
            platform,
            signature,
            notes,
            created_at: crate::db::now(),
            created_by: user.email.clone(),
        };
        Ok(Upload {
            state,
            user,
            release,
            artifact,
        })
    }
}

impl FromRequest<AppState> for Upload {
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Rejection> {
        Upload::read(req, state)
            .await
            .map_err(|e| Rejection(e, Flavor::Second))
    }
}

async fn upload(u: Upload) -> Result<Response, Second> {
    let r = &u.release;
    let entry = audit(&u.user, "release.upload", &r.version, &r.platform);
    let replaced = u.state.db().put_release(r, &u.artifact, &entry).await?;
    let status = if replaced {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(json!(r))).into_response())
}

/// Newest version first (semver order), then by platform.
async fn list(Caller(state, _): Caller) -> Result<Json<Value>, Second> {
    let mut all: Vec<(Option<Version>, ReleaseRecord)> = state
        .db()
        .releases(None)
        .await?
        .into_iter()
        .map(|r| (Version::parse(&r.version).ok(), r))
        .collect();
    all.sort_by(|(va, a), (vb, b)| vb.cmp(va).then_with(|| a.platform.cmp(&b.platform)));
    let results: Vec<ReleaseRecord> = all.into_iter().map(|(_, r)| r).collect();
    Ok(Json(json!({"count": results.len(), "results": results})))
}

async fn remove(c: Caller, Key(version, platform): Key) -> Result<Response, Second> {
    let (state, user) = c.admin()?;
    let entry = audit(&user, "release.delete", &version, &platform);
    if !state
        .db()
        .delete_release(&version, &platform, &entry)
        .await?
    {
        return Err(Error::NotFound.into());
    }
    Ok(no_content())
}

/// The artifact, for anyone (the updater checks its signature).
async fn download(
    State(state): State<AppState>,
    Key(version, platform): Key,
) -> Result<Response, Second> {
    let artifact = state
        .db()
        .release_artifact(&version, &platform)
        .await?
        .ok_or(Error::NotFound)?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        file_name(&version, &platform)
    );
    let disposition = HeaderValue::from_str(&disposition)
        .map_err(|_| Error::Internal("a stored release has an odd name".into()))?;
    let length = artifact.len();
    let mut response = Response::new(Body::from(artifact));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    Ok(response)
}

/// Tauri's dynamic update manifest of the newest release of `platform`
/// above `current_version`, or 204 when there is none; for anyone.
async fn manifest(
    State(state): State<AppState>,
    Key(platform, current): Key,
    headers: HeaderMap,
) -> Result<Response, Second> {
    check_platform(&platform)?;
    let current = parse_version("current_version", &current)?;
    let newest = state
        .db()
        .releases(Some(&platform))
        .await?
        .into_iter()
        .filter_map(|r| Some((Version::parse(&r.version).ok()?, r)))
        .filter(|(v, _)| *v > current)
        .max_by(|(a, _), (b, _)| a.cmp(b));
    let Some((_, release)) = newest else {
        return Ok(no_content());
    };
    let base = match &state.settings().public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None => super::base_url(&headers),
    };
    let url = format!(
        "{base}/api/v1/releases/{}/{}/download",
        release.version, release.platform
    );
    Ok(Json(json!({
        "version": release.version,
        "notes": release.notes,
        "pub_date": release.created_at,
        "url": url,
        "signature": release.signature,
    }))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_versions_and_signatures_are_checked_for_shape() {
        for ok in [
            "linux-x86_64-deb",
            "darwin-aarch64-app",
            "windows-i686",
            "linux-armv7-appimage",
        ] {
            assert!(check_platform(ok).is_ok(), "{ok}");
        }
        for bad in [
            "linux",
            "linux-x86_64-",
            "mac-x86_64",
            "linux-x86_64-deb-x",
            "linux-sparc-deb",
            "",
        ] {
            assert!(check_platform(bad).is_err(), "{bad}");
        }
        assert!(parse_version("version", "0.1.1").is_ok());
        assert!(parse_version("version", "1.0.0-beta.2").is_ok());
        for bad in ["v0.1.1", "0.1", "01.0.0", "latest", ""] {
            assert!(parse_version("version", bad).is_err(), "{bad}");
        }
        assert_eq!(signature_problem(&example_signature()), None);
        assert!(signature_problem("not base64!").is_some());
        assert!(signature_problem(&STANDARD.encode("untrusted comment: x\n")).is_some());
        assert_eq!(
            file_name("0.1.1", "linux-x86_64-appimage"),
            "Switchboard_0.1.1_linux-x86_64-appimage.AppImage.tar.gz"
        );
        assert_eq!(
            file_name("0.1.1", "windows-x86_64-nsis"),
            "Switchboard_0.1.1_windows-x86_64-nsis.exe"
        );
        assert_eq!(
            file_name("0.1.1", "linux-x86_64"),
            "Switchboard_0.1.1_linux-x86_64.bin"
        );
    }
}
