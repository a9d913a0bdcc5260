//! The form of one integration, drawn from the catalog: provider select,
//! name, website, then the provider's fields with inline validation.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use switchboard_catalog::{Field, FieldKind};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use super::FieldInput;
use crate::hooks::use_fetch;
use crate::ipc::{self, CreateRequest, IntegrationDetail, UpdateRequest};
use crate::state::{use_app, Action};

/// The editor's inputs.
#[derive(Properties, PartialEq)]
pub struct IntegrationEditorProps {
    pub type_id: String,
    /// The stored integration for an edit; None to create.
    pub detail: Option<IntegrationDetail>,
    pub on_close: Callback<()>,
}

type Values = BTreeMap<String, String>;

/// The form's text for a stored public value.
fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn initial_values(
    ty: &'static switchboard_catalog::IntegrationType,
    provider: &'static switchboard_catalog::Provider,
    detail: Option<&IntegrationDetail>,
) -> Values {
    provider
        .fields(ty)
        .map(|f| {
            let value = match detail {
                Some(_) if f.secret => String::new(),
                Some(d) => d.config.get(f.key).map(as_text).unwrap_or_default(),
                None => match (f.default_json(), f.kind.options().first()) {
                    (Some(d), _) => as_text(&d),
                    (None, Some(first)) if f.required => first.value.to_owned(),
                    _ => String::new(),
                },
            };
            (f.key.to_owned(), value)
        })
        .collect()
}

/// Judges one field while typing; a blank secret of an edit keeps its value.
fn check(field: &Field, text: &str, stored_secret: bool) -> Option<String> {
    if field.kind == FieldKind::Bool || (field.secret && stored_secret && text.is_empty()) {
        return None;
    }
    switchboard_catalog::validate_field(field, &Value::String(text.to_owned())).err()
}

