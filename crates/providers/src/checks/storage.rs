//! File storage: Amazon S3 (STS first, then ListObjectsV2 of one key),
//! DigitalOcean Spaces (the same call, signed for the Space's region), Google
//! Cloud Storage (a service-account JWT for a read-only token, then one object
//! listing) and Azure Blob (a container listing under Shared Key).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

use super::{aws, jwt};
use crate::http::{with_said, Ctx, Resp, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

checks! {
    "aws_s3" => s3,
    "digitalocean_spaces" => spaces,
    "google_cloud_storage" => gcs,
    "azure_blob" => azure,
}

const LIST_ONE: &str = "/?list-type=2&max-keys=1";

fn listing_ok(resp: &Resp, bucket: &str, label: &str) -> Outcome {
    Outcome::ok(format!(
        "{label} accepted the key and the bucket {bucket} can be listed."
    ))
    .details(json!({"bucket": bucket, "key_count": resp.xml("KeyCount")}))
    .status(resp.status)
}

async fn s3(ctx: &Ctx<'_>) -> Verdict {
    let keys = aws::keys(ctx)?;
    let region = ctx.need_cfg("aws_region")?;
    let bucket = ctx.need_cfg("bucket")?;
    let identity = aws::caller_identity(ctx, &keys).await?;
    let base = ctx.base("s3", &[("bucket", &bucket), ("region", &region)])?;
    let resp = list_one(ctx, &keys, &region, &base).await?;
    aws::expect_success(ctx, &resp, "s3:ListBucket")?;
    Ok(identity.stamp(listing_ok(&resp, &bucket, "Amazon S3")))
}

/// Lists one object of the S3-compatible bucket at `base`, signed for `region`.
async fn list_one(
    ctx: &Ctx<'_>,
    keys: &aws::AwsKeys<'_>,
    region: &str,
    base: &str,
) -> Result<Resp, Outcome> {
    let service = aws::Service {
        name: "s3",
        region,
        s3: true,
    };
    aws::send_body(
        ctx,
        keys,
        service,
        Method::GET,
        &format!("{base}{LIST_ONE}"),
        None,
    )
    .await
}

async fn spaces(ctx: &Ctx<'_>) -> Verdict {
    let keys = aws::keys_from(ctx, "access_key_id", "secret_access_key", None)?;
    let region = ctx.need_cfg("region")?;
    let bucket = ctx.need_cfg("bucket")?;
    let base = ctx.base("spaces", &[("bucket", &bucket), ("region", &region)])?;
    let resp = list_one(ctx, &keys, &region, &base).await?;
    if !resp.success() {
        let mut out = aws::failure(ctx, &resp, "list this Space");
        if out.kind == OutcomeKind::MissingPermission {
            out.message = "DigitalOcean refused access to the Space (AccessDenied).".into();
            out.hint = "Give the access key read access to this Space (Spaces Object Storage → Access Keys), and check the key and secret.".into();
        }
        return Err(out);
    }
    Ok(listing_ok(&resp, &bucket, "DigitalOcean Spaces"))
}

/// Google's token audience: the key file's `token_uri` when it is Google's.
fn google_audience(sa: &Value) -> String {
    let uri = sa["token_uri"].as_str().unwrap_or_default();
    if uri.starts_with("https://oauth2.googleapis.com/")
        || uri.starts_with("https://accounts.google.com/")
    {
        uri.to_owned()
    } else {
        "https://oauth2.googleapis.com/token".to_owned()
    }
}

/// Exchanges a service-account key for an access token with `scope`.
pub(crate) async fn google_token(
    ctx: &Ctx<'_>,
    sa_json: &str,
    scope: &str,
) -> Result<(String, Value), Outcome> {
    let bad_file = |why: &str| {
        ctx.invalid(format!("The service account key file {why}."))
            .hint(
            "Paste the whole JSON key file downloaded from IAM & Admin → Service accounts → Keys.",
        )
    };
    let sa: Value = serde_json::from_str(sa_json).map_err(|_| bad_file("is not valid JSON"))?;
    let email = sa["client_email"]
        .as_str()
        .ok_or_else(|| bad_file("has no client_email"))?;
    let pem = sa["private_key"]
        .as_str()
        .ok_or_else(|| bad_file("has no private_key"))?;
    let now = ctx.unix_now();
    let claims = json!({
        "iss": email, "scope": scope, "aud": google_audience(&sa), "iat": now, "exp": now + 3600,
    });
    let assertion = jwt::rs256(&claims, pem, sa["private_key_id"].as_str())
        .map_err(|_| bad_file("holds a private key that cannot sign (damaged or not RSA)"))?;
    let url = format!("{}/token", ctx.base("google_oauth2", &[])?);
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("assertion", assertion.as_str()),
    ];
    let resp = ctx.send(ctx.post(&url).form(&form)).await?;
    if !resp.success() {
        let said = resp.str_at("/error_description").map(str::to_owned);
        let out = match resp.str_at("/error") {
            Some("invalid_grant") => ctx.invalid("Google rejected the service account key (invalid_grant): it may have been deleted or the file is damaged."),
            Some("invalid_client") | Some("unauthorized_client") => ctx.invalid("Google does not know this service account (invalid_client)."),
            _ => return Err(ctx.http_failure(&resp)),
        };
        return Err(with_said(out, said).status(resp.status));
    }
    let token = resp
        .str_at("/access_token")
        .ok_or_else(|| {
            Outcome::provider_error(
                "Google's token answer had no access token.",
                "Try again later.",
            )
        })?
        .to_owned();
    let info = json!({"client_email": email, "project_id": sa["project_id"], "token_expires_in": resp.json["expires_in"]});
    Ok((token, info))
}

