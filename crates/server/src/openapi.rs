//! The OpenAPI 3.1 document of both APIs, built here and served at
//! `/api/openapi.json`. docs/openapi.json in the repository is the same
//! text; a test checks they are equal and that every route of the router is
//! documented with exactly its methods (`UPDATE_OPENAPI=1` rewrites the file).

use serde_json::{json, Map, Value};
use std::sync::OnceLock;

/// The document as pretty JSON text with a final newline.
pub fn document_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut text = serde_json::to_string_pretty(&document()).expect("JSON serializes");
        text.push('\n');
        text
    })
}

pub(crate) fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn body(schema_name: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema(schema_name)}}})
}

fn answer(description: &str, schema_name: Option<&str>) -> Value {
    match schema_name {
        Some(s) => {
            json!({"description": description, "content": {"application/json": {"schema": schema(s)}}})
        }
        None => json!({"description": description}),
    }
}

/// One operation. `responses` are (status, description, schema).
pub(crate) fn op(
    tag: &str,
    summary: &str,
    request: Option<&str>,
    responses: &[(&str, &str, Option<&str>)],
    params: &[Value],
) -> Value {
    let mut o = Map::new();
    o.insert("tags".into(), json!([tag]));
    o.insert("summary".into(), json!(summary));
    if !params.is_empty() {
        o.insert("parameters".into(), json!(params));
    }
    if let Some(r) = request {
        o.insert("requestBody".into(), body(r));
    }
    // An operation's own description of a status wins over the common one.
    let mut res = Map::new();
    for (code, desc, s) in responses {
        res.entry(*code).or_insert_with(|| answer(desc, *s));
    }
    o.insert("responses".into(), Value::Object(res));
    Value::Object(o)
}

pub(crate) fn public(mut operation: Value) -> Value {
    operation["security"] = json!([]);
    operation
}

pub(crate) fn query(name: &str, kind: &str, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": {"type": kind}, "description": description})
}

pub(crate) fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}})
}

const E1: Option<&str> = Some("FirstError");
const E1V: Option<&str> = Some("FirstBadRequest");
pub(crate) const E2: Option<&str> = Some("Detail");
pub(crate) const E2V: Option<&str> = Some("BadRequest");

