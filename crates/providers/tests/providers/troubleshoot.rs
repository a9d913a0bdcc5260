//! Troubleshooting checks against a local DNS server (UDP on 127.0.0.1,
//! answering from a table) and HTTP fakes that assert the exact requests:
//! SPF, DKIM, DMARC, SendGrid's sender identity, WhatsApp templates, the
//! Page's leadgen subscription, the app mode, the webhook handshake (over
//! https) and Twilio's number capability; good and bad cases each.

use std::time::Duration;

use serde_json::{json, Value};
use switchboard_providers::fake::{FakeServer, Recorded, Reply};
use switchboard_providers::fake_dns::FakeDns;
use switchboard_providers::{Checker, Endpoints, Finding, Outcome, OutcomeKind};

use crate::common::*;

const DOMAIN: &str = "yourbrand.com";
const SG_KEY: &str = "SG.CANARYsendgridkey0123456789";
const WA_TOKEN: &str = "EAAGCANARYwhatsapptoken0123456789";
const WABA: &str = "102290129340398";
const PAGE_TOKEN: &str = "EAAGCANARYpagetoken0123456789";
const VERIFY: &str = "CANARYverifytoken42";
const TW_TOKEN: &str = "0123456789abcdefCANARY0123456789";
const TW_SID: &str = "AC0123456789abcdef0123456789abcdef";

/// Troubleshoots `owned` with DNS at `dns` and each endpoint key at `fake`.
async fn troubleshoot(
    owned: &Owned,
    dns: &FakeDns,
    fake: Option<(&[&str], &FakeServer)>,
) -> Vec<Finding> {
    let url = fake.map(|(_, f)| f.url()).unwrap_or_default();
    let routes: Vec<(&str, &str)> = fake
        .map(|(keys, _)| keys.iter().map(|k| (*k, url.as_str())).collect())
        .unwrap_or_default();
    let findings = checker_routed(&routes)
        .with_nameserver(dns.addr())
        .troubleshoot(owned.input())
        .await;
    for f in &findings {
        assert_no_secret(&f.outcome, &owned.secrets);
    }
    findings
}

fn find<'a>(findings: &'a [Finding], id: &str) -> &'a Outcome {
    &findings
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no {id} in {findings:?}"))
        .outcome
}

fn ids(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.id.as_str()).collect()
}

fn asked(dns: &FakeDns) -> Vec<(String, String)> {
    dns.questions()
}

fn q(name: &str, ty: &str) -> (String, String) {
    (name.to_owned(), ty.to_owned())
}

