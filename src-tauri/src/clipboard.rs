//! Copying a secret to the system clipboard, from Rust: the value goes from
//! the store to the clipboard without passing through the webview (whose
//! clipboard API needs a fresh user gesture, which the later clearing does
//! not have). The clipboard is cleared [`CLEAR_AFTER`] later, or when the
//! vault locks if that comes first, unless something else was copied
//! meanwhile.
//!
//! The clipboard is arboard's (X11/Wayland, macOS and Windows alike, the
//! library tauri-plugin-clipboard-manager wraps), opened on the first Copy
//! rather than at start-up (the plugin opens it in its init, a connection
//! and a thread every launch pays for), and written with the hints that keep
//! the value out of clipboard managers' history.

use std::sync::Mutex;
use std::time::Duration;
use switchboard_vault::Secret;

/// How long a copied secret stays on the clipboard.
pub const CLEAR_AFTER: Duration = Duration::from_secs(30);

/// The secret the app last put on the clipboard, until it is cleared.
static COPIED: Mutex<Option<Secret>> = Mutex::new(None);

/// The system clipboard, once something was copied (on X11 it must live on
/// to serve what it holds).
static BOARD: Mutex<Option<arboard::Clipboard>> = Mutex::new(None);

fn copied() -> std::sync::MutexGuard<'static, Option<Secret>> {
    COPIED.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs `f` on the clipboard, opening it the first time.
fn with_board<T>(
    f: impl FnOnce(&mut arboard::Clipboard) -> Result<T, arboard::Error>,
) -> Result<T, String> {
    let mut board = BOARD.lock().unwrap_or_else(|p| p.into_inner());
    if board.is_none() {
        *board = Some(
            arboard::Clipboard::new()
                .map_err(|e| format!("the clipboard cannot be reached: {e}"))?,
        );
    }
    let board = board.as_mut().ok_or("the clipboard cannot be reached")?;
    f(board).map_err(|e| format!("the clipboard cannot be reached: {e}"))
}

/// Locking: clears the clipboard now if it still holds the secret the app
/// copied (something copied since by the user is left alone).
pub fn clear_on_lock() {
    if let Some(text) = copied().take() {
        // Never on the main thread: reading the clipboard there can deadlock
        // on Linux when the webview owns the selection.
        std::thread::spawn(move || clear_if_still(&text));
    }
}

/// Puts `text` on the clipboard and clears it after [`CLEAR_AFTER`] if it is
/// still there.
pub fn copy_then_clear(text: Secret) -> Result<(), String> {
    with_board(|board| secret_hints(board.set()).text(text.expose()))?;
    *copied() = Some(text.clone());
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(CLEAR_AFTER).await;
        {
            let mut last = copied();
            if last.as_ref().is_some_and(|c| c.expose() == text.expose()) {
                last.take();
            }
        }
        let _ = tauri::async_runtime::spawn_blocking(move || clear_if_still(&text)).await;
    });
    Ok(())
}

/// Empties the clipboard if it still holds `text`.
fn clear_if_still(text: &Secret) {
    let _ = with_board(|board| {
        if board
            .get_text()
            .is_ok_and(|now| now.as_str() == text.expose())
        {
            board.clear()?;
        }
        Ok(())
    });
}

/// Asks clipboard managers to keep the value out of their history.
#[cfg(windows)]
fn secret_hints(set: arboard::Set<'_>) -> arboard::Set<'_> {
    use arboard::SetExtWindows;
    set.exclude_from_monitoring()
}

#[cfg(not(windows))]
fn secret_hints(set: arboard::Set<'_>) -> arboard::Set<'_> {
    #[cfg(target_os = "macos")]
    use arboard::SetExtApple;
    #[cfg(not(target_os = "macos"))]
    use arboard::SetExtLinux;
    set.exclude_from_history()
}
