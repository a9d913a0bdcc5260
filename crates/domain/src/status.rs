//! An integration's status and a log line's level.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An integration's status, as the first product document defines it.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Configured and working.
    Active,
    /// Switched off by the user.
    Inactive,
    /// The last check failed.
    Error,
    /// Created but not yet configured or tested.
    #[default]
    Pending,
}

impl Status {
    /// Every status, in display order.
    pub const ALL: [Status; 4] = [
        Status::Active,
        Status::Inactive,
        Status::Error,
        Status::Pending,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Inactive => "inactive",
            Status::Error => "error",
            Status::Pending => "pending",
        }
    }

    /// The status named `s`, if any.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::parse(s)
            .ok_or_else(|| format!("'{s}' is not a status: use active, inactive, error or pending"))
    }
}

/// A log entry's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// A check or action succeeded.
    Success,
    /// Something failed.
    Error,
    /// Worth a look.
    Warning,
    /// A record of what happened.
    Info,
}

impl LogLevel {
    /// Every level.
    pub const ALL: [LogLevel; 4] = [
        LogLevel::Success,
        LogLevel::Error,
        LogLevel::Warning,
        LogLevel::Info,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Success => "success",
            LogLevel::Error => "error",
            LogLevel::Warning => "warning",
            LogLevel::Info => "info",
        }
    }

    /// The level named `s`, if any.
    pub fn parse(s: &str) -> Option<LogLevel> {
        LogLevel::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The SQL list of every level, `('success', 'error', ...)`, for
    /// statements that filter on valid levels.
    pub fn sql_list() -> String {
        sql_list(LogLevel::ALL.iter().map(|l| l.as_str()))
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LogLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LogLevel::parse(s).ok_or_else(|| format!("'{s}' is not a log level"))
    }
}

fn sql_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.map(|n| format!("'{n}'")).collect();
    format!("({})", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_serde() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for l in LogLevel::ALL {
            assert_eq!(l.as_str().parse::<LogLevel>(), Ok(l));
            assert_eq!(serde_json::to_value(l).unwrap(), l.as_str());
        }
        assert!("Active".parse::<Status>().is_err());
        assert_eq!(
            LogLevel::sql_list(),
            "('success', 'error', 'warning', 'info')"
        );
    }
}
