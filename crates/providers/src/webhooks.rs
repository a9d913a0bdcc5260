//! Incoming webhook signature verifiers: given a pasted payload, its headers
//! and the stored secret, each says whether the provider really signed it.
//! Meta's X-Hub-Signature-256 (and the hub.challenge handshake), Twilio's
//! X-Twilio-Signature (form and JSON `bodySHA256` variants), Stripe-Signature
//! with its tolerance, SendGrid's ECDSA event signature and Mailgun's body
//! signature. Comparisons are constant-time; errors never echo a secret.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// Why a webhook was not verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The stored secret is empty.
    #[error("no signing secret is stored: enter it in the integration's settings")]
    NoSecret,
    /// A header or field is missing or not in the provider's format.
    #[error("the signature is missing or malformed: {0}")]
    Malformed(String),
    /// The signature does not match the payload and secret.
    #[error("the signature does not match: the payload was changed, or the stored secret is not the one the provider signs with")]
    Mismatch,
    /// The signed timestamp is outside the tolerance.
    #[error("the signature is {age_secs} s away from now, beyond the {tolerance_secs} s tolerance: a replayed request, or a clock that is off")]
    Expired {
        /// How far the timestamp is from now.
        age_secs: u64,
        /// The tolerance.
        tolerance_secs: u64,
    },
    /// Meta's handshake: hub.mode is not `subscribe`.
    #[error("hub.mode must be 'subscribe'")]
    NotSubscribe,
    /// Meta's handshake: the verify token differs from the configured one.
    #[error("the verify token does not match the one configured in Switchboard")]
    TokenMismatch,
}

type Result<T> = std::result::Result<T, WebhookError>;

/// Decodes base64 text (surrounding white space ignored), or says that
/// `what` is not base64.
fn base64_text(text: &str, what: &str) -> Result<Vec<u8>> {
    B64.decode(text.trim())
        .map_err(|_| WebhookError::Malformed(format!("{what} is not base64")))
}

fn hmac256(key: &[u8]) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length")
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Constant-time equality of two byte strings.
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Meta (Facebook, WhatsApp, Messenger): `X-Hub-Signature-256: sha256=<hex>`
/// is HMAC-SHA256 of the raw body bytes with the App Secret.
pub fn verify_meta(body: &[u8], header: &str, app_secret: &str) -> Result<()> {
    if app_secret.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let hex_sig = header.trim().strip_prefix("sha256=").ok_or_else(|| {
        WebhookError::Malformed("X-Hub-Signature-256 must start with sha256=".into())
    })?;
    let expected = decode_hex(hex_sig)
        .ok_or_else(|| WebhookError::Malformed("X-Hub-Signature-256 is not hexadecimal".into()))?;
    let mut mac = hmac256(app_secret.as_bytes());
    mac.update(body);
    mac.verify_slice(&expected)
        .map_err(|_| WebhookError::Mismatch)
}

/// Meta's subscription handshake: with `hub.mode=subscribe` and the
/// configured verify token, the answer is 200 with exactly the challenge
/// (returned here); anything else must be answered 403.
pub fn meta_challenge(
    mode: &str,
    token: &str,
    challenge: &str,
    configured_token: &str,
) -> Result<String> {
    if configured_token.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    if mode != "subscribe" {
        return Err(WebhookError::NotSubscribe);
    }
    if !ct_eq(token.as_bytes(), configured_token.as_bytes()) {
        return Err(WebhookError::TokenMismatch);
    }
    Ok(challenge.to_owned())
}

