//! [`TestAll`]: checks every integration matching a filter, at most N at a
//! time, each provider call within a per-call timeout, reporting progress as
//! each one finishes (a callback, or a tokio channel), and stopping early when
//! cancelled. Each finished check is recorded in the store like a single one.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use switchboard_providers::{timeout_outcome, CheckInput, Checker, Outcome, OutcomeKind};
use switchboard_store::{Health, IntegrationSummary, ListFilter, Result, Store};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::record::{FromCredentials, ToRecord};

/// One finished integration, as reported while test-all runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Progress {
    /// Finished so far, this one included.
    pub done: usize,
    /// How many will be checked in all.
    pub total: usize,
    /// The integration.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its provider.
    pub provider: String,
    /// The check's outcome.
    pub outcome: Outcome,
    /// Its health after recording (None when the store refused).
    pub health: Option<Health>,
    /// Why the store refused, if it did.
    pub error: Option<String>,
}

/// What a test-all run did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TestAllSummary {
    /// Integrations matching the filter.
    pub total: usize,
    /// Checks that finished.
    pub done: usize,
    /// Outcomes that were Ok.
    pub ok: usize,
    /// Outcomes that were failures.
    pub failed: usize,
    /// Outcomes that were NotCheckable.
    pub not_checkable: usize,
    /// Integrations the store could not read or record.
    pub store_errors: usize,
    /// True when cancelled before every check finished.
    pub cancelled: bool,
    /// Counts per outcome kind.
    pub by_kind: BTreeMap<String, usize>,
    /// The largest number of checks in flight at once.
    pub max_in_flight: usize,
    /// Wall time.
    pub elapsed_ms: u64,
}

/// A test-all run's settings.
#[derive(Debug, Clone)]
pub struct TestAll {
    filter: ListFilter,
    concurrency: usize,
    per_call_timeout: Option<Duration>,
}

impl TestAll {
    /// The default bound on checks in flight.
    pub const DEFAULT_CONCURRENCY: usize = 8;

    /// Checks every integration matching `filter` (`ListFilter::default()` for all).
    pub fn new(filter: ListFilter) -> TestAll {
        TestAll {
            filter,
            concurrency: Self::DEFAULT_CONCURRENCY,
            per_call_timeout: None,
        }
    }

    /// At most `n` checks in flight (at least 1).
    pub fn concurrency(mut self, n: usize) -> TestAll {
        self.concurrency = n.max(1);
        self
    }

    /// The time one integration's check may take; by default the checker's
    /// own budget. A check over it is recorded as a timeout.
    pub fn per_call_timeout(mut self, timeout: Duration) -> TestAll {
        self.per_call_timeout = Some(timeout);
        self
    }

    /// Runs, sending each finished integration to `progress`.
    pub async fn run_with_channel(
        &self,
        store: &Store,
        checker: &Checker,
        progress: mpsc::UnboundedSender<Progress>,
        cancel: &CancellationToken,
    ) -> Result<TestAllSummary> {
        self.run(
            store,
            checker,
            |p| {
                // A closed receiver only means nobody watches any more.
                let _ = progress.send(p);
            },
            cancel,
        )
        .await
    }

