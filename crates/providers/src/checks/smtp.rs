//! Generic SMTP: the real handshake through lettre's connection, driven step
//! by step as lettre's own `test_connection` does it: connect, read the
//! greeting, EHLO, upgrade with STARTTLS (then EHLO again) or start with TLS,
//! authenticate (AUTH PLAIN or LOGIN), NOOP and QUIT, and never MAIL, RCPT or
//! DATA. Driving it by hand lets the check read the server certificate's
//! expiry (notAfter), which it states like a token's. The certificate is
//! verified against the host name with Mozilla's roots plus the checker's
//! extra roots.

use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::Error as SmtpError;
use lettre::{AsyncSmtpTransport, Tokio1Executor};

use crate::checker::Checker;
use crate::http::{transport_from_chain, Ctx, Verdict};
use crate::outcome::{Outcome, OutcomeKind, StatedExpiry};

checks! {
    "smtp" => smtp,
}

/// How the connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Security {
    /// TLS from the first byte (usually port 465).
    Implicit,
    /// Plain, then STARTTLS before signing in (usually 587 or 25).
    StartTls,
    /// No encryption (only when the user turned TLS off).
    None,
}

impl Security {
    fn as_str(self) -> &'static str {
        match self {
            Security::Implicit => "tls",
            Security::StartTls => "starttls",
            Security::None => "none",
        }
    }
}

/// The SMTP settings of an integration.
pub(crate) struct SmtpSettings<'a> {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) security: Security,
    pub(crate) username: String,
    pub(crate) password: &'a str,
}

/// Reads the settings. The security mode comes from `smtp_security`
/// (`tls`, `starttls` or `none`) when set, else from the catalog's
/// `smtp_use_tls` and the port (465 means TLS from the start).
pub(crate) fn settings<'a>(ctx: &Ctx<'a>) -> Result<SmtpSettings<'a>, Outcome> {
    let host = ctx.need_cfg("smtp_host")?;
    let port: u16 = ctx
        .need_cfg("smtp_port")?
        .parse()
        .map_err(|_| ctx.invalid("The SMTP port is not a number between 1 and 65535."))?;
    let username = ctx.need_cfg("smtp_username")?;
    let password = ctx.need_secret("smtp_password")?;
    let security = match ctx.cfg("smtp_security").as_deref() {
        Some("tls" | "ssl" | "implicit") => Security::Implicit,
        Some("starttls") => Security::StartTls,
        Some("none" | "plain") => Security::None,
        _ => match (ctx.cfg_bool("smtp_use_tls").unwrap_or(true), port) {
            (false, _) => Security::None,
            (true, 465) => Security::Implicit,
            (true, _) => Security::StartTls,
        },
    };
    Ok(SmtpSettings {
        host,
        port,
        security,
        username,
        password,
    })
}

/// Where the transport connects: the host as written, or, when the checker's
/// policy is guarded, the first address of the host it permits (so the
/// connection goes to the address that was checked; TLS still verifies the
/// certificate against the host name).
async fn connect_to(checker: &Checker, s: &SmtpSettings<'_>) -> Result<String, Outcome> {
    if !checker.egress().is_guarded() {
        return Ok(s.host.clone());
    }
    let found = checker
        .egress()
        .resolve(&s.host, s.port)
        .await
        .map_err(|e| transport_from_chain(&*e, "the mail server", checker.timeout()))?;
    found.first().map(|a| a.ip().to_string()).ok_or_else(|| {
        Outcome::new(
            OutcomeKind::Dns,
            "The address of the mail server could not be found (DNS).",
            "Check the host name in the settings and your internet connection.",
        )
    })
}

