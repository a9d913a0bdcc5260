//! The Trash page's commands: list, restore, delete forever and empty. The
//! destructive ones are asked again by the UI before they are called.

use super::{to_ipc, CmdResult};
use crate::state::AppState;
use switchboard_ipc::cmd::{self, Answer, Request};
use tauri::State;

/// The Trash, most recently deleted first.
#[tauri::command]
pub async fn list_trash(state: State<'_, AppState>) -> CmdResult<Answer<cmd::ListTrash>> {
    state.store.trash_list().await.map_err(to_ipc)
}

/// Takes an integration out of the Trash.
#[tauri::command]
pub async fn restore_from_trash(
    state: State<'_, AppState>,
    request: Request<cmd::RestoreFromTrash>,
) -> CmdResult<Answer<cmd::RestoreFromTrash>> {
    state
        .store
        .restore_from_trash(&request.id)
        .await
        .map_err(to_ipc)
}

/// Deletes an integration for good.
#[tauri::command]
pub async fn delete_forever(
    state: State<'_, AppState>,
    request: Request<cmd::DeleteForever>,
) -> CmdResult<Answer<cmd::DeleteForever>> {
    state
        .store
        .delete_forever(&request.id)
        .await
        .map_err(to_ipc)
}

/// Deletes everything in the Trash for good; how many.
#[tauri::command]
pub async fn empty_trash(state: State<'_, AppState>) -> CmdResult<Answer<cmd::EmptyTrash>> {
    let deleted = state.store.empty_trash().await.map_err(to_ipc)?;
    Ok(deleted as u64)
}
