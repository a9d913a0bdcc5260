//! What both APIs do to integrations, once: who may see and change what,
//! creating and changing records (validated, sealed, audited, retried when
//! someone else saved first), deleting with a tombstone, and running a
//! provider check. Handlers translate their API's shapes to and from these.

mod edit;
pub mod sync;
pub mod trash;

pub use edit::{lookup, Check, Editing};

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use switchboard_catalog as catalog;

use crate::checks::{CheckInput, Outcome, OutcomeKind};
use crate::db::{now, UpdateOutcome};
use crate::error::Error;
use crate::model::{AuditEntry, AuthUser, IntegrationRecord, LogLevel, NewLog, Status};
use crate::secrets::SealedSecrets;
use crate::state::AppState;
use switchboard_domain::CheckKind;

/// How many times a change is retried when someone else saved first.
const MAX_ATTEMPTS: u32 = 10;

/// An audit entry for `user` (the integration id is filled in by the caller).
pub fn audit(user: &AuthUser, action: &str, via: &str, fields: Vec<String>) -> AuditEntry {
    AuditEntry {
        actor_id: Some(user.id),
        actor_email: user.email.clone(),
        action: action.to_owned(),
        integration_id: None,
        website_id: None,
        fields,
        via: via.to_owned(),
    }
}

/// The integration if `user` may see it; someone else's is "not found".
pub async fn visible(
    state: &AppState,
    user: &AuthUser,
    id: i64,
) -> Result<IntegrationRecord, Error> {
    seen(user, state.db().integration(id).await?)
}

/// A read integration if `user` may see it; none, or someone else's, is
/// "not found".
pub fn seen(
    user: &AuthUser,
    record: Option<IntegrationRecord>,
) -> Result<IntegrationRecord, Error> {
    record
        .filter(|r| user.can_see(r.owner_id, r.website_id))
        .ok_or(Error::NotFound)
}

/// Checks that `user` may put an integration on `website` (which must exist).
async fn check_website(
    state: &AppState,
    user: &AuthUser,
    website: Option<i64>,
) -> Result<(), Error> {
    let Some(id) = website else { return Ok(()) };
    if state.db().website(id).await?.is_none() {
        return Err(Error::field(
            "website",
            format!("Invalid pk \"{id}\" - object does not exist."),
        ));
    }
    if !user.is_admin() && !user.website_ids.contains(&id) {
        return Err(Error::Forbidden);
    }
    Ok(())
}

/// A blank new record owned by `user`: pending and inactive until configured.
pub fn blank(user: &AuthUser, integration_type: &str, provider: &str) -> IntegrationRecord {
    let at = now();
    IntegrationRecord {
        id: 0,
        uid: switchboard_domain::new_id(),
        owner_id: user.id,
        website_id: None,
        integration_type: integration_type.to_owned(),
        provider: provider.to_owned(),
        name: String::new(),
        description: String::new(),
        status: Status::Pending,
        is_active: false,
        config: Map::new(),
        secrets: SealedSecrets::default(),
        configured: false,
        last_sync_at: None,
        last_error: None,
        error_count: 0,
        revision: 1,
        created_by: Some(user.id),
        created_at: at.clone(),
        updated_at: at,
        field_revs: BTreeMap::new(),
        seq: 0,
        secret_dates: BTreeMap::new(),
        expires_at: None,
        expires_source: None,
        trashed_at: None,
    }
}

/// Creates an integration from an [`Editing`] of a [`blank`] record.
pub async fn create(
    state: &AppState,
    user: &AuthUser,
    editing: Editing,
    via: &str,
) -> Result<IntegrationRecord, Error> {
    if !user.can_write() {
        return Err(Error::Forbidden);
    }
    check_website(state, user, editing.record.website_id).await?;
    let (mut record, _) = editing.finish(state.vault(), None)?;
    let mut names: Vec<String> = vec!["name".into(), "integration_type".into(), "provider".into()];
    names.extend(record.config.keys().map(|k| format!("config.{k}")));
    names.extend(record.secrets.keys().map(|k| format!("secrets.{k}")));
    let mut entry = audit(user, "create", via, names);
    entry.website_id = record.website_id;
    let log = NewLog::new(
        LogLevel::Info,
        format!("Created ({} via {})", record.provider, via),
        json!({"by": user.email}),
    );
    // Committed with whatever other creates are waiting, before the answer.
    let job = crate::db::NewIntegration {
        record: record.clone(),
        audit: entry,
        log,
    };
    record.id = state
        .integration_writer()
        .write(job)
        .await?
        .ok_or(Error::Duplicate)?;
    Ok(record)
}

