//! [`WebhookStore`](super::WebhookStore) for both backends: receiver keys
//! (one per integration, made on first ask) and the events the receivers
//! stored. A genuine event is written in one statement whose unique index
//! keeps it once across replicas; refused requests are capped per
//! integration in the same transaction.

use sqlx::Row;
use switchboard_server_macros::sql_db;

use super::rows::{self, INTEGRATION_COLUMNS};
use super::sql::{DbRow, SqlDb};
use super::{Result, WebhookStore};
use crate::model::IntegrationRecord;

/// How many refused requests are kept per integration (the newest).
pub const REFUSED_KEPT: i64 = 100;

/// An event to store (see [`WebhookStore::store_event`]).
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub integration_id: i64,
    pub provider: String,
    pub kind: String,
    /// The provider's id of the event (or a digest of what was signed).
    pub event_id: String,
    /// None for a genuine event; why for a refused request.
    pub refused: Option<String>,
    /// JSON text with secrets masked; None for a refused request.
    pub payload: Option<String>,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub id: i64,
    pub integration_id: i64,
    pub provider: String,
    pub kind: String,
    pub event_id: String,
    /// `genuine` or `refused`.
    pub verdict: String,
    pub reason: Option<String>,
    pub received_at: String,
    pub payload: Option<String>,
}

const EVENT_COLUMNS: &str =
    "id, integration_id, provider, kind, event_id, verdict, reason, received_at, payload";

#[sql_db]
#[async_trait::async_trait]
trait EventRows: SqlDb {
    fn event(row: &DbRow<Self>) -> Result<EventRecord> {
        Ok(EventRecord {
            id: row.try_get("id")?,
            integration_id: row.try_get("integration_id")?,
            provider: row.try_get("provider")?,
            kind: row.try_get("kind")?,
            event_id: row.try_get("event_id")?,
            verdict: row.try_get("verdict")?,
            reason: row.try_get("reason")?,
            received_at: row.try_get("received_at")?,
            payload: row.try_get("payload")?,
        })
    }
}

#[sql_db]
impl<B: SqlDb> EventRows for B {}

#[sql_db]
#[async_trait::async_trait]
impl<B: SqlDb> WebhookStore for B {
    async fn receiver_key(&self, integration_id: i64, fresh: &str) -> Result<String> {
        sqlx::query(
            "INSERT INTO receiver_keys (integration_id, key, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (integration_id) DO NOTHING",
        )
        .bind(integration_id)
        .bind(fresh)
        .bind(super::now())
        .execute(self.write())
        .await?;
        let key: String =
            sqlx::query_scalar("SELECT key FROM receiver_keys WHERE integration_id = $1")
                .bind(integration_id)
                .fetch_one(self.write())
                .await?;
        Ok(key)
    }

    async fn integration_by_receiver_key(&self, key: &str) -> Result<Option<IntegrationRecord>> {
        let columns = INTEGRATION_COLUMNS
            .split(", ")
            .map(|c| format!("i.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns} FROM integrations i JOIN receiver_keys k ON k.integration_id = i.id \
             WHERE k.key = $1"
        );
        let row = sqlx::query(&sql)
            .bind(key)
            .fetch_optional(self.read())
            .await?;
        row.as_ref().map(rows::integration).transpose()
    }

    async fn store_event(&self, event: &NewEvent) -> Result<(EventRecord, bool)> {
        let sql = format!(
            "INSERT INTO webhook_events (integration_id, provider, kind, event_id, verdict, reason, \
             received_at, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT DO NOTHING RETURNING {EVENT_COLUMNS}"
        );
        let verdict = if event.refused.is_some() {
            "refused"
        } else {
            "genuine"
        };
        let insert = sqlx::query(&sql)
            .bind(event.integration_id)
            .bind(&event.provider)
            .bind(&event.kind)
            .bind(&event.event_id)
            .bind(verdict)
            .bind(&event.refused)
            .bind(super::now())
            .bind(&event.payload);
        if event.refused.is_none() {
            // One statement, its own transaction (committed before the
            // provider is answered); a redelivery inserts nothing and reads
            // the stored row.
            return match insert.fetch_optional(self.write()).await? {
                Some(row) => Ok((B::event(&row)?, true)),
                None => {
                    let sql = format!(
                        "SELECT {EVENT_COLUMNS} FROM webhook_events WHERE integration_id = $1 \
                         AND event_id = $2 AND verdict = 'genuine'"
                    );
                    let row = sqlx::query(&sql)
                        .bind(event.integration_id)
                        .bind(&event.event_id)
                        .fetch_one(self.write())
                        .await?;
                    Ok((B::event(&row)?, false))
                }
            };
        }
        // A refusal, and only the newest refusals kept, in one transaction:
        // a flood of forged calls cannot fill the database.
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let row = insert.fetch_one(&mut *tx).await?;
        sqlx::query(
            "DELETE FROM webhook_events WHERE integration_id = $1 AND verdict = 'refused' \
             AND id <= (SELECT id FROM webhook_events WHERE integration_id = $1 \
             AND verdict = 'refused' ORDER BY id DESC LIMIT 1 OFFSET $2)",
        )
        .bind(event.integration_id)
        .bind(REFUSED_KEPT)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((B::event(&row)?, true))
    }

    async fn events(
        &self,
        integration_id: i64,
        limit: i64,
        before: Option<i64>,
    ) -> Result<Vec<EventRecord>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM webhook_events WHERE integration_id = $1 AND id < $2 \
             ORDER BY id DESC LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(integration_id)
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(self.read())
            .await?;
        rows.iter().map(B::event).collect()
    }

    async fn event_by_provider_id(
        &self,
        integration_id: i64,
        event_id: &str,
    ) -> Result<Option<EventRecord>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM webhook_events WHERE integration_id = $1 \
             AND event_id = $2 ORDER BY id DESC LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(integration_id)
            .bind(event_id)
            .fetch_optional(self.read())
            .await?;
        row.as_ref().map(B::event).transpose()
    }
}
