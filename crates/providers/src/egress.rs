//! Where a check may connect. On a laptop a check goes wherever its settings
//! say (the person's own SMTP server on their LAN is a fine destination). On
//! the team server a check runs on behalf of whoever may edit an integration,
//! so its settings could aim the server at itself or at its network
//! (server-side request forgery): [`Egress::public_only`] refuses loopback,
//! private, link-local (cloud metadata included), shared, multicast and other
//! special addresses, checked after DNS resolution and on every connection
//! (each redirect hop of the sign-up page check, the SMTP host), unless an
//! admin allows a range. The destinations (host and port) of the admin's
//! endpoint overrides are trusted: the admin chose them.
//!
//! The guard resolves names itself and hands the HTTP client only the
//! addresses it checked, so a name cannot resolve to a public address for
//! the check and a private one for the connection.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use ipnet::IpNet;

use crate::outcome::{Outcome, OutcomeKind};

/// The connection policy of a [`crate::Checker`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Egress {
    guarded: bool,
    allowed: Vec<IpNet>,
    trusted: BTreeSet<(String, u16)>,
}

/// How a permitted request is to be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// Through the guarded client (names resolve through the guard).
    Guarded,
    /// To a destination the admin named: through an unguarded client.
    Trusted,
}

/// A destination the policy refused: what was asked and the address it
/// resolved to. Carried inside transport errors and turned into an outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub host: String,
    pub address: IpAddr,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} resolves to {}, an address the server does not connect to",
            self.host, self.address
        )
    }
}

impl std::error::Error for Refused {}

impl Refused {
    /// The outcome a person sees.
    pub(crate) fn outcome(&self) -> Outcome {
        Outcome::new(
            OutcomeKind::Network,
            format!(
                "The team server does not connect to {}: it is a loopback, private or otherwise internal address ({}).",
                self.host, self.address
            ),
            "Use the service's public address, or test from the desktop app; an admin can allow an internal range with the server's --allow-check-network option.",
        )
        .detail("refused_address", self.address.to_string())
    }
}

impl Egress {
    /// Any destination (the laptop's policy).
    pub fn open() -> Egress {
        Egress::default()
    }

    /// Public addresses only, plus the `allowed` ranges (the server's policy).
    pub fn public_only(allowed: Vec<IpNet>) -> Egress {
        Egress {
            guarded: true,
            allowed,
            trusted: BTreeSet::new(),
        }
    }

    /// Also trusts `host` (a name or an address) on `port`, whatever it
    /// resolves to.
    pub fn trusting(mut self, host: &str, port: u16) -> Egress {
        self.trusted.insert((normal_host(host), port));
        self
    }

    /// True when this policy refuses some destinations.
    pub fn is_guarded(&self) -> bool {
        self.guarded
    }

    /// Parses `--allow-check-network` values: CIDR ranges or single addresses.
    pub fn parse_ranges(text: &str) -> Result<Vec<IpNet>, String> {
        text.split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("'{s}' is not an address range: write it as CIDR, e.g. 10.20.0.0/16 or fd00::/8")
                    })
            })
            .collect()
    }

    /// May a connection go to `address`?
    pub fn permits(&self, address: IpAddr) -> bool {
        !self.guarded
            || self.allowed.iter().any(|net| net.contains(&address))
            || is_public(canonical(address))
    }

    fn trusts(&self, host: &str, port: u16) -> bool {
        self.trusted.contains(&(normal_host(host), port))
    }

    /// How a request to `url` goes: trusted when the admin named its host
    /// and port; else an address literal is checked here (names are checked
    /// by the guarded client's resolver, [`Egress::resolve`]).
    pub(crate) fn check_url(&self, url: &url::Url) -> Result<Route, Refused> {
        let (Some(host), Some(shown)) = (url.host(), url.host_str()) else {
            return Ok(Route::Guarded);
        };
        if self.trusts(shown, url.port_or_known_default().unwrap_or(0)) {
            return Ok(Route::Trusted);
        }
        let address = match host {
            url::Host::Ipv4(v4) => IpAddr::V4(v4),
            url::Host::Ipv6(v6) => IpAddr::V6(v6),
            url::Host::Domain(_) => return Ok(Route::Guarded),
        };
        if self.permits(address) {
            Ok(Route::Guarded)
        } else {
            Err(Refused {
                host: shown.to_owned(),
                address,
            })
        }
    }

    /// Resolves `host` and keeps the addresses this policy permits; an error
    /// when none is left (the first refused one named), or DNS failed.
    pub(crate) async fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
        let found: Vec<SocketAddr> = tokio::net::lookup_host((host, port)).await?.collect();
        if !self.guarded || (port != 0 && self.trusts(host, port)) {
            return Ok(found);
        }
        let (kept, refused): (Vec<SocketAddr>, Vec<SocketAddr>) =
            found.into_iter().partition(|a| self.permits(a.ip()));
        match (kept.is_empty(), refused.first()) {
            (true, Some(first)) => Err(Box::new(Refused {
                host: host.to_owned(),
                address: first.ip(),
            })),
            _ => Ok(kept),
        }
    }
}

