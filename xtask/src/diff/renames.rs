//! Renames: a schema of `components/schemas` that disappears while another
//! appears in its stead, and an operation that moves to another path under
//! the same operationId. Each is reported once, with what it does to the
//! Rust API, instead of as a removed type and an added one.
//!
//! Two schemas are paired when the pairing is unique, by either of two
//! kinds of evidence, tried in turn until neither finds more:
//! - **the same shape**: equal once `description`, `example`, `title` and
//!   `deprecated` are dropped, a one-element `allOf` is unwrapped, and
//!   `$ref`s are compared modulo the renames found so far;
//! - **the same place**: both are what one place of an operation (a body, a
//!   field) refers to, in the old document and in the new one.
//!
//! Schemas without properties are never paired: any two empty objects or
//! plain strings look alike.

use std::collections::{BTreeMap, BTreeSet};

use codegen::rules::{SCHEMA_DOCUMENTATION, documented_part};
use serde::Serialize;
use serde_json::{Map, Value};

use super::spec::{Comparison, MovedOperation};

/// A schema of `components/schemas` under a new name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaRename {
    pub old: String,
    pub new: String,
    /// Whether its shape changed too; the changes are reported where the
    /// operations use it.
    pub shape_changed: bool,
    /// `types::Old` → `types::New`, when both crates have the type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rust: Option<RustRename>,
}

/// A generated type's path change, and the alias that would keep code
/// written against the old name compiling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RustRename {
    pub old_path: String,
    pub new_path: String,
    pub alias: String,
}

/// Everything renamed between two documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Renames {
    pub schemas: Vec<SchemaRename>,
    pub operations: Vec<MovedOperation>,
}

impl Renames {
    /// The new name of the old schema `old`, when it was renamed.
    pub fn new_name_of(&self, old: &str) -> Option<&str> {
        self.schemas
            .iter()
            .find(|rename| rename.old == old)
            .map(|rename| rename.new.as_str())
    }

    /// `(old, new)` Rust type names of the renamed types both crates have.
    pub fn rust_types(&self) -> Vec<(String, String)> {
        self.schemas
            .iter()
            .filter_map(|rename| rename.rust.as_ref())
            .map(|rust| (type_of(&rust.old_path), type_of(&rust.new_path)))
            .collect()
    }
}

fn type_of(path: &str) -> String {
    path.rsplit("::").next().unwrap_or(path).to_owned()
}

/// The schemas `old` and `new` (bundled documents) name differently, and
/// the operations that moved, from `comparison` of the two.
pub fn find(old: &Value, new: &Value, comparison: &Comparison) -> Renames {
    let (old_schemas, new_schemas) = (schemas_of(old), schemas_of(new));
    let with_properties = |schema: &&Value| {
        schema
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|properties| !properties.is_empty())
    };
    let removed: Vec<&str> = old_schemas
        .iter()
        .filter(|(name, schema)| !new_schemas.contains_key(*name) && with_properties(schema))
        .map(|(name, _)| name.as_str())
        .collect();
    let added: Vec<&str> = new_schemas
        .iter()
        .filter(|(name, schema)| !old_schemas.contains_key(*name) && with_properties(schema))
        .map(|(name, _)| name.as_str())
        .collect();
    let mut found: BTreeMap<&str, &str> = BTreeMap::new();
    loop {
        let before = found.len();
        let new_shapes: BTreeMap<&str, Value> = added
            .iter()
            .filter(|name| !found.values().any(|taken| taken == *name))
            .map(|name| (*name, shape(new_schemas[*name], &BTreeMap::new())))
            .collect();
        let old_shapes: BTreeMap<&str, Value> = removed
            .iter()
            .filter(|name| !found.contains_key(*name))
            .map(|name| (*name, shape(old_schemas[*name], &found)))
            .collect();
        let same_shape = old_shapes.iter().flat_map(|(old, old_shape)| {
            let new_shapes = &new_shapes;
            new_shapes
                .iter()
                .filter(move |(_, new_shape)| *new_shape == old_shape)
                .map(move |(new, _)| (*old, *new))
        });
        found.extend(unique(same_shape.collect()));
        let same_place = comparison
            .named_at_same_place
            .iter()
            .map(|(old, new)| (old.as_str(), new.as_str()))
            .filter(|(old, new)| old_shapes.contains_key(old) && new_shapes.contains_key(new));
        if found.len() == before {
            found.extend(unique(same_place.collect()));
        }
        if found.len() == before {
            break;
        }
    }
    let schemas = found
        .iter()
        .map(|(old, new)| SchemaRename {
            old: (*old).to_owned(),
            new: (*new).to_owned(),
            shape_changed: shape(old_schemas[*old], &found)
                != shape(new_schemas[*new], &BTreeMap::new()),
            rust: None,
        })
        .collect();
    Renames {
        schemas,
        operations: comparison.moved.clone(),
    }
}

/// The pairs of `candidates` whose old name and new name each appear in no
/// other pair.
fn unique<'a>(candidates: BTreeSet<(&'a str, &'a str)>) -> Vec<(&'a str, &'a str)> {
    let olds = |name: &str| candidates.iter().filter(|(old, _)| *old == name).count();
    let news = |name: &str| candidates.iter().filter(|(_, new)| *new == name).count();
    candidates
        .iter()
        .filter(|(old, new)| olds(old) == 1 && news(new) == 1)
        .copied()
        .collect()
}

fn schemas_of(document: &Value) -> BTreeMap<String, &Value> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| (name.clone(), schema))
        .collect()
}