/// One documented answer of an operation: status, description, schema.
pub(crate) type Answer = (&'static str, &'static str, Option<&'static str>);

/// The answers every path of an API (or of one of its resources) has: 401,
/// 403 when only some may call it (`forbidden` says who) and 405, with the
/// API's error schema.
/// Why a service token is refused outside the credential endpoint.
pub(crate) const SERVICE: &str = "A service token: it reads credentials only";

pub(crate) fn common(error: Option<&'static str>, forbidden: Option<&'static str>) -> Vec<Answer> {
    let mut v = vec![("401", "No or bad bearer token", error)];
    v.extend(forbidden.map(|who| ("403", who, error)));
    v.push(("405", "Wrong method", error));
    v
}

/// An operation's own answers, then those every path of its API has.
pub(crate) fn with_common(extra: &[Answer], common: &[Answer]) -> Vec<Answer> {
    let mut v = extra.to_vec();
    v.extend_from_slice(common);
    v
}

fn first_paths(p: &mut Map<String, Value>) {
    let t = "integrations (first document)";
    let common = common(E1, Some(SERVICE));
    let with = |extra: &[Answer]| with_common(extra, &common);
    p.insert("/api/integrations/".into(), json!({
        "get": op(t, "List integrations the caller may see, newest first", None,
            &with(&[("200", "The list", Some("FirstList")), ("400", "Unknown type, a bad limit or offset, or include_trashed not a boolean", E1V)]),
            &[query("type", "string", "Only this integration type (email, whatsapp, sms, signup_page, facebook, ...)"),
              query("limit", "integer", "Rows per answer, 1 to 1000 (default 500)"),
              query("offset", "integer", "Rows to skip (default 0)"),
              query("include_trashed", "boolean", "true: list integrations in the Trash too (left out by default)")]),
        "post": op(t, "Create an integration (pending and inactive until configured)", Some("FirstCreate"),
            &with(&[("201", "Created", Some("FirstCreated")), ("400", "Field errors", E1V), ("403", "Viewers cannot create", E1), ("413", "Body too large", E1)]), &[]),
    }));
    p.insert(
        "/api/integrations/stats/".into(),
        json!({
            "get": op(t, "Counts over the integrations the caller may see", None,
                &with(&[("200", "Counts", Some("FirstStats"))]), &[]),
        }),
    );
    let id = [id_param()];
    p.insert("/api/integrations/{id}/".into(), json!({
        "get": op(t, "One integration (secrets are never returned)", None,
            &with(&[("200", "The integration", Some("FirstDetail")), ("404", "Unknown, someone else's", E1)]), &id),
        "put": op(t, "Change name, provider, status, is_active or config (config keys given replace stored ones; null removes one)", Some("FirstUpdate"),
            &with(&[("200", "Saved", Some("FirstUpdated")), ("400", "Field errors", E1V), ("403", "Viewers cannot change", E1), ("404", "Not found", E1), ("409", "Changed meanwhile", E1), ("413", "Body too large", E1)]), &id),
        "delete": op(t, "Delete an integration and its logs", None,
            &with(&[("200", "Deleted", Some("Success")), ("403", "Viewers cannot delete", E1), ("404", "Not found", E1)]), &id),
    }));
    for (segment, schema_name, type_id) in [
        ("email", "ConfigureEmail", "email"),
        ("whatsapp", "ConfigureWhatsapp", "whatsapp"),
        ("sms", "ConfigureSms", "sms"),
        ("signup", "ConfigureSignup", "signup_page"),
        ("facebook", "ConfigureFacebook", "facebook"),
    ] {
        let summary = format!("Configure a {type_id} integration: validates every field with the catalog, seals secrets (absent secrets keep their stored value), sets status active and is_active true. Without `provider` the integration's current provider is kept.");
        p.insert(format!("/api/integrations/{{id}}/configure/{segment}/"), json!({
            "post": op(t, &summary, Some(schema_name),
                &with(&[("200", "Configured", Some("Configured")), ("400", "Field errors", E1V), ("403", "Viewers cannot configure", E1), ("404", "Not found, or not of this type", E1), ("413", "Body too large", E1)]), &id),
        }));
    }
    p.insert("/api/integrations/{id}/test/".into(), json!({
        "post": op(t, "Run the provider's connection check; updates status, last_sync_at, last_error, error_count and writes a log entry", None,
            &with(&[("200", "The outcome (success false when the provider says no)", Some("TestResult")), ("403", "Viewers cannot test", E1), ("404", "Not found", E1), ("429", "Too many tests; see Retry-After", Some("Throttled"))]), &id),
    }));
    p.insert(
        "/api/integrations/{id}/logs/".into(),
        json!({
            "get": op(t, "The newest 50 log entries", None,
                &with(&[("200", "Logs", Some("FirstLogs")), ("404", "Not found", E1)]), &id),
        }),
    );
}

fn second_paths(p: &mut Map<String, Value>) {
    let t = "website integrations (second document)";
    let common = common(E2, Some("Only admins manage this resource"));
    let with = |extra: &[Answer]| with_common(extra, &common);
    p.insert("/api/v1/websites/integrations/".into(), json!({
        "get": op(t, "List, 25 per page, newest first; secrets masked", None,
            &with(&[("200", "A page", Some("SecondPage")), ("400", "Bad filter", E2V), ("404", "Invalid page", E2)]),
            &[query("website", "integer", "Website id"), query("integration_type", "string", "Provider id, e.g. stripe"),
              query("is_active", "boolean", "true or false"), query("page", "integer", "Page number (1 first)"),
              query("include_trashed", "boolean", "true: list integrations in the Trash too (left out by default)")]),
        "post": op(t, "Create; secrets are write-only", Some("SecondWrite"),
            &with(&[("201", "Created", Some("SecondWritten")), ("400", "Field errors or a duplicate (website, integration_type, name)", E2V), ("413", "Body too large", E2)]), &[]),
    }));
    let id = [id_param()];
    p.insert("/api/v1/websites/integrations/{id}/".into(), json!({
        "get": op(t, "One integration, secrets masked", None,
            &with(&[("200", "The integration", Some("SecondRead")), ("404", "Not found", E2)]), &id),
        "put": op(t, "Update with website, integration_type and name required; other fields left out keep their values. Secrets: absent keeps, \"\" clears, a value replaces", Some("SecondWrite"),
            &with(&[("200", "Saved", Some("SecondWritten")), ("400", "Field errors", E2V), ("404", "Not found", E2), ("409", "Changed meanwhile", E2)]), &id),
        "patch": op(t, "Change what is given. Secrets: absent keeps, \"\" clears, a value replaces", Some("SecondWrite"),
            &with(&[("200", "Saved", Some("SecondWritten")), ("400", "Field errors", E2V), ("404", "Not found", E2), ("409", "Changed meanwhile", E2)]), &id),
        "delete": op(t, "Delete", None, &with(&[("204", "Deleted", None), ("404", "Not found", E2)]), &id),
    }));
}

fn other_paths(p: &mut Map<String, Value>) {
    let t = "websites";
    let id = [id_param()];
    let e = common(E2, Some(SERVICE));
    let with = |extra: &[Answer]| with_common(extra, &e);
    p.insert("/api/v1/websites/".into(), json!({
        "get": op(t, "Websites the caller belongs to (admins: all)", None, &with(&[("200", "A page", Some("WebsitePage")), ("400", "A query parameter holds a NUL character", E2V), ("404", "Invalid page", E2)]), &[query("page", "integer", "Page number")]),
        "post": op(t, "Create a website (admins)", Some("WebsiteWrite"), &with(&[("201", "Created", Some("Website")), ("400", "Field errors", E2V), ("403", "Admins only", E2)]), &[]),
    }));
    p.insert("/api/v1/websites/{id}/".into(), json!({
        "get": op(t, "One website", None, &with(&[("200", "The website", Some("Website")), ("404", "Not found", E2)]), &id),
        "put": op(t, "Replace (admins; name required)", Some("WebsiteWrite"), &with(&[("200", "Saved", Some("Website")), ("400", "Field errors", E2V), ("403", "Admins only", E2), ("404", "Not found", E2)]), &id),
        "patch": op(t, "Change what is given (admins); members replace the list", Some("WebsiteWrite"), &with(&[("200", "Saved", Some("Website")), ("400", "Field errors", E2V), ("403", "Admins only", E2), ("404", "Not found", E2)]), &id),
        "delete": op(t, "Delete a website without integrations (admins)", None, &with(&[("204", "Deleted", None), ("400", "Still has integrations", E2), ("403", "Admins only", E2), ("404", "Not found", E2)]), &id),
    }));
    let a = "authentication";
    p.insert("/api/v1/auth/login/".into(), json!({
        "post": public(op(a, "Email and password for a short-lived access token and a refresh token", Some("Login"),
            &[("200", "Tokens", Some("Tokens")), ("400", "Missing fields", E2V), ("401", "Wrong email or password", E2), ("429", "Too many failed logins for this account or client address: wait for Retry-After", E2), ("503", "Every password check slot is busy: retry after Retry-After", E2)], &[])),
    }));
    p.insert("/api/v1/auth/refresh/".into(), json!({
        "post": public(op(a, "A refresh token (usable once) for a new token pair", Some("Refresh"),
            &[("200", "Tokens", Some("Tokens")), ("400", "Missing field", E2V), ("401", "Unknown, used or expired refresh token", E2)], &[])),
    }));
    p.insert("/api/v1/auth/logout/".into(), json!({
        "post": public(op(a, "End a sign-in: every token of this refresh token's sign-in stops working (204 even if it was unknown)", Some("Refresh"),
            &[("204", "Signed out", None), ("400", "Missing field", E2V)], &[])),
    }));
    p.insert("/api/v1/auth/me/".into(), json!({
        "get": op(a, "The caller", None, &[("200", "The user", Some("Me")), ("401", "No or bad bearer token", E2), ("403", SERVICE, E2)], &[]),
    }));
    p.insert("/api/v1/audit/".into(), json!({
        "get": op("audit", "Who changed what and when (field names, never values); admins only", None,
            &[("200", "A page, newest first", Some("AuditPage")), ("400", "A filter that is not a number or a time", E2V), ("404", "Invalid page", E2), ("401", "No or bad bearer token", E2), ("403", "Admins only", E2)],
            &[query("integration", "integer", "Only this integration"), query("website", "integer", "Only this website"),
              query("action", "string", "Only this action, e.g. update, read-credentials, revoke-session"),
              query("actor", "string", "Only this actor, as written (an e-mail, cli, or a service token's label)"),
              query("since", "string", "At or after: a date (2026-12-04) or a UTC time (2026-12-04T10:00:00Z)"),
              query("until", "string", "Before: a date or a UTC time"),
              query("page", "integer", "Page number")]),
    }));
    p.insert("/healthz".into(), json!({
        "get": public(op("server", "Liveness and database check", None,
            &[("200", "Healthy", Some("Health")), ("503", "The database does not answer", Some("Health"))], &[])),
    }));
    p.insert("/api/openapi.json".into(), json!({
        "get": public(op("server", "This document", None, &[("200", "OpenAPI 3.1", None)], &[])),
    }));
}

pub(crate) fn obj(props: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": props, "required": required})
}

fn fields(keys: &[&str], required: &[&str]) -> Value {
    let props: Map<String, Value> = keys.iter().map(|k| ((*k).into(), json!({}))).collect();
    obj(Value::Object(props), required)
}

/// A timestamp, or null.
fn ts() -> Value {
    json!({"type": ["string", "null"], "format": "date-time"})
}

/// A masked secret, or null.
fn masked() -> Value {
    json!({"type": ["string", "null"], "description": "Masked: '*' x (len-4) + last 4; 1-4 characters give '****'; unset gives null"})
}

/// An integration's status.
fn status() -> Value {
    json!({"type": "string", "enum": ["active", "inactive", "error", "pending"]})
}

/// A page of `item`s.
fn page(item: &str) -> Value {
    obj(
        json!({"count": {"type": "integer"}, "next": {"type": ["string", "null"]}, "previous": {"type": ["string", "null"]}, "results": {"type": "array", "items": schema(item)}}),
        &["count", "next", "previous", "results"],
    )
}

/// Expiry and rotation on a detail (both APIs) and in sync: dates only.
fn add_dates(props: &mut Value, what: &str) {
    let ts = ts();
    props["secret_set_at"] = json!({"type": "object", "additionalProperties": ts, "description": format!("Secret key -> when its value was last set (RFC 3339; dates only, never the secret){what}")});
    props["expires_at"] = json!({"type": ["string", "null"], "format": "date-time", "description": format!("The credential's expiry as a provider stated it in the last check that reported one (null: none stated){what}")});
    props["expires_source"] = json!({"type": ["string", "null"], "description": format!("What stated expires_at, e.g. \"Meta debug_token\"{what}")});
}

fn schemas() -> Value {
    let mut m = Map::new();
    first_schemas(&mut m);
    configure_schemas(&mut m);
    second_schemas(&mut m);
    sync_schemas(&mut m);
    credential_schemas(&mut m);
    people_schemas(&mut m);
    release_schemas(&mut m);
    crate::receive::doc::schemas(&mut m);
    Value::Object(m)
}

/// The first document's bodies and answers.
fn first_schemas(m: &mut Map<String, Value>) {
    let ts = ts();
    let status = status();
    let summary = json!({"id": {"type": "integer"}, "name": {"type": "string"}, "integration_type": {"type": "string"}, "provider": {"type": "string"}, "status": status, "is_active": {"type": "boolean"}, "last_sync_at": ts, "error_count": {"type": "integer"}, "created_at": ts, "trashed_at": {"type": "string", "format": "date-time", "description": "Only while the integration is in the Trash (deleted on a laptop, restorable there for 30 days; is_active is then false). Left out otherwise"}});
    let mut detail = summary.clone();
    detail["config"] = json!({"type": "object", "description": "Public settings only"});
    detail["specific_config"] = json!({"type": "object", "description": "{} until configured, then the type's public settings"});
    detail["last_error"] = json!({"type": ["string", "null"]});
    add_dates(&mut detail, "");
    m.insert(
        "FirstError".into(),
        obj(json!({"error": {"type": "string"}}), &["error"]),
    );
    m.insert(
        "FirstBadRequest".into(),
        json!({"anyOf": [schema("FirstValidationError"), schema("FirstError")], "description": "Field errors, or an error when the body is not JSON or not an object"}),
    );
    m.insert("FirstValidationError".into(), obj(json!({"error": {"type": "string"}, "fields": {"type": "object", "additionalProperties": {"type": "string"}}}), &["error", "fields"]));
    m.insert("FirstList".into(), obj(json!({"integrations": {"type": "array", "items": {"type": "object", "properties": summary}}, "next": {"type": "string", "description": "Only when more rows follow: the path of the next page"}}), &["integrations"]));
    m.insert(
        "FirstDetail".into(),
        json!({"type": "object", "properties": detail}),
    );
    m.insert("FirstCreate".into(), obj(json!({"integration_type": {"type": "string"}, "name": {"type": "string"}, "provider": {"type": "string", "description": "Defaults to the type's default (email: smtp, sms: twilio)"}, "config": {"type": "object"}, "description": {"type": "string"}, "website": {"type": ["integer", "null"]}}), &["integration_type", "name"]));
    m.insert("FirstCreated".into(), obj(json!({"id": {"type": "integer"}, "name": {"type": "string"}, "integration_type": {"type": "string"}, "status": {"const": "pending"}}), &["id", "name", "integration_type", "status"]));
    m.insert("FirstUpdate".into(), obj(json!({"name": {"type": "string"}, "provider": {"type": "string"}, "status": status, "is_active": {"type": "boolean"}, "config": {"type": "object"}, "description": {"type": "string"}}), &[]));
    m.insert("FirstUpdated".into(), obj(json!({"id": {"type": "integer"}, "name": {"type": "string"}, "status": status, "is_active": {"type": "boolean"}}), &["id", "name", "status", "is_active"]));
    m.insert("FirstStats".into(), obj(json!({"total": {"type": "integer"}, "active": {"type": "integer"}, "inactive": {"type": "integer"}, "error": {"type": "integer"}, "by_type": {"type": "object", "additionalProperties": {"type": "integer"}}}), &["total", "active", "inactive", "error", "by_type"]));
    m.insert("FirstLogs".into(), obj(json!({"logs": {"type": "array", "items": obj(json!({"id": {"type": "integer"}, "level": {"type": "string", "enum": ["success", "error", "warning", "info"]}, "message": {"type": "string"}, "details": {}, "created_at": ts}), &["id", "level", "message", "details", "created_at"])}}), &["logs"]));
    m.insert(
        "Success".into(),
        obj(json!({"success": {"const": true}}), &["success"]),
    );
    m.insert("Configured".into(), obj(json!({"success": {"const": true}, "integration_id": {"type": "integer"}, "config_id": {"type": "integer"}}), &["success", "integration_id", "config_id"]));
    m.insert(
        "TestResult".into(),
        obj(
            json!({"success": {"type": "boolean"}, "message": {"type": "string"}}),
            &["success", "message"],
        ),
    );
    m.insert("Throttled".into(), obj(json!({"detail": {"type": "string"}, "wait": {"type": "integer"}, "error": {"type": "string"}}), &["detail", "wait"]));
}

/// The first document's configure bodies, by type.
fn configure_schemas(m: &mut Map<String, Value>) {
    m.insert(
        "ConfigureEmail".into(),
        fields(
            &[
                "provider",
                "api_key",
                "from_email",
                "from_name",
                "reply_to_email",
                "smtp_host",
                "smtp_port",
                "smtp_username",
                "smtp_password",
                "smtp_use_tls",
                "aws_region",
                "aws_access_key_id",
                "aws_secret_access_key",
            ],
            &["from_email"],
        ),
    );
    m.insert(
        "ConfigureWhatsapp".into(),
        fields(
            &[
                "phone_number_id",
                "business_account_id",
                "access_token",
                "webhook_verify_token",
                "webhook_url",
            ],
            &["phone_number_id", "business_account_id", "access_token"],
        ),
    );
    m.insert(
        "ConfigureSms".into(),
        fields(
            &[
                "provider",
                "account_sid",
                "auth_token",
                "api_key",
                "api_secret",
                "from_phone_number",
                "aws_region",
                "aws_access_key_id",
                "aws_secret_access_key",
            ],
            &["from_phone_number"],
        ),
    );
    m.insert(
        "ConfigureSignup".into(),
        fields(
            &[
                "page_url",
                "embed_code",
                "api_endpoint",
                "api_key",
                "form_fields",
                "redirect_url",
                "auto_create_contact",
                "apply_tag",
                "trigger_campaign_id",
            ],
            &[],
        ),
    );
    m.insert(
        "ConfigureFacebook".into(),
        fields(
            &[
                "app_id",
                "app_secret",
                "access_token",
                "page_id",
                "page_access_token",
                "enable_lead_ads",
                "lead_form_id",
                "enable_messenger",
                "webhook_verify_token",
                "webhook_url",
                "auto_create_contact_from_leads",
                "trigger_campaign_on_lead",
            ],
            &["app_id", "app_secret", "access_token"],
        ),
    );
}

/// The second document's, websites', accounts' and audit schemas.
fn second_schemas(m: &mut Map<String, Value>) {
    let ts = ts();
    let masked = masked();
    m.insert(
        "Detail".into(),
        obj(json!({"detail": {"type": "string"}}), &["detail"]),
    );
    m.insert(
        "BadRequest".into(),
        json!({"anyOf": [schema("FieldErrors"), schema("Detail")], "description": "Field errors, or a detail when the body is not JSON or not an object"}),
    );
    m.insert("FieldErrors".into(), json!({"type": "object", "description": "{\"<field>\": [\"message\"]}; a duplicate gives {\"non_field_errors\": [\"The fields website, integration_type, name must make a unique set.\"]}", "additionalProperties": {"type": "array", "items": {"type": "string"}}}));
    let mut read = json!({"id": {"type": "integer"}, "website": {"type": ["integer", "null"]}, "integration_type": {"type": "string"}, "is_active": {"type": "boolean"}, "api_key": masked, "secret_key": masked, "access_token": masked, "config": {"type": "object", "description": "Fields without a slot; secret ones masked"}, "name": {"type": "string"}, "description": {"type": "string"}, "created_at": ts, "updated_at": ts, "created_by": {"type": ["integer", "null"]}, "trashed_at": {"type": "string", "format": "date-time", "description": "Only while the integration is in the Trash (deleted on a laptop, restorable there for 30 days; is_active is then false). Left out otherwise"}});
    add_dates(&mut read, " (detail only)");
    m.insert(
        "SecondRead".into(),
        obj(
            read,
            &[
                "id",
                "website",
                "integration_type",
                "is_active",
                "api_key",
                "secret_key",
                "access_token",
                "config",
                "name",
                "description",
                "created_at",
                "updated_at",
                "created_by",
            ],
        ),
    );
    m.insert("SecondWrite".into(), obj(json!({"website": {"type": "integer"}, "integration_type": {"type": "string", "description": "A provider of the second document (stripe, sendgrid, twilio, ..., custom)"}, "name": {"type": "string"}, "is_active": {"type": "boolean", "default": true}, "config": {"type": "object"}, "description": {"type": "string"}, "api_key": {"type": ["string", "null"], "writeOnly": true}, "secret_key": {"type": ["string", "null"], "writeOnly": true}, "access_token": {"type": ["string", "null"], "writeOnly": true}}), &["website", "integration_type", "name"]));
    m.insert("SecondWritten".into(), obj(json!({"id": {"type": "integer"}, "website": {"type": ["integer", "null"]}, "integration_type": {"type": "string"}, "is_active": {"type": "boolean"}, "config": {"type": "object"}, "name": {"type": "string"}, "description": {"type": "string"}}), &["id", "website", "integration_type", "is_active", "config", "name", "description"]));
    m.insert("SecondPage".into(), page("SecondRead"));
    m.insert("Website".into(), obj(json!({"id": {"type": "integer"}, "name": {"type": "string"}, "domain": {"type": "string"}, "members": {"type": "array", "items": {"type": "integer"}}, "created_at": ts, "updated_at": ts}), &["id", "name", "domain", "members"]));
    m.insert("WebsiteWrite".into(), obj(json!({"name": {"type": "string"}, "domain": {"type": "string"}, "members": {"type": "array", "items": {"type": "integer"}}}), &[]));
    m.insert("WebsitePage".into(), page("Website"));
    m.insert(
        "Login".into(),
        obj(
            json!({"email": {"type": "string"}, "password": {"type": "string"}, "device": {"type": "string", "maxLength": 100, "description": "Names this sign-in in the admin's device list (a refresh keeps it); default \"login\""}}),
            &["email", "password"],
        ),
    );
    m.insert(
        "Refresh".into(),
        obj(
            json!({"refresh_token": {"type": "string"}}),
            &["refresh_token"],
        ),
    );
    m.insert("Tokens".into(), obj(json!({"access_token": {"type": "string"}, "refresh_token": {"type": "string"}, "token_type": {"const": "Bearer"}, "expires_in": {"type": "integer"}, "refresh_expires_in": {"type": "integer"}, "user": {"type": "object"}}), &["access_token", "refresh_token", "token_type", "expires_in"]));
    m.insert("Me".into(), obj(json!({"id": {"type": "integer"}, "email": {"type": "string"}, "role": {"type": "string", "enum": ["admin", "member", "viewer"]}, "websites": {"type": "array", "items": {"type": "integer"}}}), &["id", "email", "role", "websites"]));
    m.insert("AuditPage".into(), page("AuditEntry"));
    m.insert("AuditEntry".into(), obj(json!({"id": {"type": "integer"}, "at": ts, "actor": {"type": "object"}, "action": {"type": "string"}, "integration": {"type": ["integer", "null"]}, "website": {"type": ["integer", "null"]}, "fields": {"type": "array", "items": {"type": "string"}}, "via": {"type": "string"}}), &["id", "at", "actor", "action", "fields", "via"]));
    m.insert("Health".into(), obj(json!({"status": {"type": "string"}, "database": {"type": "string", "enum": ["sqlite", "postgres"]}}), &["status", "database"]));
}

/// The sync protocol's bodies and answers.
fn sync_schemas(m: &mut Map<String, Value>) {
    let ts = ts();
    let status = status();
    let field_revs = json!({"type": "object", "additionalProperties": {"type": "integer"}, "description": "Field name (name, description, provider, is_active, website, trashed_at, config.<key>, secret.<key>) -> revision at which it last changed; missing counts as 1"});
    m.insert("SyncWebsite".into(), obj(json!({"uid": {"type": "string"}, "name": {"type": "string"}, "domain": {"type": "string"}, "seq": {"type": "integer"}}), &["uid", "name"]));
    let mut pulled = json!({
        "uid": {"type": "string"}, "seq": {"type": "integer"}, "deleted": {"type": "boolean"}, "revision": {"type": "integer"},
        "id": {"type": "integer"}, "website": {"type": ["string", "null"], "description": "Website uid"},
        "integration_type": {"type": "string"}, "provider": {"type": "string"}, "name": {"type": "string"}, "description": {"type": "string"},
        "is_active": {"type": "boolean"}, "config": {"type": "object", "description": "Public settings"},
        "secrets": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Secret key -> masked value; never plain text"},
        "field_revs": field_revs, "status": {"anyOf": [status, {"const": "", "description": "In a deletion"}]}, "last_sync_at": ts, "last_error": {"type": ["string", "null"]},
        "error_count": {"type": "integer"}, "updated_at": ts,
        "trashed_at": {"type": "string", "format": "date-time", "description": "When it was moved to the Trash; absent when it is not there"},
    });
    add_dates(&mut pulled, "");
    m.insert(
        "SyncPulledIntegration".into(),
        obj(pulled, &["uid", "seq", "revision"]),
    );
    m.insert("SyncPullPage".into(), obj(json!({"websites": {"type": "array", "items": schema("SyncWebsite")}, "changes": {"type": "array", "items": schema("SyncPulledIntegration")}, "next": {"type": "integer", "description": "The cursor to store once the page is applied"}, "more": {"type": "boolean"}}), &["websites", "changes", "next", "more"]));
    let mut change = json!({
        "uid": {"type": "string"}, "base_revision": {"type": "integer", "description": "The server revision last seen; 0 creates"},
        "integration_type": {"type": "string", "description": "Needed when creating"},
        "set": {"type": "object", "description": "name, description, provider, is_active, website (uid or null), trashed_at (an RFC 3339 UTC time, or null to restore from the Trash), config.<key>"},
        "secrets": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Secret key -> plain value (sealed at rest, never returned)"},
        "delete": {"type": "boolean"},
    });
    add_dates(&mut change, " (of the secrets this change sends)");
    m.insert(
        "SyncPushChange".into(),
        obj(change, &["uid", "base_revision"]),
    );
    m.insert("SyncPushBatch".into(), obj(json!({"batch_id": {"type": "string", "description": "New per batch, the same on a retry"}, "client_id": {"type": "string", "maxLength": 200, "description": "The laptop's stable id (a UUID): stored as the last writer of every integration the batch creates, changes or deletes, so that pulls with client=<id> leave those changes out"}, "websites": {"type": "array", "items": schema("SyncWebsite")}, "changes": {"type": "array", "maxItems": 500, "items": schema("SyncPushChange")}}), &["batch_id"]));
    m.insert("SyncPushResult".into(), obj(json!({
        "uid": {"type": "string"}, "outcome": {"type": "string", "enum": ["applied", "merged", "conflict", "gone", "deleted", "invalid"]},
        "revision": {"type": "integer"}, "id": {"type": "integer"},
        "conflicts": {"type": "array", "items": obj(json!({"field": {"type": "string"}, "theirs": {"description": "The server's value (secrets masked)"}, "revision": {"type": "integer"}}), &["field", "theirs", "revision"])},
        "message": {"type": "string"}, "fields": {"type": "object", "additionalProperties": {"type": "string"}},
    }), &["uid", "outcome"]));
    m.insert("SyncPushAnswer".into(), obj(json!({"batch_id": {"type": "string"}, "results": {"type": "array", "items": schema("SyncPushResult")}}), &["batch_id", "results"]));
}
fn sync_paths(p: &mut Map<String, Value>) {
    let t = "sync";
    p.insert("/api/v1/sync/pull".into(), json!({
        "get": op(t, "Changes (websites, integrations and deletions) with a sequence number above `since`, by sequence; secrets masked. Any signed-in user; members see their own and their websites' integrations", None,
            &[("200", "A page of changes", Some("SyncPullPage")), ("400", "Bad since or limit", E2), ("401", "No or bad bearer token", E2), ("403", SERVICE, E2), ("405", "Wrong method", E2)],
            &[query("since", "integer", "The cursor: the `next` of the last page applied (0 at first)"),
              query("limit", "integer", "At most this many websites and this many integration changes (default 500, at most 1000)"),
              query("client", "string", "The pulling laptop's client_id: integration changes and deletions it pushed itself (and nobody changed since) are left out; `next` still advances past them")]),
    }));
    p.insert("/api/v1/sync/push".into(), json!({
        "post": op(t, "Apply a batch of changes all or nothing, merged field by field against base_revision; a batch_id seen before gets its stored answer and changes nothing. Admins and members; at most 500 changes and 8 MiB", Some("SyncPushBatch"),
            &[("200", "One result per change", Some("SyncPushAnswer")), ("400", "Not a push batch, or more than 500 changes", E2), ("401", "No or bad bearer token", E2), ("403", "Viewers cannot push", E2), ("405", "Wrong method", E2), ("409", "Changed meanwhile too often; retry", E2), ("413", "Body over 8 MiB", E2)], &[]),
    }));
}

fn credential_paths(p: &mut Map<String, Value>) {
    let t = "credentials (for the platform)";
    p.insert("/api/v1/credentials/".into(), json!({
        "get": op(t, "The decrypted settings and secrets of the active integration(s) of a website and type, newest change first (the product document's get_active_integration / get_integration_credentials). Service tokens only; every fetch is audited per integration (field names, never values) and counted against the token's rate limit. Example: curl -H 'Authorization: Bearer sbs_...' 'http://127.0.0.1:8787/api/v1/credentials/?website=1&type=stripe'", None,
            &[("200", "The active integration(s)", Some("Credentials")), ("400", "Missing type, or a website that is not an id", E2V), ("401", "No, unknown, revoked or expired service token", E2), ("403", "A user's token: credentials are read with a service token", E2), ("404", "Nothing active of this type for this website, or outside the token's scope", E2), ("405", "Wrong method", E2), ("429", "Over the token's rate limit: wait for Retry-After", E2)],
            &[json!({"name": "type", "in": "query", "required": true, "schema": {"type": "string"}, "description": "An integration type (email, sms, ...), a provider (sendgrid, stripe, ...) or the second document's key (nexmo, ...)"}),
              query("website", "integer", "The website's id; without it, integrations that belong to no website")]),
    }));
    let common = common(E2, Some("Admins only (a service token is refused too)"));
    let with = |extra: &[Answer]| with_common(extra, &common);
    p.insert("/api/v1/service-tokens/".into(), json!({
        "get": op(t, "Every service token (never the token itself)", None, &with(&[("200", "The tokens", Some("ServiceTokenList"))]), &[]),
        "post": op(t, "Make a service token, scoped to one website (or all) and to integration types; the token is in this answer only", Some("ServiceTokenWrite"),
            &with(&[("201", "Made; `token` is shown once", Some("ServiceTokenMade")), ("400", "Field errors", E2V)]), &[]),
    }));
    p.insert("/api/v1/service-tokens/{id}/".into(), json!({
        "delete": op(t, "Revoke: refused from the next request on, by every server", None, &with(&[("204", "Revoked", None), ("404", "Not found", E2)]), &[id_param()]),
    }));
}

fn people_paths(p: &mut Map<String, Value>) {
    let t = "people and devices (admins)";
    let common = common(E2, Some("Admins only (a service token is refused too)"));
    let with = |extra: &[Answer]| with_common(extra, &common);
    let id = [id_param()];
    p.insert("/api/v1/users/".into(), json!({
        "get": op(t, "Every user with role, websites and whether disabled", None, &with(&[("200", "The users", Some("UserList"))]), &[]),
        "post": op(t, "Create a user with a password (at least 10 characters); role member unless given", Some("UserCreate"),
            &with(&[("201", "Created", Some("User")), ("400", "Field errors (email taken, short password, unknown website)", E2V)]), &[]),
    }));
    p.insert("/api/v1/users/{id}/".into(), json!({
        "get": op(t, "One user", None, &with(&[("200", "The user", Some("User")), ("404", "Not found", E2)]), &id),
        "patch": op(t, "Change role, websites (replacing the list), password or disabled. A password reset or disabling ends every sign-in and token of the user at once; the last admin who can sign in stays one", Some("UserChange"),
            &with(&[("200", "Saved, with revoked_tokens", Some("User")), ("400", "Field errors, or the last admin", E2V), ("404", "Not found", E2)]), &id),
        "delete": op(t, "Delete a user who owns no integrations (disable one who does); their tokens end at once", None,
            &with(&[("204", "Deleted", None), ("400", "Owns integrations, or the last admin", E2), ("404", "Not found", E2)]), &id),
    }));
    p.insert("/api/v1/users/{id}/sessions/".into(), json!({
        "get": op(t, "The user's sign-ins (by device) and API tokens, with when made and last used; never a token", None,
            &with(&[("200", "The sessions", Some("SessionList")), ("404", "Not found", E2)]), &id),
        "delete": op(t, "End every sign-in and API token of the user", None,
            &with(&[("200", "How many tokens ended", Some("Revoked")), ("404", "Not found", E2)]), &id),
    }));
    p.insert("/api/v1/users/{id}/sessions/{session}/".into(), json!({
        "delete": op(t, "End one sign-in (its access and refresh tokens) or API token", None,
            &with(&[("204", "Ended", None), ("404", "No such session of this user", E2)]),
            &[id_param(), json!({"name": "session", "in": "path", "required": true, "schema": {"type": "string"}, "description": "A session id from the list"})]),
    }));
}

fn people_schemas(m: &mut Map<String, Value>) {
    let user = json!({"id": {"type": "integer"}, "email": {"type": "string"}, "role": {"type": "string", "enum": ["admin", "member", "viewer"]}, "websites": {"type": "array", "items": {"type": "integer"}}, "disabled": {"type": "boolean"}, "disabled_at": {"type": ["string", "null"]}, "created_at": {"type": "string"}, "revoked_tokens": {"type": "integer", "description": "After a change: tokens it ended"}});
    m.insert(
        "User".into(),
        obj(user, &["id", "email", "role", "websites", "disabled"]),
    );
    m.insert("UserList".into(), obj(json!({"count": {"type": "integer"}, "results": {"type": "array", "items": schema("User")}}), &["count", "results"]));
    let change = json!({"role": {"type": "string", "enum": ["admin", "member", "viewer"]}, "websites": {"type": "array", "items": {"type": "integer"}}, "password": {"type": "string", "minLength": 10, "writeOnly": true}, "disabled": {"type": "boolean"}});
    m.insert("UserChange".into(), obj(change.clone(), &[]));
    let mut create = change;
    create["email"] = json!({"type": "string"});
    m.insert("UserCreate".into(), obj(create, &["email", "password"]));
    m.insert("Session".into(), obj(json!({"id": {"type": "string"}, "kind": {"type": "string", "enum": ["sign-in", "api"]}, "name": {"type": "string", "description": "The device of a sign-in, or the API token's name"}, "created_at": {"type": "string"}, "last_used_at": {"type": ["string", "null"], "description": "Noted at most once a minute"}, "expires_at": {"type": ["integer", "null"]}}), &["id", "kind", "name", "created_at"]));
    m.insert("SessionList".into(), obj(json!({"count": {"type": "integer"}, "results": {"type": "array", "items": schema("Session")}}), &["count", "results"]));
    m.insert(
        "Revoked".into(),
        obj(
            json!({"revoked_tokens": {"type": "integer"}}),
            &["revoked_tokens"],
        ),
    );
}

fn credential_schemas(m: &mut Map<String, Value>) {
    let nullable = json!({"type": ["string", "null"]});
    m.insert("Credential".into(), obj(json!({
        "id": {"type": "integer"}, "uid": {"type": "string"}, "website": {"type": ["integer", "null"]},
        "integration_type": {"type": "string"}, "provider": {"type": "string"}, "name": {"type": "string"},
        "status": {"type": "string"}, "api_key": nullable, "secret_key": nullable, "access_token": nullable,
        "config": {"type": "object", "description": "Public settings"},
        "secrets": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Every secret field in plain text"},
        "unreadable_secrets": {"type": "array", "items": {"type": "string"}, "description": "Secret fields that could not be decrypted (damaged); empty normally"},
        "updated_at": {"type": "string"},
    }), &["id", "uid", "integration_type", "provider", "name", "config", "secrets"]));
    m.insert("Credentials".into(), obj(json!({"website": {"type": ["integer", "null"]}, "type": {"type": "string"}, "count": {"type": "integer"}, "results": {"type": "array", "items": schema("Credential")}}), &["type", "count", "results"]));
    let token_props = json!({"id": {"type": "integer"}, "name": {"type": "string"}, "website": {"type": ["integer", "null"], "description": "null: every website"}, "types": {"type": "array", "items": {"type": "string"}}, "expires_at": {"type": ["integer", "null"], "description": "Unix seconds; null never expires"}, "created_by": {"type": ["integer", "null"]}, "created_at": {"type": "string"}, "last_used_at": {"type": ["string", "null"]}});
    m.insert(
        "ServiceToken".into(),
        obj(token_props.clone(), &["id", "name", "website", "types"]),
    );
    let mut made = token_props;
    made["token"] = json!({"type": "string", "description": "sbs_...; shown once"});
    m.insert(
        "ServiceTokenMade".into(),
        obj(made, &["id", "name", "types", "token"]),
    );
    m.insert("ServiceTokenList".into(), obj(json!({"count": {"type": "integer"}, "results": {"type": "array", "items": schema("ServiceToken")}}), &["count", "results"]));
    m.insert("ServiceTokenWrite".into(), obj(json!({"name": {"type": "string", "maxLength": 100}, "website": {"type": ["integer", "null"]}, "types": {"type": "array", "items": {"type": "string"}, "minItems": 1, "description": "Integration types or providers; [\"*\"] for every type"}, "expires_days": {"type": ["integer", "null"], "minimum": 1, "maximum": 3650}}), &["name", "types"]));
}

pub(crate) fn path_param(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}, "description": description})
}

