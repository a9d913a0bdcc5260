//! The lock screen: unlocks through the keyring automatically where the vault
//! uses it, else with the passphrase or the recovery key.

use yew::platform::spawn_local;
use yew::prelude::*;

use super::parts::text_input;
use crate::hooks::use_submit;
use crate::ipc::{self, IpcError, UnlockRequest};
use crate::state::{use_app, Action};

/// The unlock card.
#[function_component(LockScreen)]
pub fn lock_screen() -> Html {
    let app = use_app();
    let secret = use_state(String::new);
    let with_recovery = use_state(|| false);
    let submit = use_submit();

    let attempt = {
        let (app, submit) = (app.clone(), submit.clone());
        Callback::from(move |request: UnlockRequest| {
            let app = app.clone();
            let keyring = request == UnlockRequest::Keyring;
            let unlock = async move {
                ipc::unlock(&request).await.map_err(|e| {
                    if !keyring {
                        return e;
                    }
                    IpcError {
                        message: format!(
                            "The system keyring did not open the vault ({}). Use your passphrase.",
                            e.message
                        ),
                        ..e
                    }
                })
            };
            submit.run(unlock, move |()| {
                spawn_local(async move {
                    if let Ok(v) = ipc::vault_status().await {
                        app.dispatch(Action::Vault(v));
                    }
                })
            });
        })
    };
    // Unlock through the keyring on arrival, where the vault keeps its key
    // there; after a lock in this session, only when asked.
    let keyring = app
        .vault
        .is_some_and(|v| v.uses_keyring && v.keyring_allowed);
    {
        let attempt = attempt.clone();
        let auto = keyring && !app.locked_here;
        use_effect_with(auto, move |auto| {
            if *auto {
                attempt.emit(UnlockRequest::Keyring);
            }
        });
    }
    let onsubmit = {
        let (secret, with_recovery, attempt) =
            (secret.clone(), with_recovery.clone(), attempt.clone());
        submit.on_submit(move |_| {
            let value = (*secret).clone();
            attempt.emit(if *with_recovery {
                UnlockRequest::RecoveryKey {
                    recovery_key: value,
                }
            } else {
                UnlockRequest::Passphrase { passphrase: value }
            });
        })
    };
    let oninput = text_input(&secret);
    let toggle_mode = {
        let (with_recovery, secret, submit) =
            (with_recovery.clone(), secret.clone(), submit.clone());
        Callback::from(move |_| {
            with_recovery.set(!*with_recovery);
            secret.set(String::new());
            submit.clear();
        })
    };
    let with_keyring = attempt.reform(|_: MouseEvent| UnlockRequest::Keyring);
    let busy = submit.busy();
    let label = if *with_recovery {
        "Recovery key"
    } else {
        "Passphrase"
    };
    html! {
        <section class="card narrow lock" aria-labelledby="lock-title">
            <div class="lock-icon" aria-hidden="true">
                <svg viewBox="0 0 24 24">
                    <rect x="4" y="10" width="16" height="11" rx="2.5" />
                    <path d="M8 10 V7 a4 4 0 0 1 8 0 V10" />
                </svg>
            </div>
            <h2 id="lock-title">{ "Switchboard is locked" }</h2>
            <p class="muted">{ "Unlock to see and change your integrations." }</p>
            <form class="stack" {onsubmit}>
                <label class="field">
                    <span class="label">{ label }</span>
                    <input type={if *with_recovery { "text" } else { "password" }} id="unlock-secret"
                        autocomplete="current-password" value={(*secret).clone()} {oninput} />
                </label>
                if let Some(message) = submit.message() {
                    <p class="error" role="alert">{ message }</p>
                }
                <button class="button primary" id="unlock-submit" type="submit" disabled={busy}>
                    { if busy { "Unlocking…" } else { "Unlock" } }
                </button>
                if keyring {
                    <button class="button ghost" id="unlock-keyring" type="button" onclick={with_keyring} disabled={busy}>
                        { "Unlock with the system keyring" }
                    </button>
                }
                <button class="button link" id="unlock-mode" type="button" onclick={toggle_mode}>
                    { if *with_recovery { "Use my passphrase" } else { "Use the recovery key instead" } }
                </button>
            </form>
        </section>
    }
}
