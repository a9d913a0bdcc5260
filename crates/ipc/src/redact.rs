//! Debug for the requests and answers that carry passphrases, passwords,
//! recovery keys or secret values: those print as `<redacted>` (and a
//! form's values as their keys only), so a `{:?}` in a log or a panic never
//! shows them.

use std::fmt;

use serde_json::{Map, Value};

use crate::{
    ConnectRequest, CreateRequest, NewPerson, PersonUpdate, SetupAnswer, SetupRequest,
    UnlockRequest, UpdateRequest, WebhookRequest,
};

/// Prints `<redacted>`.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A form's values: the keys only (public and secret values travel together).
struct Keys<'a>(&'a Map<String, Value>);

impl fmt::Debug for Keys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl fmt::Debug for SetupRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetupRequest")
            .field("passphrase", &Redacted)
            .field("use_keyring", &self.use_keyring)
            .finish()
    }
}

impl fmt::Debug for SetupAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetupAnswer")
            .field("recovery_key", &Redacted)
            .field("uses_keyring", &self.uses_keyring)
            .finish()
    }
}

impl fmt::Debug for UnlockRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnlockRequest::Keyring => f.write_str("Keyring"),
            UnlockRequest::Passphrase { .. } => f
                .debug_struct("Passphrase")
                .field("passphrase", &Redacted)
                .finish(),
            UnlockRequest::RecoveryKey { .. } => f
                .debug_struct("RecoveryKey")
                .field("recovery_key", &Redacted)
                .finish(),
        }
    }
}

impl fmt::Debug for ConnectRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectRequest")
            .field("server_url", &self.server_url)
            .field("email", &self.email)
            .field("password", &Redacted)
            .finish()
    }
}

impl fmt::Debug for NewPerson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewPerson")
            .field("email", &self.email)
            .field("password", &Redacted)
            .field("role", &self.role)
            .field("websites", &self.websites)
            .finish()
    }
}

impl fmt::Debug for PersonUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonUpdate")
            .field("id", &self.id)
            .field("role", &self.role)
            .field("websites", &self.websites)
            .field("disabled", &self.disabled)
            .field("password", &self.password.as_ref().map(|_| Redacted))
            .finish()
    }
}

impl fmt::Debug for WebhookRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookRequest")
            .field("scheme", &self.scheme)
            .field("integration_id", &self.integration_id)
            .field("field", &self.field)
            .field("secret", &Redacted)
            .field("payload_len", &self.payload.len())
            .field("signature", &self.signature)
            .field("timestamp", &self.timestamp)
            .field("token", &Redacted)
            .field("url", &self.url)
            .finish()
    }
}

impl fmt::Debug for CreateRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateRequest")
            .field("integration_type", &self.integration_type)
            .field("provider", &self.provider)
            .field("name", &self.name)
            .field("description", &self.description)
            .field("website_id", &self.website_id)
            .field("values", &Keys(&self.values))
            .finish()
    }
}

impl fmt::Debug for UpdateRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateRequest")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("description", &self.description)
            .field("provider", &self.provider)
            .field("website_id", &self.website_id)
            .field("values", &Keys(&self.values))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "canary-7f3a9c";

    #[test]
    fn debug_never_prints_a_passphrase_password_or_secret() {
        let mut values = Map::new();
        values.insert("api_key".into(), Value::String(CANARY.into()));
        let printed = [
            format!(
                "{:?}",
                SetupRequest {
                    passphrase: CANARY.into(),
                    use_keyring: true
                }
            ),
            format!(
                "{:?}",
                SetupAnswer {
                    recovery_key: CANARY.into(),
                    uses_keyring: false
                }
            ),
            format!(
                "{:?}",
                UnlockRequest::Passphrase {
                    passphrase: CANARY.into()
                }
            ),
            format!(
                "{:?}",
                UnlockRequest::RecoveryKey {
                    recovery_key: CANARY.into()
                }
            ),
            format!(
                "{:?}",
                ConnectRequest {
                    server_url: "https://team.example".into(),
                    email: "a@example.com".into(),
                    password: CANARY.into()
                }
            ),
            format!(
                "{:?}",
                WebhookRequest {
                    scheme: "stripe".into(),
                    secret: CANARY.into(),
                    token: CANARY.into(),
                    ..WebhookRequest::default()
                }
            ),
            format!(
                "{:?}",
                CreateRequest {
                    name: "Newsletter".into(),
                    values: values.clone(),
                    ..CreateRequest::default()
                }
            ),
            format!(
                "{:?}",
                UpdateRequest {
                    id: "x".into(),
                    values,
                    ..UpdateRequest::default()
                }
            ),
            format!(
                "{:?}",
                NewPerson {
                    email: "ana@example.com".into(),
                    password: CANARY.into(),
                    ..NewPerson::default()
                }
            ),
            format!(
                "{:?}",
                PersonUpdate {
                    id: 2,
                    password: Some(CANARY.into()),
                    ..PersonUpdate::default()
                }
            ),
        ];
        for text in &printed {
            assert!(!text.contains(CANARY), "a secret in Debug: {text}");
            assert!(
                text.contains("<redacted>") || text.contains("api_key"),
                "{text}"
            );
        }
        assert!(printed[6].contains("Newsletter") && printed[6].contains("\"api_key\""));
    }
}
