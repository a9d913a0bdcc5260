//! `#[sql_db]`: adds the where clause of the server's `SqlDb` (its
//! connections run queries, and it binds and decodes the few column types
//! the schema uses: BIGINT/INTEGER, BOOLEAN, TEXT, BLOB/BYTEA) to a trait
//! or impl.
//!
//! Rust does not imply a trait's where clauses where the trait is used, so
//! every generic store over a `SqlDb` needs the clause again; this writes it
//! once. The item must have no where clause of its own, and `Self` must be a
//! `SqlDb` (a trait whose supertrait is one, or an impl for a `B: SqlDb`).
//! Put it above `#[async_trait]`, so that one sees the whole clause.

use proc_macro::{Delimiter, TokenStream, TokenTree};

/// The clause, over the aliases of `crate::db::sql` (`Self` is the
/// backend, in an impl too).
const BOUNDS: &str = "where
    for<'c> &'c mut crate::db::sql::Conn<Self>: sqlx::Executor<'c, Database = crate::db::sql::Db<Self>>,
    for<'q> crate::db::sql::Args<'q, Self>: sqlx::IntoArguments<'q, crate::db::sql::Db<Self>>,
    for<'a> &'a str: sqlx::ColumnIndex<crate::db::sql::DbRow<Self>>,
    usize: sqlx::ColumnIndex<crate::db::sql::DbRow<Self>>,
    for<'q> i64: sqlx::Encode<'q, crate::db::sql::Db<Self>> + sqlx::Decode<'q, crate::db::sql::Db<Self>> + sqlx::Type<crate::db::sql::Db<Self>>,
    for<'q> bool: sqlx::Encode<'q, crate::db::sql::Db<Self>> + sqlx::Decode<'q, crate::db::sql::Db<Self>> + sqlx::Type<crate::db::sql::Db<Self>>,
    for<'q> String: sqlx::Encode<'q, crate::db::sql::Db<Self>> + sqlx::Decode<'q, crate::db::sql::Db<Self>> + sqlx::Type<crate::db::sql::Db<Self>>,
    for<'q> &'q str: sqlx::Encode<'q, crate::db::sql::Db<Self>> + sqlx::Type<crate::db::sql::Db<Self>>,
    for<'q> Vec<u8>: sqlx::Encode<'q, crate::db::sql::Db<Self>> + sqlx::Decode<'q, crate::db::sql::Db<Self>> + sqlx::Type<crate::db::sql::Db<Self>>,
    for<'q> &'q [u8]: sqlx::Encode<'q, crate::db::sql::Db<Self>> + sqlx::Type<crate::db::sql::Db<Self>>,
    for<'q> Option<i64>: sqlx::Encode<'q, crate::db::sql::Db<Self>>,
    for<'q> Option<String>: sqlx::Encode<'q, crate::db::sql::Db<Self>>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, crate::db::sql::Db<Self>>,";

/// Inserts the clause of `SqlDb` before the item's body (its last brace
/// group).
#[proc_macro_attribute]
pub fn sql_db(args: TokenStream, item: TokenStream) -> TokenStream {
    if !args.is_empty() {
        return compile_error("#[sql_db] takes no arguments");
    }
    let mut tokens: Vec<TokenTree> = item.into_iter().collect();
    let body = tokens
        .iter()
        .rposition(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace));
    let Some(body) = body else {
        return compile_error("#[sql_db] goes on a trait or an impl with a body");
    };
    let clause: TokenStream = BOUNDS.parse().expect("the clause parses");
    tokens.splice(body..body, clause);
    tokens.into_iter().collect()
}

fn compile_error(message: &str) -> TokenStream {
    format!("compile_error!({message:?});")
        .parse()
        .expect("a compile_error! call parses")
}
