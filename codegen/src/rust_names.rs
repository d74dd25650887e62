//! A repair: names that give one Rust name, with a located note each.
//! Neither is on the wire, so only the Rust name changes.
//! - Component schemas (`Item` and `item`, `user-id` and `UserId`): the
//!   later one, in the document's order, is renamed `<name>2` (`3`…, the
//!   first whose Rust name is free), and every `$ref` to it follows.
//! - Operation ids (`getItem` and `GetItem`, which give one method and one
//!   error enum): the later one becomes `<id>2` (`3`…).
//! - Parameters of one operation (`max-results` and `MaxResults`, which
//!   give one argument): the later query or header parameter gets
//!   `x-rust-name: max_results_2`, the name of its argument; `lower` keeps
//!   its wire name. A path parameter keeps its name (the path template
//!   names it), so a query or header parameter it clashes with is renamed
//!   whatever their order. Two path parameters stay `validate`'s to refuse.
//!   The request body's argument is `body`, so a query or header parameter
//!   named `body` beside one is renamed (`body_2`) too.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::error::{Error, Repair};
use crate::names::method_name;
use crate::names::type_name;
use crate::rules::{METHODS, pointer, resolve_ref};

pub(crate) fn rename_clashing(doc: &mut Value, notes: &mut Vec<Repair>) -> Result<(), Error> {
    rename_operation_ids(doc, notes);
    rename_schemas(doc, notes);
    rename_parameters(doc, notes)
}

fn rename_schemas(doc: &mut Value, notes: &mut Vec<Repair>) {
    let Some(schemas) = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
    else {
        return;
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut renames = Vec::new();
    for name in &names {
        let rust_name = type_name(name);
        if taken.insert(rust_name.clone()) {
            continue;
        }
        let (new_name, new_rust_name) = (2..)
            .map(|n| format!("{name}{n}"))
            .map(|candidate| {
                let rust = type_name(&candidate);
                (candidate, rust)
            })
            .find(|(candidate, rust)| !taken.contains(rust) && !names.contains(candidate))
            .expect("some suffix is free");
        let first = names
            .iter()
            .find(|other| type_name(other) == rust_name)
            .cloned()
            .unwrap_or_default();
        notes.push(Repair::at(
            pointer(["components", "schemas", name.as_str()]),
            format!("schemas `{first}` and `{name}` give the same Rust type name `{rust_name}`"),
            format!("`{name}` is `{new_rust_name}` in Rust"),
        ));
        taken.insert(new_rust_name);
        renames.push((name.clone(), new_name));
    }
    if renames.is_empty() {
        return;
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        // Rebuilt in the same order, each renamed schema in its place.
        *schemas = std::mem::take(schemas)
            .into_iter()
            .map(|(name, schema)| {
                let renamed = renames.iter().find(|(old, _)| *old == name);
                (renamed.map_or(name, |(_, new)| new.clone()), schema)
            })
            .collect();
    }
    let targets: Vec<(String, String)> = renames
        .iter()
        .map(|(old, new)| {
            (
                format!("#{}", pointer(["components", "schemas", old.as_str()])),
                format!("#{}", pointer(["components", "schemas", new.as_str()])),
            )
        })
        .collect();
    follow(doc, &targets);
}

/// Points every reference (`$ref`, a discriminator's `mapping`) to a renamed
/// schema, or into one, at its new name.
fn follow(node: &mut Value, targets: &[(String, String)]) {
    match node {
        Value::String(text) => {
            for (old, new) in targets {
                if let Some(rest) = text.strip_prefix(old.as_str())
                    && (rest.is_empty() || rest.starts_with('/'))
                {
                    *text = format!("{new}{rest}");
                    break;
                }
            }
        }
        Value::Object(map) => map.values_mut().for_each(|child| follow(child, targets)),
        Value::Array(items) => items.iter_mut().for_each(|child| follow(child, targets)),
        _ => {}
    }
}

/// The Rust names an operation id gives: its method and its error enum.
fn operation_rust_names(id: &str) -> [String; 2] {
    [method_name(id), type_name(id)]
}

fn rename_operation_ids(doc: &mut Value, notes: &mut Vec<Repair>) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let ids: BTreeSet<String> = paths
        .values()
        .flat_map(|item| METHODS.iter().filter_map(move |method| item.get(*method)))
        .filter_map(|operation| operation.get("operationId")?.as_str().map(str::to_owned))
        .collect();
    // Each Rust name, with the id that took it first.
    let mut taken: std::collections::BTreeMap<String, String> = Default::default();
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(slot) = item
                .get_mut(method)
                .and_then(|operation| operation.get_mut("operationId"))
            else {
                continue;
            };
            let Some(id) = slot.as_str().map(str::to_owned) else {
                continue;
            };
            let clash = operation_rust_names(&id)
                .into_iter()
                .find_map(|rust| taken.get(&rust).map(|first| (rust, first.clone())));
            let id = match clash {
                None => id,
                Some((rust_name, first)) => {
                    let new_id = (2..)
                        .map(|n| format!("{id}{n}"))
                        .find(|candidate| {
                            !ids.contains(candidate)
                                && operation_rust_names(candidate)
                                    .iter()
                                    .all(|rust| !taken.contains_key(rust))
                        })
                        .expect("some suffix is free");
                    let flaw = if first == id {
                        format!("operationId `{id}` is used twice")
                    } else {
                        format!(
                            "operationIds `{first}` and `{id}` give the same Rust name `{rust_name}`"
                        )
                    };
                    notes.push(Repair::at(
                        pointer(["paths", path.as_str(), method, "operationId"]),
                        flaw,
                        format!("this one is named `{new_id}`"),
                    ));
                    *slot = Value::String(new_id.clone());
                    new_id
                }
            };
            for rust in operation_rust_names(&id) {
                taken.entry(rust).or_insert_with(|| id.clone());
            }
        }
    }
}

