//! The sync protocol (docs/sync.md): pull pages of changes by sequence
//! number, and push batches merged field by field against the revision the
//! laptop last saw, applied all or nothing and answered once per batch id.
//! Validation and sealing are the same as the other APIs' ([`Editing`]).

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use switchboard_sync_proto::{
    field, FieldConflict, PullPage, PulledIntegration, PushAnswer, PushBatch, PushChange,
    PushOutcome, PushResult, SyncLog, MAX_PULL_LIMIT, MAX_PUSH_CHANGES, MAX_PUSH_LOGS,
};

use super::{audit, blank, Check, Editing, MAX_ATTEMPTS};
use crate::db::{
    now, SyncApplied, SyncChanges, SyncPlan, SyncRow, SyncWebsiteDelete, SyncWebsiteWrite,
    SyncWrite,
};
use crate::error::Error;
use crate::model::{AuthUser, IntegrationRecord, ListFilter, LogLevel, NewLog, Status};
use crate::secrets::Vault;
use crate::state::AppState;

const VIA: &str = "api/v1/sync";

/// A pull page for `user`: websites and integration changes with a
/// sequence number above `since`, at most `limit` of each.
pub async fn pull(
    state: &AppState,
    user: &AuthUser,
    since: i64,
    limit: i64,
    client: Option<&str>,
) -> Result<PullPage, Error> {
    let limit = limit.clamp(1, MAX_PULL_LIMIT);
    let scope = ListFilter::for_user(user).scope;
    let only_sites = (!user.is_admin()).then(|| user.website_ids.clone());
    let SyncChanges {
        websites: mut sites,
        mut rows,
        mut logs,
        own_logs_upto,
    } = state
        .db()
        .sync_changes(scope, only_sites, since, limit + 1, client)
        .await?;
    // A list cut at `limit` ends the page at its last kept sequence number;
    // the other lists are trimmed to it, so the cursor skips nothing.
    let cap = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut boundary: Option<i64> = None;
    let mut cut = |last: Option<i64>| {
        boundary = match (boundary, last) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    };
    if sites.len() > cap {
        sites.truncate(cap);
        cut(sites.last().and_then(|s| s.seq));
    }
    if rows.len() > cap {
        rows.truncate(cap);
        cut(rows.last().map(SyncRow::seq));
    }
    if logs.len() > cap {
        logs.truncate(cap);
        cut(logs.last().and_then(|l| l.seq));
    }
    let more = boundary.is_some();
    if let Some(b) = boundary {
        sites.retain(|s| s.seq.unwrap_or(0) <= b);
        rows.retain(|r| r.seq() <= b);
        logs.retain(|l| l.seq.unwrap_or(0) <= b);
    }
    let mut next = sites
        .iter()
        .filter_map(|s| s.seq)
        .chain(rows.iter().map(SyncRow::seq))
        .chain(logs.iter().filter_map(|l| l.seq))
        .max()
        .unwrap_or(since)
        .max(since);
    // The client's own log lines are not read; on a last page the cursor
    // still moves past them (everything numbered below them was committed
    // before the lists were read).
    if !more {
        next = next.max(own_logs_upto.unwrap_or(since));
    }
    // The client's own changes were counted for `next` and `more`; it has
    // them already.
    rows.retain(|r| !r.mine());

    let uid_of: HashMap<i64, String> = if rows
        .iter()
        .any(|r| matches!(r, SyncRow::Live(rec, _) if rec.website_id.is_some()))
    {
        state
            .db()
            .websites(None)
            .await?
            .into_iter()
            .map(|w| (w.id, w.uid))
            .collect()
    } else {
        HashMap::new()
    };
    let vault = state.vault();
    let changes = rows
        .into_iter()
        .map(|row| match row {
            SyncRow::Live(r, _) => pulled(vault, &r, &uid_of),
            SyncRow::Deleted {
                uid, seq, revision, ..
            } => PulledIntegration {
                uid,
                seq,
                deleted: true,
                revision,
                id: None,
                website: None,
                integration_type: String::new(),
                provider: String::new(),
                name: String::new(),
                description: String::new(),
                is_active: false,
                config: Map::new(),
                secrets: BTreeMap::new(),
                field_revs: BTreeMap::new(),
                status: String::new(),
                last_sync_at: None,
                last_error: None,
                error_count: 0,
                updated_at: String::new(),
            },
        })
        .collect();
    Ok(PullPage {
        websites: sites,
        changes,
        logs,
        next,
        more,
    })
}

