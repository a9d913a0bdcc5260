//! `/api/v1/websites/`: the websites that scope the website integrations API's
//! integrations, with their members (user ids). Everyone reads the websites
//! they belong to (admins all of them); only admins create, change and
//! delete them. A website with integrations cannot be deleted.

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde_json::{json, Map, Value};

use super::body::{self, Errors, REQUIRED};
use super::{no_content, Caller, Edit, Id, JsonObject, Listing, Routes};
use crate::db::DbError;
use crate::error::{Error, Second};
use crate::model::WebsiteRecord;
use crate::service::audit;
use crate::state::AppState;

const PATH: &str = "/api/v1/websites/";
const VIA: &str = "api/v1";

pub fn routes() -> Routes {
    let record = get(detail).put(save).patch(save).delete(remove);
    Routes::default().resource(
        PATH,
        "/api/v1/websites/{id}/",
        get(list).post(create),
        record,
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

async fn list(Caller(state, user): Caller, listing: Listing) -> Result<Json<Value>, Second> {
    let only = (!user.is_admin()).then_some(user.website_ids.as_slice());
    let all = state.db().websites(only).await?;
    let mut page = listing.page(25)?;
    page.settle(all.len() as i64)?;
    let results: Vec<Value> = all
        .iter()
        .rev()
        .skip(page.offset() as usize)
        .take(page.size as usize)
        .map(shape)
        .collect();
    Ok(Json(listing.answer(&page, all.len() as i64, results, PATH)))
}

async fn detail(Caller(state, user): Caller, Id(id): Id) -> Result<Json<Value>, Second> {
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

async fn create(c: Caller, JsonObject(map): JsonObject) -> Result<Response, Second> {
    let (state, user) = c.admin()?;
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

/// PUT (the required fields must be given) and PATCH.
async fn save(c: Caller, method: Method, Edit(id, map): Edit) -> Result<Json<Value>, Second> {
    let (state, user) = c.admin()?;
    let b = read_body(&state, &map, method == Method::PUT).await?;
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
    let mut entry = audit(&user, "update-website", VIA, fields);
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

async fn remove(c: Caller, Id(id): Id) -> Result<Response, Second> {
    let (state, user) = c.admin()?;
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
