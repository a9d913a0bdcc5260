//! AI model providers: OpenAI and Anthropic (list models) and Cohere
//! (check-api-key). Quota exhaustion is told apart from rate limiting, since
//! waiting does not fix it.

use serde_json::{json, Value};

use crate::http::{Ctx, Resp, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

checks! {
    "openai" => openai,
    "anthropic" => anthropic,
    "cohere" => cohere,
}

fn model_ids(resp: &Resp) -> Vec<String> {
    resp.json
        .pointer("/data")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|m| m["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn openai(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let url = format!("{}/v1/models", ctx.base("openai", &[])?);
    let mut request = ctx.get(&url).bearer_auth(key);
    if let Some(org) = ctx.cfg("organization_id") {
        request = request.header("OpenAI-Organization", org);
    }
    if let Some(project) = ctx.cfg("project_id") {
        request = request.header("OpenAI-Project", project);
    }
    let resp = ctx.send(request).await?;
    if !resp.success() {
        let code = resp.str_at("/error/code").unwrap_or("").to_owned();
        let mut out = ctx.http_failure(&resp);
        if code == "insufficient_quota" {
            out.kind = OutcomeKind::ProviderError;
            out.retry_after_secs = None;
            out.hint = "The key works but the account has no credit left: add credit under Settings → Billing.".into();
        }
        return Err(out.detail("openai_error", code));
    }
    let models = model_ids(&resp);
    Ok(Outcome::ok(format!(
        "OpenAI accepted the key ({} models available).",
        models.len()
    ))
    .details(json!({"model_count": models.len()}))
    .status(resp.status))
}

async fn anthropic(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let url = format!("{}/v1/models", ctx.base("anthropic", &[])?);
    let request = ctx
        .get(&url)
        .header("x-api-key", key)
        .header("anthropic-version", "2023-06-01");
    let resp = ctx.send(request).await?;
    if !resp.success() {
        let kind = resp.str_at("/error/type").unwrap_or("").to_owned();
        let mut out = ctx.http_failure(&resp);
        if kind == "overloaded_error" {
            out.kind = OutcomeKind::ProviderError;
            out.hint = "Anthropic is overloaded right now: try again in a few minutes.".into();
        }
        return Err(out.detail("anthropic_error", kind));
    }
    let models = model_ids(&resp);
    Ok(Outcome::ok(format!("Anthropic accepted the key ({} models listed).", models.len()))
        .details(json!({"model_count": models.len(), "first_models": models.iter().take(3).collect::<Vec<_>>()}))
        .status(resp.status))
}

async fn cohere(ctx: &Ctx<'_>) -> Verdict {
    let key = ctx.need_secret("api_key")?;
    let url = format!("{}/v1/check-api-key", ctx.base("cohere", &[])?);
    let resp = ctx.send_ok(ctx.post(&url).bearer_auth(key)).await?;
    if resp.json.pointer("/valid").and_then(Value::as_bool) != Some(true) {
        return Err(ctx
            .invalid("Cohere says the API key is not valid.")
            .status(resp.status));
    }
    Ok(Outcome::ok("Cohere accepted the API key.")
        .details(json!({"organization_id": resp.json.pointer("/organization_id")}))
        .status(resp.status))
}