/// The masked value of a stored secret ("****" when it cannot be opened).
fn masked_secret(vault: &Vault, r: &IntegrationRecord, key: &str) -> String {
    vault
        .open(&r.uid, &r.secrets, key)
        .map(|s| s.masked())
        .unwrap_or_else(|| "****".to_owned())
}

fn pulled(
    vault: &Vault,
    r: &IntegrationRecord,
    uid_of: &HashMap<i64, String>,
) -> PulledIntegration {
    PulledIntegration {
        uid: r.uid.clone(),
        seq: r.seq,
        deleted: false,
        revision: r.revision,
        id: Some(r.id),
        website: r.website_id.and_then(|id| uid_of.get(&id).cloned()),
        integration_type: r.integration_type.clone(),
        provider: r.provider.clone(),
        name: r.name.clone(),
        description: r.description.clone(),
        is_active: r.is_active,
        config: r.config.clone(),
        secrets: r
            .secrets
            .keys()
            .map(|k| (k.to_owned(), masked_secret(vault, r, k)))
            .collect(),
        field_revs: r.field_revs.clone(),
        status: r.status.as_str().to_owned(),
        last_sync_at: r.last_sync_at.clone(),
        last_error: r.last_error.clone(),
        error_count: r.error_count,
        updated_at: r.updated_at.clone(),
    }
}

