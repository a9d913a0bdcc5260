//! Build script of the desktop app: runs Tauri's build-time helpers, which
//! read `tauri.conf.json` beside the top-level manifest, resolve the
//! capabilities in `src-tauri/capabilities/` and put the app's own commands
//! behind the permission system (`allow-<command>` / `deny-<command>`). The
//! commands come from their one declaration, `switchboard_ipc::cmd`.

use switchboard_ipc::cmd;

/// The main window's capability file, which must grant exactly the app's
/// commands (`cmd::ALL`, each as `allow-<name-with-dashes>`).
const MAIN_WINDOW_CAPABILITY: &str = "src-tauri/capabilities/main-window.json";

/// Fails the build, saying what to add or remove, when the capability file
/// and the declared commands differ (a command missing from the file would
/// be refused at run time; an extra entry would not resolve).
fn check_capability() {
    let text = std::fs::read_to_string(MAIN_WINDOW_CAPABILITY)
        .unwrap_or_else(|e| panic!("cannot read {MAIN_WINDOW_CAPABILITY}: {e}"));
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{MAIN_WINDOW_CAPABILITY} is not JSON: {e}"));
    let granted: Vec<String> = json["permissions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect();
    let wanted: Vec<String> = cmd::ALL.iter().map(|name| cmd::permission(name)).collect();
    let missing: Vec<&String> = wanted.iter().filter(|p| !granted.contains(p)).collect();
    let extra: Vec<&String> = granted.iter().filter(|p| !wanted.contains(p)).collect();
    if !missing.is_empty() || !extra.is_empty() {
        panic!(
            "{MAIN_WINDOW_CAPABILITY} does not match the commands declared in crates/ipc/src/cmd.rs: \
             add {missing:?}, remove {extra:?}"
        );
    }
}

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
    check_capability();

    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(cmd::ALL));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
