//! The team admin calls the desktop's Team and Audit pages make, as the
//! signed-in user (the server answers 403 unless they are an admin): people
//! (`/api/v1/users/`), their sign-ins and tokens, the server's websites and
//! the audit log. Reads are retried like sync's; changes are not (a lost
//! answer may have applied), and a refused field comes back as
//! [`SyncError::Invalid`] with the server's message for it.

use reqwest::Method;
use serde_json::{json, Map, Value};
use switchboard_sync_proto::admin::{
    AuditQuery, AuditRecord, ListPage, TeamSession, TeamUser, TeamWebsite,
};
use switchboard_vault::Secret;

use crate::client::{Retry, ServerClient};
use crate::error::Result;

const USERS: &str = "/api/v1/users/";
const WEBSITES: &str = "/api/v1/websites/";
const AUDIT: &str = "/api/v1/audit/";
/// Pages of the website list read at most (25 a page).
const MAX_WEBSITE_PAGES: u32 = 40;

/// What an admin changes about a person; None leaves it as it is.
#[derive(Default)]
pub struct PersonChange {
    pub role: Option<String>,
    pub websites: Option<Vec<i64>>,
    pub disabled: Option<bool>,
    /// A new password: every sign-in of theirs ends.
    pub password: Option<Secret>,
}

impl std::fmt::Debug for PersonChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonChange")
            .field("role", &self.role)
            .field("websites", &self.websites)
            .field("disabled", &self.disabled)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl PersonChange {
    fn body(&self) -> Value {
        let mut map = Map::new();
        if let Some(r) = &self.role {
            map.insert("role".into(), json!(r));
        }
        if let Some(w) = &self.websites {
            map.insert("websites".into(), json!(w));
        }
        if let Some(d) = self.disabled {
            map.insert("disabled".into(), json!(d));
        }
        if let Some(p) = &self.password {
            map.insert("password".into(), json!(p.expose()));
        }
        Value::Object(map)
    }
}

fn encode(s: &str) -> String {
    ::url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl ServerClient {
    /// Everyone on the server.
    pub async fn team_users(&self) -> Result<Vec<TeamUser>> {
        let page: ListPage<TeamUser> = self
            .call(Retry::Transient, Method::GET, USERS, None)
            .await?;
        Ok(page.results)
    }

    /// The server's websites (every page).
    pub async fn team_websites(&self) -> Result<Vec<TeamWebsite>> {
        let mut out = Vec::new();
        for number in 1..=MAX_WEBSITE_PAGES {
            let page: ListPage<TeamWebsite> = self
                .call(
                    Retry::Transient,
                    Method::GET,
                    &format!("{WEBSITES}?page={number}"),
                    None,
                )
                .await?;
            out.extend(page.results);
            if page.next.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// Adds a person who signs in with `password` (give it to them).
    pub async fn create_person(
        &self,
        email: &str,
        password: &Secret,
        role: &str,
        websites: &[i64],
    ) -> Result<TeamUser> {
        let body = json!({"email": email.trim(), "password": password.expose(),
                          "role": role, "websites": websites});
        self.call(Retry::Never, Method::POST, USERS, Some(&body))
            .await
    }

    /// Changes a person's role, websites, password or whether they may sign in.
    pub async fn change_person(&self, id: i64, change: &PersonChange) -> Result<TeamUser> {
        self.call(
            Retry::Never,
            Method::PATCH,
            &format!("{USERS}{id}/"),
            Some(&change.body()),
        )
        .await
    }

    /// Deletes a person (refused while they own integrations).
    pub async fn delete_person(&self, id: i64) -> Result<()> {
        self.call(Retry::Never, Method::DELETE, &format!("{USERS}{id}/"), None)
            .await
    }

    /// A person's sign-ins by device and their API tokens.
    pub async fn person_sessions(&self, id: i64) -> Result<Vec<TeamSession>> {
        let page: ListPage<TeamSession> = self
            .call(
                Retry::Transient,
                Method::GET,
                &format!("{USERS}{id}/sessions/"),
                None,
            )
            .await?;
        Ok(page.results)
    }

    /// Ends one of a person's sign-ins (or API tokens), or all of them.
    pub async fn revoke_sessions(&self, id: i64, session: Option<&str>) -> Result<()> {
        match session {
            Some(s) => {
                self.call(
                    Retry::Never,
                    Method::DELETE,
                    &format!("{USERS}{id}/sessions/{}/", encode(s)),
                    None,
                )
                .await
            }
            None => {
                let _: Value = self
                    .call(
                        Retry::Never,
                        Method::DELETE,
                        &format!("{USERS}{id}/sessions/"),
                        None,
                    )
                    .await?;
                Ok(())
            }
        }
    }

    /// A page of the audit log, newest first.
    pub async fn audit(&self, query: &AuditQuery) -> Result<ListPage<AuditRecord>> {
        let pairs = query.pairs();
        let path = if pairs.is_empty() {
            AUDIT.to_owned()
        } else {
            let q: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{k}={}", encode(v)))
                .collect();
            format!("{AUDIT}?{}", q.join("&"))
        };
        self.call(Retry::Transient, Method::GET, &path, None).await
    }
}
