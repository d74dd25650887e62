//! Edits of a hand-written YAML spec as text, so its comments, layout, quoting and key
//! order survive: a key is located by its indentation, and each edit adds lines at one
//! place (a property, a status, an enum value, `nullable: true`, a `Note:` at the end of a
//! description). Two edits change a line instead: a one-line description gaining its
//! `Note:` becomes a folded block, and a flow-style `[…]` enum gains its value at its end.
//! The caller checks the result by parsing it (see `super::overlay::check`).

use serde_json::{Map, Value};

use super::propose::Change;
use super::yaml_block::{emit, scalar, wrap};

/// A key of a block mapping: its line, its indentation, and the line after its value
/// (trailing blank lines and comments excluded).
#[derive(Debug, Clone, Copy)]
struct Entry {
    line: usize,
    indent: usize,
    end: usize,
}

/// `text` with `change` made, its node's description gaining `note`.
pub fn apply(text: &str, spec: &Value, change: &Change, note: &str) -> Result<String, String> {
    let trailing = text.ends_with('\n');
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    match change {
        Change::AddProperty {
            object,
            name,
            schema,
        } => {
            if spec.pointer(&format!("{object}/properties")).is_some() {
                add_key(
                    &mut lines,
                    &format!("{object}/properties"),
                    name,
                    schema,
                    None,
                )?;
            } else {
                let properties = Value::Object(Map::from_iter([(name.clone(), schema.clone())]));
                add_key(&mut lines, object, "properties", &properties, None)?;
            }
        }
        Change::AddEnumValue { schema, value } => {
            append(&mut lines, &format!("{schema}/enum"), value)?;
            extend_description(&mut lines, spec, schema, note)?;
        }
        Change::SetNullable { schema } => {
            let node = spec.pointer(schema);
            let after = ["format", "type"]
                .into_iter()
                .find(|key| node.and_then(|n| n.get(key)).is_some());
            add_key(&mut lines, schema, "nullable", &Value::Bool(true), after)?;
            extend_description(&mut lines, spec, schema, note)?;
        }
        Change::WidenType { schema, to } => {
            let entry = locate(&lines, &format!("{schema}/type"))?;
            lines[entry.line] = format!("{}type: {to}", " ".repeat(entry.indent));
            extend_description(&mut lines, spec, schema, note)?;
        }
        Change::AddStatus {
            operation,
            status,
            response,
        } => {
            let responses = format!("{operation}/responses");
            let status = status.to_string();
            let before = spec
                .pointer(&responses)
                .and_then(Value::as_object)
                .and_then(|declared| declared.keys().filter(|key| **key < status).max().cloned());
            add_key(&mut lines, &responses, &status, response, before.as_deref())?;
        }
    }
    let mut out = lines.join("\n");
    if trailing {
        out.push('\n');
    }
    Ok(out)
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_content(line: &str) -> bool {
    let trimmed = line.trim_start();
    !trimmed.is_empty() && !trimmed.starts_with('#')
}

/// The key of a `key: value` line (without its indentation), and the text after the colon.
fn key_of(rest: &str) -> Option<(String, &str)> {
    if rest.starts_with('-') && (rest.len() == 1 || rest[1..].starts_with(' ')) {
        return None;
    }
    if let Some(quote) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') {
        let body = &rest[1..];
        let close = body.find(quote)?;
        let after = body[close + 1..].strip_prefix(':')?;
        return (after.is_empty() || after.starts_with(' '))
            .then(|| (body[..close].to_owned(), after.trim_start()));
    }
    let bytes = rest.as_bytes();
    (0..bytes.len())
        .find(|&at| bytes[at] == b':' && (at + 1 == bytes.len() || bytes[at + 1] == b' '))
        .map(|at| {
            (
                rest[..at].trim_end().to_owned(),
                rest[at + 1..].trim_start(),
            )
        })
}

/// The keys of the block mapping on lines `from..to`.
fn children(lines: &[String], from: usize, to: usize) -> Vec<(String, Entry)> {
    let Some(first) = (from..to).find(|&at| is_content(&lines[at])) else {
        return Vec::new();
    };
    let indent = indent_of(&lines[first]);
    let mut entries: Vec<(String, Entry)> = Vec::new();
    let mut last_content = first;
    for (at, line) in lines.iter().enumerate().take(to).skip(first) {
        if !is_content(line) {
            continue;
        }
        let key = (indent_of(line) == indent)
            .then(|| key_of(&line[indent..]))
            .flatten();
        match key {
            Some((key, _)) => {
                if let Some((_, open)) = entries.last_mut() {
                    open.end = last_content + 1;
                }
                entries.push((
                    key,
                    Entry {
                        line: at,
                        indent,
                        end: at + 1,
                    },
                ));
            }
            None if entries.is_empty() => return Vec::new(),
            None => {}
        }
        last_content = at;
    }
    if let Some((_, open)) = entries.last_mut() {
        open.end = last_content + 1;
    }
    entries
}

