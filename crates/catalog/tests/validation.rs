//! Validation end to end: sample configurations, required fields, secrets
//! already stored, normalization, unknown keys and the messages people see.

mod common;

use common::{all_pairs, errors, never, obj};
use serde_json::{json, Map, Value};
use switchboard_catalog::samples::{minimal_config, valid_config};
use switchboard_catalog::{find_provider, integration_type, is_secret, secret_keys, validate};

#[test]
fn every_sample_config_validates_and_normalizes_to_itself() {
    for (type_id, provider_id) in all_pairs() {
        for config in [
            valid_config(type_id, provider_id),
            minimal_config(type_id, provider_id),
        ] {
            let out = validate(type_id, provider_id, &config, &never)
                .unwrap_or_else(|e| panic!("{provider_id}: {e}"));
            let again = validate(type_id, provider_id, &out, &never).unwrap();
            assert_eq!(out, again, "{provider_id}");
            for (key, value) in &out {
                if is_secret(type_id, provider_id, key) {
                    assert!(value.is_string(), "{provider_id}.{key} is not a string");
                }
            }
        }
    }
}

#[test]
fn every_required_field_is_enforced() {
    for (type_id, provider_id) in all_pairs() {
        let ty = integration_type(type_id).unwrap();
        let provider = ty.provider(provider_id).unwrap();
        for f in provider.fields(ty).filter(|f| f.required) {
            for blank in [None, Some(Value::Null), Some(json!("")), Some(json!("   "))] {
                let mut config = valid_config(type_id, provider_id);
                match &blank {
                    None => config.remove(f.key),
                    Some(v) => config.insert(f.key.to_owned(), v.clone()),
                };
                let err = errors(type_id, provider_id, config.clone());
                let keys: Vec<&str> = err.fields.keys().map(String::as_str).collect();
                assert_eq!(keys, vec![f.key], "{provider_id} without {}", f.key);
                assert_eq!(err.fields[f.key], format!("{} is required.", f.label));
                assert!(err.general.is_none());

                let out = validate(type_id, provider_id, &config, &|k: &str| k == f.key);
                if f.secret {
                    let out = out.unwrap_or_else(|e| panic!("{provider_id}.{}: {e}", f.key));
                    assert!(!out.contains_key(f.key), "{provider_id}.{}", f.key);
                } else {
                    assert!(out.is_err(), "already_set only excuses secrets: {}", f.key);
                }
            }
        }
    }
}

#[test]
fn values_are_normalized() {
    let body = obj(json!({
        "from_email": "  News@Example.COM ",
        "smtp_host": " SMTP.Example.com",
        "smtp_port": "465",
        "smtp_username": "news@example.com",
        "smtp_password": " pass word ",
        "smtp_use_tls": "false",
        "from_name": "",
        "reply_to_email": null
    }));
    let out = validate("email", "smtp", &body, &never).unwrap();
    assert_eq!(out["from_email"], json!("News@example.com"));
    assert_eq!(out["smtp_host"], json!("smtp.example.com"));
    assert_eq!(out["smtp_port"], json!(465));
    assert_eq!(out["smtp_password"], json!("pass word"));
    assert_eq!(out["smtp_use_tls"], json!(false));
    assert!(!out.contains_key("from_name") && !out.contains_key("reply_to_email"));
    let out = validate("sms", "vonage", &obj(json!({"from_phone_number": "+44 20 7946 0018", "api_key": "a1b2c3d4", "api_secret": "s3cr3t"})), &never).unwrap();
    assert_eq!(out["from_phone_number"], json!("+442079460018"));
    let out = validate("email", "mailgun", &obj(json!({"from_email": "a@mg.example.com", "api_key": "key-1", "mailgun_domain": "mg.example.com", "mailgun_region": "EU"})), &never).unwrap();
    assert_eq!(out["mailgun_region"], json!("eu"));
    let out = validate(
        "payments",
        "stripe",
        &obj(json!({"api_key": "sk_test_1", "currency": "EUR"})),
        &never,
    )
    .unwrap();
    assert_eq!(out["currency"], json!("eur"));
}

