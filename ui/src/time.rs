//! Times as people read them: the one place the UI turns a stored
//! timestamp (RFC 3339, UTC) into text. Recent times read as relative
//! ("3 min ago"), older ones as a date and time in the user's own time
//! zone, and the exact local time with its zone is there for a tooltip; a
//! bare UTC time never reaches the screen.
//!
//! The arithmetic is pure (epoch milliseconds, an offset in minutes) so it
//! is tested natively; only [`now_ms`] and [`tz_offset_at`] ask the
//! browser, and only on wasm32.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use switchboard_domain::{civil_from_days, days_from_civil};

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Closer than this to now (either way), a time is "just now".
const JUST_NOW: i64 = 45 * SECOND;

/// Closer than this to now, a table shows a time as relative; further, as
/// a local date and time.
const RELATIVE_WITHIN: i64 = 7 * DAY;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// 1970-01-01 was a Thursday.
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// A time for a table cell or a status line: relative when within a week
/// of now ("3 min ago", "in 2 h"), else the local date and time ("5 Dec
/// 2026, 14:03"). Text that is not RFC 3339 is shown as given.
pub fn when(rfc3339: &str) -> String {
    match parse_rfc3339(rfc3339) {
        Some(ms) => when_at(now_ms(), ms, tz_offset_at(ms)),
        None => rfc3339.to_owned(),
    }
}

/// The exact local time with its zone, for a `title` tooltip: "Sat 5 Dec
/// 2026, 14:03:07 UTC+1". Text that is not RFC 3339 is shown as given.
pub fn exact(rfc3339: &str) -> String {
    match parse_rfc3339(rfc3339) {
        Some(ms) => local_exact(ms, tz_offset_at(ms)),
        None => rfc3339.to_owned(),
    }
}

/// A table cell with a time: [`when`] to read, the exact local time with
/// its zone on hover, or `missing` ("Never") when there is none.
pub fn cell(at: Option<&str>, missing: &'static str) -> Html {
    html! { <TimeCell at={at.map(|t| AttrValue::from(t.to_owned()))} missing={AttrValue::from(missing)} /> }
}

/// How often a shown time is read again, so that "just now" ages.
const REREAD_MS: i32 = 30_000;

#[derive(Properties, PartialEq)]
struct TimeCellProps {
    at: Option<AttrValue>,
    missing: AttrValue,
}

/// See [`cell`]; a time is re-rendered every [`REREAD_MS`] while shown.
#[function_component(TimeCell)]
fn time_cell(props: &TimeCellProps) -> Html {
    let update = use_force_update();
    use_effect_with(props.at.is_some(), move |shown| {
        let tick = Closure::<dyn Fn()>::new(move || update.force_update());
        let window = web_sys::window().filter(|_| *shown);
        let id = window.as_ref().and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                REREAD_MS,
            )
            .ok()
        });
        move || {
            if let (Some(w), Some(id)) = (window, id) {
                w.clear_interval_with_handle(id);
            }
            drop(tick);
        }
    });
    let text = match &props.at {
        Some(t) => html! { <time datetime={t.clone()} title={exact(t)}>{ when(t) }</time> },
        None => html! { <>{ props.missing.clone() }</> },
    };
    html! { <td class="muted">{ text }</td> }
}

/// Milliseconds since the Unix epoch, now.
#[cfg(target_arch = "wasm32")]
fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Milliseconds since the Unix epoch, now (native builds: tests and
/// tools; the window runs the wasm32 one).
#[cfg(not(target_arch = "wasm32"))]
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The local zone's offset at the instant `ms` (not now: daylight saving
/// may differ), as `Date.getTimezoneOffset` gives it: minutes *behind*
/// UTC, so -60 in UTC+1 and 300 in UTC−5.
#[cfg(target_arch = "wasm32")]
fn tz_offset_at(ms: i64) -> i32 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    date.get_timezone_offset().round() as i32
}

/// Native builds have no browser to ask: UTC.
#[cfg(not(target_arch = "wasm32"))]
fn tz_offset_at(_ms: i64) -> i32 {
    0
}

