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

/// How many sequence numbers of integrations one pull page reads at most
/// while walking past the pulling client's own rows, per row of its
/// `limit` (see [`SyncPull::rows_but_own`]): about 50,000 for a laptop's
/// pages of 1,000.
const NUMBERS_PER_ROW: i64 = 50;

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
        let (rows, rows_upto) = self.changed_rows(scope, window, limit, client).await?;
        // A list that came back full ends the page at its last number at
        // the latest, and so does the end of the numbers read for the rows:
        // the log lines are read only up to there (a first sync's pull
        // otherwise walks past all of the client's own lines on every page).
        let full = |n: usize| i64::try_from(n).is_ok_and(|n| n >= limit);
        let ends = [
            full(websites.len()).then(|| websites.last().and_then(|w| w.seq)),
            full(rows.len()).then(|| rows.last().map(SyncRow::seq)),
            Some(rows_upto),
        ];
        let logs_upto = ends.into_iter().flatten().flatten().fold(upto, i64::min);
        let logs = self
            .changed_logs(user, (since, logs_upto), limit, client)
            .await?;
        Ok(SyncChanges {
            websites,
            rows,
            rows_upto,
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
    /// whose last writer is `client` are marked as its own. With the list,
    /// where its numbers were read up to when that ends the page before
    /// `upto` (see [`SyncPull::rows_but_own`]).
    async fn changed_rows(
        &self,
        scope: Option<(i64, Vec<i64>)>,
        (since, upto): (i64, i64),
        limit: i64,
        client: Option<&str>,
    ) -> Result<(Vec<SyncRow>, Option<i64>)> {
        let user = scope.as_ref().map(|(u, _)| *u);
        let cap = usize::try_from(limit).unwrap_or(0);
        // Sync carries the Trash: trashed records are pulled like any other.
        let filter = ListFilter {
            scope,
            include_trashed: true,
            ..ListFilter::default()
        };
        let (mut out, read_upto) = match client {
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
                (live.collect::<Result<Vec<_>>>()?, None)
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
        Ok((out, read_upto))
    }

    /// The live rows of [`SyncPull::changed_rows`] for a pulling `client`:
    /// the numbers and last writers first (a run of the client's own rows
    /// comes back from the database as its last row alone), then only the
    /// rows written by others in full (a laptop's own changes, all of a
    /// first sync's, are counted, never read). A row changed between the
    /// two reads has a number above `upto` now: it is skipped here, left
    /// for a later pull.
    ///
    /// A run of the client's own rows in a row is one skipped entry, at
    /// the run's last number: it moves the cursor past all of them and
    /// counts as one of the page's `limit`. The numbers are read on (in
    /// growing steps, at most [`NUMBERS_PER_ROW`] times `limit`) until
    /// `limit` entries are made or none are left, so the pull after a
    /// first sync walks past the client's own rows in one round trip
    /// rather than one page of `limit` each. When the numbers ran out of
    /// that allowance first, the page ends at the last one read: returned
    /// as the second value.
    async fn rows_but_own(
        &self,
        filter: &ListFilter,
        (since, upto): (i64, i64),
        limit: i64,
        client: &str,
    ) -> Result<(Vec<SyncRow>, Option<i64>)> {
        let wanted = usize::try_from(limit).unwrap_or(0);
        // (id, seq, own); an own entry stands for the run up to its seq.
        let mut entries: Vec<(i64, i64, bool)> = Vec::new();
        let allowance = limit.max(1).saturating_mul(NUMBERS_PER_ROW);
        let (mut after, mut step, mut read) = (since, limit.max(1), 0_i64);
        let read_upto = loop {
            // The step's rows by number, each run of the client's own rows
            // cut down to its last by the database (not decoded here one
            // by one), each with how many rows the step read (`n`).
            let mut qb = sqlx::QueryBuilder::<Self::DB>::new(
                "SELECT id, seq, own, n FROM (SELECT id, seq, own, \
                 LEAD(own) OVER (ORDER BY seq) AS next_own, COUNT(*) OVER () AS n \
                 FROM (SELECT id, seq, CAST(CASE WHEN last_client = ",
            );
            qb.push_bind(client.to_owned());
            qb.push(" THEN 1 ELSE 0 END AS BIGINT) AS own FROM integrations");
            rows::push_filter(&mut qb, filter);
            qb.push(" AND seq > ").push_bind(after);
            qb.push(" AND seq <= ").push_bind(upto);
            qb.push(" ORDER BY seq LIMIT ").push_bind(step);
            qb.push(
                ") AS stepped) AS runs WHERE own = 0 OR COALESCE(next_own, 0) = 0 ORDER BY seq",
            );
            let found = Self::build(&mut qb).fetch_all(self.read()).await?;
            let n: i64 = match found.first() {
                Some(r) => r.try_get("n")?,
                None => 0,
            };
            let full = n == step;
            read += step;
            for r in found {
                let (id, seq): (i64, i64) = (r.try_get("id")?, r.try_get("seq")?);
                let own = r.try_get::<i64, _>("own")? != 0;
                let full_page = entries.len() == wanted;
                match entries.last_mut() {
                    Some(run) if own && run.2 => run.1 = seq,
                    _ if full_page => break,
                    _ => entries.push((id, seq, own)),
                }
            }
            // Enough entries (the page is cut at them), or no numbers left.
            if entries.len() == wanted || !full {
                break None;
            }
            if read >= allowance {
                break entries.last().map(|e| e.1);
            }
            after = entries.last().map_or(after, |e| e.1);
            step = (step * 4).min(allowance - read);
        };
        let others: Vec<i64> = entries.iter().filter(|n| !n.2).map(|n| n.0).collect();
        let mut records: HashMap<i64, IntegrationRecord> = HashMap::with_capacity(others.len());
        for chunk in others.chunks(UIDS_PER_QUERY) {
            let mut qb = sqlx::QueryBuilder::<Self::DB>::new(format!(
                "SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE seq <= "
            ));
            qb.push_bind(upto).push(" AND id IN (");
            push_ids(&mut qb, chunk);
            for r in Self::build(&mut qb).fetch_all(self.read()).await? {
                let record = rows::integration(&r)?;
                records.insert(record.id, record);
            }
        }
        // Every entry stays in the list (a list cut at `limit` must still
        // look cut), the rows not sent as skipped ones.
        let rows = entries
            .into_iter()
            .map(|(id, seq, own)| {
                let record = (!own).then(|| records.remove(&id)).flatten();
                match record.filter(|r| r.seq == seq) {
                    Some(r) => SyncRow::Live(Box::new(r), false),
                    None => SyncRow::Skipped { seq },
                }
            })
            .collect();
        Ok((rows, read_upto))
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