#[test]
fn unknown_keys_types_and_providers() {
    let mut config = valid_config("email", "sendgrid");
    config.insert("smtp_host".into(), json!("smtp.example.com"));
    config.insert("colour".into(), json!("blue"));
    let err = errors("email", "sendgrid", config);
    assert_eq!(err.fields.len(), 2);
    assert_eq!(
        err.fields["colour"],
        "'colour' is not a setting of SendGrid; remove it."
    );
    assert!(err.fields["smtp_host"].contains("not a setting of SendGrid"));

    let mut custom = valid_config("custom", "custom");
    custom.insert("region".into(), json!({"any": ["shape"]}));
    let out = validate("custom", "custom", &custom, &never).unwrap();
    assert_eq!(out["region"], json!({"any": ["shape"]}));

    let err = validate("chat", "slack", &Map::new(), &never).unwrap_err();
    assert!(err.fields.is_empty());
    let general = err.general.clone().unwrap();
    assert!(
        general.starts_with("Unknown integration type 'chat'. Known types: email, whatsapp, sms"),
        "{general}"
    );
    assert_eq!(err.to_string(), general);
    let err = validate("stripe", "stripe", &Map::new(), &never).unwrap_err();
    assert!(err
        .general
        .unwrap()
        .contains("'stripe' is a provider of the 'payments' type"));
    let err = validate("email", "twilio", &Map::new(), &never).unwrap_err();
    let general = err.general.unwrap();
    assert!(
        general.contains("Unknown provider 'twilio' for Email. Known providers: sendgrid"),
        "{general}"
    );
    assert!(general.contains("provider of the 'sms' type"), "{general}");
}

#[test]
fn paired_fields_need_each_other() {
    let mut config = minimal_config("sms", "twilio");
    config.insert(
        "api_key_sid".into(),
        json!("SK0123456789abcdef0123456789abcdef"),
    );
    let err = errors("sms", "twilio", config.clone());
    assert_eq!(
        err.fields["api_key_secret"],
        "API key secret is needed when API key SID is set."
    );
    assert!(validate("sms", "twilio", &config, &|k: &str| k == "api_key_secret").is_ok());
    let mut config = minimal_config("analytics", "hotjar");
    config.insert("client_secret".into(), json!("abc"));
    assert!(errors("analytics", "hotjar", config)
        .fields
        .contains_key("client_id"));
}

