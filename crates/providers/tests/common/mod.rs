//! Helpers shared by the integration tests: inputs with canary secrets, a
//! checker pointed at fakes with a fixed clock, the table runner for
//! provider specs, and independent verifiers for AWS Signature V4, Azure
//! Shared Key and RS256 JWT assertions (rebuilt from the request as received).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use switchboard_providers::fake::{FakeServer, Recorded, Reply};
use switchboard_providers::{CheckInput, Checker, Endpoints, Outcome, OutcomeKind};
use switchboard_vault::Secret;

/// The fixed clock of every table test: 2023-11-14T22:13:20Z.
pub const NOW: u64 = 1_700_000_000;
pub const AMZ_DATE: &str = "20231114T221320Z";

pub const RSA_PRIVATE: &str = include_str!("../fixtures/test_rsa_private.pem");
pub const RSA_PUBLIC: &str = include_str!("../fixtures/test_rsa_public.pem");

/// A checker reaching `url` for each endpoint key, with the fixed clock.
pub fn checker_for(url: &str, keys: &[&str]) -> Checker {
    let routes: Vec<(&str, &str)> = keys.iter().map(|key| (*key, url)).collect();
    checker_routed(&routes).with_clock(Arc::new(|| UNIX_EPOCH + Duration::from_secs(NOW)))
}

/// A checker reaching each (endpoint key, URL) of `routes`, with the real clock.
pub fn checker_routed(routes: &[(&str, &str)]) -> Checker {
    let endpoints = routes
        .iter()
        .fold(Endpoints::default(), |endpoints, (key, url)| {
            endpoints.with(key, url).unwrap()
        });
    Checker::new(endpoints, Duration::from_secs(5))
}

/// An integration's settings held for a check.
pub struct Owned {
    pub ty: String,
    pub provider: String,
    pub config: Map<String, Value>,
    pub secrets: BTreeMap<String, Secret>,
}

impl Owned {
    pub fn new(ty: &str, provider: &str, config: Value, secrets: &[(&str, &str)]) -> Owned {
        Owned {
            ty: ty.into(),
            provider: provider.into(),
            config: config.as_object().cloned().unwrap_or_default(),
            secrets: secrets
                .iter()
                .map(|(k, v)| (k.to_string(), Secret::new(*v)))
                .collect(),
        }
    }

    /// An integration of `provider`, of the type the catalog gives it.
    pub fn of(provider: &str, config: Value, secrets: &[(&str, &str)]) -> Owned {
        let (ty, _) = switchboard_catalog::find_provider(provider).expect("a catalog provider");
        Owned::new(ty.id, provider, config, secrets)
    }

    /// This integration's check by a checker pointed at `url` for `keys`.
    pub async fn check_at(&self, url: &str, keys: &[&str]) -> Outcome {
        checker_for(url, keys).check(self.input()).await
    }

    /// This integration's check by a checker reaching each endpoint key at
    /// its own fake (with the real clock).
    pub async fn check_fakes(&self, fakes: &[(&str, &FakeServer)]) -> Outcome {
        let urls: Vec<(&str, String)> = fakes.iter().map(|(key, f)| (*key, f.url())).collect();
        let routes: Vec<(&str, &str)> = urls.iter().map(|(key, url)| (*key, &**url)).collect();
        checker_routed(&routes).check(self.input()).await
    }

    pub fn input(&self) -> CheckInput<'_> {
        CheckInput {
            integration_type: &self.ty,
            provider: &self.provider,
            config: &self.config,
            secrets: &self.secrets,
        }
    }

    /// Replaces `{fake}` in string settings (and secrets) with a URL.
    pub fn with_fake(mut self, url: &str) -> Owned {
        for v in self.config.values_mut() {
            if let Value::String(s) = v {
                *s = s.replace("{fake}", url);
            }
        }
        for v in self.secrets.values_mut() {
            if v.expose().contains("{fake}") {
                *v = Secret::new(v.expose().replace("{fake}", url));
            }
        }
        self
    }
}

/// What one check against a fake gave.
pub struct Checked {
    pub outcome: Outcome,
    /// Every request the fake received.
    pub requests: Vec<Recorded>,
    /// The settings checked (`{fake}` replaced by the fake's URL).
    pub owned: Owned,
}