/// The resolver the HTTP client uses when the policy is guarded.
#[derive(Clone, Debug)]
pub(crate) struct GuardedResolver(pub(crate) Arc<Egress>);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let egress = self.0.clone();
        Box::pin(async move {
            let addrs = egress.resolve(name.as_str(), 0).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The refusal inside an error chain, if that is what stopped a connection.
pub(crate) fn refused_in(err: &(dyn std::error::Error + 'static)) -> Option<Refused> {
    let mut source = Some(err);
    while let Some(e) = source {
        if let Some(r) = e.downcast_ref::<Refused>() {
            return Some(r.clone());
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(r) = io.get_ref().and_then(|i| i.downcast_ref::<Refused>()) {
                return Some(r.clone());
            }
        }
        source = e.source();
    }
    None
}

fn normal_host(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// An IPv4-mapped or -compatible IPv6 address as the IPv4 address it is.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// True for globally routable unicast addresses.
fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(a: Ipv4Addr) -> bool {
    let [o1, o2, ..] = a.octets();
    !(a.is_unspecified()
        || a.is_loopback()
        || a.is_private()
        || a.is_link_local() // 169.254/16: cloud metadata lives here
        || a.is_broadcast()
        || a.is_multicast()
        || a.is_documentation()
        || o1 == 0 // "this network"
        || (o1 == 100 && (64..128).contains(&o2)) // shared address space (CGNAT, 100.100.100.200 metadata)
        || (o1 == 192 && o2 == 0 && a.octets()[2] == 0) // IETF protocol assignments
        || (o1 == 198 && (18..20).contains(&o2)) // benchmarking
        || o1 >= 240) // reserved
}

fn is_public_v6(a: Ipv6Addr) -> bool {
    let first = a.segments()[0];
    !(a.is_unspecified()
        || a.is_loopback()
        || a.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local (fd00:ec2::254 metadata)
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && a.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && a.segments()[1] == 0xff9b // NAT64: may reach IPv4 internals
        || first == 0x2002) // 6to4: embeds an IPv4 address
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_guard_refuses_internal_addresses_and_keeps_public_ones() {
        let guard = Egress::public_only(Vec::new());
        for internal in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.100.100.200",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
        ] {
            assert!(!guard.permits(ip(internal)), "{internal} must be refused");
        }
        for public in ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"] {
            assert!(guard.permits(ip(public)), "{public} must be allowed");
        }
        let open = Egress::open();
        assert!(open.permits(ip("127.0.0.1")) && open.permits(ip("169.254.169.254")));
    }

    #[test]
    fn an_admin_allows_a_range() {
        let ranges = Egress::parse_ranges("10.20.0.0/16, 127.0.0.1").unwrap();
        let guard = Egress::public_only(ranges);
        assert!(guard.permits(ip("10.20.3.4")));
        assert!(guard.permits(ip("127.0.0.1")));
        assert!(!guard.permits(ip("10.21.0.1")));
        assert!(!guard.permits(ip("127.0.0.2")));
        let err = Egress::parse_ranges("10.0.0.0/33").unwrap_err();
        assert!(
            err.contains("'10.0.0.0/33' is not an address range"),
            "{err}"
        );
    }

    #[test]
    fn literal_urls_are_checked_and_trusted_hosts_pass() {
        let guard = Egress::public_only(Vec::new()).trusting("127.0.0.1", 9);
        let url = |s: &str| url::Url::parse(s).unwrap();
        assert_eq!(
            guard.check_url(&url("http://127.0.0.1:9/x")),
            Ok(Route::Trusted)
        );
        assert!(guard.check_url(&url("http://127.0.0.1:10/x")).is_err());
        let refused = guard.check_url(&url("http://[::1]:8787/api/")).unwrap_err();
        assert_eq!(refused.address, ip("::1"));
        assert!(guard.check_url(&url("http://169.254.169.254/")).is_err());
        assert_eq!(
            guard.check_url(&url("https://example.com/")),
            Ok(Route::Guarded)
        );
    }

    #[tokio::test]
    async fn names_are_checked_after_resolution() {
        let guard = Egress::public_only(Vec::new());
        let err = guard.resolve("localhost", 25).await.unwrap_err();
        let refused = err.downcast_ref::<Refused>().expect("a refusal");
        assert!(refused.address.is_loopback());
        let trusted = Egress::public_only(Vec::new()).trusting("localhost", 25);
        assert!(!trusted.resolve("localhost", 25).await.unwrap().is_empty());
    }
}
