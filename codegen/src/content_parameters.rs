//! A repair: a parameter described by `content` (a media type and its
//! schema) instead of a `schema`. Progenitor passes parameters by schema
//! only; the intent is plain: the parameter is text in that media type. It
//! becomes a `string`, which the caller writes in the media type, with a
//! located note.

use serde_json::{Value, json};

use crate::error::Repair;
use crate::rules::{METHODS, pointer};

pub(crate) fn as_strings(doc: &mut Value, notes: &mut Vec<Repair>) {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let at = pointer(["paths", path.as_str()]);
            in_list(&at, item.get_mut("parameters"), notes);
            for method in METHODS {
                let at = pointer(["paths", path.as_str(), method]);
                let list = item.get_mut(method).and_then(|op| op.get_mut("parameters"));
                in_list(&at, list, notes);
            }
        }
    }
    if let Some(parameters) = doc
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        for (name, parameter) in parameters.iter_mut() {
            let at = pointer(["components", "parameters", name.as_str()]);
            as_string(&at, parameter, notes);
        }
    }
}

/// The parameters of the list at `{at}/parameters`.
fn in_list(at: &str, list: Option<&mut Value>, notes: &mut Vec<Repair>) {
    let Some(list) = list.and_then(Value::as_array_mut) else {
        return;
    };
    for (index, parameter) in list.iter_mut().enumerate() {
        as_string(&format!("{at}/parameters/{index}"), parameter, notes);
    }
}

fn as_string(at: &str, parameter: &mut Value, notes: &mut Vec<Repair>) {
    let Some(map) = parameter.as_object_mut() else {
        return;
    };
    if map.contains_key("schema") {
        return;
    }
    let Some(content) = map.get("content").and_then(Value::as_object) else {
        return;
    };
    let media_type = content.keys().next().cloned().unwrap_or_default();
    let name = map.get("name").and_then(Value::as_str).unwrap_or_default();
    notes.push(Repair::at(
        at,
        format!("parameter `{name}` is described by `content`, not by a `schema`"),
        format!("it is a string, which the caller writes as `{media_type}`"),
    ));
    map.remove("content");
    map.insert("schema".to_owned(), json!({"type": "string"}));
}
