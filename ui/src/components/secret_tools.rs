//! A stored secret: its mask, an explicit Reveal (the store logs it) and a
//! Copy that clears the clipboard after 30 seconds.

use std::time::Duration;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::ipc;
use crate::state::{use_app, Action};

/// How long a copied secret stays on the clipboard.
pub const CLIPBOARD_SECONDS: u64 = 30;

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
    let reveal = {
        let (revealed, app) = (revealed.clone(), app.clone());
        let (id, field) = (props.id.clone(), props.field);
        Callback::from(move |_| {
            if revealed.is_some() {
                revealed.set(None);
                return;
            }
            let (revealed, app, id) = (revealed.clone(), app.clone(), id.clone());
            spawn_local(async move {
                match ipc::reveal_secret(&id, field).await {
                    Ok(value) => revealed.set(Some(value)),
                    Err(e) => app.dispatch(Action::Notice(e.message)),
                }
            });
        })
    };
    let copy = {
        let (revealed, app) = (revealed.clone(), app.clone());
        let (id, field) = (props.id.clone(), props.field);
        Callback::from(move |_| {
            let (known, app, id) = ((*revealed).clone(), app.clone(), id.clone());
            spawn_local(async move {
                let value = match known {
                    Some(v) => v,
                    None => match ipc::reveal_secret(&id, field).await {
                        Ok(v) => v,
                        Err(e) => return app.dispatch(Action::Notice(e.message)),
                    },
                };
                if let Err(e) = ipc::write_clipboard(&value).await {
                    return app.dispatch(Action::Notice(format!("Could not copy: {}", e.message)));
                }
                app.dispatch(Action::Notice(format!(
                    "Copied. The clipboard clears in {CLIPBOARD_SECONDS} seconds."
                )));
                sleep(Duration::from_secs(CLIPBOARD_SECONDS)).await;
                // Clear it unless something else was copied since.
                let still_ours = ipc::read_clipboard().await.map_or(true, |now| now == value);
                if still_ours {
                    let _ = ipc::write_clipboard("").await;
                }
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
