//! The one timestamp format every store and the server write: RFC 3339 in
//! UTC with microseconds and a `Z`, so text order is time order.

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ` from its parts (UTC).
pub fn format_timestamp(
    (year, month, day): (i32, u8, u8),
    (hour, minute, second): (u8, u8, u8),
    microsecond: u32,
) -> String {
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{microsecond:06}Z")
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count since 1970-01-01 (the inverse of
/// [`days_from_civil`]).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// A moment as stored.
#[cfg(feature = "clock")]
fn stored(t: time::OffsetDateTime) -> String {
    format_timestamp(
        (t.year(), u8::from(t.month()), t.day()),
        (t.hour(), t.minute(), t.second()),
        t.microsecond(),
    )
}

/// The current time as stored.
#[cfg(feature = "clock")]
pub fn now() -> String {
    stored(time::OffsetDateTime::now_utc())
}

/// A new id for a stored row that is made often (an integration, a log
/// line): a UUIDv7, a millisecond time then 74 random bits. Ids made later
/// sort later, so each new one goes at the end of its unique index; random
/// ids (v4) land on a different index page each, and a batch of them
/// rewrites that many scattered pages (what slowed a large first sync).
#[cfg(feature = "clock")]
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The time `secs` seconds ago as stored (text order is time order, so
/// stored times compare with it as text).
#[cfg(feature = "clock")]
pub fn seconds_ago(secs: i64) -> String {
    stored(time::OffsetDateTime::now_utc() - time::Duration::seconds(secs))
}

/// Unix seconds now.
#[cfg(feature = "clock")]
pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Whole milliseconds since `started`, for the `elapsed_ms` of outcomes,
/// reports and summaries (u64::MAX if it ever overflows).
pub fn elapsed_ms(started: std::time::Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_width_so_text_order_is_time_order() {
        assert_eq!(
            format_timestamp((2026, 1, 2), (3, 4, 5), 6),
            "2026-01-02T03:04:05.000006Z"
        );
        #[cfg(feature = "clock")]
        assert_eq!(now().len(), 27);
    }
}
