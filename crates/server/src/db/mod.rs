//! The database layer: one [`Db`] trait with a SQLite and a PostgreSQL
//! implementation, each with its own migrations (migrations/server-sqlite,
//! migrations/server-postgres). Handlers never write SQL; they call these
//! methods, which hold only sealed secrets.
//!
//! The SQL is the same on both backends (`$N` placeholders, which SQLite
//! understands too; TEXT timestamps; JSON as TEXT), so the stores are
//! written once, generic over [`sql::SqlDb`] (a backend's sqlx database
//! type, pools and write settings), in [`accounts`], [`integrations`] and
//! [`sync`]. Every change that touches an integration bumps its `revision`
//! and writes its audit entry in the same transaction.

mod accounts;
mod credentials;
mod integrations;
mod json_rows;
mod leads;
mod people;
mod postgres;
mod readers;
mod releases;
mod rows;
mod sql;
mod sqlite;
mod stored;
mod sync;
mod webhooks;

pub use leads::{Attempt, Delivery, LeadQuery, LeadRecord, LeadStore, NewLead, Next};
pub use postgres::PgDb;
pub use sqlite::SqliteDb;
pub use webhooks::{EventRecord, NewEvent, REFUSED_KEPT};

use async_trait::async_trait;
use std::sync::Arc;

use crate::model::{
    AuditEntry, AuditRecord, IntegrationRecord, ListFilter, LogRecord, NewLog, NewServiceToken,
    NewToken, ReleaseRecord, Role, ServiceToken, Session, Stats, TokenRecord, UserChange,
    UserRecord, WebsiteRecord,
};
use crate::secrets::SealedSecrets;

/// What can go wrong in the database layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique constraint refused the write (duplicate email, or a second
    /// integration with the same website, type and name).
    #[error("a record with these values already exists")]
    Duplicate,
    /// A referenced row does not exist (e.g. an unknown website or user id).
    #[error("a referenced record does not exist")]
    MissingReference,
    /// The website still has integrations.
    #[error("the website still has {0} integration(s)")]
    InUse(i64),
    /// Anything else from the driver; logged, never shown to clients in full.
    #[error("database error: {0}")]
    Sqlx(sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value has an unexpected shape.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return DbError::Duplicate;
            }
            if db.is_foreign_key_violation() {
                return DbError::MissingReference;
            }
        }
        DbError::Sqlx(e)
    }
}

pub type Result<T> = std::result::Result<T, DbError>;

/// What [`AccountStore::token_and_integration`] reads: nothing for an
/// unknown token, else the token and the integration (None if there is
/// no such integration, an error if its row is damaged).
pub type TokenAndIntegration = Option<(TokenRecord, Result<Option<IntegrationRecord>>)>;

/// Which backend a [`Db`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The result of an optimistic update (`WHERE revision = expected`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateOutcome {
    /// Saved; the record's new revision.
    Updated(i64),
    /// Someone else changed it first; read it again and retry.
    Stale,
    /// It no longer exists.
    Gone,
}

/// Re-seals one integration's secrets (uid, sealed) under a new key.
pub type Resealer<'a> =
    &'a (dyn Fn(&str, &SealedSecrets) -> std::result::Result<SealedSecrets, String> + Send + Sync);

