//! The user's settings and the window's geometry, kept with
//! tauri-plugin-store in `settings.json` under the app's data folder
//! (SWITCHBOARD_SETTINGS names another file, for tests). Only Rust reads and
//! writes it: the plugin's own commands are not granted to the window.

use crate::state::{settings_path, AppState};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use switchboard_ipc::{HealthEvent, Settings};
use switchboard_runner::HealthMonitor;
use tauri::{AppHandle, Manager, PhysicalPosition, PhysicalSize, Runtime, WebviewWindow};
use tauri_plugin_store::StoreExt;
use tokio_util::sync::CancellationToken;

const SETTINGS_KEY: &str = "settings";
const WINDOW_KEY: &str = "window";
/// The smallest window we restore (smaller saved sizes are ignored).
const MIN_SIZE: (u32, u32) = (640, 480);
/// At most this many unseen status changes are kept.
const MAX_EVENTS: usize = 100;

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

/// Puts the main window where it was last time, if that place is still on a screen.
pub fn restore_window<R: Runtime>(window: &WebviewWindow<R>) {
    let saved: Option<Geometry> = file(window.app_handle())
        .ok()
        .and_then(|s| s.get(WINDOW_KEY))
        .and_then(|v| serde_json::from_value(v).ok());
    let Some(g) = saved else { return };
    if g.width >= MIN_SIZE.0 && g.height >= MIN_SIZE.1 {
        let _ = window.set_size(PhysicalSize::new(g.width, g.height));
    }
    let on_screen = window.available_monitors().is_ok_and(|monitors| {
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
        let _ = window.set_position(PhysicalPosition::new(g.x, g.y));
    }
    if g.maximized {
        let _ = window.maximize();
    }
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

/// The background health-check period: SWITCHBOARD_HEALTH_SECS (for tests),
/// else the settings' minutes; None when off.
fn health_period(settings: &Settings) -> Option<Duration> {
    if let Some(secs) = std::env::var("SWITCHBOARD_HEALTH_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
    {
        return Some(Duration::from_secs(secs));
    }
    (settings.health_check_minutes > 0)
        .then(|| Duration::from_secs(u64::from(settings.health_check_minutes) * 60))
}

/// (Re)starts the background health checks as the settings say.
pub fn apply_health(state: &AppState, settings: &Settings) {
    let mut task = state.health_task.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(old) = task.take() {
        old.cancel();
    }
    if let Some(every) = health_period(settings) {
        *task = start_health(state, every);
    }
}

/// Starts background health checks every `every`; None when connection
/// checks are unavailable. The token stops them.
pub fn start_health(state: &AppState, every: Duration) -> Option<CancellationToken> {
    let checker = state.checker.clone().ok()?;
    let cancel = CancellationToken::new();
    let events = Arc::clone(&state.health_events);
    let store = Arc::clone(&state.store);
    let token = cancel.clone();
    tauri::async_runtime::spawn(async move {
        let monitor = HealthMonitor::new(every).spawn(
            store,
            checker,
            move |change| {
                let mut q = events.lock().unwrap_or_else(|p| p.into_inner());
                q.push_back(HealthEvent {
                    id: change.id,
                    name: change.name,
                    from: change.from,
                    to: change.to,
                    message: change.outcome.summary(),
                });
                while q.len() > MAX_EVENTS {
                    q.pop_front();
                }
            },
            token,
        );
        let _ = monitor.await;
    });
    Some(cancel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use switchboard_providers::fake::{FakeServer, Reply};
    use switchboard_providers::{Checker, Endpoints};
    use switchboard_store::{InitOptions, NewIntegration, Store};
    use switchboard_vault::{MemoryKeyStore, Secret};

    /// A background round notices an integration whose credentials stopped
    /// working and queues the change for the window's notice.
    #[test]
    fn background_checks_queue_status_changes() {
        let dir = tempfile::tempdir().unwrap();
        tauri::async_runtime::block_on(async {
            let twilio = FakeServer::start(|_| {
                Reply::json(
                    401,
                    json!({"code": 20003, "message": "Authenticate", "status": 401}),
                )
            })
            .await;
            let store = Store::open(&dir.path().join("s.sqlite")).await.unwrap();
            store
                .init_vault(InitOptions {
                    keystore: Some(std::sync::Arc::new(MemoryKeyStore::default())),
                    passphrase: Some(Secret::new("correct horse battery".to_owned())),
                })
                .await
                .unwrap();
            let mut values = serde_json::Map::new();
            values.insert(
                "account_sid".into(),
                json!("AC0123456789abcdef0123456789abcdef"),
            );
            values.insert(
                "auth_token".into(),
                json!("fedcba9876543210fedcba9876543210"),
            );
            values.insert("from_phone_number".into(), json!("+14155550123"));
            let created = store
                .create(NewIntegration {
                    integration_type: "sms".into(),
                    provider: Some("twilio".into()),
                    name: "Promo".into(),
                    values: Some(values),
                    ..NewIntegration::default()
                })
                .await
                .unwrap();
            let endpoints = Endpoints::default().with("twilio", &twilio.url()).unwrap();
            let mut state = AppState::new(store);
            state.checker = Ok(Checker::new(endpoints, Duration::from_secs(5)));
            let cancel = start_health(&state, Duration::from_millis(200)).expect("checks run");
            let t0 = std::time::Instant::now();
            let event = loop {
                if let Some(e) = state.health_events.lock().unwrap().pop_front() {
                    break e;
                }
                assert!(
                    t0.elapsed() < Duration::from_secs(10),
                    "no status change queued"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            };
            cancel.cancel();
            assert_eq!(event.id, created.id);
            assert_eq!(event.name, "Promo");
            assert_eq!(event.to, switchboard_ipc::Status::Error);
            assert!(event.message.contains("20003"), "{}", event.message);
            assert!(
                !event.message.contains("fedcba98"),
                "no secret in the notice"
            );
            assert!(!twilio.requests().is_empty());
        });
    }
}
