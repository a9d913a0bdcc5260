//! What the forms share: callbacks that keep an input's text or a
//! checkbox's state in a `use_state`, and a field's inline error.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Keeps the input's text in `state` as it is typed.
pub fn text_input(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| state.set(input_text(&e)))
}

/// Keeps a checkbox's state in `state`.
pub fn check_input(state: &UseStateHandle<bool>) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| {
        state.set(e.target_unchecked_into::<HtmlInputElement>().checked())
    })
}

/// The value a `<select>` changed to.
pub fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

/// A field's problem under it, as `<p class="field-error">` with this id.
pub fn field_error(id: String, problem: Option<&str>) -> Html {
    match problem {
        Some(m) => html! { <p class="field-error" {id} role="alert">{ m }</p> },
        None => Html::default(),
    }
}

/// What an `<input>` says after an input event.
pub fn input_text(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// What a `<textarea>` says after an input event.
pub fn area_text(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlTextAreaElement>().value()
}

/// Writes what an element says (`read` from its event) into one part of
/// the value in `state`.
pub fn edit<T: Clone + 'static, E: 'static>(
    state: &UseStateHandle<T>,
    read: fn(&E) -> String,
    set: fn(&mut T, String),
) -> Callback<E> {
    let state = state.clone();
    Callback::from(move |e: E| {
        let mut next = (*state).clone();
        set(&mut next, read(&e));
        state.set(next);
    })
}

/// Writes an input's text into one part of the value in `state`.
pub fn edit_text<T: Clone + 'static>(
    state: &UseStateHandle<T>,
    set: fn(&mut T, String),
) -> Callback<InputEvent> {
    edit(state, input_text, set)
}

/// Writes a `<select>`'s choice into one part of the value in `state`.
pub fn edit_select<T: Clone + 'static>(
    state: &UseStateHandle<T>,
    set: fn(&mut T, String),
) -> Callback<Event> {
    edit(state, select_value, set)
}

/// A field as the forms lay it out: the label, then the input.
pub fn labelled(label: &str, input: Html) -> Html {
    labelled_with(label, input, Below::default())
}

/// What a field may have below its input.
#[derive(Default)]
pub struct Below<'a> {
    /// A help line.
    pub help: Option<&'a str>,
    /// The help line's id, where the input refers to it.
    pub help_id: Option<&'static str>,
    /// The field's problem.
    pub error: Html,
}

/// A field with a help line or its problem below the input.
pub fn labelled_with(label: &str, input: Html, below: Below) -> Html {
    html! {
        <label class="field">
            <span class="label">{ label }</span>
            { input }
            if let Some(help) = below.help {
                <span class="help" id={below.help_id}>{ help }</span>
            }
            { below.error }
        </label>
    }
}

/// The card of a page that is one form (settings, the webhook check):
/// its title, an intro line, the form's fields, then `after` the form.
pub fn form_card(
    title_id: &'static str,
    title: &str,
    intro: &str,
    onsubmit: Callback<SubmitEvent>,
    fields: Html,
    after: Html,
) -> Html {
    html! {
        <section class="card settings-card" aria-labelledby={title_id}>
            <h2 id={title_id}>{ title }</h2>
            <p class="muted">{ intro }</p>
            <form class="form settings-form" {onsubmit} novalidate=true>
                { fields }
            </form>
            { after }
        </section>
    }
}

/// A table's head row: a column heading for each of `columns`, then `more`.
pub fn table_head(columns: &[&str], more: Html) -> Html {
    html! {
        <thead>
            <tr>
                { for columns.iter().map(|c| html! { <th scope="col">{ *c }</th> }) }
                { more }
            </tr>
        </thead>
    }
}

/// Calls `on_escape` when Escape is pressed (dialogs and drawers close).
pub fn on_escape(on_escape: &Callback<()>) -> Callback<KeyboardEvent> {
    let cb = on_escape.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            cb.emit(());
        }
    })
}
