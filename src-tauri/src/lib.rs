//! The Switchboard desktop shell: a Tauri 2 window showing the Yew UI from
//! `ui/dist`. It holds no logic of its own; commands are thin adapters over
//! the library crates and live in [`commands`].

pub mod commands;

pub use commands::AppInfo;

/// Builds the app and runs it until its last window closes.
///
/// # Panics
///
/// When the windowing system cannot be reached (no display) or the webview
/// fails to start; there is nothing useful to go on with then.
pub fn run() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!())
        .expect("Switchboard could not start its window; is a display available?");
}
