//! [`SyncStore`](super::SyncStore) for both backends: reading changes by
//! sequence number for pulls ([`pull`]), and applying a push batch in one
//! transaction together with its stored answer ([`push`]); docs/sync.md.

mod pull;
mod push;

use sqlx::{Database, Encode, Type};
use std::collections::HashSet;
use switchboard_server_macros::sql_db;

use super::rows::{self, INTEGRATION_COLUMNS};
use super::sql::SqlDb;
use super::{ChangesQuery, Result, SyncApplied, SyncChanges, SyncPlan, SyncStore};
use crate::model::IntegrationRecord;
use pull::SyncPull;
use push::SyncPush;

/// Uids (or ids) bound in one `IN (...)` list: far below SQLite's limit of
/// 32766 variables per statement (a union binds the list twice).
pub(crate) const UIDS_PER_QUERY: usize = 1000;
/// Rows of at most 8 values per multi-row INSERT (audit entries, log lines).
pub(crate) const ROWS_PER_INSERT: usize = 32766 / 8;
/// New integrations (22 values each) per multi-row INSERT.
pub(crate) const CREATES_PER_INSERT: usize = 32766 / 22;

#[sql_db]
#[async_trait::async_trait]
impl<B: SqlDb> SyncStore for B {
    async fn sync_batch_answer(&self, user_id: i64, batch_id: &str) -> Result<Option<String>> {
        let answer = Self::stored_answer(self.read(), user_id, batch_id).await?;
        // An empty answer belongs to a batch still being applied.
        Ok(answer.filter(|a| !a.is_empty()))
    }

    async fn integrations_by_uids(&self, uids: &[&str]) -> Result<Vec<IntegrationRecord>> {
        let mut out = Vec::with_capacity(uids.len());
        for chunk in uids.chunks(UIDS_PER_QUERY) {
            let mut qb = sqlx::QueryBuilder::<B::DB>::new(format!(
                "SELECT {INTEGRATION_COLUMNS} FROM integrations WHERE uid IN ("
            ));
            push_list(&mut qb, chunk);
            for r in B::build(&mut qb).fetch_all(self.read()).await? {
                out.push(rows::integration(&r)?);
            }
        }
        Ok(out)
    }

    async fn tombstoned_uids(&self, uids: &[&str]) -> Result<HashSet<String>> {
        let mut out = HashSet::new();
        for chunk in uids.chunks(UIDS_PER_QUERY) {
            let mut qb =
                sqlx::QueryBuilder::<B::DB>::new("SELECT uid FROM tombstones WHERE uid IN (");
            push_list(&mut qb, chunk);
            let found: Vec<String> = B::build_scalar(&mut qb).fetch_all(self.read()).await?;
            out.extend(found);
        }
        Ok(out)
    }

    async fn sync_apply(&self, plan: SyncPlan) -> Result<SyncApplied> {
        SyncPush::apply(self, plan).await
    }

    async fn sync_changes(&self, query: ChangesQuery<'_>) -> Result<SyncChanges> {
        SyncPull::changes(self, query).await
    }
}

/// Binds `uids` as a parenthesised list, closing the parenthesis.
fn push_list<'a, DB: Database>(qb: &mut sqlx::QueryBuilder<'a, DB>, uids: &[&str])
where
    String: Encode<'a, DB> + Type<DB>,
{
    let mut list = qb.separated(", ");
    for uid in uids {
        list.push_bind((*uid).to_owned());
    }
    list.push_unseparated(")");
}

/// Binds `ids` as a parenthesised list, closing the parenthesis.
fn push_ids<'a, DB: Database>(qb: &mut sqlx::QueryBuilder<'a, DB>, ids: &[i64])
where
    i64: Encode<'a, DB> + Type<DB>,
{
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    list.push_unseparated(")");
}
