//! One row of the list: status, the active toggle and the row's actions.
//!
//! A row is a plain function of its data, not a component: when the list
//! first opens the wasm still runs in JavaScriptCore's interpreter, and a
//! component per row (its hooks, its seven callbacks, its props' copy of
//! the row) made each row cost 2-3 ms there. The row's buttons say what
//! they do in `data-action`; the table body's one click listener
//! ([`RowActions::on_click`]) reads it and the row's `data-id`, and the
//! list keeps what the buttons start: the tests on their way and the one
//! dialog open.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use crate::hooks::{use_submit_notice, Submit};
use crate::ipc::{self, IntegrationRow};
use crate::route::Route;
use crate::state::{use_app, Action, AppContext};
use crate::time;

/// What a row's button asks for (its `data-action`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowAction {
    Toggle,
    Test,
    Send,
    Troubleshoot,
    Events,
    Logs,
    Edit,
    Delete,
}

impl RowAction {
    const ALL: [RowAction; 8] = [
        RowAction::Toggle,
        RowAction::Test,
        RowAction::Send,
        RowAction::Troubleshoot,
        RowAction::Events,
        RowAction::Logs,
        RowAction::Edit,
        RowAction::Delete,
    ];

    /// The `data-action` value.
    pub fn name(self) -> &'static str {
        match self {
            RowAction::Toggle => "toggle",
            RowAction::Test => "test",
            RowAction::Send => "send",
            RowAction::Troubleshoot => "troubleshoot",
            RowAction::Events => "events",
            RowAction::Logs => "logs",
            RowAction::Edit => "edit",
            RowAction::Delete => "delete",
        }
    }

    /// The action a `data-action` value names.
    pub fn parse(name: &str) -> Option<RowAction> {
        RowAction::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// A dialog a row's button opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowDialog {
    Send,
    Troubleshoot,
    Events,
}

/// The ids of the rows whose connection test is on its way.
#[derive(Default, PartialEq)]
pub struct Testing(Vec<String>);

impl Testing {
    fn has(&self, id: &str) -> bool {
        self.0.iter().any(|t| t == id)
    }
}

impl Reducible for Testing {
    /// (id, whether its test is now on its way).
    type Action = (String, bool);

    fn reduce(self: Rc<Self>, (id, on): (String, bool)) -> Rc<Self> {
        let mut ids: Vec<String> = self.0.iter().filter(|t| **t != id).cloned().collect();
        if on {
            ids.push(id);
        }
        Rc::new(Testing(ids))
    }
}

/// What the rows' buttons do and what they started.
#[derive(Clone)]
pub struct RowActions {
    app: AppContext,
    /// The rows' calls; a failure becomes the window's notice.
    submit: Submit,
    testing: UseReducerHandle<Testing>,
    /// The dialog open and the id of its row.
    dialog: UseStateHandle<Option<(RowDialog, String)>>,
}

/// The list's [`RowActions`].
#[hook]
pub fn use_row_actions() -> RowActions {
    RowActions {
        app: use_app(),
        submit: use_submit_notice(),
        testing: use_reducer_eq(Testing::default),
        dialog: use_state(|| None),
    }
}

impl RowActions {
    /// Whether this row's test is on its way.
    pub fn testing(&self, id: &str) -> bool {
        self.testing.has(id)
    }

    /// The table body's click listener: finds the button clicked and its
    /// row, looks the row up with `find` (the rows of the page shown) and
    /// does what the button says; `edit` and `delete` go to the list.
    pub fn on_click(
        &self,
        find: impl Fn(&str) -> Option<IntegrationRow> + 'static,
        on_edit: &Callback<String>,
        on_delete: &Callback<(String, String)>,
    ) -> Callback<MouseEvent> {
        let (this, on_edit, on_delete) = (self.clone(), on_edit.clone(), on_delete.clone());
        Callback::from(move |e: MouseEvent| {
            let Some((action, id)) = clicked(&e) else {
                return;
            };
            let Some(row) = find(&id) else {
                return;
            };
            match action {
                RowAction::Toggle => this.toggle(row),
                RowAction::Test => this.test(row),
                RowAction::Send => this.open(RowDialog::Send, row),
                RowAction::Troubleshoot => this.open(RowDialog::Troubleshoot, row),
                RowAction::Events => this.open(RowDialog::Events, row),
                RowAction::Logs => this.app.dispatch(Action::Navigate(Route::Logs {
                    id: row.id,
                    name: row.name,
                })),
                RowAction::Edit => on_edit.emit(row.id),
                RowAction::Delete => on_delete.emit((row.id, row.name)),
            }
        })
    }

    /// Switches the integration on or off.
    fn toggle(&self, row: IntegrationRow) {
        let app = self.app.clone();
        let (active, change) = if row.is_active {
            (false, "Switched off")
        } else {
            (true, "Switched on")
        };
        self.submit.run(
            async move { ipc::set_active(&row.id, active).await },
            move |()| app.dispatch(Action::Changed(change.into())),
        );
    }

