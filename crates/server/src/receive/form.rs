//! A sign-up as the page sent it, checked against the page's configured
//! `form_fields` (the catalog's list: name, type, label, required, options,
//! default): each value is made what its type says (a checkbox a boolean, a
//! number a number, text trimmed), required ones must be there, and a name
//! the form does not have is refused, so a lead holds only what the admin
//! set up. With no fields configured, any plain fields are kept and an
//! `email` must be one. The honeypot field [`HONEYPOT`] is taken out first.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The field a page hides from people (`display: none`): a value in it
/// means a bot filled the form.
pub const HONEYPOT: &str = "_honeypot";
/// The most fields a sign-up may carry.
pub const MAX_FIELDS: usize = 50;
/// The longest value of a text field; a textarea may hold more.
const MAX_TEXT: usize = 2_000;
const MAX_TEXTAREA: usize = 10_000;

/// What the page sent: its pairs in order, a value a JSON scalar.
pub type Submission = Vec<(String, Value)>;

/// Why a sign-up is refused: a message per field name (`_form` for the
/// whole form).
pub type Problems = BTreeMap<String, String>;

/// Whether the honeypot field carries anything.
pub fn honeypot_filled(submission: &Submission) -> bool {
    submission
        .iter()
        .any(|(k, v)| k == HONEYPOT && !text_of(v).trim().is_empty())
}

/// The checked fields of a sign-up, or a message per field in trouble.
pub fn check(form_fields: &Value, submission: &Submission) -> Result<Map<String, Value>, Problems> {
    let mut problems = Problems::new();
    let given: Vec<&(String, Value)> = submission.iter().filter(|(k, _)| k != HONEYPOT).collect();
    if given.len() > MAX_FIELDS {
        problems.insert(
            "_form".into(),
            format!(
                "A sign-up can carry at most {MAX_FIELDS} fields; this one has {}.",
                given.len()
            ),
        );
        return Err(problems);
    }
    let mut values: BTreeMap<&str, &Value> = BTreeMap::new();
    for (name, value) in &given {
        if matches!(value, Value::Array(_) | Value::Object(_)) {
            problems.insert(name.clone(), "Send one plain value for this field.".into());
        }
        values.insert(name.as_str(), value);
    }
    let fields: Vec<&Map<String, Value>> = form_fields
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    if fields.is_empty() {
        for (name, value) in values {
            let kind = if name == "email" { "email" } else { "text" };
            convert(name, kind, value, &[], &mut out, &mut problems);
        }
        if !out.contains_key("email") && !problems.contains_key("email") {
            problems.insert(
                "email".into(),
                "Enter an email address: this sign-up page has no form fields set up, so it needs at least an email.".into(),
            );
        }
        return finish(out, problems);
    }
    let known: Vec<&str> = fields
        .iter()
        .filter_map(|f| f.get("name").and_then(Value::as_str))
        .collect();
    for name in values.keys() {
        if !known.contains(name) {
            problems.insert(
                (*name).to_owned(),
                format!(
                    "This form has no field \"{name}\" (it has: {}). Add it to the sign-up page's form fields in Switchboard, or leave it out of the form.",
                    known.join(", ")
                ),
            );
        }
    }
    for field in fields {
        let Some(name) = field.get("name").and_then(Value::as_str) else {
            continue;
        };
        let kind = field.get("type").and_then(Value::as_str).unwrap_or("text");
        let label = field.get("label").and_then(Value::as_str).unwrap_or(name);
        let required = field.get("required").and_then(Value::as_bool) == Some(true);
        let value = values
            .get(name)
            .copied()
            .filter(|v| !text_of(v).trim().is_empty())
            .or_else(|| field.get("default").filter(|d| !d.is_null()));
        match value {
            Some(v) => {
                let options = field
                    .get("options")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                convert(name, kind, v, &options, &mut out, &mut problems);
                if required && kind == "checkbox" && out.get(name) == Some(&Value::Bool(false)) {
                    problems.insert(name.into(), format!("Tick \"{label}\" to sign up."));
                }
            }
            None if required => {
                problems.insert(name.into(), format!("\"{label}\" is required: fill it in."));
            }
            None => {}
        }
    }
    finish(out, problems)
}