fn release_paths(p: &mut Map<String, Value>) {
    let t = "desktop releases and updates";
    let version = path_param("version", "A semantic version, e.g. 0.1.1");
    let platform = path_param("platform", "OS-ARCH or OS-ARCH-BUNDLE: linux, darwin or windows; x86_64, aarch64, i686 or armv7; deb, rpm, appimage, msi, nsis or app (e.g. linux-x86_64-deb)");
    let key = [version.clone(), platform.clone()];
    let signed_in = common(E2, Some(SERVICE));
    let common = common(E2, Some("Admins only (a service token is refused too)"));
    let with = |extra: &[Answer]| with_common(extra, &common);
    p.insert(crate::api::releases::LIST_PATH.into(), json!({
        "get": op(t, "Every uploaded release (never the artifact), newest version first; any signed-in person", None,
            &with_common(&[("200", "The releases", Some("ReleaseList"))], &signed_in), &[]),
    }));
    let mut upload = op(t, "Upload a signed release (admins): the artifact's bytes (.deb, .rpm, .msi, .exe, .dmg, .AppImage.tar.gz, .app.tar.gz) as the body, the Tauri signer's .sig text in X-Release-Signature (its shape is checked; the app checks it against its pinned key). Replaces the release of the same version and platform. Example: curl -X PUT -H 'Authorization: Bearer $TOKEN' -H \"X-Release-Signature: $(cat app.deb.sig)\" --data-binary @app.deb $SERVER/api/v1/releases/0.1.1/linux-x86_64-deb", None,
        &with(&[("201", "Stored", Some("Release")), ("200", "Stored, replacing the release of this version and platform", Some("Release")),
            ("400", "A version that is not semver, an unknown platform, a missing or malformed signature, notes over 10 000 characters, or an empty body", E2),
            ("404", "A path that cannot be read", E2), ("413", "Body over --max-release-bytes (512 MiB by default)", E2)]),
        &[version.clone(), platform.clone(),
          json!({"name": "X-Release-Signature", "in": "header", "required": true, "schema": {"type": "string"}, "description": "The text of the .sig file (one line of base64 of a minisign signature)", "example": crate::api::releases::example_signature()}),
          query("notes", "string", "Release notes, at most 10 000 characters")]);
    upload["requestBody"] = json!({"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}});
    p.insert(crate::api::releases::RELEASE_PATH.into(), json!({
        "put": upload,
        "delete": op(t, "Delete a release (admins)", None, &with(&[("204", "Deleted", None), ("404", "No such release", E2)]), &key),
    }));
    let mut download = public(op(t, "The artifact, for anyone (the updater checks its signature), as Switchboard_{version}_{platform}.{ext}", None,
        &[("404", "No such release", E2), ("405", "Wrong method", E2)], &key));
    download["responses"]["200"] = json!({"description": "The artifact's bytes, with Content-Length and Content-Disposition", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}});
    p.insert(
        crate::api::releases::DOWNLOAD_PATH.into(),
        json!({"get": download}),
    );
    p.insert(crate::api::releases::MANIFEST_PATH.into(), json!({
        "get": public(op(t, "The Tauri updater's dynamic manifest of the highest version above current_version uploaded for exactly this platform; no credentials needed (an Authorization header is ignored). The app's updater endpoint: {server}/api/v1/updates/{{target}}-{{arch}}-{{bundle_type}}/{{current_version}}", None,
            &[("200", "An update", Some("UpdateManifest")), ("204", "Up to date: nothing newer for this platform", None),
              ("400", "A current_version that is not semver, or an unknown platform", E2), ("404", "A path that cannot be read", E2), ("405", "Wrong method", E2)],
            &[platform, path_param("current_version", "The running app's version, e.g. 0.1.0")])),
    }));
}

fn release_schemas(m: &mut Map<String, Value>) {
    let s = json!({"type": "string"});
    m.insert("Release".into(), obj(json!({"version": s, "platform": s, "size": {"type": "integer"}, "sha256": {"type": "string", "description": "Hex SHA-256 of the artifact"}, "signature": {"type": "string", "description": "The .sig text as uploaded"}, "notes": s, "created_at": {"type": "string", "format": "date-time"}, "created_by": {"type": "string", "description": "The uploading admin's e-mail"}}),
        &["version", "platform", "size", "sha256", "signature", "notes", "created_at", "created_by"]));
    m.insert("ReleaseList".into(), obj(json!({"count": {"type": "integer"}, "results": {"type": "array", "items": schema("Release")}}), &["count", "results"]));
    m.insert("UpdateManifest".into(), obj(json!({"version": s, "notes": s, "pub_date": {"type": "string", "format": "date-time"}, "url": {"type": "string", "description": "Absolute URL of the download (--public-url, or the request's Host and X-Forwarded-Proto)"}, "signature": s}),
        &["version", "notes", "pub_date", "url", "signature"]));
}

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    first_paths(&mut paths);
    second_paths(&mut paths);
    other_paths(&mut paths);
    sync_paths(&mut paths);
    credential_paths(&mut paths);
    people_paths(&mut paths);
    release_paths(&mut paths);
    crate::receive::doc::paths(&mut paths);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Switchboard team server",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Both integration APIs of shared/api-contract.md over one data model. Every call except login, refresh, /healthz, this document, the webhook receivers (/hooks/...) and the desktop updates (/api/v1/updates/..., release downloads) needs `Authorization: Bearer <token>`. Secrets are sealed with AES-256-GCM at rest, never returned by the first API and masked by the second. Bodies over the size limit get 413; unknown methods on known paths get 405 with a JSON body.",
        },
        "servers": [{"url": "http://127.0.0.1:8787"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "description": "An access token from /api/v1/auth/login/ or an API token from `switchboard-server token create`; for /api/v1/credentials/ a service token (sbs_...) from POST /api/v1/service-tokens/ or `switchboard-server service-token create`"}},
            "schemas": schemas(),
        },
    })
}
