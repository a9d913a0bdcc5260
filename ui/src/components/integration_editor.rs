//! The form of one integration, drawn from the catalog: provider select,
//! name, website, then the provider's fields with inline validation.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use switchboard_catalog::{Field, FieldKind, IntegrationType, Provider};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::parts::select_value;
use super::FieldInput;
use crate::hooks::{use_fetch, use_submit, Problems, Submit};
use crate::ipc::{self, CreateRequest, IntegrationDetail, IpcResult, UpdateRequest, Website};
use crate::state::{use_app, Action, AppContext};

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
    ty: &'static IntegrationType,
    provider: &'static Provider,
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

/// The stored destination settings (host, port, TLS, base URL...) that
/// the form's values change: the secrets stored for the old destination
/// must then be entered again.
fn moved_destination(
    ty: &'static IntegrationType,
    provider: &'static Provider,
    values: &Values,
    detail: Option<&IntegrationDetail>,
) -> Vec<&'static str> {
    let Some(d) = detail.filter(|d| d.provider == provider.id) else {
        return Vec::new();
    };
    let now: Map<String, Value> = provider
        .fields(ty)
        .filter(|f| !f.secret)
        .filter_map(|f| {
            let text = values.get(f.key).filter(|t| !t.is_empty())?;
            Some((f.key.to_owned(), Value::String(text.clone())))
        })
        .collect();
    switchboard_catalog::destination::moved(ty, provider, &d.config, &now)
}

/// What the form says when a moved destination asks for the secrets again.
fn destination_notice(
    ty: &'static IntegrationType,
    provider: &'static Provider,
    moved: &[&'static str],
    detail: Option<&IntegrationDetail>,
) -> Html {
    let Some(d) = detail.filter(|_| !moved.is_empty()) else {
        return Html::default();
    };
    let label = |k: &'static str| provider.field(ty, k).map_or(k, |f| f.label);
    let secrets: Vec<&str> = provider
        .fields(ty)
        .filter(|f| f.secret && d.secrets.contains_key(f.key))
        .map(|f| f.label)
        .collect();
    if secrets.is_empty() {
        return Html::default();
    }
    let moved: Vec<&str> = moved.iter().map(|k| label(k)).collect();
    html! {
        <p class="form-warning" role="status" id="f-destination-notice">
            { format!(
                "You changed the {}: enter the {} again. A secret is only sent where it was entered for.",
                moved.join(" and "),
                secrets.join(" and ")
            ) }
        </p>
    }
}

/// What the form sends for the provider's fields, or the fields' problems.
fn collect(
    ty: &'static IntegrationType,
    provider: &'static Provider,
    values: &Values,
    detail: Option<&IntegrationDetail>,
) -> Result<Map<String, Value>, BTreeMap<String, String>> {
    // A moved destination keeps no stored secret: each must be typed again.
    let keeps = moved_destination(ty, provider, values, detail).is_empty();
    let stored = |key: &str| keeps && detail.is_some_and(|d| d.secrets.contains_key(key));
    let mut errs = BTreeMap::new();
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
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs)
    }
}

/// What the form says about the integration, beside its fields' values.
struct Draft {
    name: String,
    provider: String,
    website_id: Option<String>,
    values: Map<String, Value>,
}

/// Updates the stored integration, or creates one of type `ty`.
async fn save(
    ty: &'static IntegrationType,
    detail: Option<&IntegrationDetail>,
    draft: Draft,
) -> IpcResult<IntegrationDetail> {
    let Draft {
        name,
        provider,
        website_id,
        values,
    } = draft;
    match detail {
        Some(d) => {
            ipc::update_integration(&UpdateRequest {
                id: d.id.clone(),
                name,
                description: d.description.clone(),
                provider,
                website_id,
                values,
            })
            .await
        }
        None => {
            ipc::create_integration(&CreateRequest {
                integration_type: ty.id.to_owned(),
                provider,
                name,
                description: String::new(),
                website_id,
                values,
            })
            .await
        }
    }
}

