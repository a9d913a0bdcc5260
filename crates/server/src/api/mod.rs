//! The HTTP surface: one module per group of routes, each exposing
//! `routes()`, merged in [`crate::app`]. This module holds what they share:
//! the route table (so the OpenAPI test can see every route), the JSON body
//! and id extractors that answer in their API's error shape, pagination,
//! and the middleware that turns axum's plain-text 404/405/413 into JSON.

pub mod audit;
pub mod auth;
pub mod credentials;
pub mod events;
pub mod integrations;
pub mod leads;
pub mod meta;
pub mod releases;
pub mod sync;
pub mod users;
pub mod website_integrations;
pub mod websites;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::MethodRouter;
use axum::Router;
use serde_json::{Map, Value};

use crate::auth::{bearer, Auth};
use crate::error::{Error, Flavor, Rejection};
use crate::model::{AuthUser, IntegrationRecord};
use crate::state::AppState;

/// The router with a table of its paths and methods, built together.
pub struct Routes {
    pub router: Router<AppState>,
    pub table: Vec<(&'static str, Vec<&'static str>)>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }
}

impl Routes {
    /// Adds a route; `methods` lists what `route` answers (the OpenAPI test
    /// checks both the list and the answers).
    pub fn add(
        mut self,
        path: &'static str,
        methods: &[&'static str],
        route: MethodRouter<AppState>,
    ) -> Routes {
        self.router = self.router.route(path, route);
        self.table.push((path, methods.to_vec()));
        self
    }

    /// A resource like Django REST framework's model view sets: its list
    /// (`GET`, and `POST` to create) at `path`, each record (`GET`, `PUT`,
    /// `PATCH`, `DELETE`) at `record_path`.
    pub fn resource(
        self,
        path: &'static str,
        record_path: &'static str,
        list: MethodRouter<AppState>,
        record: MethodRouter<AppState>,
    ) -> Routes {
        self.add(path, &["GET", "POST"], list).add(
            record_path,
            &["GET", "PUT", "PATCH", "DELETE"],
            record,
        )
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }
}

/// A request body that must be a JSON object. An empty body is an empty
/// object. Parse errors and oversized bodies answer in the path's API shape.
#[derive(Debug)]
pub struct JsonObject(pub Map<String, Value>);

impl FromRequest<AppState> for JsonObject {
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Rejection> {
        let flavor = Flavor::for_path(req.uri().path());
        let limit = state.settings().max_body_bytes;
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let error = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::TooLarge(limit)
            } else {
                Error::BadRequest(format!("The request body could not be read: {e}"))
            };
            Rejection(error, flavor)
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(JsonObject(Map::new()));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => match nul_field(&bytes, &map) {
                Some(key) => Err(Rejection(Error::field(key, NUL_TEXT), flavor)),
                None => Ok(JsonObject(map)),
            },
            Ok(_) => Err(Rejection(
                Error::BadRequest("The request body must be a JSON object.".into()),
                flavor,
            )),
            Err(e) => Err(Rejection(
                Error::BadRequest(format!("JSON parse error - {e}")),
                flavor,
            )),
        }
    }
}

/// What a text with a NUL character gets: no database stores it as text
/// (PostgreSQL refuses it), so it is refused at the door.
pub const NUL_TEXT: &str =
    "Text must not contain the NUL character (\\u0000 or %00): remove it and send again.";

/// Whether a JSON text holds the `\\u0000` escape anywhere.
pub fn has_nul_escape(raw: &[u8]) -> bool {
    raw.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
}

/// The top-level field of a JSON body holding a NUL character in a string
/// or a key, if any. JSON can only carry one as the `\u0000` escape, so a
/// body without that escape is passed without a walk.
pub fn nul_field(raw: &[u8], map: &Map<String, Value>) -> Option<String> {
    fn has_nul(v: &Value) -> bool {
        match v {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().any(has_nul),
            Value::Object(m) => m.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
            _ => false,
        }
    }
    if !has_nul_escape(raw) {
        return None;
    }
    map.iter()
        .find(|(k, v)| k.contains('\0') || has_nul(v))
        .map(|(k, _)| k.replace('\0', ""))
}

