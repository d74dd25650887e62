//! What the generator decides about a generated crate, for everyone who has
//! to agree with it: `cargo xtask diff` classes a spec change by what the
//! regenerated crate makes of it, so it reads these decisions here instead
//! of restating them. Each is a constant or a pure function over the spec's
//! JSON or over plain facts, so no caller needs the generator's own types.
//!
//! - which generated types are exhaustive;
//! - which header parameters the client sends by itself;
//! - the Rust name of a schema's type;
//! - which Rust type a property's struct field gets;
//! - how an OpenAPI document is read as JSON: the methods of a path item,
//!   JSON pointers, local `$ref`s.

use serde_json::Value;

use crate::error::Error;

/// Whether the structs of response bodies are exhaustive. They are not:
/// every generated struct is `#[non_exhaustive]`. APIs add properties
/// without notice; callers still read the public fields and match them
/// with `..`, so a property the API adds breaks no caller.
pub const RESPONSE_STRUCTS_EXHAUSTIVE: bool = false;

/// Whether request structs are exhaustive. They are not: callers build them
/// with `new(required…)` and the setters, never with struct literals, so an
/// optional property the API adds breaks no caller. `#[non_exhaustive]` was
/// chosen over private fields with getters: the fields stay readable and
/// the generated code stays small.
pub const REQUEST_STRUCTS_EXHAUSTIVE: bool = false;

/// Whether the enums of values that requests use are exhaustive. They are,
/// and closed: a request never sends a value the spec does not list. An
/// enum used in both directions is one of them.
pub const REQUEST_ENUMS_EXHAUSTIVE: bool = true;

/// Whether the enums of values only responses use are exhaustive. They are
/// not: they are `#[non_exhaustive]` and keep a value they do not list in an
/// `Unknown(String)` variant, because an answer that fails to decode would
/// turn a write the server applied into an error. A value the API adds
/// breaks no caller.
pub const RESPONSE_ENUMS_EXHAUSTIVE: bool = false;

/// Whether each operation's status enum (`UpdateContactError`) is
/// exhaustive. It is not: APIs add statuses over time, and a new one must
/// not break callers' matches.
pub const STATUS_ENUMS_EXHAUSTIVE: bool = false;

/// The value of a header the generated client sends on every request by
/// itself, or `None` when the parameter is an argument of the generated
/// method.
///
/// A header is constant when it is required and its schema is
/// `type: string` with exactly one allowed value: the caller has nothing to
/// choose, and an argument would only let them get it wrong. Only strings
/// qualify, because the client sends the value as the spec writes it;
/// another type with one allowed value (`type: integer`, `enum: [1]`) stays
/// an argument, as progenitor makes it.
///
/// `parameter` is a parameter object of `document`, or a `$ref` to one;
/// a `$ref` to its schema is followed too.
pub fn constant_header_value<'d>(document: &'d Value, parameter: &'d Value) -> Option<&'d str> {
    let (parameter, _) = follow_refs(document, parameter, String::new());
    let is_header = parameter.get("in").and_then(Value::as_str) == Some("header");
    let required = parameter.get("required").and_then(Value::as_bool) == Some(true);
    if !is_header || !required {
        return None;
    }
    let (schema, _) = follow_refs(document, parameter.get("schema")?, String::new());
    if schema.get("type").and_then(Value::as_str) != Some("string") {
        return None;
    }
    match schema.get("enum")?.as_array()?.as_slice() {
        [only] => only.as_str(),
        _ => None,
    }
}

/// The Rust type the generated crate gives the schema `name` of
/// `components/schemas`, under `types::`: typify's name for it.
pub fn schema_type_name(name: &str) -> String {
    crate::names::type_name(name)
}

/// Keys that document a schema without changing what it accepts or the
/// Rust type it gets.
pub const SCHEMA_DOCUMENTATION: [&str; 4] = ["description", "example", "title", "deprecated"];

