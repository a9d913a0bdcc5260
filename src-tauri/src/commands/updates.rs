//! Updates of the app itself, served by the team server: `check_update`
//! asks the server this laptop syncs with for a release newer than the one
//! running, for this OS, CPU and package kind; `install_update` downloads
//! the release it offered, checks its minisign signature against the public
//! key built into the app (`plugins.updater.pubkey` in tauri.conf.json),
//! installs it and restarts. The server cannot make the app run anything the
//! team's signing key did not sign.

use std::time::Duration;

use super::CmdResult;
use crate::state::AppState;
use switchboard_ipc::cmd::{self, Answer};
use switchboard_ipc::{IpcError, UpdateOffer, UpdateStatus};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_updater::{Error as UpdaterError, Update, UpdaterExt};

/// How long one check or download may take before it is given up.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The updater's manifest URL on a team server; the updater fills in the
/// placeholders (`linux-x86_64-deb/0.1.0`, say).
pub fn manifest_url(server: &str) -> String {
    format!(
        "{}/api/v1/updates/{{{{target}}}}-{{{{arch}}}}-{{{{bundle_type}}}}/{{{{current_version}}}}",
        server.trim_end_matches('/')
    )
}

/// Looks for a newer version on the team server; the offer is kept for
/// `install_update`.
#[tauri::command]
pub async fn check_update(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Answer<cmd::CheckUpdate>> {
    let current = app.package_info().version.to_string();
    let mut status = UpdateStatus {
        current,
        ..UpdateStatus::default()
    };
    let server = state
        .store
        .sync_meta()
        .await
        .ok()
        .and_then(|m| m.server_url);
    let Some(server) = server else {
        status.note = Some(
            "Updates come from your team server: connect to one on the Sync page to get them."
                .into(),
        );
        return Ok(status);
    };
    if tauri::utils::platform::bundle_type().is_none() {
        status.note = Some(
            "This copy was built from source, not installed from a package, so it does not update itself."
                .into(),
        );
        return Ok(status);
    }
    let found = match updater(&app, &server) {
        Ok(updater) => updater.check().await,
        Err(e) => {
            status.note = Some(e.message);
            return Ok(status);
        }
    };
    let mut pending = state.update.lock().await;
    match found {
        Ok(Some(update)) if !secure(update.download_url.as_str()) => {
            *pending = None;
            status.note = Some(format!(
                "{server} offers version {} from {}, which is neither https:// nor this \
                 machine; it was not downloaded. Ask your admin to set the server's public \
                 https:// address (--public-url).",
                update.version, update.download_url
            ));
        }
        Ok(Some(update)) => {
            status.available = Some(UpdateOffer {
                version: update.version.clone(),
                notes: update.body.clone().filter(|n| !n.trim().is_empty()),
                date: update.date.and_then(|d| {
                    d.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                }),
            });
            *pending = Some(update);
        }
        Ok(None) => *pending = None,
        Err(e) => {
            *pending = None;
            status.note = Some(format!(
                "Could not ask {server} for updates: {e}. Check your connection and try again later."
            ));
        }
    }
    Ok(status)
}

/// Installs the update `check_update` offered and restarts into it.
#[tauri::command]
pub async fn install_update(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CmdResult<Answer<cmd::InstallUpdate>> {
    let update: Update = state.update.lock().await.clone().ok_or_else(|| {
        IpcError::new(
            "update",
            "There is no update to install: check for updates first.",
        )
    })?;
    let version = update.version.clone();
    update
        .download_and_install(|_, _| {}, || {})
        .await
        .map_err(|e| IpcError::new("update", install_message(&version, &e)))?;
    eprintln!("update: installed {version}; restarting");
    app.restart()
}

/// Where updates may come from: the same rule as sync (https://, or plain
/// http:// to this machine only). tauri.conf.json turns the plugin's own
/// blanket https-only rule off (`dangerousInsecureTransportProtocol`) so that
/// a team server on this machine works; this check, made for the manifest's
/// address and again for the download's, is what holds instead. Either way
/// nothing installs without the team key's signature.
fn secure(url: &str) -> bool {
    switchboard_sync::server_url(url).is_ok()
}

fn updater<R: Runtime>(
    app: &AppHandle<R>,
    server: &str,
) -> CmdResult<tauri_plugin_updater::Updater> {
    if !secure(server) {
        return Err(IpcError::new(
            "update",
            format!(
                "{server} is neither https:// nor this machine: updates are not asked from it."
            ),
        ));
    }
    let url = manifest_url(server).parse().map_err(|e| {
        IpcError::new(
            "update",
            format!("The team server's address is not a URL: {e}"),
        )
    })?;
    app.updater_builder()
        .endpoints(vec![url])
        .and_then(|b| b.timeout(TIMEOUT).build())
        .map_err(|e| IpcError::new("update", format!("Updates cannot start: {e}")))
}

/// What went wrong installing `version`, and what to do.
fn install_message(version: &str, error: &UpdaterError) -> String {
    match error {
        UpdaterError::Minisign(_)
        | UpdaterError::Base64(_)
        | UpdaterError::SignatureUtf8(_)
        | UpdaterError::SignedVersionMismatch { .. } => {
            format!(
                "Version {version} was not installed: its signature does not match this app's \
                 signing key, so it may not come from your team. Ask your admin to upload the \
                 release with the .sig file made by the team's key."
            )
        }
        UpdaterError::AuthenticationFailed
        | UpdaterError::PackageInstallFailed
        | UpdaterError::DebInstallFailed => format!(
            "Version {version} was downloaded and its signature checked, but the system did not \
             install it ({error}). Installing needs an administrator's permission: try again \
             and approve the prompt."
        ),
        _ => format!(
            "Version {version} could not be installed: {error}. Nothing was changed; try again later."
        ),
    }
}