/// Server metadata and whole-database operations.
#[async_trait]
pub trait MetaStore: Send + Sync {
    fn backend(&self) -> Backend;
    /// A trivial query, for the health endpoint.
    async fn ping(&self) -> Result<()>;
    /// Closes the pools (SQLite checkpoints its WAL into the main file).
    async fn close(&self);
    /// The key check sealed under the key the data was written with, if any.
    async fn key_check(&self) -> Result<Option<String>>;
    /// Stores the key check of a fresh database (no-op if one exists).
    async fn init_key_check(&self, check: &str) -> Result<()>;
    /// Re-seals every integration's secrets and the key check, in one
    /// transaction. Returns (integrations, secret values) re-sealed.
    async fn rotate_key(&self, reseal: Resealer<'_>, new_check: &str) -> Result<(u64, u64)>;
    /// Writes an audit entry for a change outside integrations (users, tokens from the CLI).
    async fn write_audit(&self, entry: &AuditEntry) -> Result<()>;
    /// Audit entries matching `filter`, newest first, and how many match.
    async fn audit(
        &self,
        filter: &crate::model::AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AuditRecord>, i64)>;
}

/// Users, tokens and websites.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_user(&self, email: &str, password_hash: &str, role: Role) -> Result<i64>;
    async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>>;
    async fn users(&self) -> Result<Vec<UserRecord>>;
    async fn count_users(&self) -> Result<i64>;
    async fn insert_token(&self, token: &NewToken) -> Result<()>;
    /// The token with this hash and its user (with memberships).
    async fn token(&self, hash: &str) -> Result<Option<TokenRecord>>;
    /// [`AccountStore::token`] and the integration `id` read in the same
    /// statement (one round trip for a detail read); the integration is
    /// decoded apart, so that a damaged row fails only a caller who may
    /// see it.
    async fn token_and_integration(&self, hash: &str, id: i64) -> Result<TokenAndIntegration>;
    /// Deletes a refresh token, remembers it as spent and stores its
    /// replacements, in the old token's family, in one transaction; false
    /// when the old token was already used or unknown.
    async fn exchange_refresh(&self, old_hash: &str, new: &[NewToken]) -> Result<bool>;
    /// When `hash` is a spent refresh token, revokes every token of its
    /// family (a replay) and answers true.
    async fn revoke_reused_refresh(&self, hash: &str) -> Result<bool>;
    /// Deletes tokens that expired before `now` (unix seconds), and failed
    /// sign-in counts a day old whose lock has ended.
    async fn purge_expired_tokens(&self, now: i64) -> Result<u64>;
    /// The latest end of a sign-in lock among `scopes`, if any is still
    /// locked at `now` (both unix milliseconds, like every time below).
    async fn login_locked_until(&self, scopes: &[String], now: i64) -> Result<Option<i64>>;
    /// Counts one failed sign-in for `scope` at `now` (a count last touched
    /// a day before starts again) and answers the new count.
    async fn count_login_failure(&self, scope: &str, now: i64) -> Result<i64>;
    /// Locks `scope` until `until`, never shortening a lock already set.
    async fn lock_login(&self, scope: &str, until: i64) -> Result<()>;
    /// Ends the sign-in of refresh token `hash`: deletes every token of its
    /// family and answers the deleted tokens' hashes (none if unknown; a
    /// token outside any family is not a sign-in's and is left alone).
    async fn end_sign_in(&self, hash: &str) -> Result<Vec<String>>;
    /// Forgets the failed sign-ins of `scopes` (after a successful one).
    async fn clear_login_failures(&self, scopes: &[String]) -> Result<()>;
    /// Websites, all or only these ids.
    async fn websites(&self, only: Option<&[i64]>) -> Result<Vec<WebsiteRecord>>;
    async fn website(&self, id: i64) -> Result<Option<WebsiteRecord>>;
    async fn create_website(
        &self,
        name: &str,
        domain: &str,
        members: &[i64],
        audit: &AuditEntry,
    ) -> Result<i64>;
    /// Changes what is given; members replace the old list. False if unknown.
    async fn update_website(
        &self,
        id: i64,
        name: Option<&str>,
        domain: Option<&str>,
        members: Option<&[i64]>,
        audit: &AuditEntry,
    ) -> Result<bool>;
    /// False if unknown; [`DbError::InUse`] while integrations use it.
    async fn delete_website(&self, id: i64, audit: &AuditEntry) -> Result<bool>;
}

/// A record to create, with its audit entry and first log line.
#[derive(Debug, Clone)]
pub struct NewIntegration {
    pub record: IntegrationRecord,
    pub audit: AuditEntry,
    pub log: NewLog,
}