/// The one part of a schema that is `allOf: [part]` with nothing else but
/// documentation: the way a spec documents a reference (`description`
/// beside a `$ref` is ignored in OpenAPI 3.0). The generated crate reads it
/// as the part itself: the field gets the referenced type.
pub fn documented_part(schema: &Value) -> Option<&Value> {
    let map = schema.as_object()?;
    let [part] = map.get("allOf")?.as_array()?.as_slice() else {
        return None;
    };
    map.keys()
        .all(|key| key == "allOf" || SCHEMA_DOCUMENTATION.contains(&key.as_str()))
        .then_some(part)
}

/// What the spec says about one property of an object schema, as far as
/// the Rust type of its struct field goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropertyFacts {
    /// The object is sent in a request body. A type used in both
    /// directions is one Rust type, so it follows the rules of requests.
    pub sent: bool,
    pub required: bool,
    pub nullable: bool,
    /// `type: array`.
    pub array: bool,
    /// The schema has a `default`.
    pub has_default: bool,
}

/// The struct field the generated crate gives a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldShape {
    /// `T`: always present.
    Required,
    /// `Option<T>` that is always present: `None` is `null`.
    RequiredNullable,
    /// `Nullable<T>`, in request types: absent, `null` or a value, because
    /// leaving a value alone and clearing it (`"email": null`) are
    /// different requests.
    Nullable,
    /// `Option<T>`: absent or a value. In request types this includes a
    /// property with a `default`, which is sent only when the caller sets
    /// it, so the server's default applies otherwise; in response types, a
    /// nullable one, whose `null` reads as `None`.
    Optional,
    /// `Option<Vec<T>>`, in request types: absent, or a list that is sent
    /// even when empty (`"tags": []` clears the tags).
    OptionalList,
    /// `T`, in types only responses use: a missing list reads as empty, a
    /// missing value with a `default` as that default.
    Defaulted,
}

impl FieldShape {
    /// The field's type around the property's own type `T`: `T`,
    /// `Option<T>` or `Nullable<T>`. Two shapes of the same form compile
    /// against the same caller code (an optional list is `Option<T>` with
    /// `T` a `Vec`).
    pub fn rust_type(self) -> &'static str {
        match self {
            FieldShape::Required | FieldShape::Defaulted => "T",
            FieldShape::RequiredNullable | FieldShape::Optional | FieldShape::OptionalList => {
                "Option<T>"
            }
            FieldShape::Nullable => "Nullable<T>",
        }
    }
}

/// The field a property becomes. Required fields are typify's in both
/// directions. Request types keep apart what typify merges: a value left
/// out, `null` and an empty list. Types only responses use keep typify's
/// fields, which read a missing list or defaulted value as its default.
pub fn field_shape(property: PropertyFacts) -> FieldShape {
    let PropertyFacts {
        sent,
        required,
        nullable,
        array,
        has_default,
    } = property;
    if required {
        if nullable {
            FieldShape::RequiredNullable
        } else {
            FieldShape::Required
        }
    } else if sent && nullable {
        FieldShape::Nullable
    } else if sent && array {
        FieldShape::OptionalList
    } else if !sent && !nullable && (array || has_default) {
        FieldShape::Defaulted
    } else {
        FieldShape::Optional
    }
}

/// The keys of a path item that hold operations (OpenAPI 3.0), in the
/// order `openapiv3::PathItem::iter` yields them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One segment of a JSON pointer, escaped (RFC 6901): `~` as `~0`, `/` as
/// `~1`, so that a path such as `/contacts` stays one segment.
pub fn escape_pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The text an escaped pointer segment stands for.
pub fn unescape_pointer_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// A JSON pointer from its segments: `["paths", "/contacts"]` gives
/// `/paths/~1contacts`.
pub fn pointer<I, S>(segments: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    segments
        .into_iter()
        .map(|segment| format!("/{}", escape_pointer_segment(segment.as_ref())))
        .collect()
}

