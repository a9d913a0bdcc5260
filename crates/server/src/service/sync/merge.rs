//! One pushed change: a new integration validated like a create, or a
//! change merged field by field against the stored record.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use switchboard_sync_proto::{field, FieldConflict, PushChange, PushOutcome, PushResult};

use crate::db::{now, SyncWrite};
use crate::error::Error;
use crate::model::{AuthUser, IntegrationRecord, LogLevel, NewLog, Status};
use crate::service::{audit, blank, Check, Editing};
use crate::state::AppState;

use super::plan::{Sites, Target};
use super::pull::masked_secret;
use super::{invalid, invalid_field, result, VIA};

/// A pushed value's type problem, if any.
pub(super) fn check_type(name: &str, value: &Value) -> Option<&'static str> {
    match name {
        field::NAME | field::DESCRIPTION | field::PROVIDER if !value.is_string() => {
            Some("Not a valid string.")
        }
        field::IS_ACTIVE if !value.is_boolean() => Some("Must be a valid boolean."),
        field::TRASHED_AT if !value.is_null() && !value.as_str().is_some_and(is_timestamp) => {
            Some("Must be null or a UTC time like 2026-01-02T03:04:05.000000Z.")
        }
        _ => None,
    }
}

/// A stored timestamp's shape: `YYYY-MM-DDTHH:MM:SS[.f...]Z` (what every
/// store writes), so that text order stays time order for the sweep.
fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    b.len() >= 20
        && b.len() <= 40
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[b.len() - 1] == b'Z'
        && (b.len() == 20 || (b[19] == b'.' && digits(20..b.len() - 1) && b.len() > 21))
}

/// Applies one non-secret field to an edit (or the field's error).
pub(super) fn apply_field(
    ed: &mut Editing,
    user: &AuthUser,
    sites: &Sites,
    website_uid: &mut Option<String>,
    name: &str,
    value: &Value,
) -> Result<(), String> {
    if let Some(problem) = check_type(name, value) {
        return Err(problem.into());
    }
    match name {
        field::NAME => ed.record.name = value.as_str().unwrap_or_default().to_owned(),
        field::DESCRIPTION => {
            ed.record.description = value.as_str().unwrap_or_default().to_owned();
        }
        field::PROVIDER => ed.record.provider = value.as_str().unwrap_or_default().to_owned(),
        field::IS_ACTIVE => ed.record.is_active = value.as_bool().unwrap_or_default(),
        field::TRASHED_AT => ed.record.trashed_at = value.as_str().map(str::to_owned),
        field::WEBSITE => match sites.resolve(user, value)? {
            Target::Id(id) => {
                ed.record.website_id = id;
                *website_uid = None;
            }
            Target::New(uid) => {
                ed.record.website_id = None;
                *website_uid = Some(uid);
            }
        },
        other => {
            let Some(key) = other.strip_prefix(field::CONFIG_PREFIX) else {
                return Err(format!(
                    "'{other}' is not a field: use name, description, provider, is_active, website, trashed_at or config.<key>."
                ));
            };
            if ed.is_secret(key) {
                return Err(format!(
                    "'{key}' is a secret of {}: send it in secrets.",
                    ed.record.provider
                ));
            }
            ed.set(key, value.clone());
        }
    }
    Ok(())
}

/// Applies one secret to an edit (or the field's error).
pub(super) fn apply_secret(ed: &mut Editing, key: &str, value: &str) -> Result<(), String> {
    if !ed.is_secret(key) {
        return Err(format!(
            "'{key}' is not a secret of {}: send it in set as config.{key}.",
            ed.record.provider
        ));
    }
    ed.set(key, Value::String(value.to_owned()));
    Ok(())
}

/// A validation error as a push result, with fields named as sync names them.
pub(super) fn invalid_from(
    uid: &str,
    e: Error,
    ed_type: &str,
    provider: &str,
) -> Result<PushResult, Error> {
    match e {
        Error::Invalid(inv) => {
            let fields = inv
                .fields
                .into_iter()
                .map(|(k, m)| {
                    let name = match k.as_str() {
                        "name" | "description" | "provider" | "is_active" | "website" | "trashed_at"
                        | "integration_type" | "uid" => k,
                        _ if k.contains('.') => k,
                        _ if switchboard_catalog::is_secret(ed_type, provider, &k) => {
                            field::secret(&k)
                        }
                        _ => field::config(&k),
                    };
                    (name, m)
                })
                .collect();
            Ok(invalid(uid, inv.message, fields))
        }
        Error::Forbidden => Ok(invalid_field(
            uid,
            field::WEBSITE,
            "You are not a member of this website.",
        )),
        Error::Duplicate => Ok(invalid_field(
            uid,
            field::NAME,
            "Choose another name: this website already has an integration of this provider with this name.",
        )),
        other => Err(other),
    }
}

