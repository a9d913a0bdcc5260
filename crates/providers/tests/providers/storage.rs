//! File storage and CDNs against fakes: S3, Spaces, GCS, Azure Blob,
//! Cloudflare, CloudFront, Fastly. AWS and Azure signatures are rebuilt from
//! the request as received and compared.

use serde_json::json;
use switchboard_providers::fake::{FakeServer, Recorded, Reply};
use switchboard_providers::OutcomeKind;

use super::email::{
    aws_answer, aws_owned, aws_request, is_iam, is_sts, sts_then, AWS_ID, AWS_SECRET,
};
use crate::common::*;

/// The table of this file's provider cases.
const CASES: &str = include_str!("cases/storage.json");

case_tests!(CASES: digitalocean_spaces, azure_blob, fastly);

fn s3_error(status: u16, code: &str) -> Reply {
    Reply::xml(status, &format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{code}</Message><RequestId>r</RequestId></Error>"))
}

const LIST_OK: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>brand-assets</Name><KeyCount>1</KeyCount><MaxKeys>1</MaxKeys></ListBucketResult>";

fn s3_answer(s: Scenario, r: &Recorded) -> Reply {
    aws_answer(s, r, "InvalidClientTokenId", |s| match s {
        Scenario::Perm => s3_error(403, "AccessDenied"),
        Scenario::Limited => s3_error(503, "SlowDown"),
        _ => Reply::xml(200, LIST_OK),
    })
}

#[tokio::test]
async fn aws_s3() {
    run_custom(CASES, "aws_s3", s3_answer, |r| {
        aws_request(r, "eu-central-1", "s3", |r| {
            method_path(r, "GET", "/");
            query(r, &[("list-type", "2"), ("max-keys", "1")]);
        })
    })
    .await;
}

/// The S3 settings of these tests.
fn s3_settings() -> Owned {
    let mut owned = aws_owned("aws_s3", "eu-central-1");
    owned.config.insert("bucket".into(), json!("brand-assets"));
    owned
}

#[tokio::test]
async fn aws_s3_missing_bucket_and_wrong_region() {
    let missing = |r: &Recorded| sts_then(r, || s3_error(404, "NoSuchBucket"));
    let outcome = check_once(s3_settings(), &["sts", "iam", "s3"], missing)
        .await
        .outcome;
    assert_eq!(outcome.kind, OutcomeKind::NotFound, "{outcome:?}");

    let moved = |r: &Recorded| {
        sts_then(r, || {
            s3_error(301, "PermanentRedirect").header("x-amz-bucket-region", "us-west-2")
        })
    };
    let outcome = check_once(s3_settings(), &["sts", "iam", "s3"], moved)
        .await
        .outcome;
    assert_eq!(outcome.kind, OutcomeKind::WrongEnvironment, "{outcome:?}");
    assert!(outcome.hint.contains("us-west-2"));
}

#[tokio::test]
async fn s3_override_may_use_the_bucket_in_the_path() {
    let fake = FakeServer::start(|r| sts_then(r, || Reply::xml(200, LIST_OK))).await;
    let in_path = format!("{}/{{bucket}}", fake.url());
    let checker = checker_routed(&[("sts", &fake.url()), ("iam", &fake.url()), ("s3", &in_path)])
        .with_clock(std::sync::Arc::new(|| {
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(NOW)
        }));
    let outcome = checker.check(s3_settings().input()).await;
    assert_eq!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");
    let list = fake
        .requests()
        .into_iter()
        .find(|r| !is_sts(r) && !is_iam(r))
        .unwrap();
    assert_eq!(list.path, "/brand-assets/");
    verify_sigv4(&list, AWS_ID, AWS_SECRET, "eu-central-1", "s3");
}

fn service_account() -> String {
    json!({
        "type": "service_account", "project_id": "brand-site", "private_key_id": "kid-1",
        "private_key": RSA_PRIVATE, "client_email": "switchboard@brand-site.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token",
    })
    .to_string()
}

#[tokio::test]
async fn google_cloud_storage() {
    let sa: &'static str = Box::leak(service_account().into_boxed_str());
    let secrets: &'static [(&'static str, &'static str)] =
        Box::leak(Box::new([("service_account_json", sa)]));
    run_spec(&Spec {
        ty: "storage",
        provider: "google_cloud_storage",
        config: json!({"bucket": "brand-assets"}),
        secrets,
        keys: &["google_oauth2", "gcs"],
        answer: |s, r| {
            if r.path == "/token" {
                return match s {
                    Scenario::Bad => json(400, r#"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#),
                    _ => json(200, r#"{"access_token":"ya29.test-access-token","expires_in":3599,"token_type":"Bearer"}"#),
                };
            }
            match s {
                Scenario::Perm => json(403, r#"{"error":{"code":403,"message":"switchboard@brand-site.iam.gserviceaccount.com does not have storage.objects.list access"}}"#),
                Scenario::Limited => json(429, r#"{"error":{"code":429,"message":"rate limit"}}"#).header("Retry-After", "6"),
                _ => json(200, r#"{"kind":"storage#objects","items":[]}"#),
            }
        },
        request: |r| {
            if r.path == "/token" {
                method_path(r, "POST", "/token");
                assert_eq!(r.form_value("grant_type").as_deref(), Some("urn:ietf:params:oauth:grant-type:jwt-bearer"));
                let claims = verify_jwt(&r.form_value("assertion").unwrap(), "https://oauth2.googleapis.com/token");
                assert_eq!(claims["iss"], "switchboard@brand-site.iam.gserviceaccount.com");
                assert_eq!(claims["scope"], "https://www.googleapis.com/auth/devstorage.read_only");
                assert_eq!(r.form().len(), 2);
            } else {
                method_path(r, "GET", "/storage/v1/b/brand-assets/o");
                query(r, &[("maxResults", "1")]);
                bearer(r, "ya29.test-access-token");
            }
        },
        expect: USUAL,
        retry_after: Some(6),
    })
    .await;
}

#[tokio::test]
async fn google_service_account_that_is_not_json_is_invalid() {
    let owned = Owned::of(
        "google_cloud_storage",
        json!({"bucket": "b"}),
        &[("service_account_json", "CANARY not json")],
    );
    let outcome = owned.check_at("http://127.0.0.1:9", &[]).await;
    assert_eq!(outcome.kind, OutcomeKind::InvalidCredentials);
    assert_no_secret(&outcome, &owned.secrets);
}

const AZ_KEY: &str = "Q0FOQVJZYXp1cmVzdG9yYWdla2V5MDEyMzQ1Njc4OQ==";

fn azure_error(status: u16, code: &str) -> Reply {
    Reply::xml(status, &format!("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{code}</Message></Error>"))
        .header("x-ms-error-code", code)
}

#[tokio::test]
async fn azure_container_listing_and_missing_container() {
    let fake = FakeServer::start(|_| azure_error(404, "ContainerNotFound")).await;
    let owned = Owned::of(
        "azure_blob",
        json!({"account_name": "brandassets", "container": "marketing"}),
        &[("account_key", AZ_KEY)],
    );
    let outcome = owned.check_at(&fake.url(), &["azure_blob"]).await;
    assert_eq!(outcome.kind, OutcomeKind::NotFound, "{outcome:?}");
    let r = &fake.requests()[0];
    method_path(r, "GET", "/marketing");
    query(
        r,
        &[
            ("restype", "container"),
            ("comp", "list"),
            ("maxresults", "1"),
        ],
    );
    verify_azure(r, "brandassets", AZ_KEY);
}

const CF_TOKEN: &str = "CANARYcloudflareToken0123456789abcdef";

#[tokio::test]
async fn cloudflare() {
    run_custom(CASES, "cloudflare", |s, r| {
            let verify = r.path.ends_with("/tokens/verify");
            match s {
                Scenario::Ok | Scenario::Perm if verify => json(200, r#"{"success":true,"errors":[],"result":{"id":"t1","status":"active"}}"#),
                Scenario::Ok => json(200, r#"{"success":true,"result":{"id":"0123456789abcdef0123456789abcdef","name":"example.com"}}"#),
                Scenario::Perm => json(403, r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#),
                Scenario::Bad => json(401, r#"{"success":false,"errors":[{"code":1000,"message":"Invalid API Token"}]}"#),
                Scenario::Limited => json(429, r#"{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}]}"#).header("Retry-After", "11"),
            }
        }, |r| {
            bearer(r, CF_TOKEN);
            if r.path.ends_with("/tokens/verify") {
                method_path(r, "GET", "/client/v4/user/tokens/verify");
            } else {
                method_path(r, "GET", "/client/v4/zones/0123456789abcdef0123456789abcdef");
            }
        }).await;
}

#[tokio::test]
async fn cloudflare_account_tokens_use_the_account_endpoint() {
    let fake = FakeServer::start(|_| {
        json(
            200,
            r#"{"success":true,"result":{"id":"t1","status":"active"}}"#,
        )
    })
    .await;
    let owned = Owned::of(
        "cloudflare",
        json!({"account_id": "fedcba9876543210fedcba9876543210"}),
        &[("api_token", CF_TOKEN)],
    );
    let outcome = owned.check_at(&fake.url(), &["cloudflare"]).await;
    assert_eq!(outcome.kind, OutcomeKind::Ok);
    method_path(
        &fake.requests()[0],
        "GET",
        "/client/v4/accounts/fedcba9876543210fedcba9876543210/tokens/verify",
    );
}

#[tokio::test]
async fn aws_cloudfront() {
    let distributions = |s| {
        let err = |status: u16, code: &str| {
            Reply::xml(status, &format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{code}</Message></Error></ErrorResponse>"))
        };
        match s {
            Scenario::Perm => err(403, "AccessDenied"),
            Scenario::Limited => err(400, "Throttling"),
            _ => Reply::xml(
                200,
                "<DistributionList><MaxItems>1</MaxItems><Quantity>0</Quantity></DistributionList>",
            ),
        }
    };
    let answer = move |s, r: &Recorded| aws_answer(s, r, "SignatureDoesNotMatch", distributions);
    run_custom(CASES, "aws_cloudfront", answer, |r| {
        aws_request(r, "us-east-1", "cloudfront", |r| {
            method_path(r, "GET", "/2020-05-31/distribution");
            query(r, &[("MaxItems", "1")]);
        })
    })
    .await;
}
