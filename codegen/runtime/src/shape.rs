//! The answers the spec declares, as constant tables a generated crate
//! emits (its `shapes` module): per operation, each status with its media
//! types and the shape of its JSON body, property by property. Decoding
//! checks an answer against them (`conform`), and drift recording compares
//! it with them.

/// What an operation's spec declares it answers.
pub struct OperationAnswers {
    /// The spec's `operationId`.
    pub operation: &'static str,
    pub answers: &'static [DeclaredAnswer],
}

/// One declared response: a status, its media types, and the schema of
/// its JSON body when it has one.
pub struct DeclaredAnswer {
    pub status: StatusPattern,
    /// The media types of its `content`, as the spec writes them.
    pub media_types: &'static [&'static str],
    pub body: Option<BodyShape>,
}

/// A status as the spec declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusPattern {
    Code(u16),
    /// `4XX` is `Range(4)`.
    Range(u16),
    Default,
}

/// The schema of a JSON body: where the spec declares it (a URI fragment,
/// `#/components/schemas/X` or the inline schema's own place) and its shape.
pub struct BodyShape {
    pub location: &'static str,
    pub value: ValueShape,
}

/// An object schema's properties. `open` when its `additionalProperties`
/// admits properties it does not name.
pub struct ObjectShape {
    pub properties: &'static [PropertyShape],
    pub open: bool,
}

pub struct PropertyShape {
    /// The property's name on the wire.
    pub name: &'static str,
    pub required: bool,
    /// `x-sensitive`: no value under it is ever recorded, an unlisted enum
    /// value included.
    pub sensitive: bool,
    pub value: ValueShape,
}

/// What a value may be: its kind, whether `null` is allowed, and the
/// string `format` the spec gives.
pub struct ValueShape {
    pub kind: ShapeKind,
    pub nullable: bool,
    pub format: Option<&'static str>,
}

pub enum ShapeKind {
    String,
    Integer,
    Number,
    Boolean,
    /// A string of these values.
    Enum(&'static [&'static str]),
    /// An object schema whose properties are known.
    Object(&'static ObjectShape),
    /// An object whose properties are not tabled (inline, or a map).
    AnyObject,
    List(&'static ValueShape),
    /// Unions and schemas without a type: any JSON value.
    Any,
}

/// Constructors that keep a crate's tables one line per property.
impl ValueShape {
    pub const fn new(kind: ShapeKind) -> Self {
        ValueShape {
            kind,
            nullable: false,
            format: None,
        }
    }

    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    pub const fn format(mut self, format: &'static str) -> Self {
        self.format = Some(format);
        self
    }
}

impl PropertyShape {
    pub const fn optional(name: &'static str, value: ValueShape) -> Self {
        PropertyShape {
            name,
            required: false,
            sensitive: false,
            value,
        }
    }

    pub const fn required(name: &'static str, value: ValueShape) -> Self {
        PropertyShape {
            required: true,
            ..PropertyShape::optional(name, value)
        }
    }

    pub const fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
}

impl StatusPattern {
    fn matches(self, status: u16) -> bool {
        match self {
            StatusPattern::Code(code) => code == status,
            StatusPattern::Range(class) => status / 100 == class,
            StatusPattern::Default => true,
        }
    }

    /// A status taken by this pattern's answer, for the record: a range or
    /// `default` names none.
    pub fn code(self) -> Option<u16> {
        match self {
            StatusPattern::Code(code) => Some(code),
            _ => None,
        }
    }
}

impl OperationAnswers {
    /// The answer declared for `status`: its code, else its range, else
    /// `default`, as OpenAPI orders them.
    pub fn declared(&self, status: u16) -> Option<&'static DeclaredAnswer> {
        let answers: &'static [DeclaredAnswer] = self.answers;
        let with = |wanted: fn(StatusPattern) -> bool| {
            answers
                .iter()
                .find(|answer| wanted(answer.status) && answer.status.matches(status))
        };
        with(|pattern| matches!(pattern, StatusPattern::Code(_)))
            .or_else(|| with(|pattern| matches!(pattern, StatusPattern::Range(_))))
            .or_else(|| with(|pattern| pattern == StatusPattern::Default))
    }

    /// The body a status decodes as: its declared answer's, or for an
    /// undeclared 2xx the one body every declared success shares (the
    /// generated decoder reads a 201 as the 200 when they are alike).
    pub fn body_for(&self, status: u16) -> Option<&'static BodyShape> {
        if let Some(answer) = self.declared(status) {
            return answer.body.as_ref();
        }
        if !(200..300).contains(&status) {
            return None;
        }
        let answers: &'static [DeclaredAnswer] = self.answers;
        let mut successes = answers.iter().filter(|answer| {
            answer
                .status
                .code()
                .is_some_and(|c| (200..300).contains(&c))
        });
        let first = successes.next()?.body.as_ref()?;
        successes
            .all(|answer| {
                answer
                    .body
                    .as_ref()
                    .is_some_and(|body| body.location == first.location)
            })
            .then_some(first)
    }
}
