//! An integration's stored columns, named once: the struct both readers
//! fill (column by column, [`super::rows::integration`], or from one JSON
//! array per row, [`super::json_rows::integration`]), the list of columns
//! every integration query selects, in the struct's order, and the one
//! conversion to an [`IntegrationRecord`], where the rules for unusual
//! stored values live.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::rows::{get, parse, Decodes};
use super::Result;
use crate::model::IntegrationRecord;
use crate::secrets::SealedSecrets;

/// Declares [`StoredIntegration`], its column reader and
/// [`INTEGRATION_COLUMNS`] from one list of the columns in their order.
macro_rules! stored_integration {
    (
        $(#[$first_attr:meta])* $first:ident: $first_ty:ty,
        $($(#[$attr:meta])* $column:ident: $ty:ty,)*
    ) => {
        /// One integration row as stored, each column as its database
        /// reads it, in [`INTEGRATION_COLUMNS`]'s order (a JSON array of
        /// the columns reads into it in that order).
        #[derive(Deserialize)]
        pub(crate) struct StoredIntegration {
            $(#[$first_attr])* $first: $first_ty,
            $($(#[$attr])* $column: $ty,)*
        }

        impl StoredIntegration {
            /// The row's columns, each by its name.
            pub(crate) fn read<'r, R: Decodes<'r>>(row: &'r R) -> Result<StoredIntegration> {
                Ok(StoredIntegration {
                    $first: get(row, stringify!($first))?,
                    $($column: get(row, stringify!($column))?,)*
                })
            }
        }

        /// The columns every integration query selects, in
        /// [`StoredIntegration`]'s order: "id, uid, owner_id, ...".
        pub(crate) const INTEGRATION_COLUMNS: &str =
            concat!(stringify!($first) $(, ", ", stringify!($column))*);
    };
}

stored_integration! {
    id: i64,
    uid: String,
    owner_id: i64,
    website_id: Option<i64>,
    integration_type: String,
    provider: String,
    name: String,
    description: String,
    status: String,
    #[serde(deserialize_with = "flag")]
    is_active: bool,
    config: String,
    secrets: String,
    #[serde(deserialize_with = "flag")]
    configured: bool,
    last_sync_at: Option<String>,
    last_error: Option<String>,
    error_count: i64,
    revision: i64,
    created_by: Option<i64>,
    created_at: String,
    updated_at: String,
    field_revs: String,
    seq: i64,
    secret_dates: String,
    expires_at: Option<String>,
    expires_source: Option<String>,
    trashed_at: Option<String>,
}

impl StoredIntegration {
    /// The record. A status that is not one reads as damage (an error); the
    /// JSON columns read leniently, each alone: settings, field revisions
    /// and secret dates that do not parse read as empty, and the sealed
    /// secrets column as [`SealedSecrets::from_column`] reads it.
    pub(crate) fn into_record(self) -> Result<IntegrationRecord> {
        Ok(IntegrationRecord {
            status: parse(&self.status)?,
            config: serde_json::from_str(&self.config).unwrap_or_default(),
            secrets: SealedSecrets::from_column(&self.secrets),
            field_revs: serde_json::from_str(&self.field_revs).unwrap_or_default(),
            secret_dates: serde_json::from_str(&self.secret_dates).unwrap_or_default(),
            id: self.id,
            uid: self.uid,
            owner_id: self.owner_id,
            website_id: self.website_id,
            integration_type: self.integration_type,
            provider: self.provider,
            name: self.name,
            description: self.description,
            is_active: self.is_active,
            configured: self.configured,
            last_sync_at: self.last_sync_at,
            last_error: self.last_error,
            error_count: self.error_count,
            revision: self.revision,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            seq: self.seq,
            expires_at: self.expires_at,
            expires_source: self.expires_source,
            trashed_at: self.trashed_at,
        })
    }
}

/// A boolean column inside a JSON array: `true`/`false` from PostgreSQL,
/// 0/1 from SQLite.
fn flag<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    struct Flag;
    impl Visitor<'_> for Flag {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("true, false, 0 or 1")
        }
        fn visit_bool<E: de::Error>(self, b: bool) -> std::result::Result<bool, E> {
            Ok(b)
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<bool, E> {
            Ok(n != 0)
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<bool, E> {
            Ok(n != 0)
        }
    }
    d.deserialize_any(Flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selected_columns_are_the_structs_in_order() {
        assert!(INTEGRATION_COLUMNS.starts_with("id, uid, owner_id, website_id, "));
        assert!(INTEGRATION_COLUMNS.ends_with(", expires_source, trashed_at"));
        assert_eq!(INTEGRATION_COLUMNS.split(", ").count(), 26);
    }

    #[test]
    fn a_json_array_reads_in_column_order_with_either_kind_of_flag() {
        let row = |active: &str, configured: &str| {
            format!(
                r#"[7,"u",1,null,"email","sendgrid","n","d","active",{active},"{{\"a\":1}}","{{}}",{configured},
                  null,null,0,3,null,"c","u2","not json",9,"[]",null,null,null]"#
            )
        };
        for (active, configured, want) in
            [("1", "0", (true, false)), ("false", "true", (false, true))]
        {
            let stored: StoredIntegration = serde_json::from_str(&row(active, configured)).unwrap();
            let rec = stored.into_record().unwrap();
            assert_eq!((rec.is_active, rec.configured), want);
            assert_eq!((rec.id, rec.revision, rec.seq), (7, 3, 9));
            assert_eq!(rec.config["a"], 1);
            assert!(
                rec.field_revs.is_empty(),
                "damaged field revisions read as empty"
            );
        }
        let bad: std::result::Result<StoredIntegration, _> =
            serde_json::from_str(&row("\"yes\"", "0"));
        assert!(bad.is_err(), "a flag that is not one is refused");
    }
}
