//! Connection checks: one integration's refresh icon, test-all with its
//! progress and cancel, and the status changes found by background checks.

use super::{convert, to_ipc, CmdResult};
use crate::state::{update_job, AppState};
use std::sync::Arc;
use switchboard_ipc::cmd::{self, Answer, Request};
use switchboard_ipc::{CheckKind, IpcError, OutcomeKind, Status, TestAllProgress, TestAnswer};
use switchboard_providers::{Checker, Outcome};
use switchboard_runner::{run_check, Progress, TestAll};
use switchboard_store::StoreError;
use switchboard_sync::SyncError;
use tauri::State;
use tokio_util::sync::CancellationToken;

/// How many finished checks a progress report carries.
const RECENT: usize = 50;

fn checker(state: &AppState) -> CmdResult<&Checker> {
    state
        .checker
        .as_ref()
        .map_err(|e| IpcError::new("checks_unavailable", e.clone()))
}

/// Tests one integration against its provider, records the outcome (status,
/// last test, error count, a log entry) and answers it. A second test of the
/// same integration within the window answers when it may run again.
#[tauri::command]
pub async fn test_integration(
    state: State<'_, AppState>,
    request: Request<cmd::TestIntegration>,
) -> CmdResult<Answer<cmd::TestIntegration>> {
    let checker = checker(&state)?;
    // Unknown ids and a locked vault answer before the gate counts a test.
    let integration = state.store.get(&request.id).await.map_err(to_ipc)?;
    if let Err(wait) = state.gate.try_acquire(&request.id) {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut e = IpcError::new(
            "rate_limited",
            format!("This integration was tested a moment ago; test it again in {secs} s."),
        );
        e.fields.insert("retry_after_secs".into(), secs.to_string());
        return Err(e);
    }
    if !integration.secrets_on_server.is_empty() {
        return test_on_server(&state, &integration).await;
    }
    let (outcome, health) = run_check(&state.store, checker, &request.id)
        .await
        .map_err(to_ipc)?;
    Ok(answer(&outcome, health.status, health.error_count))
}

/// Runs the troubleshooting checks that apply to one integration (DNS
/// records, sender identity, templates, subscriptions, webhook handshake,
/// SMS sender), logs the run and answers the findings. The integration's
/// status is left to the connection test.
#[tauri::command]
pub async fn troubleshoot(
    state: State<'_, AppState>,
    request: Request<cmd::Troubleshoot>,
) -> CmdResult<Answer<cmd::Troubleshoot>> {
    let checker = checker(&state)?;
    switchboard_runner::run_troubleshoot(&state.store, checker, &request.id)
        .await
        .map_err(to_ipc)
}

/// The test of an integration whose secrets only the shared server holds:
/// the server runs it (against the real provider) and logs it; its health is
/// copied here at once, and a sync is started to bring its log entry.
async fn test_on_server(
    state: &AppState,
    integration: &switchboard_store::Integration,
) -> CmdResult<TestAnswer> {
    let id = integration.id.as_str();
    let not_here = |what: &str| {
        IpcError::new(
            "not_connected",
            format!(
                "This integration's secrets are kept only on the shared server, so its test runs there: {what}"
            ),
        )
    };
    let Some(server_id) = state.store.server_id(id).await.map_err(to_ipc)? else {
        return Err(not_here("sync first, then test again."));
    };
    let Some(client) = state.sync.client(&state.store).await else {
        return Err(not_here("connect to the server on the Sync page first."));
    };
    let ran = match client.test_on_server(server_id).await {
        Ok(ran) => ran,
        Err(SyncError::Server {
            status: 429,
            detail,
        }) => {
            return Err(IpcError::new(
                "rate_limited",
                format!("The server says: {detail}"),
            ))
        }
        Err(e) => return Err(super::sync::sync_error(e)),
    };
    let health = match client.server_health(server_id).await {
        Ok(h) => Some(
            state
                .store
                .set_remote_health(id, &h)
                .await
                .map_err(to_ipc)?,
        ),
        // The answer stands; the health comes with the next pull.
        Err(_) => None,
    };
    state.sync.start(Arc::clone(&state.store)).await;
    // Without the server's health, what this laptop had before the test.
    let (now, error_count) = health.map_or((integration.status, integration.error_count), |h| {
        (h.status, h.error_count)
    });
    Ok(TestAnswer {
        // The server answers only whether it worked: a failure there is the
        // provider's word, as the server's log line tells.
        kind: if ran.success {
            OutcomeKind::Ok
        } else {
            OutcomeKind::ProviderError
        },
        ok: ran.success,
        message: ran.message,
        hint: String::new(),
        details: serde_json::json!({"ran_on": "server", "server_id": server_id}),
        status: now,
        error_count,
        retry_after_secs: None,
    })
}