/// The numeric id in a path (`/.../{id}/...`); anything else is "not found".
#[derive(Debug, Clone, Copy)]
pub struct Id(pub i64);

impl FromRequestParts<AppState> for Id {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Rejection> {
        let flavor = Flavor::for_path(parts.uri.path());
        let axum::extract::Path(params) =
            axum::extract::Path::<Vec<(String, String)>>::from_request_parts(parts, state)
                .await
                .map_err(|_| Rejection(Error::NotFound, flavor))?;
        params
            .iter()
            .find(|(k, _)| k == "id")
            .and_then(|(_, v)| v.parse::<i64>().ok())
            .filter(|id| *id > 0)
            .map(Id)
            .ok_or(Rejection(Error::NotFound, flavor))
    }
}

/// Django REST framework's page-number pagination: `{count, next, previous, results}`.
pub struct Page {
    pub number: i64,
    pub size: i64,
}

impl Page {
    /// The `page` query parameter (1 when absent); anything that is not a
    /// positive number is "Invalid page."
    pub fn parse(query: &[(String, String)], size: i64) -> Result<Page, Error> {
        let number = match query.iter().find(|(k, _)| k == "page") {
            None => 1,
            Some((_, v)) if v == "last" => i64::MAX,
            Some((_, v)) => v
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or(Error::InvalidPage)?,
        };
        Ok(Page { number, size })
    }

    /// Whether this is `?page=last` (not settled yet).
    pub fn is_last(&self) -> bool {
        self.number == i64::MAX
    }

    pub fn offset(&self) -> i64 {
        (self.number.saturating_sub(1)).saturating_mul(self.size)
    }

    /// Settles "last" and checks the page exists (page 1 always does;
    /// "Invalid page." otherwise).
    pub fn settle(&mut self, count: i64) -> Result<(), Error> {
        let pages = ((count + self.size - 1) / self.size).max(1);
        if self.number == i64::MAX {
            self.number = pages;
        }
        if self.number > pages {
            return Err(Error::InvalidPage);
        }
        Ok(())
    }

    /// The answer, with absolute next/previous links that keep the other
    /// query parameters.
    pub fn answer(
        &self,
        count: i64,
        results: Vec<Value>,
        headers: &HeaderMap,
        path: &str,
        query: &[(String, String)],
    ) -> Value {
        let base = base_url(headers);
        let link = |page: i64| -> Value {
            let mut params: Vec<String> = query
                .iter()
                .filter(|(k, _)| k != "page")
                .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                .collect();
            if page > 1 {
                params.insert(0, format!("page={page}"));
            }
            let q = if params.is_empty() {
                String::new()
            } else {
                format!("?{}", params.join("&"))
            };
            Value::String(format!("{base}{path}{q}"))
        };
        let has_next = self.number * self.size < count;
        let mut answer = serde_json::json!({
            "count": count,
            "next": if has_next { link(self.number + 1) } else { Value::Null },
            "previous": if self.number > 1 { link(self.number - 1) } else { Value::Null },
        });
        // Moved in: `json!` would copy the rows through serde once more.
        answer["results"] = Value::Array(results);
        answer
    }
}

/// `scheme://host` of a request, from Host (and X-Forwarded-Proto behind a proxy).
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|s| *s == "https" || *s == "http")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// Percent-encodes a query component.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Answers unknown paths with JSON "not found" in the path's API shape.
pub async fn not_found(req: Request) -> Response {
    Flavor::for_path(req.uri().path()).render(&Error::NotFound)
}