/// The form's state.
#[derive(Clone)]
struct Editor {
    ty: &'static IntegrationType,
    /// The stored integration for an edit; None to create.
    detail: Option<IntegrationDetail>,
    provider_id: UseStateHandle<String>,
    values: UseStateHandle<Values>,
    name: UseStateHandle<String>,
    website: UseStateHandle<String>,
    submit: Submit,
}

#[hook]
fn use_editor(
    ty: &'static IntegrationType,
    detail: Option<IntegrationDetail>,
    default_site: Option<String>,
) -> Editor {
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
    let website = use_state(|| match detail.as_ref() {
        Some(d) => d.website_id.clone().unwrap_or_default(),
        // A new integration starts on the default website from Settings.
        None => default_site.unwrap_or_default(),
    });
    Editor {
        ty,
        detail,
        provider_id,
        values,
        name,
        website,
        submit: use_submit(),
    }
}

impl Editor {
    fn provider(&self) -> &'static Provider {
        self.ty
            .provider(&self.provider_id)
            .unwrap_or_else(|| self.ty.default_provider())
    }

    /// Another provider: its fields, keeping the values typed for the
    /// fields both have.
    fn on_provider(&self) -> Callback<Event> {
        let this = self.clone();
        Callback::from(move |e: Event| {
            let id = select_value(&e);
            if let Some(p) = this.ty.provider(&id) {
                let mut next = initial_values(this.ty, p, this.detail.as_ref());
                for (k, v) in this.values.iter() {
                    if next.contains_key(k) && !v.is_empty() {
                        next.insert(k.clone(), v.clone());
                    }
                }
                this.values.set(next);
                this.submit.clear_fields();
                this.provider_id.set(id);
            }
        })
    }

    fn on_name(&self) -> Callback<InputEvent> {
        let (name, submit) = (self.name.clone(), self.submit.clone());
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            submit.set_field("name", name_problem(&v));
            name.set(v);
        })
    }

    /// Checks the form, then saves it; the list reloads and the form closes.
    fn send(&self, app: AppContext, on_close: Callback<()>) {
        let provider = self.provider();
        let collected = collect(self.ty, provider, &self.values, self.detail.as_ref());
        let out = match (collected, name_problem(&self.name)) {
            (Ok(out), None) => out,
            (collected, name_problem) => {
                let mut fields = collected.err().unwrap_or_default();
                fields.extend(name_problem.map(|msg| ("name".to_owned(), msg)));
                self.submit.fail(Problems {
                    message: Some("Please fix the highlighted fields.".into()),
                    fields,
                });
                return;
            }
        };
        self.submit.clear();
        let draft = Draft {
            name: self.name.trim().to_owned(),
            provider: provider.id.to_owned(),
            website_id: Some((*self.website).clone()).filter(|w| !w.is_empty()),
            values: out,
        };
        let (ty, detail, name) = (self.ty, self.detail.clone(), draft.name.clone());
        self.submit.run(
            async move {
                let verb = if detail.is_some() {
                    "Updated"
                } else {
                    "Created"
                };
                save(ty, detail.as_ref(), draft).await.map(|_| verb)
            },
            move |verb| {
                app.dispatch(Action::Changed(format!("{verb} “{name}”")));
                on_close.emit(());
            },
        );
    }
}

fn name_problem(name: &str) -> Option<String> {
    name.trim()
        .is_empty()
        .then(|| "Name is required.".to_owned())
}

