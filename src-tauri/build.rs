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
    "copy_secret",
    "test_integration",
    "integration_logs",
    "stats",
    "websites",
    "create_website",
    "update_website",
    "delete_website",
    "start_test_all",
    "test_all_progress",
    "cancel_test_all",
    "health_events",
    "get_settings",
    "boot",
    "save_settings",
    "sync_status",
    "sync_connect",
    "sync_disconnect",
    "sync_now",
    "sync_conflicts",
    "sync_resolve",
    "send_test_message",
    "verify_webhook",
];

/// A fingerprint of the built UI (file names, sizes and modification times),
/// passed to the crate as SWITCHBOARD_UI_BUILD: a changed value makes cargo
/// recompile the app, so it never embeds a stale `ui/dist`.
fn ui_fingerprint() -> String {
    let mut entries: Vec<(String, u64, u128)> = std::fs::read_dir("ui/dist")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let modified = meta
                .modified()
                .ok()?
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_nanos();
            Some((
                e.file_name().to_string_lossy().into_owned(),
                meta.len(),
                modified,
            ))
        })
        .collect();
    entries.sort();
    // FNV-1a over the listing.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in format!("{entries:?}").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

fn main() {
    println!("cargo:rustc-env=SWITCHBOARD_UI_BUILD={}", ui_fingerprint());
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
