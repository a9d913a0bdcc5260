//! Checks for keys, tokens, ids and codes: shapes that providers fix, such as
//! Twilio SIDs, Mailchimp keys, AWS access keys, UUIDs and PEM keys.

use super::{accept_if, only_name, or_list};

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// One piece of text with no spaces, no quotes around it and no auth scheme in front.
pub(super) fn token<'a>(label: &str, s: &'a str) -> Result<&'a str, String> {
    let lower = s.to_ascii_lowercase();
    if ["bearer ", "basic ", "token "]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
    {
        return Err(format!(
            "{label} should be the key itself: leave out the word in front of it (such as \"Bearer\")."
        ));
    }
    if s.len() >= 2 && (s.starts_with('"') || s.starts_with('\'')) && s.ends_with(&s[..1]) {
        return Err(format!(
            "{label} should not be wrapped in quotation marks; remove them."
        ));
    }
    if s.chars().any(char::is_whitespace) {
        return Err(format!(
            "{label} contains spaces or line breaks. Copy it again in one piece."
        ));
    }
    Ok(s)
}

pub(super) fn digits(label: &str, s: &str) -> Result<String, String> {
    accept_if(s.bytes().all(|b| b.is_ascii_digit()), s, || {
        format!(
            "{label} must contain only digits. Copy the numeric ID itself, not a name or a link."
        )
    })
}

pub(super) fn identifier(label: &str, s: &str) -> Result<String, String> {
    let ok = s
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    accept_if(ok, s, || {
        format!("{label} can contain only letters, digits, '-', '_', '.' and ':' (no spaces).")
    })
}

pub(super) fn prefix(label: &str, s: &str, prefixes: &[&str]) -> Result<String, String> {
    let s = token(label, s)?;
    match prefixes.iter().find(|p| s.starts_with(**p)) {
        Some(p) if s.len() > p.len() => Ok(s.to_owned()),
        Some(_) => Err(format!(
            "{label} looks cut off: there is nothing after its prefix. Copy the whole value again."
        )),
        None => Err(format!(
            "{label} does not look right: it should start with {}. Check that you copied the right value, and all of it.",
            or_list(prefixes)
        )),
    }
}

pub(super) fn suffix(label: &str, s: &str, suffixes: &[&str]) -> Result<String, String> {
    let s = token(label, s)?;
    match suffixes.iter().find(|x| s.ends_with(**x)) {
        Some(x) if s.len() > x.len() => Ok(s.to_owned()),
        _ => Err(format!(
            "{label} does not look right: it should end with {}. Copy the whole value again.",
            or_list(suffixes)
        )),
    }
}

/// Twilio SIDs: a two-letter prefix and 32 hex digits.
pub(super) fn twilio_sid(label: &str, s: &str, prefix: &str) -> Result<String, String> {
    let s = token(label, s)?;
    let (kind, other, other_kind) = if prefix == "AC" {
        ("Account SID", "SK", "an API key SID")
    } else {
        ("API key SID", "AC", "the Account SID")
    };
    if s.len() == 34 && s.starts_with(prefix) && is_hex(&s[2..]) {
        return Ok(s.to_owned());
    }
    if s.starts_with(other) {
        return Err(format!(
            "{label} looks like {other_kind} (it starts with {other}); enter the {kind}, which starts with {prefix}."
        ));
    }
    Err(format!(
        "{label} should start with {prefix} followed by 32 letters and digits (34 characters in all). Copy the {kind} from the Twilio Console."
    ))
}

pub(super) fn mailchimp_key(label: &str, s: &str) -> Result<String, String> {
    let s = token(label, s)?;
    let help = "Copy the whole key from Mailchimp → Profile → Extras → API keys.";
    let Some((key, dc)) = s.rsplit_once('-') else {
        return Err(format!(
            "{label} is missing its data-center ending (like -us21). {help}"
        ));
    };
    let dc_ok = dc.len() > 2 && dc.starts_with("us") && dc[2..].bytes().all(|b| b.is_ascii_digit());
    accept_if(key.len() == 32 && is_hex(key) && dc_ok, s, || {
        format!(
            "{label} should be 32 letters and digits, a dash, then your data center (e.g. …-us21). {help}"
        )
    })
}

pub(super) fn aws_access_key_id(label: &str, s: &str) -> Result<String, String> {
    let s = token(label, s)?;
    let body_ok = s.len() == 20
        && s.as_bytes()[4..]
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if (s.starts_with("AKIA") || s.starts_with("ASIA")) && body_ok {
        return Ok(s.to_owned());
    }
    if s.len() == 40 {
        return Err(format!(
            "{label} looks like a secret access key; enter the access key ID here (20 characters starting with AKIA)."
        ));
    }
    Err(format!(
        "{label} should be 20 capital letters and digits starting with AKIA (or ASIA for temporary keys), like AKIAIOSFODNN7EXAMPLE."
    ))
}

