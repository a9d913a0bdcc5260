//! People and devices, for admins: `/api/v1/users/` (list, create with a
//! password, change role, websites, password or disabled, delete) and each
//! user's sessions (`/api/v1/users/{id}/sessions/`: sign-ins by device and
//! API tokens, with when they were made and last used; revoke one or all).
//!
//! Anything that ends tokens (revoking, a password reset, disabling,
//! deleting) deletes them in the database, where every server looks a token
//! up, and drops them from this server's auth cache at once; other servers
//! stop accepting them when their cache entry ends (`--auth-cache-secs`).
//! The command line does the same through [`change_user`] and [`remove_user`].

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::Json;
use serde_json::{json, Value};

use super::body::{self, Errors, REQUIRED};
use super::{no_content, Caller, Edit, Id, JsonObject, Routes};
use crate::auth::{hash_password, MIN_PASSWORD_LEN};
use crate::db::Db;
use crate::error::{Error, Second};
use crate::model::{AuditEntry, AuthUser, Role, UserChange, UserRecord, WebsiteRecord};

const VIA: &str = "api/v1/users";

pub fn routes() -> Routes {
    Routes::default()
        .add("/api/v1/users/", &["GET", "POST"], get(list).post(create))
        .add(
            "/api/v1/users/{id}/",
            &["GET", "PATCH", "DELETE"],
            get(detail).patch(patch).delete(remove),
        )
        .add(
            "/api/v1/users/{id}/sessions/",
            &["GET", "DELETE"],
            get(sessions).delete(revoke_all),
        )
        .add(
            "/api/v1/users/{id}/sessions/{session}/",
            &["DELETE"],
            delete(revoke_one),
        )
}

fn audit(actor: &AuthUser, action: &str, target: i64, fields: Vec<String>) -> AuditEntry {
    let mut fields = fields;
    fields.insert(0, format!("user {target}"));
    crate::service::audit(actor, action, VIA, fields)
}

/// A user as admins see it, with the websites they belong to.
fn shape(u: &UserRecord, websites: &[i64]) -> Value {
    json!({
        "id": u.id,
        "email": u.email,
        "role": u.role,
        "websites": websites,
        "disabled": u.disabled_at.is_some(),
        "disabled_at": u.disabled_at,
        "created_at": u.created_at,
    })
}

/// One user's shape, read with their memberships (404 if unknown).
async fn shape_of(db: &dyn Db, id: i64) -> Result<Value, Error> {
    let u = known(db, id).await?;
    Ok(shape(&u, &db.user_websites(id).await?))
}

/// The user with this id, or 404.
async fn known(db: &dyn Db, id: i64) -> Result<UserRecord, Error> {
    db.user(id).await?.ok_or(Error::NotFound)
}

/// The ids of the websites `user` belongs to, from a list of websites.
pub fn memberships(sites: &[WebsiteRecord], user: i64) -> Vec<i64> {
    sites
        .iter()
        .filter(|w| w.members.contains(&user))
        .map(|w| w.id)
        .collect()
}

/// Applies an admin's change to user `id`, keeping at least one admin who
/// can sign in; the hashes of the tokens it ended.
pub async fn change_user(
    db: &dyn Db,
    id: i64,
    change: &UserChange,
    audit: &AuditEntry,
) -> Result<Vec<String>, Error> {
    let user = known(db, id).await?;
    let stops_being_admin = user.role == Role::Admin
        && user.disabled_at.is_none()
        && (change.role.is_some_and(|r| r != Role::Admin) || change.disabled == Some(true));
    if stops_being_admin && db.count_active_admins().await? <= 1 {
        return Err(Error::field(
            if change.disabled == Some(true) {
                "disabled"
            } else {
                "role"
            },
            "This is the last admin who can sign in: make another admin first.",
        ));
    }
    if let Some(websites) = &change.websites {
        for w in websites {
            if db.website(*w).await?.is_none() {
                return Err(Error::field(
                    "websites",
                    format!("Invalid pk \"{w}\" - object does not exist."),
                ));
            }
        }
    }
    db.update_user(id, change, audit)
        .await?
        .ok_or(Error::NotFound)
}

/// Deletes user `id` unless they own integrations or are the last admin;
/// the hashes of the tokens it ended.
pub async fn remove_user(db: &dyn Db, id: i64, audit: &AuditEntry) -> Result<Vec<String>, Error> {
    let user = known(db, id).await?;
    if user.role == Role::Admin
        && user.disabled_at.is_none()
        && db.count_active_admins().await? <= 1
    {
        return Err(Error::BadRequest(
            "This is the last admin who can sign in: make another admin first.".into(),
        ));
    }
    let owned = db.owned_integrations(id).await?;
    if owned > 0 {
        return Err(Error::BadRequest(format!(
            "{} still owns {owned} integration(s); nothing was deleted. Disable the account instead (PATCH {{\"disabled\": true}}), which ends every sign-in and keeps their integrations.",
            user.email
        )));
    }
    db.delete_user(id, audit).await?.ok_or(Error::NotFound)
}

async fn list(c: Caller) -> Result<Json<Value>, Second> {
    let (state, _) = c.admin()?;
    let users = state.db().users().await?;
    let sites = state.db().websites(None).await?;
    let results: Vec<Value> = users
        .iter()
        .map(|u| shape(u, &memberships(&sites, u.id)))
        .collect();
    Ok(Json(json!({"count": results.len(), "results": results})))
}

async fn detail(c: Caller, Id(id): Id) -> Result<Json<Value>, Second> {
    let (state, _) = c.admin()?;
    Ok(Json(shape_of(state.db(), id).await?))
}

