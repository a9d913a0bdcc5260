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
