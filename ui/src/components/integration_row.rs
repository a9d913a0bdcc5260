//! One row of the list: status, the active toggle and the row's actions.

use yew::prelude::*;

use crate::hooks::use_submit_notice;
use crate::ipc::{self, IntegrationRow};
use crate::route::Route;
use crate::state::{use_app, Action};
use crate::time;

/// The row's data and what its buttons do.
#[derive(Properties, PartialEq)]
pub struct IntegrationRowProps {
    pub row: IntegrationRow,
    pub website: String,
    pub on_edit: Callback<String>,
    /// Asks to delete (id, name); the list confirms first.
    pub on_delete: Callback<(String, String)>,
}

/// A table row.
#[function_component(IntegrationRowView)]
pub fn integration_row(props: &IntegrationRowProps) -> Html {
    let app = use_app();
    let toggling = use_submit_notice();
    let testing = use_submit_notice();
    let sending = use_state(|| false);
    let troubleshooting = use_state(|| false);
    let inspecting = use_state(|| false);
    let row = &props.row;
    let (type_label, provider_label) = match switchboard_catalog::find_provider(&row.provider) {
        Some((t, p)) => (t.label, p.label),
        None => (row.integration_type.as_str(), row.provider.as_str()),
    };
    let toggle = {
        let (app, submit, id, active) =
            (app.clone(), toggling.clone(), row.id.clone(), row.is_active);
        Callback::from(move |_| {
            let (app, id) = (app.clone(), id.clone());
            let change = if active {
                "Switched off"
            } else {
                "Switched on"
            };
            submit.run(
                async move { ipc::set_active(&id, !active).await },
                move |()| app.dispatch(Action::Changed(change.into())),
            );
        })
    };
    let test = {
        let (app, submit, id, name) = (
            app.clone(),
            testing.clone(),
            row.id.clone(),
            row.name.clone(),
        );
        Callback::from(move |_| {
            let (app, id, name) = (app.clone(), id.clone(), name.clone());
            submit.run(
                async move { ipc::test_integration(&id).await },
                move |answer| app.dispatch(Action::Changed(describe(&name, &answer))),
            );
        })
    };
    let edit = {
        let (cb, id) = (props.on_edit.clone(), row.id.clone());
        Callback::from(move |_| cb.emit(id.clone()))
    };
    let delete = {
        let (cb, id, name) = (props.on_delete.clone(), row.id.clone(), row.name.clone());
        Callback::from(move |_| cb.emit((id.clone(), name.clone())))
    };
    let logs = {
        let (app, id, name) = (app.clone(), row.id.clone(), row.name.clone());
        Callback::from(move |_| {
            app.dispatch(Action::Navigate(Route::Logs {
                id: id.clone(),
                name: name.clone(),
            }))
        })
    };
    let testing = testing.busy();
    let status = row.status.as_str();
    let status_title = row
        .last_error
        .clone()
        .filter(|_| row.status == ipc::Status::Error);
    html! {
        <tr class="row" data-name={row.name.clone()}>
            <th scope="row" class="name">
                { &row.name }
                if let Some(a) = row.attention {
                    { " " }
                    <span class="badge attention" data-kind={a.kind()} title="Expiry and rotation: see Settings for the rotation period">
                        { a.label() }
                    </span>
                }
            </th>
            <td>{ type_label }</td>
            <td>{ provider_label }</td>
            <td>{ &props.website }</td>
            <td><span class={classes!("badge", format!("st-{status}"))} title={status_title}>{ status }</span></td>
            <td>
                <button class={classes!("switch", row.is_active.then_some("on"))} role="switch"
                    aria-checked={if row.is_active { "true" } else { "false" }}
                    aria-label={format!("Active: {}", row.name)} onclick={toggle}>
                    <span class="knob" />
                </button>
            </td>
            { time::cell(row.last_sync_at.as_deref(), "Never") }
            <td class={classes!((row.error_count > 0).then_some("bad-count"))}>{ row.error_count }</td>
            <td class="actions">
                <button class={classes!("icon-button", testing.then_some("busy"))} disabled={testing}
                    aria-busy={if testing { "true" } else { "false" }}
                    aria-label={format!("Test {}", row.name)} title="Test connection" onclick={test}>{ "↻" }</button>
                if super::can_send(row) {
                    <button class="icon-button" aria-label={format!("Send a test via {}", row.name)} title="Send a test message"
                        onclick={{ let sending = sending.clone(); Callback::from(move |_| sending.set(true)) }}>{ "✉" }</button>
                }
                <button class="icon-button troubleshoot" aria-label={format!("Troubleshoot {}", row.name)} title="Troubleshoot (DNS records, templates, webhook…)"
                    onclick={{ let t = troubleshooting.clone(); Callback::from(move |_| t.set(true)) }}>{ "?" }</button>
                <button class="icon-button events" aria-label={format!("Events of {}", row.name)} title="Webhook events (the team server's receiver)"
                    onclick={{ let i = inspecting.clone(); Callback::from(move |_| i.set(true)) }}>{ "⚡" }</button>
                <button class="icon-button" aria-label={format!("Logs of {}", row.name)} title="Activity log"
                    onclick={logs}>{ "☰" }</button>
                <button class="icon-button edit" aria-label={format!("Edit {}", row.name)} title="Settings"
                    onclick={edit}>{ "⚙" }</button>
                <button class="icon-button danger delete" aria-label={format!("Delete {}", row.name)} title="Delete"
                    onclick={delete}>
                    <svg class="glyph" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6" />
                    </svg>
                </button>
                if *troubleshooting {
                    <super::TroubleshootDialog row={row.clone()}
                        on_close={{ let t = troubleshooting.clone(); Callback::from(move |_| t.set(false)) }} />
                }
                if *inspecting {
                    <super::EventInspector row={row.clone()}
                        on_close={{ let i = inspecting.clone(); Callback::from(move |_| i.set(false)) }} />
                }
                if *sending {
                    <super::SendTestDialog row={row.clone()}
                        on_close={{ let sending = sending.clone(); Callback::from(move |_| sending.set(false)) }} />
                }
            </td>
        </tr>
    }
}

/// A check's outcome as one notice line: the name, the verdict, what the
/// provider said and what to do.
fn describe(name: &str, answer: &ipc::TestAnswer) -> String {
    let verdict = match answer.kind.as_str() {
        "ok" => "connected",
        "not_checkable" => "cannot be checked safely",
        _ => "failed",
    };
    let mut line = format!("“{name}” {verdict}: {}", answer.message);
    if !answer.hint.is_empty() {
        line.push(' ');
        line.push_str(&answer.hint);
    }
    line
}
