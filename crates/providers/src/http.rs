//! What every provider check shares: [`Ctx`] (the integration's settings and
//! secrets, endpoints, the HTTP client with its per-call timeout), [`Resp`] (a
//! provider's answer, body read up to a limit), the mapping of transport
//! generic mapping of HTTP statuses (transport failures are in
//! `transport.rs`), and `Retry-After` / rate-limit header parsing.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde_json::Value;

use crate::checker::{CheckInput, Checker};
use crate::outcome::{Outcome, OutcomeKind};
pub(crate) use crate::transport::{timeout_outcome, transport, transport_from_chain};

/// A check's result: `Err` short-circuits with `?` and is as final as `Ok`.
pub(crate) type Verdict = Result<Outcome, Outcome>;

/// Provider answers larger than this are cut (checks read small JSON documents).
const MAX_BODY: usize = 1 << 20;

/// One check's context.
pub(crate) struct Ctx<'a> {
    pub(crate) checker: &'a Checker,
    pub(crate) input: &'a CheckInput<'a>,
    /// The provider's name for messages ("SendGrid").
    pub(crate) label: &'static str,
    /// Where the person finds the credentials.
    pub(crate) docs: &'static str,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(checker: &'a Checker, input: &'a CheckInput<'a>) -> Ctx<'a> {
        let (label, docs) = switchboard_catalog::find_provider(input.provider)
            .map(|(_, p)| (p.label, p.docs))
            .unwrap_or(("the provider", ""));
        Ctx {
            checker,
            input,
            label,
            docs,
        }
    }

    /// A field's label from the catalog, for messages ("API key").
    pub(crate) fn field_label(&self, key: &str) -> String {
        switchboard_catalog::field(self.input.integration_type, self.input.provider, key)
            .map(|f| f.label.to_owned())
            .unwrap_or_else(|| key.replace('_', " "))
    }

    /// A public setting as text (strings, numbers and booleans), trimmed; None when empty.
    pub(crate) fn cfg(&self, key: &str) -> Option<String> {
        let text = match self.input.config.get(key)? {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        (!text.is_empty()).then_some(text)
    }

    /// A boolean setting (`true`/`false`, also as text).
    pub(crate) fn cfg_bool(&self, key: &str) -> Option<bool> {
        match self.input.config.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) => match s.trim() {
                "true" | "1" | "yes" | "on" => Some(true),
                "false" | "0" | "no" | "off" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A setting that may be public or secret (some forms hold ids as secrets).
    pub(crate) fn value(&self, key: &str) -> Option<String> {
        self.cfg(key)
            .or_else(|| self.secret(key).map(|s| s.trim().to_owned()))
    }

    /// A secret in plain text; None when missing or empty.
    pub(crate) fn secret(&self, key: &str) -> Option<&'a str> {
        let s = self.input.secrets.get(key)?.expose();
        (!s.trim().is_empty()).then_some(s)
    }

    /// A required secret, or an outcome saying it is missing.
    pub(crate) fn need_secret(&self, key: &str) -> Result<&'a str, Outcome> {
        self.secret(key).ok_or_else(|| self.missing_setting(key))
    }

    /// A required public setting, or an outcome saying it is missing.
    pub(crate) fn need_cfg(&self, key: &str) -> Result<String, Outcome> {
        self.value(key).ok_or_else(|| self.missing_setting(key))
    }

    fn missing_setting(&self, key: &str) -> Outcome {
        Outcome::new(
            OutcomeKind::InvalidCredentials,
            format!(
                "The {} of this {} integration is not set, so it cannot be checked.",
                self.field_label(key),
                self.label
            ),
            format!(
                "Edit the integration and enter the {}.",
                self.field_label(key)
            ),
        )
    }

    /// The base URL of an endpoint key with its `{placeholders}` filled.
    pub(crate) fn base(&self, key: &str, vars: &[(&str, &str)]) -> Result<String, Outcome> {
        self.checker.endpoints().resolve(key, vars).map_err(|why| {
            Outcome::new(
                OutcomeKind::InvalidCredentials,
                format!("The {} address cannot be built: {why}.", self.label),
                "Correct the integration's settings.",
            )
        })
    }

    /// The checker's clock.
    pub(crate) fn now(&self) -> SystemTime {
        self.checker.now()
    }

    /// Seconds since the Unix epoch by the checker's clock.
    pub(crate) fn unix_now(&self) -> u64 {
        self.now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }

    /// A request with the per-call timeout.
    pub(crate) fn request(&self, method: Method, url: &str) -> RequestBuilder {
        self.checker
            .client()
            .request(method, url)
            .timeout(self.checker.timeout())
    }

    pub(crate) fn get(&self, url: &str) -> RequestBuilder {
        self.request(Method::GET, url)
    }

    pub(crate) fn post(&self, url: &str) -> RequestBuilder {
        self.request(Method::POST, url)
    }

    /// Sends a request and reads the answer, or returns the transport outcome.
    pub(crate) async fn send(&self, request: RequestBuilder) -> Result<Resp, Outcome> {
        let (_, request) = request.build_split();
        let request = request.map_err(|e| transport(&e, self.label, self.checker.timeout()))?;
        let route = self
            .checker
            .egress()
            .check_url(request.url())
            .map_err(|r| r.outcome())?;
        let client = self.checker.client_on(route);
        send(client.execute(request), self.label, self.checker.timeout()).await
    }

    /// Sends `request`; an answer that is not a success is the generic
    /// [`Ctx::http_failure`].
    pub(crate) async fn send_ok(&self, request: RequestBuilder) -> Result<Resp, Outcome> {
        let resp = self.send(request).await?;
        if resp.success() {
            Ok(resp)
        } else {
            Err(self.http_failure(&resp))
        }
    }

    /// The base URL of the endpoint for the `region` setting: the key paired
    /// with its value in `regional`, else `default`.
    pub(crate) fn regional_base(
        &self,
        regional: &[(&str, &str)],
        default: &str,
    ) -> Result<String, Outcome> {
        let region = self.cfg("region");
        let key = regional
            .iter()
            .find(|(name, _)| region.as_deref() == Some(*name))
            .map_or(default, |(_, key)| *key);
        self.base(key, &[])
    }

    /// Fails with [`Ctx::not_found`] when the setting `key` names no item of
    /// `items` (compared with each item's `id` field).
    pub(crate) fn require_listed(
        &self,
        key: &str,
        items: &[Value],
        id: &str,
        missing: impl FnOnce(&str) -> Outcome,
    ) -> Result<(), Outcome> {
        match self.cfg(key) {
            Some(wanted)
                if !items
                    .iter()
                    .any(|i| i[id].as_str() == Some(wanted.as_str())) =>
            {
                Err(missing(&wanted))
            }
            _ => Ok(()),
        }
    }

    /// The outcome for a check that ran out of time as a whole.
    pub(crate) fn timeout_outcome(&self) -> Outcome {
        timeout_outcome(self.label, self.checker.timeout())
    }

    /// The generic outcome for an answer that is not a success: 401 invalid
    /// credentials, 403 missing permission, 404 not found, 429 rate limited,
    /// anything else a provider error. Adds what the provider said.
    pub(crate) fn http_failure(&self, resp: &Resp) -> Outcome {
        let status = resp.status;
        let said = resp.provider_message();
        let base = match status {
            401 => self.invalid(format!(
                "{} rejected the credentials (HTTP 401).",
                self.label
            )),
            403 => self.missing_permission(format!(
                "{} accepted the request's credentials but refused access (HTTP 403).",
                self.label
            )),
            404 => self.not_found(format!(
                "{} answered that what the settings name does not exist (HTTP 404).",
                self.label
            )),
            429 => self.rate_limited(resp),
            500..=599 => Outcome::provider_error(
                format!("{} had a server error (HTTP {status}).", self.label),
                format!(
                    "This is on {}'s side: try again in a few minutes.",
                    self.label
                ),
            ),
            _ => Outcome::provider_error(
                format!("{} answered unexpectedly (HTTP {status}).", self.label),
                "Check the integration's settings; if they are right, try again later.",
            ),
        };
        with_said(base, said).status(status)
    }

    /// [`Ctx::http_failure`], with `hint` as the hint when the answer's status is `status`.
    pub(crate) fn http_failure_hinting(
        &self,
        resp: &Resp,
        status: u16,
        hint: impl Into<String>,
    ) -> Outcome {
        let out = self.http_failure(resp);
        if resp.status == status {
            out.hint(hint)
        } else {
            out
        }
    }

    /// Invalid credentials, with the standard hint.
    pub(crate) fn invalid(&self, message: impl Into<String>) -> Outcome {
        Outcome::new(
            OutcomeKind::InvalidCredentials,
            message,
            self.where_to_fix(
                "Copy the credentials again (they may have been revoked or mistyped)",
            ),
        )
    }

    /// Missing permission, with the standard hint.
    pub(crate) fn missing_permission(&self, message: impl Into<String>) -> Outcome {
        Outcome::new(
            OutcomeKind::MissingPermission,
            message,
            self.where_to_fix(
                "Give the key the access this integration needs, or create one that has it",
            ),
        )
    }

    /// Not found, with the standard hint.
    pub(crate) fn not_found(&self, message: impl Into<String>) -> Outcome {
        Outcome::new(
            OutcomeKind::NotFound,
            message,
            "Check the IDs and names in the integration's settings against the provider's dashboard.",
        )
    }

    /// Rate limited, retry time from the answer's headers.
    pub(crate) fn rate_limited(&self, resp: &Resp) -> Outcome {
        let retry = resp.retry_after(self.now());
        let hint = match retry {
            Some(s) => format!("Try again in {s} s."),
            None => "Wait a minute, then try again.".into(),
        };
        Outcome::new(
            OutcomeKind::RateLimited,
            format!("{} is limiting requests right now.", self.label),
            hint,
        )
        .retry_after(retry)
        .status(resp.status)
    }

    /// A hint pointing at where the credentials live.
    pub(crate) fn where_to_fix(&self, action: &str) -> String {
        if self.docs.is_empty() {
            format!("{action}.")
        } else {
            format!("{action}: {}", self.docs)
        }
    }
}