fn email(provider: &str, extra: Value, secrets: &[(&str, &str)]) -> Owned {
    let mut config = json!({"from_email": format!("news@{DOMAIN}")});
    if let (Some(c), Some(e)) = (config.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    Owned::of(provider, config, secrets)
}

/// An email integration of `provider` (no secrets, so only the DNS findings).
fn smtp_like(provider: &str, extra: Value) -> Owned {
    email(provider, extra, &[])
}

fn sendgrid_answer(domains: Value, senders: Value) -> impl Fn(&Recorded) -> Reply + Send + Sync {
    move |r| {
        bearer(r, SG_KEY);
        no_query(r);
        match r.path.as_str() {
            "/v3/whitelabel/domains" => Reply::json(200, domains.clone()),
            "/v3/verified_senders" => Reply::json(200, senders.clone()),
            other => panic!("unexpected {other}"),
        }
    }
}

#[tokio::test]
async fn sendgrid_with_every_record_and_an_authenticated_domain_is_all_ok() {
    let dns = FakeDns::start(&[
        (DOMAIN, "TXT", "v=spf1 include:sendgrid.net ~all"),
        (DOMAIN, "TXT", "google-site-verification=abc"),
        (
            "s1._domainkey.yourbrand.com",
            "CNAME",
            "s1.domainkey.u123.wl.sendgrid.net",
        ),
        (
            "s2._domainkey.yourbrand.com",
            "CNAME",
            "s2.domainkey.u123.wl.sendgrid.net",
        ),
        (
            "_dmarc.yourbrand.com",
            "TXT",
            "v=DMARC1; p=quarantine; rua=mailto:d@yourbrand.com",
        ),
    ])
    .await;
    let domains = json!([{"id": 1, "domain": DOMAIN, "subdomain": "em123", "valid": true}]);
    let fake = FakeServer::start(sendgrid_answer(domains, json!({"results": []}))).await;
    let owned = email("sendgrid", json!({}), &[("api_key", SG_KEY)]);
    let findings = troubleshoot(&owned, &dns, Some((&["sendgrid"], &fake))).await;
    assert_eq!(
        ids(&findings),
        [
            "email.spf",
            "email.dkim",
            "email.dmarc",
            "email.sender_identity"
        ]
    );
    for f in &findings {
        assert_eq!(f.outcome.kind, OutcomeKind::Ok, "{f:?}");
        assert!(!f.title.is_empty());
    }
    assert_eq!(
        find(&findings, "email.dmarc").details["policy"],
        "quarantine"
    );
    assert_eq!(
        asked(&dns),
        [
            q(DOMAIN, "TXT"),
            q("s1._domainkey.yourbrand.com", "CNAME"),
            q("s2._domainkey.yourbrand.com", "CNAME"),
            q("_dmarc.yourbrand.com", "TXT"),
        ]
    );
    // The domain is authenticated: the verified senders are not asked.
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    method_path(&requests[0], "GET", "/v3/whitelabel/domains");
}

#[tokio::test]
async fn missing_records_say_exactly_which_record_to_add() {
    let dns = FakeDns::start(&[(DOMAIN, "TXT", "google-site-verification=abc")]).await;
    let findings = troubleshoot(&smtp_like("mailchimp", json!({})), &dns, None).await;
    assert_eq!(ids(&findings), ["email.spf", "email.dkim", "email.dmarc"]);
    let spf = find(&findings, "email.spf");
    assert_eq!(spf.kind, OutcomeKind::NotFound, "{spf:?}");
    assert_eq!(
        spf.hint,
        "Add a TXT record at yourbrand.com with the value: v=spf1 include:servers.mcsv.net ~all"
    );
    let dkim = find(&findings, "email.dkim");
    assert_eq!(dkim.kind, OutcomeKind::NotFound, "{dkim:?}");
    assert_eq!(
        dkim.hint,
        "Add a CNAME record k2._domainkey.yourbrand.com → dkim2.mcsv.net and a CNAME record k3._domainkey.yourbrand.com → dkim3.mcsv.net."
    );
    let dmarc = find(&findings, "email.dmarc");
    assert_eq!(dmarc.kind, OutcomeKind::NotFound, "{dmarc:?}");
    assert!(
        dmarc.hint.starts_with(
            "Add a TXT record at _dmarc.yourbrand.com with the value: v=DMARC1; p=none;"
        ),
        "{}",
        dmarc.hint
    );
    // A selector without a CNAME is also asked for a TXT key.
    assert_eq!(
        asked(&dns),
        [
            q(DOMAIN, "TXT"),
            q("k2._domainkey.yourbrand.com", "CNAME"),
            q("k2._domainkey.yourbrand.com", "TXT"),
            q("k3._domainkey.yourbrand.com", "CNAME"),
            q("k3._domainkey.yourbrand.com", "TXT"),
            q("_dmarc.yourbrand.com", "TXT"),
        ]
    );
}

#[tokio::test]
async fn spf_without_the_providers_include_or_twice_is_a_finding() {
    // Mailgun: SPF and DKIM on the sending domain, DMARC on the From domain.
    let dns = FakeDns::start(&[
        (
            "mg.yourbrand.com",
            "TXT",
            "v=spf1 include:_spf.google.com ~all",
        ),
        ("_dmarc.yourbrand.com", "TXT", "v=DMARC1; p=none"),
    ])
    .await;
    let owned = smtp_like("mailgun", json!({"mailgun_domain": "mg.yourbrand.com"}));
    let findings = troubleshoot(&owned, &dns, None).await;
    let spf = find(&findings, "email.spf");
    assert_eq!(spf.kind, OutcomeKind::NotFound, "{spf:?}");
    assert_eq!(
        spf.hint,
        "Change the TXT record at mg.yourbrand.com to: v=spf1 include:_spf.google.com include:mailgun.org ~all"
    );
    let dkim = find(&findings, "email.dkim");
    assert_eq!(dkim.kind, OutcomeKind::NotCheckable, "{dkim:?}");
    assert!(
        dkim.hint.contains("Mailgun → Sending → Domains"),
        "{}",
        dkim.hint
    );
    assert!(
        dkim.hint.contains("<selector>._domainkey.mg.yourbrand.com"),
        "{}",
        dkim.hint
    );
    let dmarc = find(&findings, "email.dmarc");
    assert_eq!(dmarc.kind, OutcomeKind::Ok, "{dmarc:?}");
    assert_eq!(dmarc.details["policy"], "none");
    assert!(dmarc.hint.contains("p=quarantine"), "{}", dmarc.hint);
    assert_eq!(
        asked(&dns),
        [
            q("mg.yourbrand.com", "TXT"),
            q("_dmarc.yourbrand.com", "TXT")
        ]
    );

    let dns = FakeDns::start(&[
        (DOMAIN, "TXT", "v=spf1 include:spf.mtasv.net ~all"),
        (DOMAIN, "TXT", "v=spf1 mx -all"),
    ])
    .await;
    let findings = troubleshoot(&smtp_like("postmark", json!({})), &dns, None).await;
    let spf = find(&findings, "email.spf");
    assert_eq!(spf.kind, OutcomeKind::ProviderError, "{spf:?}");
    assert!(spf.message.contains("2 SPF records"), "{}", spf.message);
}

#[tokio::test]
async fn dkim_checks_the_configured_selector_and_the_cname_target() {
    let dns = FakeDns::start(&[
        (DOMAIN, "TXT", "v=spf1 a mx ~all"),
        (
            "mail._domainkey.yourbrand.com",
            "TXT",
            "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC",
        ),
    ])
    .await;
    let owned = smtp_like("smtp", json!({"dkim_selector": "mail"}));
    let findings = troubleshoot(&owned, &dns, None).await;
    assert_eq!(find(&findings, "email.spf").kind, OutcomeKind::Ok);
    let dkim = find(&findings, "email.dkim");
    assert_eq!(dkim.kind, OutcomeKind::Ok, "{dkim:?}");
    assert_eq!(
        dkim.details["records"],
        json!(["mail._domainkey.yourbrand.com"])
    );

    let dns = FakeDns::start(&[
        (
            "mte1._domainkey.yourbrand.com",
            "CNAME",
            "dkim1.mandrillapp.com",
        ),
        (
            "mte2._domainkey.yourbrand.com",
            "CNAME",
            "dkim.elsewhere.example",
        ),
    ])
    .await;
    let findings = troubleshoot(&smtp_like("mandrill", json!({})), &dns, None).await;
    let dkim = find(&findings, "email.dkim");
    assert_eq!(dkim.kind, OutcomeKind::NotFound, "{dkim:?}");
    assert!(
        dkim.message
            .contains("mte2._domainkey.yourbrand.com points to dkim.elsewhere.example"),
        "{}",
        dkim.message
    );
    assert_eq!(
        dkim.hint,
        "Add a CNAME record mte2._domainkey.yourbrand.com → dkim2.mandrillapp.com."
    );
}

#[tokio::test]
async fn mailgun_dkim_uses_the_selector_mailgun_states_for_the_domain() {
    const MG_KEY: &str = "key-CANARYmailgun0123456789";
    let fake = FakeServer::start(|r| {
        method_path(r, "GET", "/v4/domains/mg.yourbrand.com");
        basic(r, "api", MG_KEY);
        no_query(r);
        Reply::json(
            200,
            json!({"domain": {"name": "mg.yourbrand.com"}, "sending_dns_records": [
                {"record_type": "TXT", "name": "mg.yourbrand.com", "value": "v=spf1 include:mailgun.org ~all"},
                {"record_type": "TXT", "name": "pic._domainkey.mg.yourbrand.com", "value": "k=rsa; p=MIGf"},
            ]}),
        )
    })
    .await;
    let owned = email(
        "mailgun",
        json!({"mailgun_domain": "mg.yourbrand.com"}),
        &[("api_key", MG_KEY)],
    );
    let key = "pic._domainkey.mg.yourbrand.com";
    for (table, kind) in [
        (
            vec![(key, "TXT", "k=rsa; p=MIGfMA0GCSqGSIb3DQEB")],
            OutcomeKind::Ok,
        ),
        (vec![], OutcomeKind::NotFound),
    ] {
        let dns = FakeDns::start(&table).await;
        let findings = troubleshoot(&owned, &dns, Some((&["mailgun"], &fake))).await;
        let dkim = find(&findings, "email.dkim");
        assert_eq!(dkim.kind, kind, "{dkim:?}");
        if kind == OutcomeKind::NotFound {
            assert_eq!(
                dkim.hint,
                "Add the DKIM record pic._domainkey.mg.yourbrand.com that Mailgun shows."
            );
        }
        let asked = asked(&dns);
        assert!(
            asked.contains(&q(key, "CNAME")) && asked.contains(&q(key, "TXT")),
            "{asked:?}"
        );
    }
}

#[tokio::test]
async fn the_webhook_handshake_goes_through_the_egress_guard() {
    let dns = FakeDns::start(&[]).await;
    let fake = FakeServer::start(|_| Reply::text(200, "x")).await;
    let url = format!("https://127.0.0.1:{}/hooks/whatsapp", fake.addr().port());
    let owned = whatsapp(json!({"webhook_url": url}));
    // Graph (an endpoint override) is trusted; the webhook URL is not.
    let meta = FakeServer::start(templates_answer(json!([]))).await;
    let checker = checker_routed(&[("meta", &meta.url())])
        .with_egress(switchboard_providers::Egress::public_only(Vec::new()))
        .unwrap()
        .with_nameserver(dns.addr());
    let findings = checker.troubleshoot(owned.input()).await;
    let hs = find(&findings, "webhook.handshake");
    assert_eq!(hs.kind, OutcomeKind::Network, "{hs:?}");
    assert!(hs.message.contains("does not connect to"), "{}", hs.message);
    assert!(
        fake.requests().is_empty(),
        "no request reached the endpoint"
    );
}

#[tokio::test]
async fn an_unreachable_dns_server_is_a_finding_not_a_hang() {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let silent = socket.local_addr().unwrap();
    let checker =
        Checker::new(Endpoints::default(), Duration::from_millis(300)).with_nameserver(silent);
    let owned = smtp_like("smtp", json!({}));
    let findings = checker.troubleshoot(owned.input()).await;
    let spf = find(&findings, "email.spf");
    assert!(
        matches!(spf.kind, OutcomeKind::Timeout | OutcomeKind::Dns),
        "{spf:?}"
    );
    drop(socket);
}

#[tokio::test]
async fn sendgrid_sender_identity_falls_back_to_verified_senders() {
    let dns = FakeDns::start(&[]).await;
    let owned = email("sendgrid", json!({}), &[("api_key", SG_KEY)]);
    let pending = json!([{"domain": DOMAIN, "valid": false}]);
    let sender = |verified: bool| json!({"results": [{"id": 7, "from_email": format!("News@{DOMAIN}"), "verified": verified}]});
    let cases = [
        (
            json!([]),
            sender(true),
            OutcomeKind::Ok,
            "is a verified single sender",
        ),
        (
            json!([]),
            sender(false),
            OutcomeKind::NotFound,
            "not verified yet",
        ),
        (
            pending,
            json!({"results": []}),
            OutcomeKind::NotFound,
            "not validated yet",
        ),
        (
            json!([]),
            json!({"results": []}),
            OutcomeKind::NotFound,
            "neither on a domain",
        ),
    ];
    for (domains, senders, kind, says) in cases {
        let fake = FakeServer::start(sendgrid_answer(domains, senders)).await;
        let findings = troubleshoot(&owned, &dns, Some((&["sendgrid"], &fake))).await;
        let identity = find(&findings, "email.sender_identity");
        assert_eq!(identity.kind, kind, "{identity:?}");
        assert!(identity.message.contains(says), "{}", identity.message);
        let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
        assert_eq!(paths, ["/v3/whitelabel/domains", "/v3/verified_senders"]);
    }
    let fake = FakeServer::start(|_| {
        json(
            403,
            r#"{"errors":[{"field":null,"message":"access forbidden"}]}"#,
        )
    })
    .await;
    let findings = troubleshoot(&owned, &dns, Some((&["sendgrid"], &fake))).await;
    let identity = find(&findings, "email.sender_identity");
    assert_eq!(
        identity.kind,
        OutcomeKind::MissingPermission,
        "{identity:?}"
    );
    assert!(
        identity.hint.contains("Sender Authentication"),
        "{}",
        identity.hint
    );
}

fn whatsapp(extra: Value) -> Owned {
    let mut config = json!({"phone_number_id": "106540352242922", "business_account_id": WABA});
    if let (Some(c), Some(e)) = (config.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    Owned::of(
        "whatsapp",
        config,
        &[("access_token", WA_TOKEN), ("webhook_verify_token", VERIFY)],
    )
}

fn templates_answer(data: Value) -> impl Fn(&Recorded) -> Reply + Send + Sync {
    move |r| {
        method_path(r, "GET", &format!("/v22.0/{WABA}/message_templates"));
        query(r, &[("fields", "name,status,language")]);
        bearer(r, WA_TOKEN);
        Reply::json(200, json!({"data": data, "paging": {}}))
    }
}

#[tokio::test]
async fn whatsapp_templates_need_one_approved() {
    let dns = FakeDns::start(&[]).await;
    let owned = whatsapp(json!({}));
    let t = |name: &str, status: &str| json!({"name": name, "status": status, "language": "en_US", "id": "1"});
    let cases = [
        (
            json!([t("hello_world", "APPROVED"), t("promo", "REJECTED")]),
            OutcomeKind::Ok,
            "1 of 2 message templates are approved: hello_world (en_US).",
        ),
        (
            json!([t("promo", "REJECTED"), t("order", "PENDING")]),
            OutcomeKind::NotFound,
            "None of the 2 message templates is approved (1 pending, 1 rejected).",
        ),
        (
            json!([]),
            OutcomeKind::NotFound,
            "The WhatsApp Business Account 102290129340398 has no message templates.",
        ),
    ];
    for (data, kind, message) in cases {
        let fake = FakeServer::start(templates_answer(data)).await;
        let findings = troubleshoot(&owned, &dns, Some((&["meta"], &fake))).await;
        assert_eq!(
            ids(&findings),
            ["whatsapp.templates"],
            "no webhook URL: no handshake"
        );
        let templates = find(&findings, "whatsapp.templates");
        assert_eq!(templates.kind, kind, "{templates:?}");
        assert_eq!(templates.message, message);
        if kind != OutcomeKind::Ok {
            assert!(
                templates
                    .hint
                    .contains("WhatsApp Manager → Message templates"),
                "{}",
                templates.hint
            );
        }
        assert_eq!(fake.requests().len(), 1);
    }
}

fn facebook() -> Owned {
    Owned::of(
        "facebook",
        json!({"app_id": "5550001112223334", "page_id": "102938475610293", "enable_lead_ads": true}),
        &[
            ("app_secret", "CANARYappsecret0123456789"),
            ("access_token", WA_TOKEN),
            ("page_access_token", PAGE_TOKEN),
        ],
    )
}

#[tokio::test]
async fn facebook_leadgen_subscription_and_app_mode() {
    let dns = FakeDns::start(&[]).await;
    let app = |fields: Value| json!({"category": "Business", "link": "https://x", "name": "Leads app", "id": "5550001112223334", "subscribed_fields": fields});
    let cases = [
        (
            json!([app(json!(["feed", "leadgen"]))]),
            OutcomeKind::Ok,
            "receives the Page's new leads",
        ),
        (
            json!([app(json!(["feed"]))]),
            OutcomeKind::NotFound,
            "for feed but not for leadgen",
        ),
        (
            json!([{"id": "999", "name": "Other", "subscribed_fields": ["leadgen"]}]),
            OutcomeKind::NotFound,
            "is not subscribed to the Page 102938475610293",
        ),
    ];
    for (data, kind, says) in cases {
        let fake = FakeServer::start(move |r| {
            method_path(r, "GET", "/v22.0/102938475610293/subscribed_apps");
            no_query(r);
            bearer(r, PAGE_TOKEN);
            Reply::json(200, json!({"data": data}))
        })
        .await;
        let findings = troubleshoot(&facebook(), &dns, Some((&["meta"], &fake))).await;
        assert_eq!(
            ids(&findings),
            ["facebook.leadgen_subscription", "facebook.app_mode"]
        );
        let sub = find(&findings, "facebook.leadgen_subscription");
        assert_eq!(sub.kind, kind, "{sub:?}");
        assert!(sub.message.contains(says), "{}", sub.message);
        if kind != OutcomeKind::Ok {
            assert!(
                sub.hint.contains("subscribed_fields=leadgen"),
                "{}",
                sub.hint
            );
        }
        let mode = find(&findings, "facebook.app_mode");
        assert_eq!(mode.kind, OutcomeKind::NotCheckable);
        assert!(
            mode.hint.contains("the app 5550001112223334"),
            "{}",
            mode.hint
        );
        assert_eq!(fake.requests().len(), 1, "the app mode asks nothing");
    }
    let fake = FakeServer::start(|_| crate::meta::graph_error(400, 190, Some(463))).await;
    let findings = troubleshoot(&facebook(), &dns, Some((&["meta"], &fake))).await;
    let sub = find(&findings, "facebook.leadgen_subscription");
    assert_eq!(sub.kind, OutcomeKind::InvalidCredentials, "{sub:?}");
}

/// An https front (the test CA's certificate) for a plain fake: each TLS
/// connection is relayed to the fake, which records the request.
async fn https_front(pki: &TestPki, fake: &FakeServer) -> u16 {
    let acceptor = tls_acceptor(pki);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let backend = fake.addr();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let (Ok(mut tls), Ok(mut plain)) = (
                    acceptor.accept(tcp).await,
                    tokio::net::TcpStream::connect(backend).await,
                ) else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    port
}

/// A webhook endpoint: echoes the challenge when the token is `VERIFY`.
fn endpoint(echo: bool) -> impl Fn(&Recorded) -> Reply + Send + Sync {
    move |r| {
        method_path(r, "GET", "/hooks/whatsapp");
        let challenge = r.query_value("hub.challenge").expect("a challenge");
        assert!(
            challenge.len() == 10 && challenge.chars().all(|c| c.is_ascii_digit()),
            "{challenge}"
        );
        query(
            r,
            &[
                ("hub.mode", "subscribe"),
                ("hub.verify_token", VERIFY),
                ("hub.challenge", &challenge),
            ],
        );
        match (
            r.query_value("hub.verify_token").as_deref() == Some(VERIFY),
            echo,
        ) {
            (true, true) => Reply::text(200, &challenge),
            (true, false) => Reply::text(200, "ok"),
            (false, _) => Reply::text(403, "Forbidden"),
        }
    }
}

#[tokio::test]
async fn the_webhook_handshake_must_echo_the_challenge_over_https() {
    let dns = FakeDns::start(&[]).await;
    let pki = test_pki();
    for (echo, kind) in [(true, OutcomeKind::Ok), (false, OutcomeKind::ProviderError)] {
        let fake = FakeServer::start(endpoint(echo)).await;
        let port = https_front(&pki, &fake).await;
        let hook = json!({"webhook_url": format!("https://localhost:{port}/hooks/whatsapp")});
        let owned = whatsapp(hook);
        let meta = FakeServer::start(templates_answer(json!([]))).await;
        let checker = checker_routed(&[("meta", &meta.url())])
            .with_nameserver(dns.addr())
            .with_extra_root_pem(pki.ca_pem.as_bytes())
            .unwrap();
        let findings = checker.troubleshoot(owned.input()).await;
        assert_eq!(ids(&findings), ["whatsapp.templates", "webhook.handshake"]);
        let hs = find(&findings, "webhook.handshake");
        assert_eq!(hs.kind, kind, "{hs:?}");
        assert_no_secret(hs, &owned.secrets);
        assert_eq!(fake.requests().len(), 1);
    }
    // A token the endpoint does not expect is refused.
    let fake = FakeServer::start(|r| {
        assert_eq!(
            r.query_value("hub.verify_token").as_deref(),
            Some("CANARYother-token")
        );
        Reply::text(403, "Forbidden")
    })
    .await;
    let port = https_front(&pki, &fake).await;
    let mut owned =
        whatsapp(json!({"webhook_url": format!("https://localhost:{port}/hooks/whatsapp")}));
    owned.secrets.insert(
        "webhook_verify_token".into(),
        switchboard_vault::Secret::new("CANARYother-token"),
    );
    let checker = Checker::new(Endpoints::default(), Duration::from_secs(5))
        .with_extra_root_pem(pki.ca_pem.as_bytes())
        .unwrap()
        .with_nameserver(dns.addr());
    let findings = checker.troubleshoot(owned.input()).await;
    let hs = find(&findings, "webhook.handshake");
    assert_eq!(hs.kind, OutcomeKind::InvalidCredentials, "{hs:?}");
    assert_no_secret(hs, &owned.secrets);
}

#[tokio::test]
async fn a_plain_http_webhook_is_not_called() {
    let dns = FakeDns::start(&[]).await;
    let fake = FakeServer::start(|_| Reply::text(200, "x")).await;
    let owned = whatsapp(json!({"webhook_url": format!("{}/hooks/whatsapp", fake.url())}));
    let meta = FakeServer::start(templates_answer(json!([]))).await;
    let findings = troubleshoot(&owned, &dns, Some((&["meta"], &meta))).await;
    let hs = find(&findings, "webhook.handshake");
    assert_eq!(hs.kind, OutcomeKind::NotCheckable, "{hs:?}");
    assert!(hs.message.contains("https"), "{}", hs.message);
    assert!(fake.requests().is_empty());
}

fn twilio(from: &str) -> Owned {
    Owned::of(
        "twilio",
        json!({"account_sid": TW_SID, "from_phone_number": from}),
        &[("auth_token", TW_TOKEN)],
    )
}

#[tokio::test]
async fn twilio_numbers_must_be_on_the_account_with_sms() {
    let dns = FakeDns::start(&[]).await;
    let number = |sms: bool| json!({"incoming_phone_numbers": [{"phone_number": "+14155550123", "capabilities": {"sms": sms, "voice": true, "mms": false}}]});
    let cases = [
        (number(true), OutcomeKind::Ok),
        (number(false), OutcomeKind::ProviderError),
        (json!({"incoming_phone_numbers": []}), OutcomeKind::NotFound),
    ];
    for (answer, kind) in cases {
        let fake = FakeServer::start(move |r| {
            method_path(
                r,
                "GET",
                &format!("/2010-04-01/Accounts/{TW_SID}/IncomingPhoneNumbers.json"),
            );
            query(r, &[("PhoneNumber", "+14155550123")]);
            basic(r, TW_SID, TW_TOKEN);
            Reply::json(200, answer.clone())
        })
        .await;
        let findings =
            troubleshoot(&twilio("+1 415 555 0123"), &dns, Some((&["twilio"], &fake))).await;
        assert_eq!(ids(&findings), ["sms.sender"]);
        assert_eq!(find(&findings, "sms.sender").kind, kind, "{findings:?}");
        assert_eq!(fake.requests().len(), 1);
    }
    let fake = FakeServer::start(|_| {
        json(
            401,
            r#"{"code":20003,"message":"Authenticate","status":401}"#,
        )
    })
    .await;
    let findings = troubleshoot(&twilio("+14155550123"), &dns, Some((&["twilio"], &fake))).await;
    assert_eq!(
        find(&findings, "sms.sender").kind,
        OutcomeKind::InvalidCredentials
    );
    // A sender ID is not a number; other gateways tell nothing.
    let findings = troubleshoot(&twilio("ACME"), &dns, None).await;
    assert_eq!(
        find(&findings, "sms.sender").kind,
        OutcomeKind::NotCheckable
    );
    let vonage = Owned::of(
        "vonage",
        json!({"from_phone_number": "+14155550123"}),
        &[("api_secret", "CANARYvonage")],
    );
    let findings = troubleshoot(&vonage, &dns, None).await;
    assert_eq!(
        find(&findings, "sms.sender").kind,
        OutcomeKind::NotCheckable
    );
}

#[tokio::test]
async fn types_without_troubleshooting_checks_give_none() {
    let dns = FakeDns::start(&[]).await;
    let stripe = Owned::of(
        "stripe",
        json!({}),
        &[("secret_key", "sk_test_CANARY0123456789")],
    );
    assert!(troubleshoot(&stripe, &dns, None).await.is_empty());
    assert!(dns.questions().is_empty());
    assert_eq!(switchboard_providers::troubleshooting_findings().len(), 9);
}