fn finish(out: Map<String, Value>, problems: Problems) -> Result<Map<String, Value>, Problems> {
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// A scalar as text (`true`, `3`, the string itself).
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Makes `value` what a field of `kind` holds, into `out`; or a problem.
fn convert(
    name: &str,
    kind: &str,
    value: &Value,
    options: &[Value],
    out: &mut Map<String, Value>,
    problems: &mut Problems,
) {
    let text = text_of(value).trim().to_owned();
    let checked: Result<Value, String> = match kind {
        "email" => email(&text).map(Value::String),
        "phone" => phone(&text).map(Value::String),
        "number" => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
            .ok_or_else(|| format!("Enter a number, like 42 (not \"{}\").", short(&text))),
        "checkbox" => match text.to_ascii_lowercase().as_str() {
            "true" | "on" | "yes" | "1" => Ok(Value::Bool(true)),
            "false" | "off" | "no" | "0" => Ok(Value::Bool(false)),
            _ => Err("Send true or false (a ticked box sends \"on\").".into()),
        },
        "select" => {
            let allowed: Vec<String> = options
                .iter()
                .filter_map(|o| {
                    o.as_str()
                        .or_else(|| o.get("value").and_then(Value::as_str))
                })
                .map(str::to_owned)
                .collect();
            if allowed.contains(&text) {
                Ok(Value::String(text.clone()))
            } else {
                Err(format!("Choose one of: {}.", allowed.join(", ")))
            }
        }
        "date" => time::Date::parse(
            &text,
            &time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map(|_| Value::String(text.clone()))
        .map_err(|_| "Enter a date as YYYY-MM-DD, e.g. 2026-03-01.".into()),
        "textarea" => bounded(&text, MAX_TEXTAREA),
        _ => bounded(&text, MAX_TEXT),
    };
    match checked {
        Ok(v) => {
            out.insert(name.to_owned(), v);
        }
        Err(message) => {
            problems.insert(name.to_owned(), message);
        }
    }
}

fn bounded(text: &str, max: usize) -> Result<Value, String> {
    if text.chars().count() > max {
        Err(format!("Keep this under {max} characters."))
    } else {
        Ok(Value::String(text.to_owned()))
    }
}

/// The first characters of a value, for a message.
fn short(text: &str) -> String {
    text.chars().take(40).collect()
}

fn email(text: &str) -> Result<String, String> {
    let bad = || Err("Enter an email address like ann@example.com.".to_owned());
    let Some((local, domain)) = text.rsplit_once('@') else {
        return bad();
    };
    let fine = !local.is_empty()
        && text.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && !local.contains('@');
    if fine {
        Ok(text.to_owned())
    } else {
        bad()
    }
}

fn phone(text: &str) -> Result<String, String> {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let fine = (6..=20).contains(&digits)
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if fine {
        Ok(text.to_owned())
    } else {
        Err("Enter a phone number with its country code, e.g. +1 415 555 0123.".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sub(pairs: &[(&str, Value)]) -> Submission {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    fn form() -> Value {
        json!([
            {"name": "email", "type": "email", "label": "Email", "required": true},
            {"name": "name", "type": "text"},
            {"name": "size", "type": "select", "options": ["S", {"value": "l", "label": "Large"}]},
            {"name": "age", "type": "number"},
            {"name": "terms", "type": "checkbox", "label": "I agree", "required": true},
            {"name": "born", "type": "date"},
            {"name": "phone", "type": "phone"},
            {"name": "utm_source", "type": "hidden", "default": "fb"}
        ])
    }

    #[test]
    fn a_good_sign_up_is_made_what_its_fields_say() {
        let got = check(
            &form(),
            &sub(&[
                ("email", json!(" ann@example.com ")),
                ("size", json!("l")),
                ("age", json!("42")),
                ("terms", json!("on")),
                ("born", json!("1990-02-03")),
                ("phone", json!("+1 (415) 555-0123")),
                (HONEYPOT, json!("")),
            ]),
        )
        .unwrap();
        assert_eq!(
            Value::Object(got),
            json!({"email": "ann@example.com", "size": "l", "age": 42.0, "terms": true,
                   "born": "1990-02-03", "phone": "+1 (415) 555-0123", "utm_source": "fb"})
        );
    }

    #[test]
    fn every_problem_is_named_on_its_field() {
        let problems = check(
            &form(),
            &sub(&[
                ("email", json!("ann@")),
                ("size", json!("XL")),
                ("age", json!("old")),
                ("terms", json!(false)),
                ("born", json!("03/02/1990")),
                ("phone", json!("call me")),
                ("coupon", json!("X")),
                ("name", json!(["a", "b"])),
            ]),
        )
        .unwrap_err();
        assert!(problems["email"].contains("ann@example.com"));
        assert!(problems["size"].contains("S, l"));
        assert!(problems["age"].contains("\"old\""));
        assert!(problems["terms"].contains("Tick \"I agree\""));
        assert!(problems["born"].contains("YYYY-MM-DD"));
        assert!(problems["phone"].contains("country code"));
        assert!(problems["coupon"].contains("no field \"coupon\""));
        assert!(problems["name"].contains("one plain value"));
        let missing = check(&form(), &sub(&[("terms", json!("on"))])).unwrap_err();
        assert_eq!(missing["email"], "\"Email\" is required: fill it in.");
    }

    #[test]
    fn without_fields_any_text_is_kept_but_an_email_is_needed() {
        let none = json!([]);
        let got = check(
            &none,
            &sub(&[("email", json!("a@b.co")), ("note", json!(7))]),
        )
        .unwrap();
        assert_eq!(Value::Object(got), json!({"email": "a@b.co", "note": "7"}));
        let problems = check(&none, &sub(&[("note", json!("x"))])).unwrap_err();
        assert!(problems["email"].contains("at least an email"));
        let many: Submission = (0..=MAX_FIELDS)
            .map(|i| (format!("f{i}"), json!("x")))
            .collect();
        assert!(check(&none, &many).unwrap_err()["_form"].contains("at most 50"));
    }

    #[test]
    fn the_honeypot_is_seen_and_never_kept() {
        assert!(honeypot_filled(&sub(&[(HONEYPOT, json!("http://spam"))])));
        assert!(!honeypot_filled(&sub(&[(HONEYPOT, json!(" "))])));
        let got = check(
            &json!([]),
            &sub(&[("email", json!("a@b.co")), (HONEYPOT, json!(""))]),
        )
        .unwrap();
        assert!(!got.contains_key(HONEYPOT));
    }
}