/// How many `$ref`s in a row are followed before the chain is taken for a
/// loop: far more than a spec's references to references need.
const MAX_REF_CHAIN: usize = 32;

/// Follows local `$ref`s from `value`, which sits at `pointer` in
/// `document`, to the value they name, and returns it with its pointer.
/// OpenAPI 3.0 ignores a reference's other keys, so any object with a
/// `$ref` is followed. A reference that leaves the document or names
/// nothing ends the walk at the value that holds it; a loop ends it after
/// `MAX_REF_CHAIN` references.
pub fn follow_refs<'d>(
    document: &'d Value,
    mut value: &'d Value,
    mut pointer: String,
) -> (&'d Value, String) {
    for _ in 0..MAX_REF_CHAIN {
        let Some(target) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix('#'))
            .and_then(|fragment| local_target(document, fragment))
        else {
            break;
        };
        (value, pointer) = target;
    }
    (value, pointer)
}

/// The value a pointer names in `document`, with the pointer written the
/// way [`pointer`] writes it.
fn local_target<'d>(document: &'d Value, fragment: &str) -> Option<(&'d Value, String)> {
    if fragment.is_empty() {
        return Some((document, String::new()));
    }
    let segments = fragment.strip_prefix('/')?.split('/');
    let mut found = document;
    let mut at = String::new();
    for segment in segments.map(unescape_pointer_segment) {
        found = match found {
            Value::Object(map) => map.get(&segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
        at.push('/');
        at.push_str(&escape_pointer_segment(&segment));
    }
    Some((found, at))
}

/// Follows `target` (and any reference it lands on) to a value that is not a
/// bare reference, or says why it cannot, located where the first reference
/// was written (`here`): the strict reading that validation and repairs
/// need, where [`follow_refs`] stops quietly.
pub(crate) fn resolve_ref<'a>(
    doc: &'a Value,
    target: &str,
    here: &str,
) -> Result<&'a Value, Error> {
    let mut seen = vec![target.to_owned()];
    let mut current = target;
    loop {
        let Some(local) = current.strip_prefix('#') else {
            return Err(Error::at(
                here,
                format!(
                    "`$ref: {current}` points outside this document; external references are not supported"
                ),
            ));
        };
        let Some(found) = doc.pointer(local) else {
            return Err(Error::at(
                here,
                format!("`$ref: {current}` points at nothing"),
            ));
        };
        match found.get("$ref").and_then(Value::as_str) {
            Some(next) if found.as_object().is_some_and(|m| m.len() == 1) => {
                if seen.iter().any(|s| s == next) {
                    return Err(Error::at(
                        here,
                        format!("`$ref` cycle: {} -> {next}", seen.join(" -> ")),
                    ));
                }
                seen.push(next.to_owned());
                current = next;
            }
            _ => return Ok(found),
        }
    }
}