/// `schema` with its documentation dropped, one-element `allOf`s unwrapped
/// and the schemas its `$ref`s name renamed by `renames` (old → new).
fn shape(schema: &Value, renames: &BTreeMap<&str, &str>) -> Value {
    match schema {
        Value::Object(map) => {
            let mut kept = Map::new();
            for (key, value) in map {
                // Property names sit one level down, under `properties`.
                if SCHEMA_DOCUMENTATION.contains(&key.as_str()) {
                    continue;
                }
                let value = match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => Value::String(renamed(target, renames)),
                    ("properties", Value::Object(properties)) => Value::Object(
                        properties
                            .iter()
                            .map(|(name, property)| (name.clone(), shape(property, renames)))
                            .collect(),
                    ),
                    _ => shape(value, renames),
                };
                kept.insert(key.clone(), value);
            }
            let kept = Value::Object(kept);
            documented_part(&kept).cloned().unwrap_or(kept)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| shape(v, renames)).collect()),
        other => other.clone(),
    }
}

/// A `$ref` to a renamed schema, as its new name.
fn renamed(target: &str, renames: &BTreeMap<&str, &str>) -> String {
    let Some(name) = target.strip_prefix("#/components/schemas/") else {
        return target.to_owned();
    };
    match renames.get(name) {
        Some(new) => format!("#/components/schemas/{new}"),
        None => target.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::diff::spec::compare;

    /// A document with `schemas`, whose one operation sends `body` (a
    /// schema name), when given.
    fn document(schemas: Value, body: Option<&str>) -> Value {
        let paths = match body {
            Some(body) => json!({"/a": {"post": {
                "operationId": "postA",
                "requestBody": {"content": {"application/json": {"schema": {
                    "$ref": format!("#/components/schemas/{body}")}}}},
                "responses": {"204": {"description": "Done."}},
            }}}),
            None => json!({}),
        };
        json!({"paths": paths, "components": {"schemas": schemas}})
    }

    fn renames(old: &Value, new: &Value) -> Vec<(String, String, bool)> {
        find(old, new, &compare(old, new))
            .schemas
            .into_iter()
            .map(|rename| (rename.old, rename.new, rename.shape_changed))
            .collect()
    }

    fn pair(old: &str, new: &str, shape_changed: bool) -> (String, String, bool) {
        (old.to_owned(), new.to_owned(), shape_changed)
    }

    #[test]
    fn a_schema_of_the_same_shape_under_another_name_is_a_rename() {
        let old = document(
            json!({"Pet": {"type": "object", "description": "A pet.",
                "properties": {"name": {"type": "string", "example": "Rex"}}}}),
            None,
        );
        let new = document(
            json!({"Animal": {"type": "object", "title": "Animal",
                "properties": {"name": {"type": "string", "deprecated": true}}}}),
            None,
        );
        assert_eq!(renames(&old, &new), [pair("Pet", "Animal", false)]);
    }

    #[test]
    fn refs_are_compared_modulo_renames_and_a_one_element_all_of_is_unwrapped() {
        let old = document(
            json!({
                "Owner": {"type": "object", "properties": {
                    "pet": {"$ref": "#/components/schemas/Pet"}}},
                "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
            }),
            None,
        );
        let new = document(
            json!({
                "Keeper": {"type": "object", "properties": {"pet": {
                    "description": "The animal.",
                    "allOf": [{"$ref": "#/components/schemas/Animal"}]}}},
                "Animal": {"type": "object", "properties": {"name": {"type": "string"}}},
            }),
            None,
        );
        assert_eq!(
            renames(&old, &new),
            [pair("Owner", "Keeper", false), pair("Pet", "Animal", false)]
        );
    }

    /// One field differs: not the same shape, so not a plain rename. Only
    /// when an operation uses both at the same place is it a rename, whose
    /// shape changed too.
    #[test]
    fn a_near_miss_is_no_plain_rename() {
        let old_schemas = json!({"Pet": {"type": "object", "properties": {
            "name": {"type": "string"}, "age": {"type": "integer"}}}});
        let new_schemas = json!({"Animal": {"type": "object", "properties": {
            "name": {"type": "string"}, "age": {"type": "string"}}}});
        let unused = (
            document(old_schemas.clone(), None),
            document(new_schemas.clone(), None),
        );
        assert_eq!(renames(&unused.0, &unused.1), []);
        let used = (
            document(old_schemas, Some("Pet")),
            document(new_schemas, Some("Animal")),
        );
        assert_eq!(renames(&used.0, &used.1), [pair("Pet", "Animal", true)]);
    }

    #[test]
    fn only_a_unique_match_of_schemas_with_properties_is_paired() {
        let name = json!({"type": "object", "properties": {"name": {"type": "string"}}});
        let old = document(json!({"Pet": name, "Empty": {"type": "object"}}), None);
        let new = document(
            json!({"Animal": name, "Beast": name, "Void": {"type": "object"}}),
            None,
        );
        assert_eq!(renames(&old, &new), []);
    }

    #[test]
    fn an_operation_that_moves_under_its_operation_id_is_reported() {
        let schemas =
            json!({"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}});
        let old = document(schemas.clone(), Some("Pet"));
        let mut new = document(schemas, Some("Pet"));
        let item = new["paths"]["/a"].take();
        new["paths"] = json!({"/b": item});
        let found = find(&old, &new, &compare(&old, &new));
        assert_eq!(
            found.operations,
            [MovedOperation {
                operation_id: "postA".to_owned(),
                old: "POST /a".to_owned(),
                new: "POST /b".to_owned(),
            }]
        );
    }
}
