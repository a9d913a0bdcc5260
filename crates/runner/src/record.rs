//! Between the checks and the store: a check's input from an integration's
//! credentials, and the record the store keeps of an outcome.

use switchboard_providers::{CheckInput, Outcome};
use switchboard_store::{CheckRecord, Credentials};

/// A check's input read from the store.
pub trait FromCredentials<'a> {
    /// The input for a store integration's credentials.
    fn from_credentials(credentials: &'a Credentials) -> Self;
}

impl<'a> FromCredentials<'a> for CheckInput<'a> {
    fn from_credentials(credentials: &'a Credentials) -> CheckInput<'a> {
        CheckInput {
            integration_type: &credentials.integration_type,
            provider: &credentials.provider,
            config: &credentials.config,
            secrets: &credentials.secrets,
        }
    }
}

/// What the store records of an outcome.
pub trait ToRecord {
    /// Ok and NotCheckable as such, every other kind as a failure; the
    /// message is the message plus the hint, and the log details carry the
    /// kind, the provider's details and the timing.
    fn to_record(&self) -> CheckRecord;
}

impl ToRecord for Outcome {
    fn to_record(&self) -> CheckRecord {
        CheckRecord {
            expiry: self.stated_expiry().cloned(),
            secrets_created: self.secrets_created(),
            ..CheckRecord::new(self.kind.check_kind(), self.summary(), self.log_details())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_domain::CheckKind;
    use switchboard_providers::OutcomeKind;

    #[test]
    fn records_map_kinds_and_join_message_and_hint() {
        let ok = Outcome::ok("SendGrid accepted the key.");
        assert_eq!(ok.to_record().kind, CheckKind::Ok);
        assert_eq!(ok.to_record().message, "SendGrid accepted the key.");
        let nc = Outcome::new(OutcomeKind::NotCheckable, "No check.", "Send a test.");
        assert_eq!(nc.to_record().kind, CheckKind::NotCheckable);
        assert_eq!(nc.to_record().message, "No check. Send a test.");
        for kind in OutcomeKind::ALL {
            if !matches!(kind, OutcomeKind::Ok | OutcomeKind::NotCheckable) {
                let rec = Outcome::new(kind, "m", "h").status(401).to_record();
                assert_eq!(rec.kind, CheckKind::Failed);
                assert_eq!(rec.details["outcome"], kind.as_str());
                assert_eq!(rec.details["http_status"], 401);
            }
        }
    }
}
