//! One change to an integration, as both APIs make it: the API puts the new
//! public values and the plain secrets it was given into an [`Editing`], and
//! [`Editing::finish`] validates the result with the shared catalog, seals
//! the secrets and names the fields that changed (for the audit log, never
//! with values).

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use switchboard_catalog as catalog;
use switchboard_domain::field::{self, changed_keys};
use switchboard_vault::Secret;

use crate::error::{Error, Invalid};
use crate::model::IntegrationRecord;
use crate::secrets::Vault;

/// How much of the catalog's judgement applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Every required field must be set (configured integrations, the second API).
    Full,
    /// Only the values present are checked (a new, still pending integration).
    Partial,
}

/// A change in progress.
#[derive(Debug)]
pub struct Editing {
    /// The record with its new public values (name, status, config, ...).
    pub record: IntegrationRecord,
    /// Secret fields given in this change: Some replaces, None clears.
    pub secrets: BTreeMap<String, Option<Secret>>,
    pub check: Check,
}

impl Editing {
    pub fn new(record: IntegrationRecord, check: Check) -> Editing {
        Editing {
            record,
            secrets: BTreeMap::new(),
            check,
        }
    }

    /// Whether `key` is a secret field of the record's current provider.
    pub fn is_secret(&self, key: &str) -> bool {
        catalog::is_secret(&self.record.integration_type, &self.record.provider, key)
    }

    /// Sets one value as a client sent it: a secret field's value is kept
    /// aside to be sealed (blank or null clears it), anything else goes into
    /// the public config (null removes it).
    pub fn set(&mut self, key: &str, value: Value) {
        if self.is_secret(key) {
            let secret = match value {
                Value::Null => None,
                Value::String(s) if s.trim().is_empty() => None,
                Value::String(s) => Some(Secret::new(s)),
                other => Some(Secret::new(other.to_string())),
            };
            self.secrets.insert(key.to_owned(), secret);
        } else if value.is_null() {
            self.record.config.remove(key);
        } else {
            self.record.config.insert(key.to_owned(), value);
        }
    }

    /// The masked form of a field's current value (public or secret), as the
    /// second API shows it; None when unset.
    pub fn current_mask(&self, vault: &Vault, key: &str) -> Option<String> {
        if self.is_secret(key) {
            let secret = vault.open(&self.record.uid, &self.record.secrets, key)?;
            Some(secret.masked())
        } else {
            match self.record.config.get(key)? {
                Value::String(s) => Some(catalog::mask(s)),
                other => Some(catalog::mask(&other.to_string())),
            }
        }
    }

    /// Like [`Editing::set`], except that a value equal to the field's current
    /// mask (a client sending back what it read) leaves the field alone.
    pub fn set_unless_mask(&mut self, vault: &Vault, key: &str, value: Value) {
        if let Value::String(s) = &value {
            if !s.is_empty() && self.current_mask(vault, key).as_deref() == Some(s.as_str()) {
                return;
            }
        }
        self.set(key, value);
    }

    /// Sets every key of a config object (see [`Editing::set`]).
    pub fn set_all(&mut self, values: Map<String, Value>) {
        for (key, value) in values {
            self.set(&key, value);
        }
    }

    /// Replaces the public config: public keys not in `values` are removed;
    /// secret keys follow the secret rule (absent keeps, blank clears).
    pub fn replace_config(&mut self, values: Map<String, Value>) {
        let ty = self.record.integration_type.clone();
        let provider = self.record.provider.clone();
        self.record
            .config
            .retain(|k, _| catalog::is_secret(&ty, &provider, k));
        self.set_all(values);
    }

    /// Validates, seals and returns the new record with the names of what
    /// changed, compared with `before`.
    pub fn finish(
        self,
        vault: &Vault,
        before: Option<&IntegrationRecord>,
    ) -> Result<(IntegrationRecord, Vec<String>), Error> {
        let Editing {
            mut record,
            secrets,
            check,
        } = self;
        let (ty, provider) = lookup(&record.integration_type, &record.provider)?;
        let stored = record.secrets.clone();
        let already_set = |key: &str| stored.contains(key) && !secrets.contains_key(key);

        let mut values = record.config.clone();
        for (key, value) in &secrets {
            if let Some(secret) = value {
                values.insert(key.clone(), Value::String(secret.expose().to_owned()));
            }
        }
        let normalized = match check {
            Check::Full => catalog::validate(ty.id, provider.id, &values, &already_set)
                .map_err(|e| invalid(e, provider.id))?,
            Check::Partial => partial(ty, provider, &values)?,
        };
        drop(values);

        let mut config = Map::new();
        let mut sealed = record.secrets.clone();
        for (key, value) in normalized {
            let secret_field = provider.field(ty, &key).is_some_and(|f| f.secret);
            if !secret_field {
                config.insert(key, value);
            } else if let Some(Some(_)) = secrets.get(&key) {
                let text = match value {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                vault.put(&record.uid, &mut sealed, &key, &Secret::new(text));
            }
        }
        for (key, value) in &secrets {
            if value.is_none() {
                sealed.remove(key);
            }
        }
        sealed.retain(|key| provider.field(ty, key).is_some_and(|f| f.secret));
        if let Some(old) = before {
            reenter_for_moved_destination(ty, provider, old, &config, &secrets)?;
        }
        record.config = config;
        record.secrets = sealed;

        let changed = match before {
            Some(old) => changed_fields(old, &record, &secrets),
            None => Vec::new(),
        };
        Ok((record, changed))
    }
}

/// Refuses a change that moves where the secrets go (host, port, TLS mode,
/// base URL, region...) while keeping a secret stored for the old
/// destination: each such secret must come with the change.
fn reenter_for_moved_destination(
    ty: &catalog::IntegrationType,
    provider: &catalog::Provider,
    old: &IntegrationRecord,
    config: &Map<String, Value>,
    given: &BTreeMap<String, Option<Secret>>,
) -> Result<(), Error> {
    let moved = catalog::destination::moved(ty, provider, &old.config, config);
    let stored = old
        .secrets
        .keys()
        .filter(|k| provider.field(ty, k).is_some_and(|f| f.secret));
    let due =
        catalog::destination::to_reenter(ty, provider, &moved, stored, &|k| given.contains_key(k));
    if due.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(Invalid::fields(due)))
    }
}

