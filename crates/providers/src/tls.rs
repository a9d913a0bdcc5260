//! TLS for provider calls: rustls with the ring provider chosen explicitly,
//! trusting Mozilla's roots (webpki-roots), the operating system's roots, and
//! any extra roots the caller adds (a company proxy's CA, or a test's own CA).

use std::sync::Arc;

use rustls::client::ClientConfig;
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::error::{ProviderError, Result};

/// Parses every certificate of a PEM bundle.
pub(crate) fn parse_pem_certs(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| {
            ProviderError::Tls(format!("the extra root certificates cannot be read ({e})"))
        })?;
    if certs.is_empty() {
        return Err(ProviderError::Tls(
            "the extra root PEM holds no CERTIFICATE block".into(),
        ));
    }
    Ok(certs)
}

/// The client configuration used by every HTTPS call.
pub(crate) fn client_config(extra_roots: &[CertificateDer<'static>]) -> Result<ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    // The OS store adds what an organisation installed (e.g. a TLS-inspecting
    // proxy's CA); failures to read some of it are not fatal.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    for cert in extra_roots {
        roots.add(cert.clone()).map_err(|e| {
            ProviderError::Tls(format!("an extra root certificate was refused ({e})"))
        })?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ProviderError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
