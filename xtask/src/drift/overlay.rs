//! The proposal as an OpenAPI Overlay 1.0 document: one action per edit, its target a
//! readable JSONPath (`$.components.schemas.Contact.properties`), its `description` what
//! was seen and what is proposed. Applying it (an `update` is merged into an object
//! target, appended to an array target) must give the very document the text edits gave:
//! `check` holds the two together.

use serde_json::{Map, Value, json};

use super::propose::{Change, Edit, Left};
use super::yaml_block::{emit, wrap};

/// What the overlay's header says besides the edits.
pub struct Header<'a> {
    /// The spec it extends, as the repository names it.
    pub spec: &'a str,
    /// The crate version the edits start from.
    pub version: &'a str,
    pub declined: &'a [Left],
    pub unlocated: &'a [Left],
    /// One line per spec hash whose lines were kept apart.
    pub other_specs: &'a [String],
}

/// The overlay document of `edits`: `original` is the spec before them, `edited` after
/// (the descriptions that gained a `Note:` are read from it).
pub fn document(edits: &[Edit], original: &Value, edited: &Value, header: &Header<'_>) -> Value {
    let mut actions = Vec::new();
    let description = |schema: &str| edited.pointer(&format!("{schema}/description")).cloned();
    for edit in edits {
        let mut action = |target: String, update: Value, text: &str| {
            actions
                .push(json!({"target": json_path(&target), "description": text, "update": update}));
        };
        match &edit.change {
            Change::AddProperty {
                object,
                name,
                schema,
            } => {
                let properties = format!("{object}/properties");
                if original.pointer(&properties).is_some() {
                    action(properties, json!({name: schema}), &edit.summary);
                } else {
                    action(
                        object.clone(),
                        json!({"properties": {name: schema}}),
                        &edit.summary,
                    );
                }
            }
            Change::AddEnumValue { schema, value } => {
                action(format!("{schema}/enum"), value.clone(), &edit.summary);
                let update = json!({"description": description(schema)});
                action(
                    schema.clone(),
                    update,
                    "the enum's description gains the `Note:`",
                );
            }
            Change::SetNullable { schema } => {
                let update = json!({"nullable": true, "description": description(schema)});
                action(schema.clone(), update, &edit.summary);
            }
            Change::WidenType { schema, to } => {
                let update = json!({"type": to, "description": description(schema)});
                action(schema.clone(), update, &edit.summary);
            }
            Change::AddStatus {
                operation,
                status,
                response,
            } => {
                let update = json!({status.to_string(): response});
                action(format!("{operation}/responses"), update, &edit.summary);
            }
        }
    }
    json!({
        "overlay": "1.0.0",
        "info": {
            "title": format!("Drift seen in answers, proposed as a change of {}", header.spec),
            "version": header.version,
        },
        "extends": header.spec,
        "actions": actions,
    })
}

/// The overlay as YAML, after a comment that says what it is, and what is not proposed
/// and why.
pub fn to_yaml(document: &Value, header: &Header<'_>) -> String {
    let mut comment = vec![format!(
        "A proposed change of {} from the drift its clients recorded, as an OpenAPI Overlay \
             1.0 document written by `cargo xtask drift`. Each action says what was seen, how \
             often and when; each node it edits gains a `Note:` that says the same. `cargo \
             xtask drift RECORDS --apply` merges it into the spec, keeping the spec's comments \
             and layout.",
        header.spec
    )];
    let lists: [(&str, Vec<String>); 3] = [
        (
            "Not proposed:",
            header
                .declined
                .iter()
                .map(|left| format!("{}: {}.", left.finding, left.reason))
                .collect(),
        ),
        (
            "Not located in the spec, which changed since they were recorded:",
            header
                .unlocated
                .iter()
                .map(|left| format!("{}: {}.", left.finding, left.reason))
                .collect(),
        ),
        (
            "Recorded against another spec, not merged:",
            header.other_specs.to_vec(),
        ),
    ];
    for (title, items) in lists {
        if !items.is_empty() {
            comment.push(String::new());
            comment.push(title.to_owned());
            comment.extend(items.iter().map(|item| format!("- {item}")));
        }
    }
    let mut out = String::new();
    for paragraph in comment {
        if paragraph.is_empty() {
            out.push_str("#\n");
            continue;
        }
        let hanging = paragraph.starts_with("- ");
        for (index, line) in wrap(&paragraph, 2).into_iter().enumerate() {
            let line = line.trim_start();
            let pad = if hanging && index > 0 { "   " } else { " " };
            out.push_str(&format!("#{pad}{line}\n"));
        }
    }
    for (key, value) in document.as_object().into_iter().flatten() {
        for line in emit(key, value, 0) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// `/paths/~1contacts~1upsert/post` as `$.paths['/contacts/upsert'].post`.
pub fn json_path(pointer: &str) -> String {
    let mut path = "$".to_owned();
    for segment in pointer.split('/').skip(1) {
        let name = segment.replace("~1", "/").replace("~0", "~");
        let mut chars = name.chars();
        let identifier = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if identifier {
            path.push('.');
            path.push_str(&name);
        } else {
            path.push_str(&format!(
                "['{}']",
                name.replace('\\', "\\\\").replace('\'', "\\'")
            ));
        }
    }
    path
}

/// The JSON pointer of a JSONPath as `json_path` writes it; other JSONPaths are refused.
fn pointer_of(path: &str) -> Result<String, String> {
    let mut rest = path
        .strip_prefix('$')
        .ok_or_else(|| format!("`{path}` does not start with `$`"))?;
    let mut pointer = String::new();
    while !rest.is_empty() {
        let name;
        if let Some(after) = rest.strip_prefix("['") {
            let mut text = String::new();
            let mut chars = after.char_indices();
            let end = loop {
                match chars.next() {
                    Some((_, '\\')) => text.extend(chars.next().map(|(_, c)| c)),
                    Some((at, '\'')) => break at,
                    Some((_, c)) => text.push(c),
                    None => return Err(format!("`{path}`: an unclosed `['`")),
                }
            };
            rest = after[end + 1..]
                .strip_prefix(']')
                .ok_or_else(|| format!("`{path}`: `']` expected"))?;
            name = text;
        } else if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return Err(format!(
                    "`{path}`: an empty name (only exact paths are taken)"
                ));
            }
            name = after[..end].to_owned();
            rest = &after[end..];
        } else {
            return Err(format!(
                "`{path}`: only `.name` and `['name']` steps are taken"
            ));
        }
        pointer.push('/');
        pointer.push_str(&super::locate::escape(&name));
    }
    Ok(pointer)
}