/// Integrations, their logs and tombstones.
#[async_trait]
pub trait IntegrationStore: Send + Sync {
    async fn list_integrations(&self, filter: &ListFilter) -> Result<Vec<IntegrationRecord>>;
    async fn count_integrations(&self, filter: &ListFilter) -> Result<i64>;
    /// How many records `filter` matches (its limit and offset aside) and
    /// the page its limit and offset select, read in one statement.
    async fn integration_page(&self, filter: &ListFilter) -> Result<(i64, Vec<IntegrationRecord>)>;
    async fn integration(&self, id: i64) -> Result<Option<IntegrationRecord>>;
    /// Inserts new records (their `id` and `revision` are ignored), each
    /// with its audit entry and first log line, in one transaction (one
    /// commit for many creates, see [`crate::group_commit`]); each one's new
    /// id, or None when it breaks a unique set (nothing of it is written).
    async fn insert_integrations(&self, jobs: &[NewIntegration]) -> Result<Vec<Option<i64>>>;
    /// Saves `record` if its stored revision is still `record.revision`.
    async fn update_integration(
        &self,
        record: &IntegrationRecord,
        audit: &AuditEntry,
        log: Option<&NewLog>,
    ) -> Result<UpdateOutcome>;
    /// Deletes the record and its logs and leaves a tombstone. False if unknown.
    async fn delete_integration(&self, id: i64, audit: &AuditEntry) -> Result<bool>;
    /// Records a connection check's effect on health, with a log entry and,
    /// when health changed, an audit entry. False if unknown.
    async fn record_check(
        &self,
        id: i64,
        effect: (
            switchboard_domain::CheckKind,
            Option<&switchboard_domain::StatedExpiry>,
        ),
        message: &str,
        log: &NewLog,
        audit: &AuditEntry,
    ) -> Result<bool>;
    /// Newest first.
    async fn logs(&self, id: i64, limit: i64) -> Result<Vec<LogRecord>>;
    async fn stats(&self, filter: &ListFilter) -> Result<Stats>;
    /// (uid, revision, deleted_at) of deletions, for sync and tests.
    async fn tombstones(&self) -> Result<Vec<(i64, String, i64, String)>>;
    /// Deletes for good (with tombstones and an audit entry each, in one
    /// transaction) the integrations moved to the Trash before `before`, up
    /// to `limit` of them; how many. Safe when replicas run it at once: a
    /// record deleted or changed (restored) meanwhile is left alone.
    async fn sweep_trash(&self, before: &str, limit: i64) -> Result<usize>;
}

/// A website upserted by a sync push (by uid; name and domain last writer wins).
#[derive(Debug, Clone)]
pub struct SyncWebsiteWrite {
    pub uid: String,
    pub name: String,
    pub domain: String,
    pub audit: AuditEntry,
}

/// A website deletion pushed by a laptop: applied when the website has no
/// integrations on the server (leaving a website tombstone), else refused.
#[derive(Debug, Clone)]
pub struct SyncWebsiteDelete {
    pub uid: String,
    /// Refused before the database is asked (why, for the answer).
    pub refuse: Option<String>,
    pub audit: AuditEntry,
}

/// One integration write of a sync push, prepared (validated, sealed) by the
/// service against the revision it read.
#[derive(Debug, Clone)]
pub enum SyncWrite {
    /// A new record (its uid must be neither used nor tombstoned).
    Create {
        record: IntegrationRecord,
        /// When set, the record's website is the website with this uid
        /// (which may be created by the same batch).
        website_uid: Option<String>,
        audit: AuditEntry,
        log: NewLog,
    },
    /// Saves the record if it is still at `record.revision`.
    Update {
        record: IntegrationRecord,
        /// The laptop had seen everything up to the stored revision: only
        /// then is the pushing laptop the record's last writer (otherwise it
        /// must still pull the changes it merged over).
        up_to_date: bool,
        website_uid: Option<String>,
        audit: AuditEntry,
        log: NewLog,
    },
    /// Deletes the record if it is still at `revision`.
    Delete {
        id: i64,
        revision: i64,
        audit: AuditEntry,
    },
}

impl SyncWrite {
    /// The uid of the record a create makes (None for other writes).
    pub fn created_uid(&self) -> Option<&str> {
        match self {
            SyncWrite::Create { record, .. } => Some(record.uid.as_str()),
            _ => None,
        }
    }
}

