//! Websites: the second document's per-website scope. An integration is
//! either global or belongs to exactly one website.

use crate::model::Website;
use crate::{now, Result, Store, StoreError};
use sqlx::Row;

fn check_website_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::invalid("name", "Website name is required"));
    }
    Ok(name.to_owned())
}

fn check_domain(domain: &str) -> Result<String> {
    let d = domain.trim().trim_end_matches('/').to_ascii_lowercase();
    let d = d
        .strip_prefix("https://")
        .or_else(|| d.strip_prefix("http://"))
        .unwrap_or(&d)
        .to_owned();
    if !d.is_empty()
        && !d
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':')
    {
        return Err(StoreError::invalid(
            "domain",
            "Enter a domain such as shop.example.com (letters, digits, dots and hyphens)",
        ));
    }
    Ok(d)
}

/// A database error, with a unique-name clash said in words.
fn name_taken(e: sqlx::Error, name: &str) -> StoreError {
    match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!(
            "a website named '{name}' already exists: choose another name"
        )),
        other => other,
    }
}

impl Store {
    /// Creates a website. Names are unique, ignoring case.
    pub async fn create_website(&self, name: &str, domain: &str) -> Result<Website> {
        self.sealer()?;
        let name = check_website_name(name)?;
        let domain = check_domain(domain)?;
        let id = uuid::Uuid::new_v4().to_string();
        let ts = now();
        sqlx::query("INSERT INTO websites (id, name, domain, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")
            .bind(&id)
            .bind(&name)
            .bind(&domain)
            .bind(&ts)
            .bind(&ts)
            .execute(self.pool())
            .await
            .map_err(|e| name_taken(e, &name))?;
        Ok(Website {
            id,
            name,
            domain,
            created_at: ts.clone(),
            updated_at: ts,
        })
    }

    /// Every website, by name.
    pub async fn websites(&self) -> Result<Vec<Website>> {
        self.sealer()?;
        let query = sqlx::query(
            "SELECT id, name, domain, created_at, updated_at FROM websites ORDER BY name COLLATE NOCASE",
        );
        self.fetch_each(query, |r| Website {
            id: r.get("id"),
            name: r.get("name"),
            domain: r.get("domain"),
            created_at: r.get("created_at"),
            updated_at: r.get("updated_at"),
        })
        .await
    }

    /// Renames a website or changes its domain (same rules as
    /// [`Store::create_website`]; names are unique, ignoring case). Synced:
    /// the change is pushed with the next sync (last writer wins).
    pub async fn update_website(&self, id: &str, name: &str, domain: &str) -> Result<Website> {
        self.sealer()?;
        let name = check_website_name(name)?;
        let domain = check_domain(domain)?;
        let ts = now();
        let row = sqlx::query(
            "UPDATE websites SET name = ?, domain = ?, updated_at = ?, dirty = 1 WHERE id = ? RETURNING created_at",
        )
        .bind(&name)
        .bind(&domain)
        .bind(&ts)
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(|e| name_taken(e, &name))?
        .ok_or_else(|| StoreError::NotFound {
            kind: "website",
            id: id.to_owned(),
        })?;
        Ok(Website {
            id: id.to_owned(),
            name,
            domain,
            created_at: row.get("created_at"),
            updated_at: ts,
        })
    }

    /// Deletes a website that has no integrations left. Synced: the
    /// deletion is pushed with the next sync (the server refuses it while
    /// it has integrations on the website; the website then comes back).
    pub async fn delete_website(&self, id: &str) -> Result<()> {
        self.sealer()?;
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let used = integrations_on(&mut tx, id).await?;
        if used > 0 {
            return Err(StoreError::Conflict(format!(
                "this website still has {used} integration(s): move or delete them first"
            )));
        }
        let done = sqlx::query("DELETE FROM websites WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                kind: "website",
                id: id.to_owned(),
            });
        }
        sqlx::query(
            "INSERT INTO sync_website_tombstones (uid, deleted_at) VALUES (?, ?)
             ON CONFLICT (uid) DO UPDATE SET deleted_at = excluded.deleted_at",
        )
        .bind(id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// How many integrations are on this website.
pub(crate) async fn integrations_on(
    conn: &mut sqlx::SqliteConnection,
    website_id: &str,
) -> Result<i64> {
    let used: i64 = sqlx::query("SELECT COUNT(*) FROM integrations WHERE website_id = ?")
        .bind(website_id)
        .fetch_one(&mut *conn)
        .await?
        .get(0);
    Ok(used)
}