/// The entry at the JSON pointer `pointer`, through block mappings only.
fn locate(lines: &[String], pointer: &str) -> Result<Entry, String> {
    let mut range = (0, lines.len());
    let mut found = None;
    for segment in pointer.split('/').skip(1) {
        let key = segment.replace("~1", "/").replace("~0", "~");
        let entry = children(lines, range.0, range.1)
            .into_iter()
            .find(|(name, _)| *name == key)
            .map(|(_, entry)| entry)
            .ok_or_else(|| format!("`{pointer}`: no block-style key `{key}` found in the text"))?;
        range = (entry.line + 1, entry.end);
        found = Some(entry);
    }
    found.ok_or_else(|| "the document's root is not edited".to_owned())
}

/// The text after the colon of `entry`'s key line.
fn inline_value(lines: &[String], entry: Entry) -> &str {
    key_of(&lines[entry.line][entry.indent..]).map_or("", |(_, after)| after)
}

/// Adds `key: value` to the mapping at `pointer`, after its key `after` (else last).
fn add_key(
    lines: &mut Vec<String>,
    pointer: &str,
    key: &str,
    value: &Value,
    after: Option<&str>,
) -> Result<(), String> {
    let entry = locate(lines, pointer)?;
    let inline = inline_value(lines, entry);
    if !inline.is_empty() && !inline.starts_with('#') {
        return Err(format!("`{pointer}` is written in flow style (`{inline}`)"));
    }
    let kids = children(lines, entry.line + 1, entry.end);
    if kids.iter().any(|(name, _)| name == key) {
        return Err(format!("`{pointer}` has a key `{key}` already"));
    }
    let indent = kids.first().map_or(entry.indent + 2, |(_, kid)| kid.indent);
    let at = after
        .and_then(|after| kids.iter().find(|(name, _)| name == after))
        .or(kids.last())
        .map_or(entry.line + 1, |(_, kid)| kid.end);
    let new = emit(key, value, indent);
    lines.splice(at..at, new);
    Ok(())
}

/// Appends `value` to the sequence at `pointer`: a `- value` line, or `, value` before
/// the `]` of a flow sequence.
fn append(lines: &mut Vec<String>, pointer: &str, value: &Value) -> Result<(), String> {
    let entry = locate(lines, pointer)?;
    let item = scalar(value);
    if inline_value(lines, entry).starts_with('[') {
        let last = (entry.line..entry.end)
            .rev()
            .find(|&at| lines[at].contains(']'))
            .ok_or_else(|| format!("`{pointer}`: no `]` closes the flow sequence"))?;
        let close = lines[last].rfind(']').expect("found above");
        lines[last].insert_str(close, &format!(", {item}"));
        return Ok(());
    }
    let first = (entry.line + 1..entry.end)
        .find(|&at| is_content(&lines[at]))
        .filter(|&at| lines[at].trim_start().starts_with("- "))
        .ok_or_else(|| format!("`{pointer}` is not a sequence of `- ` items"))?;
    let line = format!("{}- {item}", " ".repeat(indent_of(&lines[first])));
    lines.insert(entry.end, line);
    Ok(())
}

