//! The team server's connection guard ([`Egress::public_only`]): a check
//! whose settings aim at loopback, private or link-local addresses is
//! refused before anything is sent, also when only a redirect or the DNS
//! answer leads there; an admin's allowed range and the endpoint overrides'
//! hosts pass.

use std::time::Duration;

use serde_json::json;
use switchboard_providers::fake::{FakeServer, Reply};
use switchboard_providers::{Checker, Egress, Endpoints, Outcome, OutcomeKind};

use crate::common::Owned;

fn guarded(allowed: &str) -> Checker {
    Checker::new(Endpoints::default(), Duration::from_secs(5))
        .with_egress(Egress::public_only(Egress::parse_ranges(allowed).unwrap()))
        .unwrap()
}

/// The guard refused the check: a network outcome whose message `says` so.
fn assert_refused(outcome: &Outcome, says: &str, what: &str) {
    assert_eq!(outcome.kind, OutcomeKind::Network, "{what}: {outcome:?}");
    assert!(
        outcome.message.contains(says),
        "{what}: {}",
        outcome.message
    );
}

fn signup(url: &str) -> Owned {
    Owned::of("signup_page", json!({"page_url": url}), &[])
}

#[tokio::test]
async fn a_sign_up_page_on_an_internal_address_is_refused_unsent() {
    let fake =
        FakeServer::start(|_| Reply::typed(200, "text/html", "<html>internal</html>".into())).await;
    let port = fake.addr().port();
    for url in [
        format!("http://127.0.0.1:{port}/admin"),
        format!("http://localhost:{port}/admin"),
        format!("http://[::ffff:127.0.0.1]:{port}/admin"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
    ] {
        let outcome = guarded("").check(signup(&url).input()).await;
        assert_refused(&outcome, "does not connect to", &url);
        assert!(
            outcome.hint.contains("--allow-check-network"),
            "{}",
            outcome.hint
        );
        assert!(
            !outcome.details.to_string().contains("internal</html>"),
            "nothing of the page is echoed"
        );
    }
    assert!(fake.requests().is_empty(), "no request reached the fake");
}

#[tokio::test]
async fn every_redirect_hop_is_checked() {
    // The allowed start page redirects to another loopback address, or to
    // the cloud metadata address: each hop is refused.
    let fake = FakeServer::start(|r| match r.path.as_str() {
        "/start" => Reply::empty(302).header("Location", "http://127.0.0.2:9/secret"),
        _ => Reply::empty(302).header("Location", "http://169.254.169.254/latest/meta-data/"),
    })
    .await;
    let start = format!("{}/start", fake.url());
    let outcome = guarded("127.0.0.1/32").check(signup(&start).input()).await;
    assert_refused(&outcome, "127.0.0.2", &start);
    let via_metadata = format!("{}/other", fake.url());
    let outcome = guarded("127.0.0.1/32")
        .check(signup(&via_metadata).input())
        .await;
    assert!(
        outcome.message.contains("169.254.169.254"),
        "{}",
        outcome.message
    );
    assert_eq!(fake.requests().len(), 2, "only the allowed hops were sent");
}

#[tokio::test]
async fn an_allowed_range_and_the_overrides_hosts_pass() {
    let fake =
        FakeServer::start(|_| Reply::typed(200, "text/html", "<html>ok</html>".into())).await;
    let page = format!("{}/signup", fake.url());
    let outcome = guarded("127.0.0.0/8").check(signup(&page).input()).await;
    assert_eq!(outcome.kind, OutcomeKind::Ok, "{outcome:?}");

    // A provider pointed at a local fake by the admin's overrides.
    let stripe = FakeServer::start(|_| {
        Reply::json(
            200,
            json!({"object": "balance", "livemode": false, "available": []}),
        )
    })
    .await;
    let checker = Checker::new(
        Endpoints::default().with("stripe", &stripe.url()).unwrap(),
        Duration::from_secs(5),
    )
    .with_egress(Egress::public_only(Vec::new()))
    .unwrap();
    let owned = Owned::of("stripe", json!({}), &[("api_key", "sk_test_x")]);
    let outcome = checker.check(owned.input()).await;
    assert_ne!(outcome.kind, OutcomeKind::Network, "{outcome:?}");
    assert_eq!(stripe.requests().len(), 1);
    // ...while the same checker still refuses a user-entered internal page.
    let other =
        FakeServer::start(|_| Reply::typed(200, "text/html", "<html>x</html>".into())).await;
    let url = format!("http://localhost:{}/", other.addr().port());
    let outcome = checker.check(signup(&url).input()).await;
    assert_eq!(outcome.kind, OutcomeKind::Network, "{outcome:?}");
}

#[tokio::test]
async fn an_smtp_host_on_an_internal_address_is_refused_before_connecting() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let owned = Owned::of(
        "smtp",
        json!({"from_email": "a@example.com", "smtp_host": "localhost", "smtp_port": port,
               "smtp_username": "u", "smtp_security": "none"}),
        &[("smtp_password", "pw-never-sent")],
    );
    let outcome = guarded("").check(owned.input()).await;
    assert_refused(&outcome, "does not connect to localhost", "smtp");
    assert!(
        listener.accept().is_err(),
        "nothing connected to the internal SMTP port"
    );
}
