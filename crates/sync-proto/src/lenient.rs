//! A domain enum as it travels in a sync message: a value this build knows,
//! or a name it does not (from a newer peer). Typed, so a renamed variant
//! fails to compile; lenient, so one odd log line is dropped (or one odd
//! status read as `pending`) instead of a whole batch being refused.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use switchboard_domain::{LogLevel, Status};

/// A domain enum with a wire name.
pub trait WireName: Copy + FromStr {
    /// The name on the wire and in the database.
    fn wire_name(self) -> &'static str;
}

impl WireName for LogLevel {
    fn wire_name(self) -> &'static str {
        self.as_str()
    }
}

impl WireName for Status {
    fn wire_name(self) -> &'static str {
        self.as_str()
    }
}

/// A known value of `T`, or the name of one this build does not know.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Lenient<T> {
    Known(T),
    Unknown(String),
}

impl<T: WireName> Lenient<T> {
    /// The value named `name`, known or not.
    pub fn parse(name: &str) -> Lenient<T> {
        match name.parse() {
            Ok(value) => Lenient::Known(value),
            Err(_) => Lenient::Unknown(name.to_owned()),
        }
    }

    /// The value, when this build knows it.
    pub fn known(&self) -> Option<T> {
        match self {
            Lenient::Known(value) => Some(*value),
            Lenient::Unknown(_) => None,
        }
    }

    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Lenient::Known(value) => value.wire_name(),
            Lenient::Unknown(name) => name,
        }
    }
}

impl<T: WireName + Default> Default for Lenient<T> {
    fn default() -> Self {
        Lenient::Known(T::default())
    }
}

impl<T: WireName> From<T> for Lenient<T> {
    fn from(value: T) -> Self {
        Lenient::Known(value)
    }
}

impl<T: WireName> From<&str> for Lenient<T> {
    fn from(name: &str) -> Self {
        Lenient::parse(name)
    }
}

impl<T: WireName> From<String> for Lenient<T> {
    fn from(name: String) -> Self {
        Lenient::parse(&name)
    }
}

impl<T: WireName> PartialEq<&str> for Lenient<T> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl<T: WireName> PartialEq<T> for Lenient<T>
where
    T: PartialEq,
{
    fn eq(&self, other: &T) -> bool {
        self.known().as_ref() == Some(other)
    }
}

impl<T: WireName> fmt::Debug for Lenient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lenient::Known(value) => f.write_str(value.wire_name()),
            Lenient::Unknown(name) => write!(f, "unknown {name:?}"),
        }
    }
}

impl<T: WireName> fmt::Display for Lenient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_parse_and_unknown_ones_are_kept() {
        for level in LogLevel::ALL {
            let wire: Lenient<LogLevel> = serde_json::from_value(level.as_str().into()).unwrap();
            assert_eq!(wire, level);
            assert_eq!(serde_json::to_value(wire).unwrap(), level.as_str());
        }
        let odd: Lenient<Status> = serde_json::from_str("\"archived\"").unwrap();
        assert_eq!(odd.known(), None);
        assert_eq!(odd, "archived");
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\"archived\"");
        assert_eq!(Lenient::<Status>::default(), Status::Pending);
    }
}
