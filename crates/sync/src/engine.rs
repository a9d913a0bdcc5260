//! One sync: push what changed here (in batches, each applied once however
//! often it is sent), then pull what changed on the server (page by page,
//! the cursor advancing only after a page is applied). Interrupted anywhere,
//! the next sync resumes: unacknowledged changes are still pending, and the
//! cursor points after the last applied page.

use std::collections::{HashSet, VecDeque};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use switchboard_store::{AckSummary, Pending, Store};
pub use switchboard_sync_proto::SyncReport;
use switchboard_sync_proto::{
    field, PullPage, PushAnswer, PushBatch, SyncWebsite, MAX_PULL_LIMIT, MAX_PUSH_LOGS,
};
use tokio_util::sync::CancellationToken;

use crate::client::ServerClient;
use crate::error::{Result, SyncError};

/// How a sync runs.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Changes per push batch (at most 500, the default: fewer commits on
    /// both sides, which is what a first sync of a large store waits on).
    pub batch_size: usize,
    /// Records per pull page (at most 1000, the default: a new laptop's
    /// first pull of a team's records is a quarter faster than with pages
    /// of 500, the server's default for a pull that names no limit).
    pub pull_limit: i64,
    /// Log lines per push batch (at most 2000, the default), sent after
    /// the changes.
    pub log_batch_size: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            batch_size: switchboard_sync_proto::MAX_PUSH_CHANGES,
            pull_limit: MAX_PULL_LIMIT,
            log_batch_size: MAX_PUSH_LOGS,
        }
    }
}

/// Where a sync is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Pushing,
    Pulling,
    Done,
}

/// Progress, reported after every batch and page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncProgress {
    pub phase: Phase,
    /// Changes sent and acknowledged so far.
    pub pushed: usize,
    /// Changes waiting when the sync started.
    pub to_push: usize,
    /// Records received so far.
    pub pulled: usize,
}

/// Runs one sync of `store` with the server behind `client`.
pub async fn sync(
    store: &Store,
    client: &ServerClient,
    options: &SyncOptions,
    progress: impl FnMut(&SyncProgress),
    cancel: &CancellationToken,
) -> Result<SyncReport> {
    let started = Instant::now();
    let client_id = store.sync_meta().await?.client_id;
    // The count (for the progress shown) is read while the first batch is.
    let (to_push, first) = tokio::join!(
        store.pending_count(),
        store.pending_changes_after(batch_size(options), None)
    );
    let (to_push, first) = (usize::try_from(to_push?).unwrap_or(0), first?);
    let mut run = Run {
        store,
        client,
        options,
        progress,
        cancel,
        client_id,
        report: SyncReport::default(),
        state: SyncProgress {
            phase: Phase::Pushing,
            pushed: 0,
            to_push,
            pulled: 0,
        },
    };
    run.report_progress();
    run.push_changes(first).await?;
    run.push_logs().await?;
    run.pull().await?;
    run.finish(started).await
}

/// A batch sent with the server's answer, to acknowledge here.
type Answered = (Vec<Pending>, PushBatch, PushAnswer);

/// Changes in a push batch.
fn batch_size(options: &SyncOptions) -> usize {
    options
        .batch_size
        .clamp(1, switchboard_sync_proto::MAX_PUSH_CHANGES)
}

/// How many push batches are on their way at most: two, so that the
/// server has the next batch to plan while it writes one.
const IN_FLIGHT: usize = 2;

/// A push batch on its way: sent on a task of its own (so it goes on
/// while this sync waits for another), aborted if dropped unanswered.
/// The task hands the batch back with the answer, to acknowledge.
struct Sending {
    pending: Vec<Pending>,
    task: tokio::task::JoinHandle<(PushBatch, Result<PushAnswer>)>,
}

impl Sending {
    /// Sends `batch` (made of `pending`) with `client`.
    fn start(client: &ServerClient, pending: Vec<Pending>, batch: PushBatch) -> Sending {
        let client = client.clone();
        let task = tokio::spawn(async move {
            let answer = send(&client, &batch).await;
            (batch, answer)
        });
        Sending { pending, task }
    }

