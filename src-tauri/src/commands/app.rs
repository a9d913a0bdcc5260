//! The `app_info` command: the app's name and version for the footer.

pub use switchboard_ipc::AppInfo;
use tauri::{AppHandle, PackageInfo, Runtime};

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
