//! [`LeadStore`] for both backends: the leads sign-up pages post to
//! `/leads/<key>`, the page a platform reads them by, and their forwarding
//! (a due row claimed by one replica at a time, each try logged).

use sqlx::Row;
use switchboard_server_macros::sql_db;

use super::sql::{DbRow, SqlDb};
use super::Result;

/// A lead to store (see [`LeadStore::store_lead`]).
#[derive(Debug, Clone)]
pub struct NewLead {
    pub integration_id: i64,
    pub provider: String,
    pub website_id: Option<i64>,
    /// JSON object text of the form's checked values.
    pub fields: String,
    pub tag: Option<String>,
    pub campaign_id: Option<String>,
    pub auto_create_contact: bool,
    /// The page's origin, when a browser sent one.
    pub origin: Option<String>,
    /// Whether the integration forwards its leads (a first try is due now).
    pub forward: bool,
}

/// A stored lead, with its forwarding when it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadRecord {
    pub id: i64,
    pub integration_id: i64,
    pub website_id: Option<i64>,
    pub received_at: String,
    pub fields: String,
    pub tag: Option<String>,
    pub campaign_id: Option<String>,
    pub auto_create_contact: bool,
    pub origin: Option<String>,
    pub delivery: Option<Delivery>,
}

/// Where a lead's forwarding stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    pub attempts: i64,
    /// Unix ms of the next try (pending only).
    pub next_at: i64,
}

/// One try at forwarding a lead.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub attempt: i64,
    pub at: String,
    pub url: String,
    /// The HTTP status answered, if any answer came.
    pub status: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

/// What follows a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Delivered,
    /// Try again at this unix ms.
    Retry(i64),
    /// Out of tries.
    Failed,
}

/// Which leads a page reads: those after `after` (by id, oldest first).
#[derive(Debug, Clone, Default)]
pub struct LeadQuery {
    /// Only leads of integrations of this website.
    pub website: Option<i64>,
    pub integration: Option<i64>,
    pub after: i64,
    pub limit: i64,
}

/// Leads and their forwarding.
#[async_trait::async_trait]
pub trait LeadStore: Send + Sync {
    /// Stores a lead, the inspector's event for it and, when it is
    /// forwarded, its delivery (due now), in one transaction.
    async fn store_lead(&self, lead: &NewLead, event_payload: &str) -> Result<LeadRecord>;
    /// A page of leads, oldest first.
    async fn leads(&self, query: &LeadQuery) -> Result<Vec<LeadRecord>>;
    /// One lead.
    async fn lead(&self, id: i64) -> Result<Option<LeadRecord>>;
    /// Pending deliveries due at `now` (unix ms) and not claimed, oldest first.
    async fn due_deliveries(&self, now: i64, limit: i64) -> Result<Vec<i64>>;
    /// Claims a due delivery until `until` (unix ms); false when another
    /// replica has it or it is no longer pending.
    async fn claim_delivery(&self, lead_id: i64, now: i64, until: i64) -> Result<bool>;
    /// Logs a try and sets what follows, in one transaction.
    async fn finish_attempt(&self, lead_id: i64, attempt: &Attempt, next: Next) -> Result<()>;
    /// A lead's tries, first first.
    async fn attempts(&self, lead_id: i64) -> Result<Vec<Attempt>>;
}

const LEAD_COLUMNS: &str = "l.id, l.integration_id, l.website_id, l.received_at, l.fields, l.tag, \
     l.campaign_id, l.auto_create_contact, l.origin, d.state, d.attempts, d.next_at";

const LEAD_FROM: &str = "leads l LEFT JOIN lead_deliveries d ON d.lead_id = l.id";

#[sql_db]
#[async_trait::async_trait]
trait LeadRows: SqlDb {
    fn lead_row(row: &DbRow<Self>) -> Result<LeadRecord> {
        let state: Option<String> = row.try_get("state")?;
        Ok(LeadRecord {
            id: row.try_get("id")?,
            integration_id: row.try_get("integration_id")?,
            website_id: row.try_get("website_id")?,
            received_at: row.try_get("received_at")?,
            fields: row.try_get("fields")?,
            tag: row.try_get("tag")?,
            campaign_id: row.try_get("campaign_id")?,
            auto_create_contact: row.try_get("auto_create_contact")?,
            origin: row.try_get("origin")?,
            delivery: match state {
                Some(state) => Some(Delivery {
                    state,
                    attempts: row.try_get("attempts")?,
                    next_at: row.try_get("next_at")?,
                }),
                None => None,
            },
        })
    }
}

#[sql_db]
impl<B: SqlDb> LeadRows for B {}