    /// Runs, calling `progress` as each integration finishes. Returns the
    /// summary; errors only when the list itself cannot be read.
    pub async fn run(
        &self,
        store: &Store,
        checker: &Checker,
        mut progress: impl FnMut(Progress),
        cancel: &CancellationToken,
    ) -> Result<TestAllSummary> {
        let started = Instant::now();
        let targets = store.list(&self.filter).await?;
        let mut summary = TestAllSummary {
            total: targets.len(),
            ..Default::default()
        };
        let mut queue = targets.into_iter();
        let mut in_flight = FuturesUnordered::new();
        // Group commit: while one transaction records outcomes, the checks
        // that finish meanwhile wait in `buffer` and are recorded together
        // in the next one (one fsync per group instead of one per check),
        // and the checks still in flight keep being driven.
        let mut buffer: Vec<Progress> = Vec::new();
        let mut recording: Option<Pin<Box<dyn Future<Output = Vec<Progress>> + Send + '_>>> = None;
        let mut stopped = false;
        loop {
            while !stopped && in_flight.len() < self.concurrency && !cancel.is_cancelled() {
                let Some(target) = queue.next() else { break };
                in_flight.push(self.one(store, checker, target));
            }
            summary.max_in_flight = summary.max_in_flight.max(in_flight.len());
            if recording.is_none() && !buffer.is_empty() {
                recording = Some(Box::pin(record(store, std::mem::take(&mut buffer))));
            }
            if in_flight.is_empty() && recording.is_none() {
                break;
            }
            tokio::select! {
                biased;
                _ = cancel.cancelled(), if !stopped => {
                    // Checks in flight stop; what finished is still recorded.
                    stopped = true;
                    in_flight.clear();
                }
                group = async { recording.as_mut().expect("guarded").await }, if recording.is_some() => {
                    recording = None;
                    for mut item in group {
                        summary.done += 1;
                        item.done = summary.done;
                        item.total = summary.total;
                        tally(&mut summary, &item);
                        progress(item);
                    }
                }
                Some(item) = in_flight.next(), if !in_flight.is_empty() => buffer.push(item),
            }
        }
        summary.cancelled = summary.done < summary.total;
        summary.elapsed_ms = switchboard_domain::elapsed_ms(started);
        tracing::info!(
            total = summary.total,
            done = summary.done,
            ok = summary.ok,
            cancelled = summary.cancelled,
            elapsed_ms = summary.elapsed_ms,
            "test-all finished"
        );
        Ok(summary)
    }

    async fn one(&self, store: &Store, checker: &Checker, target: IntegrationSummary) -> Progress {
        let mut item = Progress {
            done: 0,
            total: 0,
            id: target.id.clone(),
            name: target.name.clone(),
            provider: target.provider.clone(),
            outcome: Outcome::new(OutcomeKind::ProviderError, "", ""),
            health: None,
            error: None,
        };
        let credentials = match store.credentials(&target.id).await {
            Ok(c) => c,
            Err(e) => {
                item.outcome = Outcome::new(
                    OutcomeKind::ProviderError,
                    format!("The integration could not be read: {e}"),
                    "",
                );
                item.error = Some(e.to_string());
                return item;
            }
        };
        let check = checker.check(CheckInput::from_credentials(&credentials));
        item.outcome = match self.per_call_timeout {
            Some(limit) => match tokio::time::timeout(limit, check).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    let label = switchboard_catalog::find_provider(&target.provider)
                        .map_or("The provider", |(_, p)| p.label);
                    let mut o = timeout_outcome(label, limit);
                    o.elapsed_ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX);
                    o
                }
            },
            None => check.await,
        };
        item
    }
}

/// Records the outcomes of finished checks (those the store could read) in
/// one transaction, filling in each one's health or error.
async fn record(store: &Store, mut group: Vec<Progress>) -> Vec<Progress> {
    let records: Vec<_> = group
        .iter()
        .filter(|item| item.error.is_none())
        .map(|item| (item.id.clone(), item.outcome.to_record()))
        .collect();
    if records.is_empty() {
        return group;
    }
    let pairs: Vec<_> = records.iter().map(|(id, r)| (id.as_str(), r)).collect();
    match store.record_checks(&pairs).await {
        Ok(results) => {
            let mut results = results.into_iter();
            for item in group.iter_mut().filter(|item| item.error.is_none()) {
                match results.next() {
                    Some(Ok(health)) => item.health = Some(health),
                    Some(Err(e)) => item.error = Some(e.to_string()),
                    None => item.error = Some("the outcome was not recorded".into()),
                }
            }
        }
        Err(e) => {
            for item in group.iter_mut().filter(|item| item.error.is_none()) {
                item.error = Some(e.to_string());
            }
        }
    }
    group
}

fn tally(summary: &mut TestAllSummary, item: &Progress) {
    if item.error.is_some() {
        summary.store_errors += 1;
    }
    match item.outcome.kind {
        OutcomeKind::Ok => summary.ok += 1,
        OutcomeKind::NotCheckable => summary.not_checkable += 1,
        _ => summary.failed += 1,
    }
    *summary
        .by_kind
        .entry(item.outcome.kind.as_str().to_owned())
        .or_default() += 1;
}