/// Reads role, websites, password and disabled from a body.
fn read_change(map: &serde_json::Map<String, Value>, errors: &mut Errors) -> UserChange {
    let mut change = UserChange::default();
    if let Some(role) = errors.take("role", body::string(map, "role")) {
        match role.parse::<Role>() {
            Ok(r) => change.role = Some(r),
            Err(_) => errors.add(
                "role",
                format!("\"{role}\" is not a valid choice: use admin, member or viewer."),
            ),
        }
    }
    if let Some(password) = errors.take("password", body::string(map, "password")) {
        if password.chars().count() < MIN_PASSWORD_LEN {
            errors.add(
                "password",
                format!("Ensure this field has at least {MIN_PASSWORD_LEN} characters."),
            );
        } else {
            match hash_password(&password) {
                Ok(h) => change.password_hash = Some(h),
                Err(e) => errors.add("password", format!("The password could not be hashed: {e}")),
            }
        }
    }
    change.disabled = errors.take("disabled", body::boolean(map, "disabled"));
    match map.get("websites") {
        None => {}
        Some(Value::Array(items)) => {
            let ids: Option<Vec<i64>> = items.iter().map(Value::as_i64).collect();
            match ids {
                Some(mut ids) => {
                    ids.sort_unstable();
                    ids.dedup();
                    change.websites = Some(ids);
                }
                None => errors.add("websites", "Expected a list of website ids."),
            }
        }
        Some(_) => errors.add("websites", "Expected a list of website ids."),
    }
    change
}

async fn create(c: Caller, JsonObject(map): JsonObject) -> Result<Response, Second> {
    let (state, user) = c.admin()?;
    let mut errors = Errors::default();
    let email = errors.required(&map, "email").map(|e| e.to_lowercase());
    if email
        .as_ref()
        .is_some_and(|e| !e.contains('@') || e.contains(char::is_whitespace))
    {
        errors.add("email", "Enter a valid email address.");
    }
    if !map.contains_key("password") {
        errors.add("password", REQUIRED);
    }
    let mut change = read_change(&map, &mut errors);
    errors.into_result()?;
    let email = email.unwrap_or_default();
    let role = change.role.take().unwrap_or(Role::Member);
    let hash = change.password_hash.take().unwrap_or_default();
    let id = match state.db().create_user(&email, &hash, role).await {
        Ok(id) => id,
        Err(crate::db::DbError::Duplicate) => {
            return Err(Error::field("email", "A user with this email already exists.").into())
        }
        Err(e) => return Err(Error::from(e).into()),
    };
    if change.websites.is_some() || change.disabled.is_some() {
        let entry = audit(&user, "update-user", id, vec!["websites".into()]);
        change_user(state.db(), id, &change, &entry).await?;
    }
    state
        .db()
        .write_audit(&audit(
            &user,
            "create-user",
            id,
            vec![format!("role {role}")],
        ))
        .await?;
    Ok((StatusCode::CREATED, Json(shape_of(state.db(), id).await?)).into_response())
}

async fn patch(c: Caller, Edit(id, map): Edit) -> Result<Json<Value>, Second> {
    let (state, user) = c.admin()?;
    let mut errors = Errors::default();
    let change = read_change(&map, &mut errors);
    errors.into_result()?;
    let mut fields = Vec::new();
    if let Some(r) = change.role {
        fields.push(format!("role {r}"));
    }
    if change.websites.is_some() {
        fields.push("websites".into());
    }
    if change.password_hash.is_some() {
        fields.push("password".into());
    }
    if let Some(d) = change.disabled {
        fields.push(if d { "disabled" } else { "enabled" }.into());
    }
    let entry = audit(&user, "update-user", id, fields);
    let revoked = change_user(state.db(), id, &change, &entry).await?;
    state.auth_cache().forget(&revoked);
    if change.role.is_some() || change.websites.is_some() {
        // Cached sign-ins carry the role and websites.
        state.auth_cache().clear();
    }
    let mut body = shape_of(state.db(), id).await?;
    body["revoked_tokens"] = json!(revoked.len());
    Ok(Json(body))
}

async fn remove(c: Caller, Id(id): Id) -> Result<Response, Second> {
    let (state, user) = c.admin()?;
    let entry = audit(&user, "delete-user", id, Vec::new());
    let revoked = remove_user(state.db(), id, &entry).await?;
    state.auth_cache().forget(&revoked);
    Ok(no_content())
}

async fn sessions(c: Caller, Id(id): Id) -> Result<Json<Value>, Second> {
    let (state, _) = c.admin()?;
    known(state.db(), id).await?;
    let sessions = state.db().sessions(id).await?;
    Ok(Json(json!({"count": sessions.len(), "results": sessions})))
}

async fn revoke_all(c: Caller, Id(id): Id) -> Result<Json<Value>, Second> {
    let (state, user) = c.admin()?;
    known(state.db(), id).await?;
    let entry = audit(&user, "revoke-sessions", id, vec!["all".into()]);
    let revoked = state.db().revoke_sessions(id, None, &entry).await?;
    state.auth_cache().forget(&revoked);
    Ok(Json(json!({"revoked_tokens": revoked.len()})))
}

async fn revoke_one(
    c: Caller,
    Path((id, session)): Path<(String, String)>,
) -> Result<Response, Second> {
    let (state, user) = c.admin()?;
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let entry = audit(
        &user,
        "revoke-session",
        id,
        vec![format!("session {session}")],
    );
    let revoked = state
        .db()
        .revoke_sessions(id, Some(&session), &entry)
        .await?;
    if revoked.is_empty() {
        return Err(Error::NotFound.into());
    }
    state.auth_cache().forget(&revoked);
    Ok(no_content())
}
