//! Sync commands: status, connect (sign in), disconnect, sync now, and the
//! conflicts with their resolution.

use super::{to_ipc, CmdResult};
use crate::state::AppState;
use std::sync::Arc;
use switchboard_ipc::cmd::{self, Answer, Request};
use switchboard_ipc::{IpcError, ResolveAction, SyncConflict};
use switchboard_store::{Resolution, StoreError};
use switchboard_sync::{check_connect, connect, disconnect, ServerClient, SyncError};
use switchboard_vault::Secret;
use tauri::State;

pub(crate) fn sync_error(e: SyncError) -> IpcError {
    match e {
        SyncError::Store(s) => to_ipc(s),
        SyncError::Invalid(fields) => {
            let mut e = IpcError::new("validation", "Check the highlighted fields.");
            e.fields = fields;
            e
        }
        other => IpcError::new(other.code(), other.to_string()),
    }
}

/// The connection state, pending changes, conflicts, the running sync.
#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> CmdResult<Answer<cmd::GetSyncStatus>> {
    Ok(state.sync.status(&state.store).await)
}

/// Checks the address, signs in (the sign-in goes to the OS keyring),
/// remembers the server, and starts a first sync.
#[tauri::command]
pub async fn sync_connect(
    state: State<'_, AppState>,
    request: Request<cmd::SyncConnect>,
) -> CmdResult<Answer<cmd::SyncConnect>> {
    let url = check_connect(
        &request.server_url,
        &request.email,
        request.password.is_empty(),
    )
    .map_err(sync_error)?;
    if !state.store.is_unlocked() {
        return Err(to_ipc(StoreError::Locked));
    }
    let client = ServerClient::new(&url, Arc::clone(&state.sync.tokens)).map_err(sync_error)?;
    connect(
        &state.store,
        &client,
        &request.email,
        &Secret::new(request.password),
    )
    .await
    .map_err(sync_error)?;
    {
        let mut s = state.sync.lock();
        s.client = Some(Arc::new(client));
        s.last_error = None;
    }
    state.sync.start(Arc::clone(&state.store)).await;
    Ok(state.sync.status(&state.store).await)
}

/// Ends the sign-in on the server, forgets it and the server here (local
/// data stays).
#[tauri::command]
pub async fn sync_disconnect(state: State<'_, AppState>) -> CmdResult<Answer<cmd::SyncDisconnect>> {
    let client = state.sync.client(&state.store).await;
    if !disconnect(&state.store, client.as_deref())
        .await
        .map_err(sync_error)?
    {
        eprintln!("sync: the server could not be reached to end the sign-in; its tokens expire on their own");
    }
    {
        let mut s = state.sync.lock();
        if let Some(c) = s.cancel.take() {
            c.cancel();
        }
        s.client = None;
        s.last_error = None;
        s.last_summary = None;
    }
    Ok(state.sync.status(&state.store).await)
}

/// Starts a sync now (or reports the one running).
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> CmdResult<Answer<cmd::SyncNow>> {
    if !state.store.is_unlocked() {
        return Err(to_ipc(StoreError::Locked));
    }
    if !state.sync.start(Arc::clone(&state.store)).await {
        return Err(IpcError::new(
            "not_connected",
            SyncError::NotConnected.to_string(),
        ));
    }
    Ok(state.sync.status(&state.store).await)
}

/// The fields waiting for a decision.
#[tauri::command]
pub async fn sync_conflicts(state: State<'_, AppState>) -> CmdResult<Answer<cmd::SyncConflicts>> {
    let list = state.store.conflicts().await.map_err(to_ipc)?;
    Ok(list
        .into_iter()
        .map(|c| SyncConflict {
            uid: c.uid,
            name: c.name,
            field: c.field,
            mine: c.mine,
            theirs: c.theirs,
        })
        .collect())
}

/// Settles one conflict; the next sync sends the outcome.
#[tauri::command]
pub async fn sync_resolve(
    state: State<'_, AppState>,
    request: Request<cmd::SyncResolve>,
) -> CmdResult<Answer<cmd::SyncResolve>> {
    let resolution = match request.resolution {
        ResolveAction::KeepMine => Resolution::KeepMine,
        ResolveAction::TakeTheirs => Resolution::TakeTheirs,
        ResolveAction::Edit { value } => Resolution::Edit(value),
    };
    state
        .store
        .resolve_conflict(&request.uid, &request.field, resolution)
        .await
        .map_err(to_ipc)?;
    sync_conflicts(state).await
}
