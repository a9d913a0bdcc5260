//! Reading changes for a pull: websites, integrations, deletions and log
//! lines with a sequence number above the client's, each list by sequence
//! (docs/sync.md).

use sqlx::Row;
use switchboard_server_macros::sql_db;
use switchboard_sync_proto::{Lenient, SyncLog, SyncWebsite};

use std::collections::HashMap;

use super::{push_ids, UIDS_PER_QUERY};
use crate::db::rows::{self, INTEGRATION_COLUMNS};
use crate::db::sql::SqlDb;
use crate::db::{ChangesQuery, Result, SyncChanges, SyncRow};
use crate::model::{IntegrationRecord, ListFilter};

/// The reads of [`SyncPull::changes`] (see [`SqlDb`] for the where clause).
#[sql_db]
#[async_trait::async_trait]
pub(super) trait SyncPull: SqlDb {
    /// See [`SyncStore::sync_changes`](crate::db::SyncStore::sync_changes).
    async fn changes(&self, query: ChangesQuery<'_>) -> Result<SyncChanges> {
        let ChangesQuery {
            scope,
            websites,
            since,
            limit,
            client,
        } = query;
        let user = scope.as_ref().map(|(u, _)| *u);
        // The horizon: every change numbered up to the counter's committed
        // value is committed (a writer holds the counter's row from its bump
        // to its commit), so lists read one after the other, each cut there,
        // skip nothing that commits meanwhile with a lower number than what
        // a later list shows.
        let upto: i64 = sqlx::query_scalar("SELECT n FROM sync_counter")
            .fetch_one(self.read())
            .await?;
        let window = (since, upto);
        // First (see SyncChanges::own_logs_upto): the client's own newest
        // log line.
        let own_logs_upto: Option<i64> = match client {
            Some(c) => {
                sqlx::query_scalar(
                    "SELECT MAX(seq) FROM integration_logs WHERE client = $1 AND seq > $2 AND seq <= $3",
                )
                .bind(c)
                .bind(since)
                .bind(upto)
                .fetch_one(self.read())
                .await?
            }
            None => None,
        };
        let websites = self.changed_websites(websites, window, limit).await?;
        let rows = self.changed_rows(scope, window, limit, client).await?;
        // A list that came back full ends the page at its last number at
        // the latest: the log lines are read only up to there (a first
        // sync's pull otherwise walks past all of the client's own lines on
        // every page).
        let full = |n: usize| i64::try_from(n).is_ok_and(|n| n >= limit);
        let ends = [
            full(websites.len()).then(|| websites.last().and_then(|w| w.seq)),
            full(rows.len()).then(|| rows.last().map(SyncRow::seq)),
        ];
        let logs_upto = ends.into_iter().flatten().flatten().fold(upto, i64::min);
        let logs = self
            .changed_logs(user, (since, logs_upto), limit, client)
            .await?;
        Ok(SyncChanges {
            websites,
            rows,
            logs,
            own_logs_upto,
        })
    }

    /// Websites (only these ids when `only` is Some) and website deletions
    /// (uids only, to everyone), by sequence.
    async fn changed_websites(
        &self,
        only: Option<Vec<i64>>,
        (since, upto): (i64, i64),
        limit: i64,
    ) -> Result<Vec<SyncWebsite>> {
        let cap = usize::try_from(limit).unwrap_or(0);
        let mut sites = Vec::new();
        if only.as_ref().is_none_or(|w| !w.is_empty()) {
            let mut qb = sqlx::QueryBuilder::<Self::DB>::new(
                "SELECT uid, seq, name, domain FROM websites WHERE seq > ",
            );
            qb.push_bind(since).push(" AND seq <= ").push_bind(upto);
            if let Some(ids) = &only {
                qb.push(" AND id IN (");
                push_ids(&mut qb, ids);
            }
            qb.push(" ORDER BY seq LIMIT ").push_bind(limit);
            for r in Self::build(&mut qb).fetch_all(self.read()).await? {
                sites.push(SyncWebsite {
                    uid: r.try_get("uid")?,
                    name: r.try_get("name")?,
                    domain: r.try_get("domain")?,
                    seq: Some(r.try_get("seq")?),
                    ..SyncWebsite::default()
                });
            }
        }
        let gone = sqlx::query(
            "SELECT uid, seq FROM website_tombstones WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
        )
        .bind(since)
        .bind(upto)
        .bind(limit)
        .fetch_all(self.read())
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
        Ok(sites)
    }