async fn gcs(ctx: &Ctx<'_>) -> Verdict {
    let sa_json = ctx.need_secret("service_account_json")?;
    let bucket = ctx.need_cfg("bucket")?;
    let (token, info) = google_token(
        ctx,
        sa_json,
        "https://www.googleapis.com/auth/devstorage.read_only",
    )
    .await?;
    let url = format!("{}/storage/v1/b/{bucket}/o", ctx.base("gcs", &[])?);
    let resp = ctx
        .send(
            ctx.get(&url)
                .query(&[("maxResults", "1")])
                .bearer_auth(&token),
        )
        .await?;
    if !resp.success() {
        let mut out = ctx.http_failure(&resp);
        match resp.status {
            403 => {
                out.message =
                    format!("The service account cannot list the bucket {bucket} (HTTP 403).");
                out.hint =
                    "Grant the service account Storage Object Viewer (or Admin) on the bucket."
                        .into();
            }
            404 => out.message = format!("Google Cloud Storage has no bucket {bucket}."),
            _ => {}
        }
        return Err(out.details(info));
    }
    Ok(Outcome::ok(format!(
        "Google Cloud Storage accepted the service account; the bucket {bucket} can be listed."
    ))
    .details(info)
    .detail("bucket", bucket)
    .status(resp.status))
}

/// The Azure Storage REST version sent with every call.
pub(crate) const AZURE_VERSION: &str = "2021-08-06";

/// The Shared Key string to sign for a GET without a body.
pub(crate) fn azure_string_to_sign(
    account: &str,
    path: &str,
    ms_date: &str,
    query: &[(&str, &str)],
) -> String {
    let mut params: Vec<(&str, &str)> = query.to_vec();
    params.sort();
    let mut resource = format!("/{account}{path}");
    for (k, v) in params {
        resource.push_str(&format!("\n{}:{v}", k.to_lowercase()));
    }
    format!(
        "GET\n{}x-ms-date:{ms_date}\nx-ms-version:{AZURE_VERSION}\n{resource}",
        "\n".repeat(11)
    )
}

async fn azure(ctx: &Ctx<'_>) -> Verdict {
    let account = ctx.need_cfg("account_name")?;
    let key_b64 = ctx.need_secret("account_key")?;
    let key = B64.decode(key_b64.trim()).map_err(|_| {
        ctx.invalid(
            "The Azure access key is not valid base64: copy the Key, not the connection string.",
        )
    })?;
    let container = ctx.cfg("container");
    let (path, query): (String, Vec<(&str, &str)>) = match &container {
        Some(c) => (
            format!("/{c}"),
            vec![
                ("restype", "container"),
                ("comp", "list"),
                ("maxresults", "1"),
            ],
        ),
        None => ("/".into(), vec![("comp", "list"), ("maxresults", "1")]),
    };
    let ms_date = httpdate::fmt_http_date(ctx.now());
    let to_sign = azure_string_to_sign(&account, &path, &ms_date, &query);
    let mut mac = Hmac::<Sha256>::new_from_slice(&key)
        .map_err(|_| ctx.invalid("The Azure access key is empty."))?;
    mac.update(to_sign.as_bytes());
    let signature = B64.encode(mac.finalize().into_bytes());
    let base = ctx.base("azure_blob", &[("account", &account)])?;
    let request = ctx
        .get(&format!("{base}{path}"))
        .query(&query)
        .header("x-ms-date", &ms_date)
        .header("x-ms-version", AZURE_VERSION)
        .header("Authorization", format!("SharedKey {account}:{signature}"));
    let resp = ctx.send(request).await?;
    if !resp.success() {
        let code = resp
            .header("x-ms-error-code")
            .map(str::to_owned)
            .or_else(|| resp.xml("Code").map(str::to_owned))
            .unwrap_or_default();
        let out = match code.as_str() {
            "AuthenticationFailed" | "InvalidAuthenticationInfo" => ctx
                .invalid("Azure rejected the access key (AuthenticationFailed).")
                .hint("Copy key1 again from the storage account's Access keys. Azure also refuses when this computer's clock is more than 15 minutes off."),
            "KeyBasedAuthenticationNotPermitted" => ctx.missing_permission(
                "The storage account does not allow access keys (Shared Key access is disabled).",
            ).hint("Allow storage account key access under Settings → Configuration, or use another account."),
            "AuthorizationPermissionMismatch" | "AuthorizationFailure" => {
                ctx.missing_permission("Azure accepted the key but refused the listing.")
            }
            "ContainerNotFound" => ctx.not_found(format!(
                "The storage account has no container {}.",
                container.as_deref().unwrap_or("")
            )),
            "ServerBusy" | "OperationTimedOut" => ctx.rate_limited(&resp),
            _ => return Err(ctx.http_failure(&resp).detail("azure_error", code)),
        };
        return Err(out.status(resp.status).detail("azure_error", code));
    }
    Ok(Outcome::ok(format!(
        "Azure Blob Storage accepted the key for the account {account}."
    ))
    .details(json!({"account": account, "container": container}))
    .status(resp.status))
}
