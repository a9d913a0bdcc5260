//! Turning rows into records, written once for both backends: the decoders
//! are generic over any sqlx row whose database decodes the few column
//! types the schema uses (BIGINT/INTEGER, BOOLEAN, TEXT).

use serde_json::Value;
use sqlx::{ColumnIndex, Decode, Row, Type};
use switchboard_domain::field::{self, FieldDiff};

use super::{DbError, Result};
use crate::model::{
    AuditEntry, AuditRecord, AuthUser, IntegrationRecord, LogRecord, Role, ServiceToken, TokenKind,
    TokenRecord, UserRecord,
};

pub(crate) use super::stored::INTEGRATION_COLUMNS;

/// One column of a row, decoded as `T`.
pub(crate) trait Get<'r, T> {
    fn get(&'r self, column: &'r str) -> Result<T>;
}

impl<'r, R, T> Get<'r, T> for R
where
    R: Row,
    &'r str: ColumnIndex<R>,
    T: Decode<'r, R::Database> + Type<R::Database>,
{
    fn get(&'r self, column: &'r str) -> Result<T> {
        self.try_get(column).map_err(DbError::from)
    }
}

/// A row whose database decodes the column types the schema uses.
pub(crate) trait Decodes<'r>:
    Get<'r, i64> + Get<'r, Option<i64>> + Get<'r, bool> + Get<'r, String> + Get<'r, Option<String>>
{
    /// A TEXT column.
    fn text(&'r self, column: &'r str) -> Result<String> {
        Get::<String>::get(self, column)
    }
}

impl<'r, R> Decodes<'r> for R where
    R: Get<'r, i64>
        + Get<'r, Option<i64>>
        + Get<'r, bool>
        + Get<'r, String>
        + Get<'r, Option<String>>
{
}

pub(crate) fn get<'r, R: Get<'r, T>, T>(row: &'r R, column: &'r str) -> Result<T> {
    row.get(column)
}

pub(crate) fn parse<T: std::str::FromStr<Err = String>>(text: &str) -> Result<T> {
    text.parse().map_err(DbError::Corrupt)
}

/// An integration row (selected with [`INTEGRATION_COLUMNS`]), column by
/// column; what it reads as is [`super::stored::StoredIntegration`]'s.
pub(crate) fn integration<'r, R>(row: &'r R) -> Result<IntegrationRecord>
where
    R: Decodes<'r>,
{
    super::stored::StoredIntegration::read(row)?.into_record()
}

/// An integration row of a join that may have found none (its `id` NULL).
pub(crate) fn maybe_integration<'r, R>(row: &'r R) -> Result<Option<IntegrationRecord>>
where
    R: Decodes<'r>,
{
    match get::<R, Option<i64>>(row, "id")? {
        Some(_) => integration(row).map(Some),
        None => Ok(None),
    }
}

/// A token and its user, and the user's websites as `1,5,9` (none asked
/// for an admin, who sees every website): what [`token`] reads. Every
/// column is named apart from the integration columns a read may join.
const TOKEN_COLUMNS: &str = "t.kind AS t_kind, t.expires_at AS t_expires_at, \
     t.name AS t_name, t.last_used_at AS t_last_used_at, \
     u.id AS u_id, u.email AS u_email, u.role AS u_role, \
     CASE WHEN u.role = 'admin' THEN NULL ELSE (SELECT string_agg(CAST(m.website_id AS TEXT), ',') \
      FROM website_members m WHERE m.user_id = u.id) END AS u_websites";

/// The tokens a sign-in check may accept rows of: of users not disabled.
const TOKEN_FROM: &str = "FROM api_tokens t JOIN users u ON u.id = t.user_id";
const TOKEN_WHERE: &str = "WHERE t.token_hash = $1 AND u.disabled_at IS NULL";

/// A token by its hash (`$1`), with its user and their websites.
pub(crate) static TOKEN_BY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("SELECT {TOKEN_COLUMNS} {TOKEN_FROM} {TOKEN_WHERE}"));

