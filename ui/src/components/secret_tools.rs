//! A stored secret: its mask, an explicit Reveal (the store logs it) and a
//! Copy that clears the clipboard after 30 seconds.

use yew::prelude::*;

use crate::hooks::use_submit_notice;
use crate::ipc::{self, IpcError};
use crate::state::{use_app, Action};

/// Which secret.
#[derive(Properties, PartialEq)]
pub struct SecretToolsProps {
    pub id: String,
    pub field: &'static str,
    pub masked: String,
}

/// The mask with Reveal/Hide and Copy.
#[function_component(SecretTools)]
pub fn secret_tools(props: &SecretToolsProps) -> Html {
    let app = use_app();
    let revealed = use_state(|| None::<String>);
    let submit = use_submit_notice();
    let reveal = {
        let (revealed, submit) = (revealed.clone(), submit.clone());
        let (id, field) = (props.id.clone(), props.field);
        Callback::from(move |_| {
            if revealed.is_some() {
                revealed.set(None);
                return;
            }
            let (revealed, id) = (revealed.clone(), id.clone());
            submit.run(
                async move { ipc::reveal_secret(&id, field).await },
                move |value| revealed.set(Some(value)),
            );
        })
    };
    let copy = {
        let app = app.clone();
        let (id, field) = (props.id.clone(), props.field);
        Callback::from(move |_| {
            let (app, id) = (app.clone(), id.clone());
            let copy = async move {
                ipc::copy_secret(&id, field).await.map_err(|e| IpcError {
                    message: format!("Could not copy: {}", e.message),
                    ..e
                })
            };
            submit.run(copy, move |secs| {
                app.dispatch(Action::Notice(format!(
                    "Copied. The clipboard clears in {secs} seconds."
                )))
            });
        })
    };
    html! {
        <span class="secret-tools">
            <code class="secret-value" id={format!("secret-{}", props.field)} aria-live="polite">
                { revealed.as_deref().unwrap_or(&props.masked) }
            </code>
            <button type="button" class="button ghost small" id={format!("reveal-{}", props.field)} onclick={reveal}>
                { if revealed.is_some() { "Hide" } else { "Reveal" } }
            </button>
            <button type="button" class="button ghost small" id={format!("copy-{}", props.field)} onclick={copy}>
                { "Copy" }
            </button>
        </span>
    }
}
