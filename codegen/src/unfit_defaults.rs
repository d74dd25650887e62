//! A repair: a schema's `default` that its own schema refuses (`default: 0`
//! on `type: string`, a value outside its `enum`) is dropped, with a located
//! note. typify would panic over it, and the intent is plain: the default
//! documents a value, it cannot change what the type accepts.
//!
//! Before that, `enum` values of another type than the schema's (`"2"` on
//! `type: number`, `1` on `type: string`) are read as values of its type,
//! with a note; an `enum` with a value that reads as none is dropped.
//! typify refuses such an enum ("value does not conform").

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
            if within_schema(path) {
                fit_enum(map, path, notes);
            }
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

fn fit_enum(map: &mut serde_json::Map<String, Value>, path: &[String], notes: &mut Vec<Repair>) {
    let [ty] = types(map)[..] else {
        return;
    };
    let Some(Value::Array(values)) = map.get("enum") else {
        return;
    };
    let fitting = |value: &Value| value.is_null() || fits(ty, value);
    if values.iter().all(fitting) {
        return;
    }
    let converted: Option<Vec<Value>> = values
        .iter()
        .map(|value| {
            if fitting(value) {
                Some(value.clone())
            } else {
                read_as(ty, value)
            }
        })
        .collect();
    let flaw = format!("`enum` values are not all of the schema's type `{ty}`");
    let at = pointer(path.iter().map(String::as_str).chain(["enum"]));
    let ty = ty.to_owned();
    match converted {
        Some(values) => {
            notes.push(Repair::at(at, flaw, format!("read as `{ty}` values")));
            map.insert("enum".to_owned(), Value::Array(values));
        }
        None => {
            notes.push(Repair::at(
                at,
                flaw,
                "dropped: any value of the type is allowed",
            ));
            map.remove("enum");
        }
    }
}

/// `value` as a value of type `ty`: a number from its text, a string from a
/// number or boolean.
fn read_as(ty: &str, value: &Value) -> Option<Value> {
    match (ty, value) {
        ("number" | "integer", Value::String(text)) => {
            let number: serde_json::Number = text.trim().parse().ok()?;
            let whole = number.is_i64() || number.is_u64();
            (ty == "number" || whole).then_some(Value::Number(number))
        }
        ("string", Value::Number(number)) => Some(Value::String(number.to_string())),
        ("string", Value::Bool(flag)) => Some(Value::String(flag.to_string())),
        _ => None,
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
    fn enum_values_of_another_type_are_read_as_the_type_or_dropped() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object", "properties": {
            "size": {"type": "number", "enum": ["2", 3, "4.5"], "default": "2"},
            "code": {"type": "string", "enum": [1, true, "x"]},
            "count": {"type": "integer", "enum": ["2.5"]},
            "fine": {"type": "integer", "enum": [1, 2]}
        }}}}});
        let mut notes = Vec::new();
        drop_unfit(&mut doc, &mut notes);
        let at = |name: &str| {
            doc.pointer(&format!("/components/schemas/A/properties/{name}/enum"))
                .cloned()
        };
        assert_eq!(at("size"), Some(json!([2, 3, 4.5])));
        assert_eq!(at("code"), Some(json!(["1", "true", "x"])));
        assert_eq!(at("count"), None);
        assert_eq!(at("fine"), Some(json!([1, 2])));
        let located: Vec<String> = notes.iter().map(|note| note.to_string()).collect();
        assert_eq!(located.len(), 4, "{located:#?}");
        assert!(located[0].contains("/properties/size/enum"), "{located:#?}");
        assert!(
            located[0].contains("read as `number` values"),
            "{located:#?}"
        );
        // The default "2" is not the number 2: dropped after the enum is read.
        assert!(
            located[1].contains("/properties/size/default"),
            "{located:#?}"
        );
        assert!(located[3].contains("dropped: any value"), "{located:#?}");
    }

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
