//! SMS gateways against fakes: Twilio, Vonage, SNS, Plivo, MessageBird.

use serde_json::json;
use switchboard_providers::fake::{FakeServer, Recorded, Reply};
use switchboard_providers::OutcomeKind;

use super::email::{aws_answer, aws_owned, aws_request, sts_then};
use crate::common::*;

/// The table of this file's provider cases.
const CASES: &str = include_str!("cases/sms.json");

case_tests!(CASES: twilio, vonage, plivo);

pub const TW_SID: &str = "AC0123456789abcdef0123456789abcdef";
pub const TW_TOKEN: &str = "CANARY0123456789abcdef0123456789";

#[tokio::test]
async fn twilio_test_credentials_are_the_wrong_environment() {
    let fake = FakeServer::start(|_| json(403, r#"{"code":20008,"message":"Resource not accessible with Test Account Credentials","status":403}"#)).await;
    let owned = Owned::of(
        "twilio",
        json!({"account_sid": TW_SID}),
        &[("auth_token", TW_TOKEN)],
    );
    let outcome = owned.check_at(&fake.url(), &["twilio"]).await;
    assert_eq!(outcome.kind, OutcomeKind::WrongEnvironment, "{outcome:?}");
    assert_eq!(outcome.details["twilio_error_code"], 20008);
}

fn sns_error(status: u16, code: &str) -> Reply {
    Reply::xml(status, &format!("<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{code}</Message></Error><RequestId>r</RequestId></ErrorResponse>"))
}

#[tokio::test]
async fn aws_sns() {
    let attributes = |s| {
        match s {
        Scenario::Perm => sns_error(403, "AuthorizationError"),
        Scenario::Limited => sns_error(400, "Throttling"),
        _ => Reply::xml(200, "<GetSMSAttributesResponse><GetSMSAttributesResult><attributes><entry><key>MonthlySpendLimit</key><value>1</value></entry><entry><key>DefaultSMSType</key><value>Transactional</value></entry></attributes></GetSMSAttributesResult></GetSMSAttributesResponse>"),
    }
    };
    let answer = move |s, r: &Recorded| aws_answer(s, r, "SignatureDoesNotMatch", attributes);
    run_custom(CASES, "aws_sns", answer, |r| {
        aws_request(r, "us-west-2", "sns", |r| {
            method_path(r, "POST", "/");
            form(
                r,
                &[("Action", "GetSMSAttributes"), ("Version", "2010-03-31")],
            );
        })
    })
    .await;
}

#[tokio::test]
async fn aws_sns_details_list_the_sms_attributes() {
    let owned = aws_owned("aws_sns", "us-west-2");
    let outcome = check_once(owned, &["sts", "iam", "sns"], |r| {
        sts_then(r, || Reply::xml(200, "<GetSMSAttributesResponse><GetSMSAttributesResult><attributes><entry><key>MonthlySpendLimit</key><value>1</value></entry></attributes></GetSMSAttributesResult></GetSMSAttributesResponse>"))
    })
    .await
    .outcome;
    assert_eq!(outcome.kind, OutcomeKind::Ok);
    assert_eq!(outcome.details["sms_attributes"]["MonthlySpendLimit"], "1");
}

const MB_KEY: &str = "live_CANARYmessagebird01234";

#[tokio::test]
async fn messagebird() {
    run_custom(CASES, "messagebird", |s, _| match s {
            Scenario::Ok => json(200, r#"{"payment":"prepaid","type":"credits","amount":9.2}"#),
            Scenario::Bad => json(401, r#"{"errors":[{"code":2,"description":"Request not allowed (incorrect access_key)","parameter":"access_key"}]}"#),
            Scenario::Perm => json(403, r#"{"errors":[{"code":9,"description":"Not allowed with a test key","parameter":null}]}"#),
            Scenario::Limited => json(429, r#"{"errors":[{"code":429,"description":"Too many requests"}]}"#).header("Retry-After", "6"),
        }, |r| {
            method_path(r, "GET", "/balance");
            assert_eq!(r.header("authorization"), Some(format!("AccessKey {MB_KEY}").as_str()));
        }).await;
}