/// Epoch milliseconds of an RFC 3339 timestamp
/// (`2026-12-05T13:03:07.123456Z`, `…+05:30`; fractional seconds
/// optional, kept to the millisecond), or None if it is not one.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let is = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    let digits = |from: usize, len: usize| -> Option<i64> {
        b.get(from..from + len)?.iter().try_fold(0, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    if !(is(4, b"-") && is(7, b"-") && is(10, b"Tt ") && is(13, b":") && is(16, b":")) {
        return None;
    }
    let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    let (hour, minute, second) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second <= 60; // a leap second
    if !valid {
        return None;
    }
    let mut at = 19;
    let mut millis = 0;
    if is(at, b".") {
        let len = b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if len == 0 {
            return None;
        }
        let kept = len.min(3);
        millis = digits(at + 1, kept)? * [100, 10, 1][kept - 1];
        at += 1 + len;
    }
    let east = match &b[at..] {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (digits(at + 1, 2)?, digits(at + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'-' {
                -(h * 60 + m)
            } else {
                h * 60 + m
            }
        }
        _ => return None,
    };
    let minutes = (days_from_civil(year, month, day) * 24 + hour) * 60 + minute - east;
    Some(minutes * MINUTE + second * SECOND + millis)
}

/// How far `then` is from `now`, in words: "just now", "1 min ago",
/// "3 h ago", "2 days ago", or for the future "in 5 min". Whole units,
/// rounded down; past a day it counts 24-hour days, not calendar days.
pub fn relative(now_ms: i64, then_ms: i64) -> String {
    let gap = now_ms.saturating_sub(then_ms);
    let amount = match gap.saturating_abs() {
        s if s < JUST_NOW => return "just now".to_owned(),
        s if s < HOUR => format!("{} min", (s / MINUTE).max(1)),
        s if s < DAY => format!("{} h", s / HOUR),
        s if s < 2 * DAY => "1 day".to_owned(),
        s => format!("{} days", s / DAY),
    };
    if gap < 0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

/// [`when`] given now and the offset (see [`tz_offset_at`]) at `then`.
pub fn when_at(now_ms: i64, then_ms: i64, tz_offset: i32) -> String {
    if now_ms.saturating_sub(then_ms).saturating_abs() < RELATIVE_WITHIN {
        relative(now_ms, then_ms)
    } else {
        local_date(then_ms, tz_offset)
    }
}

/// The local date and time to the minute: "5 Dec 2026, 14:03".
/// `tz_offset` as [`tz_offset_at`] gives it (minutes behind UTC).
pub fn local_date(ms: i64, tz_offset: i32) -> String {
    let t = Local::at(ms, tz_offset);
    format!(
        "{} {} {}, {:02}:{:02}",
        t.day,
        MONTHS[t.month - 1],
        t.year,
        t.hour,
        t.minute
    )
}

/// The local time to the second with the weekday and the zone: "Sat 5 Dec
/// 2026, 14:03:07 UTC+1".
pub fn local_exact(ms: i64, tz_offset: i32) -> String {
    let t = Local::at(ms, tz_offset);
    format!(
        "{} {} {} {}, {:02}:{:02}:{:02} {}",
        WEEKDAYS[t.weekday],
        t.day,
        MONTHS[t.month - 1],
        t.year,
        t.hour,
        t.minute,
        t.second,
        zone_label(tz_offset)
    )
}

/// The zone as people write it: "UTC", "UTC+1", "UTC−5", "UTC+5:30"
/// (a true minus sign). `tz_offset` is minutes behind UTC, as
/// `Date.getTimezoneOffset` gives it, hence the flipped sign.
pub fn zone_label(tz_offset: i32) -> String {
    if tz_offset == 0 {
        return "UTC".to_owned();
    }
    let sign = if tz_offset < 0 { '+' } else { '−' };
    let (hours, minutes) = (tz_offset.abs() / 60, tz_offset.abs() % 60);
    if minutes == 0 {
        format!("UTC{sign}{hours}")
    } else {
        format!("UTC{sign}{hours}:{minutes:02}")
    }
}

/// A moment's wall-clock parts in a zone.
struct Local {
    year: i64,
    month: usize,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    /// Index into [`WEEKDAYS`].
    weekday: usize,
}

impl Local {
    fn at(ms: i64, tz_offset: i32) -> Local {
        let local = ms - i64::from(tz_offset) * MINUTE;
        let (days, in_day) = (local.div_euclid(DAY), local.rem_euclid(DAY));
        let (year, month, day) = civil_from_days(days);
        Local {
            year,
            month: usize::try_from(month).unwrap_or(1),
            day,
            hour: in_day / HOUR,
            minute: in_day % HOUR / MINUTE,
            second: in_day % MINUTE / SECOND,
            weekday: usize::try_from(days.rem_euclid(7)).unwrap_or(0),
        }
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-21T22:54:09Z.
    const T: i64 = 1_795_301_649_000;

    #[test]
    fn parses_utc_offsets_and_fractions() {
        let cases: &[(&str, i64)] = &[
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59.999Z", -1),
            ("2000-02-29T00:00:00Z", 951_782_400_000),
            ("2026-11-21T22:54:09Z", T),
            ("2026-11-21T22:54:09.123456Z", T + 123),
            ("2026-11-21T22:54:09.5Z", T + 500),
            ("2026-11-21T22:54:09.04Z", T + 40),
            ("2026-11-21t22:54:09z", T),
            ("2026-11-21 22:54:09+00:00", T),
            ("2026-11-22T04:24:09+05:30", T),
            ("2026-11-21T19:24:09.000-03:30", T),
            ("2026-11-21T23:59:60Z", T + 3_951_000),
        ];
        for (text, ms) in cases {
            assert_eq!(parse_rfc3339(text), Some(*ms), "{text}");
        }
    }

    #[test]
    fn garbage_is_not_a_time_and_shows_as_given() {
        let cases = [
            "",
            "never",
            "2026-11-21",
            "2026-11-21T22:54Z",
            "2026-11-21T22:54:09",
            "2026-11-21T22:54:09.Z",
            "2026-11-21T22:54:09Zjunk",
            "2026-11-21T22:54:09+5:30",
            "2026-11-21T22:54:09+05:30x",
            "2026-11-21T22:54:09+24:00",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-11-21T24:00:00Z",
            "2026-11-21T22:60:00Z",
            "2026-11-21X22:54:09Z",
            "2026-1１-21T22:54:09Z",
            "+2026-11-21T22:54:09Z",
        ];
        for text in cases {
            assert_eq!(parse_rfc3339(text), None, "{text}");
            assert_eq!(when(text), text);
            assert_eq!(exact(text), text);
        }
    }

    #[test]
    fn relative_wording_and_its_boundaries() {
        let cases: &[(i64, &str)] = &[
            (0, "just now"),
            (JUST_NOW - 1, "just now"),
            (-(JUST_NOW - 1), "just now"),
            (JUST_NOW, "1 min ago"),
            (2 * MINUTE - 1, "1 min ago"),
            (2 * MINUTE, "2 min ago"),
            (HOUR - 1, "59 min ago"),
            (HOUR, "1 h ago"),
            (DAY - 1, "23 h ago"),
            (DAY, "1 day ago"),
            (2 * DAY - 1, "1 day ago"),
            (2 * DAY, "2 days ago"),
            (400 * DAY, "400 days ago"),
            (-JUST_NOW, "in 1 min"),
            (-5 * MINUTE, "in 5 min"),
            (-2 * HOUR - 1, "in 2 h"),
            (-DAY, "in 1 day"),
            (-3 * DAY, "in 3 days"),
            (i64::MIN, "in 106751991167 days"),
        ];
        for (gap, words) in cases {
            assert_eq!(relative(T.saturating_add(*gap), T), *words, "gap {gap} ms");
        }
    }

    #[test]
    fn a_week_away_a_table_shows_the_local_date() {
        let cases: &[(i64, &str)] = &[
            (3 * MINUTE, "3 min ago"),
            (RELATIVE_WITHIN - 1, "6 days ago"),
            (RELATIVE_WITHIN, "21 Nov 2026, 23:54"),
            (1 - RELATIVE_WITHIN, "in 6 days"),
            (-RELATIVE_WITHIN, "21 Nov 2026, 23:54"),
        ];
        for (gap, words) in cases {
            assert_eq!(when_at(T + gap, T, -60), *words, "gap {gap} ms");
        }
    }

    #[test]
    fn zone_labels_flip_the_browser_sign() {
        let cases = [
            (0, "UTC"),
            (-60, "UTC+1"),
            (300, "UTC−5"),
            (-330, "UTC+5:30"),
            (210, "UTC−3:30"),
            (-345, "UTC+5:45"),
            (-840, "UTC+14"),
            (720, "UTC−12"),
        ];
        for (offset, label) in cases {
            assert_eq!(zone_label(offset), label, "{offset}");
        }
    }

    #[test]
    fn local_dates_cross_day_and_year_boundaries() {
        let new_year_eve = parse_rfc3339("2026-12-31T23:30:00Z").unwrap();
        let cases = [
            (
                new_year_eve,
                0,
                "31 Dec 2026, 23:30",
                "Thu 31 Dec 2026, 23:30:00 UTC",
            ),
            (
                new_year_eve,
                -60,
                "1 Jan 2027, 00:30",
                "Fri 1 Jan 2027, 00:30:00 UTC+1",
            ),
            (
                new_year_eve,
                300,
                "31 Dec 2026, 18:30",
                "Thu 31 Dec 2026, 18:30:00 UTC−5",
            ),
            (
                new_year_eve - HOUR,
                -330,
                "1 Jan 2027, 04:00",
                "Fri 1 Jan 2027, 04:00:00 UTC+5:30",
            ),
            (
                new_year_eve + 3 * HOUR,
                210,
                "31 Dec 2026, 23:00",
                "Thu 31 Dec 2026, 23:00:00 UTC−3:30",
            ),
            (-1, 0, "31 Dec 1969, 23:59", "Wed 31 Dec 1969, 23:59:59 UTC"),
            (
                T + 7_999,
                -60,
                "21 Nov 2026, 23:54",
                "Sat 21 Nov 2026, 23:54:16 UTC+1",
            ),
        ];
        for (ms, offset, date, full) in cases {
            assert_eq!(local_date(ms, offset), date, "{ms} at {offset}");
            assert_eq!(local_exact(ms, offset), full, "{ms} at {offset}");
        }
    }

    /// Berlin leaves winter time (UTC+1, offset -60) for summer time (UTC+2,
    /// -120) at 01:00 UTC on 29 March 2026: the offset given for each
    /// instant is the one shown.
    #[test]
    fn the_offset_is_the_one_at_the_instant_shown() {
        let switch = parse_rfc3339("2026-03-29T01:00:00Z").unwrap();
        let cases = [
            (switch - SECOND, -60, "Sun 29 Mar 2026, 01:59:59 UTC+1"),
            (switch, -120, "Sun 29 Mar 2026, 03:00:00 UTC+2"),
            (switch + 120 * DAY, -120, "Mon 27 Jul 2026, 03:00:00 UTC+2"),
        ];
        for (ms, offset, full) in cases {
            assert_eq!(local_exact(ms, offset), full);
        }
        // Seen from summer, a winter time keeps its winter offset.
        assert_eq!(
            when_at(switch + 120 * DAY, switch - HOUR, -60),
            "29 Mar 2026, 01:00"
        );
    }

    #[test]
    fn calendar_days_round_trip() {
        for days in (-1_000_000..1_000_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=days_in_month(y, m)).contains(&d), "{y}-{m}-{d}");
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }

    /// Natively there is no browser zone: the public helpers show UTC.
    #[test]
    fn the_public_helpers_label_the_zone() {
        assert_eq!(
            exact("2026-12-05T13:03:07.5Z"),
            "Sat 5 Dec 2026, 13:03:07 UTC"
        );
        assert_eq!(when("2020-02-29T13:03:07+01:00"), "29 Feb 2020, 12:03");
        let now = std::time::SystemTime::now();
        let secs = now.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400) - 3);
        let three_days_ago = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:00:00Z",
            secs.rem_euclid(86_400) / 3_600
        );
        assert_eq!(when(&three_days_ago), "3 days ago");
    }
}