/// `document` with the overlay's actions applied, in order.
pub fn apply(document: &Value, overlay: &Value) -> Result<Value, String> {
    let mut out = document.clone();
    let actions = overlay["actions"]
        .as_array()
        .ok_or("an overlay without `actions`")?;
    for action in actions {
        let path = action["target"]
            .as_str()
            .ok_or("an action without a `target`")?;
        let pointer = pointer_of(path)?;
        let node = out
            .pointer_mut(&pointer)
            .ok_or_else(|| format!("`{path}` selects nothing"))?;
        let update = action
            .get("update")
            .ok_or_else(|| format!("`{path}`: no `update`"))?;
        match node {
            Value::Array(items) => items.push(update.clone()),
            Value::Object(_) => merge(node, update),
            _ => return Err(format!("`{path}` selects a scalar")),
        }
    }
    Ok(out)
}

fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Object(target), Value::Object(fields)) => {
            for (key, value) in fields {
                match target.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value)
                    }
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (node, update) => *node = update.clone(),
    }
}

/// Fails unless the overlay, read back from its YAML, turns `original` into `edited`:
/// the text edits changed exactly what the overlay proposes, and nothing else.
pub fn check(original: &Value, overlay_yaml: &str, edited: &Value) -> Result<(), String> {
    let overlay: Value = serde_yaml_ng::from_str(overlay_yaml)
        .map_err(|e| format!("the overlay does not read back: {e}"))?;
    let applied = apply(original, &overlay)?;
    match first_difference(&applied, edited, "") {
        None => Ok(()),
        Some(at) => Err(format!(
            "the spec's text edits and the overlay differ at `{at}`; the spec's layout there is \
             not one the text edits handle"
        )),
    }
}

fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: Map<String, Value> = a
                .iter()
                .chain(b.iter())
                .map(|(k, _)| (k.clone(), Value::Null))
                .collect();
            keys.keys().find_map(|key| match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) => {
                    first_difference(x, y, &format!("{at}/{}", super::locate::escape(key)))
                }
                _ => Some(format!("{at}/{}", super::locate::escape(key))),
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(index, (x, y))| first_difference(x, y, &format!("{at}/{index}"))),
        (x, y) if x == y => None,
        _ => Some(at.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_read_back_as_their_pointers() {
        for pointer in [
            "/components/schemas/Contact/properties",
            "/paths/~1contacts~1upsert/post/responses",
            "/a/it's/x-y/~0tilde/200",
        ] {
            assert_eq!(
                pointer_of(&json_path(pointer)),
                Ok(pointer.to_owned()),
                "{}",
                json_path(pointer)
            );
        }
        assert_eq!(
            json_path("/paths/~1contacts~1upsert/post"),
            "$.paths['/contacts/upsert'].post"
        );
        assert!(pointer_of("$..x").is_err());
    }

    #[test]
    fn updates_merge_into_objects_and_append_to_arrays() {
        let document = json!({"a": {"enum": ["x"], "b": {"c": 1}}});
        let overlay = json!({"actions": [
            {"target": "$.a.enum", "update": "y"},
            {"target": "$.a", "update": {"b": {"d": 2}, "nullable": true}},
        ]});
        assert_eq!(
            apply(&document, &overlay).unwrap(),
            json!({"a": {"enum": ["x", "y"], "b": {"c": 1, "d": 2}, "nullable": true}})
        );
        let missing = json!({"actions": [{"target": "$.b", "update": {}}]});
        assert!(
            apply(&document, &missing)
                .unwrap_err()
                .contains("selects nothing")
        );
    }
}
