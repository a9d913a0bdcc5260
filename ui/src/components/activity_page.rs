//! The activity feed: every integration's log lines in one list, newest
//! first, filtered by level, type, website, time and text, 100 a page, and
//! exported as CSV.

use std::time::Duration;
use yew::prelude::*;

use super::logs_page::{details_cell, level_cell};
use super::parts::{field_error, labelled, select_value, table_head, text_input};
use crate::hooks::{use_fetch, use_submit, use_tick};
use crate::ipc::{
    self, ActivityExport, ActivityLine, ActivityPage as FeedPage, ActivityQuery, IpcError,
    LogLevel, WebsiteScope, ACTIVITY_WITHIN,
};
use crate::route::Route;
use crate::state::{use_app, Action, AppContext};
use crate::time;

/// The Activity page.
#[function_component(ActivityPage)]
pub fn activity_page() -> Html {
    let app = use_app();
    // The filters as typed, and as applied (the fetch follows those). Lists
    // apply at once; the text fields when the form is sent.
    let draft = use_state(ActivityQuery::default);
    let applied = use_state(ActivityQuery::default);
    let tick = use_tick(Duration::from_secs(3));
    let page = use_fetch(((*applied).clone(), tick, app.revision), |(q, _, _)| {
        let q = q.clone();
        async move { ipc::activity(&q).await }
    });
    let sites = use_fetch(app.revision, |_| ipc::websites());
    let sites = match &*sites {
        Some(Ok(s)) => s.clone(),
        _ => Vec::new(),
    };
    let apply = {
        let applied = applied.clone();
        move |q: &ActivityQuery| {
            applied.set(ActivityQuery {
                page: 1,
                ..q.clone()
            })
        }
    };
    let onsubmit = {
        let (draft, apply) = (draft.clone(), apply.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            apply(&draft);
        })
    };
    // A list changed: take it into the draft and apply the draft.
    let chosen = |edit: fn(&mut ActivityQuery, String)| {
        let (draft, apply) = (draft.clone(), apply.clone());
        Callback::from(move |e: Event| {
            let mut q = (*draft).clone();
            edit(&mut q, select_value(&e));
            draft.set(q.clone());
            apply(&q);
        })
    };
    let typed = |edit: fn(&mut ActivityQuery, String)| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let mut q = (*draft).clone();
            edit(&mut q, super::parts::input_text(&e));
            draft.set(q);
        })
    };
    let clear = {
        let (draft, applied) = (draft.clone(), applied.clone());
        Callback::from(move |_: MouseEvent| {
            draft.set(ActivityQuery::default());
            applied.set(ActivityQuery::default());
        })
    };
    let error: Option<&IpcError> = match &*page {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let field = |key: &str| error.and_then(|e| e.fields.get(key)).map(String::as_str);
    let body = match &*page {
        None => html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) if !e.fields.is_empty() => Html::default(),
        Some(Err(e)) => {
            html! { <p class="error" id="activity-error" role="alert">{ &e.message }</p> }
        }
        Some(Ok(p)) if p.lines.is_empty() => html! {
            <p class="empty-list" id="activity-empty">{ "No activity matches." }</p>
        },
        Some(Ok(p)) => lines_table(p, &app, &applied),
    };
    let website_value = match &draft.website {
        WebsiteScope::Any => String::new(),
        WebsiteScope::Global => "global".into(),
        WebsiteScope::Website(id) => id.clone(),
    };
    html! {
        <section class="card audit-card activity-card" aria-labelledby="activity-title">
            <h2 id="activity-title">{ "Activity" }</h2>
            <p class="muted">{ "What happened to every integration: checks, test messages, changes and sync, newest first. Secrets never appear here." }</p>
            <form class="form audit-filters" {onsubmit} novalidate=true>
                { labelled("Level", html! {
                    <select id="activity-level" aria-label="Level" onchange={chosen(|q, v| q.level = LogLevel::parse(&v))}>
                        <option value="" selected={draft.level.is_none()}>{ "any" }</option>
                        { for LogLevel::ALL.iter().map(|l| html! {
                            <option value={l.as_str()} selected={draft.level == Some(*l)}>{ l.as_str() }</option>
                        }) }
                    </select>
                }) }
                { labelled("Type", html! {
                    <select id="activity-type" aria-label="Type" onchange={chosen(|q, v| q.integration_type = v)}>
                        <option value="" selected={draft.integration_type.is_empty()}>{ "any" }</option>
                        { for switchboard_catalog::types().iter().map(|t| html! {
                            <option value={t.id} selected={draft.integration_type == t.id}>{ t.label }</option>
                        }) }
                    </select>
                }) }
                { labelled("Website", html! {
                    <select id="activity-website" aria-label="Website" onchange={chosen(|q, v| q.website = scope(v))}>
                        <option value="" selected={website_value.is_empty()}>{ "any" }</option>
                        <option value="global" selected={website_value == "global"}>{ "global only" }</option>
                        { for sites.iter().map(|w| html! {
                            <option value={w.id.clone()} selected={website_value == w.id}>{ &w.name }</option>
                        }) }
                    </select>
                }) }
                { labelled("When", html! {
                    <select id="activity-within" aria-label="When" onchange={chosen(|q, v| q.within_hours = v.parse().unwrap_or(0))}>
                        { for ACTIVITY_WITHIN.iter().map(|(h, label)| html! {
                            <option value={h.to_string()} selected={draft.within_hours == *h}>{ *label }</option>
                        }) }
                    </select>
                }) }
                { labelled("From", html! {
                    <input type="text" id="activity-since" placeholder="2026-12-01" value={draft.since.clone()}
                        oninput={typed(|q, v| q.since = v)} />
                }) }
                { field_error("activity-since-error".into(), field("since")) }
                { labelled("Until", html! {
                    <input type="text" id="activity-until" placeholder="2026-12-31" value={draft.until.clone()}
                        oninput={typed(|q, v| q.until = v)} />
                }) }
                { field_error("activity-until-error".into(), field("until")) }
                { labelled("Search", html! {
                    <input type="search" id="activity-search" placeholder="message, details or name" value={draft.search.clone()}
                        oninput={typed(|q, v| q.search = v)} />
                }) }
                <div class="form-actions">
                    <button class="button primary" id="activity-apply" type="submit">{ "Filter" }</button>
                    <button class="button ghost" id="activity-clear" type="button" onclick={clear}>{ "Clear" }</button>
                </div>
            </form>
            { body }
            <ExportForm query={(*applied).clone()} />
        </section>
    }
}

