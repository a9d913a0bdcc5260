//! Request limits that hold across every server on the database: each
//! scope ("test:<user>:<integration>", "credentials:<service token>") has a
//! window that starts at its first request and lasts `window`; at most
//! `limit` requests fit in it. The count lives in the `rate_limits` table
//! (one upsert per request), so two replicas behind a load balancer share
//! one budget and a restart forgets nothing.

use std::time::Duration;

use crate::db::Db;
use crate::error::Error;

/// Whole seconds (at least 1) until a window that started at `start` ends.
pub fn wait_secs(start: i64, window: Duration, now: i64) -> u64 {
    crate::throttle::wait_secs(start.saturating_add(window_ms(window)), now)
}

/// A window's length in milliseconds, as the database counts it.
pub fn window_ms(window: Duration) -> i64 {
    i64::try_from(window.as_millis()).unwrap_or(i64::MAX)
}

/// 429 with how long to wait when a window's count (`hits`, the window
/// starting at `start`) is past `limit`.
pub fn verdict(hits: i64, start: i64, limit: u32, window: Duration, now: i64) -> Result<(), Error> {
    if hits > i64::from(limit.max(1)) {
        return Err(Error::RateLimited {
            wait: wait_secs(start, window, now),
        });
    }
    Ok(())
}

/// Counts one request of `scope`; past `limit` in its window, 429 with how
/// long to wait.
pub async fn hit(db: &dyn Db, scope: &str, limit: u32, window: Duration) -> Result<(), Error> {
    let now = crate::throttle::now_ms();
    let (hits, start) = db.hit_rate_limit(scope, now, window_ms(window)).await?;
    verdict(hits, start, limit, window, now)
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
