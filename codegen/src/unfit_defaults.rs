//! A repair: a schema's `default` that its own schema refuses (`default: 0`
//! on `type: string`, a value outside its `enum`) is dropped, with a located
//! note. typify would panic over it, and the intent is plain: the default
//! documents a value, it cannot change what the type accepts.

use serde_json::Value;

use crate::bundle::{is_data, within_schema};
use crate::error::Repair;
use crate::rules::pointer;

pub(crate) fn drop_unfit(doc: &mut Value, notes: &mut Vec<Repair>) {
    let mut path = Vec::new();
    walk(doc, &mut path, notes);
}

fn walk(node: &mut Value, path: &mut Vec<String>, notes: &mut Vec<Repair>) {
    match node {
        Value::Object(map) => {
            if within_schema(path)
                && let Some(default) = map.get("default")
                && let Some(reason) = unfit(map, default)
            {
                notes.push(Repair::at(
                    pointer(path.iter().map(String::as_str).chain(["default"])),
                    format!("the default {default} {reason}"),
                    "dropped: the property has no default",
                ));
                map.remove("default");
            }
            for (key, child) in map.iter_mut() {
                path.push(key.clone());
                if !is_data(path) {
                    walk(child, path, notes);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                path.push(index.to_string());
                walk(child, path, notes);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Why `schema` refuses its own `default`, when it does.
fn unfit(schema: &serde_json::Map<String, Value>, default: &Value) -> Option<String> {
    if default.is_null() {
        let nullable =
            schema.get("nullable") == Some(&Value::Bool(true)) || types(schema).contains(&"null");
        return (!nullable).then(|| "is `null`, which the schema does not allow".to_owned());
    }
    let declared = types(schema);
    if !declared.is_empty() && !declared.iter().any(|ty| fits(ty, default)) {
        return Some(format!(
            "is not of the schema's type `{}`",
            declared.join(" | ")
        ));
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.contains(default)
    {
        return Some("is not among the schema's `enum` values".to_owned());
    }
    None
}

/// `type`, as a list (3.1 allows several).
fn types(schema: &serde_json::Map<String, Value>) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(several)) => several.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn fits(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_default_its_schema_refuses_is_dropped_with_a_note() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object", "properties": {
            "count": {"type": "string", "default": 0},
            "kind": {"type": "string", "enum": ["a", "b"], "default": "c"},
            "fine": {"type": "integer", "default": 3},
            "cleared": {"type": "string", "nullable": true, "default": null},
            "unset": {"type": "string", "default": null},
            "example": {"type": "object", "example": {"default": 1}}
        }}}}});
        let mut notes = Vec::new();
        drop_unfit(&mut doc, &mut notes);
        let at = |name: &str| {
            doc.pointer(&format!("/components/schemas/A/properties/{name}/default"))
                .cloned()
        };
        assert_eq!(at("count"), None);
        assert_eq!(at("kind"), None);
        assert_eq!(at("unset"), None);
        assert_eq!(at("fine"), Some(json!(3)));
        assert_eq!(at("cleared"), Some(Value::Null));
        assert_eq!(
            doc.pointer("/components/schemas/A/properties/example/example"),
            Some(&json!({"default": 1}))
        );
        let located: Vec<&str> = notes.iter().map(|note| note.pointer.as_str()).collect();
        assert_eq!(
            located,
            [
                "/components/schemas/A/properties/count/default",
                "/components/schemas/A/properties/kind/default",
                "/components/schemas/A/properties/unset/default",
            ]
        );
        assert_eq!(
            notes[0].flaw,
            "the default 0 is not of the schema's type `string`"
        );
    }
}
