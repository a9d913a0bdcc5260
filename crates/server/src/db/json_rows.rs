//! Integration rows read as one JSON array each, for the reads of many
//! rows (the list pages): the database writes each row's columns as one
//! text, which is read with one parse, instead of sqlx copying 26 column
//! values out of the row and looking each up by name. What a row reads as
//! is the same as [`super::rows::integration`]'s, damaged JSON columns
//! included (the API suite's `list_rows_read_as_the_columns_do` checks it).

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};
use sqlx::{ColumnIndex, Decode, Row, Type};
use std::sync::LazyLock;

use super::rows::{self, INTEGRATION_COLUMNS};
use super::{Backend, DbError, Result};
use crate::model::IntegrationRecord;

/// The name of the JSON column ([`integration_json_column`]).
pub(crate) const JSON_COLUMN: &str = "j";

/// [`INTEGRATION_COLUMNS`] as one JSON array named [`JSON_COLUMN`], in
/// that order, on `backend`.
pub(crate) fn integration_json_column(backend: Backend) -> &'static str {
    static SQLITE: LazyLock<String> =
        LazyLock::new(|| format!("json_array({INTEGRATION_COLUMNS}) AS {JSON_COLUMN}"));
    static POSTGRES: LazyLock<String> = LazyLock::new(|| {
        format!("CAST(json_build_array({INTEGRATION_COLUMNS}) AS TEXT) AS {JSON_COLUMN}")
    });
    match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    }
}

/// A boolean column: `true`/`false` from PostgreSQL, 0/1 from SQLite.
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl Visitor<'_> for Visit {
            type Value = Flag;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("true, false, 0 or 1")
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<Flag, E> {
                Ok(Flag(b))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<Flag, E> {
                Ok(Flag(n != 0))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<Flag, E> {
                Ok(Flag(n != 0))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// One row's array, in [`INTEGRATION_COLUMNS`]'s order.
#[derive(Deserialize)]
struct Wire(
    i64,            // id
    String,         // uid
    i64,            // owner_id
    Option<i64>,    // website_id
    String,         // integration_type
    String,         // provider
    String,         // name
    String,         // description
    String,         // status
    Flag,           // is_active
    String,         // config
    String,         // secrets
    Flag,           // configured
    Option<String>, // last_sync_at
    Option<String>, // last_error
    i64,            // error_count
    i64,            // revision
    Option<i64>,    // created_by
    String,         // created_at
    String,         // updated_at
    String,         // field_revs
    i64,            // seq
    String,         // secret_dates
    Option<String>, // expires_at
    Option<String>, // expires_source
    Option<String>, // trashed_at
);

/// The integration of a row that selected [`integration_json_column`].
pub(crate) fn integration<'r, R>(row: &'r R) -> Result<IntegrationRecord>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    let text: String = row.try_get(JSON_COLUMN).map_err(DbError::from)?;
    let w: Wire = serde_json::from_str(&text)
        .map_err(|e| DbError::Corrupt(format!("an integration row: {e}")))?;
    Ok(IntegrationRecord {
        id: w.0,
        uid: w.1,
        owner_id: w.2,
        website_id: w.3,
        integration_type: w.4,
        provider: w.5,
        name: w.6,
        description: w.7,
        status: w.8.parse().map_err(DbError::Corrupt)?,
        is_active: w.9 .0,
        config: rows::json_object(&w.10),
        secrets: crate::secrets::SealedSecrets::from_column(&w.11),
        configured: w.12 .0,
        last_sync_at: w.13,
        last_error: w.14,
        error_count: w.15,
        revision: w.16,
        created_by: w.17,
        created_at: w.18,
        updated_at: w.19,
        field_revs: rows::field_revs(&w.20),
        seq: w.21,
        secret_dates: serde_json::from_str(&w.22).unwrap_or_default(),
        expires_at: w.23,
        expires_source: w.24,
        trashed_at: w.25,
    })
}