/// The form.
#[function_component(IntegrationEditor)]
pub fn integration_editor(props: &IntegrationEditorProps) -> Html {
    let app = use_app();
    let Some(ty) = switchboard_catalog::integration_type(&props.type_id) else {
        return html! { <p class="error">{ "Unknown integration type." }</p> };
    };
    let editor = use_editor(
        ty,
        props.detail.clone(),
        app.settings.default_website.clone(),
    );
    let sites = use_fetch((), |_| ipc::websites());
    let sites = match &*sites {
        Some(Ok(list)) => list.clone(),
        _ => Vec::new(),
    };
    let onsubmit = {
        let (editor, app, on_close) = (editor.clone(), app.clone(), props.on_close.clone());
        editor
            .submit
            .clone()
            .on_submit(move |_| editor.send(app.clone(), on_close.clone()))
    };
    let (provider, submit, detail) = (editor.provider(), &editor.submit, editor.detail.as_ref());
    let editing = detail.is_some();
    let title = if editing {
        format!("Edit {}", ty.label)
    } else {
        format!("New {}", ty.label)
    };
    html! {
        <form class="editor stack" {onsubmit} novalidate=true>
            <h2 id="form-title">{ title }</h2>
            <p class="muted">{ ty.description }</p>
            if ty.providers.len() > 1 {
                { provider_select(ty, provider, editor.on_provider()) }
            }
            { name_field(&editor.name, editor.on_name(), submit.field("name")) }
            { website_select(&editor.website, &sites) }
            { field_views(ty, provider, &editor.values, submit, detail) }
            if let Some(msg) = submit.message() {
                <p class="error" role="alert" id="form-error">{ msg }</p>
            }
            <div class="form-actions">
                <button type="button" class="button ghost" onclick={props.on_close.reform(|_: MouseEvent| ())}>{ "Cancel" }</button>
                <button type="submit" class="button primary" id="f-submit" disabled={submit.busy()}>
                    { if editing { "Update" } else { "Create" } }
                </button>
            </div>
        </form>
    }
}

/// The website the integration belongs to, or none (global).
fn website_select(website: &UseStateHandle<String>, sites: &[Website]) -> Html {
    let onchange = {
        let website = website.clone();
        Callback::from(move |e: Event| website.set(select_value(&e)))
    };
    html! {
        <label class="field">
            <span class="label">{ "Website" }</span>
            <select id="f-website" {onchange}>
                <option value="" selected={website.is_empty()}>{ "Global (every website)" }</option>
                { for sites.iter().map(|w| html! {
                    <option value={w.id.clone()} selected={**website == w.id}>{ format!("{} ({})", w.name, w.domain) }</option>
                }) }
            </select>
        </label>
    }
}

/// The provider's select, for a type with more than one.
fn provider_select(
    ty: &'static IntegrationType,
    provider: &'static Provider,
    onchange: Callback<Event>,
) -> Html {
    html! {
        <label class="field">
            <span class="label">{ "Provider" }</span>
            <select id="f-provider" {onchange}>
                { for ty.providers.iter().map(|p| html! {
                    <option value={p.id} selected={p.id == provider.id}>{ p.label }</option>
                }) }
            </select>
            <span class="help">{ provider.description }</span>
        </label>
    }
}

/// The required name.
fn name_field(name: &str, oninput: Callback<InputEvent>, error: Option<&str>) -> Html {
    html! {
        <label class="field">
            <span class="label">{ "Name" }<span class="req" aria-hidden="true">{ " *" }</span></span>
            <input type="text" id="f-name" value={name.to_owned()} {oninput}
                required=true aria-required="true" aria-invalid={if error.is_some() { "true" } else { "false" }}
                aria-describedby="f-name-error" placeholder="e.g. Newsletter sender" />
            if let Some(msg) = error {
                <span class="field-error" id="f-name-error" role="alert">{ msg }</span>
            }
        </label>
    }
}

