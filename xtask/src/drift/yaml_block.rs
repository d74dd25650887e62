//! Block YAML written the way the spec writes it: two-space indentation, descriptions as
//! folded blocks no wider than its lines, `$ref`s and other non-plain text quoted. The spec's
//! text edits and the overlay are written with it.

use serde_json::Value;

/// How wide generated lines may be, indentation included, as the spec's own lines are.
const WIDTH: usize = 92;

/// `key: value` as block YAML at `indent`, the way the spec writes it: descriptions as
/// folded blocks, `$ref`s quoted, nested mappings indented by two.
pub fn emit(key: &str, value: &Value, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let key = if plain_key(key) {
        key.to_owned()
    } else {
        quoted(key)
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            let mut out = vec![format!("{pad}{key}:")];
            for (child, value) in map {
                out.extend(emit(child, value, indent + 2));
            }
            out
        }
        Value::Array(items)
            if !items.is_empty() && items.iter().all(|i| !i.is_object() && !i.is_array()) =>
        {
            let mut out = vec![format!("{pad}{key}:")];
            out.extend(
                items
                    .iter()
                    .map(|item| format!("{pad}  - {}", scalar(item))),
            );
            out
        }
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            let mut out = vec![format!("{pad}{key}:")];
            for item in items {
                out.extend(sequence_item(item, indent + 2));
            }
            out
        }
        Value::String(text) if key == "description" && text.contains('\n') => {
            let mut out = vec![format!("{pad}{key}: |-")];
            out.extend(text.lines().map(|line| {
                if line.is_empty() {
                    String::new()
                } else {
                    format!("{pad}  {line}")
                }
            }));
            out
        }
        Value::String(text) if key == "description" => {
            let mut out = vec![format!("{pad}{key}: >-")];
            out.extend(wrap(text, indent + 2));
            out
        }
        // JSON is YAML: empty and nested collections are written in flow style.
        other => vec![format!("{pad}{key}: {}", scalar(other))],
    }
}

/// A mapping as an item of a block sequence at `indent`: `- first: …`, the rest under it.
fn sequence_item(item: &Value, indent: usize) -> Vec<String> {
    let mut out: Vec<String> = item
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(key, value)| emit(key, value, indent + 2))
        .collect();
    if let Some(first) = out.first_mut() {
        first.replace_range(indent..indent + 2, "- ");
    }
    out
}

/// A scalar (or a small flow collection) as YAML: plain when that reads back as the same
/// string, else single-quoted.
pub fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) if plain_value(text) => text.clone(),
        Value::String(text) => quoted(text),
        other => other.to_string(),
    }
}

/// Single-quoted, or double-quoted when that reads better (a text with `'` in it and
/// nothing a double-quoted scalar escapes).
fn quoted(text: &str) -> String {
    if text.contains('\'') && !text.contains(['"', '\\']) && !text.chars().any(char::is_control) {
        return format!("\"{text}\"");
    }
    format!("'{}'", text.replace('\'', "''"))
}

/// Text that YAML reads back as this string when written plain.
fn plain_value(text: &str) -> bool {
    let first_ok = text
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '$');
    let reserved = ["true", "false", "null", "yes", "no", "on", "off", "y", "n"]
        .contains(&text.to_ascii_lowercase().as_str());
    first_ok
        && !reserved
        && !text.ends_with(' ')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " _./+-$".contains(c))
}

fn plain_key(key: &str) -> bool {
    key.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '$' || c == '_')
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || "_$/.-".contains(c))
}

/// `text` as the lines of a folded block at `indent`: words joined by single spaces, no
/// line over `WIDTH` unless one word is.
pub fn wrap(text: &str, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let room = WIDTH.saturating_sub(indent).max(40);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.len() + 1 + word.len() > room {
            out.push(format!("{pad}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(format!("{pad}{line}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn what_is_written_reads_back_as_the_same_value() {
        let value = json!({
            "overlay": "1.0.0",
            "actions": [
                {"target": "$.paths['/a'].post", "description": "A long text that is folded over several lines, since it is wider than the lines of the spec are; it says `Note: x` too.", "update": {"'201'": {"$ref": "#/x", "flag": true, "empty": {}}}},
                {"target": "$.a.enum", "update": "paused"}
            ],
            "literal": {"description": "One.\n\nTwo: \"quoted\"."},
            "words": ["yes", "plain", "it's"]
        });
        let mut text = String::new();
        for (key, value) in value.as_object().unwrap() {
            for line in emit(key, value, 0) {
                assert!(line.len() <= WIDTH, "{line}");
                text.push_str(&line);
                text.push('\n');
            }
        }
        assert!(
            text.contains("  - target: \"$.paths['/a'].post\"\n    description: >-\n"),
            "{text}"
        );
        assert!(
            text.contains("  - target: $.a.enum\n    update: paused\n"),
            "{text}"
        );
        let read: Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(read, value, "{text}");
    }
}
