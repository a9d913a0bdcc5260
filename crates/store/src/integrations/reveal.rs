//! A secret's plaintext, on the user's explicit request.

use super::logs::{insert_log, Reach};
use super::not_found;
use crate::model::LogLevel;
use crate::secrets;
use crate::sync as sync_state;
use crate::{Result, Store, StoreError};
use serde_json::json;
use sqlx::Row;
use switchboard_vault::column;
use switchboard_vault::Secret;

impl Store {
    /// The plaintext of one secret field, on the user's explicit request.
    /// The reveal is recorded in the integration's log (the field, never the value).
    pub async fn reveal(&self, id: &str, field: &str) -> Result<Secret> {
        let sealer = self.sealer()?;
        let row =
            sqlx::query("SELECT name, secrets, remote_secrets FROM integrations WHERE id = ?")
                .bind(id)
                .fetch_optional(self.pool())
                .await?
                .ok_or_else(|| not_found(id))?;
        let name: String = row.get("name");
        let sealed = column::parse(row.get("secrets"));
        let value = sealed.get(field).ok_or_else(|| {
            if sync_state::parse_remote(row.get("remote_secrets")).contains_key(field) {
                StoreError::invalid(
                    field,
                    format!("'{field}' of '{name}' is set on the sync server only: this computer does not hold its value. Enter it here to replace it"),
                )
            } else {
                StoreError::invalid(
                    field,
                    format!("no value is stored for '{field}' in '{name}'"),
                )
            }
        })?;
        let secret = secrets::open(sealer.as_ref(), id, field, value).map_err(|_| {
            StoreError::Undecryptable {
                name,
                field: field.to_owned(),
            }
        })?;
        let mut conn = self.pool().acquire().await?;
        insert_log(
            Reach::Pushed,
            &mut conn,
            id,
            LogLevel::Info,
            &format!("Secret '{field}' revealed"),
            json!({ "field": field }),
        )
        .await?;
        Ok(secret)
    }
}
