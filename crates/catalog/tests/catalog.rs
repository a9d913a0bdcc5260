//! The catalog's data against the two product documents: every type, provider
//! and field is present, complete, declared once and consistent.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::all_pairs;
use serde_json::json;
use switchboard_catalog::{
    field, find_provider, integration_type, is_secret, second_document_types, secret_keys, types,
    Check, FieldKind, LegacySlot, Source,
};

#[test]
fn every_type_has_a_complete_form() {
    assert_eq!(types().len(), 15);
    for ty in types() {
        assert!(!ty.label.is_empty() && !ty.description.is_empty() && !ty.icon.is_empty());
        assert!(!ty.providers.is_empty(), "{} has no provider", ty.id);
        assert!(ty.provider(ty.default_provider_id).is_some(), "{}", ty.id);
        assert_eq!(ty.default_provider().id, ty.default_provider_id);
        for provider in ty.providers {
            assert!(!provider.label.is_empty() && !provider.description.is_empty());
            assert!(
                provider.fields(ty).count() >= 1,
                "{} has no field",
                provider.id
            );
            assert!(
                !provider.fields.is_empty(),
                "{} has no own field",
                provider.id
            );
            for f in provider.fields(ty) {
                assert!(
                    !f.label.is_empty(),
                    "{}.{} has no label",
                    provider.id,
                    f.key
                );
                assert!(!f.help.is_empty(), "{}.{} has no help", provider.id, f.key);
                assert!(
                    f.key
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                    "{}.{}",
                    provider.id,
                    f.key
                );
            }
        }
    }
}

#[test]
fn field_keys_are_unique_within_each_form() {
    for ty in types() {
        for provider in ty.providers {
            let mut seen = BTreeSet::new();
            for f in provider.fields(ty) {
                assert!(
                    seen.insert(f.key),
                    "{}/{} repeats {}",
                    ty.id,
                    provider.id,
                    f.key
                );
            }
        }
    }
}

#[test]
fn provider_ids_are_globally_unique() {
    let mut seen = BTreeSet::new();
    for (type_id, provider_id) in all_pairs() {
        assert!(seen.insert(provider_id), "{provider_id} appears twice");
        let (ty, p) = find_provider(provider_id).unwrap();
        assert_eq!((ty.id, p.id), (type_id, provider_id));
    }
    assert!(find_provider("nope").is_none());
    assert_eq!(integration_type("sms").unwrap().label, "SMS");
    assert!(integration_type("stripe").is_none());
}

#[test]
fn types_and_providers_match_the_documents() {
    let expected: &[(&str, &[&str])] = &[
        (
            "email",
            &[
                "sendgrid",
                "mailgun",
                "aws_ses",
                "smtp",
                "mailchimp",
                "postmark",
                "sparkpost",
                "mandrill",
            ],
        ),
        ("whatsapp", &["whatsapp"]),
        (
            "sms",
            &["twilio", "vonage", "aws_sns", "plivo", "messagebird"],
        ),
        ("signup_page", &["signup_page"]),
        ("facebook", &["facebook"]),
        (
            "payments",
            &["stripe", "paypal", "razorpay", "square", "mollie"],
        ),
        (
            "storage",
            &[
                "aws_s3",
                "digitalocean_spaces",
                "google_cloud_storage",
                "azure_blob",
            ],
        ),
        ("cdn", &["cloudflare", "aws_cloudfront", "fastly"]),
        (
            "social_auth",
            &[
                "google_oauth",
                "facebook_oauth",
                "github_oauth",
                "linkedin_oauth",
                "twitter_oauth",
            ],
        ),
        (
            "analytics",
            &[
                "facebook_pixel",
                "pinterest_tag",
                "tiktok_pixel",
                "hotjar",
                "mixpanel",
                "segment",
            ],
        ),
        ("communication", &["intercom", "zendesk", "drift", "crisp"]),
        (
            "documents",
            &["pdf_generation_api", "docusign", "hellosign"],
        ),
        ("ai", &["openai", "anthropic", "cohere"]),
        ("automation", &["zapier", "make", "custom_webhook"]),
        ("custom", &["custom"]),
    ];
    let actual: Vec<(&str, Vec<&str>)> = types()
        .iter()
        .map(|t| (t.id, t.providers.iter().map(|p| p.id).collect()))
        .collect();
    let expected: Vec<(&str, Vec<&str>)> =
        expected.iter().map(|(t, ps)| (*t, ps.to_vec())).collect();
    assert_eq!(actual, expected);
    assert_eq!(
        find_provider("hellosign").unwrap().1.label,
        "Dropbox Sign (HelloSign)"
    );
    for id in ["email", "whatsapp", "sms", "signup_page", "facebook"] {
        assert!(integration_type(id).unwrap().source.in_first(), "{id}");
    }
    assert_eq!(
        integration_type("email").unwrap().default_provider().id,
        "smtp"
    );
    assert_eq!(
        integration_type("sms").unwrap().default_provider().id,
        "twilio"
    );
}