/// Appends what the provider said to an outcome's message (scrubbed later).
/// [`with_said`] with the answer's status, and the provider's own error
/// `code` as the detail `key` when there is one.
pub(crate) fn with_code(
    outcome: Outcome,
    said: Option<String>,
    resp: &Resp,
    key: &str,
    code: Option<i64>,
) -> Outcome {
    let out = with_said(outcome, said).status(resp.status);
    match code {
        Some(code) => out.detail(key, code),
        None => out,
    }
}

pub(crate) fn with_said(mut outcome: Outcome, said: Option<String>) -> Outcome {
    if let Some(said) = said {
        outcome.message = format!("{} It said: \u{201c}{said}\u{201d}", outcome.message);
        outcome = outcome.detail("provider_message", said);
    }
    outcome
}

/// A provider's answer.
#[derive(Debug)]
pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
    /// The body as JSON, or Null.
    pub(crate) json: Value,
}

impl Resp {
    /// 2xx.
    pub(crate) fn success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// A header's value as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A string at a JSON pointer (`/error/message`).
    pub(crate) fn str_at(&self, pointer: &str) -> Option<&str> {
        self.json.pointer(pointer).and_then(Value::as_str)
    }

    /// An integer at a JSON pointer (numbers or numeric strings).
    /// The strings of the array at `pointer` (none when it is not an array).
    pub(crate) fn strings_at(&self, pointer: &str) -> Vec<String> {
        strings(self.json.pointer(pointer).unwrap_or(&Value::Null))
    }

