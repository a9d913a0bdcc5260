//! What the forms share: callbacks that keep an input's text or a
//! checkbox's state in a `use_state`, and a field's inline error.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Keeps the input's text in `state` as it is typed.
pub fn text_input(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        state.set(e.target_unchecked_into::<HtmlInputElement>().value())
    })
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