/// Checks `owned` once against a fake answering through `answer`, with the
/// endpoint `keys` pointed at it.
pub async fn check_once(
    owned: Owned,
    keys: &[&str],
    answer: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
) -> Checked {
    let fake = FakeServer::start(answer).await;
    let owned = owned.with_fake(&fake.url());
    let outcome = checker_for(&fake.url(), keys).check(owned.input()).await;
    Checked {
        outcome,
        requests: fake.requests(),
        owned,
    }
}

/// Fails if any secret value (or the canary marker) appears anywhere in the
/// outcome or the record the store would keep.
pub fn assert_no_secret(outcome: &Outcome, secrets: &BTreeMap<String, Secret>) {
    let shown = format!(
        "{} {} {:?}",
        serde_json::to_string(outcome).unwrap(),
        serde_json::to_string(&outcome.log_details()).unwrap(),
        outcome
    );
    for (key, secret) in secrets {
        let value = secret.expose();
        if value.len() >= 6 {
            assert!(!shown.contains(value), "secret {key} leaked: {shown}");
        }
    }
    assert!(!shown.contains("CANARY"), "a canary leaked: {shown}");
}

/// The four answers every provider spec gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    Ok,
    Bad,
    Perm,
    Limited,
}

pub const SCENARIOS: [Scenario; 4] = [
    Scenario::Ok,
    Scenario::Bad,
    Scenario::Perm,
    Scenario::Limited,
];

/// One provider's table entry.
pub struct Spec {
    pub ty: &'static str,
    pub provider: &'static str,
    pub config: Value,
    pub secrets: &'static [(&'static str, &'static str)],
    /// Endpoint keys pointed at the fake.
    pub keys: &'static [&'static str],
    /// How the fake answers in each scenario.
    pub answer: fn(Scenario, &Recorded) -> Reply,
    /// Asserts the exact request (every request the check sent).
    pub request: fn(&Recorded),
    /// Expected kinds for Ok, Bad, Perm, Limited.
    pub expect: [OutcomeKind; 4],
    /// Expected retry-after in the Limited scenario.
    pub retry_after: Option<u64>,
}

/// The usual expectations.
pub const USUAL: [OutcomeKind; 4] = [
    OutcomeKind::Ok,
    OutcomeKind::InvalidCredentials,
    OutcomeKind::MissingPermission,
    OutcomeKind::RateLimited,
];

/// Runs one spec's four scenarios, each against a fresh fake.
pub async fn run_spec(spec: &Spec) {
    let (answer, request) = (spec.answer, spec.request);
    let integration = Integration {
        ty: spec.ty,
        provider: spec.provider,
        config: &spec.config,
        secrets: spec.secrets,
        keys: spec.keys,
    };
    run_scenarios(
        &integration,
        answer,
        &request,
        spec.expect,
        spec.retry_after,
    )
    .await;
}

/// What a check is given: the integration's settings and the endpoint keys
/// pointed at the fake.
pub struct Integration<'a> {
    pub ty: &'a str,
    pub provider: &'a str,
    pub config: &'a Value,
    pub secrets: &'a [(&'a str, &'a str)],
    pub keys: &'a [&'a str],
}

/// Runs the four scenarios, each against a fresh fake answering through
/// `answer`; every request the check sent must pass `request`.
pub async fn run_scenarios(
    it: &Integration<'_>,
    answer: impl Fn(Scenario, &Recorded) -> Reply + Clone + Send + Sync + 'static,
    request: &dyn Fn(&Recorded),
    expect: [OutcomeKind; 4],
    retry_after: Option<u64>,
) {
    let provider = it.provider;
    for (i, scenario) in SCENARIOS.into_iter().enumerate() {
        let answer = answer.clone();
        let fake = FakeServer::start(move |r| answer(scenario, r)).await;
        let owned =
            Owned::new(it.ty, provider, it.config.clone(), it.secrets).with_fake(&fake.url());
        let checker = checker_for(&fake.url(), it.keys);
        let outcome = checker.check(owned.input()).await;
        let requests = fake.requests();
        assert!(
            !requests.is_empty(),
            "{provider} {scenario:?}: no request reached the fake: {outcome:?}"
        );
        for r in &requests {
            request(r);
        }
        assert_eq!(
            outcome.kind, expect[i],
            "{provider} {scenario:?}: {} / {} ({:?})",
            outcome.message, outcome.hint, outcome.http_status
        );
        assert!(!outcome.message.is_empty(), "{provider}: empty message");
        if outcome.kind != OutcomeKind::Ok {
            assert!(
                !outcome.hint.is_empty(),
                "{provider} {scenario:?}: a failure needs a hint"
            );
        }
        if scenario == Scenario::Limited && retry_after.is_some() {
            assert_eq!(
                outcome.retry_after_secs, retry_after,
                "{provider}: retry-after"
            );
        }
        assert_no_secret(&outcome, &owned.secrets);
    }
}

