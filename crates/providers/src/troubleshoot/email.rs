//! The from-domain's DNS records: SPF (one `v=spf1` TXT record, with the
//! provider's include where it has one), DKIM (the provider's fixed
//! selectors, the one Mailgun states for the sending domain, or a
//! `dkim_selector` setting where one exists) and DMARC (`_dmarc.<domain>`, its policy).
//! A missing record is a finding whose hint names the record to add.

use serde_json::json;

use super::dns::{bare, Dns};
use crate::checks::email::mailgun_base;
use crate::http::{Ctx, Verdict};
use crate::outcome::{Outcome, OutcomeKind};

/// The domain of the integration's From email.
fn from_domain(ctx: &Ctx<'_>) -> Result<String, Outcome> {
    let from = ctx.cfg("from_email").ok_or_else(|| {
        Outcome::not_checkable(
            "The From email is not set, so there is no domain to look up.",
            "Edit the integration and enter the From email.",
        )
    })?;
    match from.rsplit_once('@') {
        Some((_, domain)) if domain.contains('.') => Ok(bare(domain)),
        _ => Err(Outcome::not_checkable(
            format!("The From email \u{201c}{from}\u{201d} has no domain to look up."),
            "Enter the full From address, like news@yourbrand.com.",
        )),
    }
}

/// The domain whose SPF and DKIM records the provider's mail is checked
/// against: Mailgun's sending domain when set, else the From domain.
fn sending_domain(ctx: &Ctx<'_>) -> Result<String, Outcome> {
    match ctx.cfg("mailgun_domain") {
        Some(domain) if ctx.input.provider == "mailgun" => Ok(bare(&domain)),
        _ => from_domain(ctx),
    }
}

/// The SPF include of each provider that publishes one.
fn spf_include(provider: &str) -> Option<&'static str> {
    Some(match provider {
        "sendgrid" => "sendgrid.net",
        "mailgun" => "mailgun.org",
        "aws_ses" => "amazonses.com",
        "mandrill" => "spf.mandrillapp.com",
        "mailchimp" => "servers.mcsv.net",
        "postmark" => "spf.mtasv.net",
        "sparkpost" => "sparkpostmail.com",
        _ => return None,
    })
}

/// `record` with `include:{include}` placed before its `all` term.
fn with_include(record: &str, include: &str) -> String {
    let mut terms: Vec<&str> = record.split_whitespace().collect();
    let term = format!("include:{include}");
    let at = terms
        .iter()
        .position(|t| t.trim_start_matches(['~', '-', '?', '+']) == "all")
        .unwrap_or(terms.len());
    terms.insert(at, &term);
    terms.join(" ")
}

pub(super) async fn spf(ctx: &Ctx<'_>, dns: &Dns) -> Verdict {
    let domain = sending_domain(ctx)?;
    let include = spf_include(ctx.input.provider);
    let records: Vec<String> = dns
        .txt(&domain)
        .await?
        .into_iter()
        .filter(|r| r.to_ascii_lowercase().starts_with("v=spf1"))
        .collect();
    let suggested = match include {
        Some(inc) => format!("v=spf1 include:{inc} ~all"),
        None => "v=spf1 a mx ~all".to_owned(),
    };
    let details = json!({"domain": domain, "records": records, "expected_include": include});
    let record = match records.as_slice() {
        [] => {
            return Err(Outcome::new(
                OutcomeKind::NotFound,
                format!("{domain} has no SPF record (a TXT record starting with v=spf1)."),
                format!("Add a TXT record at {domain} with the value: {suggested}"),
            )
            .details(details))
        }
        [one] => one,
        many => {
            return Err(Outcome::new(
                OutcomeKind::ProviderError,
                format!(
                "{domain} has {} SPF records; receivers then reject SPF altogether (permerror).",
                many.len()
            ),
                "Merge them into one TXT record starting with v=spf1 and delete the others.",
            )
            .details(details))
        }
    };
    if let Some(inc) = include {
        let term = format!("include:{inc}");
        if !record
            .split_whitespace()
            .any(|t| t.eq_ignore_ascii_case(&term))
        {
            return Err(Outcome::new(
                OutcomeKind::NotFound,
                format!(
                    "The SPF record of {domain} does not include {}'s servers ({term}).",
                    ctx.label
                ),
                format!(
                    "Change the TXT record at {domain} to: {}",
                    with_include(record, inc)
                ),
            )
            .details(details));
        }
    }
    Ok(Outcome::ok(format!("{domain} has an SPF record: {record}")).details(details))
}

