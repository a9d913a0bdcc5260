//! Checks for JSON documents: plain objects, Google service-account key files
//! and the sign-up page's list of form fields. Service-account messages never
//! quote the file; form-field messages quote field names (never secret) so a
//! person can find the broken entry.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::or_list;

/// Input types a sign-up form field can have.
pub const FORM_FIELD_TYPES: &[&str] = &[
    "text", "email", "phone", "number", "checkbox", "select", "textarea", "hidden", "date",
];

/// Settings a sign-up form field may carry.
const FORM_FIELD_KEYS: &[&str] = &[
    "name",
    "type",
    "label",
    "required",
    "options",
    "placeholder",
    "help",
    "default",
];

const SERVICE_ACCOUNT_HOW: &str = "In Google Cloud console open IAM & Admin → Service accounts → your account → Keys → Add key → Create new key → JSON, and paste the whole downloaded file.";

pub(super) fn object(label: &str, value: Value) -> Result<Value, String> {
    if value.is_object() {
        Ok(value)
    } else {
        Err(format!(
            "{label} must be a JSON object like {{\"X-Source\": \"switchboard\"}}."
        ))
    }
}

pub(super) fn service_account(label: &str, value: Value) -> Result<Value, String> {
    let Some(obj) = value.as_object() else {
        return Err(format!(
            "{label} must be the whole JSON key file of a Google service account (it starts with {{). {SERVICE_ACCOUNT_HOW}"
        ));
    };
    let text = |key: &str| {
        obj.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    if let Some(kind) = text("type") {
        if kind != "service_account" {
            return Err(format!(
                "{label} is a different kind of Google credential, not a service-account key. {SERVICE_ACCOUNT_HOW}"
            ));
        }
    }
    let missing: Vec<String> = ["type", "client_email", "private_key", "token_uri"]
        .into_iter()
        .filter(|key| text(key).is_none())
        .map(|key| format!("\"{key}\""))
        .collect();
    if !missing.is_empty() {
        let missing: Vec<&str> = missing.iter().map(String::as_str).collect();
        return Err(format!(
            "{label} is missing {}: paste the complete key file, not just part of it.",
            or_list(&missing)
        ));
    }
    if !text("client_email").is_some_and(|e| e.contains('@')) {
        return Err(format!(
            "{label}: its \"client_email\" is not an email address. Paste the file exactly as downloaded."
        ));
    }
    if !text("private_key")
        .is_some_and(|k| k.contains("-----BEGIN") && k.contains("PRIVATE KEY-----"))
    {
        return Err(format!(
            "{label}: its \"private_key\" is not a private key. Paste the file exactly as downloaded."
        ));
    }
    if !text("token_uri").is_some_and(|u| u.starts_with("https://")) {
        return Err(format!(
            "{label}: its \"token_uri\" must be an https:// address (normally https://oauth2.googleapis.com/token)."
        ));
    }
    Ok(value)
}

fn is_field_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_options(who: &str, options: Option<&Value>, problems: &mut Vec<String>) {
    let need = format!(
        "{who} is a select, so it needs \"options\": a list like [\"Small\", \"Large\"] or [{{\"value\": \"s\", \"label\": \"Small\"}}]"
    );
    let Some(Value::Array(options)) = options else {
        problems.push(need);
        return;
    };
    if options.is_empty() {
        problems.push(need);
        return;
    }
    let each_ok = options.iter().all(|o| match o {
        Value::String(s) => !s.trim().is_empty(),
        Value::Object(o) => {
            o.get("value").and_then(Value::as_str).is_some()
                && matches!(o.get("label"), None | Some(Value::String(_)))
        }
        _ => false,
    });
    if !each_ok {
        problems.push(format!(
            "{who} has an option that is neither text nor {{\"value\": ..., \"label\": ...}}"
        ));
    }
}

fn check_form_field(
    n: usize,
    obj: &Map<String, Value>,
    seen: &mut BTreeMap<String, usize>,
    problems: &mut Vec<String>,
) {
    let name = match obj.get("name") {
        Some(Value::String(s)) if is_field_name(s) => Some(s.as_str()),
        Some(Value::String(s)) if !s.trim().is_empty() => {
            problems.push(format!(
                "field {n}: the name \"{s}\" can use only letters, digits and _ and must start with a letter"
            ));
            None
        }
        Some(Value::String(_)) | None => {
            problems.push(format!("field {n} needs a \"name\", such as \"email\""));
            None
        }
        Some(_) => {
            problems.push(format!("field {n}: \"name\" must be text"));
            None
        }
    };
    let who = match name {
        Some(name) => format!("field {n} (\"{name}\")"),
        None => format!("field {n}"),
    };
    if let Some(name) = name {
        if let Some(first) = seen.get(name) {
            problems.push(format!(
                "{who} repeats the name of field {first}; each field needs its own name"
            ));
        } else {
            seen.insert(name.to_owned(), n);
        }
    }
    let types = FORM_FIELD_TYPES.join(", ");
    let kind = match obj.get("type") {
        Some(Value::String(t)) if FORM_FIELD_TYPES.contains(&t.as_str()) => Some(t.as_str()),
        Some(Value::String(t)) => {
            problems.push(format!(
                "{who} has an unknown type \"{t}\"; use one of {types}"
            ));
            None
        }
        None => {
            problems.push(format!("{who} needs a \"type\" (one of {types})"));
            None
        }
        Some(_) => {
            problems.push(format!("{who}: \"type\" must be text (one of {types})"));
            None
        }
    };
    for key in ["label", "placeholder", "help"] {
        if obj.get(key).is_some_and(|v| !v.is_string()) {
            problems.push(format!("{who}: \"{key}\" must be text"));
        }
    }
    if obj.get("required").is_some_and(|v| !v.is_boolean()) {
        problems.push(format!("{who}: \"required\" must be true or false"));
    }
    if kind == Some("select") {
        check_options(&who, obj.get("options"), problems);
    } else if obj.contains_key("options") && kind.is_some() {
        problems.push(format!(
            "{who} has \"options\", but only select fields take options"
        ));
    }
    for key in obj.keys() {
        if !FORM_FIELD_KEYS.contains(&key.as_str()) {
            problems.push(format!(
                "{who} has an unknown setting \"{key}\" (allowed: {})",
                FORM_FIELD_KEYS.join(", ")
            ));
        }
    }
}

pub(super) fn signup_form_fields(label: &str, value: Value) -> Result<Value, String> {
    let Some(items) = value.as_array() else {
        return Err(format!(
            "{label} must be a JSON list of fields, like [{{\"name\": \"email\", \"type\": \"email\", \"required\": true}}]."
        ));
    };
    let mut problems = Vec::new();
    let mut seen = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        match item.as_object() {
            Some(obj) => check_form_field(i + 1, obj, &mut seen, &mut problems),
            None => problems.push(format!(
                "field {} must be an object like {{\"name\": \"email\", \"type\": \"email\"}}",
                i + 1
            )),
        }
    }
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(format!("{label}: {}.", problems.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sa() -> Value {
        json!({
            "type": "service_account",
            "project_id": "brand-site",
            "private_key_id": "abc",
            "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n",
            "client_email": "uploader@brand-site.iam.gserviceaccount.com",
            "token_uri": "https://oauth2.googleapis.com/token"
        })
    }

    #[test]
    fn service_account_files() {
        assert!(service_account("Key file", sa()).is_ok());
        let mut user = sa();
        user["type"] = json!("authorized_user");
        let err = service_account("Key file", user).unwrap_err();
        assert!(err.contains("not a service-account key"), "{err}");
        let mut partial = sa();
        partial.as_object_mut().unwrap().remove("private_key");
        partial.as_object_mut().unwrap().remove("token_uri");
        let err = service_account("Key file", partial).unwrap_err();
        assert!(err.contains("\"private_key\" or \"token_uri\""), "{err}");
        let mut broken = sa();
        broken["private_key"] = json!("MIIEvQIBADANBg");
        let err = service_account("Key file", broken).unwrap_err();
        assert!(!err.contains("MIIEvQIBADANBg"), "{err}");
        assert!(service_account("Key file", json!([1])).is_err());
    }

    #[test]
    fn form_fields_accept_a_good_list() {
        let ok = json!([
            {"name": "email", "type": "email", "label": "Email", "required": true},
            {"name": "size", "type": "select", "options": ["S", {"value": "l", "label": "Large"}]},
            {"name": "utm_source", "type": "hidden", "default": "fb"}
        ]);
        assert_eq!(signup_form_fields("Form fields", ok.clone()).unwrap(), ok);
        assert!(signup_form_fields("Form fields", json!([])).is_ok());
    }

    #[test]
    fn form_field_problems_are_all_reported() {
        let bad = json!([
            {"name": "email", "type": "email"},
            {"name": "email", "type": "text"},
            {"name": "plan", "type": "select"},
            {"name": "2nd", "type": "color", "requried": true},
            "phone"
        ]);
        let err = signup_form_fields("Form fields", bad).unwrap_err();
        assert!(
            err.contains("field 2 (\"email\") repeats the name of field 1"),
            "{err}"
        );
        assert!(
            err.contains("field 3 (\"plan\") is a select, so it needs \"options\""),
            "{err}"
        );
        assert!(err.contains("the name \"2nd\""), "{err}");
        assert!(err.contains("unknown type \"color\""), "{err}");
        assert!(err.contains("unknown setting \"requried\""), "{err}");
        assert!(err.contains("field 5 must be an object"), "{err}");
        let err = signup_form_fields("Form fields", json!({"name": "x"})).unwrap_err();
        assert!(err.contains("JSON list"), "{err}");
    }
}
