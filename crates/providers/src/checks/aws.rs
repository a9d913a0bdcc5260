//! What the AWS-signed checks share (SES, SNS, S3, DigitalOcean Spaces,
//! CloudFront): Signature Version 4 through the `aws-sigv4` crate, the STS
//! GetCallerIdentity call that tells a bad key from a missing permission, and
//! the mapping of AWS error codes (XML `<Code>`, JSON `__type`, or the
//! `x-amzn-ErrorType` header) to outcomes.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use reqwest::Method;
use serde_json::{json, Value};

use crate::http::{with_said, Ctx, Resp, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

/// An access key pair (and session token) read from an integration.
pub(crate) struct AwsKeys<'a> {
    pub(crate) access_key_id: String,
    /// The field holding the secret access key (where a stated creation date goes).
    pub(crate) secret_field: &'static str,
    pub(crate) secret: &'a str,
    pub(crate) session_token: Option<&'a str>,
}

/// The standard AWS fields of the catalog.
pub(crate) fn keys<'a>(ctx: &Ctx<'a>) -> Result<AwsKeys<'a>, Outcome> {
    keys_from(
        ctx,
        "aws_access_key_id",
        "aws_secret_access_key",
        Some("aws_session_token"),
    )
}

/// Keys from named fields (DigitalOcean names them differently).
pub(crate) fn keys_from<'a>(
    ctx: &Ctx<'a>,
    id: &str,
    secret: &'static str,
    token: Option<&str>,
) -> Result<AwsKeys<'a>, Outcome> {
    Ok(AwsKeys {
        access_key_id: ctx.need_cfg(id)?,
        secret_field: secret,
        secret: ctx.need_secret(secret)?,
        session_token: token.and_then(|t| ctx.secret(t)),
    })
}

/// How a service wants its requests signed.
#[derive(Clone, Copy)]
pub(crate) struct Service<'s> {
    /// The signing name (`ses`, `sts`, `s3`...).
    pub(crate) name: &'s str,
    pub(crate) region: &'s str,
    /// S3 rules: payload hash header, no double encoding, no path normalisation.
    pub(crate) s3: bool,
}

