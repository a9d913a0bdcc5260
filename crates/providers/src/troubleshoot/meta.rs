//! Meta's side of WhatsApp and Facebook: the business account's message
//! templates and their review status, the Page's `leadgen` subscription,
//! the app's mode (not readable with an integration's credentials), and
//! whether the webhook URL answers Meta's verification handshake.

use serde_json::{json, Map, Value};

use crate::checks::graph::graph_get;
use crate::http::{Ctx, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

/// `GET /{waba}/message_templates?fields=name,status,language`: at least one
/// template must be approved for a business to start conversations.
pub(super) async fn templates(ctx: &Ctx<'_>) -> Verdict {
    let token = ctx.need_secret("access_token")?;
    let waba = ctx.need_cfg("business_account_id")?;
    let resp = graph_get(
        ctx,
        &format!("{waba}/message_templates"),
        &[("fields", "name,status,language")],
        token,
    )
    .await?;
    let items = resp
        .json
        .pointer("/data")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut by_status: Map<String, Value> = Map::new();
    let mut approved = Vec::new();
    for item in &items {
        let status = item["status"]
            .as_str()
            .unwrap_or("UNKNOWN")
            .to_ascii_uppercase();
        if status == "APPROVED" {
            approved.push(format!(
                "{} ({})",
                item["name"].as_str().unwrap_or("unnamed"),
                item["language"].as_str().unwrap_or("?")
            ));
        }
        let count = by_status.get(&status).and_then(Value::as_u64).unwrap_or(0);
        by_status.insert(status, json!(count + 1));
    }
    let details = json!({
        "business_account_id": waba, "total": items.len(),
        "approved": approved, "by_status": by_status,
    });
    let review = "A business can start a WhatsApp conversation only with an approved template.";
    if items.is_empty() {
        return Err(Outcome::new(
            OutcomeKind::NotFound,
            format!("The WhatsApp Business Account {waba} has no message templates."),
            format!("Create one in WhatsApp Manager → Message templates and submit it for review. {review}"),
        )
        .details(details)
        .status(resp.status));
    }
    if approved.is_empty() {
        let counts: Vec<String> = by_status
            .iter()
            .map(|(s, n)| format!("{n} {}", s.to_lowercase()))
            .collect();
        return Err(Outcome::new(
            OutcomeKind::NotFound,
            format!(
                "None of the {} message templates is approved ({}).",
                items.len(),
                counts.join(", ")
            ),
            format!("Wait for Meta's review of pending templates, or correct rejected ones in WhatsApp Manager → Message templates and submit them again. {review}"),
        )
        .details(details)
        .status(resp.status));
    }
    Ok(Outcome::ok(format!(
        "{} of {} message templates are approved: {}.",
        approved.len(),
        items.len(),
        approved.join(", ")
    ))
    .details(details)
    .status(resp.status))
}

/// `GET /{page}/subscribed_apps` with the Page token: the integration's app
/// must be listed with `leadgen` among its subscribed fields.
pub(super) async fn leadgen_subscription(ctx: &Ctx<'_>) -> Verdict {
    let page_id = ctx.cfg("page_id").ok_or_else(|| {
        Outcome::not_checkable(
            "No Page ID is set, so there is no Page whose lead subscription to look up.",
            "Edit the integration and enter the Page ID of the Page whose leads you import.",
        )
    })?;
    let token = match ctx.secret("page_access_token") {
        Some(token) => token,
        None => ctx.need_secret("access_token")?,
    };
    let resp = graph_get(ctx, &format!("{page_id}/subscribed_apps"), &[], token).await?;
    let apps = resp
        .json
        .pointer("/data")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let app_id = ctx.cfg("app_id");
    let id_of = |app: &Value| match &app["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let ours: Vec<&Value> = apps
        .iter()
        .filter(|a| app_id.as_deref().is_none_or(|id| id_of(a) == id))
        .collect();
    let fields = |app: &Value| crate::http::strings(&app["subscribed_fields"]);
    let subscribed = ours
        .iter()
        .find(|a| fields(a).iter().any(|f| f == "leadgen"));
    let details = json!({
        "page_id": page_id,
        "apps": apps.iter().map(|a| json!({"id": id_of(a), "name": a["name"], "subscribed_fields": fields(a)})).collect::<Vec<_>>(),
    });
    let app = app_id
        .as_deref()
        .map_or("The app".to_owned(), |id| format!("The app {id}"));
    let hint = format!("Subscribe the app to the Page's leadgen field: in Meta for Developers → your app → Webhooks choose Page and subscribe to leadgen, then connect the Page (or POST /{page_id}/subscribed_apps?subscribed_fields=leadgen with the Page token).");
    match (subscribed, ours.first()) {
        (Some(a), _) => Ok(Outcome::ok(format!(
            "{app} (\u{201c}{}\u{201d}) receives the Page's new leads (leadgen).",
            a["name"].as_str().unwrap_or("unnamed")
        ))
        .details(details)
        .status(resp.status)),
        (None, Some(a)) => Err(Outcome::new(
            OutcomeKind::NotFound,
            format!(
                "{app} is subscribed to the Page {page_id} for {} but not for leadgen, so new leads are not sent.",
                fields(a).join(", ")
            ),
            hint,
        )
        .details(details)
        .status(resp.status)),
        (None, None) => Err(Outcome::new(
            OutcomeKind::NotFound,
            format!("{app} is not subscribed to the Page {page_id}, so new leads are not sent."),
            hint,
        )
        .details(details)
        .status(resp.status)),
    }
}

/// Meta states an app's mode to no token an integration holds (the Graph
/// API's app object has no mode field), so this finding says where to look.
pub(super) async fn app_mode(ctx: &Ctx<'_>) -> Verdict {
    let app = ctx
        .cfg("app_id")
        .map_or("your app".to_owned(), |id| format!("the app {id}"));
    Ok(Outcome::not_checkable(
        "Meta's Graph API does not tell an app's tokens whether the app is in Development or Live mode, so Switchboard cannot check it.",
        format!("Open Meta for Developers → {app}: the App Mode switch at the top must read Live. In Development mode Meta sends leads and Page data only for people with a role on the app."),
    ))
}

/// A random numeric challenge for the handshake.
fn challenge() -> String {
    (rand::random::<u64>() % 9_000_000_000 + 1_000_000_000).to_string()
}

/// GET the webhook URL as Meta does when it is saved: `hub.mode=subscribe`,
/// the stored verify token and a random `hub.challenge`; the endpoint must
/// answer 200 with exactly the challenge. Only https URLs (Meta's rule).
pub(super) async fn webhook_handshake(ctx: &Ctx<'_>) -> Verdict {
    let url = ctx.need_cfg("webhook_url")?;
    let parsed = url::Url::parse(&url).map_err(|e| {
        Outcome::not_checkable(
            format!("The webhook URL is not a valid address ({e})."),
            "Correct the webhook URL in the integration's settings.",
        )
    })?;
    if parsed.scheme() != "https" {
        return Err(Outcome::not_checkable(
            "Meta only calls https webhook URLs, and this one is not https, so it was not called.",
            "Serve the webhook over https and enter its https address.",
        ));
    }
    let token = ctx.secret("webhook_verify_token").ok_or_else(|| {
        Outcome::not_checkable(
            "No webhook verify token is stored, so the handshake cannot be made as Meta makes it.",
            "Enter the verify token you typed in Meta's webhook settings.",
        )
    })?;
    let challenge = challenge();
    let query = [
        ("hub.mode", "subscribe"),
        ("hub.verify_token", token),
        ("hub.challenge", challenge.as_str()),
    ];
    let resp = ctx
        .send(ctx.get(parsed.as_str()).query(&query))
        .await
        .map_err(|o| {
            let hint = format!(
                "Meta must reach the webhook URL from the internet. {}",
                o.hint
            );
            o.hint(hint)
        })?;
    let details = json!({"url": url});
    let status = resp.status;
    if resp.success() && resp.body.trim() == challenge {
        return Ok(Outcome::ok(
            "The webhook URL answered Meta's verification handshake with the challenge.",
        )
        .details(details)
        .status(status));
    }
    let (kind, message, hint) = match status {
        200..=299 => (
            OutcomeKind::ProviderError,
            format!("The webhook URL answered HTTP {status} but not with the challenge, so Meta would refuse it."),
            "The endpoint must reply to GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… with exactly the hub.challenge value as the body.".to_owned(),
        ),
        401 | 403 => (
            OutcomeKind::InvalidCredentials,
            format!("The webhook URL refused the stored verify token (HTTP {status})."),
            "Make the verify token stored here the same as the one the webhook endpoint expects (and the one typed in Meta's webhook settings).".to_owned(),
        ),
        404 => (
            OutcomeKind::NotFound,
            "The webhook URL does not exist on its server (HTTP 404).".to_owned(),
            "Check the path of the webhook URL.".to_owned(),
        ),
        _ => (
            OutcomeKind::ProviderError,
            format!("The webhook URL answered HTTP {status} to the verification handshake."),
            "Check that the webhook endpoint is running and answers GET requests.".to_owned(),
        ),
    };
    Err(Outcome::new(kind, message, hint)
        .details(details)
        .status(status))
}
