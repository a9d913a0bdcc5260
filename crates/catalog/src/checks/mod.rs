//! The shape checks a field can carry, hand-written (no regex crate, so the
//! catalog stays small and builds for wasm32). Each check takes the trimmed
//! input and either returns the normalized value or a message that says what is
//! wrong and what to do. Messages name the field by its label and never repeat
//! the value, so they are safe for secrets.

mod json;
mod net;
mod text;

pub use json::FORM_FIELD_TYPES;

use serde::Serialize;
use serde_json::Value;

/// How a field's value is checked beyond its [`crate::FieldKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Anything goes (free text, passwords that may contain spaces).
    None,
    /// A key or token: one piece, no spaces or line breaks, no "Bearer " in front.
    Token,
    /// An email address like name@example.com.
    Email,
    /// A phone number in E.164: "+" then 8 to 15 digits, the first 1-9.
    /// Spaces, dashes, dots and brackets are removed first.
    E164,
    /// An http or https URL with a host.
    Url,
    /// An https URL (http only for localhost, 127.0.0.1 and [::1]).
    HttpsUrl,
    /// An https URL whose host is one of these domains or a subdomain of one.
    HttpsHost(&'static [&'static str]),
    /// A host name such as smtp.example.com (no scheme, no port, no path).
    Hostname,
    /// Only digits (numeric ids such as Meta's).
    Digits,
    /// Letters, digits, '-', '_', '.' and ':' (tags, ids, codes).
    Identifier,
    /// A token that starts with one of these prefixes.
    Prefix(&'static [&'static str]),
    /// A token that ends with one of these suffixes.
    Suffix(&'static [&'static str]),
    /// "AC" followed by 32 hex digits.
    TwilioAccountSid,
    /// "SK" followed by 32 hex digits.
    TwilioApiKeySid,
    /// 32 hex digits, "-us", then the data-center number.
    MailchimpKey,
    /// "AKIA" or "ASIA" followed by 16 uppercase letters or digits.
    AwsAccessKeyId,
    /// 40 characters of A-Z, a-z, 0-9, '/' and '+'.
    AwsSecretAccessKey,
    /// Exactly this many hex digits.
    Hex(usize),
    /// Standard base64 with padding.
    Base64,
    /// A UUID/GUID: 8-4-4-4-12 hex digits.
    Uuid,
    /// A single DNS label in lowercase (e.g. a Zendesk subdomain).
    Subdomain,
    /// A bucket or container name: 3-63 lowercase letters, digits, '-' and '.'.
    BucketName,
    /// An Azure storage account name: 3-24 lowercase letters and digits.
    AzureAccountName,
    /// A three-letter currency code, stored in lowercase.
    Currency,
    /// A PEM private key (RSA or PKCS#8).
    PemPrivateKey,
    /// A URL path starting with "/".
    Path,
    /// An HTTP header name.
    HeaderName,
    /// A JSON object.
    JsonObject,
    /// A Google service-account key file.
    ServiceAccountJson,
    /// The sign-up page's form field list.
    SignupFormFields,
}

impl Check {
    /// Whether this check applies to JSON documents (fields of kind Json) rather than text.
    pub const fn is_json(&self) -> bool {
        matches!(
            self,
            Check::JsonObject | Check::ServiceAccountJson | Check::SignupFormFields
        )
    }
}

