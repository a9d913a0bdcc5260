//! One integration's activity log, newest first.

use std::time::Duration;
use yew::prelude::*;

use super::parts::table_head;
use crate::hooks::{use_fetch, use_tick};
use crate::ipc;
use crate::route::Route;
use crate::state::{use_app, Action};
use crate::time;

/// Which integration.
#[derive(Properties, PartialEq)]
pub struct LogsPageProps {
    pub id: String,
    pub name: String,
}

/// The log table.
#[function_component(LogsPage)]
pub fn logs_page(props: &LogsPageProps) -> Html {
    let app = use_app();
    // Re-read every few seconds, so results of checks running elsewhere
    // (test-all, background health checks) appear as they arrive.
    let tick = use_tick(Duration::from_secs(2));
    let logs = use_fetch((props.id.clone(), tick, app.revision), |(id, _, _)| {
        let id = id.clone();
        async move { ipc::integration_logs(&id).await }
    });
    let back = {
        let app = app.clone();
        Callback::from(move |_| app.dispatch(Action::Navigate(Route::Integrations)))
    };
    let body = match &*logs {
        None => html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) => html! { <p class="error" role="alert">{ &e.message }</p> },
        Some(Ok(list)) if list.is_empty() => html! {
            <p class="empty-list">{ "Nothing has happened here yet." }</p>
        },
        Some(Ok(list)) => html! {
            <table class="list logs" aria-label="Activity log">
                { table_head(&["Level", "Message", "Time", "Details"], Html::default()) }
                <tbody>
                    { for list.iter().map(|entry| html! {
                        <tr key={entry.id}>
                            { level_cell(entry.level) }
                            <td>{ &entry.message }</td>
                            { time::cell(Some(&entry.created_at), "") }
                            { details_cell(&entry.details) }
                        </tr>
                    }) }
                </tbody>
            </table>
        },
    };
    html! {
        <section class="card logs-card" aria-labelledby="logs-title">
            <button class="button link" onclick={back}>{ "‹ Back to integrations" }</button>
            <h2 id="logs-title">{ format!("Activity of “{}”", props.name) }</h2>
            { body }
        </section>
    }
}

/// A log line's level as a badge cell.
pub(super) fn level_cell(level: crate::ipc::LogLevel) -> Html {
    html! {
        <td><span class={classes!("badge", format!("st-{level}"))}>{ level.as_str() }</span></td>
    }
}

/// A log line's details as a code cell (empty when there are none).
pub(super) fn details_cell(details: &serde_json::Value) -> Html {
    let text = match details {
        serde_json::Value::Null => String::new(),
        serde_json::Value::Object(m) if m.is_empty() => String::new(),
        other => other.to_string(),
    };
    html! { <td><code class="details">{ text }</code></td> }
}
