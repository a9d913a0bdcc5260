//! The Vault page: upkeep of what protects the store, while the app runs.
//! Change (or add) the passphrase, issue a new recovery key, rotate the
//! master key (each asks for the passphrase again when the vault has one),
//! and encrypted backups (`backup_cards`).

use std::collections::BTreeMap;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::backup_cards::{BackupCard, RestoreCard};
use super::parts::{field_error, text_input};
use super::{ConfirmDialog, RecoveryKeyShown};
use crate::hooks::{use_submit, Problems, Submit};
use crate::ipc::{self, IpcResult, PassphraseChange, PassphraseProof, RecoveryAnswer};
use crate::state::{use_app, Action, AppContext};

/// The key actions, each confirmed in a dialog first.
#[derive(Clone, Copy, PartialEq)]
enum KeyAction {
    Reissue,
    Rotate,
}

impl KeyAction {
    fn question(self) -> (&'static str, &'static str, &'static str) {
        match self {
            KeyAction::Reissue => (
                "Issue a new recovery key?",
                "The recovery key you have now stops working at once. The new one is shown once: have somewhere to keep it.",
                "Issue a new key",
            ),
            KeyAction::Rotate => (
                "Rotate the master key?",
                "Every secret is sealed again under a new key, in one step: if anything fails, nothing changes. \
                 Your recovery key changes too; the new one is shown once.",
                "Rotate the key",
            ),
        }
    }

    fn done(self) -> &'static str {
        match self {
            KeyAction::Reissue => "A new recovery key was issued; the old one no longer opens this vault. Keep the new one safe: it is shown only now.",
            KeyAction::Rotate => "The master key was replaced and every secret sealed again under it. Your recovery key changed with it: keep the new one safe, it is shown only now.",
        }
    }

    async fn run(self, proof: PassphraseProof) -> IpcResult<RecoveryAnswer> {
        match self {
            KeyAction::Reissue => ipc::reissue_recovery_key(&proof).await,
            KeyAction::Rotate => ipc::rotate_master_key(&proof).await,
        }
    }
}