    pub(crate) fn int_at(&self, pointer: &str) -> Option<i64> {
        match self.json.pointer(pointer)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The text of an XML element (first occurrence), for AWS and Azure.
    pub(crate) fn xml(&self, tag: &str) -> Option<&str> {
        xml_text(&self.body, tag)
    }

    /// The provider's own explanation, from the usual JSON shapes, shortened.
    pub(crate) fn provider_message(&self) -> Option<String> {
        const POINTERS: &[&str] = &[
            "/error/message",
            "/error/error_msg",
            "/error/description",
            "/error_description",
            "/errors/0/message",
            "/errors/0/detail",
            "/errors/0/description",
            "/message",
            "/detail",
            "/msg",
            "/title",
            "/Message",
            "/error",
        ];
        let from_json = POINTERS.iter().find_map(|p| self.str_at(p));
        let text = from_json.or_else(|| self.xml("Message")).or_else(|| {
            let t = self.body.trim();
            (!t.is_empty() && t.len() <= 200 && !t.starts_with(['{', '[', '<'])).then_some(t)
        })?;
        let mut text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() > 240 {
            text = text.chars().take(240).collect::<String>() + "…";
        }
        (!text.is_empty()).then_some(text)
    }

    /// Seconds until a retry is allowed: `Retry-After` (seconds or an HTTP
    /// date), else the usual rate-limit reset headers (epoch seconds,
    /// seconds, durations like `6m0s`, or RFC 3339 times).
    pub(crate) fn retry_after(&self, now: SystemTime) -> Option<u64> {
        if let Some(v) = self.header("retry-after") {
            if let Some(s) = parse_delay(v, now) {
                return Some(s);
            }
        }
        const RESETS: &[&str] = &[
            "x-ratelimit-reset",
            "x-rate-limit-reset",
            "ratelimit-reset",
            "fastly-ratelimit-reset",
            "x-ratelimit-reset-requests",
            "anthropic-ratelimit-requests-reset",
        ];
        RESETS
            .iter()
            .find_map(|h| self.header(h).and_then(|v| parse_delay(v, now)))
    }
}

/// The text of the first `<tag>…</tag>` in an XML document.
/// The strings of a JSON array (none when `value` is not an array).
pub(crate) fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn xml_text<'b>(body: &'b str, tag: &str) -> Option<&'b str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&close)? + start;
    Some(body[start..end].trim())
}