/// What a message must say: start with, contain, not contain, or be exactly.
enum Says {
    Starts(&'static str),
    Has(&'static str),
    Lacks(&'static str),
    Is(&'static str),
}

use Says::{Has, Is, Lacks, Starts};

/// The one field message for `value` of `key` in an otherwise valid
/// configuration of `provider_id`.
fn message(provider_id: &str, key: &str, value: Value) -> String {
    let (ty, _) = find_provider(provider_id).unwrap();
    let mut config = valid_config(ty.id, provider_id);
    config.insert(key.to_owned(), value);
    let err = errors(ty.id, provider_id, config);
    assert_eq!(err.fields.len(), 1, "{err}");
    err.fields[key].clone()
}

/// The message for `value` of `key` in a `provider_id` configuration says all of `says`.
fn assert_message(provider_id: &str, key: &str, value: Value, says: &[Says]) {
    let m = message(provider_id, key, value);
    for say in says {
        let ok = match *say {
            Starts(start) => m.starts_with(start),
            Has(part) => m.contains(part),
            Lacks(part) => !m.contains(part),
            Is(whole) => m == whole,
        };
        assert!(ok, "{provider_id}.{key}: {m}");
    }
}

/// A table of [`assert_message`] cases, one a line: `provider, key, value => [says, ...];`.
macro_rules! assert_messages {
    ($($provider:expr, $key:expr, $value:expr => [$($says:expr),+];)+) => {
        $(assert_message($provider, $key, $value, &[$($says),+]);)+
    };
}

#[test]
fn messages_say_what_is_wrong_and_what_to_do() {
    let stripe_secret = "Secret key does not look right: it should start with sk_live_, sk_test_, rk_live_ or rk_test_. Check that you copied the right value, and all of it.";
    let paypal_environment =
        "Environment must be one of: sandbox (Sandbox (testing)), live (Live).";
    assert_messages! {
        "smtp", "from_email", json!("noreply@") => [Starts("From email"), Has("name@example.com")];
        "smtp", "reply_to_email", json!("support") => [Has("missing the @")];
        "twilio", "from_phone_number", json!("(415) 555-0123") => [Has("Use international format with country code, e.g. +14155550123")];
        "whatsapp", "webhook_url", json!("http://hooks.example.com/wa") => [Has("must use https://")];
        "facebook", "webhook_url", json!("hooks.example.com/fb") => [Has("https://")];
        "twilio", "account_sid", json!("SK0123456789abcdef0123456789abcdef") => [Has("starts with AC")];
        "mailchimp", "api_key", json!("0123456789abcdef0123456789abcdef") => [Has("-us21"), Has("Mailchimp → Profile → Extras → API keys")];
        "stripe", "api_key", json!("pk_live_abcdef123456") => [Is(stripe_secret)];
        "stripe", "webhook_secret", json!("abc123") => [Has("whsec_")];
        "zendesk", "subdomain", json!("acme.zendesk.com") => [Has("enter only the subdomain")];
        "zapier", "webhook_url", json!("https://example.com/hook") => [Has("hooks.zapier.com")];
        "smtp", "smtp_port", json!("submission") => [Is("SMTP port must be a whole number from 1 to 65535.")];
        "paypal", "environment", json!("production") => [Is(paypal_environment)];
    }
}

#[test]
fn signup_form_field_messages() {
    assert_messages! {
        "signup_page", "form_fields", json!("[{\"name\": \"email\", \"type\": \"email\"") => [Starts("Form fields is not valid JSON"), Has("line 1")];
        "signup_page", "form_fields", json!([{"name": "email", "type": "email"}, {"name": "email", "type": "text"}]) => [Has("field 2 (\"email\") repeats the name of field 1")];
        "signup_page", "form_fields", json!("[{\"name\": \"plan\", \"type\": \"select\"}]") => [Has("is a select, so it needs \"options\"")];
    }
    let ok = obj(
        json!({"form_fields": "[{\"name\": \"email\", \"type\": \"email\", \"required\": true}]"}),
    );
    let out = validate("signup_page", "signup_page", &ok, &never).unwrap();
    assert_eq!(
        out["form_fields"],
        json!([{"name": "email", "type": "email", "required": true}])
    );
}

#[test]
fn service_account_json_messages() {
    let (gcs, key) = ("google_cloud_storage", "service_account_json");
    assert_messages! {
        gcs, key, json!("{\"type\": \"service_account\"") => [Has("not valid JSON")];
        gcs, key, json!({"type": "authorized_user", "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty"}) => [Has("not a service-account key"), Lacks("d-FL95Q19q7MQmFpd7hHD0Ty")];
        gcs, key, json!({"type": "service_account", "client_email": "a@b.iam.gserviceaccount.com"}) => [Has("\"private_key\" or \"token_uri\"")];
    }
}

#[test]
fn messages_for_secret_fields_never_contain_the_value() {
    let bad_values = [
        "LeakMarker 1234567",
        "\"LeakMarker1234567\"",
        "Bearer LeakMarker1234567",
        "LeakMarker1234567",
        "https://LeakMarker.example.com/x y",
        "{\"LeakMarker\": 1",
        "[\"LeakMarker\"]",
    ];
    let mut rejected = 0;
    for (type_id, provider_id) in all_pairs() {
        for key in secret_keys(type_id, provider_id) {
            for bad in bad_values {
                let mut config = valid_config(type_id, provider_id);
                config.insert(key.to_owned(), json!(bad));
                if let Err(err) = validate(type_id, provider_id, &config, &never) {
                    rejected += 1;
                    let text = format!("{err} {}", serde_json::to_string(&err).unwrap());
                    assert!(!text.contains("LeakMarker"), "{provider_id}.{key}: {text}");
                }
            }
        }
    }
    assert!(rejected > 100, "only {rejected} rejections");
}