// ----- provider tables (tests/providers/cases/*.json) -----
//
// A case is an object: "type", "provider", "config", "secrets" (pairs),
// "keys" (endpoint keys), "retry_after" (expected in the Limited scenario)
// and, unless the test gives them in code (`run_custom`), "answers" (the
// fake's reply for Ok, Bad, Perm, Limited: "status" and "json", "text" or
// "xml", with "headers" pairs) and "request" (checks every request must
// pass, each `[name, args...]`: see `check_request`).

/// One `#[tokio::test]` per case of a provider table that needs nothing but
/// [`run_case`], each named after its case: `case_tests!(CASES: sendgrid, mandrill);`.
#[allow(unused_macros)]
macro_rules! case_tests {
    ($table:ident: $($name:ident),+ $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                run_case($table, stringify!($name)).await;
            }
        )+
    };
}

/// Runs case `name` of a provider table with the usual expectations: the
/// fake gives the table's answers and every request passes its checks.
pub async fn run_case(table: &str, name: &str) {
    let case = table_case(table, name);
    let answers: Vec<Reply> = items(&case, "answers").iter().map(reply).collect();
    assert_eq!(answers.len(), 4, "{name}: one answer per scenario");
    let checks = items(&case, "request").clone();
    let answer = move |s, _: &Recorded| answers[scenario_index(s)].clone();
    run_custom(table, name, answer, |r| {
        for check in &checks {
            check_request(r, check);
        }
    })
    .await;
}

/// Runs case `name` of a provider table (its settings, endpoint keys and
/// retry-after) with the usual expectations, the fake answering through
/// `answer` and every request passing `request`.
pub async fn run_custom(
    table: &str,
    name: &str,
    answer: impl Fn(Scenario, &Recorded) -> Reply + Clone + Send + Sync + 'static,
    request: impl Fn(&Recorded),
) {
    let case = table_case(table, name);
    let text = |v: &Value| -> String {
        v.as_str()
            .unwrap_or_else(|| panic!("{name}: {v} is not a string"))
            .to_owned()
    };
    let secrets: Vec<(String, String)> = items(&case, "secrets")
        .iter()
        .map(|p| (text(&p[0]), text(&p[1])))
        .collect();
    let secrets: Vec<(&str, &str)> = secrets.iter().map(|(k, v)| (&**k, &**v)).collect();
    let keys: Vec<String> = items(&case, "keys").iter().map(text).collect();
    let keys: Vec<&str> = keys.iter().map(|k| &**k).collect();
    let integration = Integration {
        ty: &text(&case["type"]),
        provider: &text(&case["provider"]),
        config: &case["config"],
        secrets: &secrets,
        keys: &keys,
    };
    let retry_after = case["retry_after"].as_u64();
    run_scenarios(&integration, answer, &request, USUAL, retry_after).await;
}

fn table_case(table: &str, name: &str) -> Value {
    let mut tables: Value = serde_json::from_str(table).expect("a valid provider table");
    tables
        .get_mut(name)
        .unwrap_or_else(|| panic!("no case {name} in the table"))
        .take()
}

/// The position of a scenario in `SCENARIOS` (and in a case's answers).
pub fn scenario_index(s: Scenario) -> usize {
    SCENARIOS.iter().position(|x| *x == s).unwrap()
}

fn items<'a>(case: &'a Value, key: &str) -> &'a Vec<Value> {
    case[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} of {case} is not a list"))
}

fn str_pairs(v: &Value) -> Vec<(&str, &str)> {
    v.as_array()
        .expect("a list of pairs")
        .iter()
        .map(|p| (p[0].as_str().unwrap(), p[1].as_str().unwrap()))
        .collect()
}

/// A fake's reply from a table answer.
pub fn reply(answer: &Value) -> Reply {
    let status = answer["status"].as_u64().expect("status") as u16;
    let mut reply = if let Some(body) = answer.get("json") {
        Reply::json(status, body.clone())
    } else if let Some(body) = answer["text"].as_str() {
        Reply::text(status, body)
    } else if let Some(body) = answer["xml"].as_str() {
        Reply::xml(status, body)
    } else {
        Reply::empty(status)
    };
    if let Some(headers) = answer.get("headers") {
        for (name, value) in str_pairs(headers) {
            reply = reply.header(name, value);
        }
    }
    reply
}

