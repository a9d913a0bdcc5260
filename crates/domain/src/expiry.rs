//! Expiry and rotation: the one home of the rule that says an integration
//! needs attention (a provider-stated expiry that is near or past, or a
//! secret older than its rotation period), the thresholds notices are shown
//! at, and the date arithmetic it needs (plain integers, so it builds for
//! wasm32 too). The store, the app, the UI, the CLI and the server all ask
//! [`attention`]; none of them repeats the rule.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::{civil_from_days, days_from_civil};

/// Days before a stated expiry at which a notice is shown, largest first:
/// an integration needs attention from the first one on.
pub const THRESHOLD_DAYS: [i64; 3] = [30, 7, 1];

/// The rotation period when none is set: a secret older than this many days
/// needs attention.
pub const DEFAULT_ROTATION_DAYS: u32 = 90;

/// The longest rotation period the settings accept (ten years).
pub const MAX_ROTATION_DAYS: u32 = 3650;

const DAY: i64 = 86_400;

/// Why an integration needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "days", rename_all = "snake_case")]
pub enum Attention {
    /// The provider-stated expiry has passed.
    Expired,
    /// The provider-stated expiry is this many whole days away (0: within
    /// a day), at most the first threshold.
    ExpiresIn(i64),
    /// The oldest secret was set this many days ago, at least the rotation
    /// period.
    Old(i64),
}

impl Attention {
    /// The badge's words: "expired", "expires in 5 days", "secret 120 days old".
    pub fn label(self) -> String {
        match self {
            Attention::Expired => "expired".into(),
            Attention::ExpiresIn(0) => "expires today".into(),
            Attention::ExpiresIn(1) => "expires in 1 day".into(),
            Attention::ExpiresIn(d) => format!("expires in {d} days"),
            Attention::Old(d) => format!("secret {d} days old"),
        }
    }

    /// The name of the kind (`expired`, `expires_in`, `old`), for a CSS
    /// data attribute or a JSON field.
    pub fn kind(self) -> &'static str {
        match self {
            Attention::Expired => "expired",
            Attention::ExpiresIn(_) => "expires_in",
            Attention::Old(_) => "old",
        }
    }

    /// The stage this attention is at: what a notice announces once.
    pub fn stage(self) -> Stage {
        match self {
            Attention::Expired => Stage::Expired,
            Attention::ExpiresIn(d) if d <= THRESHOLD_DAYS[2] => Stage::Within1,
            Attention::ExpiresIn(d) if d <= THRESHOLD_DAYS[1] => Stage::Within7,
            Attention::ExpiresIn(_) => Stage::Within30,
            Attention::Old(_) => Stage::Old,
        }
    }
}

/// How far an integration has gone towards expiry, in the order notices
/// escalate: a notice is shown when the stage rises above the one last
/// announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The secret is older than its rotation period.
    Old,
    /// Expires within 30 days.
    Within30,
    /// Expires within 7 days.
    Within7,
    /// Expires within a day.
    Within1,
    /// Expired.
    Expired,
}

impl Stage {
    /// Every stage, lowest first.
    pub const ALL: [Stage; 5] = [
        Stage::Old,
        Stage::Within30,
        Stage::Within7,
        Stage::Within1,
        Stage::Expired,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Old => "old",
            Stage::Within30 => "within_30",
            Stage::Within7 => "within_7",
            Stage::Within1 => "within_1",
            Stage::Expired => "expired",
        }
    }

    /// The stage a stored name stands for.
    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Whether moving from `announced` to `now` is a crossing to announce
    /// (a higher stage than any announced since the last renewal).
    pub fn crossed(announced: Option<Stage>, now: Option<Stage>) -> bool {
        match (announced, now) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(a), Some(n)) => n > a,
        }
    }
}

/// The rotation periods: one for every type, and overrides per type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rotation {
    /// Days a secret may age before it needs attention.
    pub default_days: u32,
    /// Integration type -> days, overriding the default.
    pub per_type: BTreeMap<String, u32>,
}

