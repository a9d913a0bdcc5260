//! The REST contract (shared/api-contract.md): the first document's configure
//! keys, required fields, defaults and example bodies.

mod common;

use common::{errors, never, obj};
use serde_json::{json, Map, Value};
use switchboard_catalog::samples::minimal_config;
use switchboard_catalog::{field, integration_type, types, validate, FieldKind};

#[test]
fn every_first_document_configure_key_is_on_its_type() {
    let bodies: &[(&str, &[&str])] = &[
        (
            "email",
            &[
                "api_key",
                "from_email",
                "from_name",
                "reply_to_email",
                "smtp_host",
                "smtp_port",
                "smtp_username",
                "smtp_password",
                "smtp_use_tls",
                "aws_region",
                "aws_access_key_id",
                "aws_secret_access_key",
            ],
        ),
        (
            "whatsapp",
            &[
                "phone_number_id",
                "business_account_id",
                "access_token",
                "webhook_verify_token",
                "webhook_url",
            ],
        ),
        (
            "sms",
            &[
                "account_sid",
                "auth_token",
                "api_key",
                "api_secret",
                "from_phone_number",
                "aws_region",
                "aws_access_key_id",
                "aws_secret_access_key",
            ],
        ),
        (
            "signup_page",
            &[
                "page_url",
                "embed_code",
                "api_endpoint",
                "api_key",
                "form_fields",
                "redirect_url",
                "auto_create_contact",
                "apply_tag",
                "trigger_campaign_id",
            ],
        ),
        (
            "facebook",
            &[
                "app_id",
                "app_secret",
                "access_token",
                "page_id",
                "page_access_token",
                "enable_lead_ads",
                "lead_form_id",
                "enable_messenger",
                "webhook_verify_token",
                "webhook_url",
                "auto_create_contact_from_leads",
                "trigger_campaign_on_lead",
            ],
        ),
    ];
    for (type_id, keys) in bodies {
        let ty = integration_type(type_id).unwrap();
        for key in *keys {
            let found = ty.providers.iter().any(|p| p.field(ty, key).is_some());
            assert!(found, "{type_id} has no provider with {key}");
        }
    }
    // The contract's required keys.
    for (type_id, provider_id, key) in [
        ("email", "smtp", "from_email"),
        ("email", "sendgrid", "from_email"),
        ("whatsapp", "whatsapp", "phone_number_id"),
        ("whatsapp", "whatsapp", "business_account_id"),
        ("whatsapp", "whatsapp", "access_token"),
        ("sms", "twilio", "auth_token"),
        ("sms", "plivo", "auth_token"),
        ("sms", "vonage", "from_phone_number"),
        ("facebook", "facebook", "app_id"),
        ("facebook", "facebook", "app_secret"),
        ("facebook", "facebook", "access_token"),
    ] {
        assert!(
            field(type_id, provider_id, key).unwrap().required,
            "{provider_id}.{key}"
        );
    }
    for (provider_id, key) in [
        ("smtp", "smtp_host"),
        ("smtp", "smtp_port"),
        ("smtp", "smtp_username"),
        ("smtp", "smtp_password"),
        ("aws_ses", "aws_region"),
        ("aws_ses", "aws_access_key_id"),
        ("aws_ses", "aws_secret_access_key"),
        ("mailgun", "mailgun_domain"),
    ] {
        assert!(
            field("email", provider_id, key).unwrap().required,
            "{provider_id}.{key}"
        );
    }
    assert!(field("email", "sendgrid", "smtp_host").is_none());
    assert!(
        matches!(field("email", "aws_ses", "aws_region").unwrap().kind, FieldKind::Select(o) if o.iter().any(|o| o.value == "eu-west-1"))
    );
}

#[test]
fn specific_config_keys_are_public_fields() {
    for ty in types() {
        assert_eq!(
            ty.source.in_first(),
            !ty.specific_config_keys.is_empty(),
            "{}",
            ty.id
        );
        for key in ty.specific_config_keys {
            if *key == "provider" {
                continue;
            }
            let fields: Vec<_> = ty
                .providers
                .iter()
                .filter_map(|p| p.field(ty, key))
                .collect();
            assert!(!fields.is_empty(), "{}: {key}", ty.id);
            assert!(
                fields.iter().all(|f| !f.secret),
                "{}: {key} is secret",
                ty.id
            );
        }
    }
}

#[test]
fn defaults_are_filled_in() {
    let out = validate("email", "smtp", &minimal_config("email", "smtp"), &never).unwrap();
    assert_eq!(out["smtp_use_tls"], json!(true));
    assert!(!out.contains_key("from_name"));
    let out = validate("signup_page", "signup_page", &Map::new(), &never).unwrap();
    assert_eq!(
        out,
        obj(json!({"form_fields": [], "auto_create_contact": true}))
    );
    let body = obj(
        json!({"app_id": "123456789", "app_secret": "0123456789abcdef0123456789abcdef", "access_token": "EAAxxxxx", "enable_lead_ads": true}),
    );
    let out = validate("facebook", "facebook", &body, &never).unwrap();
    assert_eq!(out["enable_lead_ads"], json!(true));
    assert_eq!(out["enable_messenger"], json!(false));
    assert_eq!(out["auto_create_contact_from_leads"], json!(true));
    let out = normalized_minimal("email", "mailgun");
    assert_eq!(out["mailgun_region"], json!("us"));
    let out = normalized_minimal("documents", "pdf_generation_api");
    assert_eq!(
        (out["auth_header"].as_str(), out["auth_scheme"].as_str()),
        (Some("Authorization"), Some("Bearer"))
    );
}

#[test]
fn the_contracts_example_bodies_validate() {
    let email = obj(
        json!({"provider": "sendgrid", "from_email": "noreply@example.com", "from_name": "My Company", "api_key": "SG.xxxxx"}),
    );
    let out = validate("email", "sendgrid", &email, &never).unwrap();
    assert!(!out.contains_key("provider"));
    assert_eq!(out["region"], json!("global"));
    let whatsapp = obj(
        json!({"phone_number_id": "123456789", "business_account_id": "987654321", "access_token": "EAAxxxxx"}),
    );
    assert!(validate("whatsapp", "whatsapp", &whatsapp, &never).is_ok());
    let signup = obj(
        json!({"page_url": "https://mysite.com/signup", "auto_create_contact": true, "apply_tag": "Newsletter"}),
    );
    assert!(validate("signup_page", "signup_page", &signup, &never).is_ok());
    let sms = obj(
        json!({"provider": "twilio", "from_phone_number": "+1234567890", "account_sid": "AC0123456789abcdef0123456789abcdef", "auth_token": "0123456789abcdef0123456789abcdef"}),
    );
    assert!(validate("sms", "twilio", &sms, &never).is_ok());
    let wrong = obj(json!({"provider": "vonage", "from_phone_number": "+1234567890"}));
    let err = errors("sms", "twilio", wrong);
    assert!(err.fields["provider"].contains("Twilio"), "{err}");
}

/// The minimal sample configuration of a (type, provider), validated.
fn normalized_minimal(type_id: &str, provider_id: &str) -> Map<String, Value> {
    validate(
        type_id,
        provider_id,
        &minimal_config(type_id, provider_id),
        &never,
    )
    .unwrap()
}
