//! The one table that classes a spec change for existing callers of the
//! generated crate. Callers are affected twice: on the wire (what the server
//! now accepts and returns) and in Rust (what still compiles against the
//! regenerated types). A change is breaking when either breaks.
//!
//! The table is split by the element that changed: operations, parameters,
//! bodies, responses, fields, enums and security, one function each.
//! Which generated types are exhaustive is the generator's decision; the
//! table reads it from `codegen::rules`.

use codegen::rules::{
    REQUEST_ENUMS_EXHAUSTIVE, REQUEST_STRUCTS_EXHAUSTIVE, RESPONSE_ENUMS_EXHAUSTIVE,
    RESPONSE_STRUCTS_EXHAUSTIVE, STATUS_ENUMS_EXHAUSTIVE,
};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    Breaking,
    NonBreaking,
}

/// Which way the changed value flows: in what callers send, or in what
/// they receive. Widening what is sent is safe; widening what is received
/// is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Sent,
    Received,
}

/// What changed in an operation, by the element that changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Operation(OperationChange),
    Parameter(ParameterChange),
    Body(BodyChange),
    Response(ResponseChange),
    Field(FieldChange),
    Enum(EnumChange),
    Security(SecurityChange),
    Deprecation(DeprecationChange),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationChange {
    Added,
    Removed,
    PathChanged,
    MethodChanged,
    IdChanged,
}

/// `constant`: a header the client sends by itself instead of taking it as
/// an argument (`codegen::rules::constant_header_value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterChange {
    Added {
        constant: bool,
    },
    Removed {
        constant: bool,
    },
    RequiredChanged {
        now_required: bool,
    },
    /// A constant header in both documents, with another value: what
    /// every request carries changes, though no Rust signature does.
    ConstantValueChanged,
}

/// The request body, and the media types of bodies either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyChange {
    RequestAdded,
    RequestRemoved,
    RequestRequiredChanged { now_required: bool },
    MediaTypeAdded(Flow),
    MediaTypeRemoved(Flow),
}

/// Response statuses and response headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseChange {
    StatusAdded,
    StatusRemoved,
    HeaderAdded,
    HeaderRemoved,
}

/// A property or a schema's own shape. `rust_type_changes` says whether the
/// generated field's type flips between `T`, `Option<T>` and `Nullable<T>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldChange {
    Added {
        flow: Flow,
        required: bool,
    },
    Removed(Flow),
    /// Renamed in case only (`Call` → `call`): one wire name for another.
    RenamedInCase(Flow),
    RequiredChanged {
        flow: Flow,
        now_required: bool,
        rust_type_changes: bool,
    },
    NullableChanged {
        flow: Flow,
        now_nullable: bool,
        rust_type_changes: bool,
    },
    TypeChanged,
    FormatChanged,
    AdditionalPropertiesChanged,
}

/// What the generator makes a Rust enum of: a schema's `enum` values and
/// its `oneOf`/`anyOf` alternatives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumChange {
    ValueAdded(Flow),
    ValueRemoved(Flow),
    /// A schema gained or lost its `enum` list: a string type becomes a
    /// Rust enum, or the reverse.
    ConstraintChanged,
    /// A `oneOf`/`anyOf` alternative.
    VariantAdded(Flow),
    VariantRemoved(Flow),
}

/// An operation, parameter or property marked `deprecated: true`, or no
/// longer marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeprecationChange {
    pub now_deprecated: bool,
    /// A property: the generated code marks its field and setters.
    pub property: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityChange {
    SchemeAdded,
    SchemeRemoved,
    SchemeChanged,
    ScopeAdded,
    ScopeRemoved,
}

/// The class of a change and why, for the report.
pub fn classify(kind: Kind) -> (Class, &'static str) {
    match kind {
        Kind::Operation(change) => operation(change),
        Kind::Parameter(change) => parameter(change),
        Kind::Body(change) => body(change),
        Kind::Response(change) => response(change),
        Kind::Field(change) => field(change),
        Kind::Enum(change) => enumeration(change),
        Kind::Security(change) => security(change),
        Kind::Deprecation(change) => deprecation(change),
    }
}

