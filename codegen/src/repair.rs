//! Repairs of specs written by others: flaws whose intent is plain, which
//! progenitor or typify would reject or panic over. Each repair is recorded
//! as a note (a located message the caller shows); with
//! `Settings::strict`, notes are errors instead.
//!
//! - An operation without an `operationId` gets one from its method and path
//!   (`operation_ids.rs`).
//! - A `default` that its own schema refuses (`default: 0` on a string) is
//!   dropped (`unfit_defaults.rs`): typify panics over it.
//! - A path template name (`/a/{type}`) that no parameter declares becomes a
//!   required `string` path parameter.
//! - String enumerations whose values give the same Rust name (`add` and
//!   `Add`) become plain strings: typify cannot name their variants. The
//!   allowed values move into the description.
//! - A schema `$ref` that points inside another schema: the target is
//!   copied into `components/schemas` (`deep_refs.rs`).
//! - Component schemas and operation ids whose names give one Rust name:
//!   the later is renamed (`rust_names.rs`).
//! - An inline schema whose Rust type name would be a component schema's
//!   (`Movie.people` beside `MoviePeople`) gets a `title` with a free name
//!   (`inline_names.rs`).
//! - A parameter described by `content` becomes a string
//!   (`content_parameters.rs`).
//! - Request bodies get one media type, with a schema that fits how it is
//!   sent (`request_bodies.rs`).
//! - A schema with keywords of one type but no `type` gets that type
//!   (`format: int64` → integer, `minimum` → number, `minLength` → string,
//!   `items` → array).
//! - A `format` on an object, array or boolean schema is dropped: formats
//!   qualify strings and numbers, and typify panics over one there.
//! - A `required` name that is not among an object's `properties` is
//!   dropped (typify would add an untyped field that no setter knows).
//! - Operations marked as websocket endpoints (`x-dropshot-websocket`) lose
//!   the mark: the client sends the request and returns the raw answer; it
//!   does not perform the upgrade.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::bundle::is_data;
use crate::error::{Error, Repair};
use crate::rules::METHODS;
use crate::rules::pointer;
use crate::rules::{resolve_ref, template_names};

pub(crate) fn repair(doc: &mut Value) -> Result<Vec<Repair>, Error> {
    let mut notes = Vec::new();
    crate::operation_ids::synthesize(doc, &mut notes);
    crate::unfit_defaults::drop_unfit(doc, &mut notes);
    // Before the renames: a declared path parameter can clash with a query one.
    declare_path_parameters(doc, &mut notes)?;
    crate::rust_names::rename_clashing(doc, &mut notes)?;
    let mut path = Vec::new();
    unnameable_enums(doc, &mut path, &mut notes);
    clashing_titles(doc);
    crate::inline_names::title_clashing(doc, &mut notes);
    websocket_marks(doc, &mut notes);
    crate::content_parameters::as_strings(doc, &mut notes);
    crate::request_bodies::mend(doc, &mut notes)?;
    crate::deep_refs::name_deep_schema_refs(doc, &mut notes)?;
    Ok(notes)
}

fn declare_path_parameters(doc: &mut Value, notes: &mut Vec<Repair>) -> Result<(), Error> {
    let snapshot = doc.clone();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        let path_level = declared_path_names(&snapshot, item.get("parameters"), path)?;
        for method in METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let mut declared = path_level.clone();
            declared.extend(declared_path_names(
                &snapshot,
                operation.get("parameters"),
                path,
            )?);
            let missing: Vec<String> = template_names(path)
                .filter(|name| !declared.contains(*name))
                .map(str::to_owned)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            if missing.is_empty() {
                continue;
            }
            let parameters = operation
                .entry("parameters")
                .or_insert_with(|| Value::Array(Vec::new()));
            let Some(parameters) = parameters.as_array_mut() else {
                continue;
            };
            for name in missing {
                notes.push(Repair::at(
                    pointer(["paths", path.as_str(), method]),
                    format!(
                        "path parameter `{{{name}}}` of `{path}` is not declared in `parameters`"
                    ),
                    "declared as a required string",
                ));
                parameters.push(json!({
                    "name": name,
                    "in": "path",
                    "required": true,
                    "schema": {"type": "string"},
                }));
            }
        }
    }
    Ok(())
}

