//! The webhook signature verifier: paste a payload and its signature, pick
//! the integration whose secret signs it (or paste a public key), and see
//! whether it is genuine.

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::parts::select_value;
use crate::hooks::{use_fetch, use_submit};
use crate::ipc::{self, ListQuery, WebhookAnswer, WebhookRequest};

const SCHEMES: [(&str, &str); 6] = [
    ("meta", "Meta: X-Hub-Signature-256"),
    (
        "meta_challenge",
        "Meta: subscription handshake (hub.challenge)",
    ),
    ("twilio", "Twilio: X-Twilio-Signature"),
    ("stripe", "Stripe: Stripe-Signature"),
    ("sendgrid", "SendGrid: event webhook (ECDSA)"),
    ("mailgun", "Mailgun: signature"),
];

/// The labels of the inputs a scheme asks for (empty: not asked).
struct Labels {
    signature: &'static str,
    timestamp: &'static str,
    token: &'static str,
    url: &'static str,
}

fn labels(scheme: &str) -> Labels {
    let (signature, timestamp, token, url) = match scheme {
        "meta_challenge" => ("", "hub.mode", "hub.verify_token", "hub.challenge"),
        "twilio" => ("X-Twilio-Signature", "", "", "The webhook's full URL"),
        "stripe" => ("Stripe-Signature", "", "", ""),
        "sendgrid" => (
            "X-Twilio-Email-Event-Webhook-Signature",
            "X-Twilio-Email-Event-Webhook-Timestamp",
            "",
            "",
        ),
        "mailgun" => (
            "signature.signature",
            "signature.timestamp",
            "signature.token",
            "",
        ),
        _ => ("X-Hub-Signature-256", "", "", ""),
    };
    Labels {
        signature,
        timestamp,
        token,
        url,
    }
}

/// Makes the callbacks that write one part of the form.
#[derive(Clone)]
struct Form(UseStateHandle<WebhookRequest>);

impl Form {
    fn setter(&self, f: fn(&mut WebhookRequest, String)) -> impl Fn(String) {
        let form = self.0.clone();
        move |v: String| {
            let mut next = (*form).clone();
            f(&mut next, v);
            form.set(next);
        }
    }

    fn on_input(&self, f: fn(&mut WebhookRequest, String)) -> Callback<InputEvent> {
        let set = self.setter(f);
        Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    }

    fn on_area(&self, f: fn(&mut WebhookRequest, String)) -> Callback<InputEvent> {
        let set = self.setter(f);
        Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    }

    fn on_select(&self, f: fn(&mut WebhookRequest, String)) -> Callback<Event> {
        let set = self.setter(f);
        Callback::from(move |e: Event| set(select_value(&e)))
    }

    /// A plain text input, shown when the scheme gives it a label.
    fn text(
        &self,
        id: &'static str,
        label: &'static str,
        value: &str,
        f: fn(&mut WebhookRequest, String),
    ) -> Html {
        if label.is_empty() {
            return Html::default();
        }
        html! {
            <label class="field">
                <span class="label">{ label }</span>
                <input {id} value={value.to_owned()} oninput={self.on_input(f)} />
            </label>
        }
    }
}

