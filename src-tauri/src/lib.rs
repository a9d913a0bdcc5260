//! The Switchboard desktop shell: a Tauri 2 window showing the Yew UI from
//! `ui/dist`. It holds no logic of its own; commands are thin adapters over
//! the library crates and live in [`commands`].

pub mod clipboard;
pub mod commands;
pub mod health;
#[cfg(target_os = "linux")]
pub mod os_lock;
pub mod painting;
pub mod settings;
pub mod state;
pub mod sync;

pub use commands::AppInfo;

/// Fingerprint of the `ui/dist` embedded in this build (see build.rs).
pub const UI_BUILD: &str = env!("SWITCHBOARD_UI_BUILD");
use state::AppState;
use state::KEYRING_SERVICE;
use switchboard_store::Store;
use tauri::Manager;

/// Builds the app and runs it until its last window closes.
///
/// # Panics
///
/// When the store cannot be opened, or the windowing system cannot be
/// reached (no display) or the webview fails to start; there is nothing
/// useful to go on with then.
pub fn run() {
    painting::prefer_cpu_without_gpu();
    let started = std::time::Instant::now();
    let trace = std::env::var_os("SWITCHBOARD_STARTUP_TRACE").is_some_and(|v| !v.is_empty());
    let step = move |what: &str| {
        if trace {
            eprintln!("startup: {what} at {} ms", started.elapsed().as_millis());
        }
    };
    // Store::open creates the folder (0700) and the file (0600).
    let path = state::db_path();
    let store = tauri::async_runtime::block_on(Store::open(&path))
        .unwrap_or_else(|e| panic!("Switchboard could not open {}: {e}", path.display()));
    step("store opened");
    let app_state = AppState::new(store);
    step("state ready");
    // Unlock through the keyring at once, while GTK and the webview start
    // (a Secret Service round trip takes a noticeable part of the start-up),
    // where the vault keeps its key there; the lock screen handles the rest.
    // The UI's first `vault_status` waits for this instead of showing the
    // lock screen.
    let guard = app_state
        .startup
        .clone()
        .try_lock_owned()
        .expect("a new mutex is free");
    let (store, keystore) = (
        std::sync::Arc::clone(&app_state.store),
        app_state.keystore(),
    );
    tauri::async_runtime::spawn(async move {
        if let (Some(keystore), Ok(status)) = (keystore, store.vault_status().await) {
            if status.initialized && status.uses_keyring && !status.unlocked {
                let _ = store.unlock_with_keystore(keystore).await;
            }
        }
        drop(guard);
    });
    tauri::Builder::default()
        // First, so a second launch hands over before anything else starts.
        .plugin(single_instance(&path))
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(app_state)
        .on_window_event(|window, event| match event {
            tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_) => {
                settings::remember_window(window, false);
            }
            tauri::WindowEvent::CloseRequested { .. } => settings::remember_window(window, true),
            _ => {}
        })
        .on_page_load(move |_, payload| {
            step(match payload.event() {
                tauri::webview::PageLoadEvent::Started => "page load started",
                tauri::webview::PageLoadEvent::Finished => "page load finished",
            })
        })
        .setup(move |app| {
            step("setup");
            app.state::<AppState>()
                .set_rotation(settings::load(app.handle()).rotation);
            commands::app::prefetch_first_screen(app.handle());
            step("prefetch started");
            settings::build_main_window(app.handle())?;
            step("window built");
            let saved = settings::load(app.handle());
            let state = app.state::<AppState>();
            health::apply_health(&state, &saved);
            let handle = app.handle().clone();
            sync::spawn_interval(
                std::sync::Arc::clone(&state.sync),
                std::sync::Arc::clone(&state.store),
                move || settings::load(&handle).sync_minutes,
            );
            step("health and sync started");
            #[cfg(target_os = "linux")]
            lock_when_away(app.handle());
            step("setup done");
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::vault::vault_status,
            commands::vault::setup_vault,
            commands::vault::unlock,
            commands::vault::lock,
            commands::vault::change_passphrase,
            commands::vault::reissue_recovery_key,
            commands::vault::rotate_master_key,
            commands::backup::write_backup,
            commands::backup::preview_restore,
            commands::backup::apply_restore,
            commands::integrations::list_integrations,
            commands::integrations::type_overview,
            commands::integrations::get_integration,
            commands::integrations::create_integration,
            commands::integrations::update_integration,
            commands::integrations::set_active,
            commands::integrations::delete_integration,
            commands::trash::list_trash,
            commands::trash::restore_from_trash,
            commands::trash::delete_forever,
            commands::trash::empty_trash,
            commands::integrations::reveal_secret,
            commands::integrations::copy_secret,
            commands::checks::test_integration,
            commands::checks::troubleshoot,
            commands::events::receiver,
            commands::events::webhook_events,
            commands::events::send_test_event,
            commands::checks::start_test_all,
            commands::checks::test_all_progress,
            commands::checks::cancel_test_all,
            commands::checks::health_events,
            commands::checks::attention_notices,
            commands::settings::get_settings,
            commands::app::boot,
            commands::settings::save_settings,
            commands::sync::sync_status,
            commands::sync::sync_connect,
            commands::sync::sync_disconnect,
            commands::sync::sync_now,
            commands::sync::sync_conflicts,
            commands::sync::sync_resolve,
            commands::tools::send_test_message,
            commands::tools::verify_webhook,
            commands::insights::integration_logs,
            commands::insights::activity,
            commands::insights::export_activity,
            commands::insights::stats,
            commands::insights::websites,
            commands::insights::create_website,
            commands::insights::update_website,
            commands::insights::delete_website,
            commands::team::team,
            commands::team::create_person,
            commands::team::update_person,
            commands::team::delete_person,
            commands::team::person_sessions,
            commands::team::revoke_sessions,
            commands::team::audit_log,
            commands::updates::check_update,
            commands::updates::install_update,
        ])
        .run(tauri::generate_context!())
        .expect("Switchboard could not start its window; is a display available?");
}