fn declared_path_names(
    doc: &Value,
    list: Option<&Value>,
    at_path: &str,
) -> Result<BTreeSet<String>, Error> {
    let mut names = BTreeSet::new();
    for parameter in list.and_then(Value::as_array).into_iter().flatten() {
        let parameter = match parameter.get("$ref").and_then(Value::as_str) {
            Some(target) => resolve_ref(doc, target, &pointer(["paths", at_path]))?,
            None => parameter,
        };
        if parameter.get("in").and_then(Value::as_str) == Some("path")
            && let Some(name) = parameter.get("name").and_then(Value::as_str)
        {
            names.insert(name.to_owned());
        }
    }
    Ok(names)
}

/// Typify names enum variants by PascalCase, then by PascalCase with
/// punctuation turned into `X`, and panics when both collide.
fn variant_names_collide(values: &[&str]) -> bool {
    let unique = |names: Vec<String>| names.iter().collect::<BTreeSet<_>>().len() == names.len();
    let simple: Vec<String> = values.iter().map(|v| variant_name(v)).collect();
    if unique(simple) {
        return false;
    }
    let marked: Vec<String> = values
        .iter()
        .map(|v| {
            variant_name(&v.replace(
                |c: char| c == '_' || !unicode_ident::is_xid_continue(c),
                "X",
            ))
        })
        .collect();
    !unique(marked)
}

fn variant_name(value: &str) -> String {
    match value {
        "+1" => "Plus1".to_owned(),
        "-1" => "Minus1".to_owned(),
        _ => crate::names::type_name(value),
    }
}

