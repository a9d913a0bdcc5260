//! The server's errors and how each API answers them. The shared [`Error`]
//! knows its HTTP status; [`First`] renders it the way the first document's
//! clients expect (`{"error": "..."}`), [`Second`] the way the second
//! document's (Django REST framework) clients expect (`{"detail": "..."}`,
//! `{"<field>": ["..."]}`). Internal errors are logged and answered with a
//! generic message; no answer ever carries a secret.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use crate::db::DbError;

/// Field problems of a request: one message for the whole request and one per field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invalid {
    pub message: String,
    pub fields: BTreeMap<String, String>,
}

impl Invalid {
    /// One field's problem.
    pub fn field(key: impl Into<String>, message: impl Into<String>) -> Invalid {
        let message = message.into();
        Invalid {
            message: message.clone(),
            fields: BTreeMap::from([(key.into(), message)]),
        }
    }

    /// Every field's problem, with a summary line naming them.
    pub fn fields(fields: BTreeMap<String, String>) -> Invalid {
        let list: Vec<String> = fields
            .iter()
            .map(|(k, m)| format!("{k}: {}", m.trim_end_matches('.')))
            .collect();
        let noun = if fields.len() == 1 {
            "setting"
        } else {
            "settings"
        };
        Invalid {
            message: format!("Please fix {} {noun}: {}.", fields.len(), list.join("; ")),
            fields,
        }
    }
}

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("authentication required")]
    Unauthenticated,
    #[error("invalid or expired token")]
    BadToken,
    #[error("wrong email or password")]
    BadCredentials,
    #[error("permission denied")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid page")]
    InvalidPage,
    #[error("invalid request: {}", .0.message)]
    Invalid(Invalid),
    #[error("duplicate website, integration type and name")]
    Duplicate,
    #[error("rate limited for {wait} s")]
    RateLimited { wait: u64 },
    #[error("busy ({what}); retry in {wait} s")]
    Busy { wait: u64, what: &'static str },
    #[error("changed by someone else while saving")]
    Conflict,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("request body larger than {0} bytes")]
    TooLarge(usize),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn status_code(&self) -> StatusCode {
        match self {
            Error::Unauthenticated | Error::BadToken | Error::BadCredentials => {
                StatusCode::UNAUTHORIZED
            }
            Error::Forbidden => StatusCode::FORBIDDEN,
            Error::NotFound | Error::InvalidPage => StatusCode::NOT_FOUND,
            Error::Invalid(_) | Error::Duplicate | Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::Conflict => StatusCode::CONFLICT,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Shorthand for a one-field validation error.
    pub fn field(key: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Invalid(Invalid::field(key, message))
    }

    fn busy_message(wait: u64, what: &str) -> String {
        format!("The server is busy with {what}; try again in {wait} s.")
    }

    fn too_large_message(limit: usize) -> String {
        format!("The request body is larger than the limit of {limit} bytes.")
    }

    fn throttle_message(wait: u64) -> String {
        let unit = if wait == 1 { "second" } else { "seconds" };
        format!("Request was throttled. Expected available in {wait} {unit}.")
    }

    fn respond(&self, body: Value) -> Response {
        if let Error::Internal(detail) = self {
            tracing::error!(error = %detail, "internal error");
        }
        let mut response = (self.status_code(), Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            Error::Unauthenticated | Error::BadToken => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"switchboard\""),
                );
            }
            Error::RateLimited { wait } | Error::Busy { wait, .. } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*wait));
            }
            _ => {}
        }
        response
    }

    /// The first document's shape: `{"error": "..."}` (plus `fields`, and
    /// `detail`/`wait` on 429 so either kind of client understands it).
    pub fn first_body(&self) -> Value {
        match self {
            Error::Unauthenticated => json!({"error": "Authentication required"}),
            Error::BadToken => json!({"error": "Invalid or expired token"}),
            Error::BadCredentials => json!({"error": "Wrong email or password"}),
            Error::Forbidden => {
                json!({"error": "You do not have permission to perform this action."})
            }
            Error::NotFound => json!({"error": "Integration not found"}),
            Error::InvalidPage => json!({"error": "Invalid page."}),
            Error::Invalid(inv) => json!({"error": inv.message, "fields": inv.fields}),
            Error::Duplicate => json!({
                "error": "An integration with this website, integration type and name already exists.",
                "fields": {"name": "Choose another name: this website already has an integration of this type with this name."}
            }),
            Error::RateLimited { wait } => {
                let m = Error::throttle_message(*wait);
                json!({"error": m, "detail": m, "wait": wait})
            }
            Error::Busy { wait, what } => {
                json!({"error": Error::busy_message(*wait, what), "wait": wait})
            }
            Error::Conflict => {
                json!({"error": "The integration was changed by someone else while saving; load it again and retry."})
            }
            Error::BadRequest(m) => json!({"error": m}),
            Error::TooLarge(n) => json!({"error": Error::too_large_message(*n)}),
            Error::MethodNotAllowed => json!({"error": "Method not allowed"}),
            Error::Internal(_) => {
                json!({"error": "Internal server error; the server log has the details."})
            }
        }
    }

    /// The second document's (Django REST framework) shape.
    pub fn second_body(&self) -> Value {
        match self {
            Error::Unauthenticated => {
                json!({"detail": "Authentication credentials were not provided."})
            }
            Error::BadToken => json!({
                "detail": "Given token not valid for any token type",
                "code": "token_not_valid"
            }),
            Error::BadCredentials => {
                json!({"detail": "No active account found with the given credentials"})
            }
            Error::Forbidden => {
                json!({"detail": "You do not have permission to perform this action."})
            }
            Error::NotFound => json!({"detail": "Not found."}),
            Error::InvalidPage => json!({"detail": "Invalid page."}),
            Error::Invalid(inv) => {
                if inv.fields.is_empty() {
                    json!({"non_field_errors": [inv.message]})
                } else {
                    let map: Map<String, Value> = inv
                        .fields
                        .iter()
                        .map(|(k, m)| (k.clone(), json!([m])))
                        .collect();
                    Value::Object(map)
                }
            }
            Error::Duplicate => json!({"non_field_errors": [
                "The fields website, integration_type, name must make a unique set."
            ]}),
            Error::RateLimited { wait } => {
                json!({"detail": Error::throttle_message(*wait), "wait": wait})
            }
            Error::Busy { wait, what } => {
                json!({"detail": Error::busy_message(*wait, what), "wait": wait})
            }
            Error::Conflict => {
                json!({"detail": "The record was changed by someone else while saving; load it again and retry."})
            }
            Error::BadRequest(m) => json!({"detail": m}),
            Error::TooLarge(n) => json!({"detail": Error::too_large_message(*n)}),
            Error::MethodNotAllowed => json!({"detail": "Method not allowed."}),
            Error::Internal(_) => json!({"detail": "A server error occurred."}),
        }
    }
}

