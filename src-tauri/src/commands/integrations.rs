//! Integration commands: list, overview for the cards, get, create, update,
//! the active toggle, delete and reveal. Connection checks are in `checks`.

use super::{convert, to_ipc, CmdResult};
use crate::state::AppState;
use switchboard_ipc::cmd::{self, Answer, Request};
use switchboard_ipc::{IpcError, ListPage, RevealRequest, TypeOverview};
use switchboard_store::{Integration, IntegrationPatch, NewIntegration};
use switchboard_vault::Secret;
use tauri::State;

/// The largest page the UI may ask for.
const MAX_PAGE: i64 = 500;

/// One page of the list, with the number of all matching rows.
#[tauri::command]
pub async fn list_integrations(
    state: State<'_, AppState>,
    request: Request<cmd::ListIntegrations>,
) -> CmdResult<Answer<cmd::ListIntegrations>> {
    let rotation = state.rotation();
    let mut filter = convert::list_filter(&request, &rotation);
    filter.search = filter.search.filter(|s| !s.trim().is_empty());
    filter.limit = Some(request.limit.clamp(1, MAX_PAGE));
    filter.offset = Some(request.offset.max(0));
    let rows = state.store.list(&filter).await.map_err(to_ipc)?;
    let total = state.store.count(&filter).await.map_err(to_ipc)?;
    Ok(ListPage {
        total,
        rows: rows
            .into_iter()
            .map(|r| convert::row(r, &rotation))
            .collect(),
    })
}

/// Per catalog type: how many integrations, how many active, how many failing.
#[tauri::command]
pub async fn type_overview(state: State<'_, AppState>) -> CmdResult<Answer<cmd::GetTypeOverview>> {
    let mut out = Vec::new();
    let attention = state
        .store
        .attention_by_type(&state.rotation())
        .await
        .map_err(to_ipc)?;
    let counts = state.store.type_counts().await.map_err(to_ipc)?;
    for ty in switchboard_catalog::types() {
        let c = counts.get(ty.id).copied().unwrap_or_default();
        out.push(TypeOverview {
            integration_type: ty.id.to_owned(),
            total: c.total,
            active: c.active,
            errors: c.errors,
            attention: attention.get(ty.id).copied().unwrap_or(0),
        });
    }
    Ok(out)
}

/// One integration with masked secrets.
#[tauri::command]
pub async fn get_integration(
    state: State<'_, AppState>,
    request: Request<cmd::GetIntegration>,
) -> CmdResult<Answer<cmd::GetIntegration>> {
    Ok(convert::detail(
        state.store.get(&request.id).await.map_err(to_ipc)?,
        &state.rotation(),
    ))
}

/// Creates an integration from the form's values (validated by the store).
#[tauri::command]
pub async fn create_integration(
    state: State<'_, AppState>,
    request: Request<cmd::CreateIntegration>,
) -> CmdResult<Answer<cmd::CreateIntegration>> {
    let new = NewIntegration {
        integration_type: request.integration_type,
        provider: Some(request.provider),
        name: request.name,
        description: request.description,
        website_id: request.website_id,
        values: Some(request.values),
        ..NewIntegration::default()
    };
    Ok(convert::detail(
        state.store.create(new).await.map_err(to_ipc)?,
        &state.rotation(),
    ))
}

/// Saves the edit form; secrets absent from `values` are kept.
#[tauri::command]
pub async fn update_integration(
    state: State<'_, AppState>,
    request: Request<cmd::UpdateIntegration>,
) -> CmdResult<Answer<cmd::UpdateIntegration>> {
    let saved = patched(
        &state,
        &request.id,
        IntegrationPatch {
            name: Some(request.name),
            description: Some(request.description),
            provider: Some(request.provider),
            website_id: Some(request.website_id),
            values: Some(request.values),
            ..IntegrationPatch::default()
        },
    )
    .await?;
    // New settings deserve a new test at once.
    state.gate.reset(&request.id);
    Ok(convert::detail(saved, &state.rotation()))
}

/// The active toggle.
#[tauri::command]
pub async fn set_active(
    state: State<'_, AppState>,
    request: Request<cmd::SetActive>,
) -> CmdResult<Answer<cmd::SetActive>> {
    patched(
        &state,
        &request.id,
        IntegrationPatch {
            is_active: Some(request.active),
            ..IntegrationPatch::default()
        },
    )
    .await
    .map(|_| ())
}

/// Applies a change to an integration (the store validates it).
async fn patched(state: &AppState, id: &str, patch: IntegrationPatch) -> CmdResult<Integration> {
    state.store.update(id, patch).await.map_err(to_ipc)
}

/// Moves an integration to the Trash (the UI asks first, then says it can
/// be restored for 30 days).
#[tauri::command]
pub async fn delete_integration(
    state: State<'_, AppState>,
    request: Request<cmd::DeleteIntegration>,
) -> CmdResult<Answer<cmd::DeleteIntegration>> {
    state.store.delete(&request.id).await.map_err(to_ipc)
}

/// Copies one secret to the system clipboard (recorded in the activity log
/// like a reveal) and clears it 30 s later; answers those seconds.
#[tauri::command]
pub async fn copy_secret(
    state: State<'_, AppState>,
    request: Request<cmd::CopySecret>,
) -> CmdResult<Answer<cmd::CopySecret>> {
    let secret = revealed(&state, &request).await?;
    crate::clipboard::copy_then_clear(secret).map_err(|m| IpcError::new("clipboard", m))?;
    Ok(crate::clipboard::CLEAR_AFTER.as_secs())
}

/// Reveals one secret; the store records the reveal in the activity log.
#[tauri::command]
pub async fn reveal_secret(
    state: State<'_, AppState>,
    request: Request<cmd::RevealSecret>,
) -> CmdResult<Answer<cmd::RevealSecret>> {
    Ok(revealed(&state, &request).await?.expose().to_owned())
}

/// One secret in the clear; the store records the reveal in the activity log.
async fn revealed(state: &AppState, request: &RevealRequest) -> CmdResult<Secret> {
    state
        .store
        .reveal(&request.id, &request.field)
        .await
        .map_err(to_ipc)
}
