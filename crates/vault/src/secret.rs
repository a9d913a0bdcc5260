//! [`Secret`]: a secret value in memory. Its Debug output is a mask, it has
//! no Display and no Serialize, and its bytes are zeroized when dropped.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A plaintext secret (API key, token, password) held in memory.
///
/// The only way to see the value is [`Secret::expose`], so every place that
/// handles plaintext is easy to find with a search.
#[derive(Clone, Default, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value. The caller's copy should be dropped (or zeroized) too.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The plaintext. Call only where the value must leave the process:
    /// an explicit reveal, a provider call, or an export the user asked for.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value masked by the API rule (see [`mask`]): all but the last 4 characters hidden.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }

    /// True when the secret holds no characters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of characters (not bytes).
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the value, not even its tail: Debug output ends up in logs.
        f.write_str("Secret(****)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

pub use switchboard_catalog::mask;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("sk_live_canary_1234");
        let shown = format!("{s:?} {:?}", vec![s.clone()]);
        assert!(!shown.contains("canary"));
        assert!(!shown.contains("1234"));
    }

    #[test]
    fn masked_uses_the_contract_rule() {
        assert_eq!(Secret::new("abcdefWXYZ").masked(), "******WXYZ");
        assert_eq!(Secret::new("abc").masked(), "****");
    }
}