type Planned = (PushResult, Option<SyncWrite>);

/// A new integration: validated like a create through the second API.
pub(super) fn create(
    state: &AppState,
    user: &AuthUser,
    sites: &Sites,
    change: &PushChange,
) -> Result<Planned, Error> {
    let uid = change.uid.as_str();
    let mut errors = BTreeMap::new();
    if change.integration_type.trim().is_empty() {
        errors.insert(
            "integration_type".to_owned(),
            "This field is required.".to_owned(),
        );
    }
    let provider = match change.set.get(field::PROVIDER) {
        Some(Value::String(p)) if !p.trim().is_empty() => p.trim().to_owned(),
        _ => {
            errors.insert(
                field::PROVIDER.to_owned(),
                "This field is required.".to_owned(),
            );
            String::new()
        }
    };
    match change.set.get(field::NAME) {
        Some(Value::String(n)) if !n.trim().is_empty() => {}
        _ => {
            errors.insert(field::NAME.to_owned(), "This field is required.".to_owned());
        }
    }
    if !errors.is_empty() {
        let inv = crate::error::Invalid::fields(errors);
        return Ok((invalid(uid, inv.message, inv.fields), None));
    }
    let type_id = change.integration_type.trim().to_owned();
    if let Err(e) = crate::service::lookup(&type_id, &provider) {
        return Ok((invalid_from(uid, e, &type_id, &provider)?, None));
    }
    let mut record = blank(user, &type_id, &provider);
    record.uid = uid.to_owned();
    record.is_active = true;
    record.configured = true;
    let mut ed = Editing::new(record, Check::Full);
    let mut website_uid = None;
    let mut errors = BTreeMap::new();
    for (name, value) in &change.set {
        if name == field::PROVIDER {
            continue;
        }
        if let Err(m) = apply_field(&mut ed, user, sites, &mut website_uid, name, value) {
            errors.insert(name.clone(), m);
        }
    }
    for (key, value) in &change.secrets {
        if let Err(m) = apply_secret(&mut ed, key, value) {
            errors.insert(field::secret(key), m);
        }
    }
    if !errors.is_empty() {
        let inv = crate::error::Invalid::fields(errors);
        return Ok((invalid(uid, inv.message, inv.fields), None));
    }
    ed.record.status = if ed.record.is_active {
        Status::Active
    } else {
        Status::Inactive
    };
    let (mut record, _) = match ed.finish(state.vault(), None) {
        Ok(done) => done,
        Err(e) => return Ok((invalid_from(uid, e, &type_id, &provider)?, None)),
    };
    carry_dates(&mut record, change, change.secrets.keys());
    let mut names: Vec<String> = vec!["name".into(), "integration_type".into(), "provider".into()];
    names.extend(record.config.keys().map(|k| field::config(k)));
    names.extend(record.secrets.keys().map(|k| format!("secrets.{k}")));
    let entry = audit(user, "create", VIA, names);
    let log = NewLog::new(
        LogLevel::Info,
        format!("Created ({} via {VIA})", record.provider),
        json!({"by": user.email}),
    );
    Ok((
        result(uid, PushOutcome::Applied),
        Some(SyncWrite::Create {
            record,
            website_uid,
            audit: entry,
            log,
        }),
    ))
}

/// The server's current value of a non-secret sync field.
/// The dates a push carries onto the record it writes: when each secret
/// it applies was set on the laptop, and the expiry the laptop recorded.
fn carry_dates<'a>(
    record: &mut IntegrationRecord,
    change: &PushChange,
    keys: impl Iterator<Item = &'a String>,
) {
    for key in keys {
        if let Some(date) = change.dates.secret_set_at.get(key) {
            record.secret_dates.insert(key.clone(), date.clone());
        }
    }
    if change.dates.expires_at.is_some() {
        record.expires_at = change.dates.expires_at.clone();
        record.expires_source = change.dates.expires_source.clone();
    }
}

pub(super) fn server_value(r: &IntegrationRecord, sites: &Sites, name: &str) -> Value {
    match name {
        field::NAME => json!(r.name),
        field::DESCRIPTION => json!(r.description),
        field::PROVIDER => json!(r.provider),
        field::IS_ACTIVE => json!(r.is_active),
        field::TRASHED_AT => json!(r.trashed_at),
        field::WEBSITE => r
            .website_id
            .and_then(|id| sites.uid_of.get(&id))
            .map_or(Value::Null, |u| json!(u)),
        other => other
            .strip_prefix(field::CONFIG_PREFIX)
            .and_then(|k| r.config.get(k))
            .cloned()
            .unwrap_or(Value::Null),
    }
}

