//! Validation of whole configurations and of single fields, and the masking
//! rule for showing stored secrets. The server, the store and the UI all call
//! these, so a value is judged the same way everywhere.
//!
//! Conventions for `validate`'s input (one map holding public and secret values):
//! - absent, `null`, or a blank string: "not given". A required secret that is
//!   not given is accepted when `already_set` says it is stored (an edit that
//!   leaves it alone); any other required field must be given. The second
//!   document's PATCH reads `""` as "clear this secret": a caller that offers
//!   that must refuse to clear a required secret itself, since validation
//!   treats `""` like an absent value.
//! - Secrets come out as JSON strings (a secret JSON document as its text), so a
//!   vault can seal every secret the same way. Non-secret JSON comes out parsed.
//! - A `provider` key equal to the provider id (first-document configure bodies
//!   carry one) is accepted and dropped.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::checks;
use crate::model::{Field, FieldKind, IntegrationType, Provider};

/// Every problem found in one configuration, keyed by field key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ValidationErrors {
    /// A problem with the request as a whole (unknown type or provider).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general: Option<String>,
    pub fields: BTreeMap<String, String>,
}

impl ValidationErrors {
    /// An error about the request as a whole.
    pub fn whole(message: impl Into<String>) -> Self {
        ValidationErrors {
            general: Some(message.into()),
            fields: BTreeMap::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.general.is_none() && self.fields.is_empty()
    }

    /// The message for one field, if it has a problem.
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields.get(key).map(String::as_str)
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(general) = &self.general {
            f.write_str(general)?;
            if self.fields.is_empty() {
                return Ok(());
            }
            f.write_str(" ")?;
        }
        let n = self.fields.len();
        let noun = if n == 1 { "setting" } else { "settings" };
        write!(f, "Please fix {n} {noun}:")?;
        for (i, (key, message)) in self.fields.iter().enumerate() {
            let sep = if i == 0 { " " } else { "; " };
            write!(f, "{sep}{key}: {}", message.trim_end_matches('.'))?;
        }
        f.write_str(".")
    }
}

impl std::error::Error for ValidationErrors {}

/// The contract's masking rule: longer than 4 characters gives `*` for all but
/// the last 4, then those 4; 1 to 4 characters give `****`; empty gives "".
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    match n {
        0 => String::new(),
        1..=4 => "****".to_owned(),
        _ => {
            // The byte where the last 4 characters start.
            let (at, _) = secret.char_indices().nth(n - 4).expect("n > 4 characters");
            let tail = &secret[at..];
            let mut out = String::with_capacity(n - 4 + tail.len());
            out.extend((4..n).map(|_| '*'));
            out.push_str(tail);
            out
        }
    }
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

fn required_message(field: &Field) -> String {
    format!("{} is required.", field.label)
}

fn kind_word(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Text of a string-like field: strings trimmed, numbers written out.
fn as_text(field: &Field, value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.trim().to_owned()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!(
            "{} must be text, not {}.",
            field.label,
            kind_word(other)
        )),
    }
}

fn parse_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Some(true),
            "false" | "no" | "off" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn parse_int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Checks and normalizes a non-blank value.
fn coerce(field: &Field, value: &Value) -> Result<Value, String> {
    let label = field.label;
    match field.kind {
        FieldKind::Bool => parse_bool(value)
            .map(Value::Bool)
            .ok_or_else(|| format!("{label} must be on or off (true or false).")),
        FieldKind::Number { min, max } => match parse_int(value) {
            Some(n) if (min..=max).contains(&n) => Ok(Value::from(n)),
            _ => Err(format!(
                "{label} must be a whole number from {min} to {max}."
            )),
        },
        FieldKind::Select(options) => {
            let given = as_text(field, value)?;
            options
                .iter()
                .find(|o| o.value.eq_ignore_ascii_case(&given))
                .map(|o| Value::String(o.value.to_owned()))
                .ok_or_else(|| {
                    let choices: Vec<String> = options
                        .iter()
                        .map(|o| format!("{} ({})", o.value, o.label))
                        .collect();
                    format!("{label} must be one of: {}.", choices.join(", "))
                })
        }
        FieldKind::Json => {
            let (parsed, text) = match value {
                Value::String(s) => (checks::parse_json(label, s.trim())?, Some(s.trim())),
                other => (other.clone(), None),
            };
            let checked = checks::check_json(field.check, label, parsed)?;
            if field.secret {
                Ok(Value::String(match text {
                    Some(text) => text.to_owned(),
                    None => checked.to_string(),
                }))
            } else {
                Ok(checked)
            }
        }
        FieldKind::Text
        | FieldKind::Email
        | FieldKind::Url
        | FieldKind::Phone
        | FieldKind::Multiline
        | FieldKind::Secret => {
            let mut text = as_text(field, value)?;
            if field.kind == FieldKind::Multiline {
                text = text.replace("\r\n", "\n");
            }
            checks::check_text(field.check, label, &text).map(Value::String)
        }
    }
}

