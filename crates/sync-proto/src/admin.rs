//! The team admin API's answers as the desktop reads them (`/api/v1/users/`,
//! their sessions, `/api/v1/audit/`, `/api/v1/websites/`): one declaration,
//! decoded by the sync client and shown by the app's Team and Audit pages.
//! None of them carries a secret.

use serde::{Deserialize, Serialize};

/// A person on the team server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamUser {
    pub id: i64,
    pub email: String,
    /// "admin", "member" or "viewer".
    pub role: String,
    /// The server ids of the websites they belong to.
    #[serde(default)]
    pub websites: Vec<i64>,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub created_at: String,
}

/// One way a person is signed in: a device's sign-in or an API token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSession {
    /// What revoking it names.
    pub id: String,
    /// "sign-in" or "api".
    pub kind: String,
    /// The device that signed in, or the API token's name.
    pub name: String,
    pub created_at: String,
    #[serde(default)]
    pub last_used_at: Option<String>,
    /// Unix seconds; None never expires.
    #[serde(default)]
    pub expires_at: Option<i64>,
}

/// A website on the team server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamWebsite {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub domain: String,
}

/// Who did something in the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditActor {
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub email: String,
}

/// One audit entry: who did what to which integration or website, and the
/// names of the fields concerned (never their values).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: String,
    pub actor: AuditActor,
    pub action: String,
    #[serde(default)]
    pub integration: Option<i64>,
    #[serde(default)]
    pub website: Option<i64>,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub via: String,
}

/// A page of a paginated list (`count`, `next`, `previous`, `results`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage<T> {
    pub count: i64,
    #[serde(default)]
    pub next: Option<String>,
    #[serde(default)]
    pub previous: Option<String>,
    pub results: Vec<T>,
}

/// The audit log's filters (`GET /api/v1/audit/`); empty ones are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// 1-based.
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    pub action: String,
    /// An e-mail.
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub website: Option<i64>,
    #[serde(default)]
    pub integration: Option<i64>,
    /// A date (2026-12-04) or a UTC time.
    #[serde(default)]
    pub since: String,
    #[serde(default)]
    pub until: String,
}

impl AuditQuery {
    /// The query string's pairs, empty filters left out.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.page > 1 {
            out.push(("page", self.page.to_string()));
        }
        for (key, value) in [
            ("action", &self.action),
            ("actor", &self.actor),
            ("since", &self.since),
            ("until", &self.until),
        ] {
            if !value.trim().is_empty() {
                out.push((key, value.trim().to_owned()));
            }
        }
        for (key, value) in [("website", self.website), ("integration", self.integration)] {
            if let Some(v) = value {
                out.push((key, v.to_string()));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_filters_are_left_out() {
        assert!(AuditQuery::default().pairs().is_empty());
        let q = AuditQuery {
            page: 2,
            action: " create-user ".into(),
            website: Some(3),
            ..AuditQuery::default()
        };
        assert_eq!(
            q.pairs(),
            vec![
                ("page", "2".to_owned()),
                ("action", "create-user".to_owned()),
                ("website", "3".to_owned())
            ]
        );
    }

    #[test]
    fn the_servers_shapes_decode() {
        let page: ListPage<AuditRecord> = serde_json::from_value(serde_json::json!({
            "count": 1, "next": null, "previous": null,
            "results": [{"id": 4, "at": "2026-12-04T10:00:00.000000Z",
                "actor": {"id": 1, "email": "ops@example.com"}, "action": "create-user",
                "integration": null, "website": null, "fields": ["user 2", "role member"],
                "via": "api/v1/users"}]
        }))
        .unwrap();
        assert_eq!(page.results[0].actor.email, "ops@example.com");
        let user: TeamUser = serde_json::from_value(serde_json::json!({
            "id": 2, "email": "ana@example.com", "role": "member", "websites": [1],
            "disabled": false, "disabled_at": null, "created_at": "2026-12-04T10:00:00.000000Z"
        }))
        .unwrap();
        assert_eq!(user.websites, vec![1]);
    }
}