/// Refuses a body whose declared length is over the limit before reading
/// any of it, and replaces axum's plain-text error answers (405 for a known
/// path with the wrong method, 413, 400/415/422 from extractors) with JSON in
/// the path's API shape, keeping headers such as `Allow`.
pub async fn json_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let flavor = Flavor::for_path(req.uri().path());
    let path = req.uri().path();
    let limit = releases::body_limit(path, state.settings())
        .unwrap_or_else(|| sync::body_limit(path, state.settings().max_body_bytes));
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let mut response = flavor.render(&Error::TooLarge(limit));
        // The rest of the body is not read; say the connection ends here.
        response.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
        return response;
    }
    // No text may hold a NUL character (see NUL_TEXT): a path with one
    // names nothing. (A query with one is refused by `Pairs`.)
    if req.uri().path().contains("%00") {
        return flavor.render(&Error::NotFound);
    }
    let response = next.run(req).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let error = match status {
        StatusCode::METHOD_NOT_ALLOWED => Error::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => Error::TooLarge(limit),
        StatusCode::NOT_FOUND => Error::NotFound,
        StatusCode::UNAUTHORIZED => Error::Unauthenticated,
        StatusCode::REQUEST_TIMEOUT => Error::BadRequest(
            "The request took too long (the server stops waiting after a while); send it again."
                .to_owned(),
        ),
        s if s.is_server_error() => Error::Internal(format!("status {s}")),
        s => Error::BadRequest(format!(
            "The request could not be understood ({}).",
            s.canonical_reason().unwrap_or("bad request")
        )),
    };
    let (parts, _) = response.into_parts();
    let mut rendered = flavor.render(&error);
    *rendered.status_mut() = parts.status;
    for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(v) = parts.headers.get(&name) {
            rendered.headers_mut().insert(name, v.clone());
        }
    }
    rendered
}

/// 403 for anyone but an admin (checked before anything is looked up).
pub fn admin_only(user: &AuthUser) -> Result<(), Error> {
    if user.is_admin() {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// The server's state and the signed-in user, what nearly every handler
/// starts from: read first, so that 401 comes before anything else.
pub struct Caller(pub AppState, pub AuthUser);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Rejection> {
        let Auth(user) = Auth::from_request_parts(parts, state).await?;
        Ok(Caller(state.clone(), user))
    }
}

impl Caller {
    /// The state and the user, who must be an admin ([`admin_only`]).
    pub fn admin(self) -> Result<(AppState, AuthUser), Error> {
        admin_only(&self.1)?;
        Ok((self.0, self.1))
    }
}

/// The caller and the integration the path's id names, read with the
/// sign-in check in one statement ([`crate::auth::authenticate_reading`]):
/// what the detail reads start from. The answers are those of [`Caller`]
/// then [`Id`]: 401 first, then 404 for an id that is not one.
pub struct Viewing {
    state: AppState,
    user: AuthUser,
    record: Option<IntegrationRecord>,
}

impl FromRequestParts<AppState> for Viewing {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Rejection> {
        let id = match Id::from_request_parts(parts, state).await {
            Ok(Id(id)) => id,
            Err(not_found) => {
                Caller::from_request_parts(parts, state).await?;
                return Err(not_found);
            }
        };
        let flavor = Flavor::for_path(parts.uri.path());
        let (user, record) = crate::auth::authenticate_reading(state, bearer(parts), id)
            .await
            .map_err(|e| Rejection(e, flavor))?;
        Ok(Viewing {
            state: state.clone(),
            user,
            record,
        })
    }
}

impl Viewing {
    /// The state, the user and the integration, if they may see it (as
    /// [`crate::service::visible`]).
    pub fn visible(self) -> Result<(AppState, AuthUser, IntegrationRecord), Error> {
        let record = crate::service::seen(&self.user, self.record)?;
        Ok((self.state, self.user, record))
    }

    /// [`Viewing::visible`] for an admin only ([`admin_only`] first).
    pub fn admin(self) -> Result<(AppState, AuthUser, IntegrationRecord), Error> {
        admin_only(&self.user)?;
        self.visible()
    }
}

/// What a paginated list reads besides the caller: its query parameters,
/// and the headers its page links are made from.
pub struct Listing {
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
}

/// The pairs of the query string. One that holds a NUL character is
/// refused (400, [`NUL_TEXT`]) before it can reach a database; one that
/// cannot be decoded too.
pub struct Pairs(pub Vec<(String, String)>);

impl FromRequestParts<AppState> for Pairs {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Rejection> {
        let flavor = Flavor::for_path(parts.uri.path());
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|e| Rejection(Error::BadRequest(e.body_text()), flavor))?;
        if pairs
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(Rejection(Error::BadRequest(NUL_TEXT.into()), flavor));
        }
        Ok(Pairs(pairs))
    }
}

