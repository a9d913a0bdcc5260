//! Where a secret is sent. Some settings decide which host receives an
//! integration's secrets (the SMTP host, port and TLS mode, a base URL, a
//! region or environment that picks another host, a tenant's subdomain...).
//! A secret entered for one destination must not follow an edit to another:
//! when such a setting changes, every secret already stored for the
//! integration has to be entered again, on the laptop, on the server and
//! through sync. This is the one home of that rule.

use serde_json::{Map, Value};

use crate::{IntegrationType, Provider};

/// The setting keys that decide where secrets go, wherever a form has them.
pub const DESTINATION_KEYS: &[&str] = &[
    "smtp_host",
    "smtp_port",
    "smtp_use_tls",
    "base_url",
    "api_endpoint",
    "forward_url",
    "url",
    "region",
    "aws_region",
    "environment",
    "subdomain",
    "account_name",
];

/// Whether `key` decides where an integration's secrets are sent.
pub fn is_destination(key: &str) -> bool {
    DESTINATION_KEYS.contains(&key)
}

/// A value as a destination compares it: host names are case-insensitive
/// and surrounding blanks mean nothing; `587` and `"587"` are one port.
fn canonical(value: &Value) -> String {
    match value {
        Value::String(s) => s.trim().trim_end_matches('/').to_ascii_lowercase(),
        other => other.to_string(),
    }
}

/// The destination settings of the form that `before` had and `after`
/// changes (to another value or to nothing), in form order. Setting one
/// for the first time moves nothing: no secret was sent anywhere yet.
pub fn moved(
    ty: &IntegrationType,
    provider: &Provider,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> Vec<&'static str> {
    provider
        .fields(ty)
        .filter(|f| !f.secret && is_destination(f.key))
        .filter(|f| {
            // A setting left out stands for its default (a region, TLS on...).
            let value = |m: &Map<String, Value>| m.get(f.key).cloned().or_else(|| f.default_json());
            match (value(before), value(after)) {
                (Some(old), Some(new)) => canonical(&old) != canonical(&new),
                (Some(old), None) => !canonical(&old).is_empty(),
                (None, _) => false,
            }
        })
        .map(|f| f.key)
        .collect()
}

/// What to tell the person about a stored secret that must be entered
/// again because the `moved` settings changed.
pub fn reenter_message(
    ty: &IntegrationType,
    provider: &Provider,
    moved: &[&str],
    secret_key: &str,
) -> String {
    let label = |key: &str| {
        provider
            .field(ty, key)
            .map_or(key.to_owned(), |f| f.label.to_owned())
    };
    let what: Vec<String> = moved.iter().map(|k| label(k)).collect();
    format!(
        "The {} changed, so enter the {} again: a secret is only sent where it was entered for.",
        what.join(" and "),
        label(secret_key)
    )
}

/// The stored secrets that a change moving `moved` settings must be given
/// again with: `stored` names the secrets set before the change, `given`
/// says whether the change itself enters (or clears) one. Empty when
/// nothing moved.
pub fn to_reenter<'k>(
    ty: &IntegrationType,
    provider: &Provider,
    moved: &[&str],
    stored: impl IntoIterator<Item = &'k str>,
    given: &dyn Fn(&str) -> bool,
) -> std::collections::BTreeMap<String, String> {
    if moved.is_empty() {
        return Default::default();
    }
    stored
        .into_iter()
        .filter(|k| !given(k))
        .map(|k| (k.to_owned(), reenter_message(ty, provider, moved, k)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn smtp() -> (&'static IntegrationType, &'static Provider) {
        let ty = crate::integration_type("email").unwrap();
        (ty, ty.provider("smtp").unwrap())
    }

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn every_destination_key_is_a_setting_of_some_form() {
        for key in DESTINATION_KEYS {
            let used = crate::types().iter().any(|t| {
                t.providers
                    .iter()
                    .any(|p| p.field(t, key).is_some_and(|f| !f.secret))
            });
            assert!(used, "'{key}' is not a public setting of any form");
        }
    }

    #[test]
    fn a_changed_host_port_or_tls_mode_moves_the_destination() {
        let (ty, p) = smtp();
        let before = map(
            json!({"smtp_host": "smtp.example.com", "smtp_port": 587, "smtp_use_tls": true, "from_email": "a@b.co"}),
        );
        let same = map(
            json!({"smtp_host": " SMTP.Example.com ", "smtp_port": "587", "smtp_use_tls": true, "from_email": "other@b.co"}),
        );
        assert!(moved(ty, p, &before, &same).is_empty());
        let other =
            map(json!({"smtp_host": "mail.attacker.test", "smtp_port": 25, "smtp_use_tls": false}));
        assert_eq!(
            moved(ty, p, &before, &other),
            vec!["smtp_host", "smtp_port", "smtp_use_tls"]
        );
        let first = map(json!({"smtp_host": "mail.attacker.test", "smtp_port": 25}));
        assert!(moved(ty, p, &Map::new(), &first).is_empty(), "first set");
        let tls_default = map(json!({"smtp_host": "smtp.example.com", "smtp_port": 587}));
        assert!(
            moved(ty, p, &before, &tls_default).is_empty(),
            "a left-out setting is its default"
        );
        let msg = reenter_message(ty, p, &["smtp_host"], "smtp_password");
        assert!(msg.contains("enter the") && msg.contains("again"), "{msg}");
        let due = to_reenter(ty, p, &["smtp_host"], ["smtp_password"], &|_| false);
        assert!(due.contains_key("smtp_password"));
        let given = to_reenter(ty, p, &["smtp_host"], ["smtp_password"], &|_| true);
        assert!(given.is_empty());
    }
}
