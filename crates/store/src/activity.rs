//! The activity feed: every integration's log lines in one list, newest
//! first, filtered as [`ActivityQuery`] says. Log lines never hold a secret.

use crate::db::parsed_column;
use crate::integrations::query::push_search;
use crate::{Result, Store};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};
use switchboard_domain::activity::{ActivityLine, ActivityPage, ActivityQuery, ACTIVITY_PAGE_SIZE};
use switchboard_domain::WebsiteScope;

const FROM: &str = " FROM integration_logs l
    JOIN integrations i ON i.id = l.integration_id
    LEFT JOIN websites w ON w.id = i.website_id";

/// The WHERE clause of a query. The bounds must be valid (the caller
/// checked [`ActivityQuery::problems`]).
fn push_filters<'a>(qb: &mut QueryBuilder<'a, Sqlite>, q: &'a ActivityQuery) {
    qb.push(" WHERE 1 = 1");
    if let Some(level) = q.level {
        qb.push(" AND l.level = ").push_bind(level.as_str());
    }
    if !q.integration_type.is_empty() {
        qb.push(" AND i.integration_type = ")
            .push_bind(&q.integration_type);
    }
    match &q.website {
        WebsiteScope::Any => {}
        WebsiteScope::Global => {
            qb.push(" AND i.website_id IS NULL");
        }
        WebsiteScope::Website(id) => {
            qb.push(" AND i.website_id = ").push_bind(id);
        }
    }
    let (since, until) = q.bounds();
    let within = (q.within_hours > 0)
        .then(|| switchboard_domain::seconds_ago(i64::from(q.within_hours) * 3600));
    for since in [since, within].into_iter().flatten() {
        qb.push(" AND l.created_at >= ").push_bind(since);
    }
    if let Some(until) = until {
        qb.push(" AND l.created_at <= ").push_bind(until);
    }
    let text = q.search.trim();
    if !text.is_empty() {
        push_search(
            qb,
            &["l.message", "l.details", "i.name", "i.provider"],
            text,
        );
    }
}

/// The query's field errors as a validation error.
fn checked(q: &ActivityQuery) -> Result<()> {
    let problems = q.problems();
    if problems.is_empty() {
        return Ok(());
    }
    Err(crate::StoreError::Validation(
        switchboard_catalog::ValidationErrors {
            general: None,
            fields: problems,
        },
    ))
}

fn line(row: &SqliteRow) -> Result<ActivityLine> {
    let details: String = row.get("details");
    Ok(ActivityLine {
        id: row.get("id"),
        integration_id: row.get("integration_id"),
        integration_name: row.get("name"),
        integration_type: row.get("integration_type"),
        provider: row.get("provider"),
        website: row.get("website"),
        level: parsed_column(row, "level")?,
        message: row.get("message"),
        details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
        created_at: row.get("created_at"),
    })
}

impl Store {
    /// One page of the feed, newest first, with the number of matching lines.
    pub async fn activity(&self, q: &ActivityQuery) -> Result<ActivityPage> {
        self.sealer()?;
        checked(q)?;
        let mut count = QueryBuilder::new(format!("SELECT COUNT(*){FROM}"));
        push_filters(&mut count, q);
        let total: i64 = count.build().fetch_one(self.pool()).await?.get(0);
        let size = i64::from(ACTIVITY_PAGE_SIZE);
        let offset = i64::from(q.page() - 1) * size;
        let lines = self.activity_lines(q, size, offset).await?;
        Ok(ActivityPage {
            lines,
            total,
            page: q.page(),
        })
    }

    /// Every matching line (for an export), newest first.
    pub async fn activity_all(&self, q: &ActivityQuery) -> Result<Vec<ActivityLine>> {
        self.sealer()?;
        checked(q)?;
        self.activity_lines(q, -1, 0).await
    }

    async fn activity_lines(
        &self,
        q: &ActivityQuery,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ActivityLine>> {
        let mut qb = QueryBuilder::new(
            "SELECT l.id, l.integration_id, l.level, l.message, l.details, l.created_at,
                    i.name, i.integration_type, i.provider, w.name AS website",
        );
        qb.push(FROM);
        push_filters(&mut qb, q);
        qb.push(" ORDER BY l.created_at DESC, l.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        let rows = qb.build().fetch_all(self.pool()).await?;
        rows.iter().map(line).collect()
    }
}
