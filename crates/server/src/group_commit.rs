//! Group commit for the writes of credential fetches. Each fetch must
//! count against its rate limit and leave its audit entries before it is
//! answered; on SQLite every commit is an fsync, so one transaction per
//! fetch caps the platform at the disk's commit rate. Fetches hand their
//! writes to one task instead, which commits everything that has arrived
//! while the previous commit ran in a single transaction and then answers
//! each fetch: nothing is answered before its writes are durable.

use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

use crate::db::{CredentialWrite, Db};
use crate::error::Error;

/// The most fetches one transaction carries.
const MAX_BATCH: usize = 256;

type Reply = oneshot::Sender<Result<(i64, i64), String>>;

/// The sending end; the task ends when the last sender is dropped.
#[derive(Debug, Clone)]
pub struct CredentialWriter {
    jobs: mpsc::Sender<(CredentialWrite, Reply)>,
}

impl CredentialWriter {
    /// Starts the writing task on the current runtime.
    pub fn start(db: Arc<dyn Db>) -> CredentialWriter {
        let (jobs, mut queue) = mpsc::channel::<(CredentialWrite, Reply)>(4 * MAX_BATCH);
        tokio::spawn(async move {
            while let Some(first) = queue.recv().await {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match queue.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let (writes, replies): (Vec<CredentialWrite>, Vec<Reply>) =
                    batch.into_iter().unzip();
                match db.credential_batch(&writes).await {
                    Ok(counts) => {
                        for (reply, count) in replies.into_iter().zip(counts) {
                            let _ = reply.send(Ok(count));
                        }
                    }
                    Err(e) => {
                        tracing::warn!("credential fetches could not be recorded: {e}");
                        for reply in replies {
                            let _ = reply.send(Err(e.to_string()));
                        }
                    }
                }
            }
        });
        CredentialWriter { jobs }
    }

    /// Commits one fetch's writes (with whatever else is waiting); its
    /// rate limit count and window start.
    pub async fn write(&self, write: CredentialWrite) -> Result<(i64, i64), Error> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send((write, reply))
            .await
            .map_err(|_| Error::Internal("the credential writer stopped".into()))?;
        answer
            .await
            .map_err(|_| Error::Internal("the credential writer stopped".into()))?
            .map_err(Error::Internal)
    }
}
