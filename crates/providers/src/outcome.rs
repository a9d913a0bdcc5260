//! The one result type of every connection check and test message: what
//! happened ([`OutcomeKind`]), a sentence a person can read, a hint they can act
//! on, and what the provider told us. Never carries a secret: the checker
//! scrubs every outcome against the integration's secrets before returning it.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use std::collections::BTreeMap;
pub use switchboard_domain::{OutcomeKind, StatedExpiry};

/// The outcome of one check or test message.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Outcome {
    /// How it ended.
    pub kind: OutcomeKind,
    /// What happened, in one or two sentences.
    pub message: String,
    /// What the person can do next (empty when nothing is needed).
    pub hint: String,
    /// What the provider told us (account name, scopes, quota, token expiry...). Never a secret.
    pub details: Value,
    /// When a rate-limited call may be retried, in seconds from now.
    pub retry_after_secs: Option<u64>,
    /// The HTTP status of the deciding answer, when there was one.
    pub http_status: Option<u16>,
    /// How long the whole check took.
    pub elapsed_ms: u64,
    /// Dates the provider stated (boxed: most checks state none, and every
    /// `Result<_, Outcome>` carries the size). Never a secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<Box<StatedDates>>,
}

/// Dates a check learnt from the provider, recorded by the store.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct StatedDates {
    /// The credential's expiry (None: the check learnt nothing about it).
    #[serde(default)]
    pub expiry: Option<StatedExpiry>,
    /// Secret key -> when the provider says the credential was created.
    #[serde(default)]
    pub secrets_created: BTreeMap<String, String>,
}

impl Outcome {
    /// An outcome with no details.
    pub fn new(kind: OutcomeKind, message: impl Into<String>, hint: impl Into<String>) -> Outcome {
        Outcome {
            kind,
            message: message.into(),
            hint: hint.into(),
            details: Value::Object(Default::default()),
            retry_after_secs: None,
            http_status: None,
            elapsed_ms: 0,
            dates: None,
        }
    }

    /// A success.
    pub fn ok(message: impl Into<String>) -> Outcome {
        Outcome::new(OutcomeKind::Ok, message, "")
    }

    /// A check that cannot be made (nothing is wrong; `hint` says what
    /// would make it checkable).
    pub fn not_checkable(message: impl Into<String>, hint: impl Into<String>) -> Outcome {
        Outcome::new(OutcomeKind::NotCheckable, message, hint)
    }

    /// Something on the provider's side (an outage, an account state, an
    /// unexpected answer) rather than in the credentials.
    pub(crate) fn provider_error(message: impl Into<String>, hint: impl Into<String>) -> Outcome {
        Outcome::new(OutcomeKind::ProviderError, message, hint)
    }

    /// Credentials that work, but in another region or environment than the
    /// integration's `setting` says: `message`, and the hint to change it to `should`.
    pub(crate) fn set_elsewhere(setting: &str, should: &str, message: String) -> Outcome {
        Outcome::new(
            OutcomeKind::WrongEnvironment,
            message,
            format!("Change the {setting} to {should}."),
        )
    }

    /// Replaces the details.
    pub fn details(mut self, details: Value) -> Outcome {
        self.details = details;
        self
    }

    /// Adds one detail (details become an object if they were not).
    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Outcome {
        if !self.details.is_object() {
            self.details = Value::Object(Default::default());
        }
        if let Some(map) = self.details.as_object_mut() {
            map.insert(key.to_owned(), value.into());
        }
        self
    }

    /// Sets the stated expiry (None states nothing).
    pub fn expiry(mut self, expiry: Option<StatedExpiry>) -> Outcome {
        if expiry.is_some() {
            self.dates.get_or_insert_default().expiry = expiry;
        }
        self
    }

    /// The expiry the provider stated, if any.
    pub fn stated_expiry(&self) -> Option<&StatedExpiry> {
        self.dates.as_ref().and_then(|d| d.expiry.as_ref())
    }

    /// States when the provider says the secret in `field` was created.
    pub fn secret_created(mut self, field: &str, at: &str) -> Outcome {
        self.dates
            .get_or_insert_default()
            .secrets_created
            .insert(field.to_owned(), at.to_owned());
        self
    }

    /// Secret key -> when the provider says it was created (empty: nothing stated).
    pub fn secrets_created(&self) -> BTreeMap<String, String> {
        self.dates
            .as_ref()
            .map(|d| d.secrets_created.clone())
            .unwrap_or_default()
    }

    /// Sets the HTTP status.
    pub fn status(mut self, status: u16) -> Outcome {
        self.http_status = Some(status);
        self
    }

    /// Sets when to retry.
    pub fn retry_after(mut self, secs: Option<u64>) -> Outcome {
        self.retry_after_secs = secs;
        self
    }

    /// Replaces the hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Outcome {
        self.hint = hint.into();
        self
    }

    /// True for [`OutcomeKind::Ok`].
    pub fn is_ok(&self) -> bool {
        self.kind == OutcomeKind::Ok
    }

    /// The message and the hint as one line.
    pub fn summary(&self) -> String {
        if self.hint.is_empty() {
            self.message.clone()
        } else {
            format!("{} {}", self.message, self.hint)
        }
    }

    /// The log details of a check: the kind, the hint, the provider's
    /// details and the timing.
    pub fn log_details(&self) -> Value {
        json!({
            "outcome": self.kind.as_str(),
            "hint": self.hint,
            "provider": self.details,
            "http_status": self.http_status,
            "retry_after_secs": self.retry_after_secs,
            "elapsed_ms": self.elapsed_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialize_as_snake_case_names() {
        for kind in OutcomeKind::ALL {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, Value::String(kind.as_str().into()));
            let back: OutcomeKind = serde_json::from_value(json).unwrap();
            assert_eq!(back, kind);
        }
    }
}