/// A DKIM selector a provider uses: its name, the end of its CNAME target,
/// and the exact target when the provider fixes it.
struct Selector {
    name: String,
    suffix: Option<&'static str>,
    target: Option<&'static str>,
}

/// The selectors of providers that fix them: (selector, exact CNAME
/// target or empty when it is per account, the target's domain).
fn known_selectors(provider: &str) -> &'static [(&'static str, &'static str, &'static str)] {
    match provider {
        "sendgrid" => &[("s1", "", "sendgrid.net"), ("s2", "", "sendgrid.net")],
        "mailchimp" => &[
            ("k2", "dkim2.mcsv.net", "mcsv.net"),
            ("k3", "dkim3.mcsv.net", "mcsv.net"),
        ],
        "mandrill" => &[
            ("mte1", "dkim1.mandrillapp.com", "mandrillapp.com"),
            ("mte2", "dkim2.mandrillapp.com", "mandrillapp.com"),
        ],
        _ => &[],
    }
}

/// Where a provider that picks its own selectors shows them.
fn where_selector(provider: &str) -> &'static str {
    match provider {
        "mailgun" => "Mailgun → Sending → Domains → your domain → DNS records (the TXT record whose name ends in ._domainkey)",
        "aws_ses" => "Amazon SES → Identities → your domain → Authentication (three CNAME records named <token>._domainkey)",
        "postmark" => "Postmark → Sender Signatures → your domain → DNS settings (a TXT record named like 20240101000000pm._domainkey)",
        "sparkpost" => "SparkPost → Sending Domains → your domain (a TXT record named like scph0124._domainkey)",
        _ => "your mail server's DKIM settings (ask your mail host for the selector)",
    }
}

/// Mailgun's DKIM selector for `domain`, from the domain's sending DNS
/// records (`GET /v4/domains/{domain}`: the TXT record named
/// `<selector>._domainkey.<domain>`). Best effort: None when not told.
async fn mailgun_selector(ctx: &Ctx<'_>, domain: &str) -> Option<String> {
    let key = ctx.secret("api_key")?;
    let eu = ctx.cfg("mailgun_region").as_deref() == Some("eu");
    let url = format!("{}/v4/domains/{domain}", mailgun_base(ctx, eu).ok()?);
    let resp = ctx
        .send(ctx.get(&url).basic_auth("api", Some(key)))
        .await
        .ok()
        .filter(|r| r.success())?;
    let suffix = format!("._domainkey.{domain}");
    resp.json
        .pointer("/sending_dns_records")?
        .as_array()?
        .iter()
        .filter_map(|r| r["name"].as_str())
        .find_map(|name| bare(name).strip_suffix(&suffix).map(str::to_owned))
}

/// The selectors to look up: the `dkim_selector` setting, the provider's
/// fixed ones, or the one Mailgun states for the sending domain.
async fn selectors(ctx: &Ctx<'_>, domain: &str) -> Vec<Selector> {
    let named = match ctx.cfg("dkim_selector") {
        Some(name) => Some(name),
        None if ctx.input.provider == "mailgun" => mailgun_selector(ctx, domain).await,
        None => None,
    };
    if let Some(name) = named {
        return vec![Selector {
            name: bare(&name),
            suffix: None,
            target: None,
        }];
    }
    known_selectors(ctx.input.provider)
        .iter()
        .map(|(name, target, suffix)| Selector {
            name: (*name).to_owned(),
            suffix: Some(suffix),
            target: (!target.is_empty()).then_some(*target),
        })
        .collect()
}

/// What one selector's record says: None when it is right, else what is wrong.
async fn selector_problem(
    dns: &Dns,
    name: &str,
    selector: &Selector,
) -> Result<Option<String>, Outcome> {
    if let Some(target) = dns.cname(name).await? {
        return Ok(match selector.suffix {
            Some(suffix) if !(target == suffix || target.ends_with(&format!(".{suffix}"))) => {
                Some(format!("{name} points to {target}, not to {suffix}"))
            }
            _ => None,
        });
    }
    let has_key = dns
        .txt(name)
        .await?
        .iter()
        .any(|r| r.to_ascii_lowercase().replace(' ', "").contains("p="));
    Ok((!has_key).then(|| format!("{name} has no DKIM record")))
}