fn twilio_sign(data: &str, auth_token: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).expect("any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The URL as given, plus the same URL with its default port added or
/// removed: Twilio signs the URL as configured, which may differ in the port.
fn twilio_url_variants(url: &str) -> Vec<String> {
    let mut out = vec![url.to_owned()];
    if let Ok(parsed) = url::Url::parse(url) {
        if let Some(host) = parsed.host_str() {
            let rest = &parsed[url::Position::BeforePath..];
            let scheme = parsed.scheme();
            // Url drops a default port, so both spellings are rebuilt by hand.
            let default = if scheme == "https" { 443 } else { 80 };
            let port = parsed.port().unwrap_or(default);
            if port == default {
                for variant in [
                    format!("{scheme}://{host}{rest}"),
                    format!("{scheme}://{host}:{default}{rest}"),
                ] {
                    if variant != url {
                        out.push(variant);
                    }
                }
            }
        }
    }
    out
}

/// Twilio, form-encoded requests: `X-Twilio-Signature` is
/// base64(HMAC-SHA1(auth token, URL + each POST parameter's name and value,
/// sorted by name)).
pub fn verify_twilio(
    url: &str,
    params: &[(&str, &str)],
    header: &str,
    auth_token: &str,
) -> Result<()> {
    if auth_token.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let expected = B64
        .decode(header.trim())
        .map_err(|_| WebhookError::Malformed("X-Twilio-Signature is not base64".into()))?;
    let mut sorted = params.to_vec();
    sorted.sort();
    let tail: String = sorted.iter().map(|(k, v)| format!("{k}{v}")).collect();
    let matched = twilio_url_variants(url)
        .iter()
        .any(|u| ct_eq(&twilio_sign(&format!("{u}{tail}"), auth_token), &expected));
    if matched {
        Ok(())
    } else {
        Err(WebhookError::Mismatch)
    }
}

/// Twilio, JSON bodies: the URL carries `bodySHA256=<hex sha256(body)>`, the
/// signature covers the URL only, and the body's hash must match too.
pub fn verify_twilio_json(url: &str, body: &[u8], header: &str, auth_token: &str) -> Result<()> {
    let parsed =
        url::Url::parse(url).map_err(|_| WebhookError::Malformed("the URL is not valid".into()))?;
    let claimed = parsed
        .query_pairs()
        .find(|(k, _)| k == "bodySHA256")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| WebhookError::Malformed("the URL has no bodySHA256 parameter".into()))?;
    verify_twilio(url, &[], header, auth_token)?;
    let actual = hex(&Sha256::digest(body));
    if ct_eq(actual.as_bytes(), claimed.to_lowercase().as_bytes()) {
        Ok(())
    } else {
        Err(WebhookError::Mismatch)
    }
}

/// Stripe's default tolerance between the signed timestamp and now.
pub const STRIPE_TOLERANCE_SECS: u64 = 300;

/// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…][,v0=…]`, each v1 being
/// hex(HMAC-SHA256(endpoint secret as-is, "{t}.{raw body}")). Valid when any
/// v1 matches and |now − t| ≤ tolerance (v0 is ignored). Returns `t`.
pub fn verify_stripe(
    body: &[u8],
    header: &str,
    secret: &str,
    now: u64,
    tolerance_secs: u64,
) -> Result<u64> {
    if secret.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            continue;
        };
        match k {
            "t" => timestamp = v.parse::<u64>().ok(),
            "v1" => signatures.push(v.to_owned()),
            _ => {}
        }
    }
    let t = timestamp
        .ok_or_else(|| WebhookError::Malformed("Stripe-Signature has no t=<timestamp>".into()))?;
    if signatures.is_empty() {
        return Err(WebhookError::Malformed(
            "Stripe-Signature has no v1 signature".into(),
        ));
    }
    let mut mac = hmac256(secret.as_bytes());
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected = hex(&mac.finalize().into_bytes());
    if !signatures
        .iter()
        .any(|s| ct_eq(s.as_bytes(), expected.as_bytes()))
    {
        return Err(WebhookError::Mismatch);
    }
    let age = now.abs_diff(t);
    if age > tolerance_secs {
        return Err(WebhookError::Expired {
            age_secs: age,
            tolerance_secs,
        });
    }
    Ok(t)
}

