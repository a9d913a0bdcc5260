//! First run: create the vault with a passphrase (and the OS keyring where
//! there is one), then show the recovery key once.

use yew::prelude::*;

use super::parts::{check_input, text_input};
use super::vault_page::refresh_vault;
use super::RecoveryKeyShown;
use crate::hooks::{use_submit, Problems};
use crate::ipc::{self, SetupRequest};
use crate::state::use_app;

/// The welcome card with the passphrase form, then the recovery key.
#[function_component(SetupScreen)]
pub fn setup_screen() -> Html {
    let app = use_app();
    let passphrase = use_state(String::new);
    let confirm = use_state(String::new);
    let use_keyring = use_state(|| app.vault.is_some_and(|v| v.keyring_allowed));
    let submit = use_submit();
    let recovery = use_state(|| None::<String>);

    if let Some(key) = &*recovery {
        let finish = {
            let app = app.clone();
            Callback::from(move |()| refresh_vault(&app))
        };
        return html! {
            <RecoveryKeyShown recovery_key={key.clone()} on_done={finish}
                intro="If you forget your passphrase, this key is the only way back into your store. \
                       Write it down or keep it in your password manager: it is shown only this once." />
        };
    }

    let onsubmit = {
        let (passphrase, confirm, use_keyring) =
            (passphrase.clone(), confirm.clone(), use_keyring.clone());
        let recovery = recovery.clone();
        submit.on_submit(move |submit| {
            if passphrase.chars().count() < 8 {
                submit.fail(Problems::message(
                    "Choose a passphrase of at least 8 characters.",
                ));
                return;
            }
            if *passphrase != *confirm {
                submit.fail(Problems::message("The two passphrases differ."));
                return;
            }
            let request = SetupRequest {
                passphrase: (*passphrase).clone(),
                use_keyring: *use_keyring,
            };
            let recovery = recovery.clone();
            submit.run(
                async move { ipc::setup_vault(&request).await },
                move |answer| recovery.set(Some(answer.recovery_key)),
            );
        })
    };
    let on_keyring = check_input(&use_keyring);
    let keyring_allowed = app.vault.is_some_and(|v| v.keyring_allowed);
    html! {
        <section class="card narrow setup" aria-labelledby="setup-title">
            <h2 id="setup-title">{ "Welcome to Switchboard" }</h2>
            <p class="muted">
                { "Your credentials are encrypted on this laptop. Choose a passphrase to protect them." }
            </p>
            <form class="stack" {onsubmit}>
                <label class="field">
                    <span class="label">{ "Passphrase" }<span class="req" aria-hidden="true">{ " *" }</span></span>
                    <input type="password" id="setup-passphrase" required=true autocomplete="new-password"
                        value={(*passphrase).clone()} oninput={text_input(&passphrase)} />
                    <span class="help">{ "At least 8 characters. A short sentence is easy to remember." }</span>
                </label>
                <label class="field">
                    <span class="label">{ "Repeat the passphrase" }</span>
                    <input type="password" id="setup-confirm" required=true autocomplete="new-password"
                        value={(*confirm).clone()} oninput={text_input(&confirm)} />
                </label>
                if keyring_allowed {
                    <label class="check">
                        <input type="checkbox" id="setup-keyring" checked={*use_keyring} onchange={on_keyring} />
                        { "Also keep the key in the system keyring, to unlock without typing" }
                    </label>
                }
                if let Some(message) = submit.message() {
                    <p class="error" role="alert">{ message }</p>
                }
                <button class="button primary" id="setup-create" type="submit" disabled={submit.busy()}>
                    { if submit.busy() { "Creating…" } else { "Create my vault" } }
                </button>
            </form>
        </section>
    }
}
