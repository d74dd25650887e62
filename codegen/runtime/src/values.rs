//! Value types and checks that request types use.

/// A property of a request that can be left out, set, or cleared: the
/// three states of an optional `nullable` property.
///
/// `Absent` (the default) is not sent at all, `Null` is sent as `null`, and
/// `Value` as the value. Received, a missing property is `Absent` and a
/// `null` is `Null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Nullable<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// The value, when there is one.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T: serde::Serialize> serde::Serialize for Nullable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => value.serialize(serializer),
            // `Absent` is skipped by the field's `skip_serializing_if`; should
            // it be serialized anyway, `null` is the closest JSON.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Nullable::Value(value),
            None => Nullable::Null,
        })
    }
}

/// A value from a closed list, or, through an explicit escape hatch, one the
/// list does not have yet (a schema with `x-allow-unlisted`).
///
/// Values are checked by the type system: `Listed::Known(CountryCode::Us)`,
/// or `CountryCode::Us.into()`. `Listed::unchecked("XK")` sends the text as
/// it is, for when the API accepts a value the spec does not list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Listed<T> {
    Known(T),
    Unchecked(String),
}

impl<T> Listed<T> {
    /// Sends `value` without checking it against the list.
    pub fn unchecked(value: impl Into<String>) -> Self {
        Listed::Unchecked(value.into())
    }
}

impl<T> From<T> for Listed<T> {
    fn from(value: T) -> Self {
        Listed::Known(value)
    }
}

impl<T: serde::Serialize> serde::Serialize for Listed<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Listed::Known(value) => value.serialize(serializer),
            Listed::Unchecked(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de, T: serde::de::DeserializeOwned> serde::Deserialize<'de> for Listed<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if super::tolerant::strict() {
            return T::deserialize(deserializer)
                .map(Listed::Known)
                .map_err(super::tolerant::unfit);
        }
        let value = serde_json::Value::deserialize(deserializer)?;
        if let Ok(known) = T::deserialize(&value) {
            return Ok(Listed::Known(known));
        }
        match value {
            serde_json::Value::String(text) => Ok(Listed::Unchecked(text)),
            other => Err(serde::de::Error::custom(format!(
                "expected a listed value or text, got {other}"
            ))),
        }
    }
}

/// The shape of an email address, `local@domain.tld`: enough to catch a
/// value put in the wrong field before the API answers 422. The message
/// names the field, never the value.
pub fn check_email(field: &str, value: &impl AsRef<str>) -> Result<(), String> {
    let value = value.as_ref();
    let well_formed = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.split('.').count() >= 2
            && domain.split('.').all(|label| !label.is_empty())
    }) && !value.chars().any(char::is_whitespace);
    if well_formed {
        Ok(())
    } else {
        Err(format!("`{field}` is not an email address"))
    }
}

/// Every byte of a path parameter's UTF-8 text except RFC 3986's
/// unreserved characters (`A-Z a-z 0-9 - . _ ~`) is percent-encoded. An
/// allow-list, not a list of separators: `\`, which URL parsers treat as
/// `/` in http(s) URLs, `;`, `%` and anything a parser may one day read as
/// structure stay inside the one segment, and the server decodes the
/// caller's string byte for byte.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One path parameter as one encoded path segment. The raw client calls
/// this in place of progenitor's `encode_path`.
pub fn encode_path_segment(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, PATH_SEGMENT).to_string()
}

/// A path parameter must stay one segment of the path. Encoding keeps every
/// other character inside it, but `.` and `..` are unreserved, so they go
/// out as they are and would be resolved by the URL parser, servers and
/// proxies as "this" and "parent" directory; an empty segment changes the
/// route. These three are refused before anything is sent.
pub fn check_path_segment(name: &str, value: &str) -> Result<(), String> {
    match value {
        "" => Err(format!("path parameter `{name}` is empty")),
        "." | ".." => Err(format!("path parameter `{name}` cannot be `{value}`")),
        _ => Ok(()),
    }
}

/// A header parameter's value, or why it cannot be sent: CR, LF, NUL and
/// the other control characters but tab would end or corrupt the header.
/// The message names the header, never the value.
pub fn header_value(name: &str, value: &str) -> Result<reqwest::header::HeaderValue, String> {
    reqwest::header::HeaderValue::from_str(value).map_err(|_| {
        format!("the value of header `{name}` contains a character a header cannot carry (a control character such as CR, LF or NUL)")
    })
}

/// A float that JSON cannot carry (NaN or an infinity), refused by the
/// generated `TryFrom<f64>` conversions into a union that holds a JSON number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NonFiniteNumber(pub f64);

impl std::fmt::Display for NonFiniteNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is not a JSON number", self.0)
    }
}

impl std::error::Error for NonFiniteNumber {}
