//! Integration rows read as one JSON array each, for the reads of many
//! rows (the list pages): the database writes each row's columns as one
//! text, which is read with one parse, instead of sqlx copying 26 column
//! values out of the row and looking each up by name. Both readers fill
//! the same [`StoredIntegration`], so a row reads the same either way,
//! damaged JSON columns included (the API suite's
//! `list_rows_read_as_the_columns_do` checks it on both databases).

use sqlx::{ColumnIndex, Decode, Row, Type};
use std::sync::LazyLock;

use super::stored::{StoredIntegration, INTEGRATION_COLUMNS};
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

/// The integration of a row that selected [`integration_json_column`].
pub(crate) fn integration<'r, R>(row: &'r R) -> Result<IntegrationRecord>
where
    R: Row,
    &'r str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    let text: String = row.try_get(JSON_COLUMN).map_err(DbError::from)?;
    serde_json::from_str::<StoredIntegration>(&text)
        .map_err(|e| DbError::Corrupt(format!("an integration row: {e}")))?
        .into_record()
}
