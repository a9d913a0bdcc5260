//! `sync connect|now|status|conflicts|resolve|disconnect`: the same
//! connection as the app's Sync page. The server is remembered in the
//! store (`sync_meta`), the sign-in in the OS keyring under the app's
//! service (account `sync:<url>`), so the app and the CLI share it. With
//! SWITCHBOARD_NO_KEYRING set no sign-in is kept: each command then signs
//! in again with SWITCHBOARD_SYNC_PASSWORD (or asks on the terminal).

use crate::backup::{typed_secret, Typed};
use crate::commands::emit;
use crate::output::CliError;
use crate::{Cli, SyncCommand, KEYRING_SERVICE};
use std::io::IsTerminal;
use std::sync::Arc;
use switchboard_ipc::{SyncStatus, SyncSummary};
use switchboard_store::{Resolution, Store};
use switchboard_sync::{ServerClient, SyncError, SyncOptions, TokenStore};
use switchboard_vault::Secret;

type Result<T> = std::result::Result<T, CliError>;

const PASSWORD_ENV: &str = "SWITCHBOARD_SYNC_PASSWORD";

/// Runs one `sync` command (vault unlocked).
pub async fn run(store: &Store, cli: &Cli, command: &SyncCommand) -> Result<()> {
    match command {
        SyncCommand::Connect { url, email } => connect(store, cli, url, email).await,
        SyncCommand::Now => now(store, cli).await,
        SyncCommand::Status => {
            let client = remembered(store).await?;
            let status = status(store, client.as_ref(), None).await?;
            emit(cli, &status, print_status);
            Ok(())
        }
        SyncCommand::Conflicts => conflicts(store, cli).await,
        SyncCommand::Resolve {
            uid,
            field,
            take_theirs,
            edit,
            ..
        } => {
            let resolution = match (edit, take_theirs) {
                (Some(text), _) => Resolution::Edit(
                    serde_json::from_str(text)
                        .unwrap_or_else(|_| serde_json::Value::String(text.clone())),
                ),
                (None, true) => Resolution::TakeTheirs,
                (None, false) => Resolution::KeepMine,
            };
            store.resolve_conflict(uid, field, resolution).await?;
            conflicts(store, cli).await
        }
        SyncCommand::Disconnect => {
            let client = remembered(store).await?;
            if !switchboard_sync::disconnect(store, client.as_ref()).await? {
                eprintln!("warning: the server could not be reached to end the sign-in; its tokens expire on their own");
            }
            let status = status(store, None, None).await?;
            emit(cli, &status, print_status);
            Ok(())
        }
    }
}

/// Whether the OS keyring may keep the sign-in (SWITCHBOARD_NO_KEYRING unset).
fn keyring_allowed() -> bool {
    std::env::var_os("SWITCHBOARD_NO_KEYRING").is_none_or(|v| v.is_empty() || v == "0")
}

fn tokens() -> Arc<dyn TokenStore> {
    switchboard_sync::token_store(KEYRING_SERVICE, keyring_allowed())
}

/// The server's password: SWITCHBOARD_SYNC_PASSWORD, else asked.
fn password() -> Result<Secret> {
    typed_secret(
        &Typed {
            stdin: None,
            env: PASSWORD_ENV,
            prompt: "Server password: ",
            missing: "the server password: set SWITCHBOARD_SYNC_PASSWORD or run the command \
                      in a terminal to be asked",
        },
        false,
    )
}

/// A client for the server the store remembers, if it remembers one.
async fn remembered(store: &Store) -> Result<Option<ServerClient>> {
    let meta = store.sync_meta().await?;
    meta.server_url
        .map(|url| ServerClient::new(&url, tokens()))
        .transpose()
        .map_err(CliError::from)
}

