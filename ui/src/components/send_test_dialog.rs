//! "Send a test message": a real email, SMS, WhatsApp template or webhook
//! event, sent only after the person ticks the confirmation.

use yew::prelude::*;

use super::parts::{check_input, labelled, text_input};
use crate::hooks::use_submit;
use crate::ipc::{self, IntegrationRow, SendTestRequest};
use crate::state::{use_app, Action};

#[derive(Properties, PartialEq)]
pub struct SendTestProps {
    pub row: IntegrationRow,
    pub on_close: Callback<()>,
}

/// Which types can send a test message.
pub fn can_send(row: &IntegrationRow) -> bool {
    matches!(row.integration_type.as_str(), "email" | "sms")
        || matches!(
            row.provider.as_str(),
            "whatsapp" | "zapier" | "make" | "custom_webhook"
        )
}

/// The dialog.
#[function_component(SendTestDialog)]
pub fn send_test_dialog(props: &SendTestProps) -> Html {
    let app = use_app();
    let to = use_state(String::new);
    let template = use_state(|| "hello_world".to_owned());
    let language = use_state(|| "en_US".to_owned());
    let confirmed = use_state(|| false);
    let submit = use_submit();
    let row = &props.row;
    let is_email = row.integration_type == "email";
    let is_whatsapp = row.provider == "whatsapp";
    let needs_to = is_email || row.integration_type == "sms" || is_whatsapp;
    let toggle = check_input(&confirmed);
    let send = {
        let (app, to, template, language, confirmed, close) = (
            app.clone(),
            to.clone(),
            template.clone(),
            language.clone(),
            confirmed.clone(),
            props.on_close.clone(),
        );
        let (id, name) = (row.id.clone(), row.name.clone());
        submit.on_submit(move |submit| {
            let request = SendTestRequest {
                id: id.clone(),
                to: (*to).clone(),
                template: (*template).clone(),
                language: (*language).clone(),
                confirmed: *confirmed,
            };
            let (app, close, name) = (app.clone(), close.clone(), name.clone());
            submit.run(
                async move { ipc::send_test_message(&request).await },
                move |answer| {
                    let verdict = if answer.ok { "sent" } else { "not sent" };
                    let mut line =
                        format!("Test message via “{name}” {verdict}: {}", answer.message);
                    if !answer.hint.is_empty() {
                        line.push(' ');
                        line.push_str(&answer.hint);
                    }
                    app.dispatch(Action::Changed(line));
                    close.emit(());
                },
            );
        })
    };
    let cancel = {
        let close = props.on_close.clone();
        Callback::from(move |_| close.emit(()))
    };
    html! {
        <div class="overlay">
            <form class="dialog send-dialog" role="dialog" aria-modal="true" aria-labelledby="send-title" onsubmit={send}>
                <h2 id="send-title">{ format!("Send a test via “{}”", row.name) }</h2>
                if needs_to {
                    { labelled(
                        if is_email { "Send to (email)" } else { "Send to (phone, like +14155550123)" },
                        html! { <input id="send-to" type={if is_email { "email" } else { "tel" }} value={(*to).clone()} oninput={text_input(&to)} /> },
                    ) }
                } else {
                    <p class="muted">{ "This posts one test event to the webhook, which runs the workflow once." }</p>
                }
                if is_whatsapp {
                    { labelled("Approved template", html! {
                        <input id="send-template" value={(*template).clone()} oninput={text_input(&template)} />
                    }) }
                    { labelled("Language", html! {
                        <input id="send-language" value={(*language).clone()} oninput={text_input(&language)} />
                    }) }
                }
                <label class="check">
                    <input id="send-confirm" type="checkbox" checked={*confirmed} onchange={toggle} />
                    { " I understand this sends a real message." }
                </label>
                if let Some(msg) = submit.message() {
                    <p class="error" id="send-error" role="alert">{ msg }</p>
                }
                <div class="form-actions">
                    <button type="button" class="button ghost" id="send-cancel" onclick={cancel}>{ "Cancel" }</button>
                    <button type="submit" class="button primary" id="send-submit" disabled={submit.busy() || !*confirmed}>
                        { if submit.busy() { "Sending…" } else { "Send" } }</button>
                </div>
            </form>
        </div>
    }
}
