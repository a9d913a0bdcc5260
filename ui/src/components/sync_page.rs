//! Sync with the shared server: connect (address, email, password), the
//! connection state, "Sync now" with its progress and summary, the last
//! synced time, and the conflicts (both values, secrets masked) with keep
//! mine, take theirs, or edit.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use web_sys::HtmlInputElement;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use super::parts::{field_error, labelled_with, text_input, Below};
use crate::hooks::{use_submit, use_submit_notice, Submit};
use crate::ipc::{self, ConnectRequest, ResolveAction, ResolveRequest, SyncConflict, SyncStatus};
use crate::state::{use_app, Action};
use crate::time;

/// Polls the sync status every `every` while mounted, the first time after
/// `first` (the header's chip waits, so the first screen's calls go first).
#[hook]
pub fn use_sync_status(first: Duration, every: Duration) -> UseStateHandle<Option<SyncStatus>> {
    let status = use_state(|| None::<SyncStatus>);
    {
        let status = status.clone();
        use_effect_with((), move |_| {
            let alive = Rc::new(Cell::new(true));
            {
                let alive = alive.clone();
                spawn_local(async move {
                    sleep(first).await;
                    while alive.get() {
                        if let Ok(s) = ipc::sync_status().await {
                            status.set(Some(s));
                        }
                        sleep(every).await;
                    }
                });
            }
            move || alive.set(false)
        });
    }
    status
}

/// A human line for a connection state.
pub fn state_label(s: &SyncStatus) -> String {
    match s.state.as_str() {
        "syncing" => "Syncing…".into(),
        "offline" => "Offline: changes wait on this laptop".into(),
        "sign_in_again" => "Sign in again".into(),
        "connected" => match &s.last_synced_at {
            Some(t) => format!("Synced {}", time::when(t)),
            None => "Connected".into(),
        },
        _ => "Not connected".into(),
    }
}

/// The exact local time of the last sync, for a tooltip.
pub fn synced_exact(s: &SyncStatus) -> Option<String> {
    let at = s.last_synced_at.as_deref()?;
    Some(format!("Last synced {}", time::exact(at)))
}

/// The page.
#[function_component(SyncPage)]
pub fn sync_page() -> Html {
    let status = use_sync_status(Duration::ZERO, Duration::from_millis(400));
    let conflicts = use_conflicts(status.as_ref().map_or(0, |s| s.conflicts));
    let form = use_connect_form(&status);
    use_reload_after_sync(&status);
    let Some(s) = &*status else {
        return html! { <section class="card sync-card"><p class="muted">{ "Loading…" }</p></section> };
    };
    let connected = s.state != "not_connected";
    html! {
        <section class="card sync-card" aria-labelledby="sync-title">
            <h2 id="sync-title">{ "Shared server" }</h2>
            <p class="sync-state" id="sync-state" data-state={s.state.clone()} title={synced_exact(s)}>
                <span class={classes!("dot", format!("dot-{}", s.state))} aria-hidden="true" />
                { state_label(s) }
                if let Some(url) = &s.server_url {
                    <span class="muted">{ format!(" · {} · {}", s.email.clone().unwrap_or_default(), url) }</span>
                }
            </p>
            if !connected || s.state == "sign_in_again" {
                { form.view() }
            } else {
                <SyncActions status={status.clone()} />
            }
            { run_view(s) }
            if let Some(err) = &s.last_error {
                <p class="error" id="sync-error" role="alert">{ err }</p>
            }
            { conflicts_view(&conflicts) }
        </section>
    }
}

/// The conflicts, re-read whenever their count (or anything else) changes.
#[hook]
fn use_conflicts(count: usize) -> UseStateHandle<Vec<SyncConflict>> {
    let app = use_app();
    let conflicts = use_state(Vec::<SyncConflict>::new);
    {
        let conflicts = conflicts.clone();
        use_effect_with((count, app.revision), move |_| {
            spawn_local(async move {
                if let Ok(list) = ipc::sync_conflicts().await {
                    conflicts.set(list);
                }
            });
        });
    }
    conflicts
}

/// Reloads the views after a sync that received something.
#[hook]
fn use_reload_after_sync(status: &Option<SyncStatus>) {
    let app = use_app();
    let finished = status.as_ref().is_some_and(|s| s.run.is_none());
    let summary = status.as_ref().and_then(|s| s.last_summary.clone());
    use_effect_with((finished, summary), move |(finished, summary)| {
        if *finished
            && summary
                .as_ref()
                .is_some_and(|x| x.pulled + x.pulled_deleted + x.gone > 0)
        {
            app.dispatch(Action::Reload);
        }
    });
}

