//! The Trash: integrations deleted in the last 30 days, newest first, each
//! with Restore and "Delete forever"; "Empty trash" deletes them all. Both
//! destructive actions ask again.

use yew::prelude::*;

use super::row_edits::RowEdits;
use super::ConfirmDialog;
use crate::hooks::{use_fetch, use_submit, Submit};
use crate::ipc::{self, TrashedIntegration, TRASH_DAYS};
use crate::state::{use_app, Action, AppContext};
use crate::time;

/// The Trash page (route "/trash").
#[function_component(TrashPage)]
pub fn trash_page() -> Html {
    let app = use_app();
    let trash = use_fetch(app.revision, |_| ipc::list_trash());
    let submit = use_submit();
    let rows = Rows {
        editing: use_state(|| None::<()>),
        deleting: use_state(|| None::<TrashedIntegration>),
        submit: submit.clone(),
        app: app.clone(),
    };
    let emptying = use_state(|| false);
    let count = match &*trash {
        Some(Ok(l)) => l.len(),
        _ => 0,
    };
    let list = match &*trash {
        None => html! { <p class="muted">{ "Loading…" }</p> },
        Some(Err(e)) => html! { <p class="error">{ &e.message }</p> },
        Some(Ok(l)) if l.is_empty() => html! {
            <p class="empty-list" id="trash-empty-note">{ "The Trash is empty." }</p>
        },
        Some(Ok(l)) => html! {
            <table class="list trash" id="trash-list" aria-label="Integrations in the Trash">
                <thead><tr>
                    <th>{ "Name" }</th><th>{ "Type" }</th><th>{ "Website" }</th>
                    <th>{ "Deleted" }</th><th>{ "Days left" }</th><th><span class="sr-only">{ "Actions" }</span></th>
                </tr></thead>
                <tbody>{ for l.iter().map(|t| rows.row(t)) }</tbody>
            </table>
        },
    };
    let ask_empty = {
        let emptying = emptying.clone();
        Callback::from(move |_: MouseEvent| emptying.set(true))
    };
    html! {
        <section class="card trash-card" aria-labelledby="trash-title">
            <div class="trash-head">
                <h2 id="trash-title">{ "Trash" }</h2>
                <button class="button danger" id="trash-empty" type="button"
                    disabled={count == 0} onclick={ask_empty}>{ "Empty trash" }</button>
            </div>
            <p class="muted">{ format!("Deleted integrations stay here for {TRASH_DAYS} days, then they are deleted for good.") }</p>
            { list }
            if let Some(msg) = submit.message() {
                <p class="error" id="trash-error" role="alert">{ msg }</p>
            }
            { rows.forever_dialog() }
            if *emptying {
                { empty_dialog(count, &emptying, &submit, &app) }
            }
        </section>
    }
}

/// The question before the whole Trash is deleted.
fn empty_dialog(
    count: usize,
    emptying: &UseStateHandle<bool>,
    submit: &Submit,
    app: &AppContext,
) -> Html {
    let on_cancel = {
        let emptying = emptying.clone();
        Callback::from(move |()| emptying.set(false))
    };
    let on_confirm = {
        let (emptying, submit, app) = (emptying.clone(), submit.clone(), app.clone());
        Callback::from(move |()| {
            emptying.set(false);
            let app = app.clone();
            submit.run(ipc::empty_trash(), move |n| {
                app.dispatch(Action::Changed(format!(
                    "Deleted {n} integration(s) from the Trash for good"
                )))
            });
        })
    };
    html! {
        <ConfirmDialog title="Empty trash"
            message={format!("Delete the {count} integration(s) in the Trash for good? Their credentials and logs are removed and cannot be restored.")}
            confirm_label="Empty trash" {on_confirm} {on_cancel} />
    }
}

/// The Trash's rows; the one waiting for the "Delete forever" question.
type Rows = RowEdits<(), TrashedIntegration>;

impl Rows {
    /// A row with its Restore and "Delete forever" buttons.
    fn row(&self, t: &TrashedIntegration) -> Html {
        let restore = {
            let (submit, app, t) = (self.submit.clone(), self.app.clone(), t.clone());
            Callback::from(move |_: MouseEvent| {
                let (app, name, id) = (app.clone(), t.name.clone(), t.id.clone());
                let call = async move { ipc::restore_from_trash(&id).await };
                submit.run(call, move |()| {
                    app.dispatch(Action::Changed(format!("Restored “{name}”")))
                });
            })
        };
        let forever = self.ask_delete(t);
        let website = t.website_id.clone().unwrap_or_else(|| "Global".into());
        html! {
            <tr key={t.id.clone()} data-id={t.id.clone()}>
                <td>{ &t.name }</td>
                <td>{ format!("{} · {}", t.integration_type, t.provider) }</td>
                <td>{ website }</td>
                <td>{ time::cell(Some(&t.trashed_at), "") }</td>
                <td class="days-left">{ t.days_left }</td>
                <td class="trash-actions">
                    <button class="button ghost trash-restore" type="button"
                        aria-label={format!("Restore {}", t.name)} onclick={restore}>{ "Restore" }</button>
                    <button class="button ghost danger trash-forever" type="button"
                        aria-label={format!("Delete {} forever", t.name)} onclick={forever}>{ "Delete forever" }</button>
                </td>
            </tr>
        }
    }

    /// The question before one integration is deleted for good.
    fn forever_dialog(&self) -> Html {
        self.confirm_delete(
            "Delete forever",
            |t| {
                format!(
                    "Delete “{}” for good? Its credentials and log are removed and cannot be restored.",
                    t.name
                )
            },
            |t| async move { ipc::delete_forever(&t.id).await },
            |t| format!("Deleted “{}” for good", t.name),
        )
    }
}