pub(super) async fn dkim(ctx: &Ctx<'_>, dns: &Dns) -> Verdict {
    let domain = sending_domain(ctx)?;
    let selectors = selectors(ctx, &domain).await;
    if selectors.is_empty() {
        return Err(Outcome::not_checkable(
            format!(
                "{} picks a DKIM selector per domain, and none is set, so Switchboard does not know which record to look up.",
                ctx.label
            ),
            format!(
                "Find the selector in {}, then check that <selector>._domainkey.{domain} holds the record shown there.",
                where_selector(ctx.input.provider)
            ),
        )
        .detail("domain", domain));
    }
    let mut problems = Vec::new();
    let mut names = Vec::new();
    for selector in &selectors {
        let name = format!("{}._domainkey.{domain}", selector.name);
        if let Some(problem) = selector_problem(dns, &name, selector).await? {
            problems.push((problem, selector));
        }
        names.push(name);
    }
    let details = json!({"domain": domain, "records": names});
    if problems.is_empty() {
        return Ok(
            Outcome::ok(format!("DKIM records found: {}.", names.join(", "))).details(details),
        );
    }
    let adds: Vec<String> = problems
        .iter()
        .map(|(_, s)| {
            let at = format!("{}._domainkey.{domain}", s.name);
            match (s.target, s.suffix) {
                (Some(target), _) => format!("a CNAME record {at} → {target}"),
                (None, Some(suffix)) => format!(
                    "a CNAME record {at} → the target {} shows (it ends in {suffix})",
                    ctx.label
                ),
                (None, None) => format!("the DKIM record {at} that {} shows", ctx.label),
            }
        })
        .collect();
    let what: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
    Err(Outcome::new(
        OutcomeKind::NotFound,
        format!("DKIM is not set up: {}.", what.join("; ")),
        format!("Add {}.", adds.join(" and ")),
    )
    .details(details))
}

pub(super) async fn dmarc(ctx: &Ctx<'_>, dns: &Dns) -> Verdict {
    let domain = from_domain(ctx)?;
    let name = format!("_dmarc.{domain}");
    let records: Vec<String> = dns
        .txt(&name)
        .await?
        .into_iter()
        .filter(|r| r.to_ascii_lowercase().starts_with("v=dmarc1"))
        .collect();
    let details = json!({"record_name": name, "records": records});
    let record = match records.as_slice() {
        [] => {
            return Err(Outcome::new(
                OutcomeKind::NotFound,
                format!("{domain} has no DMARC record (a TXT record at {name} starting with v=DMARC1)."),
                format!("Add a TXT record at {name} with the value: v=DMARC1; p=none; rua=mailto:dmarc-reports@{domain} (then move to p=quarantine once SPF and DKIM pass)."),
            )
            .details(details))
        }
        [one] => one.clone(),
        _ => {
            return Err(Outcome::new(
                OutcomeKind::ProviderError,
                format!("{name} has more than one DMARC record, so receivers ignore them all."),
                "Keep one TXT record starting with v=DMARC1 and delete the others.",
            )
            .details(details))
        }
    };
    let policy = record
        .split(';')
        .filter_map(|tag| tag.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("p"))
        .map(|(_, v)| v.trim().to_ascii_lowercase());
    let details = json!({"record_name": name, "records": records, "policy": policy});
    match policy.as_deref() {
        None => Err(Outcome::new(
            OutcomeKind::ProviderError,
            format!("The DMARC record of {domain} has no policy (p=), so it is not valid."),
            format!("Change the TXT record at {name} to start with: v=DMARC1; p=none;"),
        )
        .details(details)),
        Some("none") => Ok(Outcome::ok(format!(
            "{domain} has a DMARC record with the policy none (reports only)."
        ))
        .hint("Once SPF and DKIM pass in the reports, move to p=quarantine or p=reject to protect the domain.")
        .details(details)),
        Some(p) => Ok(Outcome::ok(format!(
            "{domain} has a DMARC record with the policy {p}."
        ))
        .details(details)),
    }
}
