//! Pull pages: the changes above a sequence number, as laptops see them.

use serde_json::Map;
use std::collections::{BTreeMap, HashMap};
use switchboard_sync_proto::{ExpiryDates, Lenient, PullPage, PulledIntegration, MAX_PULL_LIMIT};

use crate::db::{ChangesQuery, SyncChanges, SyncRow};
use crate::error::Error;
use crate::model::{AuthUser, IntegrationRecord, ListFilter};
use crate::secrets::Vault;
use crate::state::AppState;

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
        rows_upto,
        mut logs,
        own_logs_upto,
    } = state
        .db()
        .sync_changes(ChangesQuery {
            scope,
            websites: only_sites,
            since,
            limit: limit + 1,
            client,
        })
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
    // The rows' numbers were read only up to here (the client's own rows
    // walked past): the page ends there at the latest.
    cut(rows_upto);
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
        .filter_map(|row| match row {
            SyncRow::Skipped { .. } => None,
            SyncRow::Live(r, _) => Some(pulled(vault, &r, &uid_of)),
            SyncRow::Deleted {
                uid, seq, revision, ..
            } => Some(PulledIntegration {
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
                status: Lenient::Unknown(String::new()),
                last_sync_at: None,
                last_error: None,
                error_count: 0,
                updated_at: String::new(),
                dates: ExpiryDates::default(),
                trashed_at: None,
            }),
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
pub(super) fn masked_secret(vault: &Vault, r: &IntegrationRecord, key: &str) -> String {
    vault
        .open(&r.uid, &r.secrets, key)
        .map(|s| s.masked())
        .unwrap_or_else(|| "****".to_owned())
}

pub(super) fn pulled(
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
        status: r.status.into(),
        last_sync_at: r.last_sync_at.clone(),
        last_error: r.last_error.clone(),
        error_count: r.error_count,
        updated_at: r.updated_at.clone(),
        dates: ExpiryDates {
            secret_set_at: r.secret_dates.clone(),
            expires_at: r.expires_at.clone(),
            expires_source: r.expires_source.clone(),
        },
        trashed_at: r.trashed_at.clone(),
    }
}