/// SendGrid Event Webhook: ECDSA P-256/SHA-256 over `timestamp + payload`
/// (the raw bytes as received), with the base64 DER public key from Mail
/// Settings and the base64 DER signature header.
pub fn verify_sendgrid(
    public_key_b64: &str,
    signature_b64: &str,
    timestamp: &str,
    payload: &[u8],
) -> Result<()> {
    if public_key_b64.trim().is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let key_der = base64_text(public_key_b64, "the verification key")?;
    let key = VerifyingKey::from_public_key_der(&key_der).map_err(|_| {
        WebhookError::Malformed("the verification key is not a P-256 public key".into())
    })?;
    let sig_der = base64_text(signature_b64, "the signature header")?;
    let signature = Signature::from_der(&sig_der).map_err(|_| {
        WebhookError::Malformed("the signature header is not a DER ECDSA signature".into())
    })?;
    let mut message = Vec::with_capacity(timestamp.len() + payload.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.extend_from_slice(payload);
    // Accept both S forms: SendGrid's signer does not normalise S.
    let candidates = [Some(signature), signature.normalize_s()];
    if candidates
        .iter()
        .flatten()
        .any(|s| key.verify(&message, s).is_ok())
    {
        Ok(())
    } else {
        Err(WebhookError::Mismatch)
    }
}

/// Mailgun: the body's `signature` object holds `timestamp`, `token` and
/// `signature` = hex(HMAC-SHA256(webhook signing key, timestamp ‖ token)).
/// Callers should also refuse stale timestamps ([`check_freshness`]) and
/// tokens they have already seen.
pub fn verify_mailgun(
    signing_key: &str,
    timestamp: &str,
    token: &str,
    signature: &str,
) -> Result<()> {
    if signing_key.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let expected = decode_hex(signature).ok_or_else(|| {
        WebhookError::Malformed("the Mailgun signature is not hexadecimal".into())
    })?;
    let mut mac = hmac256(signing_key.as_bytes());
    mac.update(timestamp.as_bytes());
    mac.update(token.as_bytes());
    mac.verify_slice(&expected)
        .map_err(|_| WebhookError::Mismatch)
}

/// Refuses a unix `timestamp` further than `tolerance_secs` from `now`.
pub fn check_freshness(timestamp: &str, now: u64, tolerance_secs: u64) -> Result<()> {
    let t: u64 = timestamp
        .trim()
        .parse()
        .map_err(|_| WebhookError::Malformed("the timestamp is not a number".into()))?;
    let age = now.abs_diff(t);
    if age > tolerance_secs {
        return Err(WebhookError::Expired {
            age_secs: age,
            tolerance_secs,
        });
    }
    Ok(())
}

/// Signs a payload the way Switchboard's custom webhooks do:
/// `sha256=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>`.
pub fn sign_custom(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let mut mac = hmac256(secret.as_bytes());
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex(&mac.finalize().into_bytes()))
}

/// Signs a body the way Meta does: `sha256=<hex HMAC-SHA256(app secret, body)>`
/// (for the server's "send a test event" and tests).
pub fn sign_meta(body: &[u8], app_secret: &str) -> String {
    let mut mac = hmac256(app_secret.as_bytes());
    mac.update(body);
    format!("sha256={}", hex(&mac.finalize().into_bytes()))
}

/// Signs a form request the way Twilio does: base64(HMAC-SHA1(auth token,
/// URL + each parameter's name and value, sorted by name)).
pub fn sign_twilio(url: &str, params: &[(&str, &str)], auth_token: &str) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let tail: String = sorted.iter().map(|(k, v)| format!("{k}{v}")).collect();
    B64.encode(twilio_sign(&format!("{url}{tail}"), auth_token))
}

/// Signs a body the way Stripe does at unix time `t`: `t=<t>,v1=<hex>`.
pub fn sign_stripe(body: &[u8], secret: &str, t: u64) -> String {
    let mut mac = hmac256(secret.as_bytes());
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={t},v1={}", hex(&mac.finalize().into_bytes()))
}