pub(super) fn aws_secret_access_key(label: &str, s: &str) -> Result<String, String> {
    let s = token(label, s)?;
    if s.starts_with("AKIA") && s.len() == 20 {
        return Err(format!(
            "{label} looks like the access key ID; enter the secret access key that was shown with it."
        ));
    }
    let ok = s.len() == 40
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+');
    accept_if(ok, s, || {
        format!(
            "{label} should be 40 characters long. AWS shows it only once, when the access key is created: copy it again or create a new key."
        )
    })
}

pub(super) fn hex(label: &str, s: &str, len: usize) -> Result<String, String> {
    let s = token(label, s)?;
    accept_if(s.len() == len && is_hex(s), s, || {
        format!(
            "{label} should be {len} characters long, using only 0-9 and a-f. Check that you copied all of it."
        )
    })
}

pub(super) fn base64(label: &str, s: &str) -> Result<String, String> {
    let s = token(label, s)?;
    let body = s.trim_end_matches('=');
    let padding = s.len() - body.len();
    let ok = s.len() % 4 == 0
        && padding <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    accept_if(ok, s, || {
        format!(
            "{label} is not a valid base64 key (letters, digits, '+', '/' and '=' at the end). Copy it again in one piece."
        )
    })
}

pub(super) fn uuid(label: &str, s: &str) -> Result<String, String> {
    let s = token(label, s)?;
    let s = s
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(s);
    let groups: Vec<&str> = s.split('-').collect();
    let ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && is_hex(g));
    accept_if(ok, s, || {
        format!(
            "{label} should look like 1a2b3c4d-1234-5678-9abc-1234567890ab (32 letters and digits in five groups)."
        )
    })
}

pub(super) fn azure_account_name(label: &str, s: &str) -> Result<String, String> {
    let only = "the storage account name, the part before .blob.core.windows.net.";
    only_name(label, s, &[".", "/"], only)?;
    let s = s.to_ascii_lowercase();
    let ok = (3..=24).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    accept_if(ok, s, || {
        format!(
            "{label} should be 3 to 24 lowercase letters and digits, as shown in Azure portal → Storage accounts."
        )
    })
}

pub(super) fn currency(label: &str, s: &str) -> Result<String, String> {
    accept_if(
        s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic()),
        s.to_ascii_lowercase(),
        || format!("{label} must be a three-letter currency code such as usd, eur or gbp."),
    )
}

pub(super) fn pem_private_key(label: &str, s: &str) -> Result<String, String> {
    let mut key = s.replace("\r\n", "\n");
    // Keys copied out of JSON arrive with literal "\n" instead of line breaks.
    if !key.contains('\n') && key.contains("\\n") {
        key = key.replace("\\n", "\n");
    }
    let key = key.trim().to_owned();
    if key.contains("PUBLIC KEY-----") {
        return Err(format!(
            "{label} is a public key; paste the private key (it starts with -----BEGIN RSA PRIVATE KEY-----)."
        ));
    }
    let first = key.lines().next().unwrap_or("");
    let last = key.lines().last().unwrap_or("");
    let ok = first.starts_with("-----BEGIN ")
        && first.ends_with("PRIVATE KEY-----")
        && last.starts_with("-----END ")
        && last.ends_with("PRIVATE KEY-----")
        && key.lines().count() >= 3;
    accept_if(ok, key, || {
        format!(
            "{label} must be the whole private key, from the -----BEGIN RSA PRIVATE KEY----- line to the -----END RSA PRIVATE KEY----- line."
        )
    })
}

pub(super) fn path(label: &str, s: &str) -> Result<String, String> {
    let ok = s.starts_with('/') && !s.chars().any(char::is_whitespace) && !s.contains("://");
    accept_if(ok, s, || {
        format!("{label} must be a path starting with /, such as /health (not a full web address).")
    })
}

