//! "Send a test event": a sample delivery of the integration's provider,
//! signed with its stored secret exactly as the provider signs, which the
//! server then delivers to its own receiver (see
//! [`crate::api::events`]). SendGrid cannot be imitated: it signs with a
//! private key Switchboard never has.

use serde_json::json;
use switchboard_catalog as catalog;
use switchboard_providers::webhooks::{sign_mailgun, sign_meta, sign_stripe, sign_twilio};

use super::{Family, Hook};
use crate::error::Error;

/// A signed sample request for `/hooks/{key}`.
#[derive(Debug)]
pub struct Sample {
    /// Headers to send besides Host (name, value).
    pub headers: Vec<(&'static str, String)>,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// The sample of `family` for the integration of `hook`, whose receiver is
/// `url` (the public URL Twilio signs).
pub fn sample(hook: &Hook<'_>, family: Family, url: &str) -> Result<Sample, Error> {
    let secret = needed(hook, family)?;
    let now = hook.now;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let json_sample = |headers: Vec<(&'static str, String)>, body: Vec<u8>| Sample {
        headers,
        content_type: "application/json",
        body,
    };
    Ok(match family {
        Family::Meta => {
            let object = if hook.record.provider == "whatsapp" {
                "whatsapp_business_account"
            } else {
                "page"
            };
            let body = json!({"object": object, "entry": [{"id": "0", "time": now, "changes": [{
                "field": "switchboard_test",
                "value": {"id": id, "message": "A test event sent from Switchboard."},
            }]}]})
            .to_string()
            .into_bytes();
            json_sample(
                vec![(super::meta::SIGNATURE_HEADER, sign_meta(&body, secret))],
                body,
            )
        }
        Family::Twilio => {
            let sid = format!("SM{id}");
            let from = hook.record.config["from_phone_number"]
                .as_str()
                .unwrap_or("+15005550006");
            let account = hook.record.config["account_sid"].as_str().unwrap_or("");
            let params = [
                ("AccountSid", account),
                ("From", from),
                ("MessageSid", sid.as_str()),
                ("MessageStatus", "delivered"),
            ];
            let body = form(&params);
            Sample {
                headers: vec![(
                    super::twilio::SIGNATURE_HEADER,
                    sign_twilio(url, &params, secret),
                )],
                content_type: "application/x-www-form-urlencoded",
                body: body.into_bytes(),
            }
        }
        Family::Stripe => {
            let body = json!({"id": format!("evt_test_{id}"), "object": "event", "type": "switchboard.test",
                "created": now, "livemode": false, "data": {"object": {"message": "A test event sent from Switchboard."}}})
            .to_string()
            .into_bytes();
            json_sample(
                vec![(
                    super::stripe::SIGNATURE_HEADER,
                    sign_stripe(&body, secret, now),
                )],
                body,
            )
        }
        Family::Mailgun => {
            let token = format!("{id}{}", &id[..18]);
            let timestamp = now.to_string();
            let body = json!({
                "signature": {"timestamp": timestamp, "token": token, "signature": sign_mailgun(secret, &timestamp, &token)},
                "event-data": {"id": id, "event": "switchboard-test", "timestamp": now},
            })
            .to_string()
            .into_bytes();
            json_sample(Vec::new(), body)
        }
        Family::SendGrid => return Err(Error::BadRequest(SENDGRID.into())),
    })
}

/// Why there is no SendGrid sample.
const SENDGRID: &str = "SendGrid signs events with its own private key, which Switchboard never has, so it cannot send a SendGrid test event itself: use Test Your Integration in SendGrid → Settings → Mail Settings → Event Webhook.";

/// The stored secret the sample is signed with, or why there is none.
fn needed<'h>(hook: &'h Hook<'_>, family: Family) -> Result<&'h str, Error> {
    if family == Family::SendGrid {
        return Err(Error::BadRequest(SENDGRID.into()));
    }
    let key = family.secret_key();
    match hook.secret(key) {
        "" => {
            let label = catalog::field(&hook.record.integration_type, &hook.record.provider, key)
                .map_or(key, |f| f.label);
            Err(Error::BadRequest(format!(
                "The {label} is not set, so a test event cannot be signed: enter it in the integration's settings first."
            )))
        }
        secret => Ok(secret),
    }
}

/// An urlencoded form.
fn form(params: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}
