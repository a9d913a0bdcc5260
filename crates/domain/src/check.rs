//! How a connection check ends and what that does to an integration's
//! health: the rule of the first product document, written once for the
//! laptop store and the team server.

use crate::{LogLevel, Status};
use serde::{Deserialize, Serialize};

/// How a check ended, as far as health is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The provider accepted the credentials.
    Ok,
    /// The check failed (bad credentials, network, ...).
    Failed,
    /// The provider offers no safe check, or checks are not available:
    /// nothing is known about the credentials, so health stays as it was.
    NotCheckable,
}

/// How a check or test message ended, in detail.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// The provider accepted the credentials.
    Ok,
    /// The provider rejected the credentials (wrong, revoked or expired).
    InvalidCredentials,
    /// The credentials are valid but lack a permission the integration needs.
    MissingPermission,
    /// Something the settings name does not exist (phone-number id, bucket, domain...).
    NotFound,
    /// The credentials belong to another region or environment (EU vs US, sandbox vs live).
    WrongEnvironment,
    /// The provider asked us to slow down.
    RateLimited,
    /// The connection failed (refused, reset, unreachable).
    Network,
    /// The host name could not be resolved.
    Dns,
    /// The TLS handshake failed (untrusted or mismatched certificate...).
    Tls,
    /// No answer within the time allowed.
    Timeout,
    /// The provider failed or answered something we do not understand.
    ProviderError,
    /// The provider offers no safe check for these credentials.
    NotCheckable,
}

impl OutcomeKind {
    /// Every kind, in declaration order.
    pub const ALL: [OutcomeKind; 12] = [
        OutcomeKind::Ok,
        OutcomeKind::InvalidCredentials,
        OutcomeKind::MissingPermission,
        OutcomeKind::NotFound,
        OutcomeKind::WrongEnvironment,
        OutcomeKind::RateLimited,
        OutcomeKind::Network,
        OutcomeKind::Dns,
        OutcomeKind::Tls,
        OutcomeKind::Timeout,
        OutcomeKind::ProviderError,
        OutcomeKind::NotCheckable,
    ];

    /// The snake_case name used on the wire and in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Ok => "ok",
            OutcomeKind::InvalidCredentials => "invalid_credentials",
            OutcomeKind::MissingPermission => "missing_permission",
            OutcomeKind::NotFound => "not_found",
            OutcomeKind::WrongEnvironment => "wrong_environment",
            OutcomeKind::RateLimited => "rate_limited",
            OutcomeKind::Network => "network",
            OutcomeKind::Dns => "dns",
            OutcomeKind::Tls => "tls",
            OutcomeKind::Timeout => "timeout",
            OutcomeKind::ProviderError => "provider_error",
            OutcomeKind::NotCheckable => "not_checkable",
        }
    }

    /// True when the failure is about reaching the provider rather than what
    /// it said (worth retrying later without changing anything).
    pub fn is_transport(self) -> bool {
        matches!(
            self,
            OutcomeKind::Network | OutcomeKind::Dns | OutcomeKind::Tls | OutcomeKind::Timeout
        )
    }

    /// What this outcome means for health: Ok and NotCheckable as such,
    /// every other kind a failure.
    pub fn check_kind(self) -> CheckKind {
        match self {
            OutcomeKind::Ok => CheckKind::Ok,
            OutcomeKind::NotCheckable => CheckKind::NotCheckable,
            _ => CheckKind::Failed,
        }
    }
}

/// The health fields of an integration.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HealthState {
    /// Status.
    pub status: Status,
    /// Last success.
    pub last_sync_at: Option<String>,
    /// Last error.
    pub last_error: Option<String>,
    /// Consecutive errors.
    pub error_count: i64,
}

/// The health rule, the one place it is written: a success makes the
/// integration active, sets `last_sync_at` to `now`, clears the last error
/// and the error count; a failure makes it `error`, keeps the message as the
/// last error and counts one more consecutive error; a check that could not
/// say anything changes nothing. Answers the level of the log line the check
/// writes.
///
/// A backend that updates health in one SQL statement follows the same rule
/// through [`CheckKind::changed_fields`] and the state this returns.
pub fn apply_check(state: &mut HealthState, kind: CheckKind, message: &str, now: &str) -> LogLevel {
    match kind {
        CheckKind::Ok => {
            state.status = Status::Active;
            state.last_sync_at = Some(now.to_owned());
            state.last_error = None;
            state.error_count = 0;
            LogLevel::Success
        }
        CheckKind::Failed => {
            state.status = Status::Error;
            state.last_error = Some(message.to_owned());
            state.error_count += 1;
            LogLevel::Error
        }
        CheckKind::NotCheckable => LogLevel::Warning,
    }
}

impl CheckKind {
    /// The health fields [`apply_check`] changes for this kind.
    pub fn changed_fields(self) -> &'static [&'static str] {
        match self {
            CheckKind::Ok => &["status", "last_sync_at", "last_error", "error_count"],
            CheckKind::Failed => &["status", "last_error", "error_count"],
            CheckKind::NotCheckable => &[],
        }
    }

    /// The level of the log line a check of this kind writes.
    pub fn log_level(self) -> LogLevel {
        apply_check(&mut HealthState::default(), self, "", "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule() {
        let mut h = HealthState {
            status: Status::Error,
            last_sync_at: None,
            last_error: Some("old".into()),
            error_count: 2,
        };
        assert_eq!(
            apply_check(&mut h, CheckKind::Failed, "bad key", "t1"),
            LogLevel::Error
        );
        assert_eq!((h.status, h.error_count), (Status::Error, 3));
        assert_eq!(h.last_error.as_deref(), Some("bad key"));
        let before = h.clone();
        assert_eq!(
            apply_check(&mut h, CheckKind::NotCheckable, "n/a", "t2"),
            LogLevel::Warning
        );
        assert_eq!(h, before);
        assert_eq!(
            apply_check(&mut h, CheckKind::Ok, "fine", "t3"),
            LogLevel::Success
        );
        assert_eq!(
            h,
            HealthState {
                status: Status::Active,
                last_sync_at: Some("t3".into()),
                last_error: None,
                error_count: 0
            }
        );
    }

    #[test]
    fn changed_fields_match_the_rule() {
        for kind in [CheckKind::Ok, CheckKind::Failed, CheckKind::NotCheckable] {
            let start = HealthState {
                status: Status::Pending,
                last_sync_at: Some("t0".into()),
                last_error: Some("e0".into()),
                error_count: 1,
            };
            let mut after = start.clone();
            apply_check(&mut after, kind, "m", "t1");
            let mut changed = Vec::new();
            if after.status != start.status {
                changed.push("status");
            }
            if after.last_sync_at != start.last_sync_at {
                changed.push("last_sync_at");
            }
            if after.last_error != start.last_error {
                changed.push("last_error");
            }
            if after.error_count != start.error_count {
                changed.push("error_count");
            }
            assert_eq!(changed, kind.changed_fields(), "{kind:?}");
        }
    }

    #[test]
    fn outcome_kinds_name_themselves_as_serde_does() {
        for k in OutcomeKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        assert_eq!(OutcomeKind::Tls.check_kind(), CheckKind::Failed);
    }
}
