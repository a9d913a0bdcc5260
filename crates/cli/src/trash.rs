//! `delete` and `switchboard trash ...`: deleting moves an integration to
//! the Trash (restorable for 30 days), as in the app; `trash delete` and
//! `trash empty` delete for good and ask first unless --yes.

use crate::commands::emit;
use crate::output::{ask, CliError};
use crate::{Cli, TrashCommand};
use serde_json::json;
use switchboard_store::{Store, TrashedIntegration, MOVED_TO_TRASH};

type Result<T> = std::result::Result<T, CliError>;

/// `delete ID`: moves it to the Trash and says so.
pub async fn delete(store: &Store, cli: &Cli, id: &str) -> Result<()> {
    store.delete(id).await?;
    let answer = json!({ "id": id, "trashed": true, "message": MOVED_TO_TRASH });
    emit(cli, &answer, |_| {
        println!("{MOVED_TO_TRASH} (switchboard trash restore {id}).")
    });
    Ok(())
}

/// Runs a `trash` subcommand (vault unlocked).
pub async fn run(store: &Store, cli: &Cli, command: &TrashCommand) -> Result<()> {
    match command {
        TrashCommand::List => {
            let items = store.trash_list().await?;
            emit(cli, &items, |items| print_trash(items));
        }
        TrashCommand::Restore { id } => {
            store.restore_from_trash(id).await?;
            let answer = json!({ "id": id, "restored": true });
            emit(cli, &answer, |_| println!("Restored {id} from the Trash."));
        }
        TrashCommand::Delete { id, yes } => {
            let integration = store.get(id).await?;
            if !yes {
                ask(
                    &format!(
                        "Delete “{}” ({}) for good? This cannot be undone.",
                        integration.name, integration.provider
                    ),
                    "trash delete deletes for good: confirm with --yes when there is no terminal to ask on",
                    "nothing was deleted",
                )?;
            }
            store.delete_forever(id).await?;
            let answer = json!({ "id": id, "deleted": true });
            emit(cli, &answer, |_| println!("Deleted {id} for good."));
        }
        TrashCommand::Empty { yes } => {
            let count = store.trash_list().await?.len();
            if !yes && count > 0 {
                ask(
                    &format!("Delete the {count} integration(s) in the Trash for good? This cannot be undone."),
                    "trash empty deletes for good: confirm with --yes when there is no terminal to ask on",
                    "nothing was deleted",
                )?;
            }
            let deleted = store.empty_trash().await?;
            let answer = json!({ "deleted": deleted });
            emit(cli, &answer, |_| {
                println!("Deleted {deleted} integration(s) from the Trash for good.")
            });
        }
    }
    Ok(())
}

/// The Trash as aligned text.
fn print_trash(items: &[TrashedIntegration]) {
    if items.is_empty() {
        println!("The Trash is empty.");
        return;
    }
    println!(
        "{:<36}  {:<24}  {:<12}  {:<10}  {:<10}  DAYS LEFT",
        "ID", "NAME", "TYPE", "PROVIDER", "DELETED"
    );
    for i in items {
        println!(
            "{:<36}  {:<24}  {:<12}  {:<10}  {:<10}  {}",
            i.id,
            i.name,
            i.integration_type,
            i.provider,
            i.trashed_at.get(..10).unwrap_or(&i.trashed_at),
            i.days_left
        );
    }
}
