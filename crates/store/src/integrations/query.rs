//! Listing, counting and totalling integrations: the filters and orders.

use super::rows::{integration_from_row, summary_from_row, RECORD};
use crate::model::*;
use crate::{Result, Store};
use futures_util::TryStreamExt;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::BTreeMap;
use switchboard_catalog as catalog;

fn push_filters<'a>(qb: &mut QueryBuilder<'a, Sqlite>, filter: &'a ListFilter) {
    // The Trash is never listed, counted or checked.
    qb.push(" WHERE trashed_at IS NULL");
    if let Some(t) = &filter.integration_type {
        qb.push(" AND integration_type = ").push_bind(t);
    }
    if let Some(p) = &filter.provider {
        qb.push(" AND provider = ").push_bind(p);
    }
    if let Some(s) = filter.status {
        qb.push(" AND status = ").push_bind(s.as_str());
    }
    if let Some(a) = filter.is_active {
        qb.push(" AND is_active = ").push_bind(a);
    }
    if let Some(rotation) = &filter.needs_attention {
        crate::expiry::push_attention(qb, rotation);
    }
    match &filter.website {
        WebsiteFilter::Any => {}
        WebsiteFilter::Global => {
            qb.push(" AND website_id IS NULL");
        }
        WebsiteFilter::Website(id) => {
            qb.push(" AND website_id = ").push_bind(id);
        }
    }
    if let Some(text) = search_text(filter.search.as_deref()) {
        push_integration_search(qb, text);
    }
}

/// The text a filter searches for: trimmed, None when there is none.
fn search_text(search: Option<&str>) -> Option<&str> {
    search.map(str::trim).filter(|s| !s.is_empty())
}

/// The columns a search looks in (secrets live in their own column and are
/// never searched).
const SEARCHED: [&str; 5] = [
    "name",
    "description",
    "integration_type",
    "provider",
    "config",
];

/// A search finds its candidates through the trigram index
/// (`integrations_search`, local migration 0008): one full-text query for
/// every trigram of the text (the index keeps no positions, so this finds
/// the rows holding all of them, in any searched column), then the exact
/// literal match runs on those rows alone. A search under 3 characters has
/// no trigram and scans the columns.
fn push_integration_search(qb: &mut QueryBuilder<'_, Sqlite>, text: &str) {
    if let Some(query) = trigram_query(text) {
        qb.push(" AND integrations.rowid IN (SELECT rowid FROM integrations_search WHERE integrations_search MATCH ")
            .push_bind(query)
            .push(")");
    }
    push_search(qb, &SEARCHED, text);
}

/// The FTS5 query asking for every trigram of `text`, each a quoted string
/// (so no character is read as query syntax); None under 3 characters.
fn trigram_query(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut seen = std::collections::BTreeSet::new();
    let terms: Vec<String> = chars
        .windows(3)
        .map(|w| w.iter().collect::<String>().to_lowercase())
        .filter(|t| seen.insert(t.clone()))
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// ` AND (col LIKE '%text%' OR ...)` over `columns`, the text taken
/// literally (LIKE's wildcards escaped).
pub(crate) fn push_search(qb: &mut QueryBuilder<'_, Sqlite>, columns: &[&str], text: &str) {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    qb.push(" AND (");
    for (i, col) in columns.iter().enumerate() {
        if i > 0 {
            qb.push(" OR ");
        }
        qb.push(*col)
            .push(" LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
    }
    qb.push(")");
}

/// The count of a filter on type, status and activity alone (the list's
/// first page, a type's page), summed from the kept counts; None for any
/// other filter.
fn kept_count(filter: &ListFilter) -> Option<QueryBuilder<'_, Sqlite>> {
    // Every field named, so a new filter must say whether the counts hold it.
    let ListFilter {
        integration_type,
        provider,
        status,
        is_active,
        website,
        search,
        needs_attention,
        sort: _,
        limit: _,
        offset: _,
    } = filter;
    if provider.is_some()
        || needs_attention.is_some()
        || !matches!(website, WebsiteFilter::Any)
        || search_text(search.as_deref()).is_some()
    {
        return None;
    }
    let mut qb =
        QueryBuilder::new("SELECT COALESCE(SUM(n), 0) FROM integration_counts WHERE 1 = 1");
    if let Some(t) = integration_type {
        qb.push(" AND integration_type = ").push_bind(t);
    }
    if let Some(s) = status {
        qb.push(" AND status = ").push_bind(s.as_str());
    }
    if let Some(a) = is_active {
        qb.push(" AND is_active = ").push_bind(*a);
    }
    Some(qb)
}

fn order_clause(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Newest => "created_at DESC, id DESC",
        SortKey::Oldest => "created_at ASC, id ASC",
        SortKey::Name => "name COLLATE NOCASE ASC, id",
        SortKey::Type => "integration_type, name COLLATE NOCASE, id",
        SortKey::Status => "status, name COLLATE NOCASE, id",
        SortKey::Updated => "updated_at DESC, id DESC",
    }
}

