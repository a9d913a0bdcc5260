//! A sliding-window rate limiter for `/test/`: at most `limit` calls per
//! `window` for each (user, integration). In memory: limits reset when the
//! server restarts, which is fine for protecting providers from a stuck
//! button, and needs no database write per call.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Call times per key, oldest first.
#[derive(Debug)]
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    calls: Mutex<HashMap<(i64, i64), VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> RateLimiter {
        RateLimiter {
            limit: limit.max(1) as usize,
            window,
            calls: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a call, or says how many whole seconds to wait (at least 1).
    pub fn check(&self, user: i64, integration: i64) -> Result<(), u64> {
        self.check_at(user, integration, Instant::now())
    }

    fn check_at(&self, user: i64, integration: i64, now: Instant) -> Result<(), u64> {
        let mut calls = self.calls.lock().expect("rate limiter lock poisoned");
        if calls.len() > 10_000 {
            let window = self.window;
            calls.retain(|_, times| times.back().is_some_and(|t| now - *t < window));
        }
        let times = calls.entry((user, integration)).or_default();
        while times.front().is_some_and(|t| now - *t >= self.window) {
            times.pop_front();
        }
        if times.len() >= self.limit {
            let oldest = *times.front().expect("non-empty at the limit");
            let wait = self.window - (now - oldest);
            return Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_user_and_integration_and_says_how_long_to_wait() {
        let rl = RateLimiter::new(2, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(rl.check_at(1, 1, t0).is_ok());
        assert!(rl.check_at(1, 1, t0 + Duration::from_millis(500)).is_ok());
        assert_eq!(rl.check_at(1, 1, t0 + Duration::from_secs(1)), Err(9));
        assert!(rl.check_at(1, 2, t0).is_ok());
        assert!(rl.check_at(2, 1, t0).is_ok());
        assert_eq!(rl.check_at(1, 1, t0 + Duration::from_millis(9_900)), Err(1));
        assert!(rl.check_at(1, 1, t0 + Duration::from_secs(10)).is_ok());
    }
}