/// Validates one field's value, for inline checks while a person types.
/// A blank value is `Ok(Value::Null)` for an optional field and "X is required"
/// for a required one. Otherwise returns the normalized value.
pub fn validate_field(field: &Field, value: &Value) -> Result<Value, String> {
    if is_blank(value) {
        return if field.required {
            Err(required_message(field))
        } else {
            Ok(Value::Null)
        };
    }
    coerce(field, value)
}

fn unknown_type_message(type_id: &str) -> String {
    let hint = match crate::find_provider(type_id) {
        Some((ty, _)) => format!(" '{type_id}' is a provider of the '{}' type.", ty.id),
        None => String::new(),
    };
    format!(
        "Unknown integration type '{type_id}'. Known types: {}.{hint}",
        crate::type_ids()
    )
}

fn unknown_provider_message(ty: &IntegrationType, provider_id: &str) -> String {
    let known: Vec<&str> = ty.providers.iter().map(|p| p.id).collect();
    let hint = match crate::find_provider(provider_id) {
        Some((other, _)) => format!(" '{provider_id}' is a provider of the '{}' type.", other.id),
        None => String::new(),
    };
    format!(
        "Unknown provider '{provider_id}' for {}. Known providers: {}.{hint}",
        ty.label,
        known.join(", ")
    )
}

/// Validates a whole configuration for (type, provider). `values` holds both
/// public and secret values as JSON. `already_set(key)` says whether a secret
/// is already stored (an edit that leaves a secret untouched), so a required
/// secret absent from `values` is accepted when already set.
///
/// Returns the normalized values (strings trimmed, numbers and bools coerced
/// from strings, defaults filled in for absent non-secret fields, empty optional
/// strings removed) or every field error at once.
pub fn validate(
    type_id: &str,
    provider_id: &str,
    values: &Map<String, Value>,
    already_set: &dyn Fn(&str) -> bool,
) -> Result<Map<String, Value>, ValidationErrors> {
    let ty = crate::integration_type(type_id)
        .ok_or_else(|| ValidationErrors::whole(unknown_type_message(type_id)))?;
    let provider = ty
        .provider(provider_id)
        .ok_or_else(|| ValidationErrors::whole(unknown_provider_message(ty, provider_id)))?;

    let mut out = Map::new();
    let mut errors = BTreeMap::new();

    for (key, value) in values {
        if provider.field(ty, key).is_some() {
            continue;
        }
        if key == "provider" {
            if value.as_str().map(str::trim) != Some(provider.id) {
                errors.insert(
                    key.clone(),
                    format!(
                        "This form is for {} ('{}'); create a separate integration for another provider.",
                        provider.label, provider.id
                    ),
                );
            }
        } else if provider.accepts_extra_keys {
            out.insert(key.clone(), value.clone());
        } else {
            errors.insert(
                key.clone(),
                format!("'{key}' is not a setting of {}; remove it.", provider.label),
            );
        }
    }

    for field in provider.fields(ty) {
        match values.get(field.key).filter(|v| !is_blank(v)) {
            Some(value) => match coerce(field, value) {
                Ok(v) => {
                    out.insert(field.key.to_owned(), v);
                }
                Err(message) => {
                    errors.insert(field.key.to_owned(), message);
                }
            },
            None if field.secret && already_set(field.key) => {}
            None if field.required => {
                errors.insert(field.key.to_owned(), required_message(field));
            }
            None => {
                if let (false, Some(default)) = (field.secret, field.default) {
                    out.insert(field.key.to_owned(), default.to_json());
                }
            }
        }
    }

    check_pairs(ty, provider, &out, already_set, &mut errors);

    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ValidationErrors {
            general: None,
            fields: errors,
        })
    }
}

