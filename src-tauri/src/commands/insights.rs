//! Read-mostly commands: activity logs, stats, and websites.

use super::{convert, to_ipc, CmdResult};
use crate::state::AppState;
use switchboard_ipc::cmd::{self, Answer, Request};
use tauri::State;

/// How many log lines the UI shows per integration.
const LOG_LIMIT: i64 = 200;

/// An integration's activity log, newest first.
#[tauri::command]
pub async fn integration_logs(
    state: State<'_, AppState>,
    request: Request<cmd::IntegrationLogs>,
) -> CmdResult<Answer<cmd::IntegrationLogs>> {
    let lines = state.store.logs(&request.id, LOG_LIMIT).await;
    Ok(lines
        .map_err(to_ipc)?
        .into_iter()
        .map(convert::log)
        .collect())
}

/// Totals by type and status.
#[tauri::command]
pub async fn stats(state: State<'_, AppState>) -> CmdResult<Answer<cmd::GetStats>> {
    state.store.stats().await.map_err(to_ipc)
}

/// Every website.
#[tauri::command]
pub async fn websites(state: State<'_, AppState>) -> CmdResult<Answer<cmd::ListWebsites>> {
    let all = state.store.websites().await.map_err(to_ipc)?;
    Ok(all.into_iter().map(convert::website).collect())
}

/// Creates a website scope.
#[tauri::command]
pub async fn create_website(
    state: State<'_, AppState>,
    request: Request<cmd::CreateWebsite>,
) -> CmdResult<Answer<cmd::CreateWebsite>> {
    let w = state
        .store
        .create_website(request.name.trim(), request.domain.trim());
    Ok(convert::website(w.await.map_err(to_ipc)?))
}

/// Renames a website or changes its domain (synced: last writer wins).
#[tauri::command]
pub async fn update_website(
    state: State<'_, AppState>,
    request: Request<cmd::UpdateWebsite>,
) -> CmdResult<Answer<cmd::UpdateWebsite>> {
    let w = state
        .store
        .update_website(&request.id, request.name.trim(), request.domain.trim());
    Ok(convert::website(w.await.map_err(to_ipc)?))
}

/// Deletes a website that no integration uses (synced as a deletion).
#[tauri::command]
pub async fn delete_website(
    state: State<'_, AppState>,
    request: Request<cmd::DeleteWebsite>,
) -> CmdResult<Answer<cmd::DeleteWebsite>> {
    state
        .store
        .delete_website(&request.id)
        .await
        .map_err(to_ipc)
}

/// One page of the activity feed (every integration's log, newest first).
#[tauri::command]
pub async fn activity(
    state: State<'_, AppState>,
    request: Request<cmd::Activity>,
) -> CmdResult<Answer<cmd::Activity>> {
    state.store.activity(&request).await.map_err(to_ipc)
}

/// Writes every line the feed's filters match to a CSV file (readable by
/// this user only: log details can name accounts).
#[tauri::command]
pub async fn export_activity(
    state: State<'_, AppState>,
    request: Request<cmd::ExportActivity>,
) -> CmdResult<Answer<cmd::ExportActivity>> {
    let lines = state
        .store
        .activity_all(&request.query)
        .await
        .map_err(to_ipc)?;
    let path = super::typed_path(&request.path, "switchboard-activity", "csv");
    let csv = switchboard_domain::activity::activity_csv(&lines);
    super::write_user_file(&path, csv.as_bytes())?;
    Ok(switchboard_ipc::ActivityExported {
        path: path.display().to_string(),
        lines: lines.len() as u64,
    })
}
