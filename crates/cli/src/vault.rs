//! `passphrase change` and `recovery-key reissue`: the store's vault upkeep,
//! as the app's Vault page does it. The current passphrase is the one the
//! command unlocked with.

use crate::backup::{typed_secret, Typed};
use crate::commands::print_recovery_key;
use crate::output::CliError;
use crate::{Cli, PassphraseCommand};
use switchboard_store::Store;
use switchboard_vault::Secret;

type Result<T> = std::result::Result<T, CliError>;

/// `passphrase change [--remove]`.
pub async fn passphrase(
    store: &Store,
    cli: &Cli,
    command: &PassphraseCommand,
    current: Option<&Secret>,
) -> Result<()> {
    let PassphraseCommand::Change {
        new_passphrase_stdin,
        remove,
    } = command;
    let new = if *remove {
        None
    } else {
        let typed = Typed {
            stdin: new_passphrase_stdin.then_some("the new passphrase"),
            env: "SWITCHBOARD_NEW_PASSPHRASE",
            prompt: "New passphrase: ",
            missing: "the new passphrase: set SWITCHBOARD_NEW_PASSPHRASE, use \
                      --new-passphrase-stdin, or run the command in a terminal to be asked",
        };
        Some(typed_secret(&typed, true)?)
    };
    let removed = new.is_none();
    store.change_passphrase(current, new).await?;
    let done = serde_json::json!({ "changed": true, "has_passphrase": !removed });
    crate::commands::emit(cli, &done, |_| {
        if removed {
            println!("Passphrase removed: the vault now unlocks with the keyring.");
        } else {
            println!("Passphrase changed: the old one no longer unlocks the vault.");
        }
    });
    Ok(())
}

/// `recovery-key reissue`.
pub async fn reissue(store: &Store, cli: &Cli, current: Option<&Secret>) -> Result<()> {
    let recovery = store.reissue_recovery_key(current).await?;
    print_recovery_key(cli, &recovery, "A new recovery key was issued.");
    Ok(())
}