/// A whole push batch, applied in one transaction with its answer.
#[derive(Debug, Clone)]
pub struct SyncPlan {
    pub user_id: i64,
    pub batch_id: String,
    /// The pushing laptop's client id, stored as the last writer of every
    /// integration (and tombstone) the batch creates, changes or deletes.
    pub client: Option<String>,
    pub websites: Vec<SyncWebsiteWrite>,
    /// (index into `answer.results`, write): the write fills in that
    /// result's id and revision, or turns it into `invalid` when a unique
    /// rule refuses it.
    pub writes: Vec<(usize, SyncWrite)>,
    /// Website deletions, applied after the integration writes.
    pub website_deletes: Vec<SyncWebsiteDelete>,
    /// Log lines pushed by the laptop (checked: uids, levels, and the user
    /// may see their integrations), stored last, each once by uid; lines
    /// whose integration does not exist are dropped.
    pub logs: Vec<switchboard_sync_proto::SyncLog>,
    pub answer: switchboard_sync_proto::PushAnswer,
}

/// What a pull reads: each list by sequence number, at most `limit` long.
#[derive(Debug, Clone, Default)]
pub struct SyncChanges {
    /// Websites and website deletions (`seq` set).
    pub websites: Vec<switchboard_sync_proto::SyncWebsite>,
    pub rows: Vec<SyncRow>,
    /// Where the rows' numbers were read up to, when the page must end
    /// there (a long run of the pulling client's own rows was walked past
    /// to its allowance); None when `rows` is all there is up to the
    /// horizon or is cut by `limit`.
    pub rows_upto: Option<i64>,
    /// Log lines (`seq` set), not counting the pulling client's own.
    pub logs: Vec<switchboard_sync_proto::SyncLog>,
    /// The largest sequence number above `since` of a log line the pulling
    /// client wrote itself, read before the lists (every change numbered
    /// below it was committed before they were read).
    pub own_logs_upto: Option<i64>,
}

/// How applying a [`SyncPlan`] ended.
#[derive(Debug, Clone)]
pub enum SyncApplied {
    /// Applied and stored; the final answer.
    Done(switchboard_sync_proto::PushAnswer),
    /// The batch was applied before: its stored answer (JSON text).
    Replayed(String),
    /// A record changed since the plan was made: nothing applied, plan again.
    Stale,
}

/// One integration entry of a pull page.
#[derive(Debug, Clone)]
pub enum SyncRow {
    /// A live record; true when its last writer is the pulling client.
    Live(Box<IntegrationRecord>, bool),
    /// A live record only counted for the page's numbering, not sent: its
    /// last writer is the pulling client (which has it), or it changed
    /// since it was numbered (it comes again with its new number).
    Skipped { seq: i64 },
    Deleted {
        uid: String,
        seq: i64,
        revision: i64,
        /// The deletion came from the pulling client.
        mine: bool,
    },
}

impl SyncRow {
    pub fn seq(&self) -> i64 {
        match self {
            SyncRow::Live(r, _) => r.seq,
            SyncRow::Skipped { seq } | SyncRow::Deleted { seq, .. } => *seq,
        }
    }

    /// Whether the pulling client made this change itself.
    pub fn mine(&self) -> bool {
        match self {
            SyncRow::Live(_, mine) => *mine,
            SyncRow::Skipped { .. } => true,
            SyncRow::Deleted { mine, .. } => *mine,
        }
    }
}

/// What [`SyncStore::sync_changes`] reads: websites (only these ids when
/// `websites` is Some) and integrations and deletions (within `scope`, see
/// [`ListFilter::scope`]) with a sequence number above `since`, by
/// sequence; at most `limit` of each. Rows whose last writer is `client`
/// are marked as its own.
#[derive(Debug, Clone)]
pub struct ChangesQuery<'a> {
    pub scope: Option<(i64, Vec<i64>)>,
    pub websites: Option<Vec<i64>>,
    pub since: i64,
    pub limit: i64,
    pub client: Option<&'a str>,
}

