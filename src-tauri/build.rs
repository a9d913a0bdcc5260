//! Build script of the desktop app: runs Tauri's build-time helpers, which
//! read `tauri.conf.json` beside the top-level manifest, resolve the
//! capabilities in `src-tauri/capabilities/` and put the app's own commands
//! behind the permission system (`allow-<command>` / `deny-<command>`).

/// The app's commands; each one gets generated `allow-`/`deny-` permissions
/// and is callable only from windows whose capability grants it.
const COMMANDS: &[&str] = &[
    "app_info",
    "vault_status",
    "setup_vault",
    "unlock",
    "lock",
    "list_integrations",
    "type_overview",
    "get_integration",
    "create_integration",
    "update_integration",
    "set_active",
    "delete_integration",
    "reveal_secret",
    "test_integration",
    "integration_logs",
    "stats",
    "websites",
    "create_website",
    "start_test_all",
    "test_all_progress",
    "cancel_test_all",
    "health_events",
    "get_settings",
    "save_settings",
    "sync_status",
    "sync_connect",
    "sync_disconnect",
    "sync_now",
    "sync_conflicts",
    "sync_resolve",
];

fn main() {
    // Tauri looks for `./capabilities` beside the manifest by default; ours
    // live under src-tauri/, and a custom pattern must be watched by hand.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    // The built UI and the icons are embedded into the binary.
    println!("cargo:rerun-if-changed=ui/dist");
    println!("cargo:rerun-if-changed=icons");

    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
