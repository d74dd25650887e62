//! Where a finding belongs in the spec: from the record's `schema` pointer, along the
//! answer's `pointer`, through `properties`, `items` (`*`), `$ref`, `allOf` and
//! `additionalProperties`. A finding that no longer locates (the spec changed since it was
//! recorded) says why; nothing is guessed.

use serde_json::Value;

use super::record::{Finding, Kind};

/// The node a finding's edit goes to, as a JSON pointer into the spec document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// An undeclared property: the object schema it belongs to (`$ref`s followed).
    Object { at: String, name: String },
    /// A value of a declared schema: the node that declares it (`node`, as written, which
    /// may be a `$ref`) and the schema it resolves to (`resolved`).
    Value { node: String, resolved: String },
    /// An undeclared status or content type: the operation.
    Operation { at: String },
}

/// Locates `finding` in `spec`, or says why it cannot.
pub fn locate(spec: &Value, finding: &Finding) -> Result<Located, String> {
    if matches!(
        finding.kind,
        Kind::UndeclaredStatus | Kind::UndeclaredContentType
    ) {
        let at = operation(spec, &finding.operation)?;
        if finding.kind == Kind::UndeclaredStatus
            && spec
                .pointer(&format!("{at}/responses/{}", finding.status))
                .is_some()
        {
            return Err(format!(
                "status {} is declared by now at `{at}/responses`",
                finding.status
            ));
        }
        return Ok(Located::Operation { at });
    }
    let schema = finding
        .schema
        .as_deref()
        .ok_or("the line has no `schema` pointer")?;
    let start = fragment_pointer(schema)?;
    if spec.pointer(&start).is_none() {
        return Err(format!("no schema at `{schema}`"));
    }
    let segments: Vec<String> = if finding.pointer.is_empty() {
        Vec::new()
    } else {
        finding.pointer[1..]
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    };
    if finding.kind == Kind::UndeclaredProperty {
        let (name, parents) = segments
            .split_last()
            .ok_or("an undeclared property at the body's root has no name")?;
        let parent = walk(spec, &start, parents)?;
        let at = resolve(spec, &parent)?;
        if let Some(declared) = declared(spec, &at, name)? {
            return Err(format!("`{name}` is declared by now, at `{declared}`"));
        }
        return Ok(Located::Object {
            at,
            name: name.clone(),
        });
    }
    let node = walk(spec, &start, &segments)?;
    let resolved = resolve(spec, &node)?;
    Ok(Located::Value { node, resolved })
}

/// The pointer of the operation whose `operationId` is `id`, spelled as the spec does or
/// as the crate's method (`upsertContact`, `upsert_contact`).
fn operation(spec: &Value, id: &str) -> Result<String, String> {
    let folded = |name: &str| -> String {
        name.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = folded(id);
    let paths = spec.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if op.get("operationId").and_then(Value::as_str).map(folded) == Some(wanted.clone()) {
                return Ok(format!("/paths/{}/{method}", escape(path)));
            }
        }
    }
    Err(format!("no operation `{id}` in the spec"))
}

/// The nodes from `start` along `segments`, each step from the schema the last resolves to.
fn walk(spec: &Value, start: &str, segments: &[String]) -> Result<String, String> {
    let mut at = start.to_owned();
    for segment in segments {
        let from = resolve(spec, &at)?;
        at = step(spec, &from, segment)?;
    }
    Ok(at)
}

/// One step into the schema at `at` (already resolved): a declared property, else the
/// schema of `additionalProperties` (its own, or an `allOf` branch's).
fn step(spec: &Value, at: &str, segment: &str) -> Result<String, String> {
    if segment == "*" {
        return match spec.pointer(at).and_then(|node| node.get("items")) {
            Some(_) => Ok(format!("{at}/items")),
            None => Err(format!("`{at}` declares no `items` for an array")),
        };
    }
    if let Some(found) = declared(spec, at, segment)? {
        return Ok(found);
    }
    let mut schemas = vec![at.to_owned()];
    let branches = spec
        .pointer(&format!("{at}/allOf"))
        .and_then(Value::as_array);
    for index in 0..branches.map_or(0, Vec::len) {
        schemas.push(resolve(spec, &format!("{at}/allOf/{index}"))?);
    }
    schemas
        .into_iter()
        .find(|schema| {
            spec.pointer(&format!("{schema}/additionalProperties"))
                .is_some_and(Value::is_object)
        })
        .map(|schema| format!("{schema}/additionalProperties"))
        .ok_or_else(|| format!("`{at}` declares no property `{segment}`"))
}

