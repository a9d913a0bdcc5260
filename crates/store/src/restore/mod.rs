//! Restoring a backup (or an export) into a store that may already hold
//! some of it: a preview that classifies every integration of the file
//! against the store, then a restore that applies the person's choice for
//! each changed or conflicting one, all in one transaction.
//!
//! Split: `plan` (reading the store and classifying the file) and `apply`
//! (the writes). The types are `switchboard_domain::restore`'s, shared with
//! the desktop app and its UI.

mod apply;
mod plan;

use crate::transfer::ExportFile;
use crate::{Result, Store, StoreError};

pub use switchboard_domain::restore::{
    KeptBoth, RestoreChoice, RestoreChoices, RestoreCounts, RestoreItem, RestoreKind,
    RestorePreview, RestoreReport, WebsiteKind, WebsitePreview,
};

impl Store {
    /// Classifies every integration and website of `file` against the
    /// store, without writing anything.
    pub async fn restore_preview(&self, file: &ExportFile) -> Result<RestorePreview> {
        let sealer = self.sealer()?;
        let mut conn = self.pool().acquire().await?;
        let plan = plan::plan(&mut conn, sealer.as_ref(), file).await?;
        Ok(plan.preview(file))
    }

    /// Restores `file` with these choices, all in one transaction: every
    /// part of it is applied, or (on any refusal) nothing is.
    pub async fn restore(
        &self,
        file: &ExportFile,
        choices: &RestoreChoices,
    ) -> Result<RestoreReport> {
        let sealer = self.sealer()?;
        check_choices(file, choices)?;
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let plan = plan::plan(&mut tx, sealer.as_ref(), file).await?;
        let report = self
            .apply(&mut tx, sealer.as_ref(), file, plan, choices)
            .await?;
        tx.commit().await?;
        tracing::info!(
            added = report.added,
            updated = report.updated.len(),
            "backup restored"
        );
        Ok(report)
    }
}

/// The key of the file's `index`th integration in choices and previews.
pub(crate) fn item_key(id: Option<&str>, index: usize) -> String {
    match id {
        Some(id) => id.to_owned(),
        None => format!("#{index}"),
    }
}

/// Refuses choices that name no integration of the file, and keep_both
/// for changed items (before anything is read or written).
fn check_choices(file: &ExportFile, choices: &RestoreChoices) -> Result<()> {
    if choices.on_change == RestoreChoice::KeepBoth {
        return Err(StoreError::invalid(
            "on_change",
            "keep both applies to name conflicts only: choose keep mine or take the file's",
        ));
    }
    let keys: std::collections::HashSet<String> = file
        .integrations
        .iter()
        .enumerate()
        .map(|(i, item)| item_key(item.id.as_deref(), i))
        .collect();
    for key in choices.items.keys() {
        if !keys.contains(key) {
            return Err(StoreError::invalid(
                key,
                format!("no integration of the file has the key '{key}': preview the file again"),
            ));
        }
    }
    Ok(())
}