/// Whether a change breaks existing callers on the wire: a request the
/// old client sends is refused or means something else, or an answer it
/// reads no longer carries what it did. The rest of what is breaking only
/// stops code from compiling, which the compiler points out.
pub fn breaks_the_wire(kind: Kind) -> bool {
    use Flow::{Received, Sent};
    match kind {
        Kind::Operation(change) => matches!(
            change,
            OperationChange::Removed
                | OperationChange::PathChanged
                | OperationChange::MethodChanged
        ),
        Kind::Parameter(change) => matches!(
            change,
            ParameterChange::ConstantValueChanged
                | ParameterChange::RequiredChanged { now_required: true }
        ),
        Kind::Body(change) => matches!(
            change,
            BodyChange::RequestRequiredChanged { now_required: true }
                | BodyChange::MediaTypeRemoved(_)
        ),
        Kind::Response(change) => change == ResponseChange::HeaderRemoved,
        Kind::Field(change) => match change {
            FieldChange::Added { flow, required } => flow == Sent && required,
            FieldChange::Removed(_)
            | FieldChange::RenamedInCase(_)
            | FieldChange::TypeChanged
            | FieldChange::FormatChanged => true,
            FieldChange::RequiredChanged {
                flow, now_required, ..
            } => (flow == Sent) == now_required,
            FieldChange::NullableChanged {
                flow, now_nullable, ..
            } => flow == Sent && !now_nullable,
            FieldChange::AdditionalPropertiesChanged => false,
        },
        Kind::Enum(change) => matches!(
            change,
            EnumChange::ValueRemoved(Sent) | EnumChange::VariantAdded(Received)
        ),
        Kind::Security(change) => matches!(
            change,
            SecurityChange::SchemeAdded
                | SecurityChange::SchemeChanged
                | SecurityChange::ScopeAdded
        ),
        Kind::Deprecation(_) => false,
    }
}

/// The kind of element a change is about, as the report counts them.
pub fn element(kind: Kind) -> &'static str {
    match kind {
        Kind::Operation(_) => "operations",
        Kind::Parameter(ParameterChange::ConstantValueChanged) => "constant headers",
        Kind::Parameter(_) => "parameters",
        Kind::Body(_) => "bodies",
        Kind::Response(_) => "responses",
        Kind::Field(_) => "fields",
        Kind::Enum(_) => "enum values and variants",
        Kind::Security(_) => "security",
        Kind::Deprecation(_) => "deprecations",
    }
}

fn operation(change: OperationChange) -> (Class, &'static str) {
    use Class::{Breaking, NonBreaking};
    match change {
        OperationChange::Added => (NonBreaking, "a new method on `Client`"),
        OperationChange::Removed => (Breaking, "its method on `Client` is gone"),
        OperationChange::PathChanged | OperationChange::MethodChanged => (
            Breaking,
            "the request goes elsewhere; servers of the old API refuse it",
        ),
        OperationChange::IdChanged => (Breaking, "its method on `Client` is renamed"),
    }
}

fn parameter(change: ParameterChange) -> (Class, &'static str) {
    use Class::{Breaking, NonBreaking};
    match change {
        ParameterChange::Added { constant: true } => {
            (NonBreaking, "a constant header the client sends by itself")
        }
        ParameterChange::Added { constant: false } => (
            Breaking,
            "generated methods take every parameter as a positional argument",
        ),
        ParameterChange::Removed { constant: true } => {
            (NonBreaking, "a constant header the client no longer sends")
        }
        ParameterChange::Removed { constant: false } => (
            Breaking,
            "its argument disappears from the generated method",
        ),
        ParameterChange::RequiredChanged { .. } => (
            Breaking,
            "the argument's type flips between `T` and `Option<T>`",
        ),
        ParameterChange::ConstantValueChanged => (
            Breaking,
            "the client sends it by itself on every request, so every request now carries the \
             new value (such as another API version), though no Rust signature changes",
        ),
    }
}

