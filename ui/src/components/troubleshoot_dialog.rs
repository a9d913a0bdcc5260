//! "Troubleshoot": the troubleshooting checks of one integration (SPF, DKIM
//! and DMARC of the from-domain, the sender identity, WhatsApp templates,
//! the Page's lead subscription, the app mode, the webhook handshake, the
//! SMS sender), each with what was found and what to do.

use yew::prelude::*;

use crate::hooks::use_fetch;
use crate::ipc::{self, IntegrationRow, OutcomeKind, TroubleshootFinding};

#[derive(Properties, PartialEq)]
pub struct TroubleshootProps {
    pub row: IntegrationRow,
    pub on_close: Callback<()>,
}

/// The verdict's badge: passed, a problem, or could not be checked.
fn verdict(f: &TroubleshootFinding) -> (&'static str, &'static str) {
    if f.ok {
        ("st-success", "OK")
    } else if f.kind == OutcomeKind::NotCheckable {
        ("st-pending", "Not checked")
    } else {
        ("st-error", "Problem")
    }
}

fn finding(f: &TroubleshootFinding) -> Html {
    let (class, label) = verdict(f);
    html! {
        <li class="finding" data-id={f.id.clone()} data-ok={if f.ok { "true" } else { "false" }}>
            <span class={classes!("badge", class)}>{ label }</span>
            { " " }<strong>{ &f.title }</strong>
            <p class="finding-message">{ &f.message }</p>
            if !f.hint.is_empty() {
                <p class="finding-hint muted">{ &f.hint }</p>
            }
        </li>
    }
}

/// The dialog: runs the checks when it opens and on "Run again".
#[function_component(TroubleshootDialog)]
pub fn troubleshoot_dialog(props: &TroubleshootProps) -> Html {
    let runs = use_state(|| 0u32);
    let id = props.row.id.clone();
    let answer = use_fetch((id, *runs), |(id, _)| ipc::troubleshoot(id));
    let again = {
        let (runs, answer) = (runs.clone(), answer.clone());
        Callback::from(move |_| {
            answer.set(None);
            runs.set(*runs + 1);
        })
    };
    let close = {
        let close = props.on_close.clone();
        Callback::from(move |_| close.emit(()))
    };
    let body = match &*answer {
        None => {
            html! { <p id="ts-running" class="muted" role="status">{ "Running the troubleshooting checks…" }</p> }
        }
        Some(Err(e)) => html! { <p class="error" id="ts-error" role="alert">{ &e.message }</p> },
        Some(Ok(a)) => html! {
            <>
                <p id="ts-summary" role="status">{ &a.summary }</p>
                <ul id="ts-findings" class="findings">{ for a.findings.iter().map(finding) }</ul>
            </>
        },
    };
    html! {
        <div class="overlay">
            <div class="dialog troubleshoot-dialog" role="dialog" aria-modal="true" aria-labelledby="ts-title">
                <h2 id="ts-title">{ format!("Troubleshoot “{}”", props.row.name) }</h2>
                { body }
                <div class="form-actions">
                    <button type="button" class="button ghost" id="ts-again" disabled={answer.is_none()} onclick={again}>{ "Run again" }</button>
                    <button type="button" class="button primary" id="ts-close" onclick={close}>{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}