    /// Integrations and their deletions within `scope`, by sequence; those
    /// whose last writer is `client` are marked as its own.
    async fn changed_rows(
        &self,
        scope: Option<(i64, Vec<i64>)>,
        (since, upto): (i64, i64),
        limit: i64,
        client: Option<&str>,
    ) -> Result<Vec<SyncRow>> {
        let user = scope.as_ref().map(|(u, _)| *u);
        let cap = usize::try_from(limit).unwrap_or(0);
        // Sync carries the Trash: trashed records are pulled like any other.
        let filter = ListFilter {
            scope,
            include_trashed: true,
            ..ListFilter::default()
        };
        let mut out = match client {
            Some(c) => self.rows_but_own(&filter, (since, upto), limit, c).await?,
            None => {
                let mut qb = sqlx::QueryBuilder::<Self::DB>::new(format!(
                    "SELECT {INTEGRATION_COLUMNS} FROM integrations"
                ));
                rows::push_filter(&mut qb, &filter);
                qb.push(" AND seq > ").push_bind(since);
                qb.push(" AND seq <= ").push_bind(upto);
                qb.push(" ORDER BY seq LIMIT ").push_bind(limit);
                let found = Self::build(&mut qb).fetch_all(self.read()).await?;
                let live = found
                    .iter()
                    .map(|r| Ok(SyncRow::Live(Box::new(rows::integration(r)?), false)));
                live.collect::<Result<Vec<_>>>()?
            }
        };

        let mut qb = sqlx::QueryBuilder::<Self::DB>::new(
            "SELECT uid, seq, revision, last_client FROM tombstones WHERE seq > ",
        );
        qb.push_bind(since).push(" AND seq <= ").push_bind(upto);
        if let Some(user) = user {
            qb.push(" AND (owner_id = ")
                .push_bind(user)
                .push(" OR website_id IN (SELECT website_id FROM website_members WHERE user_id = ")
                .push_bind(user)
                .push("))");
        }
        qb.push(" ORDER BY seq LIMIT ").push_bind(limit);
        for r in Self::build(&mut qb).fetch_all(self.read()).await? {
            let last: Option<String> = r.try_get("last_client")?;
            out.push(SyncRow::Deleted {
                uid: r.try_get("uid")?,
                seq: r.try_get("seq")?,
                revision: r.try_get("revision")?,
                mine: client.is_some() && last.as_deref() == client,
            });
        }
        out.sort_by_key(|r| r.seq());
        out.truncate(cap);
        Ok(out)
    }

    /// The live rows of [`SyncPull::changed_rows`] for a pulling `client`:
    /// the numbers and last writers first, then only the rows written by
    /// others in full (a laptop's own changes, all of a first sync's, are
    /// counted, never read). A row changed between the two reads has a
    /// number above `upto` now: it is skipped here, left for a later pull.
    async fn rows_but_own(
        &self,
        filter: &ListFilter,
        (since, upto): (i64, i64),
        limit: i64,
        client: &str,
    ) -> Result<Vec<SyncRow>> {
        let mut qb =
            sqlx::QueryBuilder::<Self::DB>::new("SELECT id, seq, last_client FROM integrations");
        rows::push_filter(&mut qb, filter);
        qb.push(" AND seq > ").push_bind(since);
        qb.push(" AND seq <= ").push_bind(upto);
        qb.push(" ORDER BY seq LIMIT ").push_bind(limit);
        let mut numbers: Vec<(i64, i64, bool)> = Vec::new();
        for r in Self::build(&mut qb).fetch_all(self.read()).await? {
            let last: Option<String> = r.try_get("last_client")?;
            numbers.push((
                r.try_get("id")?,
                r.try_get("seq")?,
                last.as_deref() == Some(client),
            ));
        }
        let others: Vec<i64> = numbers.iter().filter(|n| !n.2).map(|n| n.0).collect();
        let mut read: HashMap<i64, IntegrationRecord> = HashMap::with_capacity(others.len());
        for chunk in others.chunks(UIDS_PER_QUERY) {
            let mut qb = sqlx::QueryBuilder::<Self::DB>::new(format!(
                "SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE seq <= "
            ));
            qb.push_bind(upto).push(" AND id IN (");
            push_ids(&mut qb, chunk);
            for r in Self::build(&mut qb).fetch_all(self.read()).await? {
                let record = rows::integration(&r)?;
                read.insert(record.id, record);
            }
        }
        // Every number read stays in the list (a list cut at `limit` must
        // still look cut), the rows not sent as skipped ones.
        Ok(numbers
            .into_iter()
            .map(|(id, seq, mine)| {
                let record = (!mine).then(|| read.remove(&id)).flatten();
                match record.filter(|r| r.seq == seq) {
                    Some(r) => SyncRow::Live(Box::new(r), false),
                    None => SyncRow::Skipped { seq },
                }
            })
            .collect())
    }

    /// Log lines of visible integrations, but the client's own.
    async fn changed_logs(
        &self,
        user: Option<i64>,
        (since, upto): (i64, i64),
        limit: i64,
        client: Option<&str>,
    ) -> Result<Vec<SyncLog>> {
        let mut qb = sqlx::QueryBuilder::<Self::DB>::new(
            "SELECT l.uid, l.seq, l.level, l.message, l.details, l.created_at, i.uid AS integration \
             FROM integration_logs l JOIN integrations i ON i.id = l.integration_id WHERE l.seq > ",
        );
        qb.push_bind(since).push(" AND l.seq <= ").push_bind(upto);
        if let Some(c) = client {
            qb.push(" AND (l.client IS NULL OR l.client <> ")
                .push_bind(c.to_owned())
                .push(")");
        }
        if let Some(user) = user {
            qb.push(" AND (i.owner_id = ")
                .push_bind(user)
                .push(
                    " OR i.website_id IN (SELECT website_id FROM website_members WHERE user_id = ",
                )
                .push_bind(user)
                .push("))");
        }
        qb.push(" ORDER BY l.seq LIMIT ").push_bind(limit);
        let mut logs = Vec::new();
        for r in Self::build(&mut qb).fetch_all(self.read()).await? {
            let details: String = r.try_get("details")?;
            logs.push(SyncLog {
                uid: r.try_get("uid")?,
                integration: r.try_get("integration")?,
                level: Lenient::parse(&r.try_get::<String, _>("level")?),
                message: r.try_get("message")?,
                details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
                created_at: r.try_get("created_at")?,
                seq: Some(r.try_get("seq")?),
            });
        }
        Ok(logs)
    }
}

#[sql_db]
impl<B: SqlDb> SyncPull for B {}
