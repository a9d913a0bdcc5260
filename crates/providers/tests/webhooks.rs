//! Webhook signature verifiers with the vectors of providers.md, plus
//! tampering, wrong secrets, Stripe's tolerance and Meta's handshake.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use switchboard_providers::webhooks::*;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac256_hex(key: &str, data: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(data);
    hex(&mac.finalize().into_bytes())
}

#[test]
fn meta_vector_and_tampering() {
    let header = "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914";
    assert_eq!(verify_meta(b"test", header, "secret"), Ok(()));
    assert_eq!(
        verify_meta(b"test ", header, "secret"),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(
        verify_meta(b"test", header, "other"),
        Err(WebhookError::Mismatch)
    );
    assert!(matches!(
        verify_meta(b"test", "0329a06b", "secret"),
        Err(WebhookError::Malformed(_))
    ));
    assert!(matches!(
        verify_meta(b"test", "sha256=zz", "secret"),
        Err(WebhookError::Malformed(_))
    ));
    assert_eq!(
        verify_meta(b"test", header, ""),
        Err(WebhookError::NoSecret)
    );
}

#[test]
fn meta_challenge_rule() {
    assert_eq!(
        meta_challenge("subscribe", "tok", "1158201444", "tok"),
        Ok("1158201444".to_string())
    );
    assert_eq!(
        meta_challenge("subscribe", "nope", "1", "tok"),
        Err(WebhookError::TokenMismatch)
    );
    assert_eq!(
        meta_challenge("unsubscribe", "tok", "1", "tok"),
        Err(WebhookError::NotSubscribe)
    );
    assert_eq!(
        meta_challenge("subscribe", "", "1", ""),
        Err(WebhookError::NoSecret)
    );
}

const TWILIO_URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
const TWILIO_PARAMS: [(&str, &str); 5] = [
    ("CallSid", "CA1234567890ABCDE"),
    ("Caller", "+14158675310"),
    ("Digits", "1234"),
    ("From", "+14158675310"),
    ("To", "+18005551212"),
];

#[test]
fn twilio_vector_order_and_tampering() {
    let sig = "GvWf1cFY/Q7PnoempGyD5oXAezc=";
    assert_eq!(
        verify_twilio(TWILIO_URL, &TWILIO_PARAMS, sig, "12345"),
        Ok(())
    );
    let mut reversed = TWILIO_PARAMS;
    reversed.reverse();
    assert_eq!(
        verify_twilio(TWILIO_URL, &reversed, sig, "12345"),
        Ok(()),
        "parameter order does not matter"
    );
    assert_eq!(
        verify_twilio(TWILIO_URL, &TWILIO_PARAMS[..4], sig, "12345"),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(
        verify_twilio(TWILIO_URL, &TWILIO_PARAMS, sig, "54321"),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(
        verify_twilio(
            "https://mycompany.com/myapp.php?foo=1&bar=3",
            &TWILIO_PARAMS,
            sig,
            "12345"
        ),
        Err(WebhookError::Mismatch)
    );
    // The same URL with its default port still verifies, as Twilio's SDKs allow.
    assert_eq!(
        verify_twilio(
            "https://mycompany.com:443/myapp.php?foo=1&bar=2",
            &TWILIO_PARAMS,
            sig,
            "12345"
        ),
        Ok(())
    );
}

#[test]
fn twilio_json_body_variant() {
    let body = br#"{"CallSid":"CA1234567890ABCDE","Caller":"+14158675310"}"#;
    let url = format!(
        "https://mycompany.com/myapp.php?bodySHA256={}",
        hex(&Sha256::digest(body))
    );
    let mut mac = Hmac::<Sha1>::new_from_slice(b"12345").unwrap();
    mac.update(url.as_bytes());
    let sig = B64.encode(mac.finalize().into_bytes());
    assert_eq!(verify_twilio_json(&url, body, &sig, "12345"), Ok(()));
    assert_eq!(
        verify_twilio_json(&url, b"{\"tampered\":1}", &sig, "12345"),
        Err(WebhookError::Mismatch)
    );
    assert!(matches!(
        verify_twilio_json("https://mycompany.com/x", body, &sig, "12345"),
        Err(WebhookError::Malformed(_))
    ));
}

#[test]
fn stripe_signatures_and_tolerance() {
    let secret = "whsec_test_secret";
    let body = br#"{"id":"evt_1","object":"event"}"#;
    let t = 1_700_000_000u64;
    let good = hmac256_hex(
        secret,
        format!("{t}.{}", std::str::from_utf8(body).unwrap()).as_bytes(),
    );
    let header = format!("t={t},v1={good},v0=ignored");
    assert_eq!(
        verify_stripe(body, &header, secret, t + 10, STRIPE_TOLERANCE_SECS),
        Ok(t)
    );
    // Any of several v1 may match (secret rotation).
    let rotated = format!("t={t},v1={},v1={good}", "0".repeat(64));
    assert_eq!(
        verify_stripe(body, &rotated, secret, t, STRIPE_TOLERANCE_SECS),
        Ok(t)
    );
    assert_eq!(
        verify_stripe(body, &header, secret, t + 301, STRIPE_TOLERANCE_SECS),
        Err(WebhookError::Expired {
            age_secs: 301,
            tolerance_secs: 300
        })
    );
    assert_eq!(
        verify_stripe(body, &header, secret, t - 300, STRIPE_TOLERANCE_SECS),
        Ok(t)
    );
    assert_eq!(
        verify_stripe(b"{}", &header, secret, t, STRIPE_TOLERANCE_SECS),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(
        verify_stripe(body, &header, "whsec_other", t, STRIPE_TOLERANCE_SECS),
        Err(WebhookError::Mismatch)
    );
    // v0 alone is never accepted.
    let v0_only = format!("t={t},v0={good}");
    assert!(matches!(
        verify_stripe(body, &v0_only, secret, t, 300),
        Err(WebhookError::Malformed(_))
    ));
    assert!(matches!(
        verify_stripe(body, "v1=abc", secret, t, 300),
        Err(WebhookError::Malformed(_))
    ));
}

const SG_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==";
const SG_SIG: &str = "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";
const SG_PAYLOAD: &str =
    r#"{"category":"example_payload","event":"test_event","message_id":"message_id"}"#;

#[test]
fn sendgrid_vector_and_tampering() {
    assert_eq!(
        verify_sendgrid(SG_KEY, SG_SIG, "1588788367", SG_PAYLOAD.as_bytes()),
        Ok(())
    );
    assert_eq!(
        verify_sendgrid(SG_KEY, SG_SIG, "1588788368", SG_PAYLOAD.as_bytes()),
        Err(WebhookError::Mismatch)
    );
    let tampered = SG_PAYLOAD.replace("test_event", "test_evenT");
    assert_eq!(
        verify_sendgrid(SG_KEY, SG_SIG, "1588788367", tampered.as_bytes()),
        Err(WebhookError::Mismatch)
    );
    assert!(matches!(
        verify_sendgrid("bm90IGEga2V5", SG_SIG, "1588788367", b"x"),
        Err(WebhookError::Malformed(_))
    ));
    assert!(matches!(
        verify_sendgrid(SG_KEY, "not base64!", "1588788367", b"x"),
        Err(WebhookError::Malformed(_))
    ));
}

#[test]
fn mailgun_signature_and_freshness() {
    let key = "key-mailgun-signing";
    let (ts, token) = (
        "1700000000",
        "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0",
    );
    let sig = hmac256_hex(key, format!("{ts}{token}").as_bytes());
    assert_eq!(verify_mailgun(key, ts, token, &sig), Ok(()));
    assert_eq!(
        verify_mailgun(key, "1700000001", token, &sig),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(
        verify_mailgun("other", ts, token, &sig),
        Err(WebhookError::Mismatch)
    );
    assert_eq!(check_freshness(ts, 1_700_000_100, 300), Ok(()));
    assert!(matches!(
        check_freshness(ts, 1_700_001_000, 300),
        Err(WebhookError::Expired { .. })
    ));
}

#[test]
fn errors_never_echo_secrets() {
    let err = verify_meta(b"x", "sha256=00", "CANARYsecret").unwrap_err();
    assert!(!err.to_string().contains("CANARY"));
    let err = meta_challenge("subscribe", "CANARYguess", "1", "CANARYtoken").unwrap_err();
    assert!(!err.to_string().contains("CANARY"));
}

/// The signers (the server's "send a test event") reproduce the published
/// vectors, and what they sign verifies.
#[test]
fn signers_reproduce_the_vectors() {
    assert_eq!(
        sign_meta(b"test", "secret"),
        "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"
    );
    let params = [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675310"),
        ("Digits", "1234"),
        ("From", "+14158675310"),
        ("To", "+18005551212"),
    ];
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    assert_eq!(
        sign_twilio(url, &params, "12345"),
        "GvWf1cFY/Q7PnoempGyD5oXAezc="
    );
    let header = sign_stripe(b"{}", "whsec_x", 1_700_000_000);
    assert_eq!(
        verify_stripe(b"{}", &header, "whsec_x", 1_700_000_100, 300),
        Ok(1_700_000_000)
    );
    let sig = sign_mailgun("key", "1700000000", "tok");
    assert_eq!(verify_mailgun("key", "1700000000", "tok", &sig), Ok(()));
}