/// One table check of a request: `["method", M, PATH]`, `["bearer", T]`,
/// `["basic", USER, PASSWORD]`, `["form", PAIRS]`, `["query", PAIRS]`,
/// `["no_query"]`, `["header", NAME, VALUE]` (a fourth item says why), `["no_header", NAME]`,
/// `["body_text", TEXT]`, `["json", VALUE]`,
/// `["verify_sigv4", KEY_ID, SECRET, REGION, SERVICE]` or
/// `["verify_azure", ACCOUNT, KEY]`.
pub fn check_request(r: &Recorded, check: &Value) {
    let args = check.as_array().expect("a check is a list");
    let s = |i: usize| {
        args[i]
            .as_str()
            .unwrap_or_else(|| panic!("argument {i} of {check}"))
    };
    match s(0) {
        "method" => method_path(r, s(1), s(2)),
        "bearer" => bearer(r, s(1)),
        "basic" => basic(r, s(1), s(2)),
        "form" => form(r, &str_pairs(&args[1])),
        "query" => query(r, &str_pairs(&args[1])),
        "no_query" => no_query(r),
        "header" => {
            let why = args.get(3).and_then(Value::as_str).unwrap_or(s(1));
            assert_eq!(r.header(s(1)), Some(s(2)), "{why} on {}", r.path)
        }
        "no_header" => assert!(r.header(s(1)).is_none(), "{} on {}", s(1), r.path),
        "body_text" => assert_eq!(r.body_text(), s(1), "body of {}", r.path),
        "json" => assert_eq!(r.json(), args[1], "JSON body of {}", r.path),
        "verify_sigv4" => verify_sigv4(r, s(1), s(2), s(3), s(4)),
        "verify_azure" => verify_azure(r, s(1), s(2)),
        other => panic!("unknown request check {other}"),
    }
}

// ----- request assertions -----

pub fn method_path(r: &Recorded, method: &str, path: &str) {
    assert_eq!(r.method, method, "method of {}", r.path);
    assert_eq!(r.path, path, "path");
}

pub fn bearer(r: &Recorded, token: &str) {
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {token}").as_str()),
        "bearer on {}",
        r.path
    );
}

pub fn basic(r: &Recorded, user: &str, password: &str) {
    assert_eq!(
        r.basic_auth(),
        Some((user.to_owned(), password.to_owned())),
        "basic auth on {}",
        r.path
    );
}

pub fn no_query(r: &Recorded) {
    assert_eq!(r.query, "", "query of {}", r.path);
}

pub fn query(r: &Recorded, expected: &[(&str, &str)]) {
    same_pairs(r.query_pairs(), expected, &format!("query of {}", r.path));
}

pub fn form(r: &Recorded, expected: &[(&str, &str)]) {
    same_pairs(r.form(), expected, &format!("form body of {}", r.path));
}

/// `got` holds exactly the `expected` pairs, in any order.
fn same_pairs(mut got: Vec<(String, String)>, expected: &[(&str, &str)], what: &str) {
    got.sort();
    let mut want: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    want.sort();
    assert_eq!(got, want, "{what}");
}

pub fn json(status: u16, text: &str) -> Reply {
    Reply::json(
        status,
        serde_json::from_str(text).expect("valid JSON in test"),
    )
}

