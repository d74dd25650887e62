//! String formats: whether a text is a `date`, `date-time` (RFC 3339),
//! `email`, `uri` or `uuid`, for the formats drift recording checks and the
//! guess it records of what a string looks like. Shapes only: an email's
//! domain is not looked up, a date's day is checked against its month.

/// The format `text` looks like, if any of the five.
pub fn guess(text: &str) -> Option<&'static str> {
    ["uuid", "date-time", "date", "email"]
        .into_iter()
        .find(|format| conforms(format, text) == Some(true))
        .or_else(|| (text.contains("://") && is_uri(text)).then_some("uri"))
}

/// Whether `text` has `format`; `None` for a format not checked here
/// (`int64`, `phone`…), which is taken as met.
pub fn conforms(format: &str, text: &str) -> Option<bool> {
    Some(match format {
        "date" => is_date(text),
        "date-time" => is_date_time(text),
        "email" => is_email(text),
        "uri" => is_uri(text),
        "uuid" => is_uuid(text),
        _ => return None,
    })
}

/// `YYYY-MM-DD`, a day its month has.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) =
        (digits(&text[..4]), digits(&text[5..7]), digits(&text[8..]))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339's `date-time`: `2024-06-06T10:00:00Z`, `…T10:00:00.123+02:00`.
fn is_date_time(text: &str) -> bool {
    // Every byte below is one character.
    if !text.is_ascii() {
        return false;
    }
    let Some((date, rest)) = text.split_at_checked(10) else {
        return false;
    };
    let Some(time) = rest.strip_prefix(['T', 't']) else {
        return false;
    };
    if !is_date(date) || time.len() < 9 {
        return false;
    }
    let (clock, rest) = time.split_at(8);
    let clock = clock.as_bytes();
    if clock[2] != b':' || clock[5] != b':' {
        return false;
    }
    let parts = [&time[..2], &time[3..5], &time[6..8]].map(digits);
    let [Some(hour), Some(minute), Some(second)] = parts else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => {
            let end = fraction
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(fraction.len());
            if end == 0 {
                return false;
            }
            &fraction[end..]
        }
        None => rest,
    };
    is_offset(rest)
}

/// `Z`, or `+HH:MM` / `-HH:MM`.
fn is_offset(text: &str) -> bool {
    if text == "Z" || text == "z" {
        return true;
    }
    let Some(offset) = text.strip_prefix(['+', '-']) else {
        return false;
    };
    offset.len() == 5
        && offset.as_bytes()[2] == b':'
        && digits(&offset[..2]).is_some_and(|hours| hours <= 23)
        && digits(&offset[3..]).is_some_and(|minutes| minutes <= 59)
}

/// `local@domain.tld`, without spaces.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !text.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && domain
            .split_once('.')
            .is_some_and(|(name, tld)| !name.is_empty() && !tld.is_empty())
}

/// An RFC 3986 scheme, a colon, and text without spaces.
fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut letters = scheme.chars();
    letters.next().is_some_and(|c| c.is_ascii_alphabetic())
        && letters.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The number an all-digit text reads as (`parse` alone would take a sign).
fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{conforms, guess};

    #[test]
    fn strings_are_guessed_by_their_shape() {
        for (text, format) in [
            ("2024-06-06", Some("date")),
            ("2024-02-30", None),
            ("2024-06-06T10:00:00Z", Some("date-time")),
            ("2024-06-06T10:00:00.123+02:00", Some("date-time")),
            ("2024-06-06 10:00:00", None),
            ("2024-06-06T1é:00:00Z", None),
            ("a@b.co", Some("email")),
            ("a b@c.co", None),
            ("https://example.com/x", Some("uri")),
            ("note: hi", None),
            ("123e4567-e89b-12d3-a456-426614174000", Some("uuid")),
            ("Zelda", None),
            ("", None),
        ] {
            assert_eq!(guess(text), format, "{text:?}");
        }
    }

    #[test]
    fn only_the_five_formats_are_checked() {
        assert_eq!(conforms("date-time", "2024-06-06"), Some(false));
        assert_eq!(conforms("uri", "mailto:a@b.co"), Some(true));
        assert_eq!(conforms("phone", "anything"), None);
    }
}