impl FromRequestParts<AppState> for Listing {
    type Rejection = Rejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Pairs(query) = Pairs::from_request_parts(parts, state).await?;
        let headers = parts.headers.clone();
        Ok(Listing { query, headers })
    }
}

impl Listing {
    /// The page asked for, `size` records a page ([`Page::parse`]).
    pub fn page(&self, size: i64) -> Result<Page, Error> {
        Page::parse(&self.query, size)
    }

    /// The answer of `page` (settled) with its links to `path`.
    pub fn answer(&self, page: &Page, count: i64, results: Vec<Value>, path: &str) -> Value {
        page.answer(count, results, &self.headers, path, &self.query)
    }
}

/// A record's id from the path and the JSON object sent to change it,
/// read in that order (an unknown id is 404 whatever the body).
pub struct Edit(pub i64, pub Map<String, Value>);

impl FromRequest<AppState> for Edit {
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Rejection> {
        let (mut parts, body) = req.into_parts();
        let Id(id) = Id::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let JsonObject(map) = JsonObject::from_request(request, state).await?;
        Ok(Edit(id, map))
    }
}

/// The Trash on both REST APIs (docs/openapi.json): lists leave trashed
/// integrations out unless `?include_trashed=true`; a trashed integration's
/// detail (and a listed one) says `trashed_at` and answers `is_active:
/// false`, so the platform never takes it for a live one; credential
/// fetches never hand one out. Records not in the Trash keep the original
/// shapes exactly (no `trashed_at` key).
pub mod trash {
    use crate::model::IntegrationRecord;
    use serde_json::{json, Map, Value};

    /// The query parameter that lists trashed integrations too.
    pub const PARAM: &str = "include_trashed";
    /// What a wrong value of it is told.
    pub const BAD_VALUE: &str =
        "Enter a valid boolean: include_trashed=true lists integrations in the Trash too.";

    /// `?include_trashed=` read from a query (absent or empty: false).
    pub fn included(query: &[(String, String)]) -> Result<bool, &'static str> {
        match query.iter().find(|(k, v)| k == PARAM && !v.is_empty()) {
            None => Ok(false),
            Some((k, v)) => match super::body::boolean(&Map::from_iter([(k.clone(), json!(v))]), k)
            {
                Some(Ok(b)) => Ok(b),
                _ => Err(BAD_VALUE),
            },
        }
    }

    /// Marks a record's answer while it is in the Trash: `trashed_at`, and
    /// `is_active: false`.
    pub fn mark(body: &mut Value, r: &IntegrationRecord) {
        if let Some(at) = &r.trashed_at {
            body["is_active"] = Value::Bool(false);
            body["trashed_at"] = json!(at);
        }
    }
}

/// An empty 204 answer.
pub fn no_content() -> Response {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(Body::empty())
        .expect("a static response builds")
}

/// Reads a required or optional value of a body with DRF-like messages.
pub mod body {
    use serde_json::{Map, Value};
    use std::collections::BTreeMap;

    pub const REQUIRED: &str = "This field is required.";