#[test]
fn the_second_document_has_47_types() {
    let ids: Vec<&str> = second_document_types().map(|(_, p)| p.id).collect();
    assert_eq!(ids.len(), 47);
    assert_eq!(ids.last(), Some(&"custom"));
    let mut expected: BTreeSet<&str> = [
        "sendgrid",
        "mailgun",
        "aws_ses",
        "postmark",
        "sparkpost",
        "mandrill",
        "twilio",
        "vonage",
        "aws_sns",
        "messagebird",
    ]
    .into_iter()
    .collect();
    for ty in types().iter().skip_while(|t| t.id != "payments") {
        expected.extend(ty.providers.iter().map(|p| p.id));
    }
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), expected);
    for (ty, p) in second_document_types() {
        assert!(ty.source.in_second() && p.source.in_second(), "{}", p.id);
    }
    for id in [
        "smtp",
        "mailchimp",
        "plivo",
        "whatsapp",
        "signup_page",
        "facebook",
    ] {
        assert_eq!(find_provider(id).unwrap().1.source, Source::First, "{id}");
    }
}

#[test]
fn only_custom_and_signup_page_have_no_required_field() {
    for ty in types() {
        for p in ty.providers {
            let has_required = p.fields(ty).any(|f| f.required);
            let exempt = matches!(p.id, "custom" | "signup_page");
            assert_eq!(has_required, !exempt, "{}", p.id);
        }
    }
    assert!(find_provider("custom").unwrap().1.accepts_extra_keys);
    assert_eq!(
        all_pairs()
            .iter()
            .filter(|(t, p)| find_provider(p).unwrap().0.id == *t
                && find_provider(p).unwrap().1.accepts_extra_keys)
            .count(),
        1
    );
}

fn looks_secret(key: &str) -> bool {
    // Identifiers and tokens that are public by design (shipped in web pages).
    const PUBLIC: &[&str] = &[
        "publishable_key",
        "integration_key",
        "key_id",
        "aws_access_key_id",
        "api_key_sid",
        "project_token",
    ];
    if PUBLIC.contains(&key) {
        return false;
    }
    [
        "secret",
        "token",
        "password",
        "private_key",
        "service_account_json",
        "api_key",
    ]
    .iter()
    .any(|w| key.contains(w))
        || key == "key"
        || key.ends_with("_key")
}

#[test]
fn secrets_are_declared_for_every_credential() {
    for ty in types() {
        for p in ty.providers {
            for f in p.fields(ty) {
                assert_eq!(
                    f.secret,
                    looks_secret(f.key)
                        || matches!(p.id, "zapier" | "make") && f.key == "webhook_url",
                    "{}.{}",
                    p.id,
                    f.key
                );
                if f.kind == FieldKind::Secret {
                    assert!(f.secret);
                }
                if f.secret {
                    assert!(
                        f.default.is_none(),
                        "{}.{} is a secret with a default",
                        p.id,
                        f.key
                    );
                }
            }
        }
    }
    assert!(
        field("storage", "google_cloud_storage", "service_account_json")
            .unwrap()
            .secret
    );
    assert_eq!(
        field("storage", "google_cloud_storage", "service_account_json")
            .unwrap()
            .kind,
        FieldKind::Json
    );
    assert_eq!(
        field("documents", "docusign", "rsa_private_key")
            .unwrap()
            .kind,
        FieldKind::Multiline
    );
    assert!(is_secret("documents", "docusign", "rsa_private_key"));
    assert!(!is_secret("payments", "stripe", "publishable_key"));
    assert!(!is_secret("payments", "stripe", "no_such_key"));
    assert!(!is_secret("nope", "stripe", "api_key"));
    assert_eq!(secret_keys("email", "smtp"), vec!["smtp_password"]);
    assert_eq!(
        secret_keys("facebook", "facebook"),
        vec![
            "app_secret",
            "access_token",
            "page_access_token",
            "webhook_verify_token"
        ]
    );
    assert!(secret_keys("email", "nope").is_empty());
}

