//! The team server's audit log, for admins: who did what, to which
//! integration or website, and which fields (never values), newest first,
//! 50 a page, filtered by action, person, website and time.

use yew::prelude::*;

use super::parts::{edit_select, edit_text, field_error, labelled, table_head};
use crate::hooks::use_fetch;
use crate::ipc::{self, AuditQuery, AuditRecord, IpcError, Team};
use crate::state::use_app;
use crate::time;

/// Rows a page (the server's page size).
const PAGE_SIZE: i64 = 50;

/// The actions the server writes, for the filter's suggestions.
const ACTIONS: [&str; 14] = [
    "create",
    "update",
    "delete",
    "read-credentials",
    "create-user",
    "update-user",
    "delete-user",
    "revoke-session",
    "revoke-sessions",
    "create-website",
    "update-website",
    "delete-website",
    "create-service-token",
    "revoke-service-token",
];

/// The Audit page.
#[function_component(AuditPage)]
pub fn audit_page() -> Html {
    let app = use_app();
    // The filters being typed, and the ones applied (the fetch follows those).
    let draft = use_state(AuditQuery::default);
    let applied = use_state(AuditQuery::default);
    let page = use_fetch(((*applied).clone(), app.revision), |(q, _)| {
        let q = q.clone();
        async move { ipc::audit_log(&q).await }
    });
    let team = use_fetch(app.revision, |_| ipc::team());
    let team: Option<&Team> = match &*team {
        Some(Ok(t)) => Some(t),
        _ => None,
    };
    let onsubmit = {
        let (draft, applied) = (draft.clone(), applied.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut q = (*draft).clone();
            q.page = 1;
            applied.set(q);
        })
    };
    let clear = {
        let (draft, applied) = (draft.clone(), applied.clone());
        Callback::from(move |_: MouseEvent| {
            draft.set(AuditQuery::default());
            applied.set(AuditQuery::default());
        })
    };
    let go = |to: u32| {
        let applied = applied.clone();
        Callback::from(move |_: MouseEvent| {
            let mut q = (*applied).clone();
            q.page = to;
            applied.set(q);
        })
    };
    let website_name = |id: Option<i64>| -> String {
        let Some(id) = id else {
            return String::new();
        };
        team.and_then(|t| t.websites.iter().find(|w| w.id == id))
            .map(|w| w.name.clone())
            .unwrap_or_else(|| format!("website {id}"))
    };
    let error: Option<&IpcError> = match &*page {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let body = match &*page {
        None => html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) if !e.fields.is_empty() => Html::default(),
        Some(Err(e)) => html! { <p class="error" id="audit-error" role="alert">{ &e.message }</p> },
        Some(Ok(p)) if p.results.is_empty() => html! {
            <p class="empty-list" id="audit-empty">{ "No entries match." }</p>
        },
        Some(Ok(p)) => {
            let number = applied.page.max(1);
            let pages = ((p.count + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
            html! {
                <>
                    <table class="list audit" aria-label="Audit log">
                        { table_head(&["When", "Who", "Action", "Concerning", "Fields", "Via"], Html::default()) }
                        <tbody>
                            { for p.results.iter().map(|r| row(r, &website_name(r.website))) }
                        </tbody>
                    </table>
                    <div class="pager">
                        <button class="button ghost" id="audit-prev" type="button"
                            disabled={p.previous.is_none()} onclick={go(number.saturating_sub(1))}>{ "Newer" }</button>
                        <span class="muted" id="audit-page">{ format!("Page {number} of {pages} · {} entries", p.count) }</span>
                        <button class="button ghost" id="audit-next" type="button"
                            disabled={p.next.is_none()} onclick={go(number + 1)}>{ "Older" }</button>
                    </div>
                </>
            }
        }
    };
    let field = |key: &str| error.and_then(|e| e.fields.get(key)).map(String::as_str);
    let website = edit_select(&draft, |q, v| q.website = v.parse().ok());
    let actor = edit_select(&draft, |q, v| q.actor = v);
    html! {
        <section class="card audit-card" aria-labelledby="audit-title">
            <h2 id="audit-title">{ "Audit log" }</h2>
            <p class="muted">{ "Everything done on the team server: by people, laptops syncing and the platform's service tokens. Entries name fields, never values." }</p>
            <form class="form audit-filters" {onsubmit} novalidate=true>
                { labelled("Action", html! {
                    <input type="text" id="audit-action" list="audit-actions" value={draft.action.clone()}
                        placeholder="any" oninput={edit_text(&draft, |q, v| q.action = v)} />
                }) }
                <datalist id="audit-actions">
                    { for ACTIONS.iter().map(|a| html! { <option value={*a} /> }) }
                </datalist>
                { labelled("Person", html! {
                    <select id="audit-actor" onchange={actor} aria-label="Person">
                        <option value="" selected={draft.actor.is_empty()}>{ "anyone" }</option>
                        { for team.into_iter().flat_map(|t| t.users.iter()).map(|u| html! {
                            <option value={u.email.clone()} selected={draft.actor == u.email}>{ &u.email }</option>
                        }) }
                    </select>
                }) }
                { labelled("Website", html! {
                    <select id="audit-website" onchange={website} aria-label="Website">
                        <option value="" selected={draft.website.is_none()}>{ "any" }</option>
                        { for team.into_iter().flat_map(|t| t.websites.iter()).map(|w| html! {
                            <option value={w.id.to_string()} selected={draft.website == Some(w.id)}>{ &w.name }</option>
                        }) }
                    </select>
                }) }
                { labelled("From", html! {
                    <input type="text" id="audit-since" placeholder="2026-12-01" value={draft.since.clone()}
                        oninput={edit_text(&draft, |q, v| q.since = v)} />
                }) }
                { field_error("audit-since-error".into(), field("since")) }
                { labelled("Until", html! {
                    <input type="text" id="audit-until" placeholder="2026-12-31" value={draft.until.clone()}
                        oninput={edit_text(&draft, |q, v| q.until = v)} />
                }) }
                { field_error("audit-until-error".into(), field("until")) }
                <div class="form-actions">
                    <button class="button primary" id="audit-apply" type="submit">{ "Filter" }</button>
                    <button class="button ghost" id="audit-clear" type="button" onclick={clear}>{ "Clear" }</button>
                </div>
            </form>
            { body }
        </section>
    }
}

fn row(r: &AuditRecord, website: &str) -> Html {
    let concerning = match (r.integration, website.is_empty()) {
        (Some(i), true) => format!("integration {i}"),
        (Some(i), false) => format!("integration {i} · {website}"),
        (None, false) => website.to_owned(),
        (None, true) => String::new(),
    };
    html! {
        <tr key={r.id} data-action={r.action.clone()}>
            { time::cell(Some(&r.at), "") }
            <td class="actor">{ &r.actor.email }</td>
            <td class="action"><code>{ &r.action }</code></td>
            <td>{ concerning }</td>
            <td class="fields">{ r.fields.join(", ") }</td>
            <td class="muted">{ &r.via }</td>
        </tr>
    }
}