/// Applies a push batch for `user` (admins and members; viewers are refused)
/// and answers it; a batch id seen before gets its stored answer.
pub async fn push(
    state: &AppState,
    user: &AuthUser,
    batch: PushBatch,
) -> Result<PushAnswer, Error> {
    if !user.can_write() {
        return Err(Error::Forbidden);
    }
    let id = batch.batch_id.trim();
    if id.is_empty() || id.len() > 200 {
        return Err(Error::BadRequest(
            "batch_id is required: a new id (a UUID) per batch, the same on a retry.".into(),
        ));
    }
    if batch.changes.len() > MAX_PUSH_CHANGES {
        return Err(Error::BadRequest(format!(
            "A push batch holds at most {MAX_PUSH_CHANGES} changes; this one has {}. Send them in several batches.",
            batch.changes.len()
        )));
    }
    if batch.client_id.as_ref().is_some_and(|c| c.len() > 200) {
        return Err(Error::BadRequest(
            "client_id is too long: send the laptop's id (a UUID).".into(),
        ));
    }
    if batch.websites.len() > MAX_PUSH_CHANGES {
        return Err(Error::BadRequest(format!(
            "A push batch holds at most {MAX_PUSH_CHANGES} websites; this one has {}.",
            batch.websites.len()
        )));
    }
    if batch.logs.len() > MAX_PUSH_LOGS {
        return Err(Error::BadRequest(format!(
            "A push batch holds at most {MAX_PUSH_LOGS} log lines; this one has {}. Send them in several batches.",
            batch.logs.len()
        )));
    }
    if let Some(stored) = state
        .db()
        .sync_batch_answer(user.id, &batch.batch_id)
        .await?
    {
        return replayed(&stored);
    }
    for attempt in 0..MAX_ATTEMPTS {
        if attempt > 0 {
            let most = 2u64 << attempt.min(5);
            let ms = rand::Rng::gen_range(&mut rand::thread_rng(), 0..=most);
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
        let plan = plan(state, user, &batch).await?;
        match state.db().sync_apply(plan).await? {
            SyncApplied::Done(answer) => return Ok(answer),
            SyncApplied::Replayed(stored) => return replayed(&stored),
            SyncApplied::Stale => continue,
        }
    }
    Err(Error::Conflict)
}

fn replayed(stored: &str) -> Result<PushAnswer, Error> {
    serde_json::from_str(stored)
        .map_err(|e| Error::Internal(format!("a stored push answer cannot be read: {e}")))
}

fn result(uid: &str, outcome: PushOutcome) -> PushResult {
    PushResult {
        uid: uid.to_owned(),
        outcome,
        revision: None,
        id: None,
        conflicts: Vec::new(),
        message: None,
        fields: BTreeMap::new(),
    }
}

fn invalid(uid: &str, message: impl Into<String>, fields: BTreeMap<String, String>) -> PushResult {
    let mut r = result(uid, PushOutcome::Invalid);
    r.message = Some(message.into());
    r.fields = fields;
    r
}

fn invalid_field(uid: &str, field: &str, message: impl Into<String>) -> PushResult {
    let message = message.into();
    invalid(
        uid,
        message.clone(),
        BTreeMap::from([(field.to_owned(), message)]),
    )
}

/// The websites known to a plan: existing ones and those the batch creates.
struct Sites {
    by_uid: HashMap<String, i64>,
    uid_of: HashMap<i64, String>,
    /// Created by this batch (admins only).
    new: BTreeSet<String>,
}

/// Where a pushed `website` value points.
enum Target {
    Id(Option<i64>),
    New(String),
}

impl Sites {
    /// Resolves a pushed website uid for `user`, or the field's error.
    fn resolve(&self, user: &AuthUser, value: &Value) -> Result<Target, String> {
        let uid = match value {
            Value::Null => return Ok(Target::Id(None)),
            Value::String(s) if s.is_empty() => return Ok(Target::Id(None)),
            Value::String(s) => s,
            _ => return Err("Expected a website uid or null.".into()),
        };
        if let Some(id) = self.by_uid.get(uid) {
            if user.is_admin() || user.website_ids.contains(id) {
                return Ok(Target::Id(Some(*id)));
            }
            return Err("You are not a member of this website.".into());
        }
        if self.new.contains(uid) {
            return Ok(Target::New(uid.clone()));
        }
        Err(format!("Unknown website '{uid}': push the website first."))
    }
}

/// Reads the current state and prepares every write of a batch.
async fn plan(state: &AppState, user: &AuthUser, batch: &PushBatch) -> Result<SyncPlan, Error> {
    let db = state.db();
    let existing = db.websites(None).await?;
    let mut sites = Sites {
        by_uid: existing.iter().map(|w| (w.uid.clone(), w.id)).collect(),
        uid_of: existing.iter().map(|w| (w.id, w.uid.clone())).collect(),
        new: BTreeSet::new(),
    };
    // Websites: upserted by uid, name and domain last writer wins. Only
    // admins create or change websites (as in /api/v1/websites/); others'
    // website entries are not applied.
    let mut website_writes = Vec::new();
    let mut website_deletes = Vec::new();
    for w in batch.websites.iter().filter(|w| w.deleted) {
        if w.uid.trim().is_empty() {
            continue;
        }
        website_deletes.push(SyncWebsiteDelete {
            uid: w.uid.clone(),
            refuse: (!user.is_admin()).then(|| "Only admins can delete websites.".to_owned()),
            audit: audit(user, "delete-website", VIA, Vec::new()),
        });
    }
    for w in batch.websites.iter().filter(|w| !w.deleted) {
        if w.uid.trim().is_empty() || w.name.trim().is_empty() || !user.is_admin() {
            continue;
        }
        let current = existing.iter().find(|e| e.uid == w.uid);
        if current.is_some() && w.if_missing {
            continue;
        }
        if current.is_some_and(|c| c.name == w.name && c.domain == w.domain) {
            continue;
        }
        if current.is_none() {
            sites.new.insert(w.uid.clone());
        }
        let action = if current.is_some() {
            "update-website"
        } else {
            "create-website"
        };
        website_writes.push(SyncWebsiteWrite {
            uid: w.uid.clone(),
            name: w.name.clone(),
            domain: w.domain.clone(),
            audit: audit(user, action, VIA, vec!["name".into(), "domain".into()]),
        });
    }

    // The records and tombstones of every uid in the batch, in two queries.
    let uids: Vec<&str> = batch
        .changes
        .iter()
        .map(|c| c.uid.as_str())
        .filter(|u| uuid::Uuid::parse_str(u).is_ok())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut live: HashMap<String, IntegrationRecord> = db
        .integrations_by_uids(&uids)
        .await?
        .into_iter()
        .map(|r| (r.uid.clone(), r))
        .collect();
    let missing: Vec<&str> = uids
        .iter()
        .copied()
        .filter(|u| !live.contains_key(*u))
        .collect();
    let tombstoned = if missing.is_empty() {
        std::collections::HashSet::new()
    } else {
        db.tombstoned_uids(&missing).await?
    };

    let mut results = Vec::with_capacity(batch.changes.len());
    let mut writes = Vec::new();
    let mut seen = BTreeSet::new();
    for change in &batch.changes {
        let index = results.len();
        let uid = change.uid.as_str();
        if uuid::Uuid::parse_str(uid).is_err() {
            results.push(invalid_field(uid, "uid", "The uid must be a UUID."));
            continue;
        }
        if !seen.insert(uid.to_owned()) {
            results.push(invalid_field(
                uid,
                "uid",
                "This uid appears more than once in the batch; send one change per integration.",
            ));
            continue;
        }
        let (r, write) = match live.remove(uid) {
            None if tombstoned.contains(uid) => (result(uid, PushOutcome::Gone), None),
            None if change.delete => (result(uid, PushOutcome::Deleted), None),
            None if change.base_revision != 0 => (result(uid, PushOutcome::Gone), None),
            None => create(state, user, &sites, change)?,
            Some(rec) if !user.can_see(rec.owner_id, rec.website_id) => (
                invalid(
                    uid,
                    "You do not have permission to change this integration.",
                    BTreeMap::new(),
                ),
                None,
            ),
            Some(rec) if change.delete => {
                let mut entry = audit(user, "delete", VIA, Vec::new());
                entry.integration_id = Some(rec.id);
                entry.website_id = rec.website_id;
                let mut r = result(uid, PushOutcome::Deleted);
                r.id = Some(rec.id);
                (
                    r,
                    Some(SyncWrite::Delete {
                        id: rec.id,
                        revision: rec.revision,
                        audit: entry,
                    }),
                )
            }
            Some(rec) => merge(state, user, &sites, change, rec)?,
        };
        results.push(r);
        if let Some(w) = write {
            writes.push((index, w));
        }
    }
    let created: BTreeSet<&str> = writes
        .iter()
        .filter_map(|(_, w)| match w {
            SyncWrite::Create { record, .. } => Some(record.uid.as_str()),
            _ => None,
        })
        .collect();
    let logs = pushed_logs(state, user, &batch.logs, &created).await?;
    Ok(SyncPlan {
        user_id: user.id,
        batch_id: batch.batch_id.clone(),
        client: batch
            .client_id
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
        websites: website_writes,
        writes,
        website_deletes,
        logs,
        answer: PushAnswer {
            batch_id: batch.batch_id.clone(),
            results,
            ..PushAnswer::default()
        },
    })
}

/// Longest pushed log message kept (longer ones are cut).
const MAX_LOG_MESSAGE: usize = 4000;

/// The pushed log lines worth storing: well-formed (UUIDs, a known level),
/// of integrations the user may see (or that the batch creates). The
/// others are dropped: nothing could ever attach them.
async fn pushed_logs(
    state: &AppState,
    user: &AuthUser,
    logs: &[SyncLog],
    created: &BTreeSet<&str>,
) -> Result<Vec<SyncLog>, Error> {
    let mut out: Vec<SyncLog> = Vec::with_capacity(logs.len());
    let mut seen = BTreeSet::new();
    for log in logs {
        if uuid::Uuid::parse_str(&log.uid).is_err()
            || uuid::Uuid::parse_str(&log.integration).is_err()
            || log.level.parse::<LogLevel>().is_err()
            || !seen.insert(log.uid.as_str())
        {
            continue;
        }
        let mut log = log.clone();
        if log.message.len() > MAX_LOG_MESSAGE {
            let mut end = MAX_LOG_MESSAGE;
            while !log.message.is_char_boundary(end) {
                end -= 1;
            }
            log.message.truncate(end);
        }
        if log.created_at.trim().is_empty() || log.created_at.len() > 64 {
            log.created_at = now();
        }
        log.seq = None;
        out.push(log);
    }
    if user.is_admin() || out.is_empty() {
        return Ok(out);
    }
    let uids: Vec<&str> = out
        .iter()
        .map(|l| l.integration.as_str())
        .filter(|u| !created.contains(u))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let visible: std::collections::HashSet<String> = state
        .db()
        .integrations_by_uids(&uids)
        .await?
        .into_iter()
        .filter(|r| user.can_see(r.owner_id, r.website_id))
        .map(|r| r.uid)
        .collect();
    out.retain(|l| created.contains(l.integration.as_str()) || visible.contains(&l.integration));
    Ok(out)
}

/// A pushed value's type problem, if any.
fn check_type(name: &str, value: &Value) -> Option<&'static str> {
    match name {
        field::NAME | field::DESCRIPTION | field::PROVIDER if !value.is_string() => {
            Some("Not a valid string.")
        }
        field::IS_ACTIVE if !value.is_boolean() => Some("Must be a valid boolean."),
        _ => None,
    }
}

