//! [`RateGate`]: "a second test of the same integration within a short window
//! answers when it may run again". In memory, per key (usually the
//! integration id), with a configurable window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Spaces repeated tests of the same key.
#[derive(Debug)]
pub struct RateGate {
    window: Duration,
    last: Mutex<HashMap<String, Instant>>,
}

impl Default for RateGate {
    fn default() -> Self {
        RateGate::new(RateGate::DEFAULT_WINDOW)
    }
}

impl RateGate {
    /// The default window between two tests of the same integration.
    pub const DEFAULT_WINDOW: Duration = Duration::from_secs(10);

    /// A gate letting one test per key through every `window`.
    pub fn new(window: Duration) -> RateGate {
        RateGate {
            window,
            last: Mutex::new(HashMap::new()),
        }
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Lets a test of `key` run now (and starts its window), or answers how
    /// long until it may run again.
    pub fn try_acquire(&self, key: &str) -> Result<(), Duration> {
        self.try_acquire_at(key, Instant::now())
    }

    /// [`RateGate::try_acquire`] at a given instant (for tests and callers with their own clock).
    pub fn try_acquire_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(at) = last.get(key) {
            let since = now.saturating_duration_since(*at);
            if since < self.window {
                return Err(self.window - since);
            }
        }
        last.insert(key.to_owned(), now);
        // Forget keys whose window has passed, so the map stays small.
        if last.len() > 1024 {
            let window = self.window;
            last.retain(|_, at| now.saturating_duration_since(*at) < window);
        }
        Ok(())
    }

    /// Forgets a key (e.g. after the integration's settings changed, a new
    /// test is allowed at once).
    pub fn reset(&self, key: &str) {
        self.last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}