impl Default for Rotation {
    fn default() -> Self {
        Rotation {
            default_days: DEFAULT_ROTATION_DAYS,
            per_type: BTreeMap::new(),
        }
    }
}

impl Rotation {
    /// The period for one integration type.
    pub fn days_for(&self, integration_type: &str) -> u32 {
        self.per_type
            .get(integration_type)
            .copied()
            .unwrap_or(self.default_days)
    }

    /// Problems with the periods, keyed like the settings form
    /// (`rotation_days`, `rotation.<type>`).
    pub fn problems(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let bad = |days: u32| days == 0 || days > MAX_ROTATION_DAYS;
        let message = format!(
            "Give a number of days between 1 and {MAX_ROTATION_DAYS} (the default is {DEFAULT_ROTATION_DAYS})."
        );
        if bad(self.default_days) {
            out.insert("rotation_days".to_owned(), message.clone());
        }
        for (ty, days) in &self.per_type {
            if bad(*days) {
                out.insert(format!("rotation.{ty}"), message.clone());
            }
        }
        out
    }
}

/// An expiry a provider stated in a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatedExpiry {
    /// When the credential expires (as stored), or None: the provider says
    /// it never expires.
    pub at: Option<String>,
    /// What stated it, for the user ("Meta debug_token").
    pub source: String,
}

impl StatedExpiry {
    /// An expiry at a time written any way [`parse_timestamp`] reads; an
    /// unreadable time states nothing.
    pub fn at(time: &str, source: &str) -> Option<StatedExpiry> {
        Some(StatedExpiry {
            at: Some(normalize_timestamp(time)?),
            source: source.to_owned(),
        })
    }

    /// An expiry at a Unix time; 0 or less means "never" (Meta's way).
    pub fn at_unix(secs: i64, source: &str) -> StatedExpiry {
        StatedExpiry {
            at: (secs > 0).then(|| format_unix(secs)),
            source: source.to_owned(),
        }
    }

    /// The provider says the credential does not expire.
    pub fn never(source: &str) -> StatedExpiry {
        StatedExpiry {
            at: None,
            source: source.to_owned(),
        }
    }
}

/// What an integration record carries of expiry and rotation, flattened
/// into the records of the store, the sync protocol and the desktop IPC
/// (`secret_set_at`, `expires_at`, `expires_source` on the wire). Dates
/// only: never a secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiryDates {
    /// Secret key -> when its value was last set (RFC 3339).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secret_set_at: BTreeMap<String, String>,
    /// The expiry a provider stated in the last check that reported one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// What stated `expires_at` ("Meta debug_token").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_source: Option<String>,
}

impl ExpiryDates {
    /// Whether the record needs attention at `now` with this rotation period.
    pub fn attention(&self, rotation_days: u32, now: i64) -> Option<Attention> {
        attention(
            Dates {
                secret_set_at: &self.secret_set_at,
                expires_at: self.expires_at.as_deref(),
            },
            rotation_days,
            now,
        )
    }
}

/// The dates the rule reads for one integration.
#[derive(Debug, Clone, Copy)]
pub struct Dates<'a> {
    /// Secret key -> when it was last set (RFC 3339).
    pub secret_set_at: &'a BTreeMap<String, String>,
    /// The provider-stated expiry (RFC 3339), if a check recorded one.
    pub expires_at: Option<&'a str>,
}

/// Whether an integration needs attention at `now` (Unix seconds) with a
/// rotation period of `rotation_days`: an expiry past or within the first
/// threshold wins over age; otherwise the oldest secret's age counts when it
/// reaches the period. Unreadable dates are ignored.
pub fn attention(dates: Dates<'_>, rotation_days: u32, now: i64) -> Option<Attention> {
    if let Some(exp) = dates.expires_at.and_then(parse_timestamp) {
        if exp <= now {
            return Some(Attention::Expired);
        }
        let left = exp - now;
        if left <= THRESHOLD_DAYS[0] * DAY {
            return Some(Attention::ExpiresIn(left / DAY));
        }
    }
    let oldest = dates
        .secret_set_at
        .values()
        .filter_map(|d| parse_timestamp(d))
        .min()?;
    let age = (now - oldest).max(0) / DAY;
    (age >= i64::from(rotation_days)).then_some(Attention::Old(age))
}