/// The page.
#[function_component(VaultPage)]
pub fn vault_page() -> Html {
    let app = use_app();
    let has_passphrase = app.vault.is_some_and(|v| v.has_passphrase);
    let shown = use_state(|| None::<(KeyAction, String)>);
    if let Some((action, key)) = &*shown {
        let shown = shown.clone();
        return html! {
            <RecoveryKeyShown recovery_key={key.clone()} intro={action.done()}
                on_done={Callback::from(move |()| shown.set(None))} />
        };
    }
    html! {
        <>
            <PassphraseCard {has_passphrase} />
            <KeysCard {has_passphrase} on_key={Callback::from(move |k| shown.set(Some(k)))} />
            <BackupCard />
            <RestoreCard />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct PassphraseCardProps {
    has_passphrase: bool,
}

/// Change or add the passphrase.
#[function_component(PassphraseCard)]
fn passphrase_card(props: &PassphraseCardProps) -> Html {
    let app = use_app();
    let current = use_state(String::new);
    let new = use_state(String::new);
    let repeat = use_state(String::new);
    let submit = use_submit();
    let has = props.has_passphrase;
    let onsubmit = {
        let (app, current, new, repeat) =
            (app.clone(), current.clone(), new.clone(), repeat.clone());
        submit.on_submit(move |submit| {
            let mut found = BTreeMap::new();
            if has && current.is_empty() {
                found.insert("current".into(), "Type the passphrase you use now.".into());
            }
            found.extend(new_passphrase_problem("new", &new, &repeat));
            if !found.is_empty() {
                submit.fail(Problems::fields(found));
                return;
            }
            let request = PassphraseChange {
                current: has.then(|| (*current).clone()),
                new: Some((*new).clone()),
            };
            let (app, current, new, repeat) =
                (app.clone(), current.clone(), new.clone(), repeat.clone());
            submit.run(
                async move { ipc::change_passphrase(&request).await },
                move |()| {
                    for field in [&current, &new, &repeat] {
                        field.set(String::new());
                    }
                    refresh_vault(&app);
                    app.dispatch(Action::Notice(if has {
                        "Passphrase changed: use the new one from now on.".into()
                    } else {
                        "Passphrase added: the vault now also opens with it.".into()
                    }));
                },
            );
        })
    };
    let (title, intro, button) = if has {
        (
            "Passphrase",
            "Change the passphrase that unlocks this vault. The current one is needed; the recovery key is not affected.",
            "Change passphrase",
        )
    } else {
        (
            "Passphrase",
            "This vault opens through the system keyring only. Add a passphrase to open it where the keyring is not available.",
            "Add passphrase",
        )
    };
    let error = |key: &str| field_error(format!("vault-{key}-error"), submit.field(key));
    html! {
        <section class="card settings-card" aria-labelledby="vault-passphrase-title">
            <h2 id="vault-passphrase-title">{ title }</h2>
            <p class="muted">{ intro }</p>
            <form class="form settings-form" {onsubmit} novalidate=true>
                if has {
                    { password_field("vault-current", "Current passphrase", "current-password", &current, error("current")) }
                }
                { password_field("vault-new", "New passphrase", "new-password", &new, error("new")) }
                { password_field("vault-repeat", "Repeat the new passphrase", "new-password", &repeat, error("repeat")) }
                { field_error("vault-passphrase-general".into(), submit.general()) }
                <div class="form-actions">
                    <button type="submit" class="button primary" id="vault-change-passphrase"
                        disabled={submit.busy()}>{ button }</button>
                </div>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct KeysCardProps {
    has_passphrase: bool,
    on_key: Callback<(KeyAction, String)>,
}

/// Issue a new recovery key, or rotate the master key.
#[function_component(KeysCard)]
fn keys_card(props: &KeysCardProps) -> Html {
    let proof = use_state(String::new);
    let asking = use_state(|| None::<KeyAction>);
    let submit = use_submit();
    let has = props.has_passphrase;
    let ask = |action: KeyAction| {
        let (asking, proof, submit) = (asking.clone(), proof.clone(), submit.clone());
        Callback::from(move |_: MouseEvent| {
            if has && proof.is_empty() {
                submit.fail(Problems::field(
                    "passphrase",
                    "Type the vault's passphrase first.",
                ));
                return;
            }
            asking.set(Some(action));
        })
    };
    let dialog = (*asking).map(|action| {
        let (title, message, label) = action.question();
        let on_confirm = {
            let (asking, proof, submit, on_key) = (
                asking.clone(),
                proof.clone(),
                submit.clone(),
                props.on_key.clone(),
            );
            Callback::from(move |()| {
                asking.set(None);
                run_key_action(
                    &submit,
                    action,
                    has.then(|| (*proof).clone()),
                    &proof,
                    &on_key,
                );
            })
        };
        let asking = asking.clone();
        html! {
            <ConfirmDialog {title} {message} confirm_label={label} {on_confirm}
                on_cancel={Callback::from(move |()| asking.set(None))} />
        }
    });
    html! {
        <section class="card settings-card" aria-labelledby="vault-keys-title">
            <h2 id="vault-keys-title">{ "Recovery key and master key" }</h2>
            <p class="muted">
                { "The recovery key opens the vault when the passphrase and the keyring are lost. \
                   Issue a new one if the old one may have been seen. Rotating the master key seals \
                   every secret again under a new key, while the app keeps running." }
            </p>
            <div class="form settings-form">
                if has {
                    { password_field("vault-proof", "Passphrase", "current-password", &proof,
                        field_error("vault-proof-error".into(), submit.field("passphrase"))) }
                }
                { field_error("vault-keys-general".into(), submit.general()) }
                <div class="form-actions">
                    <button type="button" class="button" id="vault-reissue" disabled={submit.busy()}
                        onclick={ask(KeyAction::Reissue)}>{ "Issue a new recovery key" }</button>
                    <button type="button" class="button" id="vault-rotate" disabled={submit.busy()}
                        onclick={ask(KeyAction::Rotate)}>
                        { if submit.busy() { "Working…" } else { "Rotate the master key" } }
                    </button>
                </div>
            </div>
            { for dialog }
        </section>
    }
}

fn run_key_action(
    submit: &Submit,
    action: KeyAction,
    passphrase: Option<String>,
    proof: &UseStateHandle<String>,
    on_key: &Callback<(KeyAction, String)>,
) {
    let (proof, on_key) = (proof.clone(), on_key.clone());
    submit.run(action.run(PassphraseProof { passphrase }), move |answer| {
        proof.set(String::new());
        on_key.emit((action, answer.recovery_key));
    });
}

/// What is wrong with a new passphrase typed twice, on its field (`key`)
/// or on "repeat"; nothing when it will do.
pub(super) fn new_passphrase_problem(
    key: &str,
    first: &str,
    repeat: &str,
) -> Option<(String, String)> {
    if first.chars().count() < 8 {
        Some((key.to_owned(), "At least 8 characters.".to_owned()))
    } else if first != repeat {
        Some((
            "repeat".to_owned(),
            "The two passphrases differ.".to_owned(),
        ))
    } else {
        None
    }
}

/// A password input with its label and problem.
pub(super) fn password_field(
    id: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    value: &UseStateHandle<String>,
    error: Html,
) -> Html {
    html! {
        <label class="field">
            <span class="label">{ label }</span>
            <input type="password" {id} {autocomplete} value={(**value).clone()} oninput={text_input(value)} />
            { error }
        </label>
    }
}

/// Reads the vault's state again (whether it has a passphrase now).
pub(super) fn refresh_vault(app: &AppContext) {
    let app = app.clone();
    spawn_local(async move {
        if let Ok(v) = ipc::vault_status().await {
            app.dispatch(Action::Vault(v));
        }
    });
}
