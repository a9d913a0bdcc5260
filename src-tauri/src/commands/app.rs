//! The `app_info` command (the app's name and version for the footer) and
//! `boot`, the first screen's data in one answer.

use super::{insights, integrations, vault, CmdResult};
use crate::state::AppState;
pub use switchboard_ipc::AppInfo;
use switchboard_ipc::{Boot, FirstScreen, ListQuery};
use tauri::{AppHandle, PackageInfo, Runtime, State};

/// The vault's state and the settings, and when unlocked the list's first
/// page for its opening filters, the type cards' counts and the websites:
/// what the UI would otherwise ask in five calls, two of them in a row.
#[tauri::command]
pub async fn boot(app: AppHandle, state: State<'_, AppState>) -> CmdResult<Boot> {
    let t0 = std::time::Instant::now();
    let trace = std::env::var_os("SWITCHBOARD_STARTUP_TRACE").is_some_and(|v| !v.is_empty());
    let settings = crate::settings::load(&app);
    let vault = vault::vault_status(state.clone()).await?;
    if trace {
        eprintln!("boot: vault after {} us", t0.elapsed().as_micros());
    }
    let first = if vault.unlocked {
        let query = ListQuery::opening(settings.default_website.as_deref());
        let list = integrations::list_integrations(state.clone(), query.clone()).await?;
        let overview = integrations::type_overview(state.clone()).await?;
        let websites = insights::websites(state.clone()).await?;
        if trace {
            eprintln!("boot: first screen after {} us", t0.elapsed().as_micros());
        }
        Some(FirstScreen {
            query,
            list,
            overview,
            websites,
        })
    } else {
        None
    };
    Ok(Boot {
        vault,
        settings,
        first,
    })
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
pub fn app_info<R: Runtime>(app: AppHandle<R>) -> AppInfo {
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
