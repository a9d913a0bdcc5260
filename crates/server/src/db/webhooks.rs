//! [`WebhookStore`](super::WebhookStore) for both backends: receiver keys
//! (one per integration, made on first ask) and the events the receivers
//! stored. Genuine events are written in batches, one transaction each
//! (see [`crate::group_commit`]), one statement per event whose unique index
//! keeps it once across replicas; refused requests are capped per
//! integration in the same transaction as their row.

use sqlx::Row;
use switchboard_server_macros::sql_db;

use super::rows::{self, INTEGRATION_COLUMNS};
use super::sql::{Conn, DbRow, SqlDb};
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

    /// Inserts one event inside a transaction; None when it is a genuine
    /// event whose id the integration already has (nothing inserted).
    async fn insert_event(
        conn: &mut Conn<Self>,
        event: &NewEvent,
        now: &str,
    ) -> Result<Option<EventRecord>> {
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
        let row = sqlx::query(&sql)
            .bind(event.integration_id)
            .bind(&event.provider)
            .bind(&event.kind)
            .bind(&event.event_id)
            .bind(verdict)
            .bind(&event.refused)
            .bind(now)
            .bind(&event.payload)
            .fetch_optional(&mut *conn)
            .await?;
        row.as_ref().map(Self::event).transpose()
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
        if event.refused.is_none() {
            return self
                .store_events(&[event])
                .await?
                .pop()
                .ok_or_else(|| super::DbError::Corrupt("an event was not stored".into()));
        }
        // A refusal, and only the newest refusals kept, in one transaction:
        // a flood of forged calls cannot fill the database.
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let row = B::insert_event(&mut tx, event, &super::now())
            .await?
            .ok_or_else(|| super::DbError::Corrupt("a refusal was not stored".into()))?;
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
        Ok((row, true))
    }

    async fn store_events(&self, events: &[&NewEvent]) -> Result<Vec<(EventRecord, bool)>> {
        // In (integration, event id) order: two replicas' batches carrying
        // the same ids wait on each other's rows in one order, never in a
        // cycle.
        let mut order: Vec<usize> = (0..events.len()).collect();
        order.sort_by_key(|&i| (events[i].integration_id, events[i].event_id.as_str()));
        let now = super::now();
        let mut stored = vec![None; events.len()];
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        for i in order {
            let event = events[i];
            // A redelivery (also one earlier in this batch) inserts nothing
            // and reads the stored row.
            stored[i] = Some(match B::insert_event(&mut tx, event, &now).await? {
                Some(row) => (row, true),
                None => {
                    let sql = format!(
                        "SELECT {EVENT_COLUMNS} FROM webhook_events WHERE integration_id = $1 \
                         AND event_id = $2 AND verdict = 'genuine'"
                    );
                    let row = sqlx::query(&sql)
                        .bind(event.integration_id)
                        .bind(&event.event_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    (B::event(&row)?, false)
                }
            });
        }
        tx.commit().await?;
        Ok(stored.into_iter().flatten().collect())
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
