//! Checks for addresses: email addresses, E.164 phone numbers, web addresses,
//! host names, subdomains and bucket names.

use super::{accept_if, only_name, or_list};

const PHONE_EXAMPLE: &str = "Use international format with country code, e.g. +14155550123.";

pub(super) fn is_ipv4(h: &str) -> bool {
    let parts: Vec<&str> = h.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            (1..=3).contains(&p.len())
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u8>().is_ok()
        })
}

/// Letters (any script), digits and inner hyphens in each dot-separated label.
pub(super) fn is_hostname(h: &str) -> bool {
    let h = h.strip_suffix('.').unwrap_or(h);
    if h.is_empty() || h.len() > 253 {
        return false;
    }
    let labels_ok = h.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    });
    // All-numeric names are IP addresses and must be well formed.
    let numeric = h.split('.').all(|l| l.bytes().all(|b| b.is_ascii_digit()));
    labels_ok && (!numeric || is_ipv4(h))
}

/// A host people can reach from elsewhere: has a dot, or is an IP, or localhost.
fn is_full_host(h: &str) -> bool {
    is_hostname(h) && (h.contains('.') || h == "localhost")
}

pub(super) fn email(label: &str, s: &str) -> Result<String, String> {
    if s.chars().any(char::is_whitespace) {
        return Err(format!(
            "{label} must not contain spaces: enter one address like name@example.com."
        ));
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return Err(format!(
            "{label} is missing the @: enter a full address like name@example.com."
        ));
    };
    if local.contains('@') {
        return Err(format!(
            "{label} must be a single address with one @, like name@example.com."
        ));
    }
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    if !local_ok {
        return Err(format!(
            "{label} is not a valid email address: check the part before the @ (one address, like name@example.com)."
        ));
    }
    let tld_ok = domain
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    if !(is_hostname(domain) && domain.contains('.') && tld_ok) {
        return Err(format!(
            "{label} needs a full domain after the @, like name@example.com."
        ));
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

pub(super) fn e164(label: &str, s: &str) -> Result<String, String> {
    let compact: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '\u{a0}'))
        .collect();
    let Some(digits) = compact.strip_prefix('+') else {
        if compact.starts_with("00") {
            return Err(format!(
                "{label}: replace the leading 00 with +. {PHONE_EXAMPLE}"
            ));
        }
        return Err(format!(
            "{label} must start with + and the country code. {PHONE_EXAMPLE}"
        ));
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{label} can contain only digits after the +. {PHONE_EXAMPLE}"
        ));
    }
    if !(8..=15).contains(&digits.len()) {
        return Err(format!(
            "{label} has {} digits, but a number in international format has 8 to 15 digits after the +. {PHONE_EXAMPLE}",
            digits.len()
        ));
    }
    if digits.starts_with('0') {
        return Err(format!(
            "{label}: country codes never start with 0. {PHONE_EXAMPLE}"
        ));
    }
    Ok(format!("+{digits}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scheme {
    Any,
    Https,
}

/// Splits "host:port" (or "[v6]:port") and checks both parts.
fn host_and_port(label: &str, authority: &str) -> Result<String, String> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return Err(format!("{label} has an unclosed [ in its address."));
        };
        let ok = !v6.is_empty()
            && v6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        if !ok {
            return Err(format!("{label} has an invalid IPv6 address."));
        }
        (format!("[{v6}]"), after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (authority.to_owned(), None),
        }
    };
    if let Some(port) = port {
        let ok =
            port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|p| p > 0);
        if !ok {
            return Err(format!(
                "{label} has an invalid port after the ':' (it must be a number from 1 to 65535)."
            ));
        }
    }
    if host.is_empty() {
        return Err(format!(
            "{label} is missing the site name after https://, e.g. https://example.com/path."
        ));
    }
    if !host.starts_with('[') && !is_full_host(&host.to_lowercase()) {
        return Err(format!(
            "{label} needs a full site name such as example.com after https://."
        ));
    }
    Ok(host.to_lowercase())
}