fn body(change: BodyChange) -> (Class, &'static str) {
    use Class::{Breaking, NonBreaking};
    match change {
        BodyChange::RequestAdded => (Breaking, "the generated method takes a new `body` argument"),
        BodyChange::RequestRemoved => (Breaking, "the generated method loses its `body` argument"),
        BodyChange::RequestRequiredChanged { now_required: true } => {
            (Breaking, "requests without a body are refused")
        }
        BodyChange::RequestRequiredChanged {
            now_required: false,
        } => (NonBreaking, "existing requests stay valid"),
        BodyChange::MediaTypeAdded(_) => (NonBreaking, "the existing media types stay"),
        BodyChange::MediaTypeRemoved(Flow::Sent) => {
            (Breaking, "requests in that media type are refused")
        }
        BodyChange::MediaTypeRemoved(Flow::Received) => {
            (Breaking, "callers decoding it no longer get it")
        }
    }
}

fn response(change: ResponseChange) -> (Class, &'static str) {
    use Class::{Breaking, NonBreaking};
    match change {
        ResponseChange::StatusAdded if STATUS_ENUMS_EXHAUSTIVE => (
            Breaking,
            "the operation's status enum gains a variant and is exhaustive",
        ),
        ResponseChange::StatusAdded => (
            NonBreaking,
            "the operation's status enum is `#[non_exhaustive]`",
        ),
        ResponseChange::StatusRemoved => (Breaking, "its variant disappears from the status enum"),
        ResponseChange::HeaderAdded => (NonBreaking, "headers are read by name"),
        ResponseChange::HeaderRemoved => (Breaking, "callers reading it no longer get it"),
    }
}

fn field(change: FieldChange) -> (Class, &'static str) {
    use Class::{Breaking, NonBreaking};
    use Flow::{Received, Sent};
    match change {
        FieldChange::Added {
            flow: Sent,
            required: true,
        } => (Breaking, "callers must now send it"),
        FieldChange::Added { flow: Sent, .. } if REQUEST_STRUCTS_EXHAUSTIVE => (
            Breaking,
            "breaking because generated request structs are exhaustive (struct literals must name it)",
        ),
        FieldChange::Added { flow: Sent, .. } => (NonBreaking, "existing requests stay valid"),
        FieldChange::Added { flow: Received, .. } if RESPONSE_STRUCTS_EXHAUSTIVE => (
            Breaking,
            "breaking because generated response structs are exhaustive (struct literals and patterns must name it)",
        ),
        FieldChange::Added { flow: Received, .. } => (
            NonBreaking,
            "generated response structs are `#[non_exhaustive]`",
        ),
        FieldChange::Removed(Sent) => (
            Breaking,
            "its Rust field disappears and the server refuses it",
        ),
        FieldChange::Removed(Received) => (
            Breaking,
            "its Rust field disappears; callers reading it break",
        ),
        FieldChange::RenamedInCase(Sent) => (
            Breaking,
            "the server expects the new names; the Rust fields are renamed when the case \
             changes their Rust names",
        ),
        FieldChange::RenamedInCase(Received) => (
            Breaking,
            "answers carry the new names, which the old client reads as absent",
        ),
        FieldChange::RequiredChanged {
            flow,
            now_required,
            rust_type_changes,
        } => required(flow, now_required, rust_type_changes),
        FieldChange::NullableChanged {
            flow,
            now_nullable,
            rust_type_changes,
        } => nullable(flow, now_nullable, rust_type_changes),
        FieldChange::TypeChanged => (Breaking, "values of the old type are refused or misread"),
        FieldChange::FormatChanged => (
            Breaking,
            "values of the old format are refused or misread, and the Rust type may change",
        ),
        FieldChange::AdditionalPropertiesChanged => (
            Breaking,
            "the generated type may change (a struct or a map, open or closed)",
        ),
    }
}

