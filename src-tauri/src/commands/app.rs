//! The app's IPC commands. Each one is listed in `src-tauri/build.rs` and
//! granted to a window by a capability in `src-tauri/capabilities/`.

use serde::Serialize;
use tauri::{AppHandle, PackageInfo, Runtime};

/// The app's name and version, as shown in the UI's footer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppInfo {
    /// The product name from `tauri.conf.json` ("Switchboard").
    pub name: String,
    /// The app's version from its Cargo manifest.
    pub version: String,
}

impl AppInfo {
    /// Reads the name and version Tauri knows the app by.
    pub fn from_package(package: &PackageInfo) -> Self {
        Self {
            name: package.name.clone(),
            version: package.version.to_string(),
        }
    }
}

/// Answers the app's name and version.
#[tauri::command]
pub fn app_info<R: Runtime>(app: AppHandle<R>) -> AppInfo {
    AppInfo::from_package(app.package_info())
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
        let info = AppInfo::from_package(&package);
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
