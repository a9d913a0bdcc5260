//! Group commit for writes that must be durable before their request is
//! answered: the writes of credential fetches (each counts against its rate
//! limit and leaves its audit entries), the events the webhook receivers
//! store, and created integrations (each with its audit entry and log). On
//! SQLite every commit is an fsync, so one transaction per request caps the
//! server at the disk's commit rate. Requests hand their writes to
//! one task per kind instead ([`GroupWriter`]), which commits everything
//! that has arrived while the previous commit ran in a single transaction
//! and then answers each request: nothing is answered before its writes are
//! durable.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

use crate::db::{CredentialWrite, Db, EventRecord, NewEvent, NewIntegration};
use crate::error::Error;

/// The most requests one transaction carries.
const MAX_BATCH: usize = 256;

/// A batch's commit: one answer per job, in order.
type Batch<'a, R> = Pin<Box<dyn Future<Output = crate::db::Result<Vec<R>>> + Send + 'a>>;

/// Commits jobs in one transaction.
type Commit<J, R> = for<'a> fn(&'a dyn Db, &'a [J]) -> Batch<'a, R>;

type Reply<R> = oneshot::Sender<Result<R, String>>;

/// The sending end of one kind of write; its task ends when the last
/// sender is dropped.
pub struct GroupWriter<J, R> {
    what: &'static str,
    jobs: mpsc::Sender<(J, Reply<R>)>,
}

/// Credential fetches: (rate limit count, window start) each.
pub type CredentialWriter = GroupWriter<CredentialWrite, (i64, i64)>;

/// The genuine events of one delivery each: (stored row, whether new) per event.
pub type EventWriter = GroupWriter<Vec<NewEvent>, Vec<(EventRecord, bool)>>;

/// Created integrations: each one's id, or None for a duplicate set.
pub type IntegrationWriter = GroupWriter<NewIntegration, Option<i64>>;

/// Starts the creates' writer on the current runtime.
pub fn integrations(db: Arc<dyn Db>) -> IntegrationWriter {
    GroupWriter::start(db, "integration", |db, jobs| db.insert_integrations(jobs))
}

/// Starts the credential fetches' writer on the current runtime.
pub fn credentials(db: Arc<dyn Db>) -> CredentialWriter {
    GroupWriter::start(db, "credential", |db, jobs| db.credential_batch(jobs))
}

/// Starts the webhook receivers' event writer on the current runtime.
pub fn events(db: Arc<dyn Db>) -> EventWriter {
    GroupWriter::start(db, "event", commit_events)
}

/// Every delivery's events in one transaction, answered per delivery.
fn commit_events<'a>(
    db: &'a dyn Db,
    deliveries: &'a [Vec<NewEvent>],
) -> Batch<'a, Vec<(EventRecord, bool)>> {
    Box::pin(async move {
        let all: Vec<&NewEvent> = deliveries.iter().flatten().collect();
        let mut stored = db.store_events(&all).await?.into_iter();
        Ok(deliveries
            .iter()
            .map(|events| stored.by_ref().take(events.len()).collect())
            .collect())
    })
}

impl<J, R> Clone for GroupWriter<J, R> {
    fn clone(&self) -> Self {
        GroupWriter {
            what: self.what,
            jobs: self.jobs.clone(),
        }
    }
}

impl<J, R> std::fmt::Debug for GroupWriter<J, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupWriter")
            .field("what", &self.what)
            .finish()
    }
}

impl<J: Send + Sync + 'static, R: Send + 'static> GroupWriter<J, R> {
    /// Starts the writing task on the current runtime.
    pub fn start(db: Arc<dyn Db>, what: &'static str, commit: Commit<J, R>) -> Self {
        let (jobs, mut queue) = mpsc::channel::<(J, Reply<R>)>(4 * MAX_BATCH);
        tokio::spawn(async move {
            while let Some(first) = queue.recv().await {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match queue.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let (jobs, replies): (Vec<J>, Vec<Reply<R>>) = batch.into_iter().unzip();
                let answers = commit_all(db.as_ref(), what, commit, &jobs).await;
                for (reply, answer) in replies.into_iter().zip(answers) {
                    let _ = reply.send(answer);
                }
            }
        });
        GroupWriter { what, jobs }
    }

    /// Commits one request's writes (with whatever else is waiting) and
    /// answers once they are durable.
    pub async fn write(&self, job: J) -> Result<R, Error> {
        let stopped = || Error::Internal(format!("the {} writer stopped", self.what));
        let (reply, answer) = oneshot::channel();
        self.jobs.send((job, reply)).await.map_err(|_| stopped())?;
        answer
            .await
            .map_err(|_| stopped())?
            .map_err(Error::Internal)
    }
}

/// One answer per job: all in one transaction or, when that fails (say one
/// delivery's integration was deleted meanwhile), each job in its own
/// transaction, so one bad job fails alone.
async fn commit_all<J, R>(
    db: &dyn Db,
    what: &str,
    commit: Commit<J, R>,
    jobs: &[J],
) -> Vec<Result<R, String>> {
    let failed = match commit(db, jobs).await {
        Ok(answers) if answers.len() == jobs.len() => return answers.into_iter().map(Ok).collect(),
        Ok(_) => "a batch was answered short".to_owned(),
        Err(e) => e.to_string(),
    };
    if jobs.len() == 1 {
        tracing::warn!("{what} writes could not be committed: {failed}");
        return vec![Err(failed)];
    }
    tracing::warn!(
        "a batch of {} {what} writes failed ({failed}); committing them one by one",
        jobs.len()
    );
    let mut answers = Vec::with_capacity(jobs.len());
    for job in jobs.chunks(1) {
        let answer = match commit(db, job).await.map(|mut a| a.pop()) {
            Ok(Some(answer)) => Ok(answer),
            Ok(None) => Err("a write was not answered".to_owned()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = &answer {
            tracing::warn!("{what} writes could not be committed: {e}");
        }
        answers.push(answer);
    }
    answers
}