/// Runs a text check on an already-trimmed, non-empty string.
pub(crate) fn check_text(check: Check, label: &str, s: &str) -> Result<String, String> {
    match check {
        Check::None => Ok(s.to_owned()),
        Check::Token => text::token(label, s).map(str::to_owned),
        Check::Email => net::email(label, s),
        Check::E164 => net::e164(label, s),
        Check::Url => net::url(label, s, net::Scheme::Any, &[]),
        Check::HttpsUrl => net::url(label, s, net::Scheme::Https, &[]),
        Check::HttpsHost(hosts) => net::url(label, s, net::Scheme::Https, hosts),
        Check::Hostname => net::hostname_field(label, s),
        Check::Digits => text::digits(label, s),
        Check::Identifier => text::identifier(label, s),
        Check::Prefix(prefixes) => text::prefix(label, s, prefixes),
        Check::Suffix(suffixes) => text::suffix(label, s, suffixes),
        Check::TwilioAccountSid => text::twilio_sid(label, s, "AC"),
        Check::TwilioApiKeySid => text::twilio_sid(label, s, "SK"),
        Check::MailchimpKey => text::mailchimp_key(label, s),
        Check::AwsAccessKeyId => text::aws_access_key_id(label, s),
        Check::AwsSecretAccessKey => text::aws_secret_access_key(label, s),
        Check::Hex(len) => text::hex(label, s, len),
        Check::Base64 => text::base64(label, s),
        Check::Uuid => text::uuid(label, s),
        Check::Subdomain => net::subdomain(label, s),
        Check::BucketName => net::bucket_name(label, s),
        Check::AzureAccountName => text::azure_account_name(label, s),
        Check::Currency => text::currency(label, s),
        Check::PemPrivateKey => text::pem_private_key(label, s),
        Check::Path => text::path(label, s),
        Check::HeaderName => text::header_name(label, s),
        // JSON checks on a text field: parse first, then keep the text as given.
        Check::JsonObject | Check::ServiceAccountJson | Check::SignupFormFields => {
            let value = parse_json(label, s)?;
            check_json(check, label, value).map(|_| s.to_owned())
        }
    }
}

/// Runs a check on a parsed JSON value (fields of kind Json). Text checks do
/// not apply to JSON and pass it through.
pub(crate) fn check_json(check: Check, label: &str, value: Value) -> Result<Value, String> {
    match check {
        Check::JsonObject => json::object(label, value),
        Check::ServiceAccountJson => json::service_account(label, value),
        Check::SignupFormFields => json::signup_form_fields(label, value),
        _ => Ok(value),
    }
}

/// Parses pasted JSON text, reporting only where it broke (never the text itself).
pub(crate) fn parse_json(label: &str, s: &str) -> Result<Value, String> {
    serde_json::from_str(s).map_err(|e| {
        format!(
            "{label} is not valid JSON (the problem is at line {}, column {}). \
             Check for a missing comma, quote or bracket, or paste the whole text again.",
            e.line(),
            e.column()
        )
    })
}

/// Refuses a value holding any of `marks` (a scheme, a dot, a slash, a
/// port): an address was pasted where only a name belongs. `only` ends the
/// message "{label}: enter only …".
pub(crate) fn only_name(label: &str, s: &str, marks: &[&str], only: &str) -> Result<(), String> {
    if marks.iter().any(|mark| s.contains(mark)) {
        Err(format!("{label}: enter only {only}"))
    } else {
        Ok(())
    }
}

/// The checked `value` when `ok`, otherwise the message (built only then).
pub(crate) fn accept_if(
    ok: bool,
    value: impl Into<String>,
    message: impl FnOnce() -> String,
) -> Result<String, String> {
    if ok {
        Ok(value.into())
    } else {
        Err(message())
    }
}

/// "a", "a or b", "a, b or c".
pub(crate) fn or_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn or_list_reads_naturally() {
        assert_eq!(or_list(&["a"]), "a");
        assert_eq!(or_list(&["a", "b"]), "a or b");
        assert_eq!(or_list(&["a", "b", "c"]), "a, b or c");
    }

    #[test]
    fn json_errors_give_a_position_not_the_text() {
        let err = parse_json("Key file", "{\"private_key\": \"hunter2\"").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn json_checks_on_text_fields_keep_the_text() {
        assert_eq!(
            check_text(Check::JsonObject, "Headers", "{\"a\": 1}").unwrap(),
            "{\"a\": 1}"
        );
        assert!(check_text(Check::JsonObject, "Headers", "[1]").is_err());
    }
}