/// The provider's fields, each checked as it is typed.
fn field_views(
    ty: &'static IntegrationType,
    provider: &'static Provider,
    values: &UseStateHandle<Values>,
    submit: &Submit,
    detail: Option<&IntegrationDetail>,
) -> Html {
    let moved = moved_destination(ty, provider, values, detail);
    let stored =
        |key: &str| moved.is_empty() && detail.is_some_and(|d| d.secrets.contains_key(key));
    let notice = destination_notice(ty, provider, &moved, detail);
    let views = provider.fields(ty).map(|f| {
        let text = values.get(f.key).cloned().unwrap_or_default();
        let on_change = {
            let (values, submit) = (values.clone(), submit.clone());
            let is_stored = stored(f.key);
            Callback::from(move |v: String| {
                submit.set_field(f.key, check(f, &v, is_stored));
                let mut next = (*values).clone();
                next.insert(f.key.to_owned(), v);
                values.set(next);
            })
        };
        let masked = detail
            .and_then(|d| d.secrets.get(f.key))
            .map(|s| match s {
                ipc::SecretView::Set { masked } => masked.clone(),
                ipc::SecretView::Undecryptable { message } => message.clone(),
            });
        html! {
            <FieldInput key={format!("{}-{}", provider.id, f.key)} field={f} value={text}
                error={submit.field(f.key).map(str::to_owned)} {on_change}
                integration_id={detail.map(|d| d.id.clone())} {masked}
                on_server={detail.is_some_and(|d| d.secrets_on_server.iter().any(|k| k == f.key))} />
        }
    });
    html! { <>{ notice }{ for views }</> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_catalog::samples::sample_value;

    fn every_form() -> impl Iterator<Item = (&'static IntegrationType, &'static Provider)> {
        switchboard_catalog::types()
            .iter()
            .flat_map(|t| t.providers.iter().map(move |p| (t, p)))
    }

    #[test]
    fn a_filled_in_form_sends_every_field() {
        for (ty, p) in every_form() {
            let values: Values = p
                .fields(ty)
                .map(|f| (f.key.to_owned(), as_text(&sample_value(f))))
                .collect();
            let out = collect(ty, p, &values, None)
                .unwrap_or_else(|e| panic!("{}/{}: {e:?}", ty.id, p.id));
            for f in p.fields(ty) {
                let sent = out.get(f.key);
                match f.kind {
                    FieldKind::Bool => assert_eq!(sent, Some(&Value::Bool(true)), "{}", f.key),
                    _ => assert_eq!(
                        sent,
                        Some(&Value::String(values[f.key].clone())),
                        "{}",
                        f.key
                    ),
                }
            }
        }
    }

    #[test]
    fn a_moved_smtp_host_asks_for_the_stored_password_again() {
        let ty = switchboard_catalog::integration_type("email").unwrap();
        let p = ty.provider("smtp").unwrap();
        let detail: IntegrationDetail = serde_json::from_value(serde_json::json!({
            "id": "i1", "website_id": null, "integration_type": "email", "provider": "smtp",
            "name": "Mail", "description": "", "status": "active", "is_active": true,
            "config": {"from_email": "a@example.com", "smtp_host": "smtp.example.com",
                       "smtp_port": 587, "smtp_username": "u", "smtp_use_tls": true},
            "secrets": {"smtp_password": {"state": "set", "masked": "****word"}},
            "last_sync_at": null, "last_error": null, "error_count": 0, "updated_at": ""
        }))
        .unwrap();
        let mut values = initial_values(ty, p, Some(&detail));
        assert!(moved_destination(ty, p, &values, Some(&detail)).is_empty());
        assert!(
            collect(ty, p, &values, Some(&detail)).is_ok(),
            "the stored password is kept"
        );
        values.insert("smtp_host".into(), "mail.elsewhere.test".into());
        assert_eq!(
            moved_destination(ty, p, &values, Some(&detail)),
            vec!["smtp_host"]
        );
        let problems = collect(ty, p, &values, Some(&detail)).unwrap_err();
        assert!(problems.contains_key("smtp_password"), "{problems:?}");
        values.insert("smtp_password".into(), "new-password".into());
        let sent = collect(ty, p, &values, Some(&detail)).unwrap();
        assert_eq!(sent["smtp_password"], "new-password");
    }

    #[test]
    fn an_empty_new_form_names_each_required_secret() {
        for (ty, p) in every_form() {
            let problems = collect(ty, p, &initial_values(ty, p, None), None)
                .err()
                .unwrap_or_default();
            let unnamed: Vec<&str> = p
                .fields(ty)
                .filter(|f| f.required && f.secret && !problems.contains_key(f.key))
                .map(|f| f.key)
                .collect();
            assert!(unnamed.is_empty(), "{}/{}: {unnamed:?}", ty.id, p.id);
        }
    }
}
