//! Where each provider is reached: the real hosts by default, or base URLs
//! given by configuration (a JSON object, from the environment or a file) so
//! tests and staging set-ups point checks at other hosts without code changes.
//!
//! Keys name a provider host (`sendgrid`, `mailgun_eu`, `sts`, `s3`...; see
//! [`Endpoints::KEYS`]). An override replaces the whole base URL, templated
//! hosts included (Mailchimp's `{dc}.api.mailchimp.com`, S3's bucket hosts...),
//! and may itself use the same `{placeholders}`. The key `*` is a fallback
//! for every key without its own override.

use std::collections::BTreeMap;

use crate::error::{ProviderError, Result};

/// The environment variable holding a JSON object of overrides.
pub const ENV_JSON: &str = "SWITCHBOARD_PROVIDER_ENDPOINTS";
/// The environment variable holding the path of a JSON file of overrides.
pub const ENV_FILE: &str = "SWITCHBOARD_PROVIDER_ENDPOINTS_FILE";

/// Base-URL overrides per provider host key. `Endpoints::default()` reaches the real hosts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoints {
    overrides: BTreeMap<String, String>,
}

impl Endpoints {
    /// Every key with its default base URL; `{name}` parts are filled from the
    /// integration's settings (region, bucket, data center, subdomain...).
    pub const KEYS: &'static [(&'static str, &'static str)] = &[
        ("sendgrid", "https://api.sendgrid.com"),
        ("sendgrid_eu", "https://api.eu.sendgrid.com"),
        ("mailgun", "https://api.mailgun.net"),
        ("mailgun_eu", "https://api.eu.mailgun.net"),
        ("mailchimp", "https://{dc}.api.mailchimp.com"),
        ("postmark", "https://api.postmarkapp.com"),
        ("sparkpost", "https://api.sparkpost.com"),
        ("sparkpost_eu", "https://api.eu.sparkpost.com"),
        ("mandrill", "https://mandrillapp.com"),
        ("sts", "https://sts.amazonaws.com"),
        ("iam", "https://iam.amazonaws.com"),
        ("ses", "https://email.{region}.amazonaws.com"),
        ("sns", "https://sns.{region}.amazonaws.com"),
        ("s3", "https://{bucket}.s3.{region}.amazonaws.com"),
        ("spaces", "https://{bucket}.{region}.digitaloceanspaces.com"),
        ("cloudfront", "https://cloudfront.amazonaws.com"),
        ("meta", "https://graph.facebook.com"),
        ("twilio", "https://api.twilio.com"),
        ("vonage", "https://rest.nexmo.com"),
        ("plivo", "https://api.plivo.com"),
        ("messagebird", "https://rest.messagebird.com"),
        ("stripe", "https://api.stripe.com"),
        ("paypal", "https://api-m.paypal.com"),
        ("paypal_sandbox", "https://api-m.sandbox.paypal.com"),
        ("razorpay", "https://api.razorpay.com"),
        ("square", "https://connect.squareup.com"),
        ("square_sandbox", "https://connect.squareupsandbox.com"),
        ("mollie", "https://api.mollie.com"),
        ("google_oauth2", "https://oauth2.googleapis.com"),
        ("gcs", "https://storage.googleapis.com"),
        ("azure_blob", "https://{account}.blob.core.windows.net"),
        ("cloudflare", "https://api.cloudflare.com"),
        ("fastly", "https://api.fastly.com"),
        ("github", "https://github.com"),
        ("linkedin", "https://www.linkedin.com"),
        ("twitter", "https://api.twitter.com"),
        ("pinterest", "https://api.pinterest.com"),
        ("tiktok", "https://business-api.tiktok.com"),
        ("hotjar", "https://api.hotjar.io"),
        ("mixpanel", "https://mixpanel.com"),
        ("mixpanel_eu", "https://eu.mixpanel.com"),
        ("mixpanel_in", "https://in.mixpanel.com"),
        ("segment", "https://api.segmentapis.com"),
        ("intercom", "https://api.intercom.io"),
        ("intercom_eu", "https://api.eu.intercom.io"),
        ("intercom_au", "https://api.au.intercom.io"),
        ("zendesk", "https://{subdomain}.zendesk.com"),
        ("drift", "https://driftapi.com"),
        ("crisp", "https://api.crisp.chat"),
        ("docusign", "https://account.docusign.com"),
        ("docusign_demo", "https://account-d.docusign.com"),
        ("hellosign", "https://api.hellosign.com"),
        ("openai", "https://api.openai.com"),
        ("anthropic", "https://api.anthropic.com"),
        ("cohere", "https://api.cohere.com"),
        ("make", "https://{zone}.make.com"),
    ];

    /// The fallback key: used for every key that has no override of its own.
    pub const WILDCARD: &'static str = "*";

    /// Overrides from a JSON object `{"key": "base URL", ...}`. Unknown keys
    /// and URLs that are not http(s) are refused, so a typo cannot silently
    /// send a staging set-up to the real provider.
    pub fn from_json(text: &str) -> Result<Endpoints> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            ProviderError::Endpoints(format!("the endpoint overrides are not valid JSON: {e}"))
        })?;
        let object = value.as_object().ok_or_else(|| {
            ProviderError::Endpoints(
                "the endpoint overrides must be a JSON object of key → base URL".into(),
            )
        })?;
        let mut endpoints = Endpoints::default();
        for (key, url) in object {
            let url = url.as_str().ok_or_else(|| {
                ProviderError::Endpoints(format!("the override for '{key}' must be a string URL"))
            })?;
            endpoints = endpoints.with(key, url)?;
        }
        Ok(endpoints)
    }

    /// Overrides from the environment: a file named by
    /// `SWITCHBOARD_PROVIDER_ENDPOINTS_FILE`, then a JSON object in
    /// `SWITCHBOARD_PROVIDER_ENDPOINTS` (whose keys win). Neither set gives
    /// the real hosts.
    pub fn from_env() -> Result<Endpoints> {
        let mut endpoints = Endpoints::default();
        if let Some(path) = std::env::var_os(ENV_FILE).filter(|p| !p.is_empty()) {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                ProviderError::Endpoints(format!(
                    "cannot read the endpoint overrides file {} ({e}): fix {ENV_FILE}",
                    std::path::Path::new(&path).display()
                ))
            })?;
            endpoints.merge(Endpoints::from_json(&text)?);
        }
        if let Ok(text) = std::env::var(ENV_JSON) {
            if !text.trim().is_empty() {
                endpoints.merge(Endpoints::from_json(&text)?);
            }
        }
        Ok(endpoints)
    }

    /// Adds or replaces one override (builder style).
    pub fn with(mut self, key: &str, base_url: &str) -> Result<Endpoints> {
        if key != Self::WILDCARD && !Self::KEYS.iter().any(|(k, _)| *k == key) {
            let known: Vec<&str> = Self::KEYS.iter().map(|(k, _)| *k).collect();
            return Err(ProviderError::Endpoints(format!(
                "'{key}' is not a provider endpoint key; use one of: *, {}",
                known.join(", ")
            )));
        }
        let trimmed = base_url.trim().trim_end_matches('/');
        // Placeholders are not valid in a host, so validate with them filled.
        let probe = fill(trimmed, &|_| Some("x".into()));
        let parsed = url::Url::parse(&probe).map_err(|e| {
            ProviderError::Endpoints(format!("the override for '{key}' is not a URL ({e})"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(ProviderError::Endpoints(format!(
                "the override for '{key}' must be an http:// or https:// URL with a host"
            )));
        }
        self.overrides.insert(key.to_owned(), trimmed.to_owned());
        Ok(self)
    }

    /// Adds every override of `other`, replacing ours on the same key.
    pub fn merge(&mut self, other: Endpoints) {
        self.overrides.extend(other.overrides);
    }

    /// The override for a key (the wildcard's if the key has none).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.overrides
            .get(key)
            .or_else(|| self.overrides.get(Self::WILDCARD))
            .map(String::as_str)
    }

    /// The destinations (host, port) the overrides name; a templated host
    /// is left out (its filled form is not known here).
    pub fn destinations(&self) -> impl Iterator<Item = (String, u16)> + '_ {
        self.overrides
            .values()
            .filter(|template| !template.contains('{'))
            .filter_map(|template| {
                let u = url::Url::parse(template).ok()?;
                Some((u.host_str()?.to_owned(), u.port_or_known_default()?))
            })
    }

    /// True when no override is set.
    pub fn is_default(&self) -> bool {
        self.overrides.is_empty()
    }

    /// The base URL template for a key: the override or the real host.
    pub fn template(&self, key: &str) -> Option<&str> {
        self.get(key)
            .or_else(|| Self::KEYS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v))
    }

    /// The base URL for a key with `{name}` parts filled from `vars`. A value
    /// that could change the host's meaning (anything but letters, digits,
    /// `.`, `-` and `_`) is refused, as is a placeholder without a value.
    pub fn resolve(&self, key: &str, vars: &[(&str, &str)]) -> std::result::Result<String, String> {
        let template = self
            .template(key)
            .ok_or_else(|| format!("no endpoint is known for '{key}'"))?;
        for (name, value) in vars {
            let safe = !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
            if !safe {
                return Err(format!(
                    "the {name} '{value}' cannot be part of a host name: use only letters, digits, dots and dashes"
                ));
            }
        }
        let missing = std::cell::RefCell::new(None);
        let url = fill(template, &|name| {
            let found = vars
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string());
            if found.is_none() {
                *missing.borrow_mut() = Some(name.to_owned());
            }
            found
        });
        match missing.into_inner() {
            Some(name) => Err(format!("the {name} is not set")),
            None => Ok(url),
        }
    }
}