    /// The server's answer, with what it answers, to acknowledge.
    async fn answer(mut self) -> Result<Answered> {
        match (&mut self.task).await {
            Ok((batch, answer)) => Ok((std::mem::take(&mut self.pending), batch, answer?)),
            Err(e) => Err(SyncError::Protocol(format!(
                "sending a push batch stopped: {e}"
            ))),
        }
    }
}

impl Drop for Sending {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The push batches of a sync on their way, oldest first, and the last
/// one answered and not yet acknowledged here.
#[derive(Default)]
struct Flight {
    sending: VecDeque<Sending>,
    answered: Option<Answered>,
}

/// Sends `batch`; the answer must be to it, with an answer per change.
async fn send(client: &ServerClient, batch: &PushBatch) -> Result<PushAnswer> {
    let answer = client.push(batch).await?;
    if answer.batch_id != batch.batch_id || answer.results.len() != batch.changes.len() {
        return Err(SyncError::Protocol(
            "the push answer does not match the batch sent".into(),
        ));
    }
    Ok(answer)
}

/// What acknowledging an answered batch did: its summary, how many
/// changes it carried and how many of its log lines are done.
type Acked = (AckSummary, usize, usize);

/// Acknowledges an answered batch here (None when there is none): the
/// changes and, in the same transaction, the log lines that went with them
/// (those of integrations the server has now; the others stay pending).
async fn ack_answered(store: &Store, answered: Option<&Answered>) -> Result<Option<Acked>> {
    let Some((pending, batch, answer)) = answered else {
        return Ok(None);
    };
    let (ack, logs) = store
        .ack_push_with_logs(pending, &batch.websites, answer, &batch.logs)
        .await?;
    Ok(Some((ack, pending.len(), logs)))
}

/// One sync under way: what it works on and what it has done so far.
struct Run<'a, P> {
    store: &'a Store,
    client: &'a ServerClient,
    options: &'a SyncOptions,
    progress: P,
    cancel: &'a CancellationToken,
    client_id: String,
    report: SyncReport,
    state: SyncProgress,
}

