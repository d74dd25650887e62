//! Checks that progenitor and typify do not make, or make only by panicking,
//! reported against the raw document so every error carries a JSON pointer.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{Error, pointer};

/// The HTTP methods an OpenAPI 3.0 path item may hold, in the order
/// `openapiv3::PathItem::iter` yields them.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub(crate) fn check(file: &str, doc: &Value) -> Result<(), Error> {
    let fail = |at: String, reason: String| Err(Error::new(file, at, reason));
    check_version(file, doc)?;
    check_refs(file, doc, doc, &mut Vec::new())?;

    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return fail(String::new(), "the document has no `paths` object".into());
    };
    let mut operation_ids: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in paths {
        let item_at = pointer(["paths", path]);
        let Some(item) = item.as_object() else {
            return fail(item_at, "a path item must be a mapping".into());
        };
        if item.contains_key("$ref") {
            return fail(
                item_at,
                "path items given by `$ref` are not supported".into(),
            );
        }
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let at = pointer(["paths", path.as_str(), method]);
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                return fail(
                    at,
                    "the operation has no `operationId`, which names its method".into(),
                );
            };
            if let Some(first) = operation_ids.insert(id.to_owned(), at.clone()) {
                return fail(
                    pointer(["paths", path.as_str(), method, "operationId"]),
                    format!("operationId `{id}` is already used at {first}"),
                );
            }
            check_path_parameters(file, doc, path, item, operation, &at)?;
        }
    }
    Ok(())
}

fn check_version(file: &str, doc: &Value) -> Result<(), Error> {
    if let Some(swagger) = doc.get("swagger") {
        return Err(Error::new(
            file,
            "/swagger",
            format!("Swagger {swagger} documents are not supported; convert to OpenAPI 3.0 first"),
        ));
    }
    match doc.get("openapi").and_then(Value::as_str) {
        None => Err(Error::new(
            file,
            "",
            "the document has no `openapi` version field",
        )),
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) => Err(Error::new(
            file,
            "/openapi",
            format!("OpenAPI {v} is not supported; this generator reads OpenAPI 3.0.x and 3.1.x"),
        )),
    }
}

/// Every `$ref` must point at something inside this document, and a chain of
/// references must end somewhere.
fn check_refs(file: &str, doc: &Value, node: &Value, at: &mut Vec<String>) -> Result<(), Error> {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let here = pointer(at.iter());
                resolve_ref(file, doc, target, &here)?;
            }
            for (key, child) in map {
                at.push(key.clone());
                if key != "$ref" && !crate::bundle::is_data(at) {
                    check_refs(file, doc, child, at)?;
                }
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                at.push(index.to_string());
                check_refs(file, doc, child, at)?;
                at.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

/// Follows `target` (and any reference it lands on) to a value that is not a
/// bare reference. `here` is where the first reference was written.
pub(crate) fn resolve_ref<'a>(
    file: &str,
    doc: &'a Value,
    target: &str,
    here: &str,
) -> Result<&'a Value, Error> {
    let mut seen = vec![target.to_owned()];
    let mut current = target;
    loop {
        let Some(local) = current.strip_prefix('#') else {
            return Err(Error::new(
                file,
                here,
                format!(
                    "`$ref: {current}` points outside this document; external references are not supported"
                ),
            ));
        };
        let Some(found) = doc.pointer(local) else {
            return Err(Error::new(
                file,
                here,
                format!("`$ref: {current}` points at nothing"),
            ));
        };
        match found.get("$ref").and_then(Value::as_str) {
            Some(next) if found.as_object().is_some_and(|m| m.len() == 1) => {
                if seen.iter().any(|s| s == next) {
                    return Err(Error::new(
                        file,
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

fn check_path_parameters(
    file: &str,
    doc: &Value,
    path: &str,
    item: &Map<String, Value>,
    operation: &Value,
    at: &str,
) -> Result<(), Error> {
    let mut declared = Vec::new();
    for list in [item.get("parameters"), operation.get("parameters")]
        .into_iter()
        .flatten()
    {
        for parameter in list.as_array().into_iter().flatten() {
            let parameter = match parameter.get("$ref").and_then(Value::as_str) {
                Some(target) => resolve_ref(file, doc, target, at)?,
                None => parameter,
            };
            if parameter.get("in").and_then(Value::as_str) == Some("path")
                && let Some(name) = parameter.get("name").and_then(Value::as_str)
            {
                declared.push(name.to_owned());
            }
        }
    }
    for name in template_names(path) {
        if !declared.iter().any(|d| d == name) {
            return Err(Error::new(
                file,
                at,
                format!("path parameter `{{{name}}}` of `{path}` is not declared in `parameters`"),
            ));
        }
    }
    Ok(())
}

pub(crate) fn template_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}
