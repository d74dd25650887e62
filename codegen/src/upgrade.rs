//! OpenAPI 3.1 → 3.0: progenitor reads 3.0 only, and many specs are 3.1.
//! The common subset is rewritten; the rest is refused with its location.
//!
//! Rewritten, in every schema:
//! - `type: [T, "null"]` → `type: T, nullable: true`;
//! - `anyOf`/`oneOf` with a `{type: "null"}` member → the other members,
//!   `nullable: true`;
//! - `const: v` → `enum: [v]`;
//! - `examples: [a, …]` → `example: a`;
//! - numeric `exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true`
//!   (the same for the maximum).
//!
//! Elsewhere: `openapi` becomes `3.0.3`; `webhooks` are left out (a client
//! does not call them) with a note, and so are `info.summary` and
//! `license.identifier`. A `$ref` with sibling keywords keeps the reference;
//! the siblings are ignored, as in 3.0.
//!
//! Refused: `type` lists with two or more types besides `null`, a bare
//! `type: "null"`, `jsonSchemaDialect` other than OpenAPI's own, a document
//! with webhooks but no paths, and the JSON Schema keywords 3.0 has no form
//! for (see [`REFUSED`]).

use serde_json::{Map, Value, json};

use crate::bundle::{is_data, is_name_map};
use crate::error::{Error, Repair};
use crate::rules::pointer;

/// JSON Schema 2020-12 keywords with no OpenAPI 3.0 equivalent.
const REFUSED: [&str; 17] = [
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "$dynamicRef",
    "$dynamicAnchor",
    "patternProperties",
    "propertyNames",
    "contains",
    "$defs",
];

const OAS_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

/// Rewrites `doc` in place when it is OpenAPI 3.1; returns notes on what
/// was left out.
pub(crate) fn upgrade(doc: &mut Value) -> Result<Vec<Repair>, Error> {
    let is_31 = doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1."));
    if !is_31 {
        return Ok(Vec::new());
    }
    let mut notes = Vec::new();
    let Some(root) = doc.as_object_mut() else {
        return Ok(notes);
    };
    if let Some(dialect) = root.get("jsonSchemaDialect").and_then(Value::as_str)
        && dialect != OAS_DIALECT
    {
        return Err(Error::at(
            "/jsonSchemaDialect",
            format!("JSON Schema dialect `{dialect}` is not supported; only OpenAPI's own is"),
        ));
    }
    root.remove("jsonSchemaDialect");
    if root.contains_key("webhooks") {
        let has_paths = root
            .get("paths")
            .and_then(Value::as_object)
            .is_some_and(|paths| !paths.is_empty());
        if !has_paths {
            return Err(Error::at(
                "/webhooks",
                "the document has webhooks but no paths: there is nothing for a client to call",
            ));
        }
        root.remove("webhooks");
        notes.push(Repair::at(
            "/webhooks",
            "webhooks are requests the API sends, not ones a client makes",
            "left out",
        ));
    }
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.remove("identifier");
        }
    }
    root.insert("openapi".to_owned(), json!("3.0.3"));
    let mut path = Vec::new();
    rewrite(doc, &mut path)?;
    Ok(notes)
}

fn rewrite(node: &mut Value, path: &mut Vec<String>) -> Result<(), Error> {
    match node {
        Value::Object(map) => {
            let names = is_name_map(path);
            if !names {
                rewrite_schema(map, path)?;
            }
            for (key, child) in map.iter_mut() {
                path.push(key.clone());
                if !is_data(path) {
                    rewrite(child, path)?;
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                path.push(index.to_string());
                rewrite(child, path)?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

fn is_null_type(value: &Value) -> bool {
    value.get("type").and_then(Value::as_str) == Some("null")
}

/// Rewrites one object that may be a schema. Objects that are not schemas
/// (operations, media types) have none of these keywords, or have them as
/// data, which the walk does not enter.
fn rewrite_schema(map: &mut Map<String, Value>, path: &[String]) -> Result<(), Error> {
    let at = |keyword: &str| {
        pointer(
            path.iter()
                .map(String::as_str)
                .chain(std::iter::once(keyword)),
        )
    };
    for keyword in REFUSED {
        if map.contains_key(keyword) {
            return Err(Error::at(
                at(keyword),
                format!("`{keyword}` (OpenAPI 3.1) has no OpenAPI 3.0 form and is not supported"),
            ));
        }
    }
    match map.get("type") {
        Some(Value::Array(types)) => {
            let nullable = types.iter().any(|t| t.as_str() == Some("null"));
            let others: Vec<Value> = types
                .iter()
                .filter(|t| t.as_str() != Some("null"))
                .cloned()
                .collect();
            match others.as_slice() {
                [only] => {
                    map.insert("type".to_owned(), only.clone());
                    if nullable {
                        map.insert("nullable".to_owned(), Value::Bool(true));
                    }
                }
                [] => {
                    return Err(Error::at(
                        at("type"),
                        "a schema whose only type is `null` is not supported",
                    ));
                }
                _ => {
                    return Err(Error::at(
                        at("type"),
                        format!(
                            "a schema of several types ({}) is not supported; use `oneOf`",
                            others
                                .iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
        }
        Some(Value::String(t)) if t == "null" => {
            return Err(Error::at(
                at("type"),
                "a schema whose only type is `null` is not supported",
            ));
        }
        _ => {}
    }
    for combinator in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = map.get_mut(combinator) else {
            continue;
        };
        if members.iter().any(is_null_type) {
            members.retain(|member| !is_null_type(member));
            map.insert("nullable".to_owned(), Value::Bool(true));
        }
    }
    if let Some(value) = map.remove("const") {
        map.insert("enum".to_owned(), Value::Array(vec![value]));
    }
    if let Some(Value::Array(examples)) = map.get("examples") {
        let first = examples.first().cloned();
        map.remove("examples");
        if let Some(first) = first {
            map.entry("example").or_insert(first);
        }
    }
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(bound)) = map.get(exclusive) {
            let bound = bound.clone();
            map.insert(inclusive.to_owned(), Value::Number(bound));
            map.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
    Ok(())
}
