//! A repair: an inline schema whose type name, as typify makes it, is a
//! component schema's. Typify names an inline schema after its place (the
//! property `people` of `Movie` is `MoviePeople`, the items of an array
//! `Tags` are `TagsItem`) unless it has a `title`, and does not check that
//! the name is free: with a schema `MoviePeople` beside it, the crate would
//! define `MoviePeople` twice. The inline schema gets a `title` with a free
//! name (`MoviePeople2`), which typify names it after; the component keeps
//! its name, which callers use. Inline schemas typify gives no type of their
//! own (a plain string) ignore the title.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use serde_json::Value;

use crate::error::Repair;
use crate::names::type_name;
use crate::rules::pointer;

pub(crate) fn title_clashing(doc: &mut Value, notes: &mut Vec<Repair>) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut taken: BTreeSet<String> = schemas.keys().map(|name| type_name(name)).collect();
    for (name, schema) in schemas.iter_mut() {
        let mut at = vec!["components".to_owned(), "schemas".to_owned(), name.clone()];
        let rust_name = type_name(name);
        title_inside(schema, &rust_name, &mut at, &mut taken, notes);
    }
}

/// Walks the inline schemas typify names after `name`'s: its properties'
/// and its items'.
fn title_inside(
    schema: &mut Value,
    name: &str,
    at: &mut Vec<String>,
    taken: &mut BTreeSet<String>,
    notes: &mut Vec<Repair>,
) {
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for (property, child) in properties.iter_mut() {
            let placed = type_name(&format!("{name}_{}", property.to_snake_case()));
            at.extend(["properties".to_owned(), property.clone()]);
            title_inline(child, &placed, at, taken, notes);
            at.truncate(at.len() - 2);
        }
    }
    if let Some(items) = schema.get_mut("items") {
        at.push("items".to_owned());
        title_inline(items, &type_name(&format!("{name}Item")), at, taken, notes);
        at.pop();
    }
}

/// `schema`, which typify would name `placed`: titled when that name is a
/// component's, then walked under the name it has.
fn title_inline(
    schema: &mut Value,
    placed: &str,
    at: &mut Vec<String>,
    taken: &mut BTreeSet<String>,
    notes: &mut Vec<Repair>,
) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if object.contains_key("$ref") {
        return;
    }
    let name = match object.get("title").and_then(Value::as_str) {
        Some(title) => type_name(title),
        None if taken.contains(placed) => {
            let free = (2..)
                .map(|n| format!("{placed}{n}"))
                .find(|candidate| !taken.contains(candidate))
                .expect("some suffix is free");
            notes.push(Repair::at(
                pointer(at.iter().map(String::as_str)),
                format!(
                    "this inline schema's Rust type name would be `{placed}`, which the schema `{placed}` has"
                ),
                format!("it is `{free}` in Rust"),
            ));
            object.insert("title".to_owned(), Value::String(free.clone()));
            taken.insert(free.clone());
            free
        }
        None => placed.to_owned(),
    };
    title_inside(schema, &name, at, taken, notes);
}
