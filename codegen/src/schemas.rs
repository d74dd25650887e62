//! Reads every object schema that an operation sends or receives into the
//! model: per property its wire name, kind, required, nullable, default,
//! format, checks and sensitivity, and per schema which way it flows.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};

use crate::error::Error;
use crate::model::{Body, Field, FieldKind, Flow, ObjectSchema, Operation, RejectedProperties};
use crate::names;
use crate::rules::pointer;

/// The object schemas `operations` use, keyed by Rust type name.
pub(crate) fn analyse(
    spec: &OpenAPI,
    operations: &[Operation],
) -> Result<BTreeMap<String, ObjectSchema>, Error> {
    let Some(components) = &spec.components else {
        return Ok(BTreeMap::new());
    };
    let request_roots = operations.iter().filter_map(|op| op.request_body.clone());
    let response_roots = operations
        .iter()
        .flat_map(|op| &op.responses)
        .filter_map(|case| match &case.body {
            Body::Schema(name) => Some(name.clone()),
            _ => None,
        });
    let requests = reachable(components, request_roots);
    let responses = reachable(components, response_roots);

    let mut schemas = BTreeMap::new();
    for (name, schema) in &components.schemas {
        let Some(schema) = schema.as_item() else {
            continue;
        };
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            continue;
        };
        let flow = match (requests.contains(name), responses.contains(name)) {
            (true, true) => Flow::Both,
            (true, false) => Flow::Request,
            (false, true) => Flow::Response,
            (false, false) => continue,
        };
        let fields = object
            .properties
            .iter()
            .map(|(wire, property)| {
                let required = object.required.contains(wire);
                field(components, name, wire, required, property)
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let rejected = rejected_properties(name, schema, &fields)?;
        let open = match &object.additional_properties {
            None | Some(AdditionalProperties::Any(false)) => false,
            Some(AdditionalProperties::Any(true) | AdditionalProperties::Schema(_)) => true,
        };
        schemas.insert(
            names::type_name(name),
            ObjectSchema {
                name: name.clone(),
                flow,
                rejected,
                fields,
                open,
            },
        );
    }
    Ok(schemas)
}

fn field(
    components: &openapiv3::Components,
    owner: &str,
    wire: &str,
    required: bool,
    property: &ReferenceOr<Box<Schema>>,
) -> Result<Field, Error> {
    let schema = resolve(components, property);
    let rust_name = match property {
        ReferenceOr::Item(schema) => match schema.schema_data.extensions.get("x-rust-name") {
            None => None,
            // An identifier, and not a keyword: `syn` parses exactly those.
            Some(name) => match name
                .as_str()
                .filter(|name| syn::parse_str::<syn::Ident>(name).is_ok())
            {
                Some(valid) => Some(valid.to_owned()),
                None => {
                    return Err(Error::at(
                        pointer([
                            "components",
                            "schemas",
                            owner,
                            "properties",
                            wire,
                            "x-rust-name",
                        ]),
                        format!("`{name}` is not a Rust identifier"),
                    ));
                }
            },
        },
        ReferenceOr::Reference { .. } => None,
    };
    let sensitive = sensitive(owner, wire, property)?;
    let description = match property {
        ReferenceOr::Item(schema) => schema.schema_data.description.as_deref(),
        ReferenceOr::Reference { .. } => None,
    }
    .or_else(|| schema.and_then(|schema| schema.schema_data.description.as_deref()));
    Ok(Field {
        wire_name: wire.to_owned(),
        rust_name,
        kind: kind(components, property, 0),
        required,
        nullable: schema.is_some_and(|schema| schema.schema_data.nullable),
        default: schema.is_some_and(|schema| schema.schema_data.default.is_some()),
        array: schema
            .is_some_and(|schema| matches!(schema.schema_kind, SchemaKind::Type(Type::Array(_)))),
        format: schema.and_then(string_format),
        unlisted: schema.is_some_and(|schema| {
            schema.schema_data.extensions.get("x-allow-unlisted")
                == Some(&serde_json::Value::Bool(true))
        }),
        sensitive,
        object: schema
            .and_then(|schema| object_reference(property, schema))
            .and_then(schema_name)
            .filter(|name| is_object(components, name))
            .map(names::type_name),
        summary: description.map(first_sentence).unwrap_or_default(),
        deprecated: is_deprecated(property)
            .then(|| description.map(str::trim).unwrap_or_default().to_owned()),
    })
}

/// `deprecated: true` on the property itself (a `$ref` carries no other
/// keys in OpenAPI 3.0).
fn is_deprecated(property: &ReferenceOr<Box<Schema>>) -> bool {
    match property {
        ReferenceOr::Item(schema) => schema.schema_data.deprecated,
        ReferenceOr::Reference { .. } => false,
    }
}

/// `x-sensitive` on the property (like `x-rust-name`, it is read where the
/// property is declared): a boolean.
fn sensitive(owner: &str, wire: &str, property: &ReferenceOr<Box<Schema>>) -> Result<bool, Error> {
    let ReferenceOr::Item(schema) = property else {
        return Ok(false);
    };
    match schema.schema_data.extensions.get("x-sensitive") {
        None => Ok(false),
        Some(serde_json::Value::Bool(sensitive)) => Ok(*sensitive),
        Some(other) => Err(Error::at(
            pointer([
                "components",
                "schemas",
                owner,
                "properties",
                wire,
                "x-sensitive",
            ]),
            format!("must be `true` or `false`, not `{other}`"),
        )),
    }
}

/// How deep `kind` follows lists and one-element `allOf`s: a schema that
/// is a list of itself stops there.
const KIND_DEPTH: usize = 8;

fn kind(
    components: &openapiv3::Components,
    property: &ReferenceOr<Box<Schema>>,
    depth: usize,
) -> FieldKind {
    match resolve(components, property) {
        Some(schema) => schema_kind(components, schema, depth),
        None => FieldKind::Any,
    }
}

fn schema_kind(components: &openapiv3::Components, schema: &Schema, depth: usize) -> FieldKind {
    if depth > KIND_DEPTH {
        return FieldKind::Any;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            let values: Vec<String> = string.enumeration.iter().flatten().cloned().collect();
            if values.is_empty() {
                FieldKind::String
            } else {
                FieldKind::Enum(values)
            }
        }
        SchemaKind::Type(Type::Boolean(_)) => FieldKind::Boolean,
        SchemaKind::Type(Type::Integer(_)) => FieldKind::Integer,
        SchemaKind::Type(Type::Number(_)) => FieldKind::Number,
        SchemaKind::Type(Type::Object(_)) => FieldKind::Object,
        SchemaKind::Type(Type::Array(array)) => match &array.items {
            Some(items) => FieldKind::List(Box::new(kind(components, items, depth + 1))),
            None => FieldKind::List(Box::new(FieldKind::Any)),
        },
        // `allOf: [$ref]` is how a spec documents a reference; typify
        // gives it the referenced type.
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
            let only = match &all_of[0] {
                ReferenceOr::Item(schema) => Some(schema),
                ReferenceOr::Reference { reference } => schema_name(reference)
                    .and_then(|name| components.schemas.get(name))
                    .and_then(ReferenceOr::as_item),
            };
            only.map_or(FieldKind::Any, |schema| {
                schema_kind(components, schema, depth + 1)
            })
        }
        _ => FieldKind::Any,
    }
}