/// Replaces each `{name}` with `lookup(name)` (left as is when None).
fn fill(template: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let name = &rest[start + 1..start + len];
        match lookup(name) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[start..=start + len]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Mailchimp base for data center us21 and the S3 base for bucket b1
    /// in `region`.
    fn templated(e: &Endpoints, region: &str) -> [String; 2] {
        let s3 = [("bucket", "b1"), ("region", region)];
        [
            e.resolve("mailchimp", &[("dc", "us21")]).unwrap(),
            e.resolve("s3", &s3).unwrap(),
        ]
    }

    #[test]
    fn defaults_fill_templated_hosts() {
        let e = Endpoints::default();
        assert_eq!(
            templated(&e, "eu-west-1"),
            [
                "https://us21.api.mailchimp.com",
                "https://b1.s3.eu-west-1.amazonaws.com"
            ]
        );
        assert!(e
            .resolve("zendesk", &[("subdomain", "evil.com/x")])
            .is_err());
        assert!(e.resolve("zendesk", &[]).is_err());
    }

    #[test]
    fn overrides_replace_the_whole_base_and_may_use_placeholders() {
        let e = Endpoints::from_json(
            r#"{"mailchimp": "http://127.0.0.1:5555/", "s3": "http://127.0.0.1:9000/{bucket}"}"#,
        )
        .unwrap();
        assert_eq!(
            templated(&e, "x"),
            ["http://127.0.0.1:5555", "http://127.0.0.1:9000/b1"]
        );
        assert_eq!(
            e.resolve("sendgrid", &[]).unwrap(),
            "https://api.sendgrid.com"
        );
    }

    #[test]
    fn wildcard_covers_every_key() {
        let e =
            Endpoints::from_json(r#"{"*": "http://127.0.0.1:1", "stripe": "http://127.0.0.1:2"}"#)
                .unwrap();
        assert_eq!(e.resolve("sendgrid", &[]).unwrap(), "http://127.0.0.1:1");
        assert_eq!(e.resolve("stripe", &[]).unwrap(), "http://127.0.0.1:2");
    }

    #[test]
    fn bad_configuration_is_refused_with_a_reason() {
        let err = Endpoints::from_json(r#"{"sendgird": "http://x"}"#).unwrap_err();
        assert!(err.to_string().contains("sendgird"));
        assert!(err.to_string().contains("sendgrid"));
        assert!(Endpoints::from_json(r#"{"stripe": "ftp://x"}"#).is_err());
        assert!(Endpoints::from_json(r#"["x"]"#).is_err());
        assert!(Endpoints::from_json("not json").is_err());
    }
}