/// One parameter of an operation: where it is listed (the path item's list
/// when `method` is `None`), and how it reads.
struct Listed {
    method: Option<&'static str>,
    index: usize,
    location: String,
    name: String,
    argument: String,
}

fn rename_parameters(doc: &mut Value, notes: &mut Vec<Repair>) -> Result<(), Error> {
    let snapshot = doc.clone();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            if item.get(method).is_none() {
                continue;
            }
            let mut listed = operation_parameters(&snapshot, path, item, method)?;
            // Path parameters cannot be renamed: they take their names first.
            listed.sort_by_key(|parameter| parameter.location != "path");
            // Each argument name, with the parameter that took it (`None`:
            // the request body).
            let mut taken: std::collections::BTreeMap<String, Option<String>> = Default::default();
            if item
                .get(method)
                .and_then(|op| op.get("requestBody"))
                .is_some()
            {
                taken.insert("body".to_owned(), None);
            }
            for parameter in listed {
                let Some(first) = taken.get(&parameter.argument).cloned() else {
                    taken.insert(parameter.argument.clone(), Some(parameter.name.clone()));
                    continue;
                };
                if parameter.location == "path" {
                    continue;
                }
                let argument = (2..)
                    .map(|n| format!("{}_{n}", parameter.argument))
                    .find(|candidate| !taken.contains_key(candidate))
                    .expect("some suffix is free");
                let at = match parameter.method {
                    Some(method) => pointer(["paths", path.as_str(), method, "parameters"]),
                    None => pointer(["paths", path.as_str(), "parameters"]),
                };
                let flaw = match first {
                    Some(first) => format!(
                        "parameters `{first}` and `{}` give the same Rust argument name `{}`",
                        parameter.name, parameter.argument
                    ),
                    None => format!(
                        "parameter `{}` gives the Rust argument name `body`, which the request body takes",
                        parameter.name
                    ),
                };
                notes.push(Repair::at(
                    format!("{at}/{}", parameter.index),
                    flaw,
                    format!("its argument is `{argument}`; its name on the wire stays"),
                ));
                let list = match parameter.method {
                    Some(method) => item.get_mut(method).and_then(|op| op.get_mut("parameters")),
                    None => item.get_mut("parameters"),
                };
                if let Some(slot) = list.and_then(|list| list.get_mut(parameter.index)) {
                    let target = slot.get("$ref").and_then(Value::as_str).map(str::to_owned);
                    if let Some(target) = target {
                        *slot = resolve_ref(&snapshot, &target, &at)?.clone();
                    }
                    slot["x-rust-name"] = Value::String(argument.clone());
                }
                taken.insert(argument, Some(parameter.name));
            }
        }
    }
    Ok(())
}

/// The parameters `method` of `path` takes, in order: the path item's, but
/// those the operation lists again, then the operation's.
fn operation_parameters(
    doc: &Value,
    path: &str,
    item: &Value,
    method: &'static str,
) -> Result<Vec<Listed>, Error> {
    let mut listed: Vec<Listed> = Vec::new();
    let lists = [
        (None, item.get("parameters")),
        (
            Some(method),
            item.get(method).and_then(|op| op.get("parameters")),
        ),
    ];
    for (level, list) in lists {
        for (index, parameter) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let parameter = match parameter.get("$ref").and_then(Value::as_str) {
                Some(target) => resolve_ref(doc, target, &pointer(["paths", path]))?,
                None => parameter,
            };
            let text = |key: &str| {
                parameter
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            };
            let (location, name) = (text("in").to_owned(), text("name").to_owned());
            let rust = parameter.get("x-rust-name").and_then(Value::as_str);
            // The operation's own overrides the path item's.
            listed.retain(|other| other.location != location || other.name != name);
            listed.push(Listed {
                method: level,
                index,
                argument: method_name(rust.unwrap_or(&name)),
                location,
                name,
            });
        }
    }
    Ok(listed)
}