fn unnameable_enums(node: &mut Value, path: &mut Vec<String>, notes: &mut Vec<Repair>) {
    match node {
        Value::Object(map) => {
            repair_enum(map, path, notes);
            repair_required(map, path, notes);
            if crate::bundle::within_schema(path) {
                repair_untyped_format(map, path, notes);
                drop_format_of_structure(map, path, notes);
            }
            for (key, child) in map.iter_mut() {
                path.push(key.clone());
                if !is_data(path) {
                    unnameable_enums(child, path, notes);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                path.push(index.to_string());
                unnameable_enums(child, path, notes);
                path.pop();
            }
        }
        _ => {}
    }
}

fn repair_enum(map: &mut Map<String, Value>, path: &[String], notes: &mut Vec<Repair>) {
    let Some(Value::Array(values)) = map.get("enum") else {
        return;
    };
    let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    if strings.len() != values.len() || !variant_names_collide(&strings) {
        return;
    }
    let listed = strings
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    notes.push(Repair::at(
        pointer(path),
        format!("enumeration values {listed} give the same Rust names"),
        "the type is a plain string",
    ));
    let description = match map.get("description").and_then(Value::as_str) {
        Some(text) => format!("{text}\n\nOne of: {listed}."),
        None => format!("One of: {listed}."),
    };
    map.remove("enum");
    map.insert("description".to_owned(), Value::String(description));
}

/// A schema with keywords of one type (`format`, `minimum`, `minLength`,
/// `items`…) but no `type`: typify cannot read it. The keywords say the
/// type.
fn repair_untyped_format(map: &mut Map<String, Value>, path: &[String], notes: &mut Vec<Repair>) {
    let combined = ["type", "$ref", "allOf", "anyOf", "oneOf", "not", "enum"]
        .iter()
        .any(|key| map.contains_key(*key));
    if combined {
        return;
    }
    let has = |keys: &[&'static str]| keys.iter().find(|key| map.contains_key(**key)).copied();
    let (keyword, kind) = if let Some(Value::String(format)) = map.get("format") {
        let kind = match format.as_str() {
            "int32" | "int64" => "integer",
            "float" | "double" => "number",
            _ => "string",
        };
        ("format", kind)
    } else if let Some(key) = has(&[
        "minimum",
        "maximum",
        "multipleOf",
        "exclusiveMinimum",
        "exclusiveMaximum",
    ]) {
        (key, "number")
    } else if let Some(key) = has(&["minLength", "maxLength", "pattern"]) {
        (key, "string")
    } else if let Some(key) = has(&["items", "minItems", "maxItems", "uniqueItems"]) {
        (key, "array")
    } else {
        return;
    };
    notes.push(Repair::at(
        pointer(path),
        format!("the schema has `{keyword}` but no `type`"),
        format!("typed as `{kind}`"),
    ));
    map.insert("type".to_owned(), Value::String(kind.to_owned()));
}

/// A `format` on an object, array or boolean (`type: object, format:
/// uri-map`): formats qualify strings and numbers, and typify panics over
/// one here. The type stands; the format goes.
fn drop_format_of_structure(
    map: &mut Map<String, Value>,
    path: &[String],
    notes: &mut Vec<Repair>,
) {
    let Some(Value::String(kind)) = map.get("type") else {
        return;
    };
    if !matches!(kind.as_str(), "object" | "array" | "boolean") {
        return;
    }
    let kind = kind.clone();
    let Some(format) = map.remove("format") else {
        return;
    };
    let format = format
        .as_str()
        .map_or_else(|| format.to_string(), str::to_owned);
    notes.push(Repair::at(
        pointer(path),
        format!("`format: {format}` on a schema of type `{kind}`, which no format qualifies"),
        "the format is dropped",
    ));
}

/// `required: [x]` in an object that declares `properties` but no `x`.
fn repair_required(map: &mut Map<String, Value>, path: &[String], notes: &mut Vec<Repair>) {
    let Some(Value::Object(properties)) = map.get("properties") else {
        return;
    };
    let Some(Value::Array(required)) = map.get("required") else {
        return;
    };
    let open = ["additionalProperties", "allOf", "anyOf", "oneOf"]
        .iter()
        .any(|key| map.contains_key(*key));
    if open {
        return;
    }
    let (kept, unknown): (Vec<Value>, Vec<Value>) = required.iter().cloned().partition(|name| {
        name.as_str()
            .is_some_and(|name| properties.contains_key(name))
    });
    if unknown.is_empty() {
        return;
    }
    let listed = unknown
        .iter()
        .map(|name| format!("`{}`", name.as_str().unwrap_or("?")))
        .collect::<Vec<_>>()
        .join(", ");
    notes.push(Repair::at(
        format!("{}/required", pointer(path)),
        format!("required {listed} is not among the `properties`"),
        "ignored",
    ));
    map.insert("required".to_owned(), Value::Array(kept));
}

/// Typify names a schema with a `title` after it, and a nullable component
/// twice (a wrapper by the component's name, the object by its title): a
/// title that gives a component's Rust name defines that name twice. Such
/// titles are dropped; they only restate the name.
fn clashing_titles(doc: &mut Value) {
    let names: BTreeSet<String> = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(Map::keys)
        .map(|name| crate::names::type_name(name))
        .collect();
    if names.is_empty() {
        return;
    }
    fn walk(node: &mut Value, path: &mut Vec<String>, names: &BTreeSet<String>) {
        match node {
            Value::Object(map) => {
                let clashes = matches!(map.get("title"), Some(Value::String(title)) if names.contains(&crate::names::type_name(title)));
                let is_name_map = crate::bundle::is_name_map(path);
                if clashes && !is_name_map {
                    map.remove("title");
                }
                for (key, child) in map.iter_mut() {
                    path.push(key.clone());
                    if !is_data(path) {
                        walk(child, path, names);
                    }
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter_mut().enumerate() {
                    path.push(index.to_string());
                    walk(child, path, names);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    walk(doc, &mut Vec::new(), &names);
}

fn websocket_marks(doc: &mut Value, notes: &mut Vec<Repair>) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            if operation.remove("x-dropshot-websocket").is_some() {
                notes.push(Repair::at(
                    pointer(["paths", path.as_str(), method, "x-dropshot-websocket"]),
                    "websocket upgrades are not supported",
                    "the method returns the raw answer",
                ));
            }
        }
    }
}