/// The answer of a check or test message: its outcome and the record's
/// health after it.
pub(super) fn answer(outcome: &Outcome, status: Status, error_count: i64) -> TestAnswer {
    switchboard_runner::test_answer(outcome, status, error_count)
}

/// Starts testing every integration matching the list's filters, a few at a
/// time, in the background; `test_all_progress` reports it. Answers the
/// run's first progress (a run already going is answered, not restarted).
#[tauri::command]
pub async fn start_test_all(
    state: State<'_, AppState>,
    request: Request<cmd::StartTestAll>,
) -> CmdResult<Answer<cmd::StartTestAll>> {
    let checker = checker(&state)?.clone();
    if !state.store.is_unlocked() {
        return Err(to_ipc(StoreError::Locked));
    }
    let mut filter = convert::test_all_filter(&request);
    filter.search = filter.search.filter(|s| !s.trim().is_empty());
    let cancel = CancellationToken::new();
    let first = {
        let mut job = state.test_all.lock().unwrap_or_else(|p| p.into_inner());
        if job.progress.running {
            return Ok(job.progress.clone());
        }
        job.progress = TestAllProgress {
            run: job.progress.run + 1,
            running: true,
            ..TestAllProgress::default()
        };
        job.cancel = Some(cancel.clone());
        job.progress.clone()
    };
    let total = state.store.count(&filter).await.map_err(to_ipc)?;
    let store = Arc::clone(&state.store);
    let shared = Arc::clone(&state.test_all);
    tauri::async_runtime::spawn(async move {
        update_job(&shared, |p| p.total = usize::try_from(total).unwrap_or(0));
        let result = TestAll::new(filter)
            .run(
                &store,
                &checker,
                |item| update_job(&shared, |p| record(p, item)),
                &cancel,
            )
            .await;
        update_job(&shared, |p| {
            p.running = false;
            match result {
                Ok(summary) => {
                    p.total = summary.total;
                    p.cancelled = summary.cancelled;
                }
                Err(e) => p.error = Some(to_ipc(e).message),
            }
        });
    });
    Ok(TestAllProgress {
        total: usize::try_from(total).unwrap_or(0),
        ..first
    })
}

fn record(p: &mut TestAllProgress, item: Progress) {
    p.done = item.done;
    p.total = item.total;
    match item.outcome.kind.check_kind() {
        CheckKind::Ok => p.ok += 1,
        CheckKind::NotCheckable => p.not_checkable += 1,
        CheckKind::Failed => p.failed += 1,
    }
    p.recent.push(item.item());
    if p.recent.len() > RECENT {
        let extra = p.recent.len() - RECENT;
        p.recent.drain(..extra);
    }
}

/// Where the current (or last) test-all run is.
#[tauri::command]
pub fn test_all_progress(state: State<'_, AppState>) -> Answer<cmd::TestAllProgressOf> {
    state
        .test_all
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .progress
        .clone()
}

/// Cancels the running test-all: checks in flight stop, finished ones stay recorded.
#[tauri::command]
pub fn cancel_test_all(state: State<'_, AppState>) {
    let job = state.test_all.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(cancel) = &job.cancel {
        cancel.cancel();
    }
}

/// Integrations that crossed an expiry or rotation threshold since the
/// last call (each crossing once; the store remembers what was shown).
/// The window asks at start and on the health schedule. Nothing while the
/// vault is locked.
#[tauri::command]
pub async fn attention_notices(
    state: State<'_, AppState>,
) -> super::CmdResult<Answer<cmd::AttentionNotices>> {
    if !state.store.is_unlocked() {
        return Ok(Vec::new());
    }
    let found = state
        .store
        .attention_notices(&state.rotation())
        .await
        .map_err(super::to_ipc)?;
    Ok(found
        .into_iter()
        .map(|n| switchboard_ipc::AttentionNotice {
            id: n.id,
            name: n.name,
            integration_type: n.integration_type,
            attention: n.attention,
        })
        .collect())
}

/// Status changes found by background health checks since the last call.
#[tauri::command]
pub fn health_events(state: State<'_, AppState>) -> Answer<cmd::HealthEvents> {
    state
        .health_events
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .drain(..)
        .collect()
}
