//! Applying a push batch: all or nothing, in one transaction that also
//! stores the batch's answer (docs/sync.md).

use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use switchboard_server_macros::sql_db;
use switchboard_sync_proto::{PushAnswer, PushOutcome, PushResult, SyncLog, WebsiteRefusal};

use super::{push_ids, push_list, CREATES_PER_INSERT, ROWS_PER_INSERT, UIDS_PER_QUERY};
use crate::db::integrations::IntegrationRows;
use crate::db::rows::{self, INTEGRATION_COLUMNS};
use crate::db::sql::Conn;
use crate::db::{
    DbError, Result, SyncApplied, SyncPlan, SyncWebsiteDelete, SyncWebsiteWrite, SyncWrite,
};
use crate::model::{AuditEntry, IntegrationRecord, NewLog};

/// A push batch while it is applied: what its writes add up to.
pub(super) struct Applying<'a> {
    /// The pushing laptop, last writer of what the batch changes.
    client: Option<&'a str>,
    now: String,
    answer: PushAnswer,
    /// Audit entries and log lines, in the order of the changes, written
    /// together at the end.
    audits: Vec<AuditEntry>,
    logs: Vec<(i64, NewLog)>,
    /// The next of the sequence numbers reserved for creates and updates.
    seq: i64,
    /// Website ids by uid (None when there is none), looked up once.
    site_ids: HashMap<String, Option<i64>>,
}

/// A new integration of a run of consecutive creates.
pub(super) struct NewRow {
    index: usize,
    record: IntegrationRecord,
    website_uid: Option<String>,
    audit: AuditEntry,
    log: NewLog,
}