/// Signs a request and returns the headers to add (x-amz-date,
/// authorization, x-amz-content-sha256, x-amz-security-token).
pub(crate) fn sign_headers(
    keys: &AwsKeys<'_>,
    service: Service<'_>,
    time: SystemTime,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Vec<(String, String)>, String> {
    let identity: Identity = Credentials::new(
        keys.access_key_id.clone(),
        keys.secret.to_owned(),
        keys.session_token.map(str::to_owned),
        None,
        "switchboard",
    )
    .into();
    let mut settings = SigningSettings::default();
    if service.s3 {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(service.region)
        .name(service.name)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let request = SignableRequest::new(
        method,
        url,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| e.to_string())?;
    let (instructions, _signature) = sign(request, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect())
}

/// A form body for [`send_body`].
pub(crate) fn form(body: &str) -> Option<(&'static str, &[u8])> {
    Some((
        "application/x-www-form-urlencoded; charset=utf-8",
        body.as_bytes(),
    ))
}

/// Sends a signed request with an optional (content type, body).
pub(crate) async fn send_body(
    ctx: &Ctx<'_>,
    keys: &AwsKeys<'_>,
    service: Service<'_>,
    method: Method,
    url: &str,
    body: Option<(&str, &[u8])>,
) -> Result<Resp, Outcome> {
    let headers: Vec<(&str, &str)> = match body {
        Some((content_type, _)) => vec![("content-type", content_type)],
        None => Vec::new(),
    };
    let bytes = body.map_or(&[][..], |(_, b)| b);
    let signed = sign_headers(
        keys,
        service,
        ctx.now(),
        method.as_str(),
        url,
        &headers,
        bytes,
    )
    .map_err(|why| {
        Outcome::new(
            OutcomeKind::InvalidCredentials,
            format!("The request to {} could not be signed ({why}).", ctx.label),
            "Check the access key ID, the secret access key and the region.",
        )
    })?;
    let mut request = ctx.request(method, url);
    for (name, value) in headers
        .iter()
        .copied()
        .chain(signed.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    {
        request = request.header(name, value);
    }
    if body.is_some() {
        request = request.body(bytes.to_vec());
    }
    ctx.send(request).await
}

/// Who a key belongs to (STS) and, where IAM lets the key read it, when the
/// key was created.
pub(crate) struct Caller {
    /// The account, ARN and user id.
    identity: Value,
    /// The key's creation date, as IAM states it.
    created: Option<String>,
    /// Why the creation date is unknown (None: known, or not asked).
    age_unknown: Option<&'static str>,
    secret_field: &'static str,
}

impl Caller {
    /// Adds the account to a successful outcome, and the key's creation
    /// date (a detail, and the date the store records for the secret).
    pub(crate) fn stamp(&self, out: Outcome) -> Outcome {
        let mut out = out.detail("account", self.identity.clone());
        if let Some(created) = &self.created {
            out = out
                .detail("access_key_created", created.as_str())
                .secret_created(self.secret_field, created);
        }
        if let Some(why) = self.age_unknown {
            out = out.detail("access_key_age", why);
        }
        out
    }
}

/// STS GetCallerIdentity: needs no permission, so a failure means the key
/// pair itself is wrong. Then, for a long-lived key (no session token), IAM
/// ListAccessKeys for the key's creation date: a key without
/// `iam:ListAccessKeys` on itself still passes, its age unknown.
pub(crate) async fn caller_identity(ctx: &Ctx<'_>, keys: &AwsKeys<'_>) -> Result<Caller, Outcome> {
    let url = format!("{}/", ctx.base("sts", &[])?);
    let action = form("Action=GetCallerIdentity&Version=2011-06-15");
    let resp = send_body(ctx, keys, GLOBAL_STS, Method::POST, &url, action).await?;
    if !resp.success() {
        return Err(failure(ctx, &resp, "sts:GetCallerIdentity"));
    }
    let mut caller = Caller {
        identity: json!({
            "account": resp.xml("Account"),
            "arn": resp.xml("Arn"),
            "user_id": resp.xml("UserId"),
        }),
        created: None,
        age_unknown: None,
        secret_field: keys.secret_field,
    };
    if keys.session_token.is_none() {
        match key_created(ctx, keys).await {
            Ok(created) => caller.created = Some(created),
            Err(why) => caller.age_unknown = Some(why),
        }
    }
    Ok(caller)
}

const GLOBAL_STS: Service<'static> = Service {
    name: "sts",
    region: "us-east-1",
    s3: false,
};

/// IAM ListAccessKeys (for the calling user): the creation date of the
/// entry whose id is this key's. Err says why it is unknown.
async fn key_created(ctx: &Ctx<'_>, keys: &AwsKeys<'_>) -> Result<String, &'static str> {
    const NOT_READ: &str = "not read: IAM did not answer";
    let base = ctx.base("iam", &[]).map_err(|_| NOT_READ)?;
    let service = Service {
        name: "iam",
        region: "us-east-1",
        s3: false,
    };
    let action = form("Action=ListAccessKeys&Version=2010-05-08");
    let url = format!("{base}/");
    let resp = send_body(ctx, keys, service, Method::POST, &url, action)
        .await
        .map_err(|_| NOT_READ)?;
    if !resp.success() {
        return Err(match error_code(&resp).as_deref() {
            Some("AccessDenied" | "AccessDeniedException") => {
                "not read: the key may not call iam:ListAccessKeys on itself"
            }
            _ => NOT_READ,
        });
    }
    access_key_created(&resp.body, &keys.access_key_id).ok_or("not read: IAM did not list this key")
}

/// The `CreateDate` of the `<member>` of a ListAccessKeys answer whose
/// `AccessKeyId` is `id`.
fn access_key_created(body: &str, id: &str) -> Option<String> {
    body.split("<member>").skip(1).find_map(|member| {
        let member = member.split("</member>").next()?;
        (crate::http::xml_text(member, "AccessKeyId")? == id)
            .then(|| crate::http::xml_text(member, "CreateDate").map(str::to_owned))?
    })
}

/// The AWS error code of an answer, from wherever the protocol puts it.
pub(crate) fn error_code(resp: &Resp) -> Option<String> {
    if let Some(code) = resp.xml("Code") {
        return Some(code.to_owned());
    }
    if let Some(t) = resp.header("x-amzn-errortype") {
        return Some(t.split(':').next().unwrap_or(t).trim().to_owned());
    }
    let from_json = resp
        .str_at("/__type")
        .or_else(|| resp.str_at("/code"))
        .or_else(|| resp.str_at("/Code"))?;
    Some(from_json.rsplit('#').next().unwrap_or(from_json).to_owned())
}

/// Maps an AWS error answer. `permission` names the IAM action the check needs.
pub(crate) fn failure(ctx: &Ctx<'_>, resp: &Resp, permission: &str) -> Outcome {
    let code = error_code(resp).unwrap_or_default();
    let said = resp
        .xml("Message")
        .or_else(|| resp.str_at("/message"))
        .or_else(|| resp.str_at("/Message"))
        .map(|m| m.chars().take(240).collect::<String>());
    let outcome = match code.as_str() {
        "InvalidClientTokenId" | "InvalidAccessKeyId" | "UnrecognizedClientException"
        | "InvalidToken" | "AuthFailure" => Outcome::new(
            OutcomeKind::InvalidCredentials,
            "AWS does not recognise this access key ID.",
            "Copy the access key ID again from IAM → Users → Security credentials; a deleted or deactivated key must be replaced.",
        ),
        "SignatureDoesNotMatch" | "IncompleteSignature" | "InvalidSignatureException" => {
            Outcome::new(
                OutcomeKind::InvalidCredentials,
                "AWS rejected the request's signature: the secret access key does not match the access key ID.",
                "Enter the secret access key that was shown with this access key ID; if it was lost, create a new access key.",
            )
        }
        "ExpiredToken" | "ExpiredTokenException" | "TokenRefreshRequired" => Outcome::new(
            OutcomeKind::InvalidCredentials,
            "The temporary credentials (session token) have expired.",
            "Get new temporary credentials, or use a long-lived IAM user key without a session token.",
        ),
        "RequestExpired" | "RequestTimeTooSkewed" => Outcome::provider_error(
            "AWS rejected the request because this computer's clock is more than 15 minutes off.",
            "Set the computer's clock to update automatically, then try again.",
        ),
        "AccessDenied" | "AccessDeniedException" | "AuthorizationError" | "UnauthorizedOperation"
        | "AllAccessDisabled" => Outcome::new(
            OutcomeKind::MissingPermission,
            format!("The AWS key is valid but is not allowed to call {permission}."),
            format!("In IAM, add a policy allowing {permission} to this key's user or role."),
        ),
        "OptInRequired" | "SubscriptionRequiredException" => Outcome::new(
            OutcomeKind::MissingPermission,
            format!("The AWS account is not signed up for {}.", ctx.label),
            format!("Enable {} for the account in the AWS console.", ctx.label),
        ),
        "Throttling" | "ThrottlingException" | "TooManyRequestsException" | "SlowDown"
        | "RequestLimitExceeded" | "ServerBusy" => {
            let o = ctx.rate_limited(resp);
            Outcome { message: "AWS is throttling requests right now.".into(), ..o }
        }
        "NoSuchBucket" | "NotFoundException" | "NoSuchDistribution" | "NoSuchEntity" => {
            ctx.not_found(format!("AWS answered {code}: what the settings name does not exist."))
        }
        "PermanentRedirect" | "AuthorizationHeaderMalformed" | "IllegalLocationConstraintException" => {
            let region = resp
                .header("x-amz-bucket-region")
                .or_else(|| resp.xml("Region"))
                .map(str::to_owned);
            let mut o = Outcome::new(
                OutcomeKind::WrongEnvironment,
                "The bucket is in another region than the one in the settings.",
                match &region {
                    Some(r) => format!("Change the region to {r}."),
                    None => "Change the region to the bucket's region (shown in the S3 console).".into(),
                },
            );
            if let Some(r) = region {
                o = o.detail("bucket_region", r);
            }
            o
        }
        _ => return with_code(ctx.http_failure(resp), &code),
    };
    with_code(with_said(outcome, said), &code).status(resp.status)
}

fn with_code(outcome: Outcome, code: &str) -> Outcome {
    if code.is_empty() {
        outcome
    } else {
        outcome.detail("aws_error", code)
    }
}

/// A verdict from an AWS answer: success continues, anything else fails.
pub(crate) fn expect_success(ctx: &Ctx<'_>, resp: &Resp, permission: &str) -> Verdict {
    if resp.success() {
        Ok(Outcome::ok(""))
    } else {
        Err(failure(ctx, resp, permission))
    }
}
