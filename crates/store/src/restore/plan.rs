//! Reading the store and classifying each part of a file against it.

use super::{
    item_key, RestoreCounts, RestoreItem, RestoreKind, RestorePreview, WebsiteKind, WebsitePreview,
};
use crate::integrations::resolve;
use crate::secrets;
use crate::sync::{local_from_row, Local, LOCAL_COLUMNS};
use crate::transfer::{ExportFile, ExportedIntegration};
use crate::Result;
use sqlx::{Row, SqliteConnection};
use std::collections::{HashMap, HashSet};
use switchboard_domain::field;
use switchboard_vault::Sealer;

/// One integration of the store, as far as a restore compares it: its id
/// and the values sync reads.
pub(super) struct StoreRow {
    pub(super) id: String,
    values: Local,
}

impl std::ops::Deref for StoreRow {
    type Target = Local;

    fn deref(&self) -> &Local {
        &self.values
    }
}

/// Where names are unique for conflicts: (type, website, lowercased name).
pub(super) type NameKey = (String, Option<String>, String);

pub(super) fn name_key(ty: &str, website: Option<&str>, name: &str) -> NameKey {
    (
        ty.to_owned(),
        website.map(str::to_owned),
        name.trim().to_lowercase(),
    )
}

/// What a restore will do, worked out before any write.
pub(super) struct Plan {
    pub(super) websites: Vec<WebsitePreview>,
    /// A file website id -> its id in the store.
    remap: HashMap<String, String>,
    /// One per file integration, in file order.
    pub(super) items: Vec<RestoreItem>,
    /// The store's integrations, by id.
    pub(super) rows: HashMap<String, StoreRow>,
    /// Every name taken in the store.
    pub(super) taken: HashSet<NameKey>,
}

impl Plan {
    /// The store's website for a file integration's.
    pub(super) fn website_of(&self, item: &ExportedIntegration) -> Option<String> {
        let w = item.website_id.as_deref().filter(|w| !w.is_empty())?;
        Some(self.remap.get(w).cloned().unwrap_or_else(|| w.to_owned()))
    }

    pub(super) fn preview(self, file: &ExportFile) -> RestorePreview {
        let mut counts = RestoreCounts::default();
        for item in &self.items {
            match item.kind {
                RestoreKind::New => counts.new += 1,
                RestoreKind::Unchanged => counts.unchanged += 1,
                RestoreKind::Changed => counts.changed += 1,
                RestoreKind::Conflict => counts.conflict += 1,
            }
        }
        RestorePreview {
            includes_secrets: file.includes_secrets,
            exported_at: file.exported_at.clone(),
            counts,
            websites: self.websites,
            integrations: self.items,
            warnings: file.warnings.clone(),
        }
    }
}

/// Classifies `file` against the store, read through `conn`.
pub(super) async fn plan(
    conn: &mut SqliteConnection,
    sealer: &dyn Sealer,
    file: &ExportFile,
) -> Result<Plan> {
    let (websites, remap) = plan_websites(conn, file).await?;
    let rows = store_rows(conn).await?;
    let mut by_name: HashMap<NameKey, &StoreRow> = HashMap::new();
    for row in rows.values() {
        let key = name_key(&row.integration_type, row.website_id.as_deref(), &row.name);
        by_name.entry(key).or_insert(row);
    }
    let mut plan = Plan {
        websites,
        remap,
        items: Vec::with_capacity(file.integrations.len()),
        rows: HashMap::new(),
        taken: by_name.keys().cloned().collect(),
    };
    for (index, item) in file.integrations.iter().enumerate() {
        let website = plan.website_of(item);
        let (ty, provider) = match resolve(&item.integration_type, item.provider.as_deref()) {
            Ok((ty, p)) => (ty.id.to_owned(), p.id.to_owned()),
            // Refused with the catalog's message when restored.
            Err(_) => (
                item.integration_type.clone(),
                item.provider.clone().unwrap_or_default(),
            ),
        };
        let same_id = item.id.as_deref().and_then(|id| rows.get(id));
        let same_name = || by_name.get(&name_key(&ty, website.as_deref(), &item.name));
        let (kind, row) = match same_id {
            Some(row) => (RestoreKind::Changed, Some(row)),
            None => match same_name() {
                Some(row) => (RestoreKind::Conflict, Some(*row)),
                None => (RestoreKind::New, None),
            },
        };
        let fields = row
            .map(|r| {
                differences(
                    sealer,
                    item,
                    (ty.as_str(), provider.as_str()),
                    website.as_deref(),
                    r,
                )
            })
            .unwrap_or_default();
        let kind = match kind {
            RestoreKind::Changed if fields.is_empty() => RestoreKind::Unchanged,
            kind => kind,
        };
        plan.items.push(RestoreItem {
            key: item_key(item.id.as_deref(), index),
            index,
            kind,
            name: item.name.clone(),
            integration_type: ty,
            provider,
            website_id: website,
            file_id: item.id.clone(),
            store_id: row.map(|r| r.id.clone()),
            store_name: row.map(|r| r.name.clone()),
            fields,
        });
    }
    let matched: HashSet<String> = plan
        .items
        .iter()
        .filter_map(|i| i.store_id.clone())
        .collect();
    plan.rows = rows
        .into_iter()
        .filter(|(id, _)| matched.contains(id))
        .collect();
    Ok(plan)
}