/// The sign-in form's state; kept by the page, so the address and email
/// stay while the form is hidden.
struct ConnectForm {
    url: UseStateHandle<String>,
    email: UseStateHandle<String>,
    password: UseStateHandle<String>,
    submit: Submit,
    onsubmit: Callback<SubmitEvent>,
}

#[hook]
fn use_connect_form(status: &UseStateHandle<Option<SyncStatus>>) -> ConnectForm {
    let app = use_app();
    let url = use_state(String::new);
    let email = use_state(String::new);
    let password = use_state(String::new);
    let submit = use_submit();
    let onsubmit = {
        let (url, email, password, status) =
            (url.clone(), email.clone(), password.clone(), status.clone());
        submit.on_submit(move |submit| {
            let request = ConnectRequest {
                server_url: (*url).clone(),
                email: (*email).clone(),
                password: (*password).clone(),
            };
            let (app, password, status) = (app.clone(), password.clone(), status.clone());
            submit.run(
                async move { ipc::sync_connect(&request).await },
                move |now| {
                    status.set(Some(now));
                    password.set(String::new());
                    app.dispatch(Action::Notice("Connected; syncing now".into()));
                },
            );
        })
    };
    ConnectForm {
        url,
        email,
        password,
        submit,
        onsubmit,
    }
}

impl ConnectForm {
    fn view(&self) -> Html {
        let below = |help: Option<&'static str>, key: &str| Below {
            help,
            help_id: None,
            error: field_error(format!("sync-{key}-error"), self.submit.field(key)),
        };
        let url = html! {
            <input id="sync-url" type="url" placeholder="https://switchboard.example.com"
                value={(*self.url).clone()} oninput={text_input(&self.url)} />
        };
        let email = html! {
            <input id="sync-email" type="email" autocomplete="username"
                value={(*self.email).clone()} oninput={text_input(&self.email)} />
        };
        let password = html! {
            <input id="sync-password" type="password" autocomplete="current-password"
                value={(*self.password).clone()} oninput={text_input(&self.password)} />
        };
        let busy = self.submit.busy();
        html! {
            <form class="form settings-form" onsubmit={self.onsubmit.clone()} novalidate=true>
                { labelled_with("Server address", url, below(Some(
                    "HTTPS only (plain http:// is accepted for localhost). Secrets go from this laptop to the server, never back."
                ), "server_url")) }
                { labelled_with("Email", email, below(None, "email")) }
                { labelled_with("Password", password, below(
                    Some("Not stored: the sign-in is kept in the OS keyring."), "password"
                )) }
                { field_error("sync-general-error".into(), self.submit.general()) }
                <div class="form-actions">
                    <button type="submit" class="button primary" id="sync-connect" disabled={busy}>
                        { if busy { "Connecting…" } else { "Connect" } }</button>
                </div>
            </form>
        }
    }
}

#[derive(Properties, PartialEq)]
struct SyncActionsProps {
    status: UseStateHandle<Option<SyncStatus>>,
}

/// Sync now, Disconnect and what waits to be sent.
#[function_component(SyncActions)]
fn sync_actions(props: &SyncActionsProps) -> Html {
    let submit = use_submit_notice();
    let app = use_app();
    let sync_now = {
        let (submit, status) = (submit.clone(), props.status.clone());
        Callback::from(move |_| {
            let status = status.clone();
            submit.run(ipc::sync_now(), move |now| status.set(Some(now)));
        })
    };
    let disconnect = {
        let submit = submit.clone();
        Callback::from(move |_| {
            let app = app.clone();
            submit.run(ipc::sync_disconnect(), move |_| {
                app.dispatch(Action::Notice("Disconnected; your data stays here".into()))
            });
        })
    };
    let Some(s) = &*props.status else {
        return Html::default();
    };
    html! {
        <div class="sync-actions">
            <button class="button primary" id="sync-now" onclick={sync_now} disabled={s.run.is_some()}>{ "Sync now" }</button>
            <button class="button ghost" id="sync-disconnect" onclick={disconnect}>{ "Disconnect" }</button>
            <span class="muted" id="sync-pending">{ format!("{} change(s) waiting to be sent", s.pending) }</span>
        </div>
    }
}

