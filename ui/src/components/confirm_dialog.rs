//! A modal question with Cancel and a confirming button; Escape cancels.

use yew::prelude::*;

use super::parts::on_escape;

/// The dialog's text and answers.
#[derive(Properties, PartialEq)]
pub struct ConfirmDialogProps {
    pub title: AttrValue,
    pub message: AttrValue,
    pub confirm_label: AttrValue,
    pub on_confirm: Callback<()>,
    pub on_cancel: Callback<()>,
}

/// The dialog; focus starts on Cancel, the safe answer.
#[function_component(ConfirmDialog)]
pub fn confirm_dialog(props: &ConfirmDialogProps) -> Html {
    let cancel_ref = use_node_ref();
    {
        let cancel_ref = cancel_ref.clone();
        use_effect_with((), move |_| {
            if let Some(el) = cancel_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let confirm = props.on_confirm.reform(|_: MouseEvent| ());
    let onkeydown = on_escape(&props.on_cancel);
    html! {
        <div class="overlay" {onkeydown}>
            <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="dialog-title"
                aria-describedby="dialog-message">
                <h3 id="dialog-title">{ &props.title }</h3>
                <p id="dialog-message">{ &props.message }</p>
                <div class="dialog-actions">
                    <button class="button ghost" id="dialog-cancel" ref={cancel_ref} onclick={cancel}>{ "Cancel" }</button>
                    <button class="button danger" id="dialog-confirm" onclick={confirm}>{ &props.confirm_label }</button>
                </div>
            </div>
        </div>
    }
}