/// Signs a timestamp and token the way Mailgun does: hex(HMAC-SHA256(key,
/// timestamp ‖ token)).
pub fn sign_mailgun(signing_key: &str, timestamp: &str, token: &str) -> String {
    let mut mac = hmac256(signing_key.as_bytes());
    mac.update(timestamp.as_bytes());
    mac.update(token.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Reads a Lead Ads lead (`{id, created_time, field_data:[{name, values}]}`)
/// from Meta's Graph API: `GET /{version}/{leadgen_id}` with `token` as a
/// Bearer token, through `checker`'s endpoints (key `meta`), so tests and
/// staging point it elsewhere. Errors are Meta's codes mapped like the
/// checks', scrubbed of the integration's secrets.
pub async fn fetch_meta_lead(
    checker: &crate::Checker,
    input: crate::CheckInput<'_>,
    leadgen_id: &str,
    token: &str,
) -> std::result::Result<serde_json::Value, crate::Outcome> {
    if leadgen_id.is_empty() || !leadgen_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(crate::Outcome::new(
            crate::OutcomeKind::NotFound,
            "The leadgen_id Meta sent is not a number, so the lead was not read.",
            "Check the webhook's subscription in Meta for Developers.",
        ));
    }
    let ctx = crate::http::Ctx::new(checker, &input);
    crate::checks::graph::graph_get(&ctx, leadgen_id, &[], token)
        .await
        .map(|resp| resp.json)
        .map_err(|mut outcome| {
            crate::redact::scrub_outcome(&mut outcome, input.secrets);
            outcome
        })
}

/// The schemes [`verify_request`] knows, as the Webhooks tool lists them.
pub const SCHEMES: [&str; 6] = [
    "meta",
    "meta_challenge",
    "twilio",
    "stripe",
    "sendgrid",
    "mailgun",
];

/// A pasted webhook request to check: what each scheme signs.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignedRequest<'a> {
    /// One of [`SCHEMES`].
    pub scheme: &'a str,
    /// The raw body (a form body for Twilio).
    pub payload: &'a [u8],
    /// The signature header's value.
    pub signature: &'a str,
    /// The signed timestamp (SendGrid, Mailgun), or hub.mode (Meta's handshake).
    pub timestamp: &'a str,
    /// Mailgun's token, or hub.verify_token (Meta's handshake).
    pub token: &'a str,
    /// The URL Twilio called, or hub.challenge (Meta's handshake).
    pub url: &'a str,
}

/// Checks `request` under its scheme with `secret`, Stripe's age against
/// `now` (Unix seconds): what matched, in a sentence, or why not. None
/// when the scheme is not one of [`SCHEMES`].
pub fn verify_request(
    request: &SignedRequest<'_>,
    secret: &str,
    now: u64,
) -> Option<Result<String>> {
    let r = request;
    Some(match r.scheme {
        "meta" => verify_meta(r.payload, r.signature, secret)
            .map(|()| "Valid: X-Hub-Signature-256 matches the payload.".into()),
        "meta_challenge" => meta_challenge(r.timestamp, r.token, r.url, secret)
            .map(|c| format!("Valid: answer 200 with the challenge “{c}”.")),
        "twilio" => {
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(r.payload)
                .into_owned()
                .collect();
            let params: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            verify_twilio(r.url.trim(), &params, r.signature, secret)
                .map(|()| "Valid: X-Twilio-Signature matches the URL and parameters.".into())
        }
        "stripe" => verify_stripe(r.payload, r.signature, secret, now, STRIPE_TOLERANCE_SECS)
            .map(|t| format!("Valid: Stripe-Signature matches (signed at {t}, within 5 minutes).")),
        "sendgrid" => verify_sendgrid(secret, r.signature, r.timestamp, r.payload)
            .map(|()| "Valid: the ECDSA signature matches the timestamp and payload.".into()),
        "mailgun" => verify_mailgun(secret, r.timestamp, r.token, r.signature)
            .map(|()| "Valid: the signature matches the timestamp and token.".into()),
        _ => return None,
    })
}