/// The parameter names a path template holds: `contactId` for
/// `/contacts/{contactId}`.
pub fn template_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn header(schema: Value) -> Value {
        json!({"name": "Version", "in": "header", "required": true, "schema": schema})
    }

    #[test]
    fn a_required_header_with_one_allowed_string_is_constant() {
        let document = json!({
            "components": {"schemas": {"Version": {"type": "string", "enum": ["2021-07-28"]}}}
        });
        let direct = header(json!({"type": "string", "enum": ["2021-07-28"]}));
        let by_ref = header(json!({"$ref": "#/components/schemas/Version"}));
        assert_eq!(
            constant_header_value(&document, &direct),
            Some("2021-07-28")
        );
        assert_eq!(
            constant_header_value(&document, &by_ref),
            Some("2021-07-28")
        );
    }

    #[test]
    fn other_one_value_parameters_are_arguments() {
        let document = json!({});
        let one_string = json!({"type": "string", "enum": ["sdk"]});
        let mut optional = header(one_string.clone());
        optional["required"] = json!(false);
        let mut query = header(one_string);
        query["in"] = json!("query");
        for parameter in [
            header(json!({"type": "integer", "enum": [1]})),
            header(json!({"enum": ["sdk"]})),
            header(json!({"type": "string", "enum": ["sdk", null]})),
            optional,
            query,
        ] {
            assert_eq!(
                constant_header_value(&document, &parameter),
                None,
                "{parameter}"
            );
        }
    }

    /// The shape of an optional, non-nullable scalar property of a request
    /// type (`sent`) or a response-only type, once `edit` changes its facts.
    fn shape_of(sent: bool, edit: impl FnOnce(&mut PropertyFacts)) -> FieldShape {
        let mut facts = PropertyFacts {
            sent,
            required: false,
            nullable: false,
            array: false,
            has_default: false,
        };
        edit(&mut facts);
        field_shape(facts)
    }

    #[test]
    fn request_fields_keep_absent_null_and_empty_apart() {
        use FieldShape::*;
        assert_eq!(shape_of(true, |_| {}), Optional);
        assert_eq!(shape_of(true, |p| p.nullable = true), Nullable);
        assert_eq!(shape_of(true, |p| p.array = true), OptionalList);
        assert_eq!(shape_of(true, |p| p.has_default = true), Optional);
        assert_eq!(shape_of(true, |p| p.required = true), Required);
        let required_nullable = |p: &mut PropertyFacts| (p.required, p.nullable) = (true, true);
        assert_eq!(shape_of(true, required_nullable), RequiredNullable);
    }

    #[test]
    fn response_only_fields_read_missing_lists_and_defaults_as_values() {
        use FieldShape::*;
        assert_eq!(shape_of(false, |_| {}), Optional);
        assert_eq!(shape_of(false, |p| p.nullable = true), Optional);
        assert_eq!(shape_of(false, |p| p.array = true), Defaulted);
        assert_eq!(shape_of(false, |p| p.has_default = true), Defaulted);
        let nullable_list = |p: &mut PropertyFacts| (p.array, p.nullable) = (true, true);
        assert_eq!(shape_of(false, nullable_list), Optional);
        assert_eq!(shape_of(false, |p| p.required = true), Required);
    }

    #[test]
    fn a_documented_one_part_all_of_is_its_part() {
        let part = json!({"$ref": "#/components/schemas/Task"});
        let documented = json!({"description": "The task.", "example": {}, "allOf": [part]});
        assert_eq!(documented_part(&documented), Some(&part));
        for other in [
            json!({"nullable": true, "allOf": [part]}),
            json!({"allOf": [part, {"type": "object"}]}),
            part.clone(),
        ] {
            assert_eq!(documented_part(&other), None, "{other}");
        }
    }

    #[test]
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(pointer(["paths", "/a~b/{id}"]), "/paths/~1a~0b~1{id}");
        assert_eq!(unescape_pointer_segment("~1a~0b~01"), "/a~b~1");
    }

    #[test]
    fn refs_are_followed_to_their_target_and_its_pointer() {
        let document = json!({
            "components": {"schemas": {
                "A/B": {"$ref": "#/components/schemas/C"},
                "C": {"type": "string"},
                "Loop": {"$ref": "#/components/schemas/Loop"},
            }},
            "list": [{"$ref": "#/components/schemas/A~1B"}],
        });
        let first = &document["list"][0];
        let (found, at) = follow_refs(&document, first, "/list/0".to_owned());
        assert_eq!(
            (found, at.as_str()),
            (&json!({"type": "string"}), "/components/schemas/C")
        );

        let dangling = json!({"$ref": "#/components/schemas/Missing"});
        let (found, at) = follow_refs(&document, &dangling, "/here".to_owned());
        assert_eq!((found, at.as_str()), (&dangling, "/here"));

        let looping = &document["components"]["schemas"]["Loop"];
        let (found, _) = follow_refs(&document, looping, String::new());
        assert_eq!(found, looping);
    }
}
