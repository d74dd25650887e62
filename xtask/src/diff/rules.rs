//! The one table that classes a spec change for existing callers of the
//! generated crate. Callers are affected twice: on the wire (what the server
//! now accepts and returns) and in Rust (what still compiles against the
//! regenerated types). A change is breaking when either breaks.
//!
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

impl Class {
    pub fn label(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::NonBreaking => "non-breaking",
        }
    }
}

/// Which way the changed data flows: what callers send, or what they
/// receive. Widening what is sent is safe; widening what is received is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Request,
    Response,
}

/// What changed in an operation. `rust_type_changes` says whether the
/// generated field's type flips between `T` and `Option<T>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    OperationAdded,
    OperationRemoved,
    PathChanged,
    MethodChanged,
    OperationIdChanged,
    /// `constant`: a header the client sends by itself instead of taking
    /// it as an argument (`codegen::rules::constant_header_value`).
    ParameterAdded {
        constant: bool,
    },
    ParameterRemoved {
        constant: bool,
    },
    ParameterRequiredChanged {
        now_required: bool,
    },
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyRequiredChanged {
        now_required: bool,
    },
    MediaTypeAdded(Direction),
    MediaTypeRemoved(Direction),
    StatusAdded,
    StatusRemoved,
    ResponseHeaderAdded,
    ResponseHeaderRemoved,
    PropertyAdded {
        direction: Direction,
        required: bool,
    },
    PropertyRemoved(Direction),
    RequiredChanged {
        direction: Direction,
        now_required: bool,
        rust_type_changes: bool,
    },
    NullableChanged {
        direction: Direction,
        now_nullable: bool,
        rust_type_changes: bool,
    },
    TypeChanged,
    FormatChanged,
    EnumValueAdded(Direction),
    EnumValueRemoved(Direction),
    /// A schema gained or lost its `enum` list: a string type becomes a
    /// Rust enum, or the reverse.
    EnumConstraintChanged,
    /// A `oneOf`/`anyOf` alternative.
    VariantAdded(Direction),
    VariantRemoved(Direction),
    AdditionalPropertiesChanged,
    SecuritySchemeAdded,
    SecuritySchemeRemoved,
    SecuritySchemeChanged,
    ScopeAdded,
    ScopeRemoved,
}

