//! Meta's Graph API against fakes: WhatsApp, Facebook Lead Ads & Messenger,
//! the Pixel and Facebook Login, with Meta's error codes.

use serde_json::json;
use switchboard_providers::fake::{Recorded, Reply};
use switchboard_providers::{Outcome, OutcomeKind};

use crate::common::*;

/// The table of this file's provider cases.
const CASES: &str = include_str!("cases/meta.json");

case_tests!(CASES: facebook_pixel, facebook_oauth);

pub const WA_TOKEN: &str = "EAAGCANARYwhatsapptoken0123456789";
pub const PHONE_ID: &str = "106540352242922";
const WABA: &str = "102290129340398";

pub fn graph_error(status: u16, code: i64, sub: Option<i64>) -> Reply {
    let mut e = json!({"message": "Graph error", "type": "OAuthException", "code": code, "fbtrace_id": "AbC"});
    if let Some(sub) = sub {
        e["error_subcode"] = json!(sub);
    }
    Reply::json(status, json!({"error": e}))
}

fn whatsapp_answer(s: Scenario, r: &Recorded) -> Reply {
    match s {
        Scenario::Bad => graph_error(401, 190, Some(463)),
        Scenario::Perm => graph_error(403, 200, None),
        Scenario::Limited => graph_error(400, 80007, None).header(
            "X-Business-Use-Case-Usage",
            r#"{"102290129340398":[{"type":"whatsapp","call_count":100,"estimated_time_to_regain_access":5}]}"#,
        ),
        Scenario::Ok if r.path.ends_with("/phone_numbers") => {
            Reply::json(200, json!({"data": [{"id": "999"}, {"id": PHONE_ID}]}))
        }
        Scenario::Ok if r.path.ends_with("/debug_token") => Reply::json(
            200,
            json!({"data": {"app_id": "1234567890123456", "type": "SYSTEM_USER", "is_valid": true, "expires_at": 1_790_000_000, "scopes": ["whatsapp_business_messaging"]}}),
        ),
        Scenario::Ok => json(200, r#"{"display_phone_number":"+1 555-0100","verified_name":"Acme","quality_rating":"GREEN","id":"106540352242922"}"#),
    }
}

#[tokio::test]
async fn whatsapp() {
    run_custom(CASES, "whatsapp", whatsapp_answer, |r| {
        bearer(r, WA_TOKEN);
        if r.path.ends_with("/debug_token") {
            method_path(r, "GET", "/v22.0/debug_token");
            query(r, &[("input_token", WA_TOKEN)]);
        } else if r.path.ends_with("/phone_numbers") {
            method_path(r, "GET", &format!("/v22.0/{WABA}/phone_numbers"));
            query(r, &[("fields", "id")]);
        } else {
            method_path(r, "GET", &format!("/v22.0/{PHONE_ID}"));
            query(
                r,
                &[(
                    "fields",
                    "display_phone_number,verified_name,quality_rating",
                )],
            );
        }
    })
    .await;
}

/// WhatsApp settings with the access token alone, checked against a fake.
async fn check_whatsapp(answer: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Outcome {
    let settings = json!({"phone_number_id": PHONE_ID, "business_account_id": WABA});
    let owned = Owned::of("whatsapp", settings, &[("access_token", WA_TOKEN)]);
    check_once(owned, &["meta"], answer).await.outcome
}

#[tokio::test]
async fn whatsapp_token_expiry_comes_from_debug_token_asked_with_the_token() {
    let outcome = check_whatsapp(|r| whatsapp_answer(Scenario::Ok, r)).await;
    assert_eq!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");
    let expiry = outcome.stated_expiry().expect("the token's expiry");
    assert_eq!(expiry.at.as_deref(), Some("2026-09-21T14:13:20.000000Z"));
    assert_eq!(expiry.source, "Meta debug_token");
    // A refused debug_token still passes the check, stating nothing.
    let outcome = check_whatsapp(|r| {
        if r.path.ends_with("/debug_token") {
            graph_error(400, 100, None)
        } else {
            whatsapp_answer(Scenario::Ok, r)
        }
    })
    .await;
    assert_eq!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");
    assert!(outcome.stated_expiry().is_none());
}

#[tokio::test]
async fn whatsapp_phone_not_in_the_business_account_is_not_found() {
    let outcome = check_whatsapp(|r| {
        if r.path.ends_with("/phone_numbers") {
            Reply::json(200, json!({"data": [{"id": "999"}]}))
        } else {
            whatsapp_answer(Scenario::Ok, r)
        }
    })
    .await;
    assert_eq!(outcome.kind, OutcomeKind::NotFound, "{outcome:?}");
}

#[tokio::test]
async fn whatsapp_unknown_phone_id_is_not_found() {
    let outcome = check_whatsapp(|_| graph_error(400, 100, Some(33))).await;
    assert_eq!(outcome.kind, OutcomeKind::NotFound, "{outcome:?}");
    assert!(outcome.message.contains(PHONE_ID));
}

#[tokio::test]
async fn meta_throttling_codes_are_rate_limits() {
    let limited = [4, 17, 32, 613, 80007, 130429].map(|c| (400, c, OutcomeKind::RateLimited));
    let refused = [10, 200, 299].map(|c| (403, c, OutcomeKind::MissingPermission));
    for (status, code, kind) in limited.into_iter().chain(refused) {
        let outcome = check_whatsapp(move |_| graph_error(status, code, None)).await;
        assert_eq!(outcome.kind, kind, "code {code}");
    }
}

const FB_APP: &str = "1234567890123456";
const FB_SECRET: &str = "0123456789abcdefCANARY0123456789";
const FB_TOKEN: &str = "EAAGCANARYuser0123456789";
const FB_PAGE_TOKEN: &str = "EAAGCANARYpage0123456789";

#[tokio::test]
async fn facebook() {
    run_custom(CASES, "facebook", |s, r| {
            let debug = |valid: bool, scopes: &[&str]| {
                Reply::json(200, json!({"data": {"app_id": FB_APP, "type": "USER", "application": "Acme", "is_valid": valid,
                    "expires_at": 0, "scopes": scopes, "error": if valid { json!(null) } else { json!({"code": 190, "message": "Session has expired"}) }}}))
            };
            match (s, r.path.as_str()) {
                (Scenario::Ok, "/v22.0/debug_token") => debug(true, &["leads_retrieval", "pages_show_list"]),
                (Scenario::Ok, _) => json(200, r#"{"id":"102938475610293","name":"Acme Page"}"#),
                (Scenario::Bad, _) => debug(false, &[]),
                (Scenario::Perm, _) => debug(true, &["pages_show_list"]),
                (Scenario::Limited, _) => graph_error(400, 4, None),
            }
        }, |r| {
            if r.path == "/v22.0/debug_token" {
                method_path(r, "GET", "/v22.0/debug_token");
                query(r, &[("input_token", FB_TOKEN), ("access_token", &format!("{FB_APP}|{FB_SECRET}"))]);
                assert!(r.header("authorization").is_none());
            } else {
                method_path(r, "GET", "/v22.0/102938475610293");
                query(r, &[("fields", "id,name")]);
                bearer(r, FB_PAGE_TOKEN);
            }
        }).await;
}

#[tokio::test]
async fn facebook_token_of_another_app_is_refused() {
    let secrets = [("app_secret", FB_SECRET), ("access_token", FB_TOKEN)];
    let owned = Owned::of("facebook", json!({"app_id": FB_APP}), &secrets);
    let debug = json!({"data": {"app_id": "999", "is_valid": true, "scopes": []}});
    let outcome = check_once(owned, &["meta"], move |_| Reply::json(200, debug.clone()))
        .await
        .outcome;
    assert_eq!(outcome.kind, OutcomeKind::InvalidCredentials);
    assert!(outcome.message.contains("another app"));
}

#[tokio::test]
async fn facebook_pixel_without_a_token_is_not_checkable() {
    let pixel = json!({"pixel_id": "1234567890123456"});
    let owned = Owned::of("facebook_pixel", pixel, &[]);
    let checked = check_once(owned, &["meta"], |_| Reply::empty(500)).await;
    assert_eq!(checked.outcome.kind, OutcomeKind::NotCheckable);
    assert!(checked.requests.is_empty());
}