/// One window per vault: a second launch on the same store hands its
/// arguments to the running app, which shows and focuses its window, and
/// exits. Keyed by the store's path (on Linux, where the key is a D-Bus
/// name), so a second vault in another folder may run beside it.
fn single_instance<R: tauri::Runtime>(store: &std::path::Path) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_key(store))
        .callback(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
            eprintln!("single-instance: a second launch was handed to this window");
        })
        .build()
}

/// The D-Bus name element for one store: the app's identifier and a hash
/// of the store's path (FNV-1a, stable across runs and builds).
pub fn instance_key(store: &std::path::Path) -> String {
    let hash = store
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{KEYRING_SERVICE}.vault{hash:016x}")
}

/// Locks the vault (and clears a copied secret) when the OS says the screen
/// locked or the computer is going to sleep, unless auto-lock is off; the
/// window notices on its next look at the vault's state.
#[cfg(target_os = "linux")]
fn lock_when_away(app: &tauri::AppHandle) {
    let app = app.clone();
    os_lock::spawn(std::sync::Arc::new(move |reason| {
        if settings::load(&app).auto_lock_minutes == 0 {
            return;
        }
        app.state::<AppState>().store.lock();
        clipboard::clear_on_lock();
        eprintln!("vault locked: {reason:?}");
    }));
}

#[cfg(test)]
mod tests {
    /// The handlers `generate_handler!` registers, by name, are exactly the
    /// commands declared in `switchboard_ipc::cmd` (the other three places,
    /// build.rs, the capability file and the UI, take the names from there).
    #[test]
    fn generate_handler_lists_exactly_the_declared_commands() {
        let source = include_str!("lib.rs");
        let list = source
            .split("generate_handler![")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .expect("lib.rs calls generate_handler!");
        let mut handlers: Vec<&str> = list
            .split(',')
            .map(str::trim)
            .filter(|path| !path.is_empty())
            .map(|path| path.rsplit("::").next().unwrap_or(path))
            .collect();
        let mut declared: Vec<&str> = switchboard_ipc::cmd::ALL.to_vec();
        handlers.sort_unstable();
        declared.sort_unstable();
        assert_eq!(handlers, declared);
    }
}
