//! `/api/v1/websites/`: the websites that scope the website integrations API's
//! integrations, with their members (user ids). Everyone reads the websites
//! they belong to (admins all of them); only admins create, change and
//! delete them. A website with integrations cannot be deleted.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde_json::{json, Map, Value};

use super::body::{self, Errors, REQUIRED};
use super::{admin_only, no_content, Id, JsonObject, Page, Routes};
use crate::auth::Auth;
use crate::db::DbError;
use crate::error::{Error, Second};
use crate::model::{AuthUser, WebsiteRecord};
use crate::service::audit;
use crate::state::AppState;

const PATH: &str = "/api/v1/websites/";
const VIA: &str = "api/v1";

pub fn routes() -> Routes {
    Routes::default()
        .add(PATH, &["GET", "POST"], get(list).post(create))
        .add(
            "/api/v1/websites/{id}/",
            &["GET", "PUT", "PATCH", "DELETE"],
            get(detail).put(put).patch(patch).delete(remove),
        )
}

fn shape(w: &WebsiteRecord) -> Value {
    json!({
        "id": w.id,
        "name": w.name,
        "domain": w.domain,
        "members": w.members,
        "created_at": w.created_at,
        "updated_at": w.updated_at,
    })
}

async fn list(
    State(state): State<AppState>,
    Auth(user): Auth,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Json<Value>, Second> {
    let only = (!user.is_admin()).then_some(user.website_ids.as_slice());
    let all = state.db().websites(only).await?;
    let mut page = Page::parse(&query, 25).map_err(|_| Error::InvalidPage)?;
    page.settle(all.len() as i64)
        .map_err(|_| Error::InvalidPage)?;
    let results: Vec<Value> = all
        .iter()
        .rev()
        .skip(page.offset() as usize)
        .take(page.size as usize)
        .map(shape)
        .collect();
    Ok(Json(page.answer(
        all.len() as i64,
        results,
        &headers,
        PATH,
        &query,
    )))
}

async fn detail(
    State(state): State<AppState>,
    Auth(user): Auth,
    Id(id): Id,
) -> Result<Json<Value>, Second> {
    if !user.is_admin() && !user.website_ids.contains(&id) {
        return Err(Error::NotFound.into());
    }
    let site = state.db().website(id).await?.ok_or(Error::NotFound)?;
    Ok(Json(shape(&site)))
}

struct Body {
    name: Option<String>,
    domain: Option<String>,
    members: Option<Vec<i64>>,
}

async fn read_body(
    state: &AppState,
    map: &Map<String, Value>,
    required: bool,
) -> Result<Body, Error> {
    let mut errors = Errors::default();
    let name = errors.take("name", body::string(map, "name"));
    let domain = errors.take("domain", body::string(map, "domain"));
    let members = match map.get("members") {
        None => None,
        Some(Value::Array(items)) => {
            let ids: Option<Vec<i64>> = items.iter().map(Value::as_i64).collect();
            match ids {
                Some(ids) => Some(ids),
                None => {
                    errors.add("members", "Expected a list of user ids.");
                    None
                }
            }
        }
        Some(_) => {
            errors.add("members", "Expected a list of user ids.");
            None
        }
    };
    if required && name.is_none() {
        errors.add("name", REQUIRED);
    }
    if name.as_ref().is_some_and(|n| n.trim().is_empty()) {
        errors.add("name", "This field may not be blank.");
    }
    if let Some(ids) = &members {
        let users: Vec<i64> = state.db().users().await?.iter().map(|u| u.id).collect();
        if let Some(bad) = ids.iter().find(|id| !users.contains(id)) {
            errors.add(
                "members",
                format!("Invalid pk \"{bad}\" - object does not exist."),
            );
        }
    }
    errors.into_result()?;
    Ok(Body {
        name: name.map(|n| n.trim().to_owned()),
        domain: domain.map(|d| d.trim().to_owned()),
        members,
    })
}

async fn create(
    State(state): State<AppState>,
    Auth(user): Auth,
    JsonObject(map): JsonObject,
) -> Result<Response, Second> {
    admin_only(&user)?;
    let b = read_body(&state, &map, true).await?;
    let members = b.members.unwrap_or_default();
    let entry = audit(
        &user,
        "create-website",
        VIA,
        vec!["name".into(), "domain".into(), "members".into()],
    );
    let id = state
        .db()
        .create_website(
            &b.name.unwrap_or_default(),
            &b.domain.unwrap_or_default(),
            &members,
            &entry,
        )
        .await?;
    state.auth_cache().clear();
    let site = state.db().website(id).await?.ok_or(Error::NotFound)?;
    Ok((StatusCode::CREATED, Json(shape(&site))).into_response())
}

async fn save(
    state: &AppState,
    user: &AuthUser,
    id: i64,
    map: &Map<String, Value>,
    required: bool,
) -> Result<Json<Value>, Second> {
    admin_only(user)?;
    let b = read_body(state, map, required).await?;
    let mut fields = Vec::new();
    for (key, given) in [
        ("name", b.name.is_some()),
        ("domain", b.domain.is_some()),
        ("members", b.members.is_some()),
    ] {
        if given {
            fields.push(key.to_owned());
        }
    }
    let mut entry = audit(user, "update-website", VIA, fields);
    entry.website_id = Some(id);
    let found = state
        .db()
        .update_website(
            id,
            b.name.as_deref(),
            b.domain.as_deref(),
            b.members.as_deref(),
            &entry,
        )
        .await?;
    if !found {
        return Err(Error::NotFound.into());
    }
    if b.members.is_some() {
        state.auth_cache().clear();
    }
    let site = state.db().website(id).await?.ok_or(Error::NotFound)?;
    Ok(Json(shape(&site)))
}

async fn put(
    State(state): State<AppState>,
    Auth(user): Auth,
    Id(id): Id,
    JsonObject(map): JsonObject,
) -> Result<Json<Value>, Second> {
    save(&state, &user, id, &map, true).await
}

async fn patch(
    State(state): State<AppState>,
    Auth(user): Auth,
    Id(id): Id,
    JsonObject(map): JsonObject,
) -> Result<Json<Value>, Second> {
    save(&state, &user, id, &map, false).await
}

async fn remove(
    State(state): State<AppState>,
    Auth(user): Auth,
    Id(id): Id,
) -> Result<Response, Second> {
    admin_only(&user)?;
    let mut entry = audit(&user, "delete-website", VIA, Vec::new());
    entry.website_id = Some(id);
    match state.db().delete_website(id, &entry).await {
        Ok(true) => {
            state.auth_cache().clear();
            Ok(no_content())
        }
        Ok(false) => Err(Error::NotFound.into()),
        Err(DbError::InUse(n)) => Err(Error::BadRequest(format!(
            "This website still has {n} integration(s); delete them first."
        ))
        .into()),
        Err(e) => Err(e.into()),
    }
}