impl From<DbError> for Error {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Duplicate => Error::Duplicate,
            other => Error::Internal(other.to_string()),
        }
    }
}

/// Which API's error shape a path answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `/api/integrations/...`
    First,
    /// Everything else (`/api/v1/...`, `/healthz`, unknown paths).
    Second,
}

impl Flavor {
    pub fn for_path(path: &str) -> Flavor {
        if path.starts_with("/api/integrations") {
            Flavor::First
        } else {
            Flavor::Second
        }
    }

    pub fn render(self, error: &Error) -> Response {
        match self {
            Flavor::First => error.respond(error.first_body()),
            Flavor::Second => error.respond(error.second_body()),
        }
    }
}

/// An error answered in one document's shape: [`First`] or [`Second`].
#[derive(Debug)]
pub struct Shaped<const SECOND: bool>(pub Error);

/// An error answered in the first document's shape.
pub type First = Shaped<false>;

/// An error answered in the second document's shape.
pub type Second = Shaped<true>;

impl<const SECOND: bool> From<Error> for Shaped<SECOND> {
    fn from(e: Error) -> Self {
        Shaped(e)
    }
}

impl<const SECOND: bool> From<DbError> for Shaped<SECOND> {
    fn from(e: DbError) -> Self {
        Shaped(e.into())
    }
}

impl<const SECOND: bool> IntoResponse for Shaped<SECOND> {
    fn into_response(self) -> Response {
        let flavor = if SECOND {
            Flavor::Second
        } else {
            Flavor::First
        };
        flavor.render(&self.0)
    }
}

/// An extractor's rejection, answered in the shape of the path's API.
#[derive(Debug)]
pub struct Rejection(pub Error, pub Flavor);

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        self.1.render(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn each_api_gets_its_own_shape() {
        let invalid = Error::Invalid(Invalid::fields(BTreeMap::from([
            ("api_key".to_owned(), "API key is required.".to_owned()),
            ("name".to_owned(), "This field is required.".to_owned()),
        ])));
        assert_eq!(
            invalid.first_body(),
            json!({"error": "Please fix 2 settings: api_key: API key is required; name: This field is required.",
                   "fields": {"api_key": "API key is required.", "name": "This field is required."}})
        );
        assert_eq!(
            invalid.second_body(),
            json!({"api_key": ["API key is required."], "name": ["This field is required."]})
        );
        assert_eq!(
            Error::RateLimited { wait: 1 }.second_body(),
            json!({"detail": "Request was throttled. Expected available in 1 second.", "wait": 1})
        );
        assert_eq!(Error::NotFound.status_code(), StatusCode::NOT_FOUND);
        let internal = Error::Internal("disk on fire at /var/secret".into());
        assert!(!internal.first_body().to_string().contains("secret"));
        assert!(!internal.second_body().to_string().contains("secret"));
    }
}
