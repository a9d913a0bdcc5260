//! The user's settings and the window's geometry, kept with
//! tauri-plugin-store in `settings.json` under the app's data folder
//! (SWITCHBOARD_SETTINGS names another file, for tests). Only Rust reads and
//! writes it: the plugin's own commands are not granted to the window.

use crate::state::settings_path;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use switchboard_ipc::Settings;
use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WebviewWindowBuilder};
use tauri_plugin_store::StoreExt;

const SETTINGS_KEY: &str = "settings";
const WINDOW_KEY: &str = "window";
/// The smallest window we restore (smaller saved sizes are ignored).
const MIN_SIZE: (u32, u32) = (640, 480);

/// Where and how big the main window was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Geometry {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub maximized: bool,
}

fn file<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<Arc<tauri_plugin_store::Store<R>>, tauri_plugin_store::Error> {
    app.store(settings_path())
}

/// The saved settings; defaults for anything missing or unreadable.
pub fn load<R: Runtime>(app: &AppHandle<R>) -> Settings {
    file(app)
        .ok()
        .and_then(|s| s.get(SETTINGS_KEY))
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// Writes the settings to disk before answering.
pub fn save<R: Runtime>(app: &AppHandle<R>, settings: &Settings) -> Result<(), String> {
    let store = file(app).map_err(|e| format!("The settings file cannot be opened: {e}"))?;
    let value = serde_json::to_value(settings).map_err(|e| e.to_string())?;
    store.set(SETTINGS_KEY, value);
    store
        .save()
        .map_err(|e| format!("The settings could not be saved: {e}"))
}

/// Builds the main window from its entry in tauri.conf.json (which has
/// `create: false`) at the size and place it had last time, if that place is
/// still on a screen. Creating it there, rather than resizing a window that is
/// already mapped, leaves no moment in which the window manager's first
/// configure event can win over the saved size.
pub fn build_main_window<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .unwrap_or_default();
    let mut builder = WebviewWindowBuilder::from_config(app, &config)?;
    let saved: Option<Geometry> = file(app)
        .ok()
        .and_then(|s| s.get(WINDOW_KEY))
        .and_then(|v| serde_json::from_value(v).ok());
    if let Some(g) = saved {
        // The file holds physical pixels; the builder takes logical ones.
        let scale = app
            .primary_monitor()
            .ok()
            .flatten()
            .map_or(1.0, |m| m.scale_factor());
        if g.width >= MIN_SIZE.0 && g.height >= MIN_SIZE.1 {
            builder = builder.inner_size(f64::from(g.width) / scale, f64::from(g.height) / scale);
        }
        let on_screen = app.available_monitors().is_ok_and(|monitors| {
            monitors.iter().any(|m| {
                let (p, s) = (m.position(), m.size());
                let right =
                    p.x.saturating_add(i32::try_from(s.width).unwrap_or(i32::MAX));
                let bottom =
                    p.y.saturating_add(i32::try_from(s.height).unwrap_or(i32::MAX));
                g.x >= p.x - 32 && g.x < right - 64 && g.y >= p.y - 32 && g.y < bottom - 64
            })
        });
        if on_screen {
            builder = builder.position(f64::from(g.x) / scale, f64::from(g.y) / scale);
        }
        builder = builder.maximized(g.maximized);
    }
    builder.build()
}

/// Remembers the main window's size and position (written to disk by the
/// plugin's debounced auto-save, and at once when the window closes).
pub fn remember_window<R: Runtime>(window: &tauri::Window<R>, flush: bool) {
    let (Ok(pos), Ok(size)) = (window.outer_position(), window.inner_size()) else {
        return;
    };
    let maximized = window.is_maximized().unwrap_or(false);
    let Ok(store) = file(window.app_handle()) else {
        return;
    };
    let mut g = Geometry {
        x: pos.x,
        y: pos.y,
        width: size.width,
        height: size.height,
        maximized,
    };
    if maximized {
        // Keep the size to come back to when un-maximized.
        if let Some(old) = store
            .get(WINDOW_KEY)
            .and_then(|v| serde_json::from_value::<Geometry>(v).ok())
        {
            g = Geometry { maximized, ..old };
        }
    }
    if let Ok(v) = serde_json::to_value(g) {
        store.set(WINDOW_KEY, v);
    }
    if flush {
        let _ = store.save();
    }
}