/// Changes an integration `user` may change: `apply` edits a fresh copy,
/// which is validated, sealed and saved if it is still the latest revision
/// (otherwise the whole change is made again on the newer copy).
pub async fn modify(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    via: &str,
    action: &str,
    apply: impl Fn(&mut Editing) -> Result<(), Error>,
) -> Result<IntegrationRecord, Error> {
    for attempt in 0..MAX_ATTEMPTS {
        if attempt > 0 {
            // Jittered backoff, so writers that collided do not collide again.
            let most = 2u64 << attempt.min(5);
            let ms = rand::Rng::gen_range(&mut rand::thread_rng(), 0..=most);
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
        }
        let before = visible(state, user, id).await?;
        if !user.can_write() {
            return Err(Error::Forbidden);
        }
        let check = if before.configured {
            Check::Full
        } else {
            Check::Partial
        };
        let mut editing = Editing::new(before.clone(), check);
        apply(&mut editing)?;
        if editing.record.website_id != before.website_id {
            check_website(state, user, editing.record.website_id).await?;
        }
        let (mut record, fields) = editing.finish(state.vault(), Some(&before))?;
        if fields.is_empty() {
            return Ok(record);
        }
        record.updated_at = now();
        let mut entry = audit(user, action, via, fields.clone());
        entry.integration_id = Some(id);
        entry.website_id = record.website_id;
        let log = NewLog::new(
            LogLevel::Info,
            format!("{} ({})", capitalize(action), fields.join(", ")),
            json!({"by": user.email, "fields": fields}),
        );
        match state
            .db()
            .update_integration(&record, &entry, Some(&log))
            .await?
        {
            UpdateOutcome::Updated(revision) => {
                record.revision = revision;
                return Ok(record);
            }
            UpdateOutcome::Stale => continue,
            UpdateOutcome::Gone => return Err(Error::NotFound),
        }
    }
    Err(Error::Conflict)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Deletes an integration `user` may change, leaving a tombstone.
pub async fn delete(state: &AppState, user: &AuthUser, id: i64, via: &str) -> Result<(), Error> {
    let record = visible(state, user, id).await?;
    if !user.can_write() {
        return Err(Error::Forbidden);
    }
    let mut entry = audit(user, "delete", via, Vec::new());
    entry.integration_id = Some(id);
    entry.website_id = record.website_id;
    if state.db().delete_integration(id, &entry).await? {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// Runs the provider check of an integration and records its outcome.
/// Returns (success, message).
pub async fn test(state: &AppState, user: &AuthUser, id: i64) -> Result<(bool, String), Error> {
    let record = visible(state, user, id).await?;
    if !user.can_write() {
        return Err(Error::Forbidden);
    }
    let settings = state.settings();
    crate::ratelimit::hit(
        state.db(),
        &format!("test:{}:{id}", user.id),
        settings.test_limit,
        settings.test_window,
    )
    .await?;
    // A global cap: each check holds outbound connections and a task.
    let Ok(_slot) = state.check_slots().try_acquire() else {
        return Err(Error::Busy {
            wait: 5,
            what: "other connection tests",
        });
    };
    let outcome = run_check(state, &record).await;
    let effect = outcome.kind.check_kind();
    let (level, success) = (effect.log_level(), effect == CheckKind::Ok);
    let hint = Some(outcome.hint.clone()).filter(|h| !h.is_empty());
    let details = json!({
        "hint": hint,
        "details": {
            "outcome": outcome.kind.as_str(),
            "http_status": outcome.http_status,
            "provider": outcome.details,
        },
        "retry_after_secs": outcome.retry_after_secs,
        "elapsed_ms": outcome.elapsed_ms,
        "by": user.email,
    });
    let log = NewLog::new(level, outcome.message.clone(), details);
    let fields = effect.changed_fields();
    let mut entry = audit(
        user,
        "test",
        "api/integrations",
        fields.iter().map(|f| (*f).to_owned()).collect(),
    );
    entry.integration_id = Some(id);
    entry.website_id = record.website_id;
    if !state
        .db()
        .record_check(
            id,
            (effect, outcome.stated_expiry()),
            &outcome.message,
            &log,
            &entry,
        )
        .await?
    {
        return Err(Error::NotFound);
    }
    let message = match hint {
        Some(hint) if !success => format!("{} {hint}", outcome.message),
        _ => outcome.message,
    };
    Ok((success, message))
}

/// Opens the secrets, checks the stored settings are complete, and asks the
/// provider (within the configured time).
async fn run_check(state: &AppState, record: &IntegrationRecord) -> Outcome {
    let (plain, failed) = state.vault().open_all(&record.uid, &record.secrets);
    if !failed.is_empty() {
        let message = format!(
            "Stored secrets cannot be decrypted ({}); enter them again.",
            failed.join(", ")
        );
        return Outcome::new(OutcomeKind::InvalidCredentials, message, "");
    }
    let mut values = record.config.clone();
    for (key, secret) in &plain.0 {
        values.insert(key.clone(), Value::String(secret.expose().to_owned()));
    }
    let complete = catalog::validate(&record.integration_type, &record.provider, &values, &|_| {
        false
    });
    drop(values);
    if let Err(e) = complete {
        return Outcome::not_checkable(format!("Not ready to test: {e}"), "");
    }
    let secrets: BTreeMap<String, switchboard_vault::Secret> = plain.0;
    let request = CheckInput {
        integration_type: &record.integration_type,
        provider: &record.provider,
        config: &record.config,
        secrets: &secrets,
    };
    let timeout = state.settings().check_timeout;
    let started = std::time::Instant::now();
    match tokio::time::timeout(timeout, state.checker().check(request)).await {
        Ok(mut outcome) => {
            if outcome.elapsed_ms == 0 {
                outcome.elapsed_ms = started.elapsed().as_millis() as u64;
            }
            outcome
        }
        Err(_) => {
            let message = format!(
                "The provider did not answer within {} seconds.",
                timeout.as_secs()
            );
            Outcome::new(OutcomeKind::Timeout, message, "")
        }
    }
}