/// The class of a change and why, for the report.
pub fn classify(kind: Kind) -> (Class, &'static str) {
    use Class::{Breaking, NonBreaking};
    use Direction::{Request, Response};
    match kind {
        Kind::OperationAdded => (NonBreaking, "a new method on `Client`"),
        Kind::OperationRemoved => (Breaking, "its method on `Client` is gone"),
        Kind::PathChanged | Kind::MethodChanged => (
            Breaking,
            "the request goes elsewhere; servers of the old API refuse it",
        ),
        Kind::OperationIdChanged => (Breaking, "its method on `Client` is renamed"),
        Kind::ParameterAdded { constant: true } => {
            (NonBreaking, "a constant header the client sends by itself")
        }
        Kind::ParameterAdded { constant: false } => (
            Breaking,
            "generated methods take every parameter as a positional argument",
        ),
        Kind::ParameterRemoved { constant: true } => {
            (NonBreaking, "a constant header the client no longer sends")
        }
        Kind::ParameterRemoved { constant: false } => (
            Breaking,
            "its argument disappears from the generated method",
        ),
        Kind::ParameterRequiredChanged { .. } => (
            Breaking,
            "the argument's type flips between `T` and `Option<T>`",
        ),
        Kind::RequestBodyAdded => (Breaking, "the generated method takes a new `body` argument"),
        Kind::RequestBodyRemoved => (Breaking, "the generated method loses its `body` argument"),
        Kind::RequestBodyRequiredChanged { now_required: true } => {
            (Breaking, "requests without a body are refused")
        }
        Kind::RequestBodyRequiredChanged {
            now_required: false,
        } => (NonBreaking, "existing requests stay valid"),
        Kind::MediaTypeAdded(_) => (NonBreaking, "the existing media types stay"),
        Kind::MediaTypeRemoved(Request) => (Breaking, "requests in that media type are refused"),
        Kind::MediaTypeRemoved(Response) => (Breaking, "callers decoding it no longer get it"),
        Kind::StatusAdded if STATUS_ENUMS_EXHAUSTIVE => (
            Breaking,
            "the operation's status enum gains a variant and is exhaustive",
        ),
        Kind::StatusAdded => (
            NonBreaking,
            "the operation's status enum is `#[non_exhaustive]`",
        ),
        Kind::StatusRemoved => (Breaking, "its variant disappears from the status enum"),
        Kind::ResponseHeaderAdded => (NonBreaking, "headers are read by name"),
        Kind::ResponseHeaderRemoved => (Breaking, "callers reading it no longer get it"),
        Kind::PropertyAdded {
            direction: Request,
            required: true,
        } => (Breaking, "callers must now send it"),
        Kind::PropertyAdded {
            direction: Request,
            required: false,
        } if REQUEST_STRUCTS_EXHAUSTIVE => (
            Breaking,
            "breaking because generated request structs are exhaustive (struct literals must name it)",
        ),
        Kind::PropertyAdded {
            direction: Request,
            required: false,
        } => (NonBreaking, "existing requests stay valid"),
        Kind::PropertyAdded {
            direction: Response,
            ..
        } if RESPONSE_STRUCTS_EXHAUSTIVE => (
            Breaking,
            "breaking because generated response structs are exhaustive (struct literals and patterns must name it)",
        ),
        Kind::PropertyAdded {
            direction: Response,
            ..
        } => (
            NonBreaking,
            "generated response structs are `#[non_exhaustive]`",
        ),
        Kind::PropertyRemoved(Request) => (
            Breaking,
            "its Rust field disappears and the server refuses it",
        ),
        Kind::PropertyRemoved(Response) => (
            Breaking,
            "its Rust field disappears; callers reading it break",
        ),
        Kind::RequiredChanged {
            direction: Request,
            now_required: true,
            rust_type_changes: true,
        } => (
            Breaking,
            "requests without it are refused, and its Rust type changes (now `T`, or `Option<T>` when nullable)",
        ),
        Kind::RequiredChanged {
            direction: Request,
            now_required: true,
            rust_type_changes: false,
        } => (
            Breaking,
            "requests without it are refused; its Rust type stays `Option<T>`, so the compiler does not point at callers that leave it `None`",
        ),
        Kind::RequiredChanged {
            direction: Response,
            now_required: false,
            ..
        } => (Breaking, "responses may lack it"),
        Kind::RequiredChanged {
            rust_type_changes: true,
            ..
        } => (
            Breaking,
            "its Rust type changes (between `T`, `Option<T>` and `Nullable<T>`)",
        ),
        Kind::RequiredChanged {
            direction: Request, ..
        } => (
            NonBreaking,
            "existing requests stay valid and its Rust type stays `Option<T>`",
        ),
        Kind::RequiredChanged { .. } => (
            NonBreaking,
            "responses always carry it now, and its Rust type stays `Option<T>`",
        ),
        Kind::NullableChanged {
            direction: Request,
            now_nullable: false,
            ..
        } => (Breaking, "requests sending `null` are refused"),
        Kind::NullableChanged {
            rust_type_changes: true,
            ..
        } => (
            Breaking,
            "its Rust type changes (between `T`, `Option<T>` and `Nullable<T>`)",
        ),
        Kind::NullableChanged { .. } => (
            NonBreaking,
            "its Rust type stays `Option<T>`, which already holds a missing or `null` value",
        ),
        Kind::TypeChanged => (Breaking, "values of the old type are refused or misread"),
        Kind::FormatChanged => (
            Breaking,
            "values of the old format are refused or misread, and the Rust type may change",
        ),
        Kind::EnumValueAdded(Request) if REQUEST_ENUMS_EXHAUSTIVE => (
            NonBreaking,
            "every value callers send stays valid; the closed enum gains a variant to send",
        ),
        Kind::EnumValueAdded(Request) => (NonBreaking, "every value callers send stays valid"),
        Kind::EnumValueAdded(Response) if RESPONSE_ENUMS_EXHAUSTIVE => (
            Breaking,
            "breaking because generated enums are exhaustive (a `match` without a wildcard misses the new variant)",
        ),
        Kind::EnumValueAdded(Response) => (
            NonBreaking,
            "response enums are `#[non_exhaustive]` and already kept such a value as `Unknown`",
        ),
        Kind::EnumValueRemoved(Request) => (
            Breaking,
            "callers sending it are refused, and its Rust variant disappears",
        ),
        Kind::EnumValueRemoved(Response) => (
            Breaking,
            "never received any more, but its Rust variant disappears",
        ),
        Kind::EnumConstraintChanged => (
            Breaking,
            "the Rust type changes between a string and an enum",
        ),
        Kind::VariantAdded(Request) => (NonBreaking, "every value callers send stays valid"),
        Kind::VariantAdded(Response) => (
            Breaking,
            "callers may receive values their code does not handle",
        ),
        Kind::VariantRemoved(_) => (Breaking, "its Rust variant disappears"),
        Kind::AdditionalPropertiesChanged => (
            Breaking,
            "the generated type may change (a struct or a map, open or closed)",
        ),
        Kind::SecuritySchemeAdded => (Breaking, "callers' credentials may not satisfy it"),
        Kind::SecuritySchemeRemoved => (NonBreaking, "the server asks for less"),
        Kind::SecuritySchemeChanged => (
            Breaking,
            "the server expects the credential in a way the old client does not send it",
        ),
        Kind::ScopeAdded => (Breaking, "tokens without the scope are refused"),
        Kind::ScopeRemoved => (NonBreaking, "the server asks for less"),
    }
}
