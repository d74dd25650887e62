//! A rate limit as a person types it, `N/DURATION`: `100/10s`, `50/1s`, `500/250ms`,
//! `1000/1m`, `200000/1d`. The duration is read by humantime, so `1m30s` and `2hours` work
//! too, and a bare unit counts one of it (`5/m`). Months and years are refused: their length
//! varies, and a sliding window needs a fixed one.
//!
//! The mock's library and the command-line tool both compile this file (the tool through
//! `#[path]`), so the two read a limit alike without a crate for one function.

use highlevel_contacts::RateLimit;
use humantime::DurationError;

/// humantime's names for months and years.
const CALENDAR_UNITS: &[&str] = &["M", "month", "months", "y", "yr", "yrs", "year", "years"];

/// `N/DURATION` as a [`RateLimit`], or a message that quotes the text and says what is wrong.
pub fn parse_rate_limit(text: &str) -> Result<RateLimit, String> {
    let refuse = |why: &str| format!("`{text}` is not a rate limit: {why}");
    let shape = "write N/DURATION, such as 100/10s";
    let (count, duration) = text.split_once('/').ok_or_else(|| refuse(shape))?;
    let requests: u64 = count.trim().parse().map_err(|_| refuse(shape))?;
    if requests == 0 {
        return Err(refuse("N must be 1 or more"));
    }
    let duration = duration.trim();
    if duration.is_empty() {
        return Err(refuse(shape));
    }
    if duration
        .split(|c: char| !c.is_alphabetic())
        .any(|unit| CALENDAR_UNITS.contains(&unit))
    {
        return Err(refuse(
            "months and years have no fixed length: write days, such as 30d",
        ));
    }
    let window = if duration.starts_with(char::is_alphabetic) {
        humantime::parse_duration(&format!("1{duration}"))
    } else {
        humantime::parse_duration(duration)
    }
    .map_err(|error| match error {
        DurationError::UnknownUnit { unit, .. } => refuse(&format!(
            "`{unit}` is not a unit of time: use ms, s, m, h or d"
        )),
        DurationError::NumberOverflow => refuse("the window is too long"),
        _ => refuse(shape),
    })?;
    if window.is_zero() {
        return Err(refuse("the window must be longer than zero"));
    }
    Ok(RateLimit { requests, window })
}
