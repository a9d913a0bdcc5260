//! The activity feed: the log lines of every integration in one list,
//! newest first, filtered by level, type, website, time and text, and
//! exported as CSV. The query, the line and the CSV form live here so that
//! the store (which reads them), the desktop IPC and the UI share them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use crate::{LogLevel, WebsiteScope};

/// Lines a page of the feed.
pub const ACTIVITY_PAGE_SIZE: u32 = 100;

/// The time presets of the feed's filter: hours back, and their labels
/// (0: any time).
pub const ACTIVITY_WITHIN: [(u32, &str); 5] = [
    (0, "Any time"),
    (1, "Last hour"),
    (24, "Last 24 hours"),
    (24 * 7, "Last 7 days"),
    (24 * 30, "Last 30 days"),
];

/// What the feed shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityQuery {
    /// One level, or all.
    pub level: Option<LogLevel>,
    /// One integration type (`email`, `sms`...), or all when empty.
    pub integration_type: String,
    /// Which website's integrations.
    pub website: WebsiteScope,
    /// Only the last this many hours (0: any time).
    pub within_hours: u32,
    /// From this date or UTC time (empty: no bound); see [`time_bound`].
    pub since: String,
    /// Until this date (the whole day) or UTC time (empty: no bound).
    pub until: String,
    /// Text in the message, the details or the integration's name.
    pub search: String,
    /// The page, from 1 (0 reads as 1).
    pub page: u32,
}

impl ActivityQuery {
    /// Field errors (keyed `since`, `until`), empty when the query is fine.
    pub fn problems(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let since = bound(&mut out, "since", &self.since, false);
        let until = bound(&mut out, "until", &self.until, true);
        if let (Some(since), Some(until)) = (since, until) {
            if since > until {
                out.insert(
                    "until".into(),
                    "Until is before From: swap them or clear one.".into(),
                );
            }
        }
        out
    }

    /// The time bounds in the stored form, `(since, until)`; None for an
    /// empty or malformed one (see [`ActivityQuery::problems`]).
    pub fn bounds(&self) -> (Option<String>, Option<String>) {
        let one = |v: &str, end| {
            time_bound(v.trim(), end)
                .ok()
                .filter(|_| !v.trim().is_empty())
        };
        (one(&self.since, false), one(&self.until, true))
    }

    /// The page number, from 1.
    pub fn page(&self) -> u32 {
        self.page.max(1)
    }
}

fn bound(
    out: &mut BTreeMap<String, String>,
    key: &str,
    value: &str,
    end_of_day: bool,
) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match time_bound(value, end_of_day) {
        Ok(t) => Some(t),
        Err(message) => {
            out.insert(key.into(), message.into());
            None
        }
    }
}

/// One line of the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityLine {
    pub id: i64,
    pub integration_id: String,
    pub integration_name: String,
    pub integration_type: String,
    pub provider: String,
    /// The website's name; None for a global integration.
    pub website: Option<String>,
    pub level: LogLevel,
    pub message: String,
    /// What the check or action recorded (never a secret).
    pub details: Value,
    pub created_at: String,
}

/// One page of the feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub lines: Vec<ActivityLine>,
    /// Lines matching the query, over all pages.
    pub total: i64,
    /// This page, from 1.
    pub page: u32,
}

