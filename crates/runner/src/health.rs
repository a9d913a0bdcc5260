//! [`HealthMonitor`]: an optional periodic re-test in the background while
//! the app runs. Each round is a test-all over the active integrations; every
//! integration whose status changed is reported (for a notification).

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use switchboard_store::{ListFilter, Status, Store};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use switchboard_providers::{Checker, Outcome};

use crate::test_all::TestAll;

/// An integration whose status changed in a background round.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusChange {
    /// The integration.
    pub id: String,
    /// Its name, for the notification.
    pub name: String,
    /// Its provider.
    pub provider: String,
    /// Status before the round.
    pub from: Status,
    /// Status after it.
    pub to: Status,
    /// The check that changed it.
    pub outcome: Outcome,
}

/// Periodic background re-tests.
#[derive(Debug, Clone)]
pub struct HealthMonitor {
    every: Duration,
    test_all: TestAll,
}

impl HealthMonitor {
    /// Re-tests every active integration every `every` (the first round
    /// after one period, not at start-up), a few at a time.
    pub fn new(every: Duration) -> HealthMonitor {
        let filter = ListFilter {
            is_active: Some(true),
            ..Default::default()
        };
        HealthMonitor {
            every: every.max(Duration::from_millis(10)),
            test_all: TestAll::new(filter).concurrency(4),
        }
    }

    /// Uses another test-all set-up (filter, concurrency, per-call timeout).
    pub fn with_test_all(mut self, test_all: TestAll) -> HealthMonitor {
        self.test_all = test_all;
        self
    }

    /// Starts the rounds on the current tokio runtime until `cancel` fires,
    /// calling `on_change` for each status change. A round that cannot list
    /// the integrations (e.g. the vault is locked) is skipped and logged.
    pub fn spawn(
        self,
        store: Arc<Store>,
        checker: Checker,
        on_change: impl Fn(StatusChange) + Send + Sync + 'static,
        cancel: CancellationToken,
    ) -> JoinHandle<()> {
        tokio::spawn(async move {
            let mut ticks =
                tokio::time::interval_at(tokio::time::Instant::now() + self.every, self.every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => break,
                    _ = ticks.tick() => {}
                }
                let report = |p: crate::test_all::Progress| {
                    if let Some(h) = &p.health {
                        if h.previous_status != h.status {
                            on_change(StatusChange {
                                id: p.id,
                                name: p.name,
                                provider: p.provider,
                                from: h.previous_status,
                                to: h.status,
                                outcome: p.outcome,
                            });
                        }
                    }
                };
                if let Err(e) = self.test_all.run(&store, &checker, report, &cancel).await {
                    tracing::warn!(error = %e, "background health round skipped");
                }
            }
        })
    }
}