/// The run's progress, or the last run's full bar and summary.
fn run_view(s: &SyncStatus) -> Html {
    html! {
        <>
            if let Some(run) = &s.run {
                <div class="sync-run" role="status" aria-live="polite">
                    <progress id="sync-progress" max={run.to_push.max(1).to_string()} value={run.pushed.to_string()}
                        aria-label="Sync progress" />
                    <span class="muted" id="sync-run-text">{
                        if run.phase == "pushing" { format!("Sending {} of {}", run.pushed, run.to_push) }
                        else { format!("Receiving… {} so far", run.pulled) }
                    }</span>
                </div>
            } else if let Some(sum) = &s.last_summary {
                // The finished run's bar stays, full, beside its summary.
                <div class="sync-run">
                    <progress id="sync-progress" data-done="true" max="1" value="1" aria-label="Sync progress: done" />
                    <span class="muted" id="sync-run-text">{
                        format!("Sent {} · received {}", sum.pushed + sum.merged + sum.deleted, sum.pulled + sum.pulled_deleted)
                    }</span>
                </div>
            }
            if let Some(sum) = s.last_summary.as_ref().filter(|_| s.run.is_none()) {
                <p class="sync-summary" id="sync-summary" role="status">{ format!(
                    "Last sync: {} sent, {} received, {} conflict(s){}{}.",
                    sum.pushed + sum.merged + sum.deleted, sum.pulled + sum.pulled_deleted, sum.conflicts,
                    if sum.gone > 0 { format!(", {} edit(s) dropped because the integration was deleted on the server", sum.gone) } else { String::new() },
                    if sum.invalid > 0 { format!(", {} refused by the server (see their logs)", sum.invalid) } else { String::new() },
                ) }</p>
            }
        </>
    }
}

/// The conflicts' heading and list, when there are any.
fn conflicts_view(conflicts: &UseStateHandle<Vec<SyncConflict>>) -> Html {
    if conflicts.is_empty() {
        return Html::default();
    }
    html! {
        <>
            <h3>{ "Conflicts" }</h3>
            <p class="muted">{ "These fields changed here and on the server since the last sync. Pick the value to keep." }</p>
            <ul class="conflicts">
                { for conflicts.iter().map(|c| html! { <ConflictItem conflict={c.clone()} on_done={
                    let conflicts = conflicts.clone();
                    Callback::from(move |list: Vec<SyncConflict>| conflicts.set(list))
                } /> }) }
            </ul>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ConflictProps {
    conflict: SyncConflict,
    on_done: Callback<Vec<SyncConflict>>,
}

/// One conflict with its three ways out.
#[function_component(ConflictItem)]
fn conflict_item(props: &ConflictProps) -> Html {
    let app = use_app();
    let editing = use_state(|| None::<String>);
    let submit = use_submit_notice();
    let c = &props.conflict;
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let resolve = |action: fn(Option<String>) -> ResolveAction| {
        let (uid, field, on_done, app, editing, submit) = (
            c.uid.clone(),
            c.field.clone(),
            props.on_done.clone(),
            app.clone(),
            editing.clone(),
            submit.clone(),
        );
        Callback::from(move |_| {
            let request = ResolveRequest {
                uid: uid.clone(),
                field: field.clone(),
                resolution: action((*editing).clone()),
            };
            let (on_done, app) = (on_done.clone(), app.clone());
            submit.run(
                async move { ipc::sync_resolve(&request).await },
                move |list| {
                    on_done.emit(list);
                    app.dispatch(Action::Changed(
                        "Resolved; it is sent at the next sync".into(),
                    ));
                },
            );
        })
    };
    let key = format!("{}-{}", c.uid, c.field.replace('.', "-"));
    let start_edit = {
        let (editing, mine) = (editing.clone(), show(&c.mine));
        Callback::from(move |_| editing.set(Some(mine.clone())))
    };
    let on_edit_input = {
        let editing = editing.clone();
        Callback::from(move |e: InputEvent| {
            editing.set(Some(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    html! {
        <li class="conflict" data-field={c.field.clone()} data-name={c.name.clone()}>
            <p><strong>{ &c.name }</strong>{ " · " }<code>{ &c.field }</code></p>
            <div class="conflict-values">
                <div><span class="label">{ "This laptop" }</span><span class="value mine">{ show(&c.mine) }</span></div>
                <div><span class="label">{ "Server" }</span><span class="value theirs">{ show(&c.theirs) }</span></div>
            </div>
            if let Some(value) = &*editing {
                <input id={format!("edit-{key}")} aria-label={format!("New value for {}", c.field)}
                    value={value.clone()} oninput={on_edit_input} />
            }
            <div class="conflict-actions">
                <button class="button ghost keep-mine" onclick={resolve(|_| ResolveAction::KeepMine)}>{ "Keep mine" }</button>
                <button class="button ghost take-theirs" onclick={resolve(|_| ResolveAction::TakeTheirs)}>{ "Take theirs" }</button>
                if editing.is_some() {
                    <button class="button primary save-edit" onclick={resolve(|v| ResolveAction::Edit {
                        value: serde_json::Value::String(v.unwrap_or_default()),
                    })}>{ "Save this value" }</button>
                } else {
                    <button class="button ghost edit" onclick={start_edit}>{ "Edit…" }</button>
                }
            </div>
        </li>
    }
}
