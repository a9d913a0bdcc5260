//! The add/edit drawer: for an edit, loads the integration first, then shows
//! the editor filled in.

use yew::prelude::*;

use super::integrations_page::Editor;
use super::parts::on_escape;
use super::IntegrationEditor;
use crate::hooks::use_fetch;
use crate::ipc;

/// Which form to show and how to close it.
#[derive(Properties, PartialEq)]
pub struct IntegrationFormProps {
    pub mode: Editor,
    pub on_close: Callback<()>,
}

/// The drawer.
#[function_component(IntegrationForm)]
pub fn integration_form(props: &IntegrationFormProps) -> Html {
    let edit_id = match &props.mode {
        Editor::Edit(id) => Some(id.clone()),
        Editor::New(_) => None,
    };
    let detail = use_fetch(edit_id.clone(), |id| {
        let id = id.clone();
        async move {
            match id {
                Some(id) => ipc::get_integration(&id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let close = props.on_close.reform(|_: MouseEvent| ());
    let onkeydown = on_escape(&props.on_close);
    let body = match (&props.mode, &*detail) {
        (Editor::New(type_id), _) => html! {
            <IntegrationEditor type_id={type_id.clone()} detail={None::<ipc::IntegrationDetail>}
                on_close={props.on_close.clone()} />
        },
        (Editor::Edit(_), Some(Ok(Some(d)))) => html! {
            <IntegrationEditor type_id={d.integration_type.clone()} detail={Some(d.clone())}
                on_close={props.on_close.clone()} />
        },
        (Editor::Edit(_), Some(Err(e))) => {
            html! { <p class="error" role="alert">{ &e.message }</p> }
        }
        _ => html! { <p class="muted">{ "Loading…" }</p> },
    };
    html! {
        <div class="overlay" {onkeydown}>
            <aside class="drawer" role="dialog" aria-modal="true" aria-labelledby="form-title">
                <button class="icon-button close" aria-label="Close the form" onclick={close}>{ "✕" }</button>
                { body }
            </aside>
        </div>
    }
}