// ----- AWS Signature V4, verified independently -----

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn aws_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Rebuilds the canonical request from what the fake received and checks
/// the Authorization header's signature, scope and signed headers.
pub fn verify_sigv4(r: &Recorded, key_id: &str, secret: &str, region: &str, service: &str) {
    let auth = r.header("authorization").expect("authorization header");
    let rest = auth
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .expect("SigV4 scheme");
    let mut credential = "";
    let mut signed = "";
    let mut signature = "";
    for part in rest.split(", ") {
        let (k, v) = part.split_once('=').unwrap();
        match k {
            "Credential" => credential = v,
            "SignedHeaders" => signed = v,
            "Signature" => signature = v,
            _ => panic!("unexpected part {k}"),
        }
    }
    let date = &AMZ_DATE[..8];
    let scope = format!("{date}/{region}/{service}/aws4_request");
    assert_eq!(credential, format!("{key_id}/{scope}"), "credential scope");
    assert_eq!(
        r.header("x-amz-date"),
        Some(AMZ_DATE),
        "x-amz-date from the fixed clock"
    );
    let signed_list: Vec<&str> = signed.split(';').collect();
    assert!(
        signed_list.contains(&"host") && signed_list.contains(&"x-amz-date"),
        "signed headers {signed}"
    );
    let payload_hash = hex(&Sha256::digest(&r.body));
    if service == "s3" {
        assert_eq!(
            r.header("x-amz-content-sha256"),
            Some(payload_hash.as_str()),
            "S3 payload hash header"
        );
        assert!(signed_list.contains(&"x-amz-content-sha256"));
    }
    let mut pairs: Vec<(String, String)> = r
        .query_pairs()
        .into_iter()
        .map(|(k, v)| (aws_encode(&k), aws_encode(&v)))
        .collect();
    pairs.sort();
    let canonical_query = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let canonical_headers: String = signed_list
        .iter()
        .map(|h| {
            format!(
                "{h}:{}\n",
                r.header(h)
                    .unwrap_or_else(|| panic!("signed header {h} missing"))
                    .trim()
            )
        })
        .collect();
    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        r.method, r.path, canonical_query, canonical_headers, signed, payload_hash
    );
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{AMZ_DATE}\n{scope}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let k = hmac(format!("AWS4{secret}").as_bytes(), date);
    let k = hmac(&k, region);
    let k = hmac(&k, service);
    let k = hmac(&k, "aws4_request");
    assert_eq!(
        signature,
        hex(&hmac(&k, &to_sign)),
        "SigV4 signature over:\n{canonical}"
    );
}

// ----- Azure Shared Key, verified independently -----

pub fn verify_azure(r: &Recorded, account: &str, key_b64: &str) {
    let auth = r.header("authorization").expect("authorization");
    let sig = auth
        .strip_prefix(&format!("SharedKey {account}:"))
        .expect("SharedKey account:signature");
    for h in [
        "content-length",
        "content-type",
        "content-md5",
        "date",
        "range",
    ] {
        assert!(r.header(h).is_none(), "unexpected {h} on a GET");
    }
    let mut ms: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(k, _)| k.starts_with("x-ms-"))
        .map(|(k, v)| (k.clone(), v.trim().to_owned()))
        .collect();
    ms.sort();
    let ms: String = ms.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let mut q = r.query_pairs();
    q.sort();
    let resource: String = q
        .iter()
        .map(|(k, v)| format!("\n{}:{v}", k.to_lowercase()))
        .collect();
    let to_sign = format!("GET\n{}{ms}/{account}{}{resource}", "\n".repeat(11), r.path);
    let key = B64.decode(key_b64).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(to_sign.as_bytes());
    assert_eq!(
        sig,
        B64.encode(mac.finalize().into_bytes()),
        "Shared Key over {to_sign:?}"
    );
}

// ----- RS256 assertions -----

/// Verifies an RS256 JWT with the test public key and returns its claims.
pub fn verify_jwt(token: &str, audience: &str) -> Value {
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(RSA_PUBLIC.as_bytes()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.validate_exp = false;
    validation.set_audience(&[audience]);
    validation.required_spec_claims.clear();
    let data =
        jsonwebtoken::decode::<Value>(token, &key, &validation).expect("a valid RS256 assertion");
    let claims = data.claims;
    assert_eq!(claims["iat"], NOW, "iat from the fixed clock");
    assert_eq!(claims["exp"], NOW + 3600, "exp one hour later");
    claims
}

// ----- a test certificate authority -----

/// A CA and a server certificate for localhost / 127.0.0.1 signed by it.
pub struct TestPki {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

pub fn test_pki() -> TestPki {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Switchboard Test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    // A fixed end, so the SMTP check's stated certificate expiry is known.
    params.not_after = rcgen::date_time_ymd(2031, 3, 1);
    let cert = params.signed_by(&key, &*ca).unwrap();
    TestPki {
        ca_pem: ca.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

/// A TLS acceptor presenting the PKI's server certificate.
pub fn tls_acceptor(pki: &TestPki) -> tokio_rustls::TlsAcceptor {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(pki.cert_pem.as_bytes())
            .map(|c| c.unwrap())
            .collect();
    let key = PrivateKeyDer::from_pem_slice(pki.key_pem.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// An HTTPS server on 127.0.0.1 presenting the PKI's certificate and
/// answering every request with `body` (200, JSON). Returns its port.
pub async fn tls_server(pki: &TestPki, body: &'static str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let acceptor = tls_acceptor(pki);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = vec![0u8; 8192];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let reply = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                let _ = tls.write_all(reply.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

/// A port on 127.0.0.1 where nothing listens.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
