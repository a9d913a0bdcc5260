//! The Team and Audit pages: the team server's people, their sign-ins and
//! the audit log, through the signed-in user's connection (the server
//! decides: only admins get answers). Nothing here is kept on the laptop.

use std::future::Future;
use std::sync::Arc;

use super::sync::sync_error;
use super::CmdResult;
use crate::state::AppState;
use switchboard_ipc::cmd::{self, Answer, Request};
use switchboard_ipc::{IpcError, Team};
use switchboard_sync::{PersonChange, ServerClient, SyncError};
use switchboard_vault::Secret;
use tauri::State;

/// Runs `call` over the connection to the team server (a message saying to
/// connect when there is none); its error as the page shows it.
async fn with_client<T, Fut>(
    state: &AppState,
    call: impl FnOnce(Arc<ServerClient>) -> Fut,
) -> CmdResult<T>
where
    Fut: Future<Output = Result<T, SyncError>>,
{
    let client = state.sync.client(&state.store).await.ok_or_else(|| {
        IpcError::new(
            "not_connected",
            "Connect to your team server on the Sync page first: people and the audit log live there.",
        )
    })?;
    call(client).await.map_err(refused)
}

/// The server's answer as the page shows it; a refusal says who may.
fn refused(e: SyncError) -> IpcError {
    match e {
        SyncError::Forbidden(_) => IpcError::new(
            "forbidden",
            "Only a team admin can see and change this: ask an admin of your team server.",
        ),
        other => sync_error(other),
    }
}

fn role_checked(role: &str) -> CmdResult<String> {
    match role {
        "admin" | "member" | "viewer" => Ok(role.to_owned()),
        other => {
            let mut e = IpcError::new("validation", "Check the highlighted fields.");
            e.fields.insert(
                "role".into(),
                format!("\"{other}\" is not a role: choose admin, member or viewer."),
            );
            Err(e)
        }
    }
}

/// People and websites.
#[tauri::command]
pub async fn team(state: State<'_, AppState>) -> CmdResult<Answer<cmd::GetTeam>> {
    let (users, websites) = with_client(&state, |c| async move {
        Ok::<_, SyncError>((c.team_users().await?, c.team_websites().await?))
    })
    .await?;
    let me = state.store.sync_meta().await.ok().and_then(|m| m.email);
    Ok(Team {
        me,
        users,
        websites,
    })
}

/// Adds a person.
#[tauri::command]
pub async fn create_person(
    state: State<'_, AppState>,
    request: Request<cmd::CreatePerson>,
) -> CmdResult<Answer<cmd::CreatePerson>> {
    let role = role_checked(&request.role)?;
    with_client(&state, |c| async move {
        let password = Secret::new(request.password);
        c.create_person(&request.email, &password, &role, &request.websites)
            .await
    })
    .await
}

/// Changes a person.
#[tauri::command]
pub async fn update_person(
    state: State<'_, AppState>,
    request: Request<cmd::UpdatePerson>,
) -> CmdResult<Answer<cmd::UpdatePerson>> {
    let role = request.role.as_deref().map(role_checked).transpose()?;
    let change = PersonChange {
        role,
        websites: request.websites,
        disabled: request.disabled,
        password: request.password.map(Secret::new),
    };
    with_client(&state, |c| async move {
        c.change_person(request.id, &change).await
    })
    .await
}

/// Deletes a person.
#[tauri::command]
pub async fn delete_person(
    state: State<'_, AppState>,
    request: Request<cmd::DeletePerson>,
) -> CmdResult<Answer<cmd::DeletePerson>> {
    with_client(&state, |c| async move { c.delete_person(request.id).await }).await
}

/// A person's sign-ins and tokens.
#[tauri::command]
pub async fn person_sessions(
    state: State<'_, AppState>,
    request: Request<cmd::PersonSessions>,
) -> CmdResult<Answer<cmd::PersonSessions>> {
    with_client(
        &state,
        |c| async move { c.person_sessions(request.id).await },
    )
    .await
}

/// Ends one or all of a person's sign-ins; answers the ones left.
#[tauri::command]
pub async fn revoke_sessions(
    state: State<'_, AppState>,
    request: Request<cmd::RevokeSessions>,
) -> CmdResult<Answer<cmd::RevokeSessions>> {
    with_client(&state, |c| async move {
        c.revoke_sessions(request.user, request.session.as_deref())
            .await?;
        c.person_sessions(request.user).await
    })
    .await
}

/// A page of the audit log.
#[tauri::command]
pub async fn audit_log(
    state: State<'_, AppState>,
    request: Request<cmd::GetAuditLog>,
) -> CmdResult<Answer<cmd::GetAuditLog>> {
    with_client(&state, |c| async move { c.audit(&request).await }).await
}