#[test]
fn legacy_slots_belong_to_second_document_providers_only() {
    for ty in types() {
        for p in ty.providers {
            let mut slots = BTreeMap::new();
            for f in ty.fields {
                assert!(f.legacy_slot.is_none(), "common field {} has a slot", f.key);
            }
            for f in p.fields {
                if let Some(slot) = f.legacy_slot {
                    assert!(p.source.in_second(), "{}.{} has a slot", p.id, f.key);
                    assert!(
                        slots.insert(slot, f.key).is_none(),
                        "{} uses {slot:?} twice",
                        p.id
                    );
                }
            }
        }
    }
    let slot = |provider_id: &str, key: &str| {
        let (ty, provider) = find_provider(provider_id).unwrap();
        provider.field(ty, key).unwrap().legacy_slot
    };
    for (provider_id, key) in [
        ("stripe", "api_key"),
        ("twilio", "account_sid"),
        ("openai", "api_key"),
        ("sendgrid", "api_key"),
    ] {
        assert_eq!(slot(provider_id, key), Some(LegacySlot::ApiKey), "{key}");
    }
    for (provider_id, key, expected) in [
        ("stripe", "secret_key", LegacySlot::SecretKey),
        ("twilio", "auth_token", LegacySlot::SecretKey),
        ("custom", "access_token", LegacySlot::AccessToken),
    ] {
        assert_eq!(slot(provider_id, key), Some(expected), "{key}");
    }
    let (_, twilio) = find_provider("twilio").unwrap();
    assert_eq!(
        twilio.legacy_field(LegacySlot::SecretKey).unwrap().key,
        "auth_token"
    );
}

#[test]
fn kinds_and_checks_agree() {
    for ty in types() {
        for p in ty.providers {
            for f in p.fields(ty) {
                let what = format!("{}.{}", p.id, f.key);
                assert_eq!(f.kind == FieldKind::Json, f.check.is_json(), "{what}");
                match f.kind {
                    FieldKind::Email => assert_eq!(f.check, Check::Email, "{what}"),
                    FieldKind::Phone => assert_eq!(f.check, Check::E164, "{what}"),
                    FieldKind::Url => assert!(
                        matches!(f.check, Check::Url | Check::HttpsUrl | Check::HttpsHost(_)),
                        "{what}"
                    ),
                    FieldKind::Bool | FieldKind::Number { .. } | FieldKind::Select(_) => {
                        assert_eq!(f.check, Check::None, "{what}");
                        assert!(!f.secret, "{what}");
                    }
                    _ => {}
                }
                if let Some(default) = f.default {
                    let normalized = switchboard_catalog::validate_field(f, &default.to_json());
                    assert_eq!(normalized, Ok(default.to_json()), "{what}");
                }
                if let Some(other) = f.requires {
                    assert_eq!(p.field(ty, other).unwrap().requires, Some(f.key), "{what}");
                }
                if f.key.contains("webhook_url")
                    || f.key == "redirect_uri"
                    || f.key == "redirect_url"
                {
                    assert!(
                        matches!(f.check, Check::HttpsUrl | Check::HttpsHost(_)),
                        "{what}"
                    );
                }
            }
        }
    }
}

/// The element of a JSON list whose `key` is `value`.
fn item<'a>(list: &'a serde_json::Value, key: &str, value: &str) -> &'a serde_json::Value {
    let items = list.as_array().unwrap();
    items.iter().find(|x| x[key] == value).unwrap()
}

#[test]
fn the_catalog_serializes_for_the_ui() {
    let json = serde_json::to_value(types()).unwrap();
    let email = &json[0];
    assert_eq!(email["id"], "email");
    assert_eq!(email["source"], "both");
    assert_eq!(email["fields"][0]["key"], "from_email");
    let smtp = item(&email["providers"], "id", "smtp");
    let port = item(&smtp["fields"], "key", "smtp_port");
    assert_eq!(
        port["kind"],
        json!({"type": "number", "min": 1, "max": 65535})
    );
    let tls = item(&smtp["fields"], "key", "smtp_use_tls");
    assert_eq!(tls["default"], json!(true));
    let stripe = serde_json::to_value(find_provider("stripe").unwrap().1).unwrap();
    assert_eq!(stripe["fields"][0]["legacy_slot"], "api_key");
    assert_eq!(stripe["fields"][0]["secret"], true);
    assert_eq!(
        stripe["fields"][0]["check"],
        json!({"prefix": ["sk_live_", "sk_test_", "rk_live_", "rk_test_"]})
    );
}

#[test]
fn the_crate_does_no_io() {
    fn visit(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    let mut files = Vec::new();
    visit(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() >= 10);
    for (path, text) in files {
        for banned in [
            "std::fs",
            "std::net",
            "std::time",
            "std::thread",
            "std::process",
            "std::env",
            "unsafe ",
        ] {
            assert!(!text.contains(banned), "{path} uses {banned}");
        }
        assert!(text.starts_with("//!"), "{path} has no module doc");
        assert!(text.lines().count() <= 600, "{path} is over 600 lines");
    }
}