impl ActivityPage {
    /// How many pages the matching lines fill (at least 1).
    pub fn pages(&self) -> u32 {
        let size = i64::from(ACTIVITY_PAGE_SIZE);
        u32::try_from((self.total + size - 1) / size)
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

/// A time bound typed by a person: a date (`2026-12-04`: its midnight UTC,
/// or with `end_of_day` its last microsecond) or a UTC time in RFC 3339
/// (`2026-12-04T10:00:00Z`, fractions up to microseconds), as stored text
/// (so it compares with stored times as text). The error says what to type.
pub fn time_bound(value: &str, end_of_day: bool) -> Result<String, &'static str> {
    const BAD: &str = "Enter a date (2026-12-04) or a UTC time (2026-12-04T10:00:00Z).";
    let b = value.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let date_ok = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    if !date_ok {
        return Err(BAD);
    }
    if b.len() == 10 {
        let time = if end_of_day {
            "23:59:59.999999"
        } else {
            "00:00:00.000000"
        };
        return Ok(format!("{value}T{time}Z"));
    }
    let time_ok = b.len() >= 20
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && value.ends_with('Z');
    if !time_ok {
        return Err(BAD);
    }
    let fraction = &value[19..value.len() - 1];
    let fraction = fraction.strip_prefix('.').unwrap_or(fraction);
    if !fraction.bytes().all(|c| c.is_ascii_digit()) || fraction.len() > 6 {
        return Err(BAD);
    }
    Ok(format!("{}.{fraction:0<6}Z", &value[..19]))
}

/// The CSV header of an export.
pub const ACTIVITY_CSV_HEADER: [&str; 8] = [
    "time",
    "level",
    "integration",
    "type",
    "provider",
    "website",
    "message",
    "details",
];

/// The lines as CSV (RFC 4180, CRLF line ends, a header row). A cell a
/// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) is prefixed with `'`.
pub fn activity_csv(lines: &[ActivityLine]) -> String {
    let mut out = String::new();
    push_row(&mut out, ACTIVITY_CSV_HEADER.iter().copied());
    for l in lines {
        let details = if l.details.is_null() || l.details == Value::Object(Default::default()) {
            String::new()
        } else {
            l.details.to_string()
        };
        push_row(
            &mut out,
            [
                l.created_at.as_str(),
                l.level.as_str(),
                l.integration_name.as_str(),
                l.integration_type.as_str(),
                l.provider.as_str(),
                l.website.as_deref().unwrap_or(""),
                l.message.as_str(),
                details.as_str(),
            ],
        );
    }
    out
}

fn push_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let guarded;
        let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            guarded = format!("'{cell}");
            guarded.as_str()
        } else {
            cell
        };
        if cell.contains([',', '"', '\n', '\r']) || cell.trim() != cell {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn time_bounds_are_dates_or_utc_times_in_the_stored_form() {
        assert_eq!(
            time_bound("2026-12-04", false).unwrap(),
            "2026-12-04T00:00:00.000000Z"
        );
        assert_eq!(
            time_bound("2026-12-04", true).unwrap(),
            "2026-12-04T23:59:59.999999Z"
        );
        assert_eq!(
            time_bound("2026-12-04T10:11:12Z", true).unwrap(),
            "2026-12-04T10:11:12.000000Z"
        );
        assert_eq!(
            time_bound("2026-12-04T10:11:12.5Z", false).unwrap(),
            "2026-12-04T10:11:12.500000Z"
        );
        for bad in [
            "yesterday",
            "2026-12-4",
            "2026-12-04T10:11:12+01:00",
            "2026-12-04T10:11:12.1234567Z",
        ] {
            assert!(time_bound(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_query_names_each_bad_bound_and_a_reversed_range() {
        let q = ActivityQuery {
            since: "last week".into(),
            until: "2026-12-01".into(),
            ..Default::default()
        };
        let p = q.problems();
        assert!(p["since"].contains("Enter a date"), "{p:?}");
        assert!(!p.contains_key("until"));
        let q = ActivityQuery {
            since: "2026-12-02".into(),
            until: "2026-12-01".into(),
            ..Default::default()
        };
        assert!(q.problems()["until"].contains("before From"));
        let q = ActivityQuery {
            since: "2026-12-01".into(),
            until: " 2026-12-01 ".into(),
            ..Default::default()
        };
        assert!(q.problems().is_empty());
        assert_eq!(
            q.bounds(),
            (
                Some("2026-12-01T00:00:00.000000Z".into()),
                Some("2026-12-01T23:59:59.999999Z".into())
            )
        );
        assert_eq!(ActivityQuery::default().bounds(), (None, None));
        assert_eq!(ActivityQuery::default().page(), 1);
    }

    #[test]
    fn pages_round_up_and_are_at_least_one() {
        let page = |total| ActivityPage {
            total,
            ..Default::default()
        };
        assert_eq!(page(0).pages(), 1);
        assert_eq!(page(100).pages(), 1);
        assert_eq!(page(101).pages(), 2);
    }

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas() {
        let line = ActivityLine {
            id: 1,
            integration_id: "u1".into(),
            integration_name: "News, \"main\"".into(),
            integration_type: "email".into(),
            provider: "sendgrid".into(),
            website: None,
            level: LogLevel::Error,
            message: "=HYPERLINK(\"x\")\nsecond line".into(),
            details: json!({"status": 401}),
            created_at: "2026-12-04T10:11:12.000000Z".into(),
        };
        let csv = activity_csv(&[line]);
        let mut rows = csv.split("\r\n");
        assert_eq!(
            rows.next().unwrap(),
            "time,level,integration,type,provider,website,message,details"
        );
        assert_eq!(
            rows.next().unwrap(),
            "2026-12-04T10:11:12.000000Z,error,\"News, \"\"main\"\"\",email,sendgrid,,\"'=HYPERLINK(\"\"x\"\")\nsecond line\",\"{\"\"status\"\":401}\""
        );
        assert_eq!(rows.next(), Some(""));
        assert_eq!(rows.next(), None);
    }
}