/// The moment `days` days before `now` (Unix seconds) as stored: a secret
/// set at or before it is at least that old.
pub fn days_before(now: i64, days: i64) -> String {
    format_unix(now - days * DAY)
}

/// The moment `days` days after `now` as stored: an expiry at or before it
/// is within that many days.
pub fn days_after(now: i64, days: i64) -> String {
    format_unix(now + days * DAY)
}

/// Unix seconds of an RFC 3339 time (`2026-01-02T03:04:05Z`, fractions and
/// `+01:00` offsets allowed, a plain `2026-01-02` read as midnight UTC).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    parse_micros(s).map(|(secs, _)| secs)
}

/// Unix seconds and the microseconds of the fraction.
fn parse_micros(s: &str) -> Option<(i64, u32)> {
    let s = s.trim();
    let num = |a: usize, b: usize| -> Option<i64> {
        let part = s.get(a..b)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    if s.get(4..5) != Some("-") || s.get(7..8) != Some("-") || !(1..=12).contains(&mo) {
        return None;
    }
    if !(1..=31).contains(&d) {
        return None;
    }
    let date = days_from_civil(y, mo, d) * DAY;
    if s.len() == 10 {
        return Some((date, 0));
    }
    if !matches!(s.get(10..11), Some("T" | "t" | " ")) {
        return None;
    }
    let (h, mi, sec) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut micros = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        micros = format!("{:0<6}", &frac[..digits.min(6)]).parse().ok()?;
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match rest.get(0..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    Some((date + h * 3600 + mi * 60 + sec - offset, micros))
}

/// A Unix time as stored (`YYYY-MM-DDTHH:MM:SS.000000Z`).
pub fn format_unix(secs: i64) -> String {
    format_micros(secs, 0)
}

fn format_micros(secs: i64, micros: u32) -> String {
    let days = secs.div_euclid(DAY);
    let rem = secs.rem_euclid(DAY);
    let (y, m, d) = civil_from_days(days);
    crate::format_timestamp(
        (y as i32, m as u8, d as u8),
        (
            (rem / 3600) as u8,
            ((rem % 3600) / 60) as u8,
            (rem % 60) as u8,
        ),
        micros,
    )
}

/// A stored time for a date written any way [`parse_timestamp`] reads, or
/// None when it cannot be read.
pub fn normalize_timestamp(s: &str) -> Option<String> {
    parse_micros(s).map(|(secs, micros)| format_micros(secs, micros))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_790_000_000; // 2026-09-21T14:13:20Z

    fn dates(set: &[(&str, i64)]) -> BTreeMap<String, String> {
        set.iter()
            .map(|(k, ago)| ((*k).to_owned(), format_unix(NOW - ago * DAY)))
            .collect()
    }

    fn rule(set: &[(&str, i64)], expires_in_secs: Option<i64>, period: u32) -> Option<Attention> {
        let map = dates(set);
        let exp = expires_in_secs.map(|s| format_unix(NOW + s));
        attention(
            Dates {
                secret_set_at: &map,
                expires_at: exp.as_deref(),
            },
            period,
            NOW,
        )
    }

    #[test]
    fn timestamps_round_trip_and_read_offsets() {
        assert_eq!(format_unix(NOW), "2026-09-21T14:13:20.000000Z");
        assert_eq!(parse_timestamp("2026-09-21T14:13:20.000000Z"), Some(NOW));
        assert_eq!(parse_timestamp("2026-09-21T16:13:20+02:00"), Some(NOW));
        assert_eq!(parse_timestamp("2026-09-21T14:13:20Z"), Some(NOW));
        assert_eq!(parse_timestamp("1970-01-01"), Some(0));
        assert_eq!(parse_timestamp("2000-02-29T00:00:00Z"), Some(951_782_400));
        for bad in [
            "",
            "soon",
            "2026-13-01",
            "2026-01-01X00:00:00Z",
            "2026-1-01",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        assert_eq!(
            normalize_timestamp("2027-01-01T00:00:00Z").as_deref(),
            Some("2027-01-01T00:00:00.000000Z")
        );
    }

    #[test]
    fn expiry_wins_over_age_and_counts_whole_days() {
        assert_eq!(rule(&[("k", 1)], Some(-5), 90), Some(Attention::Expired));
        assert_eq!(rule(&[("k", 1)], Some(0), 90), Some(Attention::Expired));
        assert_eq!(
            rule(&[("k", 400)], Some(5 * DAY + 3600), 90),
            Some(Attention::ExpiresIn(5))
        );
        assert_eq!(
            rule(&[], Some(30 * DAY), 90),
            Some(Attention::ExpiresIn(30))
        );
        assert_eq!(rule(&[], Some(30 * DAY + 1), 90), None);
        // A far expiry leaves the age rule in charge.
        assert_eq!(
            rule(&[("k", 100)], Some(300 * DAY), 90),
            Some(Attention::Old(100))
        );
    }

    #[test]
    fn age_uses_the_oldest_secret_and_the_period() {
        assert_eq!(
            rule(&[("a", 10), ("b", 95)], None, 90),
            Some(Attention::Old(95))
        );
        assert_eq!(rule(&[("a", 89)], None, 90), None);
        assert_eq!(rule(&[("a", 90)], None, 90), Some(Attention::Old(90)));
        assert_eq!(rule(&[("a", 20)], None, 14), Some(Attention::Old(20)));
        assert_eq!(rule(&[], None, 1), None);
    }

    #[test]
    fn stages_follow_the_thresholds_and_announce_once() {
        assert_eq!(THRESHOLD_DAYS, [30, 7, 1]);
        assert_eq!(Attention::ExpiresIn(30).stage(), Stage::Within30);
        assert_eq!(Attention::ExpiresIn(8).stage(), Stage::Within30);
        assert_eq!(Attention::ExpiresIn(7).stage(), Stage::Within7);
        assert_eq!(Attention::ExpiresIn(2).stage(), Stage::Within7);
        assert_eq!(Attention::ExpiresIn(1).stage(), Stage::Within1);
        assert_eq!(Attention::ExpiresIn(0).stage(), Stage::Within1);
        assert_eq!(Attention::Expired.stage(), Stage::Expired);
        assert_eq!(Attention::Old(100).stage(), Stage::Old);
        assert!(Stage::crossed(None, Some(Stage::Within30)));
        assert!(Stage::crossed(Some(Stage::Within30), Some(Stage::Within7)));
        assert!(!Stage::crossed(Some(Stage::Within7), Some(Stage::Within7)));
        assert!(!Stage::crossed(Some(Stage::Expired), Some(Stage::Within1)));
        assert!(!Stage::crossed(Some(Stage::Old), None));
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn labels_and_rotation_periods() {
        assert_eq!(Attention::Expired.label(), "expired");
        assert_eq!(Attention::ExpiresIn(1).label(), "expires in 1 day");
        assert_eq!(Attention::ExpiresIn(12).label(), "expires in 12 days");
        assert_eq!(Attention::Old(120).label(), "secret 120 days old");
        let mut r = Rotation::default();
        assert_eq!(r.days_for("email"), DEFAULT_ROTATION_DAYS);
        r.per_type.insert("sms".into(), 30);
        assert_eq!(r.days_for("sms"), 30);
        assert!(r.problems().is_empty());
        r.default_days = 0;
        r.per_type.insert("email".into(), MAX_ROTATION_DAYS + 1);
        let p = r.problems();
        assert!(p["rotation_days"].contains("between 1 and"));
        assert!(p.contains_key("rotation.email"));
        assert_eq!(
            serde_json::to_value(Attention::ExpiresIn(3)).unwrap(),
            serde_json::json!({"kind": "expires_in", "days": 3})
        );
    }
}
