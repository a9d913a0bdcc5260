//! Sample configurations that pass validation, for tests here and in other
//! crates (store, server, UI). Values are made up from each field's kind and
//! check, so a new provider gets a valid sample without extra work. Not part of
//! the stable API.

use serde_json::{json, Map, Value};

use crate::checks::Check;
use crate::model::{Field, FieldKind};

/// A sample value that satisfies `field`'s kind and check.
pub fn sample_value(field: &Field) -> Value {
    match field.kind {
        FieldKind::Bool => return Value::Bool(true),
        FieldKind::Number { min, max } => {
            let port = 587;
            return Value::from(if (min..=max).contains(&port) {
                port
            } else {
                min
            });
        }
        FieldKind::Select(options) => return Value::String(options[0].value.to_owned()),
        _ => {}
    }
    let text = match field.check {
        Check::None => "Sample value".to_owned(),
        Check::Token => "sampleToken1234567890".to_owned(),
        Check::Email => "marketing@example.com".to_owned(),
        Check::E164 => "+14155550123".to_owned(),
        Check::Url | Check::HttpsUrl => "https://example.com/switchboard".to_owned(),
        Check::HttpsHost(hosts) => format!("https://{}/hooks/catch/123456/abcdef/", hosts[0]),
        Check::Hostname => "smtp.example.com".to_owned(),
        Check::Digits => "123456789012345".to_owned(),
        Check::Identifier => "sample_id-1".to_owned(),
        Check::Prefix(prefixes) => format!("{}Sample0123456789", prefixes[0]),
        Check::Suffix(suffixes) => format!("1234567890-sample{}", suffixes[0]),
        Check::TwilioAccountSid => "AC0123456789abcdef0123456789abcdef".to_owned(),
        Check::TwilioApiKeySid => "SK0123456789abcdef0123456789abcdef".to_owned(),
        Check::MailchimpKey => "0123456789abcdef0123456789abcdef-us21".to_owned(),
        Check::AwsAccessKeyId => "AKIAIOSFODNN7EXAMPLE".to_owned(),
        Check::AwsSecretAccessKey => "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned(),
        Check::Hex(len) => "0123456789abcdef".chars().cycle().take(len).collect(),
        Check::Base64 => "c2FtcGxlLXN0b3JhZ2Uta2V5LTAxMjM0NTY3ODk=".to_owned(),
        Check::Uuid => "1a2b3c4d-1234-5678-9abc-1234567890ab".to_owned(),
        Check::Subdomain => "acme".to_owned(),
        Check::BucketName => "brand-assets".to_owned(),
        Check::AzureAccountName => "brandassets".to_owned(),
        Check::Currency => "usd".to_owned(),
        Check::PemPrivateKey => {
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAsample\n-----END RSA PRIVATE KEY-----"
                .to_owned()
        }
        Check::Path => "/health".to_owned(),
        Check::HeaderName => "X-API-Key".to_owned(),
        Check::JsonObject => return sample_json(field, json!({"X-Source": "switchboard"})),
        Check::ServiceAccountJson => return sample_json(field, service_account()),
        Check::SignupFormFields => {
            return sample_json(
                field,
                json!([
                    {"name": "email", "type": "email", "label": "Email", "required": true},
                    {"name": "first_name", "type": "text", "label": "First name"},
                    {"name": "plan", "type": "select", "options": ["Free", "Pro"]}
                ]),
            )
        }
    };
    Value::String(text)
}

/// Secret JSON is stored as text; public JSON as a value.
fn sample_json(field: &Field, value: Value) -> Value {
    if field.secret {
        Value::String(value.to_string())
    } else {
        value
    }
}

fn service_account() -> Value {
    json!({
        "type": "service_account",
        "project_id": "brand-site",
        "private_key_id": "0123456789abcdef",
        "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
        "client_email": "switchboard@brand-site.iam.gserviceaccount.com",
        "client_id": "123456789012345678901",
        "token_uri": "https://oauth2.googleapis.com/token"
    })
}

/// A configuration with a valid value for every field (required and optional)
/// of the (type, provider) form. Panics on an unknown type or provider, which
/// in a test is a typo.
pub fn valid_config(type_id: &str, provider_id: &str) -> Map<String, Value> {
    let ty = crate::integration_type(type_id)
        .unwrap_or_else(|| panic!("unknown integration type '{type_id}'"));
    let provider = ty
        .provider(provider_id)
        .unwrap_or_else(|| panic!("unknown provider '{provider_id}' for '{type_id}'"));
    provider
        .fields(ty)
        .map(|f| (f.key.to_owned(), sample_value(f)))
        .collect()
}

/// Only the required fields of [`valid_config`].
pub fn minimal_config(type_id: &str, provider_id: &str) -> Map<String, Value> {
    let full = valid_config(type_id, provider_id);
    full.into_iter()
        .filter(|(key, _)| crate::field(type_id, provider_id, key).is_some_and(|f| f.required))
        .collect()
}
