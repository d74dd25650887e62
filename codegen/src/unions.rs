//! `oneOf` and `anyOf` schemas, read from the document: what each branch is
//! called, for the constructors of the structs that hold them, and which
//! branches can never be chosen.
//!
//! typify makes such a schema an untagged enum, and serde tries an untagged
//! enum's variants in order: of two branches that accept the same JSON, the
//! second is never chosen.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use serde_json::{Map, Value};

use crate::Repair;
use crate::bundle::is_data;
use crate::model::Union;
use crate::names;
use crate::rules::{follow_refs, pointer};

/// The extension that names a branch's constructor where it has no `title`.
pub(crate) const CONSTRUCTOR_EXTENSION: &str = "x-rust-constructor";

/// Keys that say nothing about which JSON a schema accepts.
const ANNOTATIONS: &[&str] = &["description", "example", "examples", "title"];

/// The unions of `components/schemas`, by the Rust name of their type.
pub(crate) fn analyse(document: &Value) -> BTreeMap<String, Union> {
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return BTreeMap::new();
    };
    let mut unions = BTreeMap::new();
    for (name, schema) in schemas {
        let Some(branches) = union_branches(schema) else {
            continue;
        };
        let constructors = branches
            .iter()
            .map(|branch| branch_name(document, branch))
            .collect();
        unions.insert(
            names::type_name(name),
            Union {
                name: name.clone(),
                constructors,
            },
        );
    }
    unions
}

fn union_branches(schema: &Value) -> Option<&Vec<Value>> {
    ["oneOf", "anyOf"]
        .into_iter()
        .find_map(|key| schema.get(key).and_then(Value::as_array))
}

/// The branch's `title`, else the title of the schema it refers to, else
/// `x-rust-constructor` on either, in snake case.
fn branch_name(document: &Value, branch: &Value) -> Option<String> {
    let (target, _) = follow_refs(document, branch, String::new());
    let text = |key: &str| {
        [branch, target]
            .into_iter()
            .find_map(|schema| schema.get(key).and_then(Value::as_str))
    };
    let name = text("title").or_else(|| text(CONSTRUCTOR_EXTENSION))?;
    let name = name.to_snake_case();
    (!name.is_empty()).then_some(name)
}

/// A note for each branch of a `oneOf`/`anyOf`, anywhere in the document,
/// that accepts the same JSON as an earlier branch: equal once references
/// are followed and descriptions, examples and titles are dropped.
pub(crate) fn shadowed_branches(document: &Value) -> Vec<Repair> {
    let mut notes = Vec::new();
    let mut path = Vec::new();
    walk(document, document, &mut path, &mut notes);
    notes
}

fn walk(document: &Value, node: &Value, path: &mut Vec<String>, notes: &mut Vec<Repair>) {
    match node {
        Value::Object(map) => {
            for key in ["oneOf", "anyOf"] {
                if let Some(Value::Array(branches)) = map.get(key) {
                    path.push(key.to_owned());
                    note_shadowed(document, branches, path, notes);
                    path.pop();
                }
            }
            for (key, child) in map {
                path.push(key.clone());
                if !is_data(path) {
                    walk(document, child, path, notes);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push(index.to_string());
                walk(document, child, path, notes);
                path.pop();
            }
        }
        _ => {}
    }
}

fn note_shadowed(document: &Value, branches: &[Value], at: &[String], notes: &mut Vec<Repair>) {
    let accepted: Vec<Value> = branches
        .iter()
        .map(|branch| without_annotations(follow_refs(document, branch, String::new()).0))
        .collect();
    // `branch 1 (`LargeTextField`)`: a referenced branch by its schema's name too.
    let label = |index: usize| match branches[index].get("$ref").and_then(Value::as_str) {
        Some(target) => format!(
            "branch {index} (`{}`)",
            target.rsplit('/').next().unwrap_or(target)
        ),
        None => format!("branch {index}"),
    };
    for (later, shape) in accepted.iter().enumerate() {
        let Some(first) = accepted[..later]
            .iter()
            .position(|earlier| earlier == shape)
        else {
            continue;
        };
        let here = pointer(
            at.iter()
                .map(String::as_str)
                .chain([later.to_string().as_str()]),
        );
        let (later, first) = (label(later), label(first));
        notes.push(Repair::at(
            here,
            format!(
                "{later} accepts the same JSON as {first}: they differ only in descriptions, examples or titles"
            ),
            format!(
                "decoding never picks {later}: the union's Rust enum tries its variants in order, and {first} comes first"
            ),
        ));
    }
}

/// `schema` without the keys that do not change what it accepts, at every
/// level; a map of names (`properties`) keeps its keys.
fn without_annotations(schema: &Value) -> Value {
    strip(schema, false)
}

fn strip(value: &Value, names: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| names || !ANNOTATIONS.contains(&key.as_str()))
                .map(|(key, child)| {
                    let child_names =
                        !names && matches!(key.as_str(), "properties" | "patternProperties");
                    (key.clone(), strip(child, child_names))
                })
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|item| strip(item, false)).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn branches_equal_but_for_annotations_are_shadowed() {
        let document = json!({
            "components": {"schemas": {
                "Text": {"type": "object", "title": "Text", "properties": {"value": {"type": "string", "description": "a"}}},
                "Radio": {"type": "object", "properties": {"value": {"type": "string", "example": "x"}}},
                "Number": {"type": "object", "properties": {"value": {"type": "number"}}},
                "Field": {"anyOf": [
                    {"$ref": "#/components/schemas/Text"},
                    {"$ref": "#/components/schemas/Number"},
                    {"$ref": "#/components/schemas/Radio"}
                ]}
            }}
        });
        let notes = shadowed_branches(&document);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].pointer, "/components/schemas/Field/anyOf/2");
        assert_eq!(
            notes[0].flaw,
            "branch 2 (`Radio`) accepts the same JSON as branch 0 (`Text`): they differ only in descriptions, examples or titles"
        );
    }

    #[test]
    fn a_property_named_title_is_not_an_annotation() {
        let document = json!({"oneOf": [
            {"type": "object", "properties": {"title": {"type": "string"}}},
            {"type": "object", "properties": {"name": {"type": "string"}}}
        ]});
        assert!(shadowed_branches(&document).is_empty());
    }

    #[test]
    fn constructors_are_named_by_title_then_extension() {
        let document = json!({"components": {"schemas": {
            "Big": {"type": "object", "title": "Large Text"},
            "Value": {"oneOf": [
                {"type": "string", "title": "Text"},
                {"$ref": "#/components/schemas/Big"},
                {"type": "number", "x-rust-constructor": "amount"},
                {"type": "boolean"}
            ]}
        }}});
        let unions = analyse(&document);
        assert_eq!(
            unions["Value"].constructors,
            [
                Some("text".into()),
                Some("large_text".into()),
                Some("amount".into()),
                None
            ]
        );
    }
}