/// The description of the schema at `pointer` gains `note`: as lines after a block
/// scalar's last line (a new paragraph in a literal one), or, for a one-line description,
/// as a folded block that starts with the old text. Without a description, `note` is one.
fn extend_description(
    lines: &mut Vec<String>,
    spec: &Value,
    pointer: &str,
    note: &str,
) -> Result<(), String> {
    let schema = locate(lines, pointer)?;
    let found = children(lines, schema.line + 1, schema.end)
        .into_iter()
        .find(|(name, _)| name == "description");
    let Some((_, entry)) = found else {
        return add_key(
            lines,
            pointer,
            "description",
            &Value::String(note.to_owned()),
            None,
        );
    };
    let inline = inline_value(lines, entry).to_owned();
    if inline.starts_with('>') || inline.starts_with('|') {
        let indent = (entry.line + 1..entry.end)
            .find(|&at| is_content(&lines[at]))
            .map_or(entry.indent + 2, |at| indent_of(&lines[at]));
        let mut added = if inline.starts_with('|') {
            vec![String::new()]
        } else {
            Vec::new()
        };
        added.extend(wrap(note, indent));
        lines.splice(entry.end..entry.end, added);
        return Ok(());
    }
    let old = spec
        .pointer(&format!("{pointer}/description"))
        .and_then(Value::as_str)
        .ok_or_else(|| format!("`{pointer}/description` is not text"))?;
    let text = Value::String(format!("{old} {note}"));
    let block = emit("description", &text, entry.indent);
    lines.splice(entry.line..entry.end, block);
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SPEC: &str = "\
# a comment that stays
components:
  schemas:
    A:
      type: object
      description: One line.
      properties:
        status:
          type: string
          enum:
            - active
          description: >-
            Folded text.
        code:
          type: string
          enum: [a,
            b]
          description: |-
            Literal text.

      example: {}
  responses: {}
";

    fn spec() -> Value {
        serde_yaml_ng::from_str(SPEC).unwrap()
    }

    fn edited(change: Change) -> String {
        apply(SPEC, &spec(), &change, "Note: seen.").unwrap()
    }

    fn parsed(text: &str) -> Value {
        serde_yaml_ng::from_str(text).unwrap()
    }

    #[test]
    fn a_property_and_nullable_are_added_lines() {
        let text = edited(Change::AddProperty {
            object: "/components/schemas/A".into(),
            name: "new".into(),
            schema: json!({"type": "string", "description": "Seen. Note: seen."}),
        });
        assert!(text.contains("            Literal text.\n        new:\n          type: string\n          description: >-\n            Seen. Note: seen.\n\n      example: {}\n"), "{text}");
        let text = edited(Change::SetNullable {
            schema: "/components/schemas/A/properties/status".into(),
        });
        let value = parsed(&text);
        let status = &value["components"]["schemas"]["A"]["properties"]["status"];
        assert_eq!(status["nullable"], json!(true));
        assert_eq!(status["description"], json!("Folded text. Note: seen."));
        assert!(text.contains("          type: string\n          nullable: true\n          enum:\n            - active\n"), "{text}");
    }

    #[test]
    fn enum_values_join_block_and_flow_sequences() {
        let text = edited(Change::AddEnumValue {
            schema: "/components/schemas/A/properties/code".into(),
            value: json!("paused"),
        });
        let code = &parsed(&text)["components"]["schemas"]["A"]["properties"]["code"];
        assert_eq!(code["enum"], json!(["a", "b", "paused"]));
        assert_eq!(code["description"], json!("Literal text.\n\nNote: seen."));
        let text = edited(Change::AddEnumValue {
            schema: "/components/schemas/A/properties/status".into(),
            value: json!("paused"),
        });
        let status = &parsed(&text)["components"]["schemas"]["A"]["properties"]["status"];
        assert_eq!(status["enum"], json!(["active", "paused"]));
    }

    #[test]
    fn a_long_note_in_a_literal_block_is_a_paragraph_of_its_own() {
        let note = "Note: ".to_owned() + &"seen again ".repeat(20);
        let note = note.trim_end();
        let change = Change::SetNullable {
            schema: "/components/schemas/A/properties/code".into(),
        };
        let text = apply(SPEC, &spec(), &change, note).unwrap();
        let code = &parsed(&text)["components"]["schemas"]["A"]["properties"]["code"];
        let description = code["description"].as_str().unwrap();
        let (before, after) = description.split_once("\n\n").unwrap();
        assert_eq!(before, "Literal text.");
        assert_eq!(after.replace('\n', " "), note);
        assert!(text.lines().all(|line| line.len() <= 92), "{text}");
    }

    #[test]
    fn a_one_line_description_becomes_a_folded_block_and_flow_mappings_are_refused() {
        let text = edited(Change::WidenType {
            schema: "/components/schemas/A".into(),
            to: "number".into(),
        });
        let a = &parsed(&text)["components"]["schemas"]["A"];
        assert_eq!(a["type"], json!("number"));
        assert_eq!(a["description"], json!("One line. Note: seen."));
        assert!(text.starts_with("# a comment that stays\n"));
        let refused = apply(
            SPEC,
            &spec(),
            &Change::AddStatus {
                operation: "/components".into(),
                status: 201,
                response: json!({"description": "x"}),
            },
            "",
        );
        assert!(refused.unwrap_err().contains("flow style"));
    }
}
