//! [`IntegrationStore`](super::IntegrationStore) for both backends:
//! integrations, their logs, check results and tombstones. Every write bumps
//! the record's revision and writes its audit entry in the same transaction.

/// Writes one log entry of an integration inside a transaction.
macro_rules! insert_log {
    ($tx:expr, $id:expr, $log:expr) => {{
        let log: &$crate::model::NewLog = $log;
        sqlx::query(
            "INSERT INTO integration_logs (integration_id, level, message, details, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($id)
        .bind(log.level.as_str())
        .bind(&log.message)
        .bind(log.details.to_string())
        .bind($crate::db::now())
        .execute(&mut *$tx)
        .await
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
                let sql = concat!(
                    "SELECT id, uid, owner_id, website_id, integration_type, provider, name, description, ",
                    "status, is_active, config, secrets, configured, last_sync_at, last_error, error_count, ",
                    "revision, created_by, created_at, updated_at FROM integrations WHERE id = $1"
                );
                let row = sqlx::query(sql).bind(id).fetch_optional(&self.read).await?;
                row.as_ref().map(|r| $crate::db::rows::integration(r)).transpose()
            }

            async fn insert_integration(
                &self,
                r: &$crate::model::IntegrationRecord,
                audit: &$crate::model::AuditEntry,
                log: &$crate::model::NewLog,
            ) -> $crate::db::Result<i64> {
                let mut tx = self.write.begin_with(Self::BEGIN).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO integrations (uid, owner_id, website_id, integration_type, provider, name, \
                     description, status, is_active, config, secrets, configured, last_sync_at, last_error, \
                     error_count, revision, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $17, $18) \
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
                .fetch_one(&mut *tx)
                .await?;
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
                let revision: Option<i64> = sqlx::query_scalar(
                    "UPDATE integrations SET owner_id = $1, website_id = $2, integration_type = $3, \
                     provider = $4, name = $5, description = $6, status = $7, is_active = $8, config = $9, \
                     secrets = $10, configured = $11, revision = revision + 1, updated_at = $12 \
                     WHERE id = $13 AND revision = $14 RETURNING revision",
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
                .bind(r.id)
                .bind(r.revision)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(revision) = revision else {
                    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM integrations WHERE id = $1")
                        .bind(r.id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    return Ok(if exists.is_some() {
                        $crate::db::UpdateOutcome::Stale
                    } else {
                        $crate::db::UpdateOutcome::Gone
                    });
                };
                if let Some(log) = log {
                    insert_log!(tx, r.id, log)?;
                }
                insert_audit!(tx, audit)?;
                tx.commit().await?;
                Ok($crate::db::UpdateOutcome::Updated(revision))
            }

            async fn delete_integration(
                &self,
                id: i64,
                audit: &$crate::model::AuditEntry,
            ) -> $crate::db::Result<bool> {
                use sqlx::Row;
                let mut tx = self.write.begin_with(Self::BEGIN).await?;
                let Some(row) = sqlx::query(
                    "SELECT uid, website_id, owner_id, revision FROM integrations WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                else {
                    return Ok(false);
                };
                let revision: i64 = row.try_get("revision")?;
                sqlx::query(
                    "INSERT INTO tombstones (integration_id, uid, website_id, owner_id, revision, deleted_at, deleted_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(row.try_get::<String, _>("uid")?)
                .bind(row.try_get::<Option<i64>, _>("website_id")?)
                .bind(row.try_get::<i64, _>("owner_id")?)
                .bind(revision + 1)
                .bind($crate::db::now())
                .bind(audit.actor_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM integration_logs WHERE integration_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM integrations WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                insert_audit!(tx, audit)?;
                tx.commit().await?;
                Ok(true)
            }

            async fn record_check(
                &self,
                id: i64,
                effect: $crate::model::CheckEffect,
                message: &str,
                log: &$crate::model::NewLog,
                audit: &$crate::model::AuditEntry,
            ) -> $crate::db::Result<bool> {
                use $crate::model::CheckEffect;
                let mut tx = self.write.begin_with(Self::BEGIN).await?;
                let now = $crate::db::now();
                let found = match effect {
                    CheckEffect::Healthy => sqlx::query(
                        "UPDATE integrations SET status = 'active', last_sync_at = $1, last_error = NULL, \
                         error_count = 0, revision = revision + 1, updated_at = $1 WHERE id = $2",
                    )
                    .bind(&now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected(),
                    CheckEffect::Failed => sqlx::query(
                        "UPDATE integrations SET status = 'error', last_error = $1, \
                         error_count = error_count + 1, revision = revision + 1, updated_at = $2 WHERE id = $3",
                    )
                    .bind(message)
                    .bind(&now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected(),
                    CheckEffect::Unchanged => {
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
                if effect != CheckEffect::Unchanged {
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
    };
}
