//! What restoring a backup would do and did: the preview that classifies
//! each integration of a file against the store, the person's choices and
//! the report. Shared by the store (which computes them), the desktop app's
//! commands and the UI (which shows them), so they live here, free of any
//! database.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a restore would do with one integration of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestoreKind {
    /// Not in the store: its id is absent and no integration of the same
    /// type on the same website has its name (ignoring case).
    New,
    /// In the store with the same id and the same contents.
    Unchanged,
    /// In the store with the same id; `fields` names what differs.
    Changed,
    /// Another integration of the same type on the same website already
    /// has this name (ignoring case): `store_id` is that one.
    Conflict,
}

/// The person's choice for a changed or conflicting integration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestoreChoice {
    /// Leave the store's integration as it is; the file's is not restored.
    #[default]
    KeepMine,
    /// The file's version replaces the store's contents (through the
    /// store's update path: logged, and pushed by the next sync). The
    /// store's id is kept; a null secret in the file keeps the store's.
    TakeFile,
    /// Name conflicts only: the file's integration is added beside the
    /// store's, with a fresh id and " (restored)" after its name.
    KeepBoth,
}

/// One integration of the file in a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreItem {
    /// The key of its choice in [`RestoreChoices::items`]: the file's id,
    /// or `#<index>` when the file gives none.
    pub key: String,
    /// Its position in the file (from 0).
    pub index: usize,
    /// New, unchanged, changed or conflict.
    pub kind: RestoreKind,
    /// Its name in the file.
    pub name: String,
    /// Its type.
    pub integration_type: String,
    /// Its provider.
    pub provider: String,
    /// Its website in this store (a file website matched by name is mapped
    /// to the store's), or None for global.
    pub website_id: Option<String>,
    /// Its id in the file.
    pub file_id: Option<String>,
    /// The store's integration it meets (changed: the same id; conflict:
    /// the one with the same name).
    pub store_id: Option<String>,
    /// That integration's name in the store.
    pub store_name: Option<String>,
    /// The fields that differ from the store's (changed and conflict), by
    /// name only (`name`, `description`, `provider`, `is_active`,
    /// `website`, `integration_type`, `config.<key>`, `secret.<key>`),
    /// never values.
    pub fields: Vec<String>,
}

/// What a restore does with one website of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebsiteKind {
    /// Added.
    New,
    /// The store has this id already (left as it is).
    Existing,
    /// The store has a website of this name (ignoring case) under another
    /// id: the file's integrations on it go to the store's.
    SameName,
}

/// One website of the file in a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebsitePreview {
    /// Its id in the file.
    pub id: String,
    /// Its name in the file.
    pub name: String,
    /// New, existing or same name.
    pub kind: WebsiteKind,
    /// The id it has in the store after the restore.
    pub store_id: String,
}

/// How many integrations of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreCounts {
    /// New ones.
    pub new: usize,
    /// Unchanged ones.
    pub unchanged: usize,
    /// Changed ones.
    pub changed: usize,
    /// Name conflicts.
    pub conflict: usize,
}

/// What a restore of a file would do, for the person to choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestorePreview {
    /// Whether the file holds secret values.
    pub includes_secrets: bool,
    /// When the file was written.
    pub exported_at: String,
    /// Totals by kind.
    pub counts: RestoreCounts,
    /// Every website of the file.
    pub websites: Vec<WebsitePreview>,
    /// Every integration of the file, in file order.
    pub integrations: Vec<RestoreItem>,
    /// What the file says could not be written in full.
    pub warnings: Vec<String>,
}

/// The choices of a restore. An item without its own choice takes the
/// default of its kind; new and unchanged items need none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RestoreChoices {
    /// For changed items (keep_mine or take_file).
    pub on_change: RestoreChoice,
    /// For name conflicts.
    pub on_conflict: RestoreChoice,
    /// Per item, by [`RestoreItem::key`].
    pub items: BTreeMap<String, RestoreChoice>,
}

/// A file integration added beside a conflicting one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptBoth {
    /// Its key in the preview.
    pub key: String,
    /// Its new id.
    pub id: String,
    /// Its new name.
    pub name: String,
}

/// What a restore did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreReport {
    /// New integrations added.
    pub added: usize,
    /// Integrations already the same.
    pub unchanged: usize,
    /// Store ids updated from the file (take_file).
    pub updated: Vec<String>,
    /// Keys of file integrations left out (keep_mine).
    pub kept_mine: Vec<String>,
    /// File integrations added beside a conflicting one (keep_both).
    pub kept_both: Vec<KeptBoth>,
    /// Websites added.
    pub websites_added: usize,
    /// Ids of added integrations whose secrets were not in the file: enter
    /// them again (each has a warning in its log and is pending).
    pub secrets_to_reenter: Vec<String>,
}