/// [`TOKEN_BY_HASH`] and the integration with id `$2` in the same row
/// (its columns NULL when there is none; no row when the token is unknown).
pub(crate) static TOKEN_WITH_INTEGRATION: std::sync::LazyLock<String> = std::sync::LazyLock::new(
    || {
        let columns: Vec<String> = INTEGRATION_COLUMNS
            .split(',')
            .map(|c| format!("i.{}", c.trim()))
            .collect();
        format!(
            "SELECT {TOKEN_COLUMNS}, {} {TOKEN_FROM} LEFT JOIN integrations i ON i.id = $2 {TOKEN_WHERE}",
            columns.join(", ")
        )
    },
);

/// A token row (selected with [`TOKEN_BY_HASH`]).
pub(crate) fn token<'r, R>(row: &'r R) -> Result<TokenRecord>
where
    R: Decodes<'r>,
{
    let kind = row.text("t_kind")?;
    let role = parse::<Role>(&row.text("u_role")?)?;
    let websites: Option<String> = get(row, "u_websites")?;
    let mut website_ids = websites
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.parse::<i64>()
                .map_err(|_| DbError::Corrupt(format!("website id {w}")))
        })
        .collect::<Result<Vec<i64>>>()?;
    website_ids.sort_unstable();
    Ok(TokenRecord {
        kind: TokenKind::parse(&kind)
            .ok_or_else(|| DbError::Corrupt(format!("token kind {kind}")))?,
        expires_at: get(row, "t_expires_at")?,
        name: row.text("t_name")?,
        last_used_at: get(row, "t_last_used_at")?,
        user: AuthUser {
            id: get(row, "u_id")?,
            email: row.text("u_email")?,
            role,
            website_ids,
        },
    })
}

/// A user row (id, email, password_hash, role, created_at).
pub(crate) fn user<'r, R>(row: &'r R) -> Result<UserRecord>
where
    R: Decodes<'r>,
{
    Ok(UserRecord {
        id: get(row, "id")?,
        email: get(row, "email")?,
        password_hash: get(row, "password_hash")?,
        role: parse::<Role>(&row.text("role")?)?,
        created_at: get(row, "created_at")?,
        disabled_at: get(row, "disabled_at")?,
    })
}

/// A log row (id, level, message, details, created_at).
pub(crate) fn log<'r, R>(row: &'r R) -> Result<LogRecord>
where
    R: Decodes<'r>,
{
    Ok(LogRecord {
        id: get(row, "id")?,
        level: parse(&row.text("level")?)?,
        message: get(row, "message")?,
        details: serde_json::from_str(&row.text("details")?).unwrap_or(Value::Null),
        created_at: get(row, "created_at")?,
    })
}

/// An audit row.
pub(crate) fn audit<'r, R>(row: &'r R) -> Result<AuditRecord>
where
    R: Decodes<'r>,
{
    Ok(AuditRecord {
        id: get(row, "id")?,
        at: get(row, "at")?,
        entry: AuditEntry {
            actor_id: get(row, "actor_id")?,
            actor_email: get(row, "actor_email")?,
            action: get(row, "action")?,
            integration_id: get(row, "integration_id")?,
            website_id: get(row, "website_id")?,
            fields: serde_json::from_str(&row.text("fields")?).unwrap_or_default(),
            via: get(row, "via")?,
        },
    })
}

/// The columns every service token query selects.
pub(crate) const SERVICE_TOKEN_COLUMNS: &str =
    "id, name, website_id, types, expires_at, created_by, created_at, last_used_at";

/// A service token row ([`SERVICE_TOKEN_COLUMNS`]).
pub(crate) fn service_token<'r, R>(row: &'r R) -> Result<ServiceToken>
where
    R: Decodes<'r>,
{
    Ok(ServiceToken {
        id: get(row, "id")?,
        name: get(row, "name")?,
        website_id: get(row, "website_id")?,
        types: serde_json::from_str(&row.text("types")?)
            .map_err(|e| DbError::Corrupt(format!("service token types: {e}")))?,
        expires_at: get(row, "expires_at")?,
        created_by: get(row, "created_by")?,
        created_at: get(row, "created_at")?,
        last_used_at: get(row, "last_used_at")?,
    })
}

/// Appends ` WHERE <column> IN (ids...)` to a query.
pub(crate) fn push_in<'a, DB: sqlx::Database>(
    qb: &mut sqlx::QueryBuilder<'a, DB>,
    column: &str,
    ids: &[i64],
) where
    i64: sqlx::Encode<'a, DB> + Type<DB>,
{
    qb.push(format_args!(" WHERE {column} IN ("));
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    list.push_unseparated(")");
}