/// The steps of [`SyncPush::apply`] (see
/// [`SqlDb`](crate::db::sql::SqlDb) for the where clause).
/// Those answering `bool` answer false when a record changed since the
/// plan was made: the batch is then stale and nothing is applied.
#[sql_db]
#[async_trait::async_trait]
pub(super) trait SyncPush: IntegrationRows {
    /// Applies a push batch all or nothing, storing its answer in the same
    /// transaction.
    async fn apply(&self, plan: SyncPlan) -> Result<SyncApplied> {
        let SyncPlan {
            user_id,
            batch_id,
            client,
            websites,
            writes,
            website_deletes,
            logs: pushed_logs,
            answer,
        } = plan;
        let mut tx = self.write().begin_with(Self::BEGIN).await?;
        if !Self::claim_batch(&mut tx, user_id, &batch_id).await? {
            drop(tx);
            return self.replayed(user_id, &batch_id).await;
        }
        let mut batch = Applying {
            client: client.as_deref(),
            now: crate::db::now(),
            answer,
            audits: Vec::new(),
            logs: Vec::new(),
            seq: 0,
            site_ids: HashMap::new(),
        };
        Self::upsert_websites(&mut tx, &websites, &mut batch).await?;

        // The uids to create must still be free (neither used nor
        // tombstoned), checked in a few queries.
        let new_uids: Vec<&str> = writes.iter().filter_map(|(_, w)| w.created_uid()).collect();
        if !Self::uids_free(&mut tx, &new_uids).await? {
            return Ok(SyncApplied::Stale);
        }
        // The stored rows the updates were planned against.
        let update_ids: Vec<i64> = writes
            .iter()
            .filter_map(|(_, w)| match w {
                SyncWrite::Update { record, .. } => Some(record.id),
                _ => None,
            })
            .collect();
        let stored = Self::stored_rows(&mut tx, &update_ids).await?;
        // One counter bump reserves the sequence numbers of every create
        // and update (deletes take theirs one by one).
        batch.seq = Self::reserve_seqs(&mut tx, new_uids.len() + update_ids.len()).await?;

        if !Self::apply_writes(&mut tx, writes, &stored, &mut batch).await? {
            return Ok(SyncApplied::Stale);
        }
        Self::delete_websites(&mut tx, website_deletes, &mut batch).await?;
        Self::insert_logs(&mut tx, &batch.logs, &batch.now, batch.client).await?;
        batch.answer.logs_stored =
            Self::insert_pushed_logs(&mut tx, &pushed_logs, batch.client).await?;
        Self::insert_audits(&mut tx, &batch.audits, &batch.now).await?;

        let text = serde_json::to_string(&batch.answer).expect("an answer serializes");
        sqlx::query("UPDATE sync_batches SET answer = $1 WHERE user_id = $2 AND batch_id = $3")
            .bind(&text)
            .bind(user_id)
            .bind(&batch_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(SyncApplied::Done(batch.answer))
    }

    /// Claims the batch id first: a concurrent push of the same batch waits
    /// here (PostgreSQL) and then finds it taken. False when it was taken.
    async fn claim_batch(conn: &mut Conn<Self>, user_id: i64, batch_id: &str) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO sync_batches (user_id, batch_id, answer, created_at) VALUES ($1, $2, '', $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(batch_id)
        .bind(crate::db::now())
        .execute(&mut *conn)
        .await?;
        Ok(Self::rows_affected(&done) != 0)
    }

    /// The stored answer of a batch applied before, or stale while it is
    /// still being applied.
    async fn replayed(&self, user_id: i64, batch_id: &str) -> Result<SyncApplied> {
        let stored = Self::stored_answer(self.write(), user_id, batch_id).await?;
        match stored.filter(|a| !a.is_empty()) {
            Some(a) => Ok(SyncApplied::Replayed(a)),
            None => Ok(SyncApplied::Stale),
        }
    }

    /// Upserts the pushed websites by uid, each with a new sequence number.
    async fn upsert_websites(
        conn: &mut Conn<Self>,
        websites: &[SyncWebsiteWrite],
        batch: &mut Applying<'_>,
    ) -> Result<()> {
        for site in websites {
            let seq = Self::next_seq(&mut *conn).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO websites (uid, name, domain, created_at, updated_at, seq) \
                 VALUES ($1, $2, $3, $4, $4, $5) ON CONFLICT (uid) DO UPDATE SET \
                 name = excluded.name, domain = excluded.domain, updated_at = excluded.updated_at, \
                 seq = excluded.seq RETURNING id",
            )
            .bind(&site.uid)
            .bind(&site.name)
            .bind(&site.domain)
            .bind(&batch.now)
            .bind(seq)
            .fetch_one(&mut *conn)
            .await?;
            // Pushed again after a deletion: it is back.
            sqlx::query("DELETE FROM website_tombstones WHERE uid = $1")
                .bind(&site.uid)
                .execute(&mut *conn)
                .await?;
            let mut entry = site.audit.clone();
            entry.website_id = Some(id);
            batch.audits.push(entry);
        }
        Ok(())
    }

