//! Checks that progenitor and typify do not make, or make only by panicking,
//! reported against the raw document so every error carries a JSON pointer.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::rules::{METHODS, pointer, resolve_ref, template_names};

pub(crate) fn check(doc: &Value) -> Result<(), Error> {
    let fail = |at: String, reason: String| Err(Error::at(at, reason));
    check_version(doc)?;
    check_refs(doc, doc, &mut Vec::new())?;

    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return fail(String::new(), "the document has no `paths` object".into());
    };
    // Two ids that give one Rust name were renamed (`rust_names`).
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
            if operation
                .get("operationId")
                .and_then(Value::as_str)
                .is_none()
            {
                return fail(
                    at,
                    "the operation has no `operationId`, which names its method".into(),
                );
            }
            check_path_parameters(doc, path, item, operation, &at)?;
            check_parameters(doc, item, operation, &at)?;
        }
    }
    Ok(())
}

fn check_version(doc: &Value) -> Result<(), Error> {
    if let Some(swagger) = doc.get("swagger") {
        return Err(Error::at(
            "/swagger",
            format!("Swagger {swagger} documents are not supported; convert to OpenAPI 3.0 first"),
        ));
    }
    match doc.get("openapi").and_then(Value::as_str) {
        None => Err(Error::at("", "the document has no `openapi` version field")),
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) => Err(Error::at(
            "/openapi",
            format!("OpenAPI {v} is not supported; this generator reads OpenAPI 3.0.x and 3.1.x"),
        )),
    }
}