/// A property that became required or optional.
fn required(flow: Flow, now_required: bool, rust_type_changes: bool) -> (Class, &'static str) {
    use Class::{Breaking, NonBreaking};
    use Flow::{Received, Sent};
    match (flow, now_required, rust_type_changes) {
        (Sent, true, true) => (
            Breaking,
            "requests without it are refused, and its Rust type changes (now `T`, or `Option<T>` when nullable)",
        ),
        (Sent, true, false) => (
            Breaking,
            "requests without it are refused; its Rust type stays `Option<T>`, so the compiler does not point at callers that leave it `None`",
        ),
        (Received, false, _) => (Breaking, "responses may lack it"),
        (_, _, true) => (
            Breaking,
            "its Rust type changes (between `T`, `Option<T>` and `Nullable<T>`)",
        ),
        (Sent, false, false) => (
            NonBreaking,
            "existing requests stay valid and its Rust type stays `Option<T>`",
        ),
        (Received, true, false) => (
            NonBreaking,
            "responses always carry it now, and its Rust type stays `Option<T>`",
        ),
    }
}

/// A property that became nullable or stopped being so.
fn nullable(flow: Flow, now_nullable: bool, rust_type_changes: bool) -> (Class, &'static str) {
    use Class::{Breaking, NonBreaking};
    match (flow, now_nullable, rust_type_changes) {
        (Flow::Sent, false, _) => (Breaking, "requests sending `null` are refused"),
        (_, _, true) => (
            Breaking,
            "its Rust type changes (between `T`, `Option<T>` and `Nullable<T>`)",
        ),
        _ => (
            NonBreaking,
            "its Rust type stays `Option<T>`, which already holds a missing or `null` value",
        ),
    }
}

fn enumeration(change: EnumChange) -> (Class, &'static str) {
    use Class::{Breaking, NonBreaking};
    use Flow::{Received, Sent};
    match change {
        EnumChange::ValueAdded(Sent) if REQUEST_ENUMS_EXHAUSTIVE => (
            NonBreaking,
            "every value callers send stays valid; the closed enum gains a variant to send",
        ),
        EnumChange::ValueAdded(Sent) => (NonBreaking, "every value callers send stays valid"),
        EnumChange::ValueAdded(Received) if RESPONSE_ENUMS_EXHAUSTIVE => (
            Breaking,
            "breaking because generated enums are exhaustive (a `match` without a wildcard misses the new variant)",
        ),
        EnumChange::ValueAdded(Received) => (
            NonBreaking,
            "response enums are `#[non_exhaustive]` and already kept such a value as `Unknown`",
        ),
        EnumChange::ValueRemoved(Sent) => (
            Breaking,
            "callers sending it are refused, and its Rust variant disappears",
        ),
        EnumChange::ValueRemoved(Received) => (
            Breaking,
            "never received any more, but its Rust variant disappears",
        ),
        EnumChange::ConstraintChanged => (
            Breaking,
            "the Rust type changes between a string and an enum",
        ),
        EnumChange::VariantAdded(Sent) => (NonBreaking, "every value callers send stays valid"),
        EnumChange::VariantAdded(Received) => (
            Breaking,
            "callers may receive values their code does not handle",
        ),
        EnumChange::VariantRemoved(_) => (Breaking, "its Rust variant disappears"),
    }
}

fn deprecation(change: DeprecationChange) -> (Class, &'static str) {
    match change {
        DeprecationChange {
            now_deprecated: true,
            property: true,
        } => (
            Class::NonBreaking,
            "it still works; its Rust field (and its setters, in request types) is \
             `#[deprecated]`, so the compiler warns code that uses it",
        ),
        DeprecationChange {
            now_deprecated: true,
            property: false,
        } => (
            Class::NonBreaking,
            "it still works; callers should move off it",
        ),
        DeprecationChange {
            now_deprecated: false,
            ..
        } => (Class::NonBreaking, "it is no longer deprecated"),
    }
}

fn security(change: SecurityChange) -> (Class, &'static str) {
    use Class::{Breaking, NonBreaking};
    match change {
        SecurityChange::SchemeAdded => (Breaking, "callers' credentials may not satisfy it"),
        SecurityChange::SchemeRemoved => (NonBreaking, "the server asks for less"),
        SecurityChange::SchemeChanged => (
            Breaking,
            "the server expects the credential in a way the old client does not send it",
        ),
        SecurityChange::ScopeAdded => (Breaking, "tokens without the scope are refused"),
        SecurityChange::ScopeRemoved => (NonBreaking, "the server asks for less"),
    }
}