    /// Whether none of these uids is used or tombstoned.
    async fn uids_free(conn: &mut Conn<Self>, uids: &[&str]) -> Result<bool> {
        for chunk in uids.chunks(UIDS_PER_QUERY) {
            let mut qb =
                sqlx::QueryBuilder::<Self::DB>::new("SELECT uid FROM integrations WHERE uid IN (");
            push_list(&mut qb, chunk);
            qb.push(" UNION ALL SELECT uid FROM tombstones WHERE uid IN (");
            push_list(&mut qb, chunk);
            qb.push(" LIMIT 1");
            let taken: Option<String> = Self::build_scalar(&mut qb)
                .fetch_optional(&mut *conn)
                .await?;
            if taken.is_some() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The stored rows with these ids, by id.
    async fn stored_rows(
        conn: &mut Conn<Self>,
        ids: &[i64],
    ) -> Result<HashMap<i64, IntegrationRecord>> {
        let mut stored = HashMap::new();
        for chunk in ids.chunks(UIDS_PER_QUERY) {
            let mut qb = sqlx::QueryBuilder::<Self::DB>::new(format!(
                "SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE id IN ("
            ));
            push_ids(&mut qb, chunk);
            for r in Self::build(&mut qb).fetch_all(&mut *conn).await? {
                let rec = rows::integration(&r)?;
                stored.insert(rec.id, rec);
            }
        }
        Ok(stored)
    }

    /// The integration writes, in the order of the changes: runs of
    /// consecutive creates are inserted together, the other writes one by
    /// one. `stored` holds the rows the updates were planned against.
    async fn apply_writes(
        conn: &mut Conn<Self>,
        writes: Vec<(usize, SyncWrite)>,
        stored: &HashMap<i64, IntegrationRecord>,
        batch: &mut Applying<'_>,
    ) -> Result<bool> {
        let mut writes = writes.into_iter().peekable();
        while let Some((index, write)) = writes.next() {
            let fresh = match write {
                SyncWrite::Create {
                    record,
                    website_uid,
                    audit,
                    log,
                } => {
                    let mut run = vec![NewRow {
                        index,
                        record,
                        website_uid,
                        audit,
                        log,
                    }];
                    while let Some((_, SyncWrite::Create { .. })) = writes.peek() {
                        if let Some((
                            index,
                            SyncWrite::Create {
                                record,
                                website_uid,
                                audit,
                                log,
                            },
                        )) = writes.next()
                        {
                            run.push(NewRow {
                                index,
                                record,
                                website_uid,
                                audit,
                                log,
                            });
                        }
                    }
                    Self::insert_run(&mut *conn, run, batch).await?;
                    true
                }
                SyncWrite::Update {
                    record,
                    up_to_date,
                    website_uid,
                    audit,
                    log,
                } => {
                    let Some(old) = stored.get(&record.id) else {
                        return Ok(false);
                    };
                    let update = (record, up_to_date, website_uid, audit, log);
                    Self::apply_update(&mut *conn, index, old, update, batch).await?
                }
                SyncWrite::Delete {
                    id,
                    revision,
                    audit,
                } => {
                    let client = batch.client;
                    let deleted =
                        Self::delete_row(&mut *conn, id, Some(revision), audit.actor_id, client)
                            .await?;
                    match deleted {
                        Some(rev) => {
                            batch.audits.push(audit);
                            let result = &mut batch.answer.results[index];
                            result.outcome = PushOutcome::Deleted;
                            result.revision = Some(rev);
                            true
                        }
                        None => false,
                    }
                }
            };
            if !fresh {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Inserts a run of new integrations, a few statements in all; one a
    /// unique rule refuses is answered as invalid.
    async fn insert_run(
        conn: &mut Conn<Self>,
        mut run: Vec<NewRow>,
        batch: &mut Applying<'_>,
    ) -> Result<()> {
        for row in &mut run {
            if let Some(uid) = &row.website_uid {
                row.record.website_id = Self::website_id_cached(&mut *conn, batch, uid).await?;
            }
            row.record.seq = batch.seq;
            batch.seq += 1;
        }
        for chunk in run.chunks(CREATES_PER_INSERT) {
            let records: Vec<&IntegrationRecord> = chunk.iter().map(|r| &r.record).collect();
            let ids = Self::insert_rows(&mut *conn, &records, batch.client).await?;
            for row in chunk {
                match ids.get(&row.record.uid) {
                    Some(&id) => {
                        batch.logs.push((id, row.log.clone()));
                        let mut entry = row.audit.clone();
                        entry.integration_id = Some(id);
                        entry.website_id = row.record.website_id;
                        batch.audits.push(entry);
                        let result = &mut batch.answer.results[row.index];
                        result.id = Some(id);
                        result.revision = Some(1);
                    }
                    None => batch.answer.results[row.index] = duplicate(&row.record.uid),
                }
            }
        }
        Ok(())
    }

    /// Saves an update (record, up to date, website uid, audit, log) over
    /// `old`, the stored row it was planned against.
    async fn apply_update(
        conn: &mut Conn<Self>,
        index: usize,
        old: &IntegrationRecord,
        update: (IntegrationRecord, bool, Option<String>, AuditEntry, NewLog),
        batch: &mut Applying<'_>,
    ) -> Result<bool> {
        let (mut record, up_to_date, website_uid, audit, log) = update;
        if old.revision != record.revision {
            return Ok(false);
        }
        if let Some(uid) = &website_uid {
            record.website_id = Self::website_id_cached(&mut *conn, batch, uid).await?;
        }
        let seq = batch.seq;
        batch.seq += 1;
        let client = batch.client.filter(|_| up_to_date);
        let saved = if Self::SAVEPOINTS {
            let mut sp = sqlx::Connection::begin(&mut *conn).await?;
            let saved = Self::update_from(&mut sp, old, &record, seq, client).await;
            if saved.is_ok() {
                sp.commit().await?;
            } else {
                sp.rollback().await?;
            }
            saved
        } else {
            // A failed statement leaves the transaction as it was.
            Self::update_from(&mut *conn, old, &record, seq, client).await
        };
        match saved {
            Ok(Some(revision)) => {
                batch.logs.push((record.id, log));
                let mut entry = audit;
                entry.website_id = record.website_id;
                batch.audits.push(entry);
                let result = &mut batch.answer.results[index];
                result.id = Some(record.id);
                result.revision = Some(revision);
                Ok(true)
            }
            Ok(None) => Ok(false),
            Err(DbError::Duplicate) => {
                batch.answer.results[index] = duplicate(&record.uid);
                Ok(true)
            }
            Err(e) => Err(e),
        }
    }

    /// Website deletions, after the integration writes (which may have
    /// moved or deleted the website's integrations).
    async fn delete_websites(
        conn: &mut Conn<Self>,
        deletes: Vec<SyncWebsiteDelete>,
        batch: &mut Applying<'_>,
    ) -> Result<()> {
        for del in deletes {
            let found: Option<i64> = sqlx::query_scalar("SELECT id FROM websites WHERE uid = $1")
                .bind(&del.uid)
                .fetch_optional(&mut *conn)
                .await?;
            let Some(site_id) = found else {
                // Unknown or deleted already: nothing to do.
                continue;
            };
            let used: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM integrations WHERE website_id = $1")
                    .bind(site_id)
                    .fetch_one(&mut *conn)
                    .await?;
            let seq = Self::next_seq(&mut *conn).await?;
            let refusal = match del.refuse {
                Some(why) => Some(why),
                None if used > 0 => Some(format!(
                    "This website still has {used} integration(s) on the server; it was not deleted."
                )),
                None => None,
            };
            if let Some(message) = refusal {
                // The website stays; a new sequence number sends it back to
                // the laptops that deleted it.
                sqlx::query("UPDATE websites SET seq = $1 WHERE id = $2")
                    .bind(seq)
                    .bind(site_id)
                    .execute(&mut *conn)
                    .await?;
                let refused = WebsiteRefusal {
                    uid: del.uid,
                    message,
                };
                batch.answer.websites_refused.push(refused);
                continue;
            }
            sqlx::query("DELETE FROM websites WHERE id = $1")
                .bind(site_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO website_tombstones (uid, seq, deleted_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (uid) DO UPDATE SET seq = excluded.seq, deleted_at = excluded.deleted_at",
            )
            .bind(&del.uid)
            .bind(seq)
            .bind(&batch.now)
            .execute(&mut *conn)
            .await?;
            let mut entry = del.audit;
            entry.website_id = Some(site_id);
            batch.audits.push(entry);
        }
        Ok(())
    }

    /// The id of the website with this uid (None when there is none),
    /// remembered for the rest of the batch.
    async fn website_id_cached(
        conn: &mut Conn<Self>,
        batch: &mut Applying<'_>,
        uid: &str,
    ) -> Result<Option<i64>> {
        if let Some(id) = batch.site_ids.get(uid) {
            return Ok(*id);
        }
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM websites WHERE uid = $1")
            .bind(uid)
            .fetch_optional(&mut *conn)
            .await?;
        batch.site_ids.insert(uid.to_owned(), id);
        Ok(id)
    }

    /// Inserts new records (revision 1, their own `seq`, last writer
    /// `client`) in one statement. A record a unique rule refuses is left
    /// out; the ids of those inserted, by uid.
    async fn insert_rows(
        conn: &mut Conn<Self>,
        records: &[&IntegrationRecord],
        client: Option<&str>,
    ) -> Result<HashMap<String, i64>> {
        let mut qb = sqlx::QueryBuilder::<Self::DB>::new(
            "INSERT INTO integrations (uid, owner_id, website_id, integration_type, provider, name, \
             description, status, is_active, config, secrets, configured, last_sync_at, last_error, \
             error_count, revision, created_by, created_at, updated_at, field_revs, seq, last_client, \
             secret_dates, expires_at, expires_source, trashed_at) ",
        );
        let now = crate::db::now();
        qb.push_values(records, |mut b, r| {
            b.push_bind(r.uid.clone())
                .push_bind(r.owner_id)
                .push_bind(r.website_id)
                .push_bind(r.integration_type.clone())
                .push_bind(r.provider.clone())
                .push_bind(r.name.clone())
                .push_bind(r.description.clone())
                .push_bind(r.status.as_str())
                .push_bind(r.is_active)
                .push_bind(serde_json::Value::Object(r.config.clone()).to_string())
                .push_bind(r.secrets.to_column())
                .push_bind(r.configured)
                .push_bind(r.last_sync_at.clone())
                .push_bind(r.last_error.clone())
                .push_bind(r.error_count)
                .push("1")
                .push_bind(r.created_by)
                .push_bind(r.created_at.clone())
                .push_bind(r.updated_at.clone())
                .push_bind(
                    serde_json::to_string(&r.field_revs).expect("a map of numbers serializes"),
                )
                .push_bind(r.seq)
                .push_bind(client.map(str::to_owned))
                .push_bind(
                    serde_json::to_string(&crate::db::rows::secret_dates(None, r, &now))
                        .expect("a map of strings serializes"),
                )
                .push_bind(
                    r.expires_at
                        .as_deref()
                        .and_then(switchboard_domain::expiry::normalize_timestamp),
                )
                .push_bind(r.expires_source.clone())
                .push_bind(r.trashed_at.clone());
        });
        qb.push(" ON CONFLICT DO NOTHING RETURNING id, uid");
        let mut ids = HashMap::with_capacity(records.len());
        for row in Self::build(&mut qb).fetch_all(&mut *conn).await? {
            ids.insert(
                row.try_get::<String, _>("uid")?,
                row.try_get::<i64, _>("id")?,
            );
        }
        Ok(ids)
    }

    /// Reserves `count` sequence numbers with one counter bump: the first
    /// of them (0 when `count` is 0).
    async fn reserve_seqs(conn: &mut Conn<Self>, count: usize) -> Result<i64> {
        if count == 0 {
            return Ok(0);
        }
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        let last: i64 = sqlx::query_scalar("UPDATE sync_counter SET n = n + $1 RETURNING n")
            .bind(count)
            .fetch_one(&mut *conn)
            .await?;
        Ok(last - count + 1)
    }

    /// Writes the server's own log lines of a push (integration id, line),
    /// each with a new uid and sequence number and the pushing client as
    /// writer, a few statements in all.
    async fn insert_logs(
        conn: &mut Conn<Self>,
        logs: &[(i64, NewLog)],
        at: &str,
        client: Option<&str>,
    ) -> Result<()> {
        let mut seq = Self::reserve_seqs(&mut *conn, logs.len()).await?;
        for chunk in logs.chunks(ROWS_PER_INSERT) {
            let mut qb = sqlx::QueryBuilder::<Self::DB>::new(LOG_INSERT);
            qb.push_values(chunk, |mut b, (id, log)| {
                b.push_bind(*id)
                    .push_bind(log.level.as_str())
                    .push_bind(log.message.clone())
                    .push_bind(log.details.to_string())
                    .push_bind(at.to_owned())
                    .push_bind(switchboard_domain::new_id())
                    .push_bind(seq)
                    .push_bind(client.map(str::to_owned));
                seq += 1;
            });
            Self::build(&mut qb).execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Stores log lines pushed by a laptop, each once by uid; lines whose
    /// integration does not exist here are dropped. How many were new.
    async fn insert_pushed_logs(
        conn: &mut Conn<Self>,
        logs: &[SyncLog],
        client: Option<&str>,
    ) -> Result<usize> {
        if logs.is_empty() {
            return Ok(0);
        }
        let uids: Vec<&str> = logs
            .iter()
            .map(|l| l.integration.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut ids: HashMap<String, i64> = HashMap::new();
        for chunk in uids.chunks(UIDS_PER_QUERY) {
            let mut qb = sqlx::QueryBuilder::<Self::DB>::new(
                "SELECT id, uid FROM integrations WHERE uid IN (",
            );
            push_list(&mut qb, chunk);
            for r in Self::build(&mut qb).fetch_all(&mut *conn).await? {
                ids.insert(r.try_get("uid")?, r.try_get("id")?);
            }
        }
        let rows: Vec<(i64, &SyncLog)> = logs
            .iter()
            .filter_map(|l| ids.get(&l.integration).map(|id| (*id, l)))
            .collect();
        let mut seq = Self::reserve_seqs(&mut *conn, rows.len()).await?;
        let mut stored = 0usize;
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut qb = sqlx::QueryBuilder::<Self::DB>::new(LOG_INSERT);
            qb.push_values(chunk, |mut b, (id, log)| {
                b.push_bind(*id)
                    .push_bind(log.level.as_str().to_owned())
                    .push_bind(log.message.clone())
                    .push_bind(log.details.to_string())
                    .push_bind(log.created_at.clone())
                    .push_bind(log.uid.clone())
                    .push_bind(seq)
                    .push_bind(client.map(str::to_owned));
                seq += 1;
            });
            qb.push(" ON CONFLICT (uid) DO NOTHING");
            let done = Self::build(&mut qb).execute(&mut *conn).await?;
            stored += usize::try_from(Self::rows_affected(&done)).unwrap_or(usize::MAX);
        }
        Ok(stored)
    }

    /// Writes audit entries, a few statements in all.
    async fn insert_audits(conn: &mut Conn<Self>, entries: &[AuditEntry], at: &str) -> Result<()> {
        for chunk in entries.chunks(ROWS_PER_INSERT) {
            let mut qb = sqlx::QueryBuilder::<Self::DB>::new(
                "INSERT INTO audit_log (at, actor_id, actor_email, action, integration_id, website_id, fields, via) ",
            );
            qb.push_values(chunk, |mut b, entry| {
                b.push_bind(at.to_owned())
                    .push_bind(entry.actor_id)
                    .push_bind(entry.actor_email.clone())
                    .push_bind(entry.action.clone())
                    .push_bind(entry.integration_id)
                    .push_bind(entry.website_id)
                    .push_bind(serde_json::to_string(&entry.fields).expect("field names serialize"))
                    .push_bind(entry.via.clone());
            });
            Self::build(&mut qb).execute(&mut *conn).await?;
        }
        Ok(())
    }
}

#[sql_db]
impl<B: IntegrationRows> SyncPush for B {}

/// The start of a multi-row INSERT of log lines.
const LOG_INSERT: &str = "INSERT INTO integration_logs \
    (integration_id, level, message, details, created_at, uid, seq, client) ";

/// The answer for a change a unique rule refused.
fn duplicate(uid: &str) -> PushResult {
    let message = "Choose another name: this website already has an integration of this provider with this name.";
    PushResult {
        uid: uid.to_owned(),
        outcome: PushOutcome::Invalid,
        revision: None,
        id: None,
        conflicts: Vec::new(),
        message: Some(message.to_owned()),
        fields: BTreeMap::from([("name".to_owned(), message.to_owned())]),
    }
}