/// A delay in seconds from a header value (see [`Resp::retry_after`]).
pub(crate) fn parse_delay(value: &str, now: SystemTime) -> Option<u64> {
    let v = value.trim();
    let now_secs = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
    if let Ok(n) = v.parse::<u64>() {
        // Values this large are epoch times, not delays.
        return Some(if n > 1_000_000_000 {
            n.saturating_sub(now_secs)
        } else {
            n
        });
    }
    if let Ok(f) = v.parse::<f64>() {
        return (f.is_finite() && f >= 0.0).then(|| f.ceil() as u64);
    }
    if let Ok(at) = httpdate::parse_http_date(v) {
        return Some(at.duration_since(now).map(|d| d.as_secs()).unwrap_or(0));
    }
    if let Ok(at) = time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339) {
        let at = at.unix_timestamp();
        return Some(u64::try_from(at).unwrap_or(0).saturating_sub(now_secs));
    }
    parse_go_duration(v).map(|d| d.as_secs() + u64::from(d.subsec_nanos() > 0))
}

/// Durations like `1m30s`, `6m0s`, `20ms`, `1.5s`.
fn parse_go_duration(v: &str) -> Option<Duration> {
    let mut total = 0f64;
    let mut number = String::new();
    let mut chars = v.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let n: f64 = number.parse().ok()?;
        number.clear();
        let unit = match c {
            'h' => 3600.0,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                0.001
            }
            'm' => 60.0,
            's' => 1.0,
            _ => return None,
        };
        total += n * unit;
        any = true;
    }
    (any && number.is_empty()).then(|| Duration::from_secs_f64(total))
}

/// Sends a request and reads its answer; transport failures become outcomes.
pub(crate) async fn send(
    request: impl std::future::Future<Output = reqwest::Result<reqwest::Response>>,
    label: &str,
    timeout: Duration,
) -> Result<Resp, Outcome> {
    let mut response = request.await.map_err(|e| transport(&e, label, timeout))?;
    let status = response.status().as_u16();
    let headers = std::mem::take(response.headers_mut());
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_BODY.saturating_sub(bytes.len());
                bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if bytes.len() >= MAX_BODY {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => return Err(transport(&e, label, timeout)),
        }
    }
    let body = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_str(&body).unwrap_or(Value::Null);
    Ok(Resp {
        status,
        headers,
        body,
        json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_parse_from_the_usual_shapes() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_delay("30", now), Some(30));
        assert_eq!(parse_delay("1700000042", now), Some(42));
        assert_eq!(parse_delay("1.2", now), Some(2));
        assert_eq!(parse_delay("6m0s", now), Some(360));
        assert_eq!(parse_delay("20ms", now), Some(1));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(parse_delay(&date, now), Some(90));
        assert_eq!(parse_delay("2023-11-14T22:14:20Z", now), Some(60));
        assert_eq!(parse_delay("2023-11-14T22:00:00Z", now), Some(0));
        assert_eq!(parse_delay("soon", now), None);
    }

    #[test]
    fn xml_text_finds_elements() {
        let body = "<Error><Code>AccessDenied</Code><Message> no </Message></Error>";
        assert_eq!(xml_text(body, "Code"), Some("AccessDenied"));
        assert_eq!(xml_text(body, "Message"), Some("no"));
        assert_eq!(xml_text(body, "Nope"), None);
    }
}