/// The page.
#[function_component(WebhooksPage)]
pub fn webhooks_page() -> Html {
    let form = use_state(|| WebhookRequest {
        scheme: "meta".into(),
        ..WebhookRequest::default()
    });
    let answer = use_state(|| None::<WebhookAnswer>);
    let submit = use_submit();
    let verify = {
        let (form, answer, submit) = (form.clone(), answer.clone(), submit.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = (*form).clone();
            let answer = answer.clone();
            submit.run(
                async move { ipc::verify_webhook(&request).await },
                move |a| answer.set(Some(a)),
            );
        })
    };
    let f = &*form;
    let scheme = f.scheme.as_str();
    let l = labels(scheme);
    let uses_payload = !matches!(scheme, "meta_challenge" | "mailgun");
    let set = Form(form.clone());
    html! {
        <section class="card settings-card" aria-labelledby="hooks-title">
            <h2 id="hooks-title">{ "Webhook signature check" }</h2>
            <p class="muted">{ "Paste what a provider sent to check that it is genuine. Nothing is sent anywhere." }</p>
            <form class="form settings-form" onsubmit={verify} novalidate=true>
                <label class="field">
                    <span class="label">{ "Signature scheme" }</span>
                    <select id="hook-scheme" onchange={set.on_select(|r, v| r.scheme = v)}>
                        { for SCHEMES.iter().map(|(id, label)| html! {
                            <option value={*id} selected={*id == scheme}>{ *label }</option>
                        }) }
                    </select>
                </label>
                <SecretSource form={form.clone()} />
                if uses_payload {
                    <label class="field">
                        <span class="label">{ if scheme == "twilio" { "Body (form-encoded)" } else { "Raw payload" } }</span>
                        <textarea id="hook-payload" rows="5" value={f.payload.clone()} oninput={set.on_area(|r, v| r.payload = v)} />
                    </label>
                }
                { set.text("hook-signature", l.signature, &f.signature, |r, v| r.signature = v) }
                { set.text("hook-timestamp", l.timestamp, &f.timestamp, |r, v| r.timestamp = v) }
                { set.text("hook-token", l.token, &f.token, |r, v| r.token = v) }
                { set.text("hook-url", l.url, &f.url, |r, v| r.url = v) }
                <div class="form-actions">
                    <button type="submit" class="button primary" id="hook-verify">{ "Check signature" }</button>
                </div>
            </form>
            if let Some(m) = submit.message() {
                <p id="hook-result" role="alert" class="error">{ m }</p>
            } else if let Some(a) = &*answer {
                <p id="hook-result" role="status" class={classes!("hook-result", if a.valid { "good" } else { "error" })}>{ &a.message }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SecretSourceProps {
    form: UseStateHandle<WebhookRequest>,
}

/// Where the secret comes from: an integration's secret field, or pasted.
#[function_component(SecretSource)]
fn secret_source(props: &SecretSourceProps) -> Html {
    let f = &*props.form;
    let set = Form(props.form.clone());
    let integrations = use_fetch((), |_| async {
        ipc::list_integrations(&ListQuery {
            limit: 500,
            ..ListQuery::default()
        })
        .await
    });
    let rows = match &*integrations {
        Some(Ok(page)) => page.rows.clone(),
        _ => Vec::new(),
    };
    let detail = use_fetch(f.integration_id.clone(), |id| {
        let id = id.clone();
        async move {
            match id {
                Some(id) if !id.is_empty() => ipc::get_integration(&id).await.map(Some),
                _ => Ok(None),
            }
        }
    });
    let fields: Vec<String> = match &*detail {
        Some(Ok(Some(d))) => d.secrets.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let sendgrid = f.scheme == "sendgrid";
    html! {
        <>
            <label class="field">
                <span class="label">{ "Secret from integration" }</span>
                <select id="hook-integration" onchange={set.on_select(|r, v| { r.integration_id = Some(v).filter(|v| !v.is_empty()); r.field = None; })}>
                    <option value="" selected={f.integration_id.is_none()}>{ "None: paste it below" }</option>
                    { for rows.iter().map(|r| html! {
                        <option value={r.id.clone()} selected={f.integration_id.as_deref() == Some(r.id.as_str())}>{ &r.name }</option>
                    }) }
                </select>
            </label>
            if f.integration_id.is_some() {
                <label class="field">
                    <span class="label">{ "Secret field" }</span>
                    <select id="hook-field" onchange={set.on_select(|r, v| r.field = Some(v).filter(|v| !v.is_empty()))}>
                        <option value="" selected={f.field.is_none()}>{ "Pick the signing secret" }</option>
                        { for fields.iter().map(|k| html! {
                            <option value={k.clone()} selected={f.field.as_deref() == Some(k.as_str())}>{ k }</option>
                        }) }
                    </select>
                </label>
            } else {
                <label class="field">
                    <span class="label">{ if sendgrid { "Verification key (public, base64)" } else { "Signing secret" } }</span>
                    <input id="hook-secret" type={if sendgrid { "text" } else { "password" }}
                        value={f.secret.clone()} oninput={set.on_input(|r, v| r.secret = v)} />
                </label>
            }
        </>
    }
}