/// The TLS parameters for the settings (None: no encryption).
fn tls_parameters(
    checker: &Checker,
    s: &SmtpSettings<'_>,
) -> Result<Option<TlsParameters>, Outcome> {
    if s.security == Security::None {
        return Ok(None);
    }
    let mut params = TlsParameters::builder(s.host.clone());
    for pem in checker.extra_roots_pem() {
        let cert = Certificate::from_pem(pem).map_err(|_| {
            Outcome::new(
                OutcomeKind::Tls,
                "An extra root certificate could not be read.",
                "Check the certificate file given to Switchboard.",
            )
        })?;
        params = params.add_root_certificate(cert);
    }
    let params = params.build_rustls().map_err(|_| {
        Outcome::new(
            OutcomeKind::Tls,
            "TLS for the SMTP connection could not be set up.",
            "Check the SMTP host name.",
        )
    })?;
    Ok(Some(params))
}

fn credentials(s: &SmtpSettings<'_>) -> Credentials {
    Credentials::new(s.username.clone(), s.password.to_owned())
}

const MECHANISMS: [Mechanism; 2] = [Mechanism::Plain, Mechanism::Login];

/// A lettre transport for the settings (no pool: one connection, closed after use).
pub(crate) async fn transport(
    checker: &Checker,
    s: &SmtpSettings<'_>,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, Outcome> {
    let server = connect_to(checker, s).await?;
    let tls = match (tls_parameters(checker, s)?, s.security) {
        (Some(params), Security::Implicit) => Tls::Wrapper(params),
        (Some(params), _) => Tls::Required(params),
        (None, _) => Tls::None,
    };
    Ok(
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(server)
            .port(s.port)
            .tls(tls)
            .credentials(credentials(s))
            .authentication(MECHANISMS.to_vec())
            .timeout(Some(checker.timeout()))
            .build(),
    )
}

/// What the handshake learnt: whether the server still answered after
/// signing in, and its certificate (DER) when the connection was encrypted.
struct Handshake {
    answered: bool,
    certificate: Option<Vec<u8>>,
}

/// The check's exchange, step by step (see the module's comment).
async fn handshake(
    checker: &Checker,
    s: &SmtpSettings<'_>,
    server: &str,
    tls: Option<TlsParameters>,
) -> Result<Handshake, SmtpError> {
    let hello = ClientId::default();
    let (wrapper, upgrade) = match s.security {
        Security::Implicit => (tls, None),
        _ => (None, tls),
    };
    let mut conn = AsyncSmtpConnection::connect_tokio1(
        (server, s.port),
        Some(checker.timeout()),
        &hello,
        wrapper,
        None,
    )
    .await?;
    if let Some(params) = upgrade {
        conn.starttls(params, &hello).await?;
    }
    let certificate = conn
        .is_encrypted()
        .then(|| conn.peer_certificate().ok())
        .flatten();
    conn.auth(&MECHANISMS, &credentials(s)).await?;
    let answered = conn.test_connected().await;
    conn.quit().await?;
    Ok(Handshake {
        answered,
        certificate,
    })
}

/// The expiry a server certificate (DER) states: its notAfter.
fn certificate_expiry(der: &[u8]) -> Option<StatedExpiry> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let not_after = cert.validity().not_after.timestamp();
    Some(StatedExpiry::at_unix(not_after, "SMTP server certificate"))
}

/// The whole exchange may take a few round trips, each within the timeout.
pub(crate) fn deadline(checker: &Checker) -> Duration {
    checker.timeout() * 3
}