/// The sync protocol's storage (docs/sync.md).
#[async_trait]
pub trait SyncStore: Send + Sync {
    /// The stored answer (JSON text) of a batch this user pushed before.
    async fn sync_batch_answer(&self, user_id: i64, batch_id: &str) -> Result<Option<String>>;
    /// The live records with these uids (those that exist).
    async fn integrations_by_uids(&self, uids: &[&str]) -> Result<Vec<IntegrationRecord>>;
    /// Which of these uids belonged to deleted records.
    async fn tombstoned_uids(&self, uids: &[&str]) -> Result<std::collections::HashSet<String>>;
    /// Applies a push batch all or nothing, storing its answer in the same
    /// transaction.
    async fn sync_apply(&self, plan: SyncPlan) -> Result<SyncApplied>;
    /// The changes a pull asks for (see [`ChangesQuery`]).
    async fn sync_changes(&self, query: ChangesQuery<'_>) -> Result<SyncChanges>;
}

/// One credential fetch's writes (see [`CredentialStore::credential_batch`]).
#[derive(Debug, Clone)]
pub struct CredentialWrite {
    pub token_id: i64,
    /// The rate limit's scope, its window in ms and its limit.
    pub scope: String,
    pub window: i64,
    pub limit: i64,
    /// Unix milliseconds.
    pub now: i64,
    pub entries: Vec<AuditEntry>,
}

/// Service tokens, what they read, and the request counters that hold
/// across every server on the database.
#[async_trait]
pub trait CredentialStore: Send + Sync {
    /// Stores a service token (its hash) with its audit entry; the stored record.
    async fn create_service_token(
        &self,
        token: &NewServiceToken,
        audit: &AuditEntry,
    ) -> Result<ServiceToken>;
    /// Every service token, oldest first.
    async fn service_tokens(&self) -> Result<Vec<ServiceToken>>;
    /// The service token with this hash.
    async fn service_token(&self, hash: &str) -> Result<Option<ServiceToken>>;
    /// Deletes a service token (it is refused from the next request on, on
    /// every server); false if unknown.
    async fn revoke_service_token(&self, id: i64, audit: &AuditEntry) -> Result<bool>;
    /// Counts one request of `scope` at `now` (unix milliseconds) in its
    /// window of `window` milliseconds (a new one starts at `now` when the
    /// last has ended) and answers (the window's count, its start).
    async fn hit_rate_limit(&self, scope: &str, now: i64, window: i64) -> Result<(i64, i64)>;
    /// The active integrations of a website (None: of no website), most
    /// recently changed first.
    async fn active_integrations(&self, website: Option<i64>) -> Result<Vec<IntegrationRecord>>;
    /// Several credential fetches in one transaction (one commit for all):
    /// each counts against its rate limit and, when within it, writes its
    /// audit entries and the token's last use. (count, window start) each.
    async fn credential_batch(&self, jobs: &[CredentialWrite]) -> Result<Vec<(i64, i64)>>;
}

/// What admins do to people and their devices.
#[async_trait]
pub trait PeopleStore: Send + Sync {
    async fn user(&self, id: i64) -> Result<Option<UserRecord>>;
    async fn user_websites(&self, id: i64) -> Result<Vec<i64>>;
    /// Admins who are not disabled.
    async fn count_active_admins(&self) -> Result<i64>;
    /// Integrations the user owns (a user who owns any is not deleted).
    async fn owned_integrations(&self, id: i64) -> Result<i64>;
    /// Applies a change with its audit entry; the hashes of the tokens it
    /// ended (a password reset or disabling ends them all); None if unknown.
    async fn update_user(
        &self,
        id: i64,
        change: &UserChange,
        audit: &AuditEntry,
    ) -> Result<Option<Vec<String>>>;
    /// Deletes a user (memberships and tokens with them); the token hashes; None if unknown.
    async fn delete_user(&self, id: i64, audit: &AuditEntry) -> Result<Option<Vec<String>>>;
    /// The user's sign-ins and API tokens, oldest first.
    async fn sessions(&self, user_id: i64) -> Result<Vec<Session>>;
    /// Ends one session (by [`Session::id`]) or, with None, all of them;
    /// the hashes of the tokens deleted (empty: nothing matched).
    async fn revoke_sessions(
        &self,
        user_id: i64,
        session: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<Vec<String>>;
    /// Notes that a token was used at `now`.
    async fn touch_token(&self, hash: &str, now: &str) -> Result<()>;
}

/// Desktop app releases: signed artifacts an admin uploads, kept in the
/// database so that every server serves the same ones.
#[async_trait]
pub trait ReleaseStore: Send + Sync {
    /// Stores a release with its artifact, replacing the one of the same
    /// version and platform, with its audit entry; true when it replaced one.
    async fn put_release(
        &self,
        release: &ReleaseRecord,
        artifact: &[u8],
        audit: &AuditEntry,
    ) -> Result<bool>;
    /// Every release (never the artifacts), of one platform when given, in
    /// no particular order (versions sort as semver, not as text).
    async fn releases(&self, platform: Option<&str>) -> Result<Vec<ReleaseRecord>>;
    /// The artifact of a release, if there is one.
    async fn release_artifact(&self, version: &str, platform: &str) -> Result<Option<Vec<u8>>>;
    /// Deletes a release with its audit entry; false if there was none.
    async fn delete_release(
        &self,
        version: &str,
        platform: &str,
        audit: &AuditEntry,
    ) -> Result<bool>;
}

/// Webhook receivers: their keys and the events they stored.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// The receiver key of an integration, storing `fresh` when it has
    /// none yet (the first ask wins across replicas).
    async fn receiver_key(&self, integration_id: i64, fresh: &str) -> Result<String>;
    /// The integration a receiver key names (for `/hooks/<key>`, and the
    /// sign-up page's `/leads/<key>`).
    async fn integration_by_receiver_key(&self, key: &str) -> Result<Option<IntegrationRecord>>;
    /// Stores an event in one transaction; (the stored row, whether it is
    /// new). A genuine event whose id the integration already has is not
    /// stored again: the stored one comes back with false.
    async fn store_event(&self, event: &NewEvent) -> Result<(EventRecord, bool)>;
    /// Stores genuine events in one transaction (one commit for all; the
    /// receivers' group commit): (the stored row, whether it is new) each,
    /// in order. An id stored before, or earlier in the same batch, is not
    /// stored again: that row comes back with false.
    async fn store_events(&self, events: &[&NewEvent]) -> Result<Vec<(EventRecord, bool)>>;
    /// An integration's events, newest first, with a row id below `before`.
    async fn events(
        &self,
        integration_id: i64,
        limit: i64,
        before: Option<i64>,
    ) -> Result<Vec<EventRecord>>;
    /// The newest event of an integration with this provider event id.
    async fn event_by_provider_id(
        &self,
        integration_id: i64,
        event_id: &str,
    ) -> Result<Option<EventRecord>>;
}

/// What admins manage besides the data: people and releases.
pub trait AdminStore: PeopleStore + ReleaseStore {}
impl<T: PeopleStore + ReleaseStore> AdminStore for T {}

/// Everything the server stores.
pub trait Db:
    MetaStore
    + AccountStore
    + IntegrationStore
    + SyncStore
    + CredentialStore
    + AdminStore
    + WebhookStore
    + LeadStore
{
}
impl<T> Db for T where
    T: MetaStore
        + AccountStore
        + IntegrationStore
        + SyncStore
        + CredentialStore
        + AdminStore
        + WebhookStore
        + LeadStore
{
}

/// Opens the database a URL names: `postgres://` or `postgresql://` for
/// PostgreSQL, `sqlite://PATH` or a plain path for SQLite.
pub async fn connect(url: &str) -> Result<Arc<dyn Db>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgDb::connect(url).await?))
    } else {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        Ok(Arc::new(SqliteDb::open(std::path::Path::new(path)).await?))
    }
}

pub use switchboard_domain::{now, unix_now};