/// Appends the WHERE clause of an integrations list: the user's scope
/// (their own and their websites') and the filters.
pub(crate) fn push_filter<'a, DB: sqlx::Database>(
    qb: &mut sqlx::QueryBuilder<'a, DB>,
    filter: &crate::model::ListFilter,
) where
    i64: sqlx::Encode<'a, DB> + Type<DB>,
    bool: sqlx::Encode<'a, DB> + Type<DB>,
    String: sqlx::Encode<'a, DB> + Type<DB>,
{
    qb.push(" WHERE 1 = 1");
    if let Some((user, _)) = &filter.scope {
        qb.push(" AND (owner_id = ")
            .push_bind(*user)
            .push(" OR website_id IN (SELECT website_id FROM website_members WHERE user_id = ")
            .push_bind(*user)
            .push("))");
    }
    if let Some(t) = &filter.integration_type {
        qb.push(" AND integration_type = ").push_bind(t.clone());
    }
    if let Some(p) = &filter.provider {
        qb.push(" AND provider = ").push_bind(p.clone());
    }
    if let Some(w) = filter.website_id {
        qb.push(" AND website_id = ").push_bind(w);
    }
    if let Some(a) = filter.is_active {
        qb.push(" AND is_active = ").push_bind(a);
    }
    if !filter.include_trashed {
        qb.push(" AND trashed_at IS NULL");
    }
}

/// The sync fields (docs/sync.md) that differ between two versions of a
/// record: `name`, `description`, `provider`, `is_active`, `website`, `trashed_at`,
/// `config.<key>` and `secret.<key>` (a secret counts as changed when its
/// sealed value differs, i.e. when it was set again or removed).
/// The secret dates of `r` as written over `old` (None: a new record) at
/// `now`: a secret whose sealed value is unchanged keeps its date; a new or
/// changed one takes the date the writer gave (a push carries the laptop's;
/// a date it did not change counts as not given) or `now`; a removed one
/// has none.
pub(crate) fn secret_dates(
    old: Option<&IntegrationRecord>,
    r: &IntegrationRecord,
    now: &str,
) -> std::collections::BTreeMap<String, String> {
    use switchboard_domain::expiry::normalize_timestamp;
    let mut out = std::collections::BTreeMap::new();
    for (key, sealed) in r.secrets.iter() {
        let before = old.and_then(|o| o.secrets.iter().find(|(k, _)| *k == key).map(|(_, v)| v));
        let kept = old.and_then(|o| o.secret_dates.get(key));
        let given = r
            .secret_dates
            .get(key)
            .filter(|d| Some(*d) != kept)
            .and_then(|d| normalize_timestamp(d));
        let date = match (given, kept) {
            (Some(given), _) => given,
            (None, Some(kept)) if before == Some(sealed) => kept.clone(),
            _ => now.to_owned(),
        };
        out.insert(key.clone(), date);
    }
    out
}

/// The stated expiry of `r` as written over `old`: the one the writer set,
/// or none when a secret changed (a new value's expiry is not known until
/// its next check), or the old one.
pub(crate) fn expiry_after(
    old: &IntegrationRecord,
    r: &IntegrationRecord,
) -> (Option<String>, Option<String>) {
    if r.expires_at != old.expires_at || r.expires_source != old.expires_source {
        (r.expires_at.clone(), r.expires_source.clone())
    } else if r.secrets != old.secrets {
        (None, None)
    } else {
        (old.expires_at.clone(), old.expires_source.clone())
    }
}

pub(crate) fn sync_changes(old: &IntegrationRecord, new: &IntegrationRecord) -> FieldDiff {
    let mut diff = FieldDiff::new();
    diff.scalar(field::NAME, old.name != new.name);
    diff.scalar(field::DESCRIPTION, old.description != new.description);
    diff.scalar(field::PROVIDER, old.provider != new.provider);
    diff.scalar(field::IS_ACTIVE, old.is_active != new.is_active);
    diff.scalar(field::WEBSITE, old.website_id != new.website_id);
    diff.scalar(field::TRASHED_AT, old.trashed_at != new.trashed_at);
    diff.config(&old.config, &new.config);
    diff.secrets(old.secrets.iter(), new.secrets.iter());
    diff
}