#[sql_db]
#[async_trait::async_trait]
impl<B: SqlDb> LeadStore for B {
    async fn store_lead(&self, lead: &NewLead, event_payload: &str) -> Result<LeadRecord> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        let now = super::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO leads (integration_id, website_id, received_at, fields, tag, campaign_id, \
             auto_create_contact, origin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(lead.integration_id)
        .bind(lead.website_id)
        .bind(&now)
        .bind(&lead.fields)
        .bind(&lead.tag)
        .bind(&lead.campaign_id)
        .bind(lead.auto_create_contact)
        .bind(&lead.origin)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO webhook_events (integration_id, provider, kind, event_id, verdict, \
             reason, received_at, payload) VALUES ($1, $2, 'lead', $3, 'genuine', NULL, $4, $5)",
        )
        .bind(lead.integration_id)
        .bind(&lead.provider)
        .bind(format!("lead-{id}"))
        .bind(&now)
        .bind(event_payload)
        .execute(&mut *tx)
        .await?;
        if lead.forward {
            sqlx::query(
                "INSERT INTO lead_deliveries (lead_id, state, attempts, next_at, claimed_until) \
                 VALUES ($1, 'pending', 0, $2, 0)",
            )
            .bind(id)
            .bind(crate::throttle::now_ms())
            .execute(&mut *tx)
            .await?;
        }
        let sql = format!("SELECT {LEAD_COLUMNS} FROM {LEAD_FROM} WHERE l.id = $1");
        let row = sqlx::query(&sql).bind(id).fetch_one(&mut *tx).await?;
        let record = B::lead_row(&row)?;
        tx.commit().await?;
        Ok(record)
    }

    async fn leads(&self, query: &LeadQuery) -> Result<Vec<LeadRecord>> {
        // A missing filter matches everything: -1 never equals an id.
        let sql = format!(
            "SELECT {LEAD_COLUMNS} FROM {LEAD_FROM} WHERE l.id > $1 \
             AND (l.website_id = $2 OR $2 = -1) AND (l.integration_id = $3 OR $3 = -1) \
             ORDER BY l.id LIMIT $4"
        );
        let rows = sqlx::query(&sql)
            .bind(query.after)
            .bind(query.website.unwrap_or(-1))
            .bind(query.integration.unwrap_or(-1))
            .bind(query.limit)
            .fetch_all(self.read())
            .await?;
        rows.iter().map(B::lead_row).collect()
    }

    async fn lead(&self, id: i64) -> Result<Option<LeadRecord>> {
        let sql = format!("SELECT {LEAD_COLUMNS} FROM {LEAD_FROM} WHERE l.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.write())
            .await?;
        row.as_ref().map(B::lead_row).transpose()
    }

    async fn due_deliveries(&self, now: i64, limit: i64) -> Result<Vec<i64>> {
        let ids = sqlx::query_scalar(
            "SELECT lead_id FROM lead_deliveries WHERE state = 'pending' AND next_at <= $1 \
             AND claimed_until < $1 ORDER BY next_at LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(self.write())
        .await?;
        Ok(ids)
    }

    async fn claim_delivery(&self, lead_id: i64, now: i64, until: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE lead_deliveries SET claimed_until = $1 WHERE lead_id = $2 \
             AND state = 'pending' AND next_at <= $3 AND claimed_until < $3",
        )
        .bind(until)
        .bind(lead_id)
        .bind(now)
        .execute(self.write())
        .await?;
        Ok(B::rows_affected(&done) == 1)
    }

    async fn finish_attempt(&self, lead_id: i64, attempt: &Attempt, next: Next) -> Result<()> {
        let mut tx = self.write().begin_with(B::BEGIN).await?;
        sqlx::query(
            "INSERT INTO lead_attempts (lead_id, attempt, at, url, status, error, duration_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(lead_id)
        .bind(attempt.attempt)
        .bind(&attempt.at)
        .bind(&attempt.url)
        .bind(attempt.status)
        .bind(&attempt.error)
        .bind(attempt.duration_ms)
        .execute(&mut *tx)
        .await?;
        let (state, next_at) = match next {
            Next::Delivered => ("delivered", 0),
            Next::Retry(at) => ("pending", at),
            Next::Failed => ("failed", 0),
        };
        sqlx::query(
            "UPDATE lead_deliveries SET state = $1, next_at = $2, attempts = $3, \
             claimed_until = 0 WHERE lead_id = $4",
        )
        .bind(state)
        .bind(next_at)
        .bind(attempt.attempt)
        .bind(lead_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn attempts(&self, lead_id: i64) -> Result<Vec<Attempt>> {
        let rows = sqlx::query(
            "SELECT attempt, at, url, status, error, duration_ms FROM lead_attempts \
             WHERE lead_id = $1 ORDER BY id",
        )
        .bind(lead_id)
        .fetch_all(self.read())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Attempt {
                    attempt: row.try_get("attempt")?,
                    at: row.try_get("at")?,
                    url: row.try_get("url")?,
                    status: row.try_get("status")?,
                    error: row.try_get("error")?,
                    duration_ms: row.try_get("duration_ms")?,
                })
            })
            .collect()
    }
}