    /// Tests the connection; the row's button is busy until it answers.
    fn test(&self, row: IntegrationRow) {
        if self.testing(&row.id) {
            return;
        }
        let (app, testing, id) = (self.app.clone(), self.testing.clone(), row.id);
        testing.dispatch((id.clone(), true));
        let call = async move {
            let answer = ipc::test_integration(&id).await;
            testing.dispatch((id, false));
            answer
        };
        self.submit.run(call, move |answer| {
            app.dispatch(Action::Changed(describe(&row.name, &answer)))
        });
    }

    fn open(&self, dialog: RowDialog, row: IntegrationRow) {
        self.dialog.set(Some((dialog, row.id)));
    }

    /// The dialog a row's button opened, with its row as `find` has it
    /// now; none once the row has left the page (as when the dialog was
    /// the row's own).
    pub fn dialog(&self, find: impl Fn(&str) -> Option<IntegrationRow>) -> Html {
        let Some((dialog, id)) = &*self.dialog else {
            return Html::default();
        };
        let Some(row) = find(id) else {
            return Html::default();
        };
        let on_close = {
            let dialog = self.dialog.clone();
            Callback::from(move |_| dialog.set(None))
        };
        match dialog {
            RowDialog::Send => html! { <super::SendTestDialog {row} {on_close} /> },
            RowDialog::Troubleshoot => html! { <super::TroubleshootDialog {row} {on_close} /> },
            RowDialog::Events => html! { <super::EventInspector {row} {on_close} /> },
        }
    }
}

/// The action and row id of the button a click landed in (or on something
/// inside it, such as the delete button's glyph).
fn clicked(e: &MouseEvent) -> Option<(RowAction, String)> {
    let target: Element = e.target()?.dyn_into().ok()?;
    let button = target.closest("button[data-action]").ok()??;
    let action = RowAction::parse(&button.get_attribute("data-action")?)?;
    let row = button.closest("tr[data-id]").ok()??;
    Some((action, row.get_attribute("data-id")?))
}

/// A table row; `testing` while its connection test is on its way.
pub fn row_view(row: &IntegrationRow, website: String, testing: bool) -> Html {
    let (type_label, provider_label) = match switchboard_catalog::find_provider(&row.provider) {
        Some((t, p)) => (t.label, p.label),
        None => (row.integration_type.as_str(), row.provider.as_str()),
    };
    let status = row.status.as_str();
    let status_title = row
        .last_error
        .clone()
        .filter(|_| row.status == ipc::Status::Error);
    let name = &row.name;
    html! {
        <tr class="row" key={row.id.clone()} data-id={row.id.clone()} data-name={name.clone()}>
            <th scope="row" class="name">
                { name }
                if let Some(a) = row.attention {
                    { " " }
                    <span class="badge attention" data-kind={a.kind()} title="Expiry and rotation: see Settings for the rotation period">
                        { a.label() }
                    </span>
                }
            </th>
            <td>{ type_label }</td>
            <td>{ provider_label }</td>
            <td>{ website }</td>
            <td><span class={classes!("badge", format!("st-{status}"))} title={status_title}>{ status }</span></td>
            <td>
                <button class={classes!("switch", row.is_active.then_some("on"))} role="switch"
                    data-action="toggle"
                    aria-checked={if row.is_active { "true" } else { "false" }}
                    aria-label={format!("Active: {name}")}>
                    <span class="knob" />
                </button>
            </td>
            { time::cell(row.last_sync_at.as_deref(), "Never") }
            <td class={classes!((row.error_count > 0).then_some("bad-count"))}>{ row.error_count }</td>
            <td class="actions">
                <button class={classes!("icon-button", testing.then_some("busy"))} disabled={testing}
                    data-action="test" aria-busy={if testing { "true" } else { "false" }}
                    aria-label={format!("Test {name}")} title="Test connection">{ "↻" }</button>
                if super::can_send(row) {
                    <button class="icon-button" data-action="send" aria-label={format!("Send a test via {name}")}
                        title="Send a test message">{ "✉" }</button>
                }
                <button class="icon-button troubleshoot" data-action="troubleshoot" aria-label={format!("Troubleshoot {name}")}
                    title="Troubleshoot (DNS records, templates, webhook…)">{ "?" }</button>
                <button class="icon-button events" data-action="events" aria-label={format!("Events of {name}")}
                    title="Webhook events (the team server's receiver)">{ "⚡" }</button>
                <button class="icon-button" data-action="logs" aria-label={format!("Logs of {name}")}
                    title="Activity log">{ "☰" }</button>
                <button class="icon-button edit" data-action="edit" aria-label={format!("Edit {name}")}
                    title="Settings">{ "⚙" }</button>
                <button class="icon-button danger delete" data-action="delete" aria-label={format!("Delete {name}")}
                    title="Delete">
                    <svg class="glyph" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6" />
                    </svg>
                </button>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_name() {
        for a in RowAction::ALL {
            assert_eq!(RowAction::parse(a.name()), Some(a));
        }
        assert_eq!(RowAction::parse("launch"), None);
    }

    #[test]
    fn tests_on_their_way_are_counted_once_and_forgotten_when_done() {
        let t = Rc::new(Testing::default());
        let t = t.reduce(("a".into(), true));
        let t = t.reduce(("b".into(), true));
        let t = t.reduce(("a".into(), true));
        assert_eq!(t.0, ["b", "a"]);
        let t = t.reduce(("b".into(), false));
        assert!(t.has("a") && !t.has("b"));
    }
}
