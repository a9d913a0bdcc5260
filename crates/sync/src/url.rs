//! The server address: HTTPS, or plain HTTP only to this machine.

use crate::error::{Result, SyncError};

/// Checks and normalises a server address (no trailing slash). Secrets
/// travel to it, so plain HTTP is refused except to localhost.
pub fn server_url(text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SyncError::BadUrl(
            "Enter the server's address, e.g. https://switchboard.example.com.".into(),
        ));
    }
    let url = url::Url::parse(text).map_err(|e| {
        SyncError::BadUrl(format!(
            "“{text}” is not a web address ({e}); enter it like https://switchboard.example.com."
        ))
    })?;
    let local = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if local => {}
        "http" => {
            return Err(SyncError::BadUrl(
                "Plain http:// would send your secrets unencrypted: use the server's https:// address (http:// is accepted only for localhost).".into(),
            ))
        }
        other => {
            return Err(SyncError::BadUrl(format!(
                "“{other}://” is not supported: use the server's https:// address."
            )))
        }
    }
    if url.host().is_none() {
        return Err(SyncError::BadUrl("The address has no host name.".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(SyncError::BadUrl(
            "Leave the user name and password out of the address; sign in below instead.".into(),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_locally() {
        assert_eq!(
            server_url(" https://sb.example.com/ ").unwrap(),
            "https://sb.example.com"
        );
        assert!(server_url("http://127.0.0.1:8787").is_ok());
        assert!(server_url("http://localhost:1").is_ok());
        assert!(server_url("http://[::1]:80").is_ok());
        let e = server_url("http://sb.example.com").unwrap_err().to_string();
        assert!(e.contains("https://"), "{e}");
        assert!(server_url("ftp://x").is_err());
        assert!(server_url("not a url").is_err());
        assert!(server_url("https://u:p@sb.example.com").is_err());
    }
}
