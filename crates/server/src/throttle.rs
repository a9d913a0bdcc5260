//! Sign-in throttling: failed sign-ins are counted in the database (so the
//! back-off holds across every server on it) per account and per client
//! address. A few failures are free; each one after them locks the scope for
//! twice as long as the one before, from [`FIRST_LOCK_MS`] up to
//! [`MAX_LOCK_MS`]. The account is named by a hash of the e-mail as typed
//! (trimmed, lower-cased), so an unknown address is throttled exactly like a
//! known one and what people type is not kept. A successful sign-in clears
//! its account's count, not its address's.

use std::net::IpAddr;

use sha2::{Digest, Sha256};

/// Failures an account may have before it is locked.
pub const ACCOUNT_FREE_FAILURES: i64 = 5;
/// Failures one client address may have (over every account) before it is
/// locked: an office behind one address signs in as many people.
pub const ADDRESS_FREE_FAILURES: i64 = 20;
/// The lock after the last free failure.
pub const FIRST_LOCK_MS: i64 = 2_000;
/// The longest lock.
pub const MAX_LOCK_MS: i64 = 15 * 60 * 1000;
/// A failure this long after the previous one starts the count again.
pub const FORGET_AFTER_MS: i64 = 24 * 3600 * 1000;

/// One thing failed sign-ins are counted for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// The key in `login_failures`.
    pub key: String,
    /// Failures before the first lock.
    pub free: i64,
}

/// The scopes of a sign-in as `email` (normalized) from `address`.
pub fn scopes(email: &str, address: Option<IpAddr>) -> Vec<Scope> {
    let mut all = vec![Scope {
        key: format!("account:{}", hex::encode(Sha256::digest(email.as_bytes()))),
        free: ACCOUNT_FREE_FAILURES,
    }];
    if let Some(ip) = address {
        all.push(Scope {
            key: format!("address:{}", ip.to_canonical()),
            free: ADDRESS_FREE_FAILURES,
        });
    }
    all
}

/// The client's address: the TCP peer, or where the peer is a trusted
/// proxy, the right-most address in its `X-Forwarded-For` that is not a
/// trusted proxy itself (the left ones are the client's to write). A trusted
/// proxy that names no client gives none, so its clients are not lumped
/// together under its address.
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    for hop in forwarded_for?.rsplit(',') {
        let ip = hop.trim().parse::<IpAddr>().ok()?.to_canonical();
        if !trusted.contains(&ip) {
            return Some(ip);
        }
    }
    None
}

/// How long a scope with `failures` is locked, if at all.
pub fn lock_ms(failures: i64, free: i64) -> Option<i64> {
    let beyond = failures.checked_sub(free)?;
    if beyond < 0 {
        return None;
    }
    let doublings = u32::try_from(beyond.min(30)).unwrap_or(30);
    Some(
        FIRST_LOCK_MS
            .saturating_mul(1_i64 << doublings)
            .min(MAX_LOCK_MS),
    )
}

/// Whole seconds to wait until `until` (ms), at least one: the Retry-After.
pub fn wait_secs(until_ms: i64, now_ms: i64) -> u64 {
    u64::try_from((until_ms - now_ms + 999) / 1000)
        .unwrap_or(1)
        .max(1)
}

/// Now in unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_doubles_after_the_free_failures_up_to_the_cap() {
        assert_eq!(lock_ms(4, 5), None);
        assert_eq!(lock_ms(5, 5), Some(2_000));
        assert_eq!(lock_ms(6, 5), Some(4_000));
        assert_eq!(lock_ms(7, 5), Some(8_000));
        assert_eq!(lock_ms(14, 5), Some(MAX_LOCK_MS));
        assert_eq!(lock_ms(10_000, 5), Some(MAX_LOCK_MS));
        assert_eq!(wait_secs(10_001, 10_000), 1);
        assert_eq!(wait_secs(12_000, 10_000), 2);
        assert_eq!(wait_secs(12_001, 10_000), 3);
    }

    #[test]
    fn a_forwarded_client_counts_only_behind_a_trusted_proxy() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxy = [ip("10.0.0.2")];
        assert_eq!(
            client_address(Some(ip("198.51.100.4")), Some("1.2.3.4"), &proxy),
            Some(ip("198.51.100.4")),
            "an untrusted peer's header is ignored"
        );
        assert_eq!(
            client_address(Some(ip("10.0.0.2")), Some("1.2.3.4, 203.0.113.9"), &proxy),
            Some(ip("203.0.113.9")),
            "the right-most hop the proxy saw"
        );
        assert_eq!(
            client_address(Some(ip("10.0.0.2")), Some("203.0.113.9, 10.0.0.2"), &proxy),
            Some(ip("203.0.113.9")),
            "trusted hops are skipped"
        );
        assert_eq!(
            client_address(Some(ip("10.0.0.2")), None, &proxy),
            None,
            "a proxy naming no client"
        );
        assert_eq!(
            client_address(Some(ip("10.0.0.2")), Some("junk"), &proxy),
            None
        );
        assert_eq!(client_address(None, Some("1.2.3.4"), &proxy), None);
    }

    #[test]
    fn scopes_name_the_account_by_hash_and_the_address() {
        let s = scopes("ann@example.com", Some("127.0.0.1".parse().unwrap()));
        assert_eq!(s.len(), 2);
        assert!(s[0].key.starts_with("account:") && !s[0].key.contains("ann"));
        assert_eq!(s[1].key, "address:127.0.0.1");
        let mapped = scopes("a", Some("::ffff:10.0.0.1".parse().unwrap()));
        assert_eq!(
            mapped[1].key, "address:10.0.0.1",
            "IPv4 in IPv6 is the IPv4"
        );
        assert_eq!(scopes("a", None).len(), 1);
    }
}
