//! Payment gateways against fakes: Stripe, PayPal, Razorpay, Square, Mollie.

use serde_json::json;
use switchboard_providers::fake::{FakeServer, Recorded, Reply};
use switchboard_providers::OutcomeKind;

use crate::common::*;

/// The table of this file's provider cases.
const CASES: &str = include_str!("cases/payments.json");

case_tests!(CASES: razorpay);

const STRIPE_KEY: &str = "sk_test_CANARYstripe0123456789";

#[tokio::test]
async fn stripe() {
    run_custom(CASES, "stripe", |s, r| match s {
            Scenario::Ok => json(200, r#"{"object":"balance","livemode":false,"available":[{"amount":0,"currency":"usd"}],"pending":[]}"#),

            Scenario::Bad => {
                let key = r.header("authorization").unwrap_or("").trim_start_matches("Bearer ");
                Reply::json(401, json!({"error": {"type": "invalid_request_error", "message": format!("Invalid API Key provided: {key}")}}))
            }
            Scenario::Perm => json(403, r#"{"error":{"type":"invalid_request_error","message":"The provided key does not have the required permissions for this endpoint."}}"#),
            Scenario::Limited => json(429, r#"{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests"}}"#).header("Retry-After", "1"),
        }, |r| {
            method_path(r, "GET", "/v1/balance");
            bearer(r, STRIPE_KEY);
        }).await;
}

const PP_ID: &str = "AbCdEfPayPalClientId0123";
const PP_SECRET: &str = "ECANARYpaypalsecret0123456789";

fn paypal_request(r: &Recorded) {
    method_path(r, "POST", "/v1/oauth2/token");
    basic(r, PP_ID, PP_SECRET);
    form(r, &[("grant_type", "client_credentials")]);
    assert_eq!(r.header("accept"), Some("application/json"));
}

const PP_OK: &str = r#"{"scope":"https://uri.paypal.com/services/invoicing openid","access_token":"A21AAtokenNOTSHOWN","token_type":"Bearer","app_id":"APP-80W284485P519543T","expires_in":32400,"nonce":"n"}"#;

#[tokio::test]
async fn paypal() {
    run_custom(CASES, "paypal", |s, _| match s {
            Scenario::Ok => json(200, PP_OK),
            Scenario::Bad => json(401, r#"{"error":"invalid_client","error_description":"Client Authentication failed"}"#),
            Scenario::Perm => json(403, r#"{"name":"NOT_AUTHORIZED","message":"Authorization failed due to insufficient permissions."}"#),
            Scenario::Limited => json(429, r#"{"name":"RATE_LIMIT_REACHED","message":"Too many requests."}"#).header("Retry-After", "9"),
        }, paypal_request).await;
}

#[tokio::test]
async fn paypal_live_credentials_against_sandbox_are_the_wrong_environment() {
    let sandbox = FakeServer::start(|_| {
        json(
            401,
            r#"{"error":"invalid_client","error_description":"Client Authentication failed"}"#,
        )
    })
    .await;
    let live = FakeServer::start(|_| json(200, PP_OK)).await;
    let owned = Owned::of(
        "paypal",
        json!({"client_id": PP_ID, "environment": "sandbox"}),
        &[("client_secret", PP_SECRET)],
    );
    let outcome = owned
        .check_fakes(&[("paypal_sandbox", &sandbox), ("paypal", &live)])
        .await;
    assert_eq!(outcome.kind, OutcomeKind::WrongEnvironment, "{outcome:?}");
    assert!(outcome.message.contains("Live"));
    for r in sandbox.requests().iter().chain(live.requests().iter()) {
        paypal_request(r);
    }
    assert!(
        !serde_json::to_string(&outcome).unwrap().contains("A21AA"),
        "no access token in outcomes"
    );
}

const SQ_TOKEN: &str = "EAAAlCANARYsquare0123456789";

fn square_error(status: u16, category: &str, code: &str) -> Reply {
    Reply::json(
        status,
        json!({"errors": [{"category": category, "code": code, "detail": "x"}]}),
    )
}

#[tokio::test]
async fn square() {
    run_custom(
        CASES,
        "square",
        |s, _| match s {
            Scenario::Ok => json(
                200,
                r#"{"locations":[{"id":"L8MAIN","name":"Main","status":"ACTIVE"}]}"#,
            ),
            Scenario::Bad => square_error(401, "AUTHENTICATION_ERROR", "UNAUTHORIZED"),
            Scenario::Perm => square_error(403, "AUTHENTICATION_ERROR", "INSUFFICIENT_SCOPES"),
            Scenario::Limited => {
                square_error(429, "RATE_LIMIT_ERROR", "RATE_LIMITED").header("Retry-After", "4")
            }
        },
        |r| {
            method_path(r, "GET", "/v2/locations");
            bearer(r, SQ_TOKEN);
            assert!(
                r.header("square-version").is_some(),
                "Square-Version header"
            );
        },
    )
    .await;
}

#[tokio::test]
async fn square_unknown_location_is_not_found_and_sandbox_token_is_the_wrong_environment() {
    let fake =
        FakeServer::start(|_| json(200, r#"{"locations":[{"id":"OTHER","name":"Other"}]}"#)).await;
    let owned = Owned::of(
        "square",
        json!({"environment": "production", "location_id": "L8MAIN"}),
        &[("access_token", SQ_TOKEN)],
    );
    let outcome = owned.check_at(&fake.url(), &["square"]).await;
    assert_eq!(outcome.kind, OutcomeKind::NotFound);

    let prod =
        FakeServer::start(|_| square_error(401, "AUTHENTICATION_ERROR", "UNAUTHORIZED")).await;
    let sandbox = FakeServer::start(|_| json(200, r#"{"locations":[]}"#)).await;
    let owned = Owned::of(
        "square",
        json!({"environment": "production"}),
        &[("access_token", SQ_TOKEN)],
    );
    let outcome = owned
        .check_fakes(&[("square", &prod), ("square_sandbox", &sandbox)])
        .await;
    assert_eq!(outcome.kind, OutcomeKind::WrongEnvironment, "{outcome:?}");
}

const MOLLIE_KEY: &str = "test_CANARYmollie0123456789";

#[tokio::test]
async fn mollie() {
    run_custom(CASES, "mollie", |s, _| {
            let hal = |status: u16, title: &str| {
                Reply::typed(status, "application/hal+json", json!({"status": status, "title": title, "detail": "Missing authentication, or failed to authenticate", "_links": {}}).to_string())
            };
            match s {
                Scenario::Ok => Reply::typed(200, "application/hal+json", r#"{"count":2,"_embedded":{"methods":[{"id":"ideal"},{"id":"creditcard"}]}}"#.into()),
                Scenario::Bad => hal(401, "Unauthorized Request"),
                Scenario::Perm => hal(403, "Forbidden"),
                Scenario::Limited => hal(429, "Too Many Requests").header("Retry-After", "10"),
            }
        }, |r| {
            method_path(r, "GET", "/v2/methods");
            bearer(r, MOLLIE_KEY);
        }).await;
}
