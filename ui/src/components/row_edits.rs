//! A list whose rows are edited in place and deleted after a question:
//! the Save and Cancel of the row being edited, the Delete buttons, and
//! the confirmation dialog.

use std::future::Future;
use std::rc::Rc;
use yew::prelude::*;

use super::ConfirmDialog;
use crate::hooks::Submit;
use crate::ipc::IpcResult;
use crate::state::{Action, AppContext};

/// The draft being edited (`D`), the row waiting for the delete question
/// (`T`), and where their calls go.
pub struct RowEdits<D: 'static, T: 'static> {
    pub editing: UseStateHandle<Option<D>>,
    pub deleting: UseStateHandle<Option<T>>,
    pub submit: Submit,
    pub app: AppContext,
}

impl<D: Clone + 'static, T: Clone + 'static> RowEdits<D, T> {
    /// The edited row's Save (a form's `onsubmit`) and Cancel. Save sends
    /// the draft with `call`, then closes the editor and tells what `saved`
    /// says of the answer; Cancel closes it and forgets the problems.
    pub fn save_and_cancel<R, Fut>(
        &self,
        call: impl Fn(D) -> Fut + 'static,
        saved: impl Fn(R) -> String + 'static,
    ) -> (Callback<SubmitEvent>, Callback<MouseEvent>)
    where
        R: 'static,
        Fut: Future<Output = IpcResult<R>> + 'static,
    {
        let saved = Rc::new(saved);
        let save = {
            let (editing, app) = (self.editing.clone(), self.app.clone());
            self.submit.on_submit(move |submit| {
                let Some(draft) = (*editing).clone() else {
                    return;
                };
                let (editing, app, saved) = (editing.clone(), app.clone(), saved.clone());
                submit.run(call(draft), move |answer| {
                    editing.set(None);
                    app.dispatch(Action::Changed(saved(answer)));
                });
            })
        };
        let cancel = {
            let (editing, submit) = (self.editing.clone(), self.submit.clone());
            Callback::from(move |_: MouseEvent| {
                editing.set(None);
                submit.clear();
            })
        };
        (save, cancel)
    }

    /// A row's Delete button: it asks first.
    pub fn ask_delete(&self, row: &T) -> Callback<MouseEvent> {
        let (deleting, row) = (self.deleting.clone(), row.clone());
        Callback::from(move |_: MouseEvent| deleting.set(Some(row.clone())))
    }

    /// The question before the row waiting for it is deleted (nothing while
    /// none is): `action` is its title and its button, `message` what it
    /// asks. Confirming closes it and deletes the row with `call`, then tells
    /// what `said` says of the row; Cancel or Escape closes it.
    pub fn confirm_delete<Fut>(
        &self,
        action: &'static str,
        message: impl FnOnce(&T) -> String,
        call: impl Fn(T) -> Fut + 'static,
        said: impl Fn(T) -> String + 'static,
    ) -> Html
    where
        Fut: Future<Output = IpcResult<()>> + 'static,
    {
        let Some(row) = (*self.deleting).clone() else {
            return Html::default();
        };
        let message = message(&row);
        let said = Rc::new(said);
        let on_confirm = {
            let (deleting, submit, app) =
                (self.deleting.clone(), self.submit.clone(), self.app.clone());
            Callback::from(move |()| {
                deleting.set(None);
                let (row, app, said) = (row.clone(), app.clone(), said.clone());
                submit.run(call(row.clone()), move |()| {
                    app.dispatch(Action::Changed(said(row)))
                });
            })
        };
        let on_cancel = {
            let deleting = self.deleting.clone();
            Callback::from(move |()| deleting.set(None))
        };
        html! {
            <ConfirmDialog title={action} {message} confirm_label={action} {on_confirm} {on_cancel} />
        }
    }
}
