//! The names of an integration's synced fields (in pushes, `field_revs` and
//! conflicts) and the one field-diff both the laptop and the server use to
//! say which of them a write changed.

use std::collections::{BTreeMap, BTreeSet};

pub const NAME: &str = "name";
pub const DESCRIPTION: &str = "description";
pub const PROVIDER: &str = "provider";
pub const IS_ACTIVE: &str = "is_active";
pub const WEBSITE: &str = "website";
/// When the integration was moved to the Trash (RFC 3339 text), or null
/// when it is not in the Trash.
pub const TRASHED_AT: &str = "trashed_at";
pub const CONFIG_PREFIX: &str = "config.";
pub const SECRET_PREFIX: &str = "secret.";

/// `config.<key>`.
pub fn config(key: &str) -> String {
    format!("{CONFIG_PREFIX}{key}")
}

/// `secret.<key>`.
pub fn secret(key: &str) -> String {
    format!("{SECRET_PREFIX}{key}")
}

/// True for `secret.<key>` names.
pub fn is_secret(name: &str) -> bool {
    name.starts_with(SECRET_PREFIX)
}

/// The keys whose value differs between two maps: present in one only, or
/// in both with different values. In key order.
pub fn changed_keys<'a, V: PartialEq + 'a>(
    old: impl IntoIterator<Item = (&'a String, &'a V)>,
    new: impl IntoIterator<Item = (&'a String, &'a V)>,
) -> BTreeSet<&'a str> {
    let old: BTreeMap<&str, &V> = old.into_iter().map(|(k, v)| (k.as_str(), v)).collect();
    let new: BTreeMap<&str, &V> = new.into_iter().map(|(k, v)| (k.as_str(), v)).collect();
    old.keys()
        .chain(new.keys())
        .filter(|k| old.get(*k) != new.get(*k))
        .copied()
        .collect()
}

/// The synced fields one write changed, by their full names.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldDiff(BTreeSet<String>);

impl FieldDiff {
    /// An empty diff.
    pub fn new() -> FieldDiff {
        FieldDiff::default()
    }

    /// Counts `name` when `changed`.
    pub fn scalar(&mut self, name: &str, changed: bool) {
        if changed {
            self.0.insert(name.to_owned());
        }
    }

    /// `config.<key>` for every public setting that differs.
    pub fn config<'a, V: PartialEq + 'a>(
        &mut self,
        old: impl IntoIterator<Item = (&'a String, &'a V)>,
        new: impl IntoIterator<Item = (&'a String, &'a V)>,
    ) {
        self.keys(old, new, config);
    }

    /// `secret.<key>` for every secret that differs (a re-sealed value
    /// counts as changed even when the plaintext is the same: its nonce
    /// differs, and the user entered it again).
    pub fn secrets<'a, V: PartialEq + 'a>(
        &mut self,
        old: impl IntoIterator<Item = (&'a String, &'a V)>,
        new: impl IntoIterator<Item = (&'a String, &'a V)>,
    ) {
        self.keys(old, new, secret);
    }

    /// `name(key)` for every key whose value differs.
    fn keys<'a, V: PartialEq + 'a>(
        &mut self,
        old: impl IntoIterator<Item = (&'a String, &'a V)>,
        new: impl IntoIterator<Item = (&'a String, &'a V)>,
        name: fn(&str) -> String,
    ) {
        self.0.extend(changed_keys(old, new).into_iter().map(name));
    }

    /// Counts one secret as changed.
    pub fn secret(&mut self, key: &str) {
        self.0.insert(secret(key));
    }

    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The changed names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// True when `name` changed.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    /// The changed names.
    pub fn into_names(self) -> BTreeSet<String> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_names_added_removed_and_changed_keys() {
        let old: BTreeMap<String, i32> = [("a".into(), 1), ("b".into(), 2)].into();
        let new: BTreeMap<String, i32> = [("b".into(), 3), ("c".into(), 4)].into();
        let mut d = FieldDiff::new();
        d.config(&old, &new);
        d.secrets(&old, &old);
        d.scalar(NAME, true);
        d.scalar(DESCRIPTION, false);
        let names: Vec<&str> = d.names().collect();
        assert_eq!(names, ["config.a", "config.b", "config.c", "name"]);
        assert!(is_secret(&secret("k")));
    }
}