pub(super) fn header_name(label: &str, s: &str) -> Result<String, String> {
    let ok = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    accept_if(ok, s, || {
        format!(
            "{label} must be an HTTP header name such as Authorization or X-API-Key (letters, digits and hyphens, no colon)."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SID: &str = "AC0123456789abcdef0123456789abcdef";

    #[test]
    fn tokens_reject_spaces_quotes_and_schemes() {
        assert!(token("Key", "abc123").is_ok());
        assert!(token("Key", "abc 123").unwrap_err().contains("spaces"));
        assert!(token("Key", "Bearer abc").unwrap_err().contains("Bearer"));
        assert!(token("Key", "\"abc\"").unwrap_err().contains("quotation"));
    }

    #[test]
    fn prefixes_name_the_expected_starts_without_the_value() {
        let p = &["sk_live_", "sk_test_", "rk_live_", "rk_test_"];
        assert!(prefix("Secret key", "sk_test_51Habc", p).is_ok());
        let err = prefix("Secret key", "pk_test_51Habc", p).unwrap_err();
        assert!(
            err.contains("should start with sk_live_, sk_test_, rk_live_ or rk_test_"),
            "{err}"
        );
        assert!(!err.contains("51Habc"));
        assert!(prefix("Secret key", "sk_test_", p)
            .unwrap_err()
            .contains("cut off"));
    }

    #[test]
    fn twilio_sids() {
        assert_eq!(twilio_sid("Account SID", SID, "AC").unwrap(), SID);
        let sk = SID.replacen("AC", "SK", 1);
        assert!(twilio_sid("API key SID", &sk, "SK").is_ok());
        let err = twilio_sid("Account SID", &sk, "AC").unwrap_err();
        assert!(err.contains("starts with AC"), "{err}");
        let err = twilio_sid("Account SID", "ACxxxxx", "AC").unwrap_err();
        assert!(err.contains("AC followed by 32"), "{err}");
        assert!(twilio_sid("Account SID", &SID.replace('a', "g"), "AC").is_err());
    }

    #[test]
    fn mailchimp_keys() {
        let good = "0123456789abcdef0123456789abcdef-us21";
        assert!(mailchimp_key("API key", good).is_ok());
        let err = mailchimp_key("API key", "0123456789abcdef0123456789abcdef").unwrap_err();
        assert!(err.contains("data-center"), "{err}");
        assert!(mailchimp_key("API key", "0123456789abcdef0123456789abcdef-eu1").is_err());
        assert!(mailchimp_key("API key", "0123-us21").is_err());
    }

    #[test]
    fn aws_keys() {
        assert!(aws_access_key_id("Access key ID", "AKIAIOSFODNN7EXAMPLE").is_ok());
        assert!(aws_access_key_id("Access key ID", "ASIAIOSFODNN7EXAMPLE").is_ok());
        assert!(aws_access_key_id("Access key ID", "AKIAiosfodnn7example").is_err());
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assert!(aws_secret_access_key("Secret", secret).is_ok());
        let err = aws_access_key_id("Access key ID", secret).unwrap_err();
        assert!(err.contains("secret access key") && !err.contains(secret));
        assert!(aws_secret_access_key("Secret", "short").is_err());
    }

    #[test]
    fn hex_base64_uuid() {
        assert!(hex("Token", "0123456789abcdef0123456789ABCDEF", 32).is_ok());
        assert!(hex("Token", "0123", 32)
            .unwrap_err()
            .contains("32 characters"));
        assert!(base64("Key", "c2VjcmV0a2V5MTIzNA==").is_ok());
        assert!(base64("Key", "c2VjcmV0a2V5MTIzNA=").is_err());
        assert!(base64("Key", "not*base64").is_err());
        let id = "1a2b3c4d-1234-5678-9abc-1234567890ab";
        assert_eq!(uuid("Id", id).unwrap(), id);
        assert_eq!(uuid("Id", &format!("{{{id}}}")).unwrap(), id);
        assert!(uuid("Id", "1a2b3c4d12345678").is_err());
    }

    #[test]
    fn codes_and_names() {
        assert_eq!(currency("Currency", "USD").unwrap(), "usd");
        assert!(currency("Currency", "dollars").is_err());
        assert_eq!(
            azure_account_name("Account", "BrandAssets").unwrap(),
            "brandassets"
        );
        let err = azure_account_name("Account", "brand.blob.core.windows.net").unwrap_err();
        assert!(err.contains("only the storage account name"));
        assert!(digits("Page ID", "1234567890").is_ok());
        assert!(digits("Page ID", "facebook.com/mypage").is_err());
        assert!(identifier("Tag", "newsletter-2024").is_ok());
        assert!(identifier("Tag", "news letter").is_err());
        assert!(path("Health path", "/health").is_ok());
        assert!(path("Health path", "https://x.io/health").is_err());
        assert!(header_name("Header", "X-API-Key").is_ok());
        assert!(header_name("Header", "Authorization:").is_err());
    }

    #[test]
    fn pem_keys() {
        let key =
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
        assert_eq!(pem_private_key("Key", key).unwrap(), key);
        let escaped = key.replace('\n', "\\n");
        assert_eq!(pem_private_key("Key", &escaped).unwrap(), key);
        let public = key.replace("RSA PRIVATE", "PUBLIC");
        assert!(pem_private_key("Key", &public)
            .unwrap_err()
            .contains("public key"));
        assert!(pem_private_key("Key", "MIIEpAIBAAKCAQEA").is_err());
    }
}