pub(super) fn url(label: &str, s: &str, scheme: Scheme, hosts: &[&str]) -> Result<String, String> {
    if s.chars().any(char::is_whitespace) {
        return Err(format!(
            "{label} must not contain spaces; copy the web address again."
        ));
    }
    let Some((given_scheme, rest)) = s.split_once("://") else {
        return Err(match scheme {
            Scheme::Any => format!(
                "{label} must be a full web address starting with https:// (or http://), e.g. https://example.com/signup."
            ),
            Scheme::Https => format!(
                "{label} must be a full web address starting with https://."
            ),
        });
    };
    let given_scheme = given_scheme.to_ascii_lowercase();
    if given_scheme != "http" && given_scheme != "https" {
        return Err(format!(
            "{label} must start with https:// (or http://), not {given_scheme}://."
        ));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.contains('@') {
        return Err(format!(
            "{label} must not contain a user name or password: remove the part before the @."
        ));
    }
    let host = host_and_port(label, authority)?;
    let local = matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]");
    if scheme == Scheme::Https && given_scheme == "http" && !local {
        return Err(format!(
            "{label} must use https:// (plain http is only allowed for localhost while testing)."
        ));
    }
    if !hosts.is_empty()
        && !hosts
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")))
    {
        return Err(format!(
            "{label} must be an address on {}; copy it again from there.",
            or_list(hosts)
        ));
    }
    Ok(format!("{given_scheme}://{rest}"))
}

pub(super) fn hostname_field(label: &str, s: &str) -> Result<String, String> {
    let only = "the server name, such as smtp.example.com, without https://, a port or a path.";
    only_name(label, s, &["://", "/", ":"], only)?;
    let host = s.to_lowercase();
    accept_if(is_full_host(&host), host, || {
        format!("{label} must be a server name such as smtp.example.com.")
    })
}

pub(super) fn subdomain(label: &str, s: &str) -> Result<String, String> {
    let only = "the subdomain, e.g. acme for https://acme.zendesk.com.";
    only_name(label, s, &["://", ".", "/"], only)?;
    let sub = s.to_ascii_lowercase();
    let ok = !sub.is_empty()
        && sub.len() <= 63
        && !sub.starts_with('-')
        && !sub.ends_with('-')
        && sub
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    accept_if(ok, sub, || {
        format!(
            "{label} can contain only letters, digits and hyphens: enter only the subdomain, e.g. acme for https://acme.zendesk.com."
        )
    })
}