/// A signed-in client: the kept sign-in, else a new one with the password.
async fn signed_in(store: &Store) -> Result<ServerClient> {
    let client = remembered(store).await?.ok_or(SyncError::NotConnected)?;
    if client.has_sign_in().unwrap_or(false) {
        return Ok(client);
    }
    let email = store.sync_meta().await?.email.unwrap_or_default();
    if std::env::var_os(PASSWORD_ENV).is_none() && !std::io::stdin().is_terminal() {
        return Err(SyncError::SignInAgain.into());
    }
    client.login(&email, &password()?).await?;
    Ok(client)
}

/// `sync connect --url --email`.
async fn connect(store: &Store, cli: &Cli, url: &str, email: &str) -> Result<()> {
    let password = password()?;
    let url = switchboard_sync::check_connect(url, email, password.expose().is_empty())?;
    let client = ServerClient::new(&url, tokens())?;
    switchboard_sync::connect(store, &client, email, &password)
        .await
        .map_err(|e| match e {
            SyncError::Keyring(why) => CliError::Other(format!(
                "the OS keyring cannot keep the sign-in ({why}); set SWITCHBOARD_NO_KEYRING=1 \
                 and give SWITCHBOARD_SYNC_PASSWORD to each sync command instead"
            )),
            other => other.into(),
        })?;
    let status = status(store, Some(&client), None).await?;
    emit(cli, &status, print_status);
    Ok(())
}

/// `sync now`: push, then pull, in the foreground (Ctrl-C stops; what was
/// acknowledged is kept).
async fn now(store: &Store, cli: &Cli) -> Result<()> {
    let client = signed_in(store).await?;
    let cancel = crate::commands::cancel_on_ctrl_c();
    let report =
        switchboard_sync::sync(store, &client, &SyncOptions::from_env(), |_| {}, &cancel).await?;
    let status = status(store, Some(&client), Some(report)).await?;
    emit(cli, &status, print_status);
    Ok(())
}

/// The status as the app's Sync page gets it: connected when a server is
/// remembered and a sign-in kept (or a password given in the environment).
async fn status(
    store: &Store,
    client: Option<&ServerClient>,
    last_summary: Option<SyncSummary>,
) -> Result<SyncStatus> {
    let meta = store.sync_meta().await?;
    let signed_in = client.is_some_and(|c| c.has_sign_in().unwrap_or(false))
        || (client.is_some() && std::env::var_os(PASSWORD_ENV).is_some());
    let state = match (&meta.server_url, signed_in) {
        (None, _) => "not_connected",
        (Some(_), true) => "connected",
        (Some(_), false) => "sign_in_again",
    };
    Ok(SyncStatus {
        state: state.into(),
        server_url: meta.server_url,
        email: meta.email,
        last_synced_at: meta.last_synced_at,
        pending: store.pending_count().await?,
        conflicts: store.conflicts().await?.len(),
        run: None,
        last_summary,
        last_error: None,
    })
}

fn print_status(s: &SyncStatus) {
    println!("state:      {}", s.state);
    println!(
        "server:     {}",
        s.server_url.as_deref().unwrap_or("(none)")
    );
    if let Some(email) = &s.email {
        println!("signed in:  {email}");
    }
    println!(
        "last sync:  {}",
        s.last_synced_at.as_deref().unwrap_or("never")
    );
    println!("pending:    {} change(s) to send", s.pending);
    println!("conflicts:  {}", s.conflicts);
    if let Some(r) = &s.last_summary {
        println!(
            "this sync:  {} sent, {} received, {} new conflict(s)",
            r.pushed + r.merged + r.deleted,
            r.pulled + r.pulled_deleted,
            r.conflicts
        );
    }
}

/// `sync conflicts` (and after `resolve`): what waits for a decision.
async fn conflicts(store: &Store, cli: &Cli) -> Result<()> {
    let list = store.conflicts().await?;
    emit(cli, &list, |list| {
        if list.is_empty() {
            println!("No conflicts.");
        }
        for c in list {
            println!(
                "{}  {}  {}: mine {} / theirs {}",
                c.uid, c.name, c.field, c.mine, c.theirs
            );
        }
    });
    Ok(())
}
