//! [`SyncStore`](super::SyncStore) for both backends: reading changes by
//! sequence number for pulls, and applying a push batch in one transaction
//! together with its stored answer (docs/sync.md).

/// Uids (or ids) bound in one `IN (...)` list: far below SQLite's limit of
/// 32766 variables per statement (a union binds the list twice).
pub(crate) const UIDS_PER_QUERY: usize = 1000;
/// Rows of at most 8 values per multi-row INSERT (audit entries, log lines).
pub(crate) const ROWS_PER_INSERT: usize = 32766 / 8;
/// New integrations (22 values each) per multi-row INSERT.
pub(crate) const CREATES_PER_INSERT: usize = 32766 / 22;

macro_rules! impl_sync {
    ($ty:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::SyncStore for $ty {
            async fn sync_batch_answer(
                &self,
                user_id: i64,
                batch_id: &str,
            ) -> $crate::db::Result<Option<String>> {
                let answer: Option<String> = sqlx::query_scalar(
                    "SELECT answer FROM sync_batches WHERE user_id = $1 AND batch_id = $2",
                )
                .bind(user_id)
                .bind(batch_id)
                .fetch_optional(&self.read)
                .await?;
                // An empty answer belongs to a batch still being applied.
                Ok(answer.filter(|a| !a.is_empty()))
            }

            async fn integrations_by_uids(
                &self,
                uids: &[&str],
            ) -> $crate::db::Result<Vec<$crate::model::IntegrationRecord>> {
                let mut out = Vec::with_capacity(uids.len());
                for chunk in uids.chunks($crate::db::sync::UIDS_PER_QUERY) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {} FROM integrations WHERE uid IN (",
                        $crate::db::rows::INTEGRATION_COLUMNS
                    ));
                    push_list(&mut qb, chunk);
                    for r in qb.build().fetch_all(&self.read).await? {
                        out.push($crate::db::rows::integration(&r)?);
                    }
                }
                Ok(out)
            }

            async fn tombstoned_uids(
                &self,
                uids: &[&str],
            ) -> $crate::db::Result<std::collections::HashSet<String>> {
                let mut out = std::collections::HashSet::new();
                for chunk in uids.chunks($crate::db::sync::UIDS_PER_QUERY) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("SELECT uid FROM tombstones WHERE uid IN (");
                    push_list(&mut qb, chunk);
                    let found: Vec<String> = qb.build_query_scalar().fetch_all(&self.read).await?;
                    out.extend(found);
                }
                Ok(out)
            }

            async fn sync_apply(
                &self,
                plan: $crate::db::SyncPlan,
            ) -> $crate::db::Result<$crate::db::SyncApplied> {
                use $crate::db::{DbError, SyncApplied, SyncWrite};
                use std::collections::HashMap;
                use switchboard_sync_proto::PushOutcome;
                let $crate::db::SyncPlan {
                    user_id,
                    batch_id,
                    client,
                    websites,
                    writes,
                    website_deletes,
                    logs: pushed_logs,
                    mut answer,
                } = plan;
                let client = client.as_deref();
                let mut tx = self.write.begin_with(Self::BEGIN).await?;
                // Claim the batch id first: a concurrent push of the same
                // batch waits here (PostgreSQL) and then finds it taken.
                let claimed = sqlx::query(
                    "INSERT INTO sync_batches (user_id, batch_id, answer, created_at) VALUES ($1, $2, '', $3) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(user_id)
                .bind(&batch_id)
                .bind($crate::db::now())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if claimed == 0 {
                    drop(tx);
                    let stored: Option<String> = sqlx::query_scalar(
                        "SELECT answer FROM sync_batches WHERE user_id = $1 AND batch_id = $2",
                    )
                    .bind(user_id)
                    .bind(&batch_id)
                    .fetch_optional(&self.write)
                    .await?;
                    return match stored.filter(|a| !a.is_empty()) {
                        Some(a) => Ok(SyncApplied::Replayed(a)),
                        None => Ok(SyncApplied::Stale),
                    };
                }

                let now = $crate::db::now();
                // Audit entries and log lines, in the order of the changes,
                // written together at the end.
                let mut audits: Vec<$crate::model::AuditEntry> = Vec::new();
                let mut logs: Vec<(i64, $crate::model::NewLog)> = Vec::new();
                for site in &websites {
                    let seq = next_seq!(tx)?;
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO websites (uid, name, domain, created_at, updated_at, seq) \
                         VALUES ($1, $2, $3, $4, $4, $5) ON CONFLICT (uid) DO UPDATE SET \
                         name = excluded.name, domain = excluded.domain, updated_at = excluded.updated_at, \
                         seq = excluded.seq RETURNING id",
                    )
                    .bind(&site.uid)
                    .bind(&site.name)
                    .bind(&site.domain)
                    .bind(&now)
                    .bind(seq)
                    .fetch_one(&mut *tx)
                    .await?;
                    // Pushed again after a deletion: it is back.
                    sqlx::query("DELETE FROM website_tombstones WHERE uid = $1")
                        .bind(&site.uid)
                        .execute(&mut *tx)
                        .await?;
                    let mut entry = site.audit.clone();
                    entry.website_id = Some(id);
                    audits.push(entry);
                }

                // The uids to create must still be free (neither used nor
                // tombstoned), checked in a few queries.
                let new_uids: Vec<&str> = writes
                    .iter()
                    .filter_map(|(_, w)| match w {
                        SyncWrite::Create { record, .. } => Some(record.uid.as_str()),
                        _ => None,
                    })
                    .collect();
                for chunk in new_uids.chunks($crate::db::sync::UIDS_PER_QUERY) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("SELECT uid FROM integrations WHERE uid IN (");
                    push_list(&mut qb, chunk);
                    qb.push(" UNION ALL SELECT uid FROM tombstones WHERE uid IN (");
                    push_list(&mut qb, chunk);
                    qb.push(" LIMIT 1");
                    let taken: Option<String> = qb.build_query_scalar().fetch_optional(&mut *tx).await?;
                    if taken.is_some() {
                        return Ok(SyncApplied::Stale);
                    }
                }
                // The stored rows the updates were planned against.
                let update_ids: Vec<i64> = writes
                    .iter()
                    .filter_map(|(_, w)| match w {
                        SyncWrite::Update { record, .. } => Some(record.id),
                        _ => None,
                    })
                    .collect();
                let mut stored: HashMap<i64, $crate::model::IntegrationRecord> = HashMap::new();
                for chunk in update_ids.chunks($crate::db::sync::UIDS_PER_QUERY) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {} FROM integrations WHERE id IN (",
                        $crate::db::rows::INTEGRATION_COLUMNS
                    ));
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    list.push_unseparated(")");
                    for r in qb.build().fetch_all(&mut *tx).await? {
                        let rec = $crate::db::rows::integration(&r)?;
                        stored.insert(rec.id, rec);
                    }
                }
                // One counter bump reserves the sequence numbers of every
                // create and update (deletes take theirs one by one).
                let reserve = i64::try_from(new_uids.len() + update_ids.len()).unwrap_or(i64::MAX);
                let mut seq = if reserve > 0 {
                    let last: i64 = sqlx::query_scalar("UPDATE sync_counter SET n = n + $1 RETURNING n")
                        .bind(reserve)
                        .fetch_one(&mut *tx)
                        .await?;
                    last - reserve + 1
                } else {
                    0
                };
                let mut site_ids: HashMap<String, Option<i64>> = HashMap::new();

                // Runs of consecutive creates are inserted together; the
                // other writes one by one, all in the order of the changes.
                let mut writes = writes.into_iter().peekable();
                while let Some((index, write)) = writes.next() {
                    match write {
                        SyncWrite::Create {
                            record,
                            website_uid,
                            audit,
                            log,
                        } => {
                            let mut run = vec![(index, record, website_uid, audit, log)];
                            while let Some((_, SyncWrite::Create { .. })) = writes.peek() {
                                if let Some((i, SyncWrite::Create { record, website_uid, audit, log })) = writes.next() {
                                    run.push((i, record, website_uid, audit, log));
                                }
                            }
                            for (_, record, website_uid, _, _) in &mut run {
                                if let Some(uid) = website_uid {
                                    record.website_id = Self::website_id_cached(&mut tx, &mut site_ids, uid).await?;
                                }
                                record.seq = seq;
                                seq += 1;
                            }
                            for chunk in run.chunks($crate::db::sync::CREATES_PER_INSERT) {
                                let records: Vec<&$crate::model::IntegrationRecord> =
                                    chunk.iter().map(|(_, r, _, _, _)| r).collect();
                                let ids = Self::insert_rows(&mut tx, &records, client).await?;
                                for (index, record, _, audit, log) in chunk {
                                    match ids.get(&record.uid) {
                                        Some(&id) => {
                                            logs.push((id, log.clone()));
                                            let mut entry = audit.clone();
                                            entry.integration_id = Some(id);
                                            entry.website_id = record.website_id;
                                            audits.push(entry);
                                            let result = &mut answer.results[*index];
                                            result.id = Some(id);
                                            result.revision = Some(1);
                                        }
                                        None => answer.results[*index] = duplicate(&record.uid),
                                    }
                                }
                            }
                        }
                        SyncWrite::Update {
                            mut record,
                            up_to_date,
                            website_uid,
                            audit,
                            log,
                        } => {
                            let Some(old) = stored.get(&record.id) else {
                                return Ok(SyncApplied::Stale);
                            };
                            if old.revision != record.revision {
                                return Ok(SyncApplied::Stale);
                            }
                            if let Some(uid) = &website_uid {
                                record.website_id = Self::website_id_cached(&mut tx, &mut site_ids, uid).await?;
                            }
                            let this_seq = seq;
                            seq += 1;
                            let client = client.filter(|_| up_to_date);
                            let saved = if Self::SAVEPOINTS {
                                let mut sp = sqlx::Acquire::begin(&mut *tx).await?;
                                let saved = Self::update_from(&mut sp, old, &record, this_seq, client).await;
                                if saved.is_ok() {
                                    sp.commit().await?;
                                } else {
                                    sp.rollback().await?;
                                }
                                saved
                            } else {
                                // A failed statement leaves the transaction as it was.
                                Self::update_from(&mut tx, old, &record, this_seq, client).await
                            };
                            match saved {
                                Ok(Some(revision)) => {
                                    logs.push((record.id, log));
                                    let mut entry = audit;
                                    entry.website_id = record.website_id;
                                    audits.push(entry);
                                    let result = &mut answer.results[index];
                                    result.id = Some(record.id);
                                    result.revision = Some(revision);
                                }
                                Ok(None) => return Ok(SyncApplied::Stale),
                                Err(DbError::Duplicate) => {
                                    answer.results[index] = duplicate(&record.uid);
                                }
                                Err(e) => return Err(e),
                            }
                        }
                        SyncWrite::Delete {
                            id,
                            revision,
                            audit,
                        } => {
                            match Self::delete_row(&mut tx, id, Some(revision), audit.actor_id, client).await? {
                                Some(rev) => {
                                    audits.push(audit);
                                    let result = &mut answer.results[index];
                                    result.outcome = PushOutcome::Deleted;
                                    result.revision = Some(rev);
                                }
                                None => return Ok(SyncApplied::Stale),
                            }
                        }
                    }
                }
                // Website deletions, after the integration writes (which
                // may have moved or deleted the website's integrations).
                for del in website_deletes {
                    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM websites WHERE uid = $1")
                        .bind(&del.uid)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let Some(site_id) = found else {
                        // Unknown or deleted already: nothing to do.
                        continue;
                    };
                    let used: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM integrations WHERE website_id = $1")
                        .bind(site_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    let seq = next_seq!(tx)?;
                    let refusal = match del.refuse {
                        Some(why) => Some(why),
                        None if used > 0 => Some(format!(
                            "This website still has {used} integration(s) on the server; it was not deleted."
                        )),
                        None => None,
                    };
                    if let Some(message) = refusal {
                        // The website stays; a new sequence number sends it
                        // back to the laptops that deleted it.
                        sqlx::query("UPDATE websites SET seq = $1 WHERE id = $2")
                            .bind(seq)
                            .bind(site_id)
                            .execute(&mut *tx)
                            .await?;
                        answer.websites_refused.push(switchboard_sync_proto::WebsiteRefusal {
                            uid: del.uid,
                            message,
                        });
                        continue;
                    }
                    sqlx::query("DELETE FROM websites WHERE id = $1")
                        .bind(site_id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO website_tombstones (uid, seq, deleted_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (uid) DO UPDATE SET seq = excluded.seq, deleted_at = excluded.deleted_at",
                    )
                    .bind(&del.uid)
                    .bind(seq)
                    .bind(&now)
                    .execute(&mut *tx)
                    .await?;
                    let mut entry = del.audit;
                    entry.website_id = Some(site_id);
                    audits.push(entry);
                }
                Self::insert_logs(&mut tx, &logs, &now, client).await?;
                answer.logs_stored = Self::insert_pushed_logs(&mut tx, &pushed_logs, client).await?;
                Self::insert_audits(&mut tx, &audits, &now).await?;

                let text = serde_json::to_string(&answer).expect("an answer serializes");
                sqlx::query("UPDATE sync_batches SET answer = $1 WHERE user_id = $2 AND batch_id = $3")
                    .bind(&text)
                    .bind(user_id)
                    .bind(&batch_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(SyncApplied::Done(answer))
            }

            async fn sync_changes(
                &self,
                scope: Option<(i64, Vec<i64>)>,
                websites: Option<Vec<i64>>,
                since: i64,
                limit: i64,
                client: Option<&str>,
            ) -> $crate::db::Result<$crate::db::SyncChanges> {
                use sqlx::Row;
                use switchboard_sync_proto::{SyncLog, SyncWebsite};
                let user = scope.as_ref().map(|(u, _)| *u);
                let cap = usize::try_from(limit).unwrap_or(0);

                // First (see SyncChanges::own_logs_upto): the client's own
                // newest log line.
                let own_logs_upto: Option<i64> = match client {
                    Some(c) => sqlx::query_scalar(
                        "SELECT MAX(seq) FROM integration_logs WHERE client = $1 AND seq > $2",
                    )
                    .bind(c)
                    .bind(since)
                    .fetch_one(&self.read)
                    .await?,
                    None => None,
                };

                let mut sites = Vec::new();
                if websites.as_ref().is_none_or(|w| !w.is_empty()) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT uid, seq, name, domain FROM websites WHERE seq > ",
                    );
                    qb.push_bind(since);
                    if let Some(ids) = &websites {
                        qb.push(" AND id IN (");
                        let mut list = qb.separated(", ");
                        for id in ids {
                            list.push_bind(*id);
                        }
                        list.push_unseparated(")");
                    }
                    qb.push(" ORDER BY seq LIMIT ").push_bind(limit);
                    for r in qb.build().fetch_all(&self.read).await? {
                        sites.push(SyncWebsite {
                            uid: r.try_get("uid")?,
                            name: r.try_get("name")?,
                            domain: r.try_get("domain")?,
                            seq: Some(r.try_get("seq")?),
                            ..SyncWebsite::default()
                        });
                    }
                }
                // Website deletions: uids only, to everyone.
                let gone = sqlx::query(
                    "SELECT uid, seq FROM website_tombstones WHERE seq > $1 ORDER BY seq LIMIT $2",
                )
                .bind(since)
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
                if !gone.is_empty() {
                    for r in gone {
                        sites.push(SyncWebsite {
                            uid: r.try_get("uid")?,
                            seq: Some(r.try_get("seq")?),
                            deleted: true,
                            ..SyncWebsite::default()
                        });
                    }
                    sites.sort_by_key(|w| w.seq);
                    sites.truncate(cap);
                }

                let filter = $crate::model::ListFilter {
                    scope,
                    ..$crate::model::ListFilter::default()
                };
                let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {}, last_client FROM integrations",
                    $crate::db::rows::INTEGRATION_COLUMNS
                ));
                $crate::db::rows::push_filter(&mut qb, &filter);
                qb.push(" AND seq > ").push_bind(since);
                qb.push(" ORDER BY seq LIMIT ").push_bind(limit);
                let mut rows: Vec<$crate::db::SyncRow> = Vec::new();
                for r in qb.build().fetch_all(&self.read).await? {
                    let last: Option<String> = r.try_get("last_client")?;
                    let mine = client.is_some() && last.as_deref() == client;
                    rows.push($crate::db::SyncRow::Live(Box::new($crate::db::rows::integration(&r)?), mine));
                }

                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT uid, seq, revision, last_client FROM tombstones WHERE seq > ",
                );
                qb.push_bind(since);
                if let Some(user) = user {
                    qb.push(" AND (owner_id = ")
                        .push_bind(user)
                        .push(" OR website_id IN (SELECT website_id FROM website_members WHERE user_id = ")
                        .push_bind(user)
                        .push("))");
                }
                qb.push(" ORDER BY seq LIMIT ").push_bind(limit);
                for r in qb.build().fetch_all(&self.read).await? {
                    let last: Option<String> = r.try_get("last_client")?;
                    rows.push($crate::db::SyncRow::Deleted {
                        uid: r.try_get("uid")?,
                        seq: r.try_get("seq")?,
                        revision: r.try_get("revision")?,
                        mine: client.is_some() && last.as_deref() == client,
                    });
                }
                rows.sort_by_key(|r| r.seq());
                rows.truncate(cap);

                // Log lines of visible integrations, but the client's own.
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT l.uid, l.seq, l.level, l.message, l.details, l.created_at, i.uid AS integration \
                     FROM integration_logs l JOIN integrations i ON i.id = l.integration_id WHERE l.seq > ",
                );
                qb.push_bind(since);
                if let Some(c) = client {
                    qb.push(" AND (l.client IS NULL OR l.client <> ").push_bind(c.to_owned()).push(")");
                }
                if let Some(user) = user {
                    qb.push(" AND (i.owner_id = ")
                        .push_bind(user)
                        .push(" OR i.website_id IN (SELECT website_id FROM website_members WHERE user_id = ")
                        .push_bind(user)
                        .push("))");
                }
                qb.push(" ORDER BY l.seq LIMIT ").push_bind(limit);
                let mut logs = Vec::new();
                for r in qb.build().fetch_all(&self.read).await? {
                    let details: String = r.try_get("details")?;
                    logs.push(SyncLog {
                        uid: r.try_get("uid")?,
                        integration: r.try_get("integration")?,
                        level: r.try_get("level")?,
                        message: r.try_get("message")?,
                        details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
                        created_at: r.try_get("created_at")?,
                        seq: Some(r.try_get("seq")?),
                    });
                }
                Ok($crate::db::SyncChanges {
                    websites: sites,
                    rows,
                    logs,
                    own_logs_upto,
                })
            }
        }

        impl $ty {
            /// The id of the website with this uid (None when there is
            /// none), remembered for the rest of the batch.
            async fn website_id_cached(
                conn: &mut <$db as sqlx::Database>::Connection,
                cache: &mut std::collections::HashMap<String, Option<i64>>,
                uid: &str,
            ) -> $crate::db::Result<Option<i64>> {
                if let Some(id) = cache.get(uid) {
                    return Ok(*id);
                }
                let id: Option<i64> = sqlx::query_scalar("SELECT id FROM websites WHERE uid = $1")
                    .bind(uid)
                    .fetch_optional(&mut *conn)
                    .await?;
                cache.insert(uid.to_owned(), id);
                Ok(id)
            }

            /// Inserts new records (revision 1, their own `seq`, last writer
            /// `client`) in one statement. A record a unique rule refuses is
            /// left out; the ids of those inserted, by uid.
            async fn insert_rows(
                conn: &mut <$db as sqlx::Database>::Connection,
                records: &[&$crate::model::IntegrationRecord],
                client: Option<&str>,
            ) -> $crate::db::Result<std::collections::HashMap<String, i64>> {
                use sqlx::Row;
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO integrations (uid, owner_id, website_id, integration_type, provider, name, \
                     description, status, is_active, config, secrets, configured, last_sync_at, last_error, \
                     error_count, revision, created_by, created_at, updated_at, field_revs, seq, last_client) ",
                );
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
                        .push_bind(serde_json::to_string(&r.field_revs).expect("a map of numbers serializes"))
                        .push_bind(r.seq)
                        .push_bind(client.map(str::to_owned));
                });
                qb.push(" ON CONFLICT DO NOTHING RETURNING id, uid");
                let mut ids = std::collections::HashMap::with_capacity(records.len());
                for row in qb.build().fetch_all(&mut *conn).await? {
                    ids.insert(row.try_get::<String, _>("uid")?, row.try_get::<i64, _>("id")?);
                }
                Ok(ids)
            }

            /// Reserves `count` sequence numbers with one counter bump: the
            /// first of them (0 when `count` is 0).
            async fn reserve_seqs(
                conn: &mut <$db as sqlx::Database>::Connection,
                count: usize,
            ) -> $crate::db::Result<i64> {
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

            /// Writes the server's own log lines of a push (integration id,
            /// line), each with a new uid and sequence number and the pushing
            /// client as writer, a few statements in all.
            async fn insert_logs(
                conn: &mut <$db as sqlx::Database>::Connection,
                logs: &[(i64, $crate::model::NewLog)],
                at: &str,
                client: Option<&str>,
            ) -> $crate::db::Result<()> {
                let mut seq = Self::reserve_seqs(&mut *conn, logs.len()).await?;
                for chunk in logs.chunks($crate::db::sync::ROWS_PER_INSERT) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO integration_logs (integration_id, level, message, details, created_at, uid, seq, client) ",
                    );
                    qb.push_values(chunk, |mut b, (id, log)| {
                        b.push_bind(*id)
                            .push_bind(log.level.as_str())
                            .push_bind(log.message.clone())
                            .push_bind(log.details.to_string())
                            .push_bind(at.to_owned())
                            .push_bind(uuid::Uuid::new_v4().to_string())
                            .push_bind(seq)
                            .push_bind(client.map(str::to_owned));
                        seq += 1;
                    });
                    qb.build().execute(&mut *conn).await?;
                }
                Ok(())
            }

            /// Stores log lines pushed by a laptop, each once by uid; lines
            /// whose integration does not exist here are dropped. How many
            /// were new.
            async fn insert_pushed_logs(
                conn: &mut <$db as sqlx::Database>::Connection,
                logs: &[switchboard_sync_proto::SyncLog],
                client: Option<&str>,
            ) -> $crate::db::Result<usize> {
                use sqlx::Row;
                if logs.is_empty() {
                    return Ok(0);
                }
                let uids: Vec<&str> = logs
                    .iter()
                    .map(|l| l.integration.as_str())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let mut ids: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
                for chunk in uids.chunks($crate::db::sync::UIDS_PER_QUERY) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("SELECT id, uid FROM integrations WHERE uid IN (");
                    push_list(&mut qb, chunk);
                    for r in qb.build().fetch_all(&mut *conn).await? {
                        ids.insert(r.try_get("uid")?, r.try_get("id")?);
                    }
                }
                let rows: Vec<(i64, &switchboard_sync_proto::SyncLog)> = logs
                    .iter()
                    .filter_map(|l| ids.get(&l.integration).map(|id| (*id, l)))
                    .collect();
                let mut seq = Self::reserve_seqs(&mut *conn, rows.len()).await?;
                let mut stored = 0usize;
                for chunk in rows.chunks($crate::db::sync::ROWS_PER_INSERT) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO integration_logs (integration_id, level, message, details, created_at, uid, seq, client) ",
                    );
                    qb.push_values(chunk, |mut b, (id, log)| {
                        b.push_bind(*id)
                            .push_bind(log.level.clone())
                            .push_bind(log.message.clone())
                            .push_bind(log.details.to_string())
                            .push_bind(log.created_at.clone())
                            .push_bind(log.uid.clone())
                            .push_bind(seq)
                            .push_bind(client.map(str::to_owned));
                        seq += 1;
                    });
                    qb.push(" ON CONFLICT (uid) DO NOTHING");
                    let done = qb.build().execute(&mut *conn).await?.rows_affected();
                    stored += usize::try_from(done).unwrap_or(usize::MAX);
                }
                Ok(stored)
            }

            /// Writes audit entries, a few statements in all.
            async fn insert_audits(
                conn: &mut <$db as sqlx::Database>::Connection,
                entries: &[$crate::model::AuditEntry],
                at: &str,
            ) -> $crate::db::Result<()> {
                for chunk in entries.chunks($crate::db::sync::ROWS_PER_INSERT) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
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
                    qb.build().execute(&mut *conn).await?;
                }
                Ok(())
            }
        }

        /// Binds `uids` as a parenthesised list, closing the parenthesis.
        fn push_list<'a>(qb: &mut sqlx::QueryBuilder<'a, $db>, uids: &[&str]) {
            let mut list = qb.separated(", ");
            for uid in uids {
                list.push_bind((*uid).to_owned());
            }
            list.push_unseparated(")");
        }

        /// The answer for a change a unique rule refused.
        fn duplicate(uid: &str) -> switchboard_sync_proto::PushResult {
            let message = "Choose another name: this website already has an integration of this provider with this name.";
            switchboard_sync_proto::PushResult {
                uid: uid.to_owned(),
                outcome: switchboard_sync_proto::PushOutcome::Invalid,
                revision: None,
                id: None,
                conflicts: Vec::new(),
                message: Some(message.to_owned()),
                fields: std::collections::BTreeMap::from([("name".to_owned(), message.to_owned())]),
            }
        }
    };
}