    /// A string field; `Err` holds the message for the field.
    pub fn string(map: &Map<String, Value>, key: &str) -> Option<Result<String, String>> {
        map.get(key).map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Null => Err("This field may not be null.".into()),
            _ => Err("Not a valid string.".into()),
        })
    }

    /// A boolean field (true/false, or the strings and numbers DRF accepts).
    pub fn boolean(map: &Map<String, Value>, key: &str) -> Option<Result<bool, String>> {
        map.get(key).map(|v| match v {
            Value::Bool(b) => Ok(*b),
            Value::String(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err("Must be a valid boolean.".into()),
            },
            Value::Number(n) if n.as_i64() == Some(1) => Ok(true),
            Value::Number(n) if n.as_i64() == Some(0) => Ok(false),
            _ => Err("Must be a valid boolean.".into()),
        })
    }

    /// An object field.
    pub fn object(
        map: &Map<String, Value>,
        key: &str,
    ) -> Option<Result<Map<String, Value>, String>> {
        map.get(key).map(|v| match v {
            Value::Object(o) => Ok(o.clone()),
            Value::Null => Ok(Map::new()),
            _ => Err("Must be a JSON object.".into()),
        })
    }

    /// An integer id field.
    pub fn id(map: &Map<String, Value>, key: &str) -> Option<Result<Option<i64>, String>> {
        map.get(key).map(|v| match v {
            Value::Null => Ok(None),
            Value::Number(n) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| "Incorrect type. Expected pk value.".into()),
            Value::String(s) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| "Incorrect type. Expected pk value, received str.".into()),
            _ => Err("Incorrect type. Expected pk value.".into()),
        })
    }

    /// Collects field errors while reading a body.
    #[derive(Default)]
    pub struct Errors(pub BTreeMap<String, String>);

    impl Errors {
        /// The value, or records the error and gives None.
        pub fn take<T>(&mut self, key: &str, r: Option<Result<T, String>>) -> Option<T> {
            match r? {
                Ok(v) => Some(v),
                Err(m) => {
                    self.0.insert(key.to_owned(), m);
                    None
                }
            }
        }

        /// A required string, trimmed; records the error or "required" and
        /// gives None.
        pub fn required(&mut self, map: &Map<String, Value>, key: &str) -> Option<String> {
            let value = self
                .take(key, string(map, key))
                .map(|v| v.trim().to_owned());
            if value.is_none() {
                self.add(key, REQUIRED);
            }
            value
        }

        pub fn add(&mut self, key: &str, message: impl Into<String>) {
            self.0
                .entry(key.to_owned())
                .or_insert_with(|| message.into());
        }

        pub fn into_result(self) -> Result<(), crate::error::Error> {
            if self.0.is_empty() {
                Ok(())
            } else {
                Err(crate::error::Error::Invalid(crate::error::Invalid::fields(
                    self.0,
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn pages_like_django_rest_framework() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "example.test".parse().unwrap());
        let query = q(&[("page", "2"), ("website", "a b")]);
        let mut page = Page::parse(&query, 25).unwrap();
        page.settle(60).unwrap();
        assert_eq!(page.offset(), 25);
        let answer = page.answer(60, vec![], &headers, "/x/", &query);
        assert_eq!(
            answer["next"],
            "http://example.test/x/?page=3&website=a%20b"
        );
        assert_eq!(answer["previous"], "http://example.test/x/?website=a%20b");
        let mut last = Page::parse(&q(&[("page", "last")]), 25).unwrap();
        last.settle(60).unwrap();
        assert_eq!(last.number, 3);
        assert!(Page::parse(&q(&[("page", "0")]), 25).is_err());
        assert!(Page::parse(&q(&[("page", "x")]), 25).is_err());
        let mut beyond = Page::parse(&q(&[("page", "4")]), 25).unwrap();
        assert!(beyond.settle(60).is_err());
        let mut first = Page::parse(&[], 25).unwrap();
        assert!(first.settle(0).is_ok(), "page 1 of nothing exists");
    }
}
