//! The `app_info` command (the app's name and version for the footer) and
//! `boot`, the first screen's data in one answer.

use super::{insights, integrations, vault, CmdResult};
use crate::state::AppState;
use switchboard_ipc::cmd::{self, Answer};
pub use switchboard_ipc::AppInfo;
use switchboard_ipc::{Boot, FirstScreen, ListQuery};
use tauri::{AppHandle, Manager, PackageInfo, Runtime, State};

/// The vault's state and the settings, and when unlocked the list's first
/// page for its opening filters, the type cards' counts and the websites:
/// what the UI would otherwise ask in five calls, two of them in a row.
#[tauri::command]
pub async fn boot(app: AppHandle, state: State<'_, AppState>) -> CmdResult<Answer<cmd::GetBoot>> {
    let t0 = std::time::Instant::now();
    let trace = std::env::var_os("SWITCHBOARD_STARTUP_TRACE").is_some_and(|v| !v.is_empty());
    let settings = crate::settings::load(&app);
    let vault = vault::vault_status(state.clone()).await?;
    if trace {
        eprintln!("boot: vault after {} us", t0.elapsed().as_micros());
    }
    let first = if vault.unlocked {
        let query = ListQuery::opening(settings.default_website.as_deref());
        // Read while the window was starting (see `prefetch_first_screen`)?
        let ready = state
            .first_screen
            .lock()
            .await
            .take()
            .filter(|p| p.at.elapsed() < PREFETCH_FRESH && p.screen.query == query);
        let screen = match ready {
            Some(prefetched) => prefetched.screen,
            None => first_screen(state.clone(), query).await?,
        };
        if trace {
            eprintln!("boot: first screen after {} us", t0.elapsed().as_micros());
        }
        Some(screen)
    } else {
        None
    };
    Ok(Boot {
        vault,
        settings,
        first,
    })
}

/// How long a first screen read at start-up may wait for the UI's `boot`.
/// Nothing in the app writes in that time (the first sync and the first
/// background health check come minutes later; the UI asks nothing before
/// `boot`); the bound covers another process, the CLI say, writing then.
pub const PREFETCH_FRESH: std::time::Duration = std::time::Duration::from_secs(3);

/// The list's first page for `query`, the type cards' counts and the websites.
async fn first_screen(state: State<'_, AppState>, query: ListQuery) -> CmdResult<FirstScreen> {
    let list = integrations::list_integrations(state.clone(), query.clone()).await?;
    let overview = integrations::type_overview(state.clone()).await?;
    let websites = insights::websites(state).await?;
    Ok(FirstScreen {
        query,
        list,
        overview,
        websites,
    })
}

/// Reads the first screen while GTK and the webview start, once the start-up
/// keyring unlock is done, so that `boot` answers without touching the
/// store. Holds `first_screen` until done: a `boot` arriving first waits for
/// it rather than reading the same rows again.
pub fn prefetch_first_screen(app: &AppHandle) {
    let state = app.state::<AppState>();
    let Ok(mut slot) = std::sync::Arc::clone(&state.first_screen).try_lock_owned() else {
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let Ok(vault) = vault::vault_status(state.clone()).await else {
            return;
        };
        if !vault.unlocked {
            return;
        }
        let settings = crate::settings::load(&app);
        let query = ListQuery::opening(settings.default_website.as_deref());
        if let Ok(screen) = first_screen(state, query).await {
            *slot = Some(Prefetched {
                at: std::time::Instant::now(),
                screen,
            });
        }
    });
}

/// A first screen read ahead, and when.
pub struct Prefetched {
    pub at: std::time::Instant,
    pub screen: FirstScreen,
}

/// Reads the name and version Tauri knows the app by.
pub fn info_from_package(package: &PackageInfo) -> AppInfo {
    AppInfo {
        name: package.name.clone(),
        version: package.version.to_string(),
    }
}

/// Answers the app's name and version.
#[tauri::command]
pub fn app_info<R: Runtime>(app: AppHandle<R>) -> Answer<cmd::GetAppInfo> {
    info_from_package(app.package_info())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_info_reports_product_name_and_version() {
        let package = PackageInfo {
            name: "Switchboard".into(),
            version: "1.2.3".parse().expect("valid semver"),
            authors: "",
            description: "",
            crate_name: "switchboard-app",
        };
        let info = info_from_package(&package);
        assert_eq!(info.name, "Switchboard");
        assert_eq!(info.version, "1.2.3");
    }

    #[test]
    fn app_info_serializes_as_name_and_version() {
        let info = AppInfo {
            name: "Switchboard".into(),
            version: "0.1.0".into(),
        };
        let json = serde_json::to_value(&info).expect("serializable");
        assert_eq!(
            json,
            serde_json::json!({"name": "Switchboard", "version": "0.1.0"})
        );
    }
}