/// Each file website: the same id in the store, the same name (ignoring
/// case) under another id, or new; and where each file id goes.
async fn plan_websites(
    conn: &mut SqliteConnection,
    file: &ExportFile,
) -> Result<(Vec<WebsitePreview>, HashMap<String, String>)> {
    let rows = sqlx::query("SELECT id, name FROM websites")
        .fetch_all(&mut *conn)
        .await?;
    let ids: HashSet<String> = rows.iter().map(|r| r.get("id")).collect();
    let names: HashMap<String, String> = rows
        .iter()
        .map(|r| (r.get::<String, _>("name").to_lowercase(), r.get("id")))
        .collect();
    let mut out = Vec::with_capacity(file.websites.len());
    let mut remap = HashMap::new();
    for w in &file.websites {
        let (kind, store_id) = if ids.contains(&w.id) {
            (WebsiteKind::Existing, w.id.clone())
        } else if let Some(id) = names.get(&w.name.trim().to_lowercase()) {
            (WebsiteKind::SameName, id.clone())
        } else {
            (WebsiteKind::New, w.id.clone())
        };
        remap.insert(w.id.clone(), store_id.clone());
        out.push(WebsitePreview {
            id: w.id.clone(),
            name: w.name.clone(),
            kind,
            store_id,
        });
    }
    Ok((out, remap))
}

async fn store_rows(conn: &mut SqliteConnection) -> Result<HashMap<String, StoreRow>> {
    let rows = sqlx::query(&format!("SELECT id, {LOCAL_COLUMNS} FROM integrations"))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let id: String = r.get("id");
            let values = local_from_row(r)?;
            Ok((id.clone(), StoreRow { id, values }))
        })
        .collect()
}

/// The names of the fields where the file's integration differs from the
/// store's `row`. A null secret in the file (its value left out) matches
/// whatever the store holds; a secret the file does not list differs when
/// the store has one.
pub(super) fn differences(
    sealer: &dyn Sealer,
    item: &ExportedIntegration,
    (ty, provider): (&str, &str),
    website: Option<&str>,
    row: &StoreRow,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut scalar = |name: &str, differs: bool| {
        if differs {
            out.push(name.to_owned());
        }
    };
    scalar("integration_type", ty != row.integration_type);
    scalar(field::PROVIDER, provider != row.provider);
    scalar(field::NAME, item.name.trim() != row.name);
    scalar(
        field::DESCRIPTION,
        item.description.trim() != row.description,
    );
    scalar(
        field::IS_ACTIVE,
        item.is_active.is_some_and(|a| a != row.is_active),
    );
    scalar(field::WEBSITE, website != row.website_id.as_deref());
    // A backup holds no Trash: an integration in the Trash here differs.
    scalar(field::TRASHED_AT, row.trashed_at.is_some());
    for key in field::changed_keys(&item.config, &row.config) {
        out.push(field::config(key));
    }
    let stored = row.sealed.keys().chain(row.remote.keys());
    let keys: std::collections::BTreeSet<&String> = item.secrets.keys().chain(stored).collect();
    for key in keys {
        let differs = match item.secrets.get(key) {
            None => true,
            Some(None) => false,
            Some(Some(value)) => !row.sealed.get(key).is_some_and(|sealed| {
                matches!(secrets::open(sealer, &row.id, key, sealed),
                    Ok(s) if s.expose() == value.0.expose())
            }),
        };
        if differs {
            out.push(field::secret(key));
        }
    }
    out
}