/// The catalog's type and provider of a record, or a field error.
pub fn lookup(
    type_id: &str,
    provider_id: &str,
) -> Result<
    (
        &'static catalog::IntegrationType,
        &'static catalog::Provider,
    ),
    Error,
> {
    let Some(ty) = catalog::integration_type(type_id) else {
        return Err(Error::field(
            "integration_type",
            format!(
                "Unknown integration type '{type_id}'. Known types: {}.",
                catalog::type_ids()
            ),
        ));
    };
    let Some(provider) = ty.provider(provider_id) else {
        let known: Vec<&str> = ty.providers.iter().map(|p| p.id).collect();
        return Err(Error::field(
            "provider",
            format!(
                "Unknown provider '{provider_id}' for {}. Known providers: {}.",
                ty.label,
                known.join(", ")
            ),
        ));
    };
    Ok((ty, provider))
}

fn invalid(e: catalog::ValidationErrors, provider: &str) -> Error {
    if e.fields.is_empty() {
        let message = e.general.unwrap_or_else(|| format!("Invalid {provider}"));
        return Error::field("provider", message);
    }
    Error::Invalid(Invalid::fields(e.fields))
}

/// Checks only the values present: each must be a field of the form (or the
/// provider keeps extra keys) and valid; blank values are dropped.
fn partial(
    ty: &catalog::IntegrationType,
    provider: &catalog::Provider,
    values: &Map<String, Value>,
) -> Result<Map<String, Value>, Error> {
    let mut out = Map::new();
    let mut errors = BTreeMap::new();
    for (key, value) in values {
        match provider.field(ty, key) {
            Some(field) => match catalog::validate_field(field, value) {
                Ok(Value::Null) => {}
                Ok(v) => {
                    out.insert(key.clone(), v);
                }
                Err(message) => {
                    errors.insert(key.clone(), message);
                }
            },
            None if key == "provider" && value.as_str() == Some(provider.id) => {}
            None if provider.accepts_extra_keys => {
                out.insert(key.clone(), value.clone());
            }
            None => {
                errors.insert(
                    key.clone(),
                    format!("'{key}' is not a setting of {}; remove it.", provider.label),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(Invalid::fields(errors)))
    }
}

/// Names of what differs between two versions of a record; secrets by the
/// keys a change touched (their values are never compared or named).
fn changed_fields(
    old: &IntegrationRecord,
    new: &IntegrationRecord,
    secrets: &BTreeMap<String, Option<Secret>>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = |name: &str, differs: bool| {
        if differs {
            out.push(name.to_owned());
        }
    };
    field("name", old.name != new.name);
    field("description", old.description != new.description);
    field("website", old.website_id != new.website_id);
    field(
        "integration_type",
        old.integration_type != new.integration_type,
    );
    field("provider", old.provider != new.provider);
    field("status", old.status != new.status);
    field("is_active", old.is_active != new.is_active);
    field("configured", old.configured != new.configured);
    field("trashed_at", old.trashed_at != new.trashed_at);
    out.extend(
        changed_keys(&old.config, &new.config)
            .into_iter()
            .map(field::config),
    );
    let mut secret_keys: Vec<String> = secrets
        .iter()
        .filter(|(k, v)| v.is_some() || old.secrets.contains(k))
        .map(|(k, _)| k.clone())
        .collect();
    secret_keys.extend(
        old.secrets
            .keys()
            .filter(|k| !new.secrets.contains(k) && !secrets.contains_key(*k))
            .map(str::to_owned),
    );
    secret_keys.sort();
    secret_keys.dedup();
    out.extend(secret_keys.into_iter().map(|k| format!("secrets.{k}")));
    out
}
