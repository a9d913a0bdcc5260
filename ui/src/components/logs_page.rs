//! One integration's activity log, newest first.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use super::parts::table_head;
use crate::hooks::use_fetch;
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
    let tick = use_state(|| 0_u32);
    {
        let tick = tick.clone();
        use_effect_with(props.id.clone(), move |_| {
            let alive = Rc::new(Cell::new(true));
            {
                let alive = alive.clone();
                spawn_local(async move {
                    let mut n = 0_u32;
                    while alive.get() {
                        sleep(Duration::from_secs(2)).await;
                        n = n.wrapping_add(1);
                        if alive.get() {
                            tick.set(n);
                        }
                    }
                });
            }
            move || alive.set(false)
        });
    }
    let logs = use_fetch((props.id.clone(), *tick, app.revision), |(id, _, _)| {
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
                            <td><span class={classes!("badge", format!("st-{}", entry.level))}>{ entry.level.as_str() }</span></td>
                            <td>{ &entry.message }</td>
                            { time::cell(Some(&entry.created_at), "") }
                            <td><code class="details">{
                                if entry.details.is_null() { String::new() } else { entry.details.to_string() }
                            }</code></td>
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