/// Every `$ref` must point at something inside this document, and a chain of
/// references must end somewhere.
fn check_refs(doc: &Value, node: &Value, at: &mut Vec<String>) -> Result<(), Error> {
    match node {
        Value::Object(map) => {
            if crate::bundle::is_name_map(at) {
                // Keys here are names (a property called `$ref`).
                for (key, child) in map {
                    at.push(key.clone());
                    check_refs(doc, child, at)?;
                    at.pop();
                }
                return Ok(());
            }
            let is_schema = crate::bundle::within_schema(at)
                && !(at.len() >= 2 && at[at.len() - 2] == "securitySchemes");
            if let Some(target) = map.get("$ref")
                && !target.is_string()
            {
                let mut ref_at = at.clone();
                ref_at.push("$ref".to_owned());
                return Err(Error::at(
                    pointer(ref_at.iter()),
                    "`$ref` must be a string (a JSON pointer such as `#/components/schemas/Name`)",
                ));
            }
            if let Some(Value::String(target)) = map.get("$ref") {
                let here = pointer(at.iter());
                resolve_ref(doc, target, &here)?;
                // Progenitor looks references up by the kind their place
                // calls for: a schema among schemas, a parameter among
                // parameters…
                if let Some(kind) = crate::bundle::component_kind(at) {
                    let prefix = format!("#/components/{kind}/");
                    let names_one = target
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|name| !name.is_empty() && !name.contains('/'));
                    if !names_one {
                        return Err(Error::at(
                            here,
                            format!(
                                "`$ref: {target}` must name an entry of `{prefix}`, as its place calls for"
                            ),
                        ));
                    }
                }
            }
            if is_schema
                && let Some(Value::String(kind)) = map.get("type")
                && !matches!(
                    kind.as_str(),
                    "string" | "number" | "integer" | "boolean" | "array" | "object"
                )
            {
                let mut type_at = at.clone();
                type_at.push("type".to_owned());
                return Err(Error::at(
                    pointer(type_at.iter()),
                    format!("`type: {kind}` is not a JSON Schema type"),
                ));
            }
            for (key, child) in map {
                at.push(key.clone());
                if key != "$ref" && !crate::bundle::is_data(at) {
                    check_refs(doc, child, at)?;
                }
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                at.push(index.to_string());
                check_refs(doc, child, at)?;
                at.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_path_parameters(
    doc: &Value,
    path: &str,
    item: &Map<String, Value>,
    operation: &Value,
    at: &str,
) -> Result<(), Error> {
    let mut declared = Vec::new();
    let item_at = pointer(["paths", path]);
    let lists = [
        (item_at.as_str(), item.get("parameters")),
        (at, operation.get("parameters")),
    ];
    for (list_at, list) in lists {
        for (index, parameter) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let parameter = match parameter.get("$ref").and_then(Value::as_str) {
                Some(target) => resolve_ref(doc, target, at)?,
                None => parameter,
            };
            if parameter.get("in").and_then(Value::as_str) == Some("path")
                && let Some(name) = parameter.get("name").and_then(Value::as_str)
            {
                // Progenitor panics on a path parameter its path lacks.
                if !template_names(path).any(|in_path| in_path == name) {
                    return Err(Error::at(
                        format!("{list_at}/parameters/{index}"),
                        format!(
                            "path parameter `{name}` is declared, but `{path}` has no `{{{name}}}`"
                        ),
                    ));
                }
                declared.push(name.to_owned());
            }
        }
    }
    for name in template_names(path) {
        if !declared.iter().any(|d| d == name) {
            return Err(Error::at(
                at,
                format!("path parameter `{{{name}}}` of `{path}` is not declared in `parameters`"),
            ));
        }
    }
    Ok(())
}

/// Parameters progenitor cannot pass, and parameters whose Rust argument
/// names collide (`page-size`, `page_size`, or a path parameter `body` beside
/// the request body).
fn check_parameters(
    doc: &Value,
    item: &Map<String, Value>,
    operation: &Value,
    at: &str,
) -> Result<(), Error> {
    let mut arguments: BTreeMap<String, String> = BTreeMap::new();
    let lists = [item.get("parameters"), operation.get("parameters")];
    for (level, list) in lists.into_iter().enumerate() {
        for (index, parameter) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let here = if level == 0 {
                // The path item's own list: `…/paths/<p>/parameters/<i>`.
                let path_item = at.rsplit_once('/').map(|(item, _)| item).unwrap_or(at);
                format!("{path_item}/parameters/{index}")
            } else {
                format!("{at}/parameters/{index}")
            };
            let parameter = match parameter.get("$ref").and_then(Value::as_str) {
                Some(target) => resolve_ref(doc, target, &here)?,
                None => parameter,
            };
            let location = parameter
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let style = parameter.get("style").and_then(Value::as_str);
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let refuse = |reason: String| Err(Error::at(here.clone(), reason));
            match (location, style) {
                ("cookie", _) => {
                    return refuse(format!(
                        "cookie parameter `{name}`: cookie parameters are not supported"
                    ));
                }
                ("path", Some(style)) if style != "simple" => {
                    return refuse(format!(
                        "path parameter `{name}` has style `{style}`; only `simple` is supported"
                    ));
                }
                ("query", Some(style))
                    if !matches!(
                        style,
                        "form" | "spaceDelimited" | "pipeDelimited" | "deepObject"
                    ) =>
                {
                    return refuse(format!(
                        "query parameter `{name}` has style `{style}`; a query takes `form`, `spaceDelimited`, `pipeDelimited` or `deepObject`"
                    ));
                }
                _ => {}
            }
            if location == "path" && parameter.get("required") != Some(&Value::Bool(true)) {
                return refuse(format!(
                    "path parameter `{name}` must be required (`required: true`), as OpenAPI says"
                ));
            }
            if parameter.get("content").is_some() {
                return refuse(format!(
                    "parameter `{name}` is described by `content`; only parameters with a `schema` are supported"
                ));
            }
            // The same name in both lists: the operation's overrides the
            // path item's, as OpenAPI says.
            let key = format!("{location}:{name}");
            let rust_name = parameter.get("x-rust-name").and_then(Value::as_str);
            let argument = crate::names::method_name(rust_name.unwrap_or(name));
            if let Some((other_key, _)) = arguments
                .iter()
                .find(|(other_key, other)| **other == argument && **other_key != key)
            {
                let other = other_key
                    .split_once(':')
                    .map(|(_, n)| n)
                    .unwrap_or(other_key);
                return refuse(format!(
                    "parameters `{other}` and `{name}` give the same Rust argument name `{argument}`; rename one"
                ));
            }
            // Progenitor names the request body's argument `body`; the
            // `rust_names` repair renames query and header parameters only.
            if argument == "body" && operation.get("requestBody").is_some() {
                return refuse(format!(
                    "parameter `{name}` gives the Rust argument name `body`, which the request body takes; rename it"
                ));
            }
            arguments.insert(key, argument);
        }
    }
    Ok(())
}