pub(super) fn bucket_name(label: &str, s: &str) -> Result<String, String> {
    let only = "the bucket name (such as brand-assets), not its web address or a folder path.";
    only_name(label, s, &["://", "/"], only)?;
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let ok = (3..=63).contains(&s.len())
        && edge_ok(s.chars().next())
        && edge_ok(s.chars().last())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    accept_if(ok, s, || {
        format!(
            "{label} must be 3 to 63 lowercase letters, digits, hyphens or dots, starting and ending with a letter or digit."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            email("From", "News@Example.COM").unwrap(),
            "News@example.com"
        );
        assert!(email("From", "first.last+tag@mail.example.co.uk").is_ok());
        assert!(email("From", "noreply@example")
            .unwrap_err()
            .contains("full domain"));
        assert!(email("From", "example.com")
            .unwrap_err()
            .contains("missing the @"));
        assert!(email("From", "a@b@example.com")
            .unwrap_err()
            .contains("one @"));
        assert!(email("From", "a b@example.com")
            .unwrap_err()
            .contains("spaces"));
        assert!(email("From", ".a@example.com").is_err());
        assert!(email("From", "a..b@example.com").is_err());
        assert!(email("From", "a@-example.com").is_err());
        assert!(email("From", "a@example.c0m").is_err());
        assert!(email("From", "@example.com").is_err());
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(e164("From", "+14155550123").unwrap(), "+14155550123");
        assert_eq!(e164("From", "+1 (415) 555-0123").unwrap(), "+14155550123");
        assert_eq!(e164("From", "+1234567890").unwrap(), "+1234567890");
        let err = e164("From", "4155550123").unwrap_err();
        assert!(
            err.contains("Use international format with country code, e.g. +14155550123"),
            "{err}"
        );
        assert!(e164("From", "0044 20 7946 0018")
            .unwrap_err()
            .contains("00 with +"));
        assert!(e164("From", "+0123456789")
            .unwrap_err()
            .contains("never start with 0"));
        assert!(e164("From", "+1234567").unwrap_err().contains("8 to 15"));
        assert!(e164("From", "+1234567890123456")
            .unwrap_err()
            .contains("16 digits"));
        assert!(e164("From", "+1415555O123")
            .unwrap_err()
            .contains("only digits"));
    }

    #[test]
    fn urls() {
        let any = |s| url("Page URL", s, Scheme::Any, &[]);
        let https = |s| url("Webhook URL", s, Scheme::Https, &[]);
        assert!(any("http://example.com").is_ok());
        assert_eq!(
            any("HTTPS://example.com/a?b=c").unwrap(),
            "https://example.com/a?b=c"
        );
        assert!(any("https://example.com:8443/x").is_ok());
        assert!(any("example.com/signup")
            .unwrap_err()
            .contains("starting with https://"));
        assert!(any("ftp://example.com").unwrap_err().contains("not ftp://"));
        assert!(any("https://")
            .unwrap_err()
            .contains("missing the site name"));
        assert!(any("https://example")
            .unwrap_err()
            .contains("full site name"));
        assert!(any("https://user:pw@example.com")
            .unwrap_err()
            .contains("user name"));
        assert!(any("https://example.com:99999")
            .unwrap_err()
            .contains("port"));
        assert!(any("https://exa mple.com").unwrap_err().contains("spaces"));
        assert!(https("https://hooks.example.com/in").is_ok());
        assert!(https("http://localhost:8080/hook").is_ok());
        assert!(https("http://127.0.0.1/hook").is_ok());
        assert!(https("http://[::1]:3000/hook").is_ok());
        let err = https("http://example.com/hook").unwrap_err();
        assert!(err.contains("must use https://"), "{err}");
    }

    #[test]
    fn urls_on_fixed_hosts() {
        let zap = |s| url("Webhook URL", s, Scheme::Https, &["hooks.zapier.com"]);
        assert!(zap("https://hooks.zapier.com/hooks/catch/123/abc/").is_ok());
        let err = zap("https://example.com/hooks/catch/123/abc/").unwrap_err();
        assert!(err.contains("hooks.zapier.com"), "{err}");
        assert!(zap("https://hooks.zapier.com.evil.io/x").is_err());
        assert!(zap("http://hooks.zapier.com/x").is_err());
    }

    #[test]
    fn hosts_subdomains_buckets() {
        assert_eq!(
            hostname_field("Host", "SMTP.example.com").unwrap(),
            "smtp.example.com"
        );
        assert!(hostname_field("Host", "smtp://smtp.example.com").is_err());
        assert!(hostname_field("Host", "smtp.example.com:587").is_err());
        assert!(hostname_field("Host", "10.0.0.5").is_ok());
        assert!(hostname_field("Host", "999.0.0.5").is_err());
        assert_eq!(subdomain("Subdomain", "Acme").unwrap(), "acme");
        for bad in ["acme.zendesk.com", "https://acme.zendesk.com", "ac me"] {
            let err = subdomain("Subdomain", bad).unwrap_err();
            assert!(err.contains("enter only the subdomain"), "{err}");
        }
        assert!(bucket_name("Bucket", "brand-assets").is_ok());
        assert!(bucket_name("Bucket", "s3://brand-assets").is_err());
        assert!(bucket_name("Bucket", "ab").is_err());
        assert!(bucket_name("Bucket", "-brand").is_err());
    }
}
