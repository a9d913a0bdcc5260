//! The webhook signature verifier: paste a payload and its signature, pick
//! the integration whose secret signs it (or paste a public key), and see
//! whether it is genuine.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::hooks::use_fetch;
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

/// The page.
#[function_component(WebhooksPage)]
pub fn webhooks_page() -> Html {
    let form = use_state(|| WebhookRequest {
        scheme: "meta".into(),
        ..WebhookRequest::default()
    });
    let answer = use_state(|| None::<Result<WebhookAnswer, String>>);
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
    let detail = use_fetch(form.integration_id.clone(), |id| {
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
    let set = |f: fn(&mut WebhookRequest, String)| {
        let form = form.clone();
        move |v: String| {
            let mut next = (*form).clone();
            f(&mut next, v);
            form.set(next);
        }
    };
    let on_input = |f: fn(&mut WebhookRequest, String)| {
        let set = set(f);
        Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_area = |f: fn(&mut WebhookRequest, String)| {
        let set = set(f);
        Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_select = |f: fn(&mut WebhookRequest, String)| {
        let set = set(f);
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let verify = {
        let (form, answer) = (form.clone(), answer.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = (*form).clone();
            let answer = answer.clone();
            spawn_local(async move {
                answer.set(Some(
                    ipc::verify_webhook(&request).await.map_err(|e| e.message),
                ));
            });
        })
    };
    let f = &*form;
    let scheme = f.scheme.as_str();
    let (sig_label, ts_label, token_label, url_label) = match scheme {
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
    let uses_payload = !matches!(scheme, "meta_challenge" | "mailgun");
    html! {
        <section class="card settings-card" aria-labelledby="hooks-title">
            <h2 id="hooks-title">{ "Webhook signature check" }</h2>
            <p class="muted">{ "Paste what a provider sent to check that it is genuine. Nothing is sent anywhere." }</p>
            <form class="form settings-form" onsubmit={verify} novalidate=true>
                <label class="field">
                    <span class="label">{ "Signature scheme" }</span>
                    <select id="hook-scheme" onchange={on_select(|r, v| r.scheme = v)}>
                        { for SCHEMES.iter().map(|(id, label)| html! {
                            <option value={*id} selected={*id == scheme}>{ *label }</option>
                        }) }
                    </select>
                </label>
                <label class="field">
                    <span class="label">{ "Secret from integration" }</span>
                    <select id="hook-integration" onchange={on_select(|r, v| { r.integration_id = Some(v).filter(|v| !v.is_empty()); r.field = None; })}>
                        <option value="" selected={f.integration_id.is_none()}>{ "None: paste it below" }</option>
                        { for rows.iter().map(|r| html! {
                            <option value={r.id.clone()} selected={f.integration_id.as_deref() == Some(r.id.as_str())}>{ &r.name }</option>
                        }) }
                    </select>
                </label>
                if f.integration_id.is_some() {
                    <label class="field">
                        <span class="label">{ "Secret field" }</span>
                        <select id="hook-field" onchange={on_select(|r, v| r.field = Some(v).filter(|v| !v.is_empty()))}>
                            <option value="" selected={f.field.is_none()}>{ "Pick the signing secret" }</option>
                            { for fields.iter().map(|k| html! {
                                <option value={k.clone()} selected={f.field.as_deref() == Some(k.as_str())}>{ k }</option>
                            }) }
                        </select>
                    </label>
                } else {
                    <label class="field">
                        <span class="label">{ if scheme == "sendgrid" { "Verification key (public, base64)" } else { "Signing secret" } }</span>
                        <input id="hook-secret" type={if scheme == "sendgrid" { "text" } else { "password" }}
                            value={f.secret.clone()} oninput={on_input(|r, v| r.secret = v)} />
                    </label>
                }
                if uses_payload {
                    <label class="field">
                        <span class="label">{ if scheme == "twilio" { "Body (form-encoded)" } else { "Raw payload" } }</span>
                        <textarea id="hook-payload" rows="5" value={f.payload.clone()} oninput={on_area(|r, v| r.payload = v)} />
                    </label>
                }
                if !sig_label.is_empty() {
                    <label class="field">
                        <span class="label">{ sig_label }</span>
                        <input id="hook-signature" value={f.signature.clone()} oninput={on_input(|r, v| r.signature = v)} />
                    </label>
                }
                if !ts_label.is_empty() {
                    <label class="field">
                        <span class="label">{ ts_label }</span>
                        <input id="hook-timestamp" value={f.timestamp.clone()} oninput={on_input(|r, v| r.timestamp = v)} />
                    </label>
                }
                if !token_label.is_empty() {
                    <label class="field">
                        <span class="label">{ token_label }</span>
                        <input id="hook-token" value={f.token.clone()} oninput={on_input(|r, v| r.token = v)} />
                    </label>
                }
                if !url_label.is_empty() {
                    <label class="field">
                        <span class="label">{ url_label }</span>
                        <input id="hook-url" value={f.url.clone()} oninput={on_input(|r, v| r.url = v)} />
                    </label>
                }
                <div class="form-actions">
                    <button type="submit" class="button primary" id="hook-verify">{ "Check signature" }</button>
                </div>
            </form>
            { match &*answer {
                Some(Ok(a)) => html! {
                    <p id="hook-result" role="status" class={classes!("hook-result", if a.valid { "good" } else { "error" })}>{ &a.message }</p>
                },
                Some(Err(m)) => html! { <p id="hook-result" role="alert" class="error">{ m }</p> },
                None => html! {},
            } }
        </section>
    }
}