/// Whether a pushed value equals the server's (a blank website is null).
pub(super) fn same_value(name: &str, pushed: &Value, server: &Value) -> bool {
    if name == field::WEBSITE && pushed.as_str() == Some("") {
        return server.is_null();
    }
    pushed == server
}

/// A change to an existing record, merged field by field.
pub(super) fn merge(
    state: &AppState,
    user: &AuthUser,
    sites: &Sites,
    change: &PushChange,
    rec: IntegrationRecord,
) -> Result<Planned, Error> {
    let uid = change.uid.as_str();
    let vault = state.vault();
    let rev_of = |name: &str| rec.field_revs.get(name).copied().unwrap_or(1);
    let mut conflicts = Vec::new();
    let mut apply_set: Vec<(&String, &Value)> = Vec::new();
    let mut apply_secrets: Vec<(&String, &String)> = Vec::new();
    for (name, value) in &change.set {
        let theirs = server_value(&rec, sites, name);
        if same_value(name, value, &theirs) {
            continue;
        }
        let revision = rev_of(name);
        if revision <= change.base_revision {
            apply_set.push((name, value));
        } else {
            conflicts.push(FieldConflict {
                field: name.clone(),
                theirs,
                revision,
            });
        }
    }
    for (key, value) in &change.secrets {
        let current = vault.open(&rec.uid, &rec.secrets, key);
        let same = match &current {
            Some(s) => s.expose() == value,
            None => value.trim().is_empty() && !rec.secrets.contains(key),
        };
        if same {
            continue;
        }
        let name = field::secret(key);
        let revision = rev_of(&name);
        if revision <= change.base_revision {
            apply_secrets.push((key, value));
        } else {
            let theirs = if rec.secrets.contains(key) {
                json!(masked_secret(vault, &rec, key))
            } else {
                Value::Null
            };
            conflicts.push(FieldConflict {
                field: name,
                theirs,
                revision,
            });
        }
    }
    let unchanged = |outcome| {
        let mut r = result(uid, outcome);
        r.id = Some(rec.id);
        r.revision = Some(rec.revision);
        r
    };
    if apply_set.is_empty() && apply_secrets.is_empty() {
        let outcome = if conflicts.is_empty() {
            PushOutcome::Applied
        } else {
            PushOutcome::Conflict
        };
        let mut r = unchanged(outcome);
        r.conflicts = conflicts;
        return Ok((r, None));
    }

    let check = if rec.configured {
        Check::Full
    } else {
        Check::Partial
    };
    let mut ed = Editing::new(rec.clone(), check);
    let mut website_uid = None;
    let mut errors = BTreeMap::new();
    // The provider first: it decides which keys are secrets.
    apply_set.sort_by_key(|(name, _)| name.as_str() != field::PROVIDER);
    for (name, value) in apply_set {
        if let Err(m) = apply_field(&mut ed, user, sites, &mut website_uid, name, value) {
            errors.insert(name.clone(), m);
        }
    }
    let sent: Vec<String> = apply_secrets.iter().map(|(k, _)| (*k).clone()).collect();
    for (key, value) in apply_secrets {
        if let Err(m) = apply_secret(&mut ed, key, value) {
            errors.insert(field::secret(key), m);
        }
    }
    if !errors.is_empty() {
        let inv = crate::error::Invalid::fields(errors);
        return Ok((invalid(uid, inv.message, inv.fields), None));
    }
    let (type_id, provider) = (
        ed.record.integration_type.clone(),
        ed.record.provider.clone(),
    );
    let (mut record, fields) = match ed.finish(vault, Some(&rec)) {
        Ok(done) => done,
        Err(e) => return Ok((invalid_from(uid, e, &type_id, &provider)?, None)),
    };
    let outcome = if conflicts.is_empty() {
        PushOutcome::Applied
    } else {
        PushOutcome::Merged
    };
    if fields.is_empty() && website_uid.is_none() {
        let mut r = unchanged(outcome);
        r.conflicts = conflicts;
        return Ok((r, None));
    }
    record.updated_at = now();
    carry_dates(&mut record, change, sent.iter());
    let mut entry = audit(user, "update", VIA, fields.clone());
    entry.integration_id = Some(rec.id);
    let log = NewLog::new(
        LogLevel::Info,
        format!("Update ({})", fields.join(", ")),
        json!({"by": user.email, "fields": fields, "via": VIA}),
    );
    let mut r = result(uid, outcome);
    r.id = Some(rec.id);
    r.conflicts = conflicts;
    Ok((
        r,
        Some(SyncWrite::Update {
            up_to_date: change.base_revision >= rec.revision,
            record,
            website_uid,
            audit: entry,
            log,
        }),
    ))
}
