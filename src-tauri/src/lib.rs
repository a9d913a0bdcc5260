//! The Switchboard desktop shell: a Tauri 2 window showing the Yew UI from
//! `ui/dist`. It holds no logic of its own; commands are thin adapters over
//! the library crates and live in [`commands`].

pub mod commands;
pub mod state;

pub use commands::AppInfo;
use state::AppState;
use switchboard_store::Store;

/// Builds the app and runs it until its last window closes.
///
/// # Panics
///
/// When the store cannot be opened, or the windowing system cannot be
/// reached (no display) or the webview fails to start; there is nothing
/// useful to go on with then.
pub fn run() {
    let path = state::db_path();
    if let Some(dir) = path.parent() {
        // Store::open reports a clear error below if this fails.
        let _ = std::fs::create_dir_all(dir);
    }
    let store = tauri::async_runtime::block_on(Store::open(&path))
        .unwrap_or_else(|e| panic!("Switchboard could not open {}: {e}", path.display()));
    tauri::Builder::default()
        .manage(AppState {
            store,
            keyring_allowed: state::keyring_allowed(),
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::vault::vault_status,
            commands::vault::setup_vault,
            commands::vault::unlock,
            commands::vault::lock,
            commands::integrations::list_integrations,
            commands::integrations::type_overview,
            commands::integrations::get_integration,
            commands::integrations::create_integration,
            commands::integrations::update_integration,
            commands::integrations::set_active,
            commands::integrations::delete_integration,
            commands::integrations::reveal_secret,
            commands::integrations::test_integration,
            commands::insights::integration_logs,
            commands::insights::stats,
            commands::insights::websites,
            commands::insights::create_website,
        ])
        .run(tauri::generate_context!())
        .expect("Switchboard could not start its window; is a display available?");
}
