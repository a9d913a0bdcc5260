//! The Events dialog: an integration's webhook receiver on the team server,
//! the events it stored and "send a test event", through the signed-in
//! team server connection (the receiver lives there, not on this laptop).
//! Nothing here is kept on the laptop.

use std::sync::Arc;

use super::sync::sync_error;
use super::{to_ipc, CmdResult};
use crate::state::AppState;
use switchboard_ipc::cmd::{self, Answer, Request};
use switchboard_ipc::{EventsPage, IpcError};
use switchboard_sync::{ServerClient, SyncError, EVENT_PAGE};
use tauri::State;

/// Said when the laptop has no team server connection.
pub const NOT_CONNECTED: &str = "Connect to a team server on the Sync page to receive webhooks: the server gives each integration its webhook address and keeps the events that arrive there.";
/// Said when the integration was never pushed (it has no server id).
pub const NOT_PUSHED: &str =
    "Push this integration to the team server (Sync now) first; its webhook address is made there.";
/// Said when the server does not have (or show) the integration.
const NOT_ON_SERVER: &str = "The team server does not have this integration (deleted there, or on a website you cannot see): Sync now, then open Events again.";

/// The team server connection and the integration's id there, or why not.
/// An unknown id or a locked vault answers first.
async fn on_server(state: &AppState, id: &str) -> CmdResult<(Arc<ServerClient>, i64)> {
    let server_id = state.store.server_id(id).await.map_err(to_ipc)?;
    let client = state
        .sync
        .client(&state.store)
        .await
        .ok_or_else(|| IpcError::new("not_connected", NOT_CONNECTED))?;
    let server_id = server_id.ok_or_else(|| IpcError::new("not_pushed", NOT_PUSHED))?;
    Ok((client, server_id))
}

/// The server's refusal as the dialog shows it: its own reason for what it
/// cannot do (no receiver for the provider, no secret to sign with, the
/// receiver's answer), a plain word for a missing integration or role.
pub fn refused(e: SyncError) -> IpcError {
    match e {
        SyncError::Server {
            status: 400 | 409 | 422 | 429,
            detail,
        } => IpcError::new("refused", detail),
        SyncError::Server { status: 404, .. } => IpcError::new("not_found", NOT_ON_SERVER),
        SyncError::Forbidden(_) => IpcError::new(
            "forbidden",
            "Your role on the team server cannot do this (viewers only read): ask a member or an admin.",
        ),
        other => sync_error(other),
    }
}

/// Where the team server receives the integration's webhooks.
#[tauri::command]
pub async fn receiver(
    state: State<'_, AppState>,
    request: Request<cmd::GetReceiver>,
) -> CmdResult<Answer<cmd::GetReceiver>> {
    let (client, server_id) = on_server(&state, &request.id).await?;
    client.receiver(server_id).await.map_err(refused)
}

/// A page of the stored events, newest first.
#[tauri::command]
pub async fn webhook_events(
    state: State<'_, AppState>,
    request: Request<cmd::WebhookEvents>,
) -> CmdResult<Answer<cmd::WebhookEvents>> {
    let (client, server_id) = on_server(&state, &request.id).await?;
    let before = request.before.filter(|b| *b > 0);
    let page = client
        .webhook_events(server_id, before, EVENT_PAGE)
        .await
        .map_err(refused)?;
    Ok(EventsPage {
        next_before: page.next_before(),
        events: page.events,
    })
}

/// Has the server sign a sample event and deliver it to its own receiver;
/// what it stored.
#[tauri::command]
pub async fn send_test_event(
    state: State<'_, AppState>,
    request: Request<cmd::SendTestEvent>,
) -> CmdResult<Answer<cmd::SendTestEvent>> {
    let (client, server_id) = on_server(&state, &request.id).await?;
    let sent = client.send_test_event(server_id).await.map_err(refused)?;
    Ok(sent.events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_reason_is_passed_through() {
        let reason = "Switchboard receives no webhooks from anthropic: test events exist for Facebook, WhatsApp, Twilio, Stripe, SendGrid and Mailgun.";
        let e = refused(SyncError::Server {
            status: 400,
            detail: reason.into(),
        });
        assert_eq!((e.code.as_str(), e.message.as_str()), ("refused", reason));
        let e = refused(SyncError::Server {
            status: 404,
            detail: "Not found.".into(),
        });
        assert_eq!(e.code, "not_found");
        assert!(e.message.contains("Sync now"), "{}", e.message);
        assert_eq!(refused(SyncError::Forbidden("x".into())).code, "forbidden");
        let e = refused(SyncError::Offline("connection refused".into()));
        assert_eq!(e.code, "offline");
        assert!(NOT_CONNECTED.contains("team server") && NOT_PUSHED.contains("Sync now"));
    }
}
