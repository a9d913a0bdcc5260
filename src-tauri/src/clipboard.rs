//! Copying a secret to the system clipboard, from Rust: the value goes from
//! the store to the clipboard without passing through the webview (whose
//! clipboard API needs a fresh user gesture, which the later clearing does
//! not have). The clipboard is cleared [`CLEAR_AFTER`] later, or when the
//! vault locks if that comes first, unless something else was copied
//! meanwhile.
//!
//! The clipboard is tauri-plugin-clipboard-manager's (arboard: X11/Wayland,
//! macOS and Windows alike), written with its "secret" hints so clipboard
//! managers keep the value out of their history. The plugin's webview
//! commands are not granted in any capability: only this Rust side uses it.

use std::sync::Mutex;
use std::time::Duration;
use switchboard_vault::Secret;
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

/// How long a copied secret stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(30);

/// The secret the app last put on the clipboard, until it is cleared.
static COPIED: Mutex<Option<Secret>> = Mutex::new(None);

fn copied() -> std::sync::MutexGuard<'static, Option<Secret>> {
    COPIED.lock().unwrap_or_else(|p| p.into_inner())
}

/// Locking: clears the clipboard now if it still holds the secret the app
/// copied (something copied since by the user is left alone).
pub fn clear_on_lock<R: Runtime>(app: &AppHandle<R>) {
    if let Some(text) = copied().take() {
        let app = app.clone();
        // Never on the main thread: reading the clipboard there can deadlock
        // on Linux when the webview owns the selection.
        std::thread::spawn(move || clear_if_still(&app, &text));
    }
}

/// Puts `text` on the clipboard and clears it after [`CLEAR_AFTER`] if it is
/// still there.
pub fn copy_then_clear<R: Runtime>(app: &AppHandle<R>, text: Secret) -> Result<(), String> {
    app.clipboard()
        .write_secret(text.expose())
        .map_err(|e| format!("the clipboard cannot be reached: {e}"))?;
    *copied() = Some(text.clone());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(CLEAR_AFTER).await;
        {
            let mut last = copied();
            if last.as_ref().is_some_and(|c| c.expose() == text.expose()) {
                last.take();
            }
        }
        let _ = tauri::async_runtime::spawn_blocking(move || clear_if_still(&app, &text)).await;
    });
    Ok(())
}

/// Empties the clipboard if it still holds `text`.
fn clear_if_still<R: Runtime>(app: &AppHandle<R>, text: &Secret) {
    let clipboard = app.clipboard();
    if clipboard
        .read_text()
        .is_ok_and(|now| now.as_str() == text.expose())
    {
        let _ = clipboard.clear();
    }
}
