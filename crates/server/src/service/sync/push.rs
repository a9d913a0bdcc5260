//! Push batches: planned, applied all or nothing, answered once per batch
//! id (a stale plan is made again).

use switchboard_sync_proto::{PushAnswer, PushBatch, MAX_PUSH_CHANGES, MAX_PUSH_LOGS};

use crate::db::SyncApplied;
use crate::error::Error;
use crate::model::AuthUser;
use crate::service::MAX_ATTEMPTS;
use crate::state::AppState;

use super::plan::plan;

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
    let (changes, websites) = (batch.changes.len(), batch.websites.len());
    // What makes a batch unreadable as a whole, in the order it is checked.
    let refusals = [
        (
            id.is_empty() || id.len() > 200,
            "batch_id is required: a new id (a UUID) per batch, the same on a retry.".to_owned(),
        ),
        (
            changes > MAX_PUSH_CHANGES,
            format!("A push batch holds at most {MAX_PUSH_CHANGES} changes; this one has {changes}. Send them in several batches."),
        ),
        (
            batch.client_id.as_ref().is_some_and(|c| c.len() > 200),
            "client_id is too long: send the laptop's id (a UUID).".to_owned(),
        ),
        (
            websites > MAX_PUSH_CHANGES,
            format!("A push batch holds at most {MAX_PUSH_CHANGES} websites; this one has {websites}."),
        ),
    ];
    if let Some((_, message)) = refusals.into_iter().find(|(refused, _)| *refused) {
        return Err(Error::BadRequest(message));
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

pub(super) fn replayed(stored: &str) -> Result<PushAnswer, Error> {
    serde_json::from_str(stored)
        .map_err(|e| Error::Internal(format!("a stored push answer cannot be read: {e}")))
}