/// Fields that only work together (an API key SID and its secret): when one is
/// set, the other must be given or already stored.
fn check_pairs(
    ty: &IntegrationType,
    provider: &Provider,
    out: &Map<String, Value>,
    already_set: &dyn Fn(&str) -> bool,
    errors: &mut BTreeMap<String, String>,
) {
    let is_set = |f: &Field| out.contains_key(f.key) || (f.secret && already_set(f.key));
    for field in provider.fields(ty) {
        let Some(other) = field.requires.and_then(|key| provider.field(ty, key)) else {
            continue;
        };
        if is_set(field) && !is_set(other) && !errors.contains_key(other.key) {
            errors.insert(
                other.key.to_owned(),
                format!("{} is needed when {} is set.", other.label, field.label),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Check;
    use serde_json::json;

    #[test]
    fn mask_follows_the_contract() {
        assert_eq!(mask(""), "");
        assert_eq!(mask("a"), "****");
        assert_eq!(mask("abcd"), "****");
        assert_eq!(mask("abcde"), "*bcde");
        let forty = "sk_live_0123456789abcdefghijklmnopqrstuv";
        assert_eq!(forty.len(), 40);
        assert_eq!(mask(forty), format!("{}stuv", "*".repeat(36)));
        assert_eq!(mask("pässwörd€"), "*****örd€");
        assert_eq!(mask("ééééé"), "*éééé");
    }

    #[test]
    fn bools_and_numbers_are_coerced() {
        let tls = Field::boolean("smtp_use_tls", "Use TLS");
        assert_eq!(validate_field(&tls, &json!("true")).unwrap(), json!(true));
        assert_eq!(validate_field(&tls, &json!("OFF")).unwrap(), json!(false));
        assert_eq!(validate_field(&tls, &json!(false)).unwrap(), json!(false));
        assert!(validate_field(&tls, &json!("maybe"))
            .unwrap_err()
            .contains("true or false"));
        let port = Field::number("smtp_port", "SMTP port", 1, 65535);
        assert_eq!(validate_field(&port, &json!("587")).unwrap(), json!(587));
        assert_eq!(validate_field(&port, &json!(465)).unwrap(), json!(465));
        assert_eq!(validate_field(&port, &json!(25.0)).unwrap(), json!(25));
        for bad in [json!(0), json!(70000), json!("abc"), json!(2.5)] {
            let err = validate_field(&port, &bad).unwrap_err();
            assert!(err.contains("from 1 to 65535"), "{err}");
        }
    }

    #[test]
    fn blank_values() {
        let req = Field::text("a", "Alpha").required();
        assert_eq!(
            validate_field(&req, &json!("  ")).unwrap_err(),
            "Alpha is required."
        );
        let opt = Field::text("a", "Alpha");
        assert_eq!(validate_field(&opt, &json!(null)).unwrap(), Value::Null);
        assert_eq!(validate_field(&opt, &json!(" x ")).unwrap(), json!("x"));
        assert_eq!(validate_field(&opt, &json!(12)).unwrap(), json!("12"));
        assert!(validate_field(&opt, &json!([1]))
            .unwrap_err()
            .contains("not a list"));
    }

    #[test]
    fn secret_json_comes_out_as_text() {
        let f = Field::json("headers", "Headers")
            .secret()
            .check(Check::JsonObject);
        assert_eq!(
            validate_field(&f, &json!({"a": 1})).unwrap(),
            json!("{\"a\":1}")
        );
        assert_eq!(
            validate_field(&f, &json!(" {\"a\": 1} ")).unwrap(),
            json!("{\"a\": 1}")
        );
        let public = Field::json("headers", "Headers").check(Check::JsonObject);
        assert_eq!(
            validate_field(&public, &json!("{\"a\": 1}")).unwrap(),
            json!({"a": 1})
        );
    }

    #[test]
    fn display_names_every_field_on_one_line() {
        let mut e = ValidationErrors::default();
        e.fields
            .insert("from_email".into(), "From email is required.".into());
        e.fields.insert(
            "smtp_port".into(),
            "SMTP port must be a whole number from 1 to 65535.".into(),
        );
        let line = e.to_string();
        assert_eq!(
            line,
            "Please fix 2 settings: from_email: From email is required; smtp_port: SMTP port must be a whole number from 1 to 65535."
        );
        assert!(!line.contains('\n'));
        assert_eq!(ValidationErrors::whole("Unknown.").to_string(), "Unknown.");
    }

    #[test]
    fn errors_round_trip_through_json() {
        let mut e = ValidationErrors::default();
        e.fields.insert("a".into(), "b".into());
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json, json!({"fields": {"a": "b"}}));
        let back: ValidationErrors = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
    }
}