/// Applies one non-secret field to an edit (or the field's error).
fn apply_field(
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
                    "'{other}' is not a field: use name, description, provider, is_active, website or config.<key>."
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
fn apply_secret(ed: &mut Editing, key: &str, value: &str) -> Result<(), String> {
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
fn invalid_from(uid: &str, e: Error, ed_type: &str, provider: &str) -> Result<PushResult, Error> {
    match e {
        Error::Invalid(inv) => {
            let fields = inv
                .fields
                .into_iter()
                .map(|(k, m)| {
                    let name = match k.as_str() {
                        "name" | "description" | "provider" | "is_active" | "website"
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
fn create(
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
    if let Err(e) = super::lookup(&type_id, &provider) {
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
    let (record, _) = match ed.finish(state.vault(), None) {
        Ok(done) => done,
        Err(e) => return Ok((invalid_from(uid, e, &type_id, &provider)?, None)),
    };
    let mut names: Vec<String> = vec!["name".into(), "integration_type".into(), "provider".into()];
    names.extend(record.config.keys().map(|k| format!("config.{k}")));
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
fn server_value(r: &IntegrationRecord, sites: &Sites, name: &str) -> Value {
    match name {
        field::NAME => json!(r.name),
        field::DESCRIPTION => json!(r.description),
        field::PROVIDER => json!(r.provider),
        field::IS_ACTIVE => json!(r.is_active),
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
fn same_value(name: &str, pushed: &Value, server: &Value) -> bool {
    if name == field::WEBSITE && pushed.as_str() == Some("") {
        return server.is_null();
    }
    pushed == server
}

/// A change to an existing record, merged field by field.
fn merge(
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
