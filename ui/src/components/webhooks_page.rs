//! The webhook signature verifier: paste a payload and its signature, pick
//! the integration whose secret signs it (or paste a public key), and see
//! whether it is genuine.

use yew::prelude::*;

use super::parts::{area_text, edit, edit_text, form_card, labelled, select_value};
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

/// A plain text input of the form, shown when the scheme gives it a label.
fn text_field(
    form: &UseStateHandle<WebhookRequest>,
    id: &'static str,
    label: &'static str,
    value: &str,
    set: fn(&mut WebhookRequest, String),
) -> Html {
    if label.is_empty() {
        return Html::default();
    }
    labelled(
        label,
        html! { <input {id} value={value.to_owned()} oninput={edit_text(form, set)} /> },
    )
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
        let (form, answer) = (form.clone(), answer.clone());
        submit.on_submit(move |submit| {
            let (request, answer) = ((*form).clone(), answer.clone());
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
    let scheme_select = html! {
        <select id="hook-scheme" onchange={edit(&form, select_value, |r, v| r.scheme = v)}>
            { for SCHEMES.iter().map(|(id, label)| html! {
                <option value={*id} selected={*id == scheme}>{ *label }</option>
            }) }
        </select>
    };
    let payload = html! {
        <textarea id="hook-payload" rows="5" value={f.payload.clone()}
            oninput={edit(&form, area_text, |r, v| r.payload = v)} />
    };
    let fields = html! {
        <>
            { labelled("Signature scheme", scheme_select) }
            <SecretSource form={form.clone()} />
            if uses_payload {
                { labelled(if scheme == "twilio" { "Body (form-encoded)" } else { "Raw payload" }, payload) }
            }
            { text_field(&form, "hook-signature", l.signature, &f.signature, |r, v| r.signature = v) }
            { text_field(&form, "hook-timestamp", l.timestamp, &f.timestamp, |r, v| r.timestamp = v) }
            { text_field(&form, "hook-token", l.token, &f.token, |r, v| r.token = v) }
            { text_field(&form, "hook-url", l.url, &f.url, |r, v| r.url = v) }
            <div class="form-actions">
                <button type="submit" class="button primary" id="hook-verify">{ "Check signature" }</button>
            </div>
        </>
    };
    let result = html! {
        if let Some(m) = submit.message() {
            <p id="hook-result" role="alert" class="error">{ m }</p>
        } else if let Some(a) = &*answer {
            <p id="hook-result" role="status" class={classes!("hook-result", if a.valid { "good" } else { "error" })}>{ &a.message }</p>
        }
    };
    form_card(
        "hooks-title",
        "Webhook signature check",
        "Paste what a provider sent to check that it is genuine. Nothing is sent anywhere.",
        verify,
        fields,
        result,
    )
}

#[derive(Properties, PartialEq)]
struct SecretSourceProps {
    form: UseStateHandle<WebhookRequest>,
}

/// Where the secret comes from: an integration's secret field, or pasted.
#[function_component(SecretSource)]
fn secret_source(props: &SecretSourceProps) -> Html {
    let form = &props.form;
    let f = &**form;
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
    let integration = html! {
        <select id="hook-integration" onchange={edit(form, select_value, |r, v| { r.integration_id = Some(v).filter(|v| !v.is_empty()); r.field = None; })}>
            <option value="" selected={f.integration_id.is_none()}>{ "None: paste it below" }</option>
            { for rows.iter().map(|r| html! {
                <option value={r.id.clone()} selected={f.integration_id.as_deref() == Some(r.id.as_str())}>{ &r.name }</option>
            }) }
        </select>
    };
    let source = if f.integration_id.is_some() {
        let field = html! {
            <select id="hook-field" onchange={edit(form, select_value, |r, v| r.field = Some(v).filter(|v| !v.is_empty()))}>
                <option value="" selected={f.field.is_none()}>{ "Pick the signing secret" }</option>
                { for fields.iter().map(|k| html! {
                    <option value={k.clone()} selected={f.field.as_deref() == Some(k.as_str())}>{ k }</option>
                }) }
            </select>
        };
        labelled("Secret field", field)
    } else {
        let secret = html! {
            <input id="hook-secret" type={if sendgrid { "text" } else { "password" }}
                value={f.secret.clone()} oninput={edit_text(form, |r, v| r.secret = v)} />
        };
        let label = if sendgrid {
            "Verification key (public, base64)"
        } else {
            "Signing secret"
        };
        labelled(label, secret)
    };
    html! {
        <>
            { labelled("Secret from integration", integration) }
            { source }
        </>
    }
}