impl<P: FnMut(&SyncProgress)> Run<'_, P> {
    fn report_progress(&mut self) {
        (self.progress)(&self.state);
    }

    fn check_cancel(&self) -> Result<()> {
        if self.cancel.is_cancelled() {
            return Err(SyncError::Cancelled);
        }
        Ok(())
    }

    /// A new batch of this client.
    fn batch(&self) -> PushBatch {
        PushBatch {
            batch_id: uuid::Uuid::new_v4().to_string(),
            client_id: Some(self.client_id.clone()),
            ..PushBatch::default()
        }
    }

    /// Pushes the pending changes and websites, batch by batch. A record
    /// that stays pending after its answer (a conflict waiting for the
    /// user, say) is not sent twice in one sync. Up to [`IN_FLIGHT`]
    /// batches are on their way at once, each sent on its own task: while
    /// the server applies one, the next is already there to be planned,
    /// and here the next is read and the oldest answer acknowledged (each
    /// acknowledgement is still of an answer the server gave, after its
    /// commit). The log lines of a batch's integrations go with it (the
    /// server stores them after the changes, in the same transaction).
    async fn push_changes(&mut self, first: Vec<Pending>) -> Result<()> {
        let mut flight = Flight::default();
        let pushed = self.push_batches(first, &mut flight).await;
        // What the server took is acknowledged whatever stopped the loop:
        // the answer waiting, then every batch still on its way.
        let acked = ack_answered(self.store, flight.answered.as_ref()).await;
        self.count(acked?);
        while let Some(sent) = flight.sending.pop_front() {
            if let Ok(answered) = sent.answer().await {
                let acked = ack_answered(self.store, Some(&answered)).await;
                self.count(acked?);
            }
        }
        pushed
    }

    /// The loop of [`Run::push_changes`]; leaves in `flight` the batches
    /// still on their way and the last one answered and not acknowledged.
    async fn push_batches(&mut self, first: Vec<Pending>, flight: &mut Flight) -> Result<()> {
        let batch_size = batch_size(self.options);
        let mut websites = self.store.pending_websites().await?;
        let log_batch = self.options.log_batch_size.clamp(1, MAX_PUSH_LOGS);
        let mut sent: HashSet<String> = HashSet::new();
        let mut pending = first;
        let mut logs = self.store.pending_logs_of(&pending, log_batch).await?;
        // Where the next read starts: after the last change read.
        let mut last_read = pending.last().cloned();
        loop {
            self.check_cancel()?;
            let more = !(pending.is_empty() && websites.is_empty());
            if more {
                let batch = PushBatch {
                    websites: self
                        .batch_websites(&pending, std::mem::take(&mut websites))
                        .await?,
                    changes: pending.iter().map(|p| p.change.clone()).collect(),
                    logs: std::mem::take(&mut logs),
                    ..self.batch()
                };
                sent.extend(pending.iter().map(|p| p.change.uid.clone()));
                flight.sending.push_back(Sending::start(
                    self.client,
                    std::mem::take(&mut pending),
                    batch,
                ));
            } else if flight.sending.is_empty() {
                return Ok(());
            }
            // Wait for the oldest answer once enough are on their way (or
            // nothing is left to read), acknowledging the one before and
            // reading the next batch meanwhile.
            let wait = flight.sending.len() >= IN_FLIGHT || !more;
            let oldest = if wait {
                flight.sending.pop_front()
            } else {
                None
            };
            let (store, sent, after) = (self.store, &sent, last_read.as_ref());
            let read_next = async {
                if !more {
                    return Ok((Vec::new(), Vec::new()));
                }
                let mut next = store.pending_changes_after(batch_size, after).await?;
                next.retain(|p| !sent.contains(&p.change.uid));
                let logs = store.pending_logs_of(&next, log_batch).await?;
                Ok::<_, SyncError>((next, logs))
            };
            let answer = async {
                match oldest {
                    Some(sending) => sending.answer().await.map(Some),
                    None => Ok(None),
                }
            };
            let (answer, acked, next) = tokio::join!(
                answer,
                ack_answered(self.store, flight.answered.as_ref()),
                read_next,
            );
            flight.answered = None;
            self.count(acked?);
            // An answer is kept (to acknowledge) even when the read failed.
            flight.answered = answer?;
            let (next, next_logs) = next?;
            if let Some(last) = next.last() {
                last_read = Some(last.clone());
            }
            (pending, logs) = (next, next_logs);
        }
    }

    /// Counts an acknowledged batch in the report.
    fn count(&mut self, acked: Option<Acked>) {
        let Some((ack, sent, logs)) = acked else {
            return;
        };
        let report = &mut self.report;
        report.batches += 1;
        report.logs_pushed += logs;
        report.pushed += ack.applied;
        report.merged += ack.merged;
        report.conflicts += ack.conflicts;
        report.gone += ack.gone;
        report.deleted += ack.deleted;
        report.invalid += ack.invalid;
        report.websites_refused += ack.websites_refused;
        self.state.pushed += sent;
        self.state.to_push = self.state.to_push.max(self.state.pushed);
        self.report_progress();
    }

    /// The websites of a batch: the pending ones, after the websites its
    /// changes point at (upserts the server skips when it has them as they
    /// are), so one deleted on the server meanwhile comes back rather than
    /// refusing the changes. Upserts before deletions, as the server
    /// applies them.
    async fn batch_websites(
        &self,
        pending: &[Pending],
        mut batch_sites: Vec<SyncWebsite>,
    ) -> Result<Vec<SyncWebsite>> {
        let mut wanted: Vec<&str> = pending
            .iter()
            .filter_map(|p| p.change.set.get(field::WEBSITE))
            .filter_map(|v| v.as_str())
            .filter(|uid| !uid.is_empty() && !batch_sites.iter().any(|w| w.uid == *uid))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(batch_sites);
        }
        let mut extra = self.store.sync_websites(&wanted).await?;
        for w in &mut extra {
            w.if_missing = true;
        }
        extra.append(&mut batch_sites);
        Ok(extra)
    }

    /// Log lines, once their integrations are on the server. Every line of
    /// an answered batch is done, so each round sends new lines: the loop
    /// ends when none are left (or a round brings nothing new).
    async fn push_logs(&mut self) -> Result<()> {
        let log_batch = self.options.log_batch_size.clamp(1, MAX_PUSH_LOGS);
        let mut logs_sent: HashSet<String> = HashSet::new();
        loop {
            self.check_cancel()?;
            let logs = self.store.pending_logs(log_batch).await?;
            if logs.is_empty() || logs.iter().all(|l| logs_sent.contains(&l.uid)) {
                break;
            }
            let batch = PushBatch {
                logs,
                ..self.batch()
            };
            send(self.client, &batch).await?;
            self.store.ack_logs(&batch.logs).await?;
            self.report.batches += 1;
            self.report.logs_pushed += batch.logs.len();
            logs_sent.extend(batch.logs.into_iter().map(|l| l.uid));
        }
        Ok(())
    }

    /// Pulls page by page from the stored cursor. A page with nothing in
    /// it but more to come (a first sync's pull walks past this laptop's
    /// own changes, which the server leaves out) only moves the cursor
    /// here, in memory: the next page applied stores it with its changes,
    /// one commit instead of one per empty page. Stopped before that, the
    /// next sync asks for those empty pages again.
    ///
    /// While a page is written to the store, the next one is already asked
    /// for: a pull only reads on the server, so asking early changes
    /// nothing there, and the server's answer and the laptop's writes
    /// overlap instead of taking turns. The cursor stored is still that of
    /// the page written.
    async fn pull(&mut self) -> Result<()> {
        self.state.phase = Phase::Pulling;
        self.report_progress();
        let mut cursor = self.store.sync_meta().await?.cursor;
        let mut fetched: Option<PullPage> = None;
        loop {
            self.check_cancel()?;
            let page = match fetched.take() {
                Some(page) => page,
                None => self.fetch(cursor).await?,
            };
            let moves_on = page.more && page.next > cursor;
            if moves_on
                && page.websites.is_empty()
                && page.changes.is_empty()
                && page.logs.is_empty()
            {
                cursor = page.next;
                continue;
            }
            let (applied, next) = if moves_on {
                let (applied, next) =
                    tokio::join!(self.store.apply_pull(&page), self.fetch(page.next));
                (applied?, Some(next))
            } else {
                (self.store.apply_pull(&page).await?, None)
            };
            let report = &mut self.report;
            report.pulled += applied.pulled;
            report.pulled_deleted += applied.deleted;
            report.websites_pulled += applied.websites;
            report.websites_deleted += applied.websites_deleted;
            report.websites_kept += applied.websites_kept;
            report.logs_pulled += applied.logs;
            self.state.pulled += page.changes.len();
            self.report_progress();
            let Some(next) = next else {
                break;
            };
            cursor = page.next;
            fetched = Some(next?);
        }
        Ok(())
    }

    /// The pull page after `cursor`, without this laptop's own changes.
    async fn fetch(&self, cursor: i64) -> Result<PullPage> {
        self.client
            .pull(
                cursor,
                self.options.pull_limit,
                Some(self.client_id.as_str()),
            )
            .await
    }

    /// Records the sync's time and reports it done.
    async fn finish(mut self, started: Instant) -> Result<SyncReport> {
        let mut meta = self.store.sync_meta().await?;
        meta.last_synced_at = Some(switchboard_domain::now());
        self.store.set_sync_meta(&meta).await?;
        self.state.phase = Phase::Done;
        self.report_progress();
        let mut report = self.report;
        report.elapsed_ms = switchboard_domain::elapsed_ms(started);
        tracing::info!(
            pushed = report.pushed,
            merged = report.merged,
            conflicts = report.conflicts,
            pulled = report.pulled,
            elapsed_ms = report.elapsed_ms,
            "sync finished"
        );
        Ok(report)
    }
}
