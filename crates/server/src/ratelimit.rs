//! Request limits that hold across every server on the database: each
//! scope ("test:<user>:<integration>", "credentials:<service token>") has a
//! window that starts at its first request and lasts `window`; at most
//! `limit` requests fit in it. The count lives in the `rate_limits` table
//! (one upsert per request), so two replicas behind a load balancer share
//! one budget and a restart forgets nothing.

use std::time::Duration;

use crate::db::Db;
use crate::error::Error;

/// Now in unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Whole seconds (at least 1) until a window that started at `start` ends.
pub fn wait_secs(start: i64, window: Duration, now: i64) -> u64 {
    let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
    let left = start.saturating_add(window_ms).saturating_sub(now).max(1);
    u64::try_from((left + 999) / 1000).unwrap_or(1)
}

/// Counts one request of `scope`; past `limit` in its window, 429 with how
/// long to wait.
pub async fn hit(db: &dyn Db, scope: &str, limit: u32, window: Duration) -> Result<(), Error> {
    let now = now_ms();
    let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
    let (hits, start) = db.hit_rate_limit(scope, now, window_ms).await?;
    if hits > i64::from(limit.max(1)) {
        return Err(Error::RateLimited {
            wait: wait_secs(start, window, now),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_what_is_left_of_the_window_rounded_up() {
        let w = Duration::from_secs(10);
        assert_eq!(wait_secs(1_000, w, 2_000), 9);
        assert_eq!(wait_secs(1_000, w, 10_900), 1);
        assert_eq!(wait_secs(1_000, w, 1_001), 10);
        assert_eq!(wait_secs(1_000, w, 50_000), 1, "never less than a second");
    }
}