/// The property `name` of the schema at `at`, or of one of its `allOf` branches.
fn declared(spec: &Value, at: &str, name: &str) -> Result<Option<String>, String> {
    let node = spec
        .pointer(at)
        .ok_or_else(|| format!("no node at `{at}`"))?;
    if node.get("properties").and_then(|p| p.get(name)).is_some() {
        return Ok(Some(format!("{at}/properties/{}", escape(name))));
    }
    let branches = node
        .get("allOf")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    for index in 0..branches {
        let branch = resolve(spec, &format!("{at}/allOf/{index}"))?;
        if let Some(found) = declared(spec, &branch, name)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// `at`, or the schema its `$ref`s lead to. Only references within the document are
/// followed: the edit goes to one file.
fn resolve(spec: &Value, at: &str) -> Result<String, String> {
    let mut at = at.to_owned();
    for _ in 0..32 {
        let node = spec
            .pointer(&at)
            .ok_or_else(|| format!("no node at `{at}`"))?;
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return Ok(at);
        };
        if !reference.starts_with('#') {
            return Err(format!(
                "`{at}` refers to another file (`{reference}`); only the spec's own file is edited"
            ));
        }
        at = fragment_pointer(reference)?;
    }
    Err(format!("`{at}`: `$ref`s in a cycle"))
}

/// `#/a/b%7Bc%7D` as the JSON pointer `/a/b{c}`.
fn fragment_pointer(fragment: &str) -> Result<String, String> {
    let pointer = fragment
        .strip_prefix('#')
        .ok_or_else(|| format!("`{fragment}` is not a `#/…` fragment"))?;
    let bytes = pointer.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = pointer
                .get(at + 1..at + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("`{fragment}`: a bad percent escape"))?;
            out.push(hex);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("`{fragment}` is not UTF-8 once decoded"))
}

/// One pointer segment, RFC 6901 escaped.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::drift::record::Observed;

    fn spec() -> Value {
        json!({
            "paths": {"/c/upsert": {"post": {"operationId": "upsert", "responses": {"200": {}}}}},
            "components": {"schemas": {
                "Answer": {"type": "object", "properties": {"contact": {"$ref": "#/components/schemas/Contact"}}},
                "Contact": {"allOf": [
                    {"$ref": "#/components/schemas/Base"},
                    {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}}
                ]},
                "Base": {"type": "object", "properties": {"id": {"type": "string"}},
                         "additionalProperties": {"$ref": "#/components/schemas/Entry"}},
                "Entry": {"type": "object", "properties": {"status": {"type": "string", "enum": ["a"]}}}
            }}
        })
    }

    fn finding(kind: Kind, pointer: &str) -> Finding {
        Finding {
            crate_name: "c".into(),
            crate_version: "0.1.0".into(),
            spec_sha256: "0".repeat(64),
            operation: "upsert".into(),
            status: 200,
            kind,
            schema: Some("#/components/schemas/Answer".into()),
            pointer: pointer.into(),
            observed: Observed {
                json_type: "string".into(),
                format: None,
                media_type: None,
                matches_status: None,
            },
            value: None,
            count: 1,
            first_seen: String::new(),
            last_seen: String::new(),
        }
    }

    #[test]
    fn walks_refs_all_of_items_and_additional_properties() {
        let spec = spec();
        assert_eq!(
            locate(&spec, &finding(Kind::UnexpectedNull, "/contact/tags/*")),
            Ok(Located::Value {
                node: "/components/schemas/Contact/allOf/1/properties/tags/items".into(),
                resolved: "/components/schemas/Contact/allOf/1/properties/tags/items".into(),
            })
        );
        assert_eq!(
            locate(
                &spec,
                &finding(Kind::UnlistedEnumValue, "/contact/x/status")
            ),
            Ok(Located::Value {
                node: "/components/schemas/Entry/properties/status".into(),
                resolved: "/components/schemas/Entry/properties/status".into(),
            })
        );
        assert_eq!(
            locate(&spec, &finding(Kind::UndeclaredProperty, "/contact/x/note")),
            Ok(Located::Object {
                at: "/components/schemas/Entry".into(),
                name: "note".into()
            })
        );
    }

    #[test]
    fn what_no_longer_locates_says_why() {
        let spec = spec();
        let declared = locate(&spec, &finding(Kind::UndeclaredProperty, "/contact/id"));
        assert!(declared.unwrap_err().contains("declared by now"));
        let gone = locate(&spec, &finding(Kind::UnexpectedNull, "/gone/tags"));
        assert!(gone.unwrap_err().contains("declares no property `gone`"));
        let mut status = finding(Kind::UndeclaredStatus, "");
        status.schema = None;
        assert_eq!(
            locate(&spec, &status),
            Err("status 200 is declared by now at `/paths/~1c~1upsert/post/responses`".into())
        );
        status.status = 201;
        assert_eq!(
            locate(&spec, &status),
            Ok(Located::Operation {
                at: "/paths/~1c~1upsert/post".into()
            })
        );
    }
}