fn string_format(schema: &Schema) -> Option<String> {
    let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
        return None;
    };
    match &string.format {
        VariantOrUnknownOrEmpty::Item(format) => serde_json::to_value(format)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned)),
        VariantOrUnknownOrEmpty::Unknown(format) => Some(format.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// The first sentence of a description's first paragraph, on one line. A
/// sentence ends at a period followed by a space and a capital letter (or code
/// in backticks), unless
/// the period ends a number (`1. Open`) or an abbreviation (`e.g. Foo`).
fn first_sentence(description: &str) -> String {
    let paragraph = description.split("\n\n").next().unwrap_or_default();
    let line = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    let words: Vec<&str> = line.split(' ').collect();
    let mut sentence = Vec::new();
    for (index, word) in words.iter().enumerate() {
        sentence.push(*word);
        let next_is_capital = words
            .get(index + 1)
            .and_then(|next| next.chars().next())
            .is_some_and(|c| c.is_uppercase() || c == '`');
        let before_period = word.strip_suffix('.').unwrap_or_default();
        let abbreviation = before_period.contains('.') || before_period.len() <= 1;
        let number = before_period.chars().all(|c| c.is_ascii_digit());
        if word.ends_with('.') && next_is_capital && !abbreviation && !number {
            break;
        }
    }
    sentence.join(" ")
}

fn rejected_properties(
    name: &str,
    schema: &Schema,
    fields: &[Field],
) -> Result<Option<RejectedProperties>, Error> {
    let Some(rule) = schema.schema_data.extensions.get("x-rejected-properties") else {
        return Ok(None);
    };
    let text = |key: &str| rule.get(key).and_then(serde_json::Value::as_str);
    match (text("from"), text("pattern")) {
        (Some(from), Some(pattern))
            if fields.iter().any(|field| field.wire_name == from)
                && pattern.matches("{}").count() == 1 =>
        {
            Ok(Some(RejectedProperties {
                from: from.to_owned(),
                pattern: pattern.to_owned(),
            }))
        }
        _ => Err(Error::at(
            pointer(["components", "schemas", name, "x-rejected-properties"]),
            "must be {from: <a property of this schema>, pattern: <text with one `{}`>}",
        )),
    }
}

/// The `$ref` of a property, or of its items when it is an array.
fn object_reference<'s>(
    property: &'s ReferenceOr<Box<Schema>>,
    schema: &'s Schema,
) -> Option<&'s str> {
    let reference = match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => array.items.as_ref()?,
        _ => property,
    };
    match reference {
        ReferenceOr::Reference { reference } => Some(reference),
        ReferenceOr::Item(_) => None,
    }
}

