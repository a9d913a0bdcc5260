//! Background health checks: started, restarted and stopped as the settings
//! say, their status changes queued for the window's notice
//! (`health_events`).

use crate::state::AppState;
use std::sync::Arc;
use std::time::Duration;
use switchboard_ipc::{HealthEvent, Settings};
use switchboard_runner::HealthMonitor;
use tokio_util::sync::CancellationToken;

/// At most this many unseen status changes are kept.
const MAX_EVENTS: usize = 100;

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
    use switchboard_vault::Secret;

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
                    passphrase: Some(Secret::new("correct horse battery".to_owned())),
                    ..InitOptions::in_memory()
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
