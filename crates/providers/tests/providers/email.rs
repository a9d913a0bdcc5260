//! Email providers over HTTP against fakes: SendGrid, Mailgun, SES,
//! Mailchimp, Postmark, SparkPost, Mandrill.

use serde_json::json;
use switchboard_providers::fake::{FakeServer, Recorded, Reply};
use switchboard_providers::OutcomeKind;

use crate::common::*;

/// The table of this file's provider cases.
const CASES: &str = include_str!("cases/email.json");

case_tests!(CASES: sendgrid, postmark, sparkpost, mandrill);

const SG_KEY: &str = "SG.CANARYsendgrid.0123456789abcdefghij";

#[tokio::test]
async fn sendgrid_eu_region_uses_the_eu_host() {
    let owned = Owned::of("sendgrid", json!({"region": "eu"}), &[("api_key", SG_KEY)]);
    // Only the EU key points at the fake: reaching it proves the region choice.
    let checked = check_once(owned, &["sendgrid_eu"], |_| {
        json(200, r#"{"scopes":["mail.send"]}"#)
    })
    .await;
    assert_eq!(
        checked.outcome.kind,
        OutcomeKind::Ok,
        "{:?}",
        checked.outcome
    );
    assert_eq!(checked.requests.len(), 1);
}

const MG_KEY: &str = "key-CANARYmailgun0123456789abcdef";

fn mailgun_request(r: &Recorded) {
    method_path(r, "GET", "/v4/domains/mg.example.com");
    no_query(r);
    basic(r, "api", MG_KEY);
}

#[tokio::test]
async fn mailgun() {
    run_custom(
        CASES,
        "mailgun",
        |s, _| match s {
            Scenario::Ok => json(
                200,
                r#"{"domain":{"name":"mg.example.com","state":"active","type":"custom"}}"#,
            ),
            Scenario::Bad => Reply::text(401, "Forbidden"),
            Scenario::Perm => json(
                403,
                r#"{"message":"Forbidden: the key's role does not allow reading domains"}"#,
            ),
            Scenario::Limited => {
                json(429, r#"{"message":"Too many requests"}"#).header("Retry-After", "12")
            }
        },
        mailgun_request,
    )
    .await;
}

#[tokio::test]
async fn mailgun_wrong_region_is_found_by_probing_the_other() {
    let us = FakeServer::start(|_| Reply::text(401, "Forbidden")).await;
    let eu = FakeServer::start(|_| {
        json(
            200,
            r#"{"domain":{"name":"mg.example.com","state":"active"}}"#,
        )
    })
    .await;
    let owned = Owned::of(
        "mailgun",
        json!({"mailgun_domain": "mg.example.com", "mailgun_region": "us"}),
        &[("api_key", MG_KEY)],
    );
    let outcome = owned
        .check_fakes(&[("mailgun", &us), ("mailgun_eu", &eu)])
        .await;
    assert_eq!(outcome.kind, OutcomeKind::WrongEnvironment, "{outcome:?}");
    assert!(outcome.hint.contains("EU"), "{}", outcome.hint);
    for r in us.requests().iter().chain(eu.requests().iter()) {
        mailgun_request(r);
    }
}

#[tokio::test]
async fn mailgun_unknown_domain_is_not_found() {
    let domain = json!({"mailgun_domain": "mg.example.com"});
    let owned = Owned::of("mailgun", domain, &[("api_key", MG_KEY)]);
    let not_found = |_: &Recorded| json(404, r#"{"message":"Domain not found"}"#);
    let outcome = check_once(owned, &["mailgun"], not_found).await.outcome;
    assert_eq!(outcome.kind, OutcomeKind::NotFound, "{outcome:?}");
}

pub const AWS_ID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/CANARYiCYEXAMPLEKEY";

pub const STS_OK: &str = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/switchboard</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";

/// An AWS integration in `region` with the test access key ID and secret.
pub fn aws_owned(provider: &str, region: &str) -> Owned {
    let settings = json!({"aws_region": region, "aws_access_key_id": AWS_ID});
    Owned::of(provider, settings, &[("aws_secret_access_key", AWS_SECRET)])
}

pub fn sts_error(code: &str) -> Reply {
    Reply::xml(
        403,
        &format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>"),
    )
}

/// STS GetCallerIdentity as sent: POST / with the form, signed for sts/us-east-1.
pub fn is_sts(r: &Recorded) -> bool {
    r.method == "POST" && r.form_value("Action").as_deref() == Some("GetCallerIdentity")
}

pub fn sts_request(r: &Recorded) {
    method_path(r, "POST", "/");
    form(
        r,
        &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    verify_sigv4(r, AWS_ID, AWS_SECRET, "us-east-1", "sts");
}

/// IAM ListAccessKeys for the calling user: another key of the user first,
/// then the test key, created on 2026-01-15.
pub const IAM_KEYS: &str = "<ListAccessKeysResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ListAccessKeysResult><AccessKeyMetadata><member><UserName>switchboard</UserName><AccessKeyId>AKIAOTHERKEYEXAMPLE1</AccessKeyId><Status>Inactive</Status><CreateDate>2024-03-02T08:00:00Z</CreateDate></member><member><UserName>switchboard</UserName><AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId><Status>Active</Status><CreateDate>2026-01-15T10:00:00Z</CreateDate></member></AccessKeyMetadata><IsTruncated>false</IsTruncated></ListAccessKeysResult></ListAccessKeysResponse>";

/// IAM ListAccessKeys as sent: POST / with the form, signed for iam/us-east-1.
pub fn is_iam(r: &Recorded) -> bool {
    r.method == "POST" && r.form_value("Action").as_deref() == Some("ListAccessKeys")
}

pub fn iam_request(r: &Recorded) {
    method_path(r, "POST", "/");
    form(
        r,
        &[("Action", "ListAccessKeys"), ("Version", "2010-05-08")],
    );
    verify_sigv4(r, AWS_ID, AWS_SECRET, "us-east-1", "iam");
}

/// The fake's answer to an AWS check: STS first (refusing with `refused` in
/// the Bad scenario), then `service` for the service's own call.
pub fn aws_answer(
    s: Scenario,
    r: &Recorded,
    refused: &str,
    service: fn(Scenario) -> Reply,
) -> Reply {
    match (is_sts(r), s) {
        (true, Scenario::Bad) => sts_error(refused),
        (true, _) => Reply::xml(200, STS_OK),
        (false, _) if is_iam(r) => Reply::xml(200, IAM_KEYS),
        (false, s) => service(s),
    }
}

/// A fake behind STS: STS accepts the credentials, `service` answers the rest.
pub fn sts_then(r: &Recorded, service: impl FnOnce() -> Reply) -> Reply {
    if is_sts(r) {
        Reply::xml(200, STS_OK)
    } else if is_iam(r) {
        Reply::xml(200, IAM_KEYS)
    } else {
        service()
    }
}

/// Checks every request of an AWS check: STS by `sts_request`, IAM by
/// `iam_request`, the
/// service's call by `checks` and its signature for `region` and `service`.
pub fn aws_request(r: &Recorded, region: &str, service: &str, checks: impl Fn(&Recorded)) {
    if is_sts(r) {
        sts_request(r);
    } else if is_iam(r) {
        iam_request(r);
    } else {
        checks(r);
        verify_sigv4(r, AWS_ID, AWS_SECRET, region, service);
    }
}

#[tokio::test]
async fn aws_ses() {
    let account = |s| match s {
        Scenario::Perm => json(
            403,
            r#"{"message":"User is not authorized to perform: ses:GetAccount"}"#,
        )
        .header(
            "x-amzn-ErrorType",
            "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/",
        ),
        Scenario::Limited => json(429, r#"{"message":"Too many requests"}"#)
            .header("x-amzn-ErrorType", "TooManyRequestsException:"),
        _ => json(200, SES_ACCOUNT),
    };
    let answer = move |s, r: &Recorded| aws_answer(s, r, "InvalidClientTokenId", account);
    run_custom(CASES, "aws_ses", answer, |r| {
        aws_request(r, "eu-west-1", "ses", |r| {
            method_path(r, "GET", "/v2/email/account");
            no_query(r);
        })
    })
    .await;
}

const SES_ACCOUNT: &str = r#"{"SendingEnabled":true,"ProductionAccessEnabled":false,"SendQuota":{"Max24HourSend":200.0,"MaxSendRate":1.0,"SentLast24Hours":3.0}}"#;

#[tokio::test]
async fn aws_ses_session_tokens_are_signed_and_details_carry_the_quota() {
    let owned = Owned::of(
        "aws_ses",
        json!({"aws_region": "us-east-2", "aws_access_key_id": AWS_ID}),
        &[
            ("aws_secret_access_key", AWS_SECRET),
            ("aws_session_token", "FwoGZXIvYXdzCANARYsessiontoken"),
        ],
    );
    let checked = check_once(owned, &["sts", "iam", "ses"], |r| {
        sts_then(r, || json(200, SES_ACCOUNT))
    })
    .await;
    let outcome = &checked.outcome;
    assert_eq!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");
    assert_eq!(outcome.details["send_quota"]["max_24_hour_send"], 200.0);
    assert_eq!(outcome.details["account"]["account"], "123456789012");
    assert!(outcome.hint.contains("sandbox"), "{}", outcome.hint);
    for r in &checked.requests {
        assert_eq!(
            r.header("x-amz-security-token"),
            Some("FwoGZXIvYXdzCANARYsessiontoken")
        );
        let signed = r.header("authorization").unwrap();
        assert!(signed.contains("x-amz-security-token"), "{signed}");
    }
    assert_no_secret(outcome, &checked.owned.secrets);
}

#[tokio::test]
async fn aws_bad_secret_is_invalid_credentials() {
    let owned = aws_owned("aws_ses", "eu-west-1");
    let checked = check_once(owned, &["sts", "iam", "ses"], |_| {
        sts_error("SignatureDoesNotMatch")
    })
    .await;
    let outcome = checked.outcome;
    assert_eq!(outcome.kind, OutcomeKind::InvalidCredentials);
    assert!(
        outcome.message.contains("secret access key"),
        "{}",
        outcome.message
    );
    let after = "nothing is called after STS refuses";
    assert_eq!(checked.requests.len(), 1, "{after}");
}

const MC_KEY: &str = "0123456789abcdefCANARY0123456789-us21";

#[tokio::test]
async fn mailchimp() {
    run_custom(CASES, "mailchimp", |s, _| {
            let problem = |status: u16, title: &str| {
                Reply::typed(
                    status,
                    "application/problem+json",
                    json!({"type": "https://mailchimp.com/developer/marketing/docs/errors/", "title": title, "status": status, "detail": "See the docs.", "instance": "0c1d"}).to_string(),
                )
            };
            match s {
                Scenario::Ok => json(200, r#"{"health_status":"Everything's Chimpy!"}"#),
                Scenario::Bad => problem(401, "API Key Invalid"),
                Scenario::Perm => problem(403, "Forbidden"),
                Scenario::Limited => problem(429, "Too Many Requests"),
            }
        }, |r| {
            method_path(r, "GET", "/3.0/ping");
            let (_, password) = r.basic_auth().expect("basic auth");
            assert_eq!(password, MC_KEY);
        }).await;
}

#[tokio::test]
async fn mailchimp_bare_403_means_too_many_connections() {
    let owned = Owned::of("mailchimp", json!({}), &[("api_key", MC_KEY)]);
    let outcome = check_once(owned, &["mailchimp"], |_| Reply::empty(403))
        .await
        .outcome;
    assert_eq!(outcome.kind, OutcomeKind::RateLimited, "{outcome:?}");
}

#[tokio::test]
async fn mailchimp_data_center_comes_from_the_key() {
    let owned = Owned::of("mailchimp", json!({}), &[("api_key", "nodatacenterCANARY")]);
    let outcome = owned.check_at("http://127.0.0.1:9", &[]).await;
    assert_eq!(outcome.kind, OutcomeKind::InvalidCredentials);
    let endpoints = switchboard_providers::Endpoints::default();
    assert_eq!(
        endpoints.resolve("mailchimp", &[("dc", "us21")]).unwrap(),
        "https://us21.api.mailchimp.com"
    );
}
