//! The model of the API: what the generator knows about each operation and
//! each object schema, analysed once (`lower` for operations, `schemas` for
//! schemas) and read by every emitter. Where progenitor's output must change,
//! the fact that asks for it is here.

use std::collections::BTreeMap;

/// The API: what every emitter reads.
pub(crate) struct Api {
    pub title: String,
    pub description: Option<String>,
    pub default_base_url: Option<String>,
    /// The security schemes some operation accepts, in the spec's order.
    pub security_schemes: Vec<Scheme>,
    pub operations: Vec<Operation>,
    /// `x-rate-limits`: windows the client keeps to.
    pub rate_windows: Vec<RateWindowSpec>,
    /// Where OAuth tokens are renewed: an `oauth2` scheme's refresh (or
    /// token) URL.
    pub oauth_token_url: Option<String>,
    /// Object schemas used by some operation, by Rust type name.
    pub schemas: BTreeMap<String, ObjectSchema>,
    /// The `oneOf`/`anyOf` schemas of `components/schemas`, by Rust type name.
    pub unions: BTreeMap<String, Union>,
}

/// One window of the spec's `x-rate-limits`: at most `requests` in any
/// window of `milliseconds`, with the response headers that report the
/// server's count. The runtime's `RateWindow` is its generated form.
pub(crate) struct RateWindowSpec {
    pub requests: u64,
    pub milliseconds: u64,
    pub limit_header: Option<String>,
    pub remaining_header: Option<String>,
}

/// A security scheme, by its name in `components/securitySchemes`.
pub(crate) struct Scheme {
    pub name: String,
    pub kind: CredentialKind,
}

/// How a scheme sends the caller's secret. The runtime's `Credential` is a
/// value of this kind. Schemes of one kind send the same thing the same
/// way, so one credential satisfies them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CredentialKind {
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth 2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic <base64 of user:password>` (HTTP basic).
    Basic,
    /// An `apiKey`: the key as the whole value of a header, a query
    /// parameter or a cookie named `name`.
    ApiKey { location: KeyLocation, name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyLocation {
    Header,
    Query,
    Cookie,
}

pub(crate) struct Operation {
    pub id: String,
    /// Lower-case, as in a path item: `get`, `put`…
    pub method: &'static str,
    pub path: String,
    /// The `components/schemas` name of the JSON or form request body, when
    /// it has one.
    pub request_body: Option<String>,
    /// The request body is `multipart/form-data`: the caller builds it as a
    /// form, which the facade encodes.
    pub multipart_body: bool,
    /// Names of the path parameters, as the spec spells them.
    pub path_parameters: Vec<String>,
    /// `x-rust-example`: a snippet for the method's documentation.
    pub rust_example: Option<String>,
    pub retry: Retry,
    pub constant_headers: Vec<(String, String)>,
    /// Query parameters written in a style of their own, by the name
    /// progenitor was shown.
    pub query_styles: Vec<(String, QueryStyle)>,
    /// Query and header parameters shown to progenitor under their
    /// `x-rust-name`: `(Rust name, wire name)`.
    pub renamed_parameters: Vec<(String, String)>,
    /// The alternatives of its `security` (or the root's) that the client
    /// can send: each the scheme names it needs together. Empty: no
    /// credential; an empty alternative (`{}`): none needed.
    pub security: Vec<Vec<String>>,
    pub responses: Vec<ResponseCase>,
}

/// How a query parameter that is not exploded `form` is written
/// (`runtime::QueryStyle` has the same variants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryStyle {
    /// `form` with `explode: false`: `a=1,2`.
    CommaDelimited,
    /// `a=1%202`.
    SpaceDelimited,
    /// `a=1|2`.
    PipeDelimited,
    /// `a[x]=1&a[y]=2`.
    DeepObject,
}

/// When the client may send an operation's request again.
pub(crate) enum Retry {
    /// An idempotent method.
    Idempotent,
    /// Other methods, unless the spec says when a repeat is safe.
    ConnectErrorsOnly,
    /// `x-retry-safe-when: {not-true: [...], all-present: [...], any-present: [...]}`.
    WhenBody {
        not_true: Vec<String>,
        all_present: Vec<String>,
        any_present: Vec<String>,
    },
}

pub(crate) struct ResponseCase {
    pub status: Status,
    pub description: String,
    pub body: Body,
    /// The media types of its `content`, as the spec writes them.
    pub media_types: Vec<String>,
    /// Where the spec declares the JSON body's schema, as a URI fragment:
    /// `#/components/schemas/X` for a `$ref` to it, else the inline
    /// schema's own place (before the pre-pass moved it).
    pub schema_location: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Status {
    Code(u16),
    /// `4XX` is `Range(4)`.
    Range(u16),
    Default,
}

