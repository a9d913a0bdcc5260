//! [`IntegrationStore`](super::IntegrationStore) for both backends:
//! integrations, their logs, check results and tombstones. Every write bumps
//! the record's revision and writes its audit entry in the same transaction.

/// Writes one log entry of an integration inside a transaction, with a new
/// uid and the next change sequence number (docs/sync.md: logs sync).
macro_rules! insert_log {
    ($tx:expr, $id:expr, $log:expr) => {{
        let log: &$crate::model::NewLog = $log;
        match next_seq!($tx) {
            Ok(seq) => {
                sqlx::query(
                    "INSERT INTO integration_logs (integration_id, level, message, details, created_at, uid, seq) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind($id)
                .bind(log.level.as_str())
                .bind(&log.message)
                .bind(log.details.to_string())
                .bind($crate::db::now())
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(seq)
                .execute(&mut *$tx)
                .await
            }
            Err(e) => Err(e),
        }
    }};
}

/// Hands out the next change sequence number inside a transaction (the
/// counter's row lock serialises writers, so sequence order is commit order).
macro_rules! next_seq {
    ($tx:expr) => {{
        let seq: std::result::Result<i64, sqlx::Error> =
            sqlx::query_scalar("UPDATE sync_counter SET n = n + 1 RETURNING n")
                .fetch_one(&mut *$tx)
                .await;
        seq
    }};
}

macro_rules! impl_integrations {
    ($ty:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::db::IntegrationStore for $ty {
            async fn list_integrations(
                &self,
                filter: &$crate::model::ListFilter,
            ) -> $crate::db::Result<Vec<$crate::model::IntegrationRecord>> {
                let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {} FROM integrations",
                    $crate::db::rows::INTEGRATION_COLUMNS
                ));
                $crate::db::rows::push_filter(&mut qb, filter);
                qb.push(" ORDER BY id DESC");
                if let Some(limit) = filter.limit {
                    qb.push(" LIMIT ").push_bind(limit);
                    qb.push(" OFFSET ").push_bind(filter.offset);
                }
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter().map(|r| $crate::db::rows::integration(r)).collect()
            }

            async fn count_integrations(
                &self,
                filter: &$crate::model::ListFilter,
            ) -> $crate::db::Result<i64> {
                let mut qb = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) FROM integrations");
                $crate::db::rows::push_filter(&mut qb, filter);
                Ok(qb.build_query_scalar().fetch_one(&self.read).await?)
            }

            async fn integration(
                &self,
                id: i64,
            ) -> $crate::db::Result<Option<$crate::model::IntegrationRecord>> {
                let sql = format!(
                    "SELECT {} FROM integrations WHERE id = $1",
                    $crate::db::rows::INTEGRATION_COLUMNS
                );
                let row = sqlx::query(&sql).bind(id).fetch_optional(&self.read).await?;
                row.as_ref().map(|r| $crate::db::rows::integration(r)).transpose()
            }

            async fn insert_integration(
                &self,
                r: &$crate::model::IntegrationRecord,
                audit: &$crate::model::AuditEntry,
                log: &$crate::model::NewLog,
            ) -> $crate::db::Result<i64> {
                let mut tx = self.write.begin_with(Self::BEGIN).await?;
                let id = Self::insert_row(&mut tx, r).await?;
                insert_log!(tx, id, log)?;
                let mut entry = audit.clone();
                entry.integration_id = Some(id);
                insert_audit!(tx, &entry)?;
                tx.commit().await?;
                Ok(id)
            }

            async fn update_integration(
                &self,
                r: &$crate::model::IntegrationRecord,
                audit: &$crate::model::AuditEntry,
                log: Option<&$crate::model::NewLog>,
            ) -> $crate::db::Result<$crate::db::UpdateOutcome> {
                let mut tx = self.write.begin_with(Self::BEGIN).await?;
                let outcome = Self::update_row(&mut tx, r).await?;
                if !matches!(outcome, $crate::db::UpdateOutcome::Updated(_)) {
                    return Ok(outcome);
                }
                if let Some(log) = log {
                    insert_log!(tx, r.id, log)?;
                }
                insert_audit!(tx, audit)?;
                tx.commit().await?;
                Ok(outcome)
            }

            async fn delete_integration(
                &self,
                id: i64,
                audit: &$crate::model::AuditEntry,
            ) -> $crate::db::Result<bool> {
                let mut tx = self.write.begin_with(Self::BEGIN).await?;
                if Self::delete_row(&mut tx, id, None, audit.actor_id, None).await?.is_none() {
                    return Ok(false);
                }
                insert_audit!(tx, audit)?;
                tx.commit().await?;
                Ok(true)
            }

            async fn record_check(
                &self,
                id: i64,
                effect: switchboard_domain::CheckKind,
                message: &str,
                log: &$crate::model::NewLog,
                audit: &$crate::model::AuditEntry,
            ) -> $crate::db::Result<bool> {
                use switchboard_domain::CheckKind;
                let mut tx = self.write.begin_with(Self::BEGIN).await?;
                let now = $crate::db::now();
                let found = match effect {
                    CheckKind::Ok => {
                        let seq = next_seq!(tx)?;
                        sqlx::query(
                            "UPDATE integrations SET status = 'active', last_sync_at = $1, last_error = NULL, \
                             error_count = 0, revision = revision + 1, updated_at = $1, seq = $2, last_client = NULL \
                             WHERE id = $3",
                        )
                        .bind(&now)
                        .bind(seq)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                    }
                    CheckKind::Failed => {
                        let seq = next_seq!(tx)?;
                        sqlx::query(
                            "UPDATE integrations SET status = 'error', last_error = $1, \
                             error_count = error_count + 1, revision = revision + 1, updated_at = $2, seq = $3, \
                             last_client = NULL \
                             WHERE id = $4",
                        )
                        .bind(message)
                        .bind(&now)
                        .bind(seq)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                    }
                    CheckKind::NotCheckable => {
                        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM integrations WHERE id = $1")
                            .bind(id)
                            .fetch_optional(&mut *tx)
                            .await?;
                        u64::from(found.is_some())
                    }
                };
                if found == 0 {
                    return Ok(false);
                }
                insert_log!(tx, id, log)?;
                if effect != CheckKind::NotCheckable {
                    insert_audit!(tx, audit)?;
                }
                tx.commit().await?;
                Ok(true)
            }
            async fn logs(
                &self,
                id: i64,
                limit: i64,
            ) -> $crate::db::Result<Vec<$crate::model::LogRecord>> {
                let rows = sqlx::query(
                    "SELECT id, level, message, details, created_at FROM integration_logs \
                     WHERE integration_id = $1 ORDER BY id DESC LIMIT $2",
                )
                .bind(id)
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(|r| $crate::db::rows::log(r)).collect()
            }

            async fn stats(
                &self,
                filter: &$crate::model::ListFilter,
            ) -> $crate::db::Result<$crate::model::Stats> {
                use sqlx::Row;
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT integration_type, COUNT(*) AS total, \
                     COUNT(*) FILTER (WHERE is_active) AS active, \
                     COUNT(*) FILTER (WHERE status = 'error') AS error FROM integrations",
                );
                $crate::db::rows::push_filter(&mut qb, filter);
                qb.push(" GROUP BY integration_type ORDER BY integration_type");
                let rows = qb.build().fetch_all(&self.read).await?;
                let mut stats = $crate::model::Stats::default();
                for row in rows {
                    let total: i64 = row.try_get("total")?;
                    stats.total += total;
                    stats.active += row.try_get::<i64, _>("active")?;
                    stats.error += row.try_get::<i64, _>("error")?;
                    stats.by_type.push((row.try_get("integration_type")?, total));
                }
                Ok(stats)
            }

            async fn tombstones(&self) -> $crate::db::Result<Vec<(i64, String, i64, String)>> {
                use sqlx::Row;
                let rows = sqlx::query(
                    "SELECT integration_id, uid, revision, deleted_at FROM tombstones ORDER BY deleted_at",
                )
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok((
                            r.try_get("integration_id")?,
                            r.try_get("uid")?,
                            r.try_get("revision")?,
                            r.try_get("deleted_at")?,
                        ))
                    })
                    .collect()
            }
        }

        impl $ty {
            /// Inserts a record (its `id` is ignored, its revision is 1) with a
            /// new change sequence number; its new id.
            pub(crate) async fn insert_row(
                conn: &mut <$db as sqlx::Database>::Connection,
                r: &$crate::model::IntegrationRecord,
            ) -> $crate::db::Result<i64> {
                let seq = next_seq!(conn)?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO integrations (uid, owner_id, website_id, integration_type, provider, name, \
                     description, status, is_active, config, secrets, configured, last_sync_at, last_error, \
                     error_count, revision, created_by, created_at, updated_at, field_revs, seq) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $17, $18, $19, $20) \
                     RETURNING id",
                )
                .bind(&r.uid)
                .bind(r.owner_id)
                .bind(r.website_id)
                .bind(&r.integration_type)
                .bind(&r.provider)
                .bind(&r.name)
                .bind(&r.description)
                .bind(r.status.as_str())
                .bind(r.is_active)
                .bind(serde_json::Value::Object(r.config.clone()).to_string())
                .bind(r.secrets.to_column())
                .bind(r.configured)
                .bind(&r.last_sync_at)
                .bind(&r.last_error)
                .bind(r.error_count)
                .bind(r.created_by)
                .bind(&r.created_at)
                .bind(&r.updated_at)
                .bind(serde_json::to_string(&r.field_revs).expect("a map of numbers serializes"))
                .bind(seq)
                .fetch_one(&mut *conn)
                .await?;
                Ok(id)
            }

            /// Saves `r` if its stored revision is still `r.revision`: bumps
            /// the revision, sets the field revisions of the sync fields that
            /// changed to the new revision and takes a new sequence number.
            pub(crate) async fn update_row(
                conn: &mut <$db as sqlx::Database>::Connection,
                r: &$crate::model::IntegrationRecord,
            ) -> $crate::db::Result<$crate::db::UpdateOutcome> {
                let sql = format!(
                    "SELECT {} FROM integrations WHERE id = $1",
                    $crate::db::rows::INTEGRATION_COLUMNS
                );
                let Some(row) = sqlx::query(&sql).bind(r.id).fetch_optional(&mut *conn).await? else {
                    return Ok($crate::db::UpdateOutcome::Gone);
                };
                let old = $crate::db::rows::integration(&row)?;
                if old.revision != r.revision {
                    return Ok($crate::db::UpdateOutcome::Stale);
                }
                let seq = next_seq!(conn)?;
                Ok(match Self::update_from(conn, &old, r, seq, None).await? {
                    Some(revision) => $crate::db::UpdateOutcome::Updated(revision),
                    None => $crate::db::UpdateOutcome::Stale,
                })
            }

            /// Saves `r` over `old` (the stored row at `r.revision`) with
            /// sequence number `seq` and last writer `client`: bumps the
            /// revision and sets the field revisions of the sync fields that
            /// changed. The new revision, or None when the row is no longer
            /// at `r.revision`.
            pub(crate) async fn update_from(
                conn: &mut <$db as sqlx::Database>::Connection,
                old: &$crate::model::IntegrationRecord,
                r: &$crate::model::IntegrationRecord,
                seq: i64,
                client: Option<&str>,
            ) -> $crate::db::Result<Option<i64>> {
                let mut revs = old.field_revs.clone();
                for field in $crate::db::rows::sync_changes(old, r) {
                    revs.insert(field, r.revision + 1);
                }
                let revision: Option<i64> = sqlx::query_scalar(
                    "UPDATE integrations SET owner_id = $1, website_id = $2, integration_type = $3, \
                     provider = $4, name = $5, description = $6, status = $7, is_active = $8, config = $9, \
                     secrets = $10, configured = $11, revision = revision + 1, updated_at = $12, \
                     field_revs = $13, seq = $14, last_client = $15 \
                     WHERE id = $16 AND revision = $17 RETURNING revision",
                )
                .bind(r.owner_id)
                .bind(r.website_id)
                .bind(&r.integration_type)
                .bind(&r.provider)
                .bind(&r.name)
                .bind(&r.description)
                .bind(r.status.as_str())
                .bind(r.is_active)
                .bind(serde_json::Value::Object(r.config.clone()).to_string())
                .bind(r.secrets.to_column())
                .bind(r.configured)
                .bind(&r.updated_at)
                .bind(serde_json::to_string(&revs).expect("a map of numbers serializes"))
                .bind(seq)
                .bind(client)
                .bind(r.id)
                .bind(r.revision)
                .fetch_optional(&mut *conn)
                .await?;
                Ok(revision)
            }

            /// Deletes a record and its logs, leaving a tombstone with a new
            /// sequence number; with `expected`, only at that revision. The
            /// tombstone's revision, or None when not found (or stale).
            pub(crate) async fn delete_row(
                conn: &mut <$db as sqlx::Database>::Connection,
                id: i64,
                expected: Option<i64>,
                deleted_by: Option<i64>,
                client: Option<&str>,
            ) -> $crate::db::Result<Option<i64>> {
                use sqlx::Row;
                // The counter first, like every writer (so two writers never
                // wait for each other's locks in opposite order); then deleting
                // takes the row, so the tombstone's revision is the last one.
                let seq = next_seq!(conn)?;
                let query = match expected {
                    Some(revision) => sqlx::query(
                        "DELETE FROM integrations WHERE id = $1 AND revision = $2 \
                         RETURNING uid, website_id, owner_id, revision",
                    )
                    .bind(id)
                    .bind(revision),
                    None => sqlx::query(
                        "DELETE FROM integrations WHERE id = $1 RETURNING uid, website_id, owner_id, revision",
                    )
                    .bind(id),
                };
                let Some(row) = query.fetch_optional(&mut *conn).await? else {
                    return Ok(None);
                };
                let revision: i64 = row.try_get("revision")?;
                sqlx::query("DELETE FROM integration_logs WHERE integration_id = $1")
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(
                    "INSERT INTO tombstones (integration_id, uid, website_id, owner_id, revision, deleted_at, deleted_by, seq, \
                     last_client) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(id)
                .bind(row.try_get::<String, _>("uid")?)
                .bind(row.try_get::<Option<i64>, _>("website_id")?)
                .bind(row.try_get::<i64, _>("owner_id")?)
                .bind(revision + 1)
                .bind($crate::db::now())
                .bind(deleted_by)
                .bind(seq)
                .bind(client)
                .execute(&mut *conn)
                .await?;
                Ok(Some(revision + 1))
            }
        }
    };
}
