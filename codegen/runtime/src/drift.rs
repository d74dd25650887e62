//! Drift: where an answer departs from the spec the crate was generated
//! from. An `Observation` names the place and the shape seen, never a
//! value (an unlisted enum value, the finding itself, is the one
//! exception), so it may be kept and shared where answers may not. A
//! `DriftSink` receives them; `DriftFile` is the JSON Lines one.

use serde::Serialize;

/// Receives every departure of an answer from the spec, when a client
/// records drift (`ClientBuilder::drift_sink`, `ClientBuilder::record_drift`).
/// Called on the task that decodes the answer: keep it short.
pub trait DriftSink: Send + Sync + 'static {
    fn record(&self, observation: &Observation);
}

/// One departure of an answer from the spec. Its JSON form is a line of
/// the drift record without `count`, `first_seen` and `last_seen`; all of
/// it is the aggregation key.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Observation {
    /// The generated crate's name.
    #[serde(rename = "crate")]
    pub crate_name: &'static str,
    pub crate_version: &'static str,
    /// The lowercase hex SHA-256 of the spec the crate was generated from.
    pub spec_sha256: &'static str,
    /// The spec's `operationId`.
    pub operation: &'static str,
    pub status: u16,
    pub kind: DriftKind,
    /// The schema declared for this status and media type, as a URI
    /// fragment into the spec; none for an undeclared status or content
    /// type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<&'static str>,
    /// An RFC 6901 pointer into the body to the departing value, every
    /// array index as `*`; `""` for the whole body.
    pub pointer: String,
    pub observed: Observed,
    /// Only for `UnlistedEnumValue`: the value the server sent (never under
    /// a property the spec marks `x-sensitive`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

/// How an answer departs from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DriftKind {
    UndeclaredProperty,
    UnlistedEnumValue,
    /// `null` where the schema is not `nullable`.
    UnexpectedNull,
    /// A value of another JSON type than declared (an array where an
    /// object is declared among them).
    OtherType,
    /// The declared JSON type, but not the declared `format`.
    OtherFormat,
    MissingRequired,
    UndeclaredStatus,
    UndeclaredContentType,
}

/// The shape seen, never the value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Observed {
    /// The JSON type; none for a body that is not JSON.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub json_type: Option<JsonType>,
    /// What a string looks like: `date`, `date-time`, `email`, `uri` or
    /// `uuid`; none when it looks like none of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// For `UndeclaredContentType`: the answer's media type, without
    /// parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// For `UndeclaredStatus`: the declared status whose body it decodes
    /// as (its drift from that body is recorded apart).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches_status: Option<u16>,
}

/// A JSON value's type, `integer` told apart from `number`, and `absent`
/// for a property that is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum JsonType {
    Object,
    Array,
    String,
    Number,
    Integer,
    Boolean,
    Null,
    Absent,
}

impl JsonType {
    pub fn of(value: &serde_json::Value) -> JsonType {
        use serde_json::Value;
        match value {
            Value::Object(_) => JsonType::Object,
            Value::Array(_) => JsonType::Array,
            Value::String(_) => JsonType::String,
            Value::Number(number) if number.is_f64() => JsonType::Number,
            Value::Number(_) => JsonType::Integer,
            Value::Bool(_) => JsonType::Boolean,
            Value::Null => JsonType::Null,
        }
    }
}

impl Observed {
    /// The type of `value`, and the format its text looks like.
    pub(super) fn of(value: &serde_json::Value) -> Observed {
        Observed {
            json_type: Some(JsonType::of(value)),
            format: value.as_str().and_then(super::formats::guess),
            media_type: None,
            matches_status: None,
        }
    }

    pub(super) fn of_type(json_type: JsonType) -> Observed {
        Observed {
            json_type: Some(json_type),
            format: None,
            media_type: None,
            matches_status: None,
        }
    }
}

/// What a client records drift with: its sink, and the crate and spec
/// every observation names.
#[derive(Clone)]
pub struct DriftRecorder {
    pub(super) sink: std::sync::Arc<dyn DriftSink>,
    pub(super) spec_sha256: &'static str,
}

impl std::fmt::Debug for DriftRecorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DriftRecorder")
            .field("spec_sha256", &self.spec_sha256)
            .finish_non_exhaustive()
    }
}

/// A departure as the walk finds it; the recorder adds the operation, the
/// status and the crate.
pub(super) struct Departure {
    pub kind: DriftKind,
    pub pointer: String,
    pub observed: Observed,
    pub value: Option<serde_json::Value>,
}

impl DriftRecorder {
    /// Records to `sink`, naming the spec by `spec_sha256`.
    pub fn new(sink: std::sync::Arc<dyn DriftSink>, spec_sha256: &'static str) -> Self {
        DriftRecorder { sink, spec_sha256 }
    }

    /// Sends one departure of `operation`'s answer with `status` to the sink.
    pub(super) fn record(
        &self,
        operation: &'static str,
        status: u16,
        schema: Option<&'static str>,
        departure: Departure,
    ) {
        self.sink.record(&Observation {
            crate_name: env!("CARGO_PKG_NAME"),
            crate_version: env!("CARGO_PKG_VERSION"),
            spec_sha256: self.spec_sha256,
            operation,
            status,
            kind: departure.kind,
            schema,
            pointer: departure.pointer,
            observed: departure.observed,
            value: departure.value,
        });
    }
}