fn is_object(components: &openapiv3::Components, name: &str) -> bool {
    components
        .schemas
        .get(name)
        .and_then(ReferenceOr::as_item)
        .is_some_and(|schema| matches!(schema.schema_kind, SchemaKind::Type(Type::Object(_))))
}

fn schema_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

fn resolve<'s>(
    components: &'s openapiv3::Components,
    schema: &'s ReferenceOr<Box<Schema>>,
) -> Option<&'s Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema),
        ReferenceOr::Reference { reference } => {
            components.schemas.get(schema_name(reference)?)?.as_item()
        }
    }
}

/// Names of the component schemas reachable from `roots` through `$ref`s.
fn reachable(
    components: &openapiv3::Components,
    roots: impl Iterator<Item = String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<String> = roots.collect();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = components.schemas.get(&name) {
            let value = serde_json::to_value(schema).unwrap_or_default();
            collect_refs(&value, &mut pending);
        }
    }
    seen
}

fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(|r| r.as_str())
                .and_then(schema_name)
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|child| collect_refs(child, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|child| collect_refs(child, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn a_summary_is_the_first_sentence_of_the_first_paragraph() {
        for (description, summary) in [
            ("Email address. Used to match.", "Email address."),
            ("One\nline, two.\n\nAnother paragraph.", "One line, two."),
            ("A code, e.g. US. Listed values only.", "A code, e.g. US."),
            ("Steps: 1. Open it. Then close.", "Steps: 1. Open it."),
            ("Version 2.1 of it. More.", "Version 2.1 of it."),
            ("On if set. `false` is off.", "On if set."),
            ("", ""),
        ] {
            assert_eq!(first_sentence(description), summary, "{description:?}");
        }
    }
}