async fn smtp(ctx: &Ctx<'_>) -> Verdict {
    let s = settings(ctx)?;
    let server = connect_to(ctx.checker, &s).await?;
    let tls = tls_parameters(ctx.checker, &s)?;
    let with_connection = |o: Outcome| {
        o.detail("host", s.host.as_str())
            .detail("port", s.port)
            .detail("security", s.security.as_str())
    };
    let exchange = handshake(ctx.checker, &s, &server, tls);
    let result = tokio::time::timeout(deadline(ctx.checker), exchange).await;
    match result {
        Err(_) => Err(with_connection(ctx.timeout_outcome())),
        Ok(Ok(Handshake {
            answered: true,
            certificate,
        })) => {
            let mut out = Outcome::ok(format!(
                "The mail server {}:{} accepted the sign-in ({}).",
                s.host,
                s.port,
                match s.security {
                    Security::Implicit => "TLS",
                    Security::StartTls => "STARTTLS",
                    Security::None => "unencrypted",
                }
            ));
            out = with_connection(out);
            if let Some(expiry) = certificate.as_deref().and_then(certificate_expiry) {
                if let Some(at) = &expiry.at {
                    out = out.detail("certificate_expires", at.as_str());
                }
                out = out.expiry(Some(expiry));
            }
            if s.security == Security::None {
                out.hint =
                    "The password travels unencrypted: turn on TLS if the server supports it."
                        .into();
            }
            Ok(out)
        }
        Ok(Ok(Handshake {
            answered: false, ..
        })) => Err(with_connection(Outcome::provider_error(
            "The mail server accepted the sign-in but then stopped answering.",
            "Try again; if it persists, ask the mail server's administrator.",
        ))),
        Ok(Err(e)) => Err(with_connection(failure(
            ctx.label,
            ctx.checker.timeout(),
            &e,
            s.security,
        ))),
    }
}

/// Maps a lettre error; only the reply code is used, never the server's text.
pub(crate) fn failure(
    label: &str,
    timeout: Duration,
    e: &SmtpError,
    security: Security,
) -> Outcome {
    if let Some(code) = e.status() {
        let code: u16 = code.to_string().parse().unwrap_or(0);
        let (kind, message, hint) = match code {
            535 => (
                OutcomeKind::InvalidCredentials,
                "The mail server rejected the username or password (535).",
                "Check the username and password; Google and Microsoft accounts with two-step sign-in need an app password.",
            ),
            432 => (
                OutcomeKind::InvalidCredentials,
                "The mail server requires a password change before signing in (432).",
                "Sign in to the mailbox on the web, change the password, then enter the new one.",
            ),
            534 => (
                OutcomeKind::MissingPermission,
                "The mail server finds the sign-in method too weak (534).",
                "Enable SMTP sign-in (or create an app password) in the mailbox's security settings.",
            ),
            530 | 538 => (
                OutcomeKind::ProviderError,
                "The mail server requires an encrypted connection before signing in.",
                "Turn on Use TLS (port 587 with STARTTLS, or 465).",
            ),
            421 => (
                OutcomeKind::RateLimited,
                "The mail server is not accepting connections right now (421).",
                "Wait a few minutes, then try again.",
            ),
            454 => (
                OutcomeKind::ProviderError,
                "The mail server had a temporary sign-in failure (454).",
                "Try again in a few minutes.",
            ),
            554 => (
                OutcomeKind::ProviderError,
                "The mail server refused the connection (554).",
                "The server may block your network; ask its administrator.",
            ),
            _ => (
                OutcomeKind::ProviderError,
                "The mail server answered with an error.",
                "Check the host, port and security settings.",
            ),
        };
        return Outcome::new(kind, message, hint).detail("smtp_code", code);
    }
    if e.is_timeout() {
        return crate::http::timeout_outcome(label, timeout);
    }
    let text = e.to_string();
    if text.contains("STARTTLS is not supported") {
        return Outcome::new(
            OutcomeKind::Tls,
            "The mail server does not offer STARTTLS on this port.",
            "Use port 465 (TLS from the start) or the port your provider gives for STARTTLS.",
        );
    }
    if text.contains("No compatible authentication mechanism") {
        let hint = if security == Security::None {
            "The server may only allow sign-in over TLS: turn on Use TLS."
        } else {
            "The server offers no PLAIN or LOGIN sign-in; check its settings."
        };
        return Outcome::provider_error(
            "The mail server offers no sign-in method Switchboard can use.",
            hint,
        );
    }
    let mut out = transport_from_chain(e, label, timeout);
    if e.is_tls() && out.kind != OutcomeKind::Tls {
        out = Outcome::new(
            OutcomeKind::Tls,
            "The secure connection to the mail server failed (TLS).",
            "Check the host name matches the server's certificate, and the security mode matches the port.",
        );
    }
    out
}