fn push_order(qb: &mut QueryBuilder<'_, Sqlite>, filter: &ListFilter) {
    qb.push(" ORDER BY ").push(order_clause(filter.sort));
    qb.push(" LIMIT ")
        .push_bind(filter.limit.unwrap_or(-1))
        .push(" OFFSET ")
        .push_bind(filter.offset.unwrap_or(0));
}
impl Store {
    /// The list view: no secret is opened.
    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<IntegrationSummary>> {
        self.sealer()?;
        self.list_with(filter, summary_from_row).await
    }

    /// Every matching integration with its secrets opened and masked.
    pub async fn list_full(&self, filter: &ListFilter) -> Result<Vec<Integration>> {
        let sealer = self.sealer()?;
        self.list_with(filter, |row| integration_from_row(row, sealer.as_ref()))
            .await
    }

    /// The matching rows in the filter's order and page, each read by `read`.
    async fn list_with<T>(
        &self,
        filter: &ListFilter,
        read: impl Fn(&SqliteRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut qb = QueryBuilder::new(format!("SELECT {RECORD} FROM integrations"));
        push_filters(&mut qb, filter);
        push_order(&mut qb, filter);
        // Stream the rows so that opening secrets (list_full) overlaps with
        // SQLite producing the next rows on its worker thread.
        let mut rows = qb.build().fetch(self.pool());
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await? {
            out.push(read(&row)?);
        }
        Ok(out)
    }

    /// How many integrations match (for pagination). A filter on type,
    /// status or activity alone is answered from the kept counts
    /// (`integration_counts`, local migration 0009); any other counts rows.
    pub async fn count(&self, filter: &ListFilter) -> Result<i64> {
        self.sealer()?;
        if let Some(mut qb) = kept_count(filter) {
            return Ok(qb.build().fetch_one(self.pool()).await?.get(0));
        }
        let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM integrations");
        push_filters(&mut qb, filter);
        Ok(qb.build().fetch_one(self.pool()).await?.get(0))
    }

    /// The live integrations counted by type, status and activity, as the
    /// triggers of local migration 0009 keep them.
    async fn grouped_counts(&self) -> Result<Vec<(String, String, bool, i64)>> {
        self.sealer()?;
        let rows = sqlx::query(
            "SELECT integration_type, status, is_active, n FROM integration_counts WHERE n > 0",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|row| {
                (
                    row.get("integration_type"),
                    row.get("status"),
                    row.get("is_active"),
                    row.get("n"),
                )
            })
            .collect())
    }

    /// Per type present: how many, how many active, how many failing (the
    /// type cards).
    pub async fn type_counts(&self) -> Result<BTreeMap<String, TypeCounts>> {
        let mut out: BTreeMap<String, TypeCounts> = BTreeMap::new();
        for (ty, status, active, n) in self.grouped_counts().await? {
            let counts = out.entry(ty).or_default();
            counts.total += n;
            if active {
                counts.active += n;
            }
            if status == "error" {
                counts.errors += n;
            }
        }
        Ok(out)
    }

    /// Totals by type and by status.
    pub async fn stats(&self) -> Result<Stats> {
        let rows = self.grouped_counts().await?;
        let mut stats = Stats {
            by_type: catalog::types()
                .iter()
                .map(|t| (t.id.to_owned(), 0))
                .collect(),
            by_status: Status::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), 0))
                .collect(),
            ..Stats::default()
        };
        for (ty, status, active, n) in rows {
            stats.total += n;
            if active {
                stats.active += n;
            } else {
                stats.inactive += n;
            }
            if status == "error" {
                stats.error += n;
            }
            *stats.by_type.entry(ty).or_default() += n;
            *stats.by_status.entry(status).or_default() += n;
        }
        Ok(stats)
    }
}