/// The form.
#[function_component(IntegrationEditor)]
pub fn integration_editor(props: &IntegrationEditorProps) -> Html {
    let app = use_app();
    let Some(ty) = switchboard_catalog::integration_type(&props.type_id) else {
        return html! { <p class="error">{ "Unknown integration type." }</p> };
    };
    let detail = props.detail.clone();
    let editing = detail.is_some();
    let provider_id = use_state(|| {
        detail
            .as_ref()
            .map(|d| d.provider.clone())
            .unwrap_or_else(|| ty.default_provider().id.to_owned())
    });
    let provider = ty
        .provider(&provider_id)
        .unwrap_or_else(|| ty.default_provider());
    let values = use_state(|| initial_values(ty, provider, detail.as_ref()));
    let name = use_state(|| detail.as_ref().map(|d| d.name.clone()).unwrap_or_default());
    let default_site = app.settings.default_website.clone();
    let website = use_state(|| match detail.as_ref() {
        Some(d) => d.website_id.clone().unwrap_or_default(),
        // A new integration starts on the default website from Settings.
        None => default_site.unwrap_or_default(),
    });
    let errors = use_state(BTreeMap::<String, String>::new);
    let general = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let sites = use_fetch((), |_| ipc::websites());
    let sites = match &*sites {
        Some(Ok(list)) => list.clone(),
        _ => Vec::new(),
    };
    let stored = |key: &str| detail.as_ref().is_some_and(|d| d.secrets.contains_key(key));

    let on_provider = {
        let (provider_id, values, errors) = (provider_id.clone(), values.clone(), errors.clone());
        let detail = detail.clone();
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(p) = ty.provider(&id) {
                let mut next = initial_values(ty, p, detail.as_ref());
                for (k, v) in values.iter() {
                    if next.contains_key(k) && !v.is_empty() {
                        next.insert(k.clone(), v.clone());
                    }
                }
                values.set(next);
                errors.set(BTreeMap::new());
                provider_id.set(id);
            }
        })
    };
    let on_name = {
        let (name, errors) = (name.clone(), errors.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut errs = (*errors).clone();
            if v.trim().is_empty() {
                errs.insert("name".into(), "Name is required.".into());
            } else {
                errs.remove("name");
            }
            errors.set(errs);
            name.set(v);
        })
    };
    let on_website = {
        let website = website.clone();
        Callback::from(move |e: Event| {
            website.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };

    let onsubmit = {
        let (values, name, website, errors, general, busy) = (
            values.clone(),
            name.clone(),
            website.clone(),
            errors.clone(),
            general.clone(),
            busy.clone(),
        );
        let (provider_id, detail, app, on_close) = (
            provider_id.clone(),
            detail.clone(),
            app.clone(),
            props.on_close.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let provider = ty
                .provider(&provider_id)
                .unwrap_or_else(|| ty.default_provider());
            let stored = |key: &str| detail.as_ref().is_some_and(|d| d.secrets.contains_key(key));
            let mut errs = BTreeMap::new();
            if name.trim().is_empty() {
                errs.insert("name".to_owned(), "Name is required.".to_owned());
            }
            let mut out = Map::new();
            for f in provider.fields(ty) {
                let text = values.get(f.key).cloned().unwrap_or_default();
                if let Some(msg) = check(f, &text, stored(f.key)) {
                    errs.insert(f.key.to_owned(), msg);
                }
                if f.kind == FieldKind::Bool {
                    out.insert(f.key.into(), Value::Bool(text == "true"));
                } else if f.secret && text.is_empty() {
                    // Untouched secret: absent keeps the stored value.
                } else if !text.is_empty() || detail.is_some() {
                    out.insert(f.key.into(), Value::String(text));
                }
            }
            if !errs.is_empty() {
                general.set(Some("Please fix the highlighted fields.".into()));
                errors.set(errs);
                return;
            }
            errors.set(BTreeMap::new());
            general.set(None);
            busy.set(true);
            let website_id = Some((*website).clone()).filter(|w| !w.is_empty());
            let (name, provider) = ((*name).trim().to_owned(), provider.id.to_owned());
            let (errors, general, busy, app, on_close) = (
                errors.clone(),
                general.clone(),
                busy.clone(),
                app.clone(),
                on_close.clone(),
            );
            let detail = detail.clone();
            spawn_local(async move {
                let result = match &detail {
                    Some(d) => {
                        ipc::update_integration(&UpdateRequest {
                            id: d.id.clone(),
                            name: name.clone(),
                            description: d.description.clone(),
                            provider,
                            website_id,
                            values: out,
                        })
                        .await
                    }
                    None => {
                        ipc::create_integration(&CreateRequest {
                            integration_type: ty.id.to_owned(),
                            provider,
                            name: name.clone(),
                            description: String::new(),
                            website_id,
                            values: out,
                        })
                        .await
                    }
                };
                busy.set(false);
                match result {
                    Ok(_) => {
                        let verb = if detail.is_some() {
                            "Updated"
                        } else {
                            "Created"
                        };
                        app.dispatch(Action::Changed(format!("{verb} “{name}”")));
                        on_close.emit(());
                    }
                    Err(e) => {
                        errors.set(e.fields.clone());
                        general.set(Some(e.message));
                    }
                }
            });
        })
    };

    let field_views = provider.fields(ty).map(|f| {
        let text = values.get(f.key).cloned().unwrap_or_default();
        let on_change = {
            let (values, errors) = (values.clone(), errors.clone());
            let is_stored = stored(f.key);
            Callback::from(move |v: String| {
                let mut errs = (*errors).clone();
                match check(f, &v, is_stored) {
                    Some(msg) => errs.insert(f.key.to_owned(), msg),
                    None => errs.remove(f.key),
                };
                errors.set(errs);
                let mut next = (*values).clone();
                next.insert(f.key.to_owned(), v);
                values.set(next);
            })
        };
        let masked = detail
            .as_ref()
            .and_then(|d| d.secrets.get(f.key))
            .map(|s| match s {
                ipc::SecretView::Set { masked } => masked.clone(),
                ipc::SecretView::Undecryptable { message } => message.clone(),
            });
        html! {
            <FieldInput key={format!("{}-{}", provider.id, f.key)} field={f} value={text}
                error={errors.get(f.key).cloned()} {on_change}
                integration_id={detail.as_ref().map(|d| d.id.clone())} {masked}
                on_server={detail.as_ref().is_some_and(|d| d.secrets_on_server.iter().any(|k| k == f.key))} />
        }
    });
    let title = if editing {
        format!("Edit {}", ty.label)
    } else {
        format!("New {}", ty.label)
    };
    let name_error = errors.get("name").cloned();
    html! {
        <form class="editor stack" {onsubmit} novalidate=true>
            <h2 id="form-title">{ title }</h2>
            <p class="muted">{ ty.description }</p>
            if ty.providers.len() > 1 {
                <label class="field">
                    <span class="label">{ "Provider" }</span>
                    <select id="f-provider" onchange={on_provider}>
                        { for ty.providers.iter().map(|p| html! {
                            <option value={p.id} selected={p.id == provider.id}>{ p.label }</option>
                        }) }
                    </select>
                    <span class="help">{ provider.description }</span>
                </label>
            }
            <label class="field">
                <span class="label">{ "Name" }<span class="req" aria-hidden="true">{ " *" }</span></span>
                <input type="text" id="f-name" value={(*name).clone()} oninput={on_name}
                    required=true aria-required="true" aria-invalid={if name_error.is_some() { "true" } else { "false" }}
                    aria-describedby="f-name-error" placeholder="e.g. Newsletter sender" />
                if let Some(msg) = name_error {
                    <span class="field-error" id="f-name-error" role="alert">{ msg }</span>
                }
            </label>
            <label class="field">
                <span class="label">{ "Website" }</span>
                <select id="f-website" onchange={on_website}>
                    <option value="" selected={website.is_empty()}>{ "Global (every website)" }</option>
                    { for sites.iter().map(|w| html! {
                        <option value={w.id.clone()} selected={*website == w.id}>{ format!("{} ({})", w.name, w.domain) }</option>
                    }) }
                </select>
            </label>
            { for field_views }
            if let Some(msg) = &*general {
                <p class="error" role="alert" id="form-error">{ msg }</p>
            }
            <div class="form-actions">
                <button type="button" class="button ghost" onclick={props.on_close.reform(|_: MouseEvent| ())}>{ "Cancel" }</button>
                <button type="submit" class="button primary" id="f-submit" disabled={*busy}>
                    { if editing { "Update" } else { "Create" } }
                </button>
            </div>
        </form>
    }
}
