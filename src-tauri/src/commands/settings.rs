//! Settings commands: read and save the user's settings.

use super::CmdResult;
use crate::settings;
use crate::state::AppState;
use switchboard_ipc::cmd::{self, Answer, Request};
use switchboard_ipc::IpcError;
use tauri::{AppHandle, State};

/// The saved settings (defaults for anything never saved).
#[tauri::command]
pub fn get_settings(app: AppHandle) -> Answer<cmd::GetSettings> {
    settings::load(&app)
}

/// Checks and saves the settings, then applies what runs in the shell
/// (background health checks). Answers what was saved.
#[tauri::command]
pub async fn save_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    request: Request<cmd::SaveSettings>,
) -> CmdResult<Answer<cmd::SaveSettings>> {
    let problems = request.problems();
    if !problems.is_empty() {
        let mut e = IpcError::new("validation", "Some settings are out of range.");
        e.fields = problems;
        return Err(e);
    }
    if let Some(id) = &request.default_website {
        let known = state
            .store
            .websites()
            .await
            .map_err(super::to_ipc)?
            .iter()
            .any(|w| &w.id == id);
        if !known {
            return Err(IpcError::invalid(
                "That website no longer exists.",
                "default_website",
                "Pick an existing website, or none.",
            ));
        }
    }
    settings::save(&app, &request).map_err(|m| IpcError::new("settings", m))?;
    crate::health::apply_health(&state, &request);
    state.set_rotation(request.rotation.clone());
    Ok(request)
}
