//! WhatsApp Cloud: the phone number, then the business account's number
//! list (the two IDs must belong together), then what Meta's `debug_token`
//! says of the token's expiry, asked with the token itself (Meta allows the
//! inspecting token to be any token of the same app, this one included).

use serde_json::{json, Value};

use super::graph::{debug_token_expiry, graph_get};
use crate::http::{Ctx, Verdict};
use crate::outcome::{Outcome, OutcomeKind, StatedExpiry};

checks! {
    "whatsapp" => whatsapp,
}

async fn whatsapp(ctx: &Ctx<'_>) -> Verdict {
    let token = ctx.need_secret("access_token")?;
    let phone_id = ctx.need_cfg("phone_number_id")?;
    let waba = ctx.need_cfg("business_account_id")?;
    let phone = graph_get(
        ctx,
        &phone_id,
        &[(
            "fields",
            "display_phone_number,verified_name,quality_rating",
        )],
        token,
    )
    .await
    .map_err(|o| {
        if o.kind == OutcomeKind::NotFound {
            ctx.not_found(format!(
                "Meta has no phone number with the ID {phone_id} that this token can see."
            ))
            .status(o.http_status.unwrap_or(400))
        } else {
            o
        }
    })?;
    let list = graph_get(
        ctx,
        &format!("{waba}/phone_numbers"),
        &[("fields", "id")],
        token,
    )
    .await?;
    let listed = list
        .json
        .pointer("/data")
        .and_then(Value::as_array)
        .is_some_and(|items| {
            items
                .iter()
                .any(|i| i["id"].as_str() == Some(phone_id.as_str()))
        });
    let details = json!({
        "display_phone_number": phone.str_at("/display_phone_number"),
        "verified_name": phone.str_at("/verified_name"),
        "quality_rating": phone.str_at("/quality_rating"),
        "business_account_id": waba,
    });
    if !listed {
        return Err(ctx
            .not_found(format!(
                "The phone number {phone_id} is not one of the WhatsApp Business Account {waba}'s numbers."
            ))
            .hint("Copy both IDs again from WhatsApp → API Setup; they must belong together.")
            .details(details)
            .status(list.status));
    }
    let expiry = token_expiry(ctx, token).await;
    Ok(Outcome::ok(format!(
        "WhatsApp accepted the token for {} ({}).",
        phone.str_at("/display_phone_number").unwrap_or(&phone_id),
        phone.str_at("/verified_name").unwrap_or("unnamed")
    ))
    .details(details)
    .detail(
        "token_expires_at",
        expiry
            .as_ref()
            .map(|e| e.at.clone().unwrap_or_else(|| "never".into())),
    )
    .expiry(expiry)
    .status(phone.status))
}

/// The token's expiry by `debug_token` (Unix seconds, 0 = never). Best
/// effort: the token already proved itself, so a refusal here states nothing.
async fn token_expiry(ctx: &Ctx<'_>, token: &str) -> Option<StatedExpiry> {
    let resp = graph_get(ctx, "debug_token", &[("input_token", token)], token)
        .await
        .ok()?;
    let data = resp.json.pointer("/data")?;
    if data["is_valid"].as_bool() != Some(true) {
        return None;
    }
    debug_token_expiry(data)
}
