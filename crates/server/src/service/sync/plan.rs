//! Planning a push batch: the websites, each change against the stored
//! record or tombstone, and the pushed log lines worth storing.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use switchboard_sync_proto::{PushAnswer, PushBatch, PushOutcome, SyncLog};

use crate::db::{now, SyncPlan, SyncWebsiteDelete, SyncWebsiteWrite, SyncWrite};
use crate::error::Error;
use crate::model::{AuthUser, IntegrationRecord, WebsiteRecord};
use crate::service::audit;
use crate::state::AppState;

use super::merge::{create, merge};
use super::{invalid, invalid_field, result, VIA};

/// The websites known to a plan: existing ones and those the batch creates.
pub(super) struct Sites {
    pub(super) by_uid: HashMap<String, i64>,
    pub(super) uid_of: HashMap<i64, String>,
    /// Created by this batch (admins only).
    pub(super) new: BTreeSet<String>,
}

/// Where a pushed `website` value points.
pub(super) enum Target {
    Id(Option<i64>),
    New(String),
}

impl Sites {
    /// Resolves a pushed website uid for `user`, or the field's error.
    pub(super) fn resolve(&self, user: &AuthUser, value: &Value) -> Result<Target, String> {
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
pub(super) async fn plan(
    state: &AppState,
    user: &AuthUser,
    batch: &PushBatch,
) -> Result<SyncPlan, Error> {
    let db = state.db();
    let existing = db.websites(None).await?;
    let mut sites = Sites {
        by_uid: existing.iter().map(|w| (w.uid.clone(), w.id)).collect(),
        uid_of: existing.iter().map(|w| (w.id, w.uid.clone())).collect(),
        new: BTreeSet::new(),
    };
    let (website_writes, website_deletes) = plan_websites(user, batch, &existing, &mut sites);

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
    let created: BTreeSet<&str> = writes.iter().filter_map(|(_, w)| w.created_uid()).collect();
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

/// The website writes and deletions of a batch. Websites are upserted by
/// uid, name and domain last writer wins. Only admins create or change
/// websites (as in /api/v1/websites/); others' website entries are not
/// applied.
fn plan_websites(
    user: &AuthUser,
    batch: &PushBatch,
    existing: &[WebsiteRecord],
    sites: &mut Sites,
) -> (Vec<SyncWebsiteWrite>, Vec<SyncWebsiteDelete>) {
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
    (website_writes, website_deletes)
}

/// Longest pushed log message kept (longer ones are cut).
pub(super) const MAX_LOG_MESSAGE: usize = 4000;

/// Largest pushed log `details` kept, as JSON text; larger ones are
/// replaced by a note of their size (a line's details are diagnostics, and
/// 2000 lines of a batch must not fill the database).
pub(super) const MAX_LOG_DETAILS: usize = 16 * 1024;

/// The pushed log lines worth storing: well-formed (UUIDs, a known level),
/// of integrations the user may see (or that the batch creates). The
/// others are dropped: nothing could ever attach them.
pub(super) async fn pushed_logs(
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
            || log.level.known().is_none()
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
        let details_len = serde_json::to_string(&log.details).map_or(0, |t| t.len());
        if details_len > MAX_LOG_DETAILS {
            log.details = serde_json::json!({
                "truncated": true,
                "original_bytes": details_len,
                "limit_bytes": MAX_LOG_DETAILS,
            });
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
