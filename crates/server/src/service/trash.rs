//! The server's side of the Trash: what has been in the Trash more than
//! [`TRASH_DAYS`](switchboard_domain::TRASH_DAYS) days is deleted for good,
//! with tombstones, so laptops drop it with their next pull. The rule lives
//! in the database (`trashed_at`), so every replica agrees; running the
//! sweep on several at once deletes each record once.

use std::sync::Arc;
use std::time::Duration;

use crate::db::{Db, Result};
use switchboard_domain::{seconds_ago, TRASH_SECONDS};

/// How often a running server sweeps (it sweeps once at start too).
pub const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

/// Records deleted per transaction.
const SWEEP_BATCH: i64 = 200;

/// Deletes for good what was moved to the Trash over 30 days ago; how many.
pub async fn sweep(db: &dyn Db) -> Result<usize> {
    let before = seconds_ago(TRASH_SECONDS);
    let mut total = 0;
    loop {
        let gone = db.sweep_trash(&before, SWEEP_BATCH).await?;
        total += gone;
        if gone < SWEEP_BATCH as usize {
            break;
        }
    }
    if total > 0 {
        tracing::info!(
            count = total,
            "integrations deleted for good from the Trash"
        );
    }
    Ok(total)
}

/// Sweeps now and every [`SWEEP_EVERY`] until the task is aborted. A
/// failed sweep is logged and tried again at the next tick.
pub fn spawn_sweeper(db: Arc<dyn Db>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = sweep(db.as_ref()).await {
                tracing::warn!("the Trash sweep failed (tried again in an hour): {e}");
            }
        }
    })
}
