//! Copying a secret to the system clipboard, from Rust: the value goes from
//! the store to the clipboard without passing through the webview (whose
//! clipboard API needs a fresh user gesture, which the later clearing does
//! not have). The clipboard is cleared [`CLEAR_AFTER`] later, or when the
//! vault locks if that comes first, unless something else was copied
//! meanwhile.

use std::sync::Mutex;
use std::time::Duration;
use switchboard_vault::Secret;
use tauri::AppHandle;

/// How long a copied secret stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(30);

/// The secret the app last put on the clipboard, until it is cleared.
static COPIED: Mutex<Option<Secret>> = Mutex::new(None);

fn copied() -> std::sync::MutexGuard<'static, Option<Secret>> {
    COPIED.lock().unwrap_or_else(|p| p.into_inner())
}

/// Locking: clears the clipboard now if it still holds the secret the app
/// copied (something copied since by the user is left alone).
#[cfg(target_os = "linux")]
pub fn clear_on_lock<R: tauri::Runtime>(app: &AppHandle<R>) {
    if let Some(text) = copied().take() {
        let _ = app.run_on_main_thread(move || clear_if_still(text.expose()));
    }
}

/// Elsewhere nothing is ever copied.
#[cfg(not(target_os = "linux"))]
pub fn clear_on_lock<R: tauri::Runtime>(_app: &AppHandle<R>) {
    copied().take();
}

/// Puts `text` on the clipboard and clears it after [`CLEAR_AFTER`] if it is
/// still there. GTK's clipboard lives on the main thread, so both steps run
/// there.
#[cfg(target_os = "linux")]
pub fn copy_then_clear(app: &AppHandle, text: Secret) -> Result<(), String> {
    let placed = text.clone();
    app.run_on_main_thread(move || set_text(placed.expose()))
        .map_err(|e| format!("the clipboard cannot be reached: {e}"))?;
    *copied() = Some(text.clone());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(CLEAR_AFTER).await;
        let mut last = copied();
        if last.as_ref().is_some_and(|c| c.expose() == text.expose()) {
            last.take();
        }
        drop(last);
        let _ = app.run_on_main_thread(move || clear_if_still(text.expose()));
    });
    Ok(())
}

#[cfg(target_os = "linux")]
fn set_text(text: &str) {
    let clipboard = gtk::Clipboard::get(&gtk::gdk::SELECTION_CLIPBOARD);
    clipboard.set_text(text);
}

#[cfg(target_os = "linux")]
fn clear_if_still(text: &str) {
    let clipboard = gtk::Clipboard::get(&gtk::gdk::SELECTION_CLIPBOARD);
    if clipboard
        .wait_for_text()
        .is_some_and(|now| now.as_str() == text)
    {
        clipboard.set_text("");
    }
}

/// Elsewhere the copy is refused rather than pretended.
#[cfg(not(target_os = "linux"))]
pub fn copy_then_clear(_app: &AppHandle, _text: Secret) -> Result<(), String> {
    Err("Copying is not available on this system yet: reveal the value instead.".into())
}
