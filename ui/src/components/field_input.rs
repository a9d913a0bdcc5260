//! One catalog field as a labelled input: the widget follows the field's
//! kind; required is marked; help and the inline error sit below.

use switchboard_catalog::{Field, FieldKind};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::SecretTools;

/// The field, its text, its error and where changes go.
#[derive(Properties, PartialEq)]
pub struct FieldInputProps {
    pub field: &'static Field,
    pub value: String,
    pub error: Option<String>,
    pub on_change: Callback<String>,
    /// For an edit: the integration, so a stored secret can be revealed.
    pub integration_id: Option<String>,
    /// For an edit: the stored secret's mask.
    pub masked: Option<String>,
    /// The secret is set only on the shared server: shown masked, with no
    /// reveal or copy.
    #[prop_or_default]
    pub on_server: bool,
}

/// The labelled input.
#[function_component(FieldInput)]
pub fn field_input(props: &FieldInputProps) -> Html {
    let f = props.field;
    let show = use_state(|| false);
    let id = format!("f-{}", f.key);
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let invalid = if props.error.is_some() {
        "true"
    } else {
        "false"
    };
    let described = format!("{help_id} {error_id}");
    let on_text = props
        .on_change
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let placeholder = match (&props.masked, f.secret) {
        (Some(_), true) => "Leave blank to keep the stored value".to_owned(),
        _ => f.placeholder.to_owned(),
    };
    let widget = match f.kind {
        FieldKind::Bool => {
            let onchange = props.on_change.reform(|e: Event| {
                e.target_unchecked_into::<HtmlInputElement>()
                    .checked()
                    .to_string()
            });
            html! {
                <input type="checkbox" id={id.clone()} checked={props.value == "true"} {onchange}
                    aria-describedby={described.clone()} />
            }
        }
        FieldKind::Select(options) => {
            let onchange = props
                .on_change
                .reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
            html! {
                <select id={id.clone()} {onchange} aria-invalid={invalid} aria-describedby={described.clone()}>
                    if !f.required {
                        <option value="" selected={props.value.is_empty()}>{ "—" }</option>
                    }
                    { for options.iter().map(|o| html! {
                        <option value={o.value} selected={props.value == o.value}>{ o.label }</option>
                    }) }
                </select>
            }
        }
        FieldKind::Json | FieldKind::Multiline => {
            let oninput = props
                .on_change
                .reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
            html! {
                <textarea id={id.clone()} rows="4" value={props.value.clone()} {oninput} {placeholder}
                    aria-invalid={invalid} aria-required={f.required.to_string()}
                    aria-describedby={described.clone()} />
            }
        }
        _ if f.secret => {
            let toggle = {
                let show = show.clone();
                Callback::from(move |_| show.set(!*show))
            };
            html! {
                <span class="secret-input">
                    <input type={if *show { "text" } else { "password" }} id={id.clone()} autocomplete="off"
                        value={props.value.clone()} oninput={on_text} {placeholder} spellcheck="false"
                        aria-invalid={invalid} aria-required={(f.required && props.masked.is_none()).to_string()}
                        aria-describedby={described.clone()} />
                    <button type="button" class="button ghost small" onclick={toggle}
                        aria-label={format!("{} {}", if *show { "Hide" } else { "Show" }, f.label)}
                        aria-pressed={show.to_string()}>{ if *show { "Hide" } else { "Show" } }</button>
                </span>
            }
        }
        kind => {
            let input_type = match kind {
                FieldKind::Email => "email",
                FieldKind::Url => "url",
                FieldKind::Phone => "tel",
                FieldKind::Number { .. } => "number",
                _ => "text",
            };
            html! {
                <input type={input_type} id={id.clone()} value={props.value.clone()} oninput={on_text}
                    {placeholder} aria-invalid={invalid} aria-required={f.required.to_string()}
                    aria-describedby={described.clone()} />
            }
        }
    };
    html! {
        <div class={classes!("field", props.error.is_some().then_some("has-error"))}>
            <label class="label" for={id.clone()}>
                { f.label }
                if f.required {
                    <span class="req" aria-label="required">{ " *" }</span>
                }
            </label>
            { widget }
            if let (Some(masked), true) = (&props.masked, props.on_server) {
                <span class="secret-tools">
                    <code class="secret-value" id={format!("secret-{}", f.key)}>{ masked }</code>
                    <span class="badge on-server" id={format!("on-server-{}", f.key)}
                        title="Kept only on the shared server: it cannot be revealed here">{ "set on the server" }</span>
                </span>
            } else if let (Some(masked), Some(integration)) = (&props.masked, &props.integration_id) {
                <SecretTools id={integration.clone()} field={f.key} masked={masked.clone()} />
            }
            if !f.help.is_empty() {
                <span class="help" id={help_id}>{ f.help }</span>
            }
            if let Some(msg) = &props.error {
                <span class="field-error" id={error_id} role="alert">{ msg }</span>
            }
        </div>
    }
}
