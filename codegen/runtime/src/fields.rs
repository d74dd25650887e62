//! What the spec declares about each property of a request body, as
//! constant tables, so that tools built on a generated crate (a command
//! line, a CSV import, a mock server) derive their flags, columns and checks
//! from the spec instead of typing its fields again.

/// One property of a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldInfo {
    /// The property's name on the wire, such as `firstName`.
    pub wire_name: &'static str,
    pub kind: FieldKind,
    /// A request without it is refused.
    pub required: bool,
    /// `null` may be sent, to clear the value.
    pub nullable: bool,
    /// The string `format` the spec names (`email`, `date`…), when any.
    pub format: Option<&'static str>,
    /// The first sentence of the spec's description; empty when it has none.
    pub doc: &'static str,
}

/// The JSON shape a property takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldKind {
    String,
    Boolean,
    /// A whole number.
    Integer,
    Number,
    /// A string from a list. `unlisted`: the spec lets other values through
    /// an explicit escape hatch (`x-allow-unlisted`).
    Enum {
        values: &'static [&'static str],
        unlisted: bool,
    },
    /// A JSON object (a nested schema).
    Object,
    /// A list of values of one kind.
    List(&'static FieldKind),
    /// Any JSON value: the spec constrains it in ways a table does not say
    /// (`oneOf`, `anyOf`, no type).
    Any,
}

impl FieldKind {
    /// A string, boolean, number or value from a list: one token on a
    /// command line or in a CSV cell.
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            FieldKind::String
                | FieldKind::Boolean
                | FieldKind::Integer
                | FieldKind::Number
                | FieldKind::Enum { .. }
        )
    }
}

/// A request body type and the table of its properties, in the spec's order.
pub trait RequestFields {
    const FIELDS: &'static [FieldInfo];

    /// The property named `wire_name`, if the spec declares it.
    fn field(wire_name: &str) -> Option<&'static FieldInfo> {
        Self::FIELDS
            .iter()
            .find(|field| field.wire_name == wire_name)
    }

    /// The names in a JSON body that are not properties of this type, in
    /// the body's order.
    fn undeclared(body: &serde_json::Map<String, serde_json::Value>) -> Vec<&str> {
        body.keys()
            .map(String::as_str)
            .filter(|name| Self::field(name).is_none())
            .collect()
    }

    /// The required properties a JSON body leaves out, in the spec's order.
    fn missing(body: &serde_json::Map<String, serde_json::Value>) -> Vec<&'static str> {
        Self::FIELDS
            .iter()
            .filter(|field| field.required && !body.contains_key(field.wire_name))
            .map(|field| field.wire_name)
            .collect()
    }
}

/// An operation's error: the property names the server reported it
/// rejected, for the error bodies whose spec says how they name them
/// (`x-rejected-properties`); none for the others.
pub trait RejectedProperties {
    fn rejected_properties(&self) -> Vec<&str>;
}
