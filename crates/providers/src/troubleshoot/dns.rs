//! DNS lookups of the troubleshooting checks: TXT and CNAME records through
//! hickory's resolver, asking the checker's nameserver (the system's
//! resolvers by default). A name without records (NXDOMAIN or no data) is
//! an empty answer; a failed lookup is an outcome.

use std::time::Duration;

use hickory_resolver::config::{NameServerConfigGroup, ResolveHosts, ResolverConfig};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::proto::ProtoErrorKind;
use hickory_resolver::{Name, ResolveError, ResolveErrorKind, TokioResolver};

use crate::checker::Checker;
use crate::outcome::{Outcome, OutcomeKind};

/// The resolver of one troubleshooting run, or why it cannot start.
pub(crate) struct Dns {
    resolver: Result<TokioResolver, String>,
    timeout: Duration,
}

impl Dns {
    pub(crate) fn new(checker: &Checker) -> Dns {
        let timeout = checker.timeout();
        let builder = match checker.nameserver() {
            Some(addr) => Ok(TokioResolver::builder_with_config(
                ResolverConfig::from_parts(
                    None,
                    Vec::new(),
                    NameServerConfigGroup::from_ips_clear(&[addr.ip()], addr.port(), true),
                ),
                TokioConnectionProvider::default(),
            )),
            None => TokioResolver::builder_tokio().map_err(|e| e.to_string()),
        };
        let resolver = builder.map(|mut builder| {
            let options = builder.options_mut();
            options.timeout = timeout;
            options.attempts = 2;
            options.cache_size = 0;
            options.use_hosts_file = ResolveHosts::Never;
            options.ndots = 0;
            builder.build()
        });
        Dns { resolver, timeout }
    }

    /// The TXT records at `name`, each record's strings joined; empty when
    /// the name has none.
    pub(crate) async fn txt(&self, name: &str) -> Result<Vec<String>, Outcome> {
        let records = self.lookup(name, RecordType::TXT).await?;
        Ok(records
            .iter()
            .filter_map(|r| match r {
                RData::TXT(txt) => Some(
                    txt.txt_data()
                        .iter()
                        .map(|part| String::from_utf8_lossy(part).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect())
    }

    /// The target of the CNAME record at `name` (no trailing dot, lower
    /// case), None when it has none.
    pub(crate) async fn cname(&self, name: &str) -> Result<Option<String>, Outcome> {
        let records = self.lookup(name, RecordType::CNAME).await?;
        Ok(records.iter().find_map(|r| match r {
            RData::CNAME(target) => Some(bare(&target.0.to_ascii())),
            _ => None,
        }))
    }

    async fn lookup(&self, name: &str, kind: RecordType) -> Result<Vec<RData>, Outcome> {
        let resolver = self.resolver.as_ref().map_err(|why| {
            Outcome::new(
                OutcomeKind::Dns,
                format!("The system's DNS settings cannot be read ({why}), so {name} was not looked up."),
                "Check the computer's network settings, then try again.",
            )
        })?;
        let fqdn = Name::from_utf8(format!("{}.", bare(name))).map_err(|e| {
            Outcome::new(
                OutcomeKind::NotCheckable,
                format!("{name} is not a DNS name ({e})."),
                "Correct the address in the integration's settings.",
            )
        })?;
        match resolver.lookup(fqdn, kind).await {
            Ok(lookup) => Ok(lookup.iter().cloned().collect()),
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => Ok(Vec::new()),
            Err(e) => Err(self.failure(name, kind, &e)),
        }
    }

    fn failure(&self, name: &str, kind: RecordType, e: &ResolveError) -> Outcome {
        let timed_out = matches!(e.kind(), ResolveErrorKind::Proto(p) if matches!(p.kind(), ProtoErrorKind::Timeout));
        if timed_out {
            return Outcome::new(
                OutcomeKind::Timeout,
                format!(
                    "The DNS server did not answer the {kind} lookup of {name} within {} s.",
                    self.timeout.as_secs()
                ),
                "Check the network connection, then try again.",
            );
        }
        Outcome::new(
            OutcomeKind::Dns,
            format!("The {kind} lookup of {name} failed: {e}."),
            "Check the network connection and the domain's DNS servers, then try again.",
        )
    }
}

/// A DNS name without its trailing dot, in lower case.
pub(crate) fn bare(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}
