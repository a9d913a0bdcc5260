//! [`SyncStore`](super::SyncStore) for both backends: reading changes by
//! sequence number for pulls, and applying a push batch in one transaction
//! together with its stored answer (docs/sync.md).

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

            async fn integration_by_uid(
                &self,
                uid: &str,
            ) -> $crate::db::Result<Option<$crate::model::IntegrationRecord>> {
                let sql = format!(
                    "SELECT {} FROM integrations WHERE uid = $1",
                    $crate::db::rows::INTEGRATION_COLUMNS
                );
                let row = sqlx::query(&sql).bind(uid).fetch_optional(&self.read).await?;
                row.as_ref().map(|r| $crate::db::rows::integration(r)).transpose()
            }

            async fn is_tombstoned(&self, uid: &str) -> $crate::db::Result<bool> {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT integration_id FROM tombstones WHERE uid = $1 LIMIT 1")
                        .bind(uid)
                        .fetch_optional(&self.read)
                        .await?;
                Ok(found.is_some())
            }

            async fn sync_apply(
                &self,
                plan: $crate::db::SyncPlan,
            ) -> $crate::db::Result<$crate::db::SyncApplied> {
                use $crate::db::{DbError, SyncApplied, SyncWrite, UpdateOutcome};
                use switchboard_sync_proto::PushOutcome;
                let $crate::db::SyncPlan {
                    user_id,
                    batch_id,
                    websites,
                    writes,
                    mut answer,
                } = plan;
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
                    let mut entry = site.audit.clone();
                    entry.website_id = Some(id);
                    insert_audit!(tx, &entry)?;
                }

                for (index, write) in writes {
                    match write {
                        SyncWrite::Create {
                            mut record,
                            website_uid,
                            audit,
                            log,
                        } => {
                            let taken: Option<i64> = sqlx::query_scalar(
                                "SELECT 1 FROM integrations WHERE uid = $1 \
                                 UNION ALL SELECT 1 FROM tombstones WHERE uid = $1 LIMIT 1",
                            )
                            .bind(&record.uid)
                            .fetch_optional(&mut *tx)
                            .await?;
                            if taken.is_some() {
                                return Ok(SyncApplied::Stale);
                            }
                            if let Some(uid) = &website_uid {
                                record.website_id = Self::website_id(&mut tx, uid).await?;
                            }
                            let mut sp = sqlx::Acquire::begin(&mut *tx).await?;
                            match Self::insert_row(&mut sp, &record).await {
                                Ok(id) => {
                                    insert_log!(sp, id, &log)?;
                                    let mut entry = audit;
                                    entry.integration_id = Some(id);
                                    entry.website_id = record.website_id;
                                    insert_audit!(sp, &entry)?;
                                    sp.commit().await?;
                                    let result = &mut answer.results[index];
                                    result.id = Some(id);
                                    result.revision = Some(1);
                                }
                                Err(DbError::Duplicate) => {
                                    sp.rollback().await?;
                                    answer.results[index] = duplicate(&record.uid);
                                }
                                Err(e) => return Err(e),
                            }
                        }
                        SyncWrite::Update {
                            mut record,
                            website_uid,
                            audit,
                            log,
                        } => {
                            if let Some(uid) = &website_uid {
                                record.website_id = Self::website_id(&mut tx, uid).await?;
                            }
                            let mut sp = sqlx::Acquire::begin(&mut *tx).await?;
                            match Self::update_row(&mut sp, &record).await {
                                Ok(UpdateOutcome::Updated(revision)) => {
                                    insert_log!(sp, record.id, &log)?;
                                    let mut entry = audit;
                                    entry.website_id = record.website_id;
                                    insert_audit!(sp, &entry)?;
                                    sp.commit().await?;
                                    let result = &mut answer.results[index];
                                    result.id = Some(record.id);
                                    result.revision = Some(revision);
                                }
                                Ok(_) => return Ok(SyncApplied::Stale),
                                Err(DbError::Duplicate) => {
                                    sp.rollback().await?;
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
                            match Self::delete_row(&mut tx, id, Some(revision), audit.actor_id).await? {
                                Some(rev) => {
                                    insert_audit!(tx, &audit)?;
                                    let result = &mut answer.results[index];
                                    result.outcome = PushOutcome::Deleted;
                                    result.revision = Some(rev);
                                }
                                None => return Ok(SyncApplied::Stale),
                            }
                        }
                    }
                }

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
            ) -> $crate::db::Result<(Vec<$crate::model::WebsiteRecord>, Vec<$crate::db::SyncRow>)> {
                use sqlx::Row;
                let user = scope.as_ref().map(|(u, _)| *u);

                let mut sites = Vec::new();
                if websites.as_ref().is_none_or(|w| !w.is_empty()) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, uid, seq, name, domain, created_at, updated_at FROM websites WHERE seq > ",
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
                        sites.push($crate::model::WebsiteRecord {
                            id: r.try_get("id")?,
                            uid: r.try_get("uid")?,
                            seq: r.try_get("seq")?,
                            name: r.try_get("name")?,
                            domain: r.try_get("domain")?,
                            members: Vec::new(),
                            created_at: r.try_get("created_at")?,
                            updated_at: r.try_get("updated_at")?,
                        });
                    }
                }

                let filter = $crate::model::ListFilter {
                    scope,
                    ..$crate::model::ListFilter::default()
                };
                let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM integrations",
                    $crate::db::rows::INTEGRATION_COLUMNS
                ));
                $crate::db::rows::push_filter(&mut qb, &filter);
                qb.push(" AND seq > ").push_bind(since);
                qb.push(" ORDER BY seq LIMIT ").push_bind(limit);
                let mut rows: Vec<$crate::db::SyncRow> = Vec::new();
                for r in qb.build().fetch_all(&self.read).await? {
                    rows.push($crate::db::SyncRow::Live(Box::new($crate::db::rows::integration(&r)?)));
                }

                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT uid, seq, revision FROM tombstones WHERE seq > ",
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
                    rows.push($crate::db::SyncRow::Deleted {
                        uid: r.try_get("uid")?,
                        seq: r.try_get("seq")?,
                        revision: r.try_get("revision")?,
                    });
                }
                rows.sort_by_key(|r| r.seq());
                rows.truncate(usize::try_from(limit).unwrap_or(0));
                Ok((sites, rows))
            }
        }

        impl $ty {
            /// The id of the website with this uid (None when there is none).
            async fn website_id(
                conn: &mut <$db as sqlx::Database>::Connection,
                uid: &str,
            ) -> $crate::db::Result<Option<i64>> {
                Ok(sqlx::query_scalar("SELECT id FROM websites WHERE uid = $1")
                    .bind(uid)
                    .fetch_optional(&mut *conn)
                    .await?)
            }
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
