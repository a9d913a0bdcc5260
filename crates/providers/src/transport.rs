//! Transport failures as outcomes: timeouts, refused connections, DNS and
//! TLS failures, found by walking an error's sources (reqwest's, hyper's,
//! lettre's and the `io::Error`s wrapping rustls). Messages are written here,
//! never copied from the error, whose text may hold a URL with credentials.

use std::time::Duration;

use crate::outcome::{Outcome, OutcomeKind};

/// The outcome of a provider (`label`) that did not answer within `timeout`.
pub fn timeout_outcome(label: &str, timeout: Duration) -> Outcome {
    Outcome::new(
        OutcomeKind::Timeout,
        format!(
            "{label} did not answer within {:.1} s.",
            timeout.as_secs_f64()
        ),
        "Check your internet connection or proxy, then try again; the provider may also be slow right now.",
    )
}

/// Maps a reqwest failure.
pub(crate) fn transport(err: &reqwest::Error, label: &str, timeout: Duration) -> Outcome {
    if err.is_timeout() {
        return timeout_outcome(label, timeout);
    }
    transport_from_chain(err, label, timeout)
}

/// Classifies any error by walking its sources (shared with SMTP).
pub(crate) fn transport_from_chain(
    err: &(dyn std::error::Error + 'static),
    label: &str,
    timeout: Duration,
) -> Outcome {
    if let Some(refused) = crate::egress::refused_in(err) {
        return refused.outcome();
    }
    let mut texts = String::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut kind = None;
    while let Some(e) = source {
        texts.push_str(&e.to_string().to_lowercase());
        texts.push(' ');
        if let Some(tls) = find_rustls(e) {
            return tls_outcome(label, tls);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            kind = kind.or(Some(io.kind()));
        }
        source = e.source();
    }
    if texts.contains("dns error")
        || texts.contains("failed to lookup address")
        || texts.contains("name or service not known")
        || texts.contains("no such host")
    {
        return Outcome::new(
            OutcomeKind::Dns,
            format!("The address of {label} could not be found (DNS)."),
            "Check the host name in the settings and your internet connection.",
        );
    }
    match kind {
        Some(std::io::ErrorKind::TimedOut) => {
            return timeout_outcome(label, timeout);
        }
        Some(std::io::ErrorKind::ConnectionRefused) => {
            return Outcome::new(
                OutcomeKind::Network,
                format!("{label} refused the connection."),
                "Check the host and port; a firewall or proxy may be blocking it.",
            );
        }
        _ => {}
    }
    if texts.contains("certificate") || texts.contains("handshake") || texts.contains("tls") {
        return Outcome::new(
            OutcomeKind::Tls,
            format!("The secure connection to {label} failed (TLS)."),
            "A proxy or firewall may be intercepting HTTPS, or the server's certificate is not valid.",
        );
    }
    Outcome::new(
        OutcomeKind::Network,
        format!("The connection to {label} failed."),
        "Check your internet connection, proxy and firewall, then try again.",
    )
}

/// A rustls error inside `e`, also through nested `io::Error`s, whose
/// `source()` skips the error they wrap.
fn find_rustls<'e>(e: &'e (dyn std::error::Error + 'static)) -> Option<&'e rustls::Error> {
    if let Some(tls) = e.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    let io = e.downcast_ref::<std::io::Error>()?;
    find_rustls(io.get_ref()?)
}

fn tls_outcome(label: &str, err: &rustls::Error) -> Outcome {
    let why = match err {
        rustls::Error::InvalidCertificate(c) => {
            format!("the server's certificate is not valid ({c:?})")
        }
        rustls::Error::AlertReceived(a) => format!("the server refused the handshake ({a:?})"),
        other => format!("{other}"),
    };
    Outcome::new(
        OutcomeKind::Tls,
        format!("The secure connection to {label} failed: {why}."),
        "Check the host name; if your network inspects HTTPS, add its certificate authority to Switchboard.",
    )
}