impl Status {
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(class) => class == 2,
            Status::Default => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    None,
    /// Any JSON value: the media type declares no schema.
    AnyJson,
    /// A schema under `components/schemas`, by its name there.
    Schema(String),
    /// No JSON media type (`text/html`, `*/*`…): the body as received.
    Bytes,
}

/// Which way a schema's values travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// Only in request bodies: built by callers, sent exactly.
    Request,
    /// Only in answers: read tolerantly.
    Response,
    Both,
}

impl Flow {
    pub fn sent(self) -> bool {
        self != Flow::Response
    }

    pub fn received(self) -> bool {
        self != Flow::Request
    }
}

/// An object schema of `components/schemas` that some operation uses.
#[derive(Debug)]
pub(crate) struct ObjectSchema {
    /// Its name under `components/schemas`.
    pub name: String,
    pub flow: Flow,
    /// `x-rejected-properties`: the error body's messages name rejected
    /// properties.
    pub rejected: Option<RejectedProperties>,
    /// In the spec's order.
    pub fields: Vec<Field>,
    /// `additionalProperties` admits properties that `fields` do not name.
    pub open: bool,
}

impl ObjectSchema {
    pub fn field(&self, wire_name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|field| field.wire_name == wire_name)
    }
}

/// A `oneOf` or `anyOf` schema of `components/schemas`: typify makes it an
/// untagged enum with one variant per branch, in the spec's order.
#[derive(Debug)]
pub(crate) struct Union {
    /// Its name under `components/schemas`.
    pub name: String,
    /// Per branch: the name of the constructor it gives a request struct that
    /// holds the union (the branch's `title`, else `x-rust-constructor`), in
    /// snake case; `None` where the spec names none.
    pub constructors: Vec<Option<String>>,
}

/// `x-rejected-properties: {from, pattern}`.
#[derive(Debug, Clone)]
pub(crate) struct RejectedProperties {
    /// The property whose messages name rejected properties.
    pub from: String,
    /// The message, with `{}` where a name stands.
    pub pattern: String,
}

/// One property of an object schema.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub wire_name: String,
    /// `x-rust-name`: the Rust field's name, when the spec chooses it.
    pub rust_name: Option<String>,
    pub kind: FieldKind,
    pub required: bool,
    pub nullable: bool,
    /// The schema has a `default`.
    pub default: bool,
    /// The property's own schema (through `$ref`s) is `type: array`, so typify's field
    /// holds a `Vec`. `kind` may say `List` for more (a list behind `allOf`).
    pub array: bool,
    /// The string `format`, when any.
    pub format: Option<String>,
    /// The schema carries `x-allow-unlisted`: values outside its `enum` may
    /// be sent through an explicit escape hatch.
    pub unlisted: bool,
    /// `x-sensitive: true`: personal data, redacted in `Debug` output.
    pub sensitive: bool,
    /// The Rust type of the object schema this property (or its items)
    /// refers to: its own checks run too.
    pub object: Option<String>,
    /// The first sentence of its description.
    pub summary: String,
    /// `deprecated: true`, with its whole description (empty without one):
    /// the note of its `#[deprecated]`.
    pub deprecated: Option<String>,
}

impl Field {
    /// `format: email`: checked before sending.
    pub fn is_email(&self) -> bool {
        self.format.as_deref() == Some("email")
    }
}

/// The JSON shape of a property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldKind {
    String,
    Boolean,
    Integer,
    Number,
    Enum(Vec<String>),
    Object,
    List(Box<FieldKind>),
    /// `oneOf`, `anyOf`, no type: any JSON value as far as a table says.
    Any,
}