/// A page of lines, with the pager.
fn lines_table(p: &FeedPage, app: &AppContext, applied: &UseStateHandle<ActivityQuery>) -> Html {
    let go = |to: u32| {
        let applied = applied.clone();
        Callback::from(move |_: MouseEvent| {
            applied.set(ActivityQuery {
                page: to,
                ..(*applied).clone()
            })
        })
    };
    let open = |line: &ActivityLine| {
        let app = app.clone();
        let route = Route::Logs {
            id: line.integration_id.clone(),
            name: line.integration_name.clone(),
        };
        Callback::from(move |_: MouseEvent| app.dispatch(Action::Navigate(route.clone())))
    };
    html! {
        <>
            <table class="list logs activity" id="activity-list" aria-label="Activity">
                { table_head(&["Time", "Level", "Integration", "Type", "Website", "Message", "Details"], Html::default()) }
                <tbody>
                    { for p.lines.iter().map(|l| html! {
                        <tr key={l.id} data-level={l.level.as_str()} data-integration={l.integration_id.clone()}>
                            { time::cell(Some(&l.created_at), "") }
                            { level_cell(l.level) }
                            <td><button class="button link activity-open" type="button" onclick={open(l)}
                                title="Open this integration's log">{ &l.integration_name }</button></td>
                            <td>{ type_label(&l.integration_type) }</td>
                            <td class="muted">{ l.website.clone().unwrap_or_else(|| "global".into()) }</td>
                            <td class="message">{ &l.message }</td>
                            { details_cell(&l.details) }
                        </tr>
                    }) }
                </tbody>
            </table>
            <div class="pager">
                <button class="button ghost" id="activity-prev" type="button"
                    disabled={p.page <= 1} onclick={go(p.page.saturating_sub(1))}>{ "Newer" }</button>
                <span class="muted" id="activity-count">{ format!("Page {} of {} · {} lines", p.page, p.pages(), p.total) }</span>
                <button class="button ghost" id="activity-next" type="button"
                    disabled={p.page >= p.pages()} onclick={go(p.page + 1)}>{ "Older" }</button>
            </div>
        </>
    }
}

/// The website filter's value as a scope.
fn scope(value: String) -> WebsiteScope {
    match value.as_str() {
        "" => WebsiteScope::Any,
        "global" => WebsiteScope::Global,
        _ => WebsiteScope::Website(value),
    }
}

/// A type's label from the catalog (its id when unknown).
fn type_label(id: &str) -> String {
    switchboard_catalog::integration_type(id)
        .map(|t| t.label.to_owned())
        .unwrap_or_else(|| id.to_owned())
}

#[derive(Properties, PartialEq)]
struct ExportProps {
    /// The filters applied now: the export takes every line they match.
    query: ActivityQuery,
}

/// Export what the filters match as CSV.
#[function_component(ExportForm)]
fn export_form(props: &ExportProps) -> Html {
    let path = use_state(String::new);
    let done = use_state(|| None::<String>);
    let submit = use_submit();
    let onsubmit = {
        let (path, done, query) = (path.clone(), done.clone(), props.query.clone());
        submit.on_submit(move |submit| {
            let request = ActivityExport {
                query: query.clone(),
                path: (*path).clone(),
            };
            let done = done.clone();
            submit.run(
                async move { ipc::export_activity(&request).await },
                move |w| {
                    let lines = if w.lines == 1 {
                        "1 line".to_owned()
                    } else {
                        format!("{} lines", w.lines)
                    };
                    done.set(Some(format!("Wrote {lines} to {}.", w.path)));
                },
            );
        })
    };
    html! {
        <form class="form export-form" {onsubmit} novalidate=true aria-label="Export as CSV">
            <label class="field">
                <span class="label">{ "Export to" }</span>
                <input type="text" id="activity-export-path" value={(*path).clone()} oninput={text_input(&path)}
                    placeholder="~/Documents/switchboard-activity.csv" />
                <span class="help">{ "Every line the filters match, as CSV. Empty: a dated file in your Documents folder." }</span>
                { field_error("activity-export-path-error".into(), submit.field("path")) }
            </label>
            { field_error("activity-export-general".into(), submit.message().filter(|_| submit.field("path").is_none())) }
            <div class="form-actions">
                <button type="submit" class="button" id="activity-export" disabled={submit.busy()}>
                    { if submit.busy() { "Exporting…" } else { "Export CSV" } }
                </button>
                <span class="muted" id="activity-exported" aria-live="polite">{ (*done).clone().unwrap_or_default() }</span>
            </div>
        </form>
    }
}
