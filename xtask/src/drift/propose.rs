//! The natural edit for each kind of drift, or none and why: a property is added with its
//! type and format, an enum value is listed, `nullable` is added, a type is widened only
//! when every observation agrees, a status is added when its bodies decoded as a declared
//! one's. Findings that meet at one node (several operations, several shapes) make one edit.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::locate::{Located, locate};
use super::record::{Finding, Kind};

/// One edit of the spec, at JSON pointers of the current document.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    AddProperty {
        object: String,
        name: String,
        schema: Value,
    },
    AddEnumValue {
        schema: String,
        value: Value,
    },
    SetNullable {
        schema: String,
    },
    WidenType {
        schema: String,
        to: String,
    },
    AddStatus {
        operation: String,
        status: u16,
        response: Value,
    },
}

/// A proposed edit: the change, the `Note:` its node's description gains, and one line
/// that says what was seen and what is proposed.
#[derive(Debug, Clone)]
pub struct Edit {
    pub change: Change,
    pub note: String,
    pub summary: String,
}

/// A finding that gets no edit, and why.
#[derive(Debug, Clone)]
pub struct Left {
    pub finding: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Proposal {
    pub edits: Vec<Edit>,
    /// Located, but no edit is natural.
    pub declined: Vec<Left>,
    /// No longer located in the spec.
    pub unlocated: Vec<Left>,
}

/// Where findings meet: the kind of edit and its node.
type Target = (Kind, String, String);

/// The proposal for `findings` (summed, of the current spec) against `spec`.
pub fn propose(spec: &Value, findings: &[Finding]) -> Proposal {
    let mut proposal = Proposal::default();
    let mut groups: BTreeMap<Target, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        match locate(spec, finding) {
            Ok(located) => groups
                .entry(target(finding, located))
                .or_default()
                .push(finding),
            Err(reason) => proposal.unlocated.push(Left {
                finding: describe(finding),
                reason,
            }),
        }
    }
    for ((kind, node, detail), group) in groups {
        let decided = match kind {
            Kind::UndeclaredProperty => property(spec, &node, &detail, &group),
            Kind::UnlistedEnumValue => enum_value(spec, &detail, &group),
            Kind::UnexpectedNull => nullable(spec, &node, &detail, &group),
            Kind::OtherType => widened(spec, &detail, &group),
            Kind::UndeclaredStatus => status(spec, &node, &group),
            Kind::OtherFormat => Err(format!(
                "declared `format: {}`, seen as {} in {}. Another format changes the field's \
                 Rust type, which breaks callers, so it is left to a person; until then an \
                 optional field reads such a value as absent and `raw_json()` keeps it",
                declared(spec, &detail, "format"),
                shapes(&group),
                seen(&group)
            )),
            Kind::MissingRequired => Err(format!(
                "required, but missing in {}. Making it optional changes its Rust type to \
                 `Option<T>`, which breaks callers, so it is left to a person",
                seen(&group)
            )),
            Kind::UndeclaredContentType => Err(format!(
                "answered as {} in {}: a body of an undeclared media type has no schema to \
                 propose",
                shapes(&group),
                seen(&group)
            )),
        };
        match decided {
            Ok(edit) => proposal.edits.push(edit),
            Err(reason) => proposal.declined.push(Left {
                finding: describe(group[0]),
                reason,
            }),
        }
    }
    proposal
}

fn target(finding: &Finding, located: Located) -> Target {
    match located {
        Located::Object { at, name } => (finding.kind, at, name),
        Located::Value { node, resolved } => match finding.kind {
            Kind::UnlistedEnumValue => (
                finding.kind,
                node,
                format!("{resolved}\n{}", finding.value.clone().unwrap_or_default()),
            ),
            _ => (finding.kind, node, resolved),
        },
        Located::Operation { at } => (finding.kind, at, finding.status.to_string()),
    }
}

/// `undeclared_property at /contact/x (upsertContact, 200)`.
pub fn describe(finding: &Finding) -> String {
    let kind = serde_json::to_value(finding.kind).expect("a kind serializes");
    let at = if finding.pointer.is_empty() {
        String::new()
    } else {
        format!(" at `{}`", finding.pointer)
    };
    format!(
        "{}{at} (`{}`, {})",
        kind.as_str().unwrap_or_default(),
        finding.operation,
        finding.status
    )
}

/// How often and when, over a group: `3 answers of `a` (200), from … to …; 1 answer of …`,
/// and the crate versions that recorded them.
pub fn seen(group: &[&Finding]) -> String {
    let mut per_place: BTreeMap<(String, u16), Finding> = BTreeMap::new();
    for finding in group {
        let slot = per_place
            .entry((finding.operation.clone(), finding.status))
            .or_insert_with(|| Finding {
                count: 0,
                ..(*finding).clone()
            });
        slot.count += finding.count;
        slot.first_seen = slot.first_seen.clone().min(finding.first_seen.clone());
        slot.last_seen = slot.last_seen.clone().max(finding.last_seen.clone());
    }
    let places: Vec<String> = per_place.values().map(Finding::seen).collect();
    let versions: BTreeSet<String> = group
        .iter()
        .map(|f| format!("{} {}", f.crate_name, f.crate_version))
        .collect();
    format!(
        "{} (recorded by {})",
        places.join("; "),
        versions.into_iter().collect::<Vec<_>>().join(", ")
    )
}

/// The shapes seen: `a string that looks like a date`, `text/html`…
fn shapes(group: &[&Finding]) -> String {
    let shapes: BTreeSet<String> = group
        .iter()
        .map(|f| {
            let observed = &f.observed;
            match (&observed.media_type, &observed.format) {
                (Some(media), _) => format!("`{media}`"),
                (None, Some(format)) => format!(
                    "{} that looks like a {format}",
                    article(&observed.json_type)
                ),
                (None, None) => article(&observed.json_type),
            }
        })
        .collect();
    shapes.into_iter().collect::<Vec<_>>().join(", or ")
}

fn article(json_type: &str) -> String {
    match json_type {
        "null" => "`null`".to_owned(),
        "absent" => "absent".to_owned(),
        "array" | "object" | "integer" => format!("an {json_type}"),
        other => format!("a {other}"),
    }
}

/// The text of `key` in the schema at `pointer`, for messages.
fn declared(spec: &Value, pointer: &str, key: &str) -> String {
    spec.pointer(pointer)
        .and_then(|node| node.get(key))
        .map_or_else(
            || "(none)".to_owned(),
            |v| v.as_str().map_or_else(|| v.to_string(), str::to_owned),
        )
}

fn property(spec: &Value, object: &str, name: &str, group: &[&Finding]) -> Result<Edit, String> {
    if spec.pointer(object).and_then(|o| o.get("allOf")).is_some() {
        return Err(format!(
            "`{object}` is an `allOf`: which of its schemas takes `{name}` is a decision for a person"
        ));
    }
    let mut types: BTreeSet<&str> = group
        .iter()
        .map(|f| f.observed.json_type.as_str())
        .collect();
    let nullable = types.remove("null");
    types.remove("absent");
    if types.len() == 2 && types.contains("integer") && types.contains("number") {
        types.remove("integer");
    }
    let json_type = match types.iter().collect::<Vec<_>>().as_slice() {
        [] => {
            return Err(format!(
                "only `null` was seen in {}: no type to declare",
                seen(group)
            ));
        }
        [one] => one.to_string(),
        several => {
            return Err(format!(
                "seen as several types ({}) in {}: declaring one would refuse the others, and a \
                 union is a decision for a person",
                several
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                seen(group)
            ));
        }
    };
    let typed: Vec<&&Finding> = group
        .iter()
        .filter(|f| f.observed.json_type == json_type)
        .collect();
    let format = typed[0].observed.format.clone().filter(|format| {
        typed
            .iter()
            .all(|f| f.observed.format.as_deref() == Some(format.as_str()))
    });
    let mut schema = Map::new();
    schema.insert("type".into(), json!(json_type));
    if let Some(format) = &format {
        schema.insert("format".into(), json!(format));
    }
    if json_type == "array" {
        schema.insert("items".into(), json!({}));
    }
    if nullable {
        schema.insert("nullable".into(), json!(true));
    }
    let mut shape = article(&json_type);
    if let Some(format) = &format {
        shape = format!("{shape} that looks like a {format}");
    }
    if nullable {
        shape.push_str(", or `null`");
    }
    let note = format!(
        "Note: not declared before; seen in {}, as {shape}.",
        seen(group)
    );
    schema.insert(
        "description".into(),
        json!(format!(
            "Seen in the API's answers; not in its documentation. {note}"
        )),
    );
    Ok(Edit {
        summary: format!(
            "add the property `{name}` ({shape}), seen in {}",
            seen(group)
        ),
        change: Change::AddProperty {
            object: object.to_owned(),
            name: name.to_owned(),
            schema: Value::Object(schema),
        },
        note,
    })
}

fn enum_value(spec: &Value, detail: &str, group: &[&Finding]) -> Result<Edit, String> {
    let (schema, _) = detail
        .split_once('\n')
        .expect("an enum target holds its value");
    let value = group[0].value.clone().expect("checked when read");
    let Some(listed) = spec
        .pointer(&format!("{schema}/enum"))
        .and_then(Value::as_array)
    else {
        return Err(format!("`{schema}` declares no `enum` by now"));
    };
    if listed.contains(&value) {
        return Err(format!("`{value}` is listed by now in `{schema}/enum`"));
    }
    let shown = value
        .as_str()
        .map_or_else(|| value.to_string(), |text| format!("`{text}`"));
    let note = format!("Note: {shown} was not listed; seen in {}.", seen(group));
    Ok(Edit {
        summary: format!("add the value {shown} to the enum, seen in {}", seen(group)),
        change: Change::AddEnumValue {
            schema: schema.to_owned(),
            value,
        },
        note,
    })
}

fn nullable(spec: &Value, node: &str, resolved: &str, group: &[&Finding]) -> Result<Edit, String> {
    if node != resolved {
        return Err(format!(
            "`{node}` is a `$ref`, which cannot carry `nullable` in OpenAPI 3.0; wrapping it in \
             `allOf` to allow `null` is a decision for a person ({})",
            seen(group)
        ));
    }
    if spec.pointer(&format!("{node}/nullable")) == Some(&json!(true)) {
        return Err(format!("`{node}` is nullable by now"));
    }
    let note = format!(
        "Note: `null` seen in {}; declared nullable since.",
        seen(group)
    );
    Ok(Edit {
        summary: format!(
            "add `nullable: true`, since `null` was seen in {}",
            seen(group)
        ),
        change: Change::SetNullable {
            schema: node.to_owned(),
        },
        note,
    })
}

fn widened(spec: &Value, resolved: &str, group: &[&Finding]) -> Result<Edit, String> {
    let declared_type = declared(spec, resolved, "type");
    let observed: BTreeSet<&str> = group
        .iter()
        .map(|f| f.observed.json_type.as_str())
        .collect();
    let format = spec.pointer(&format!("{resolved}/format"));
    if declared_type == "integer"
        && observed.len() == 1
        && observed.contains("number")
        && format.is_none()
    {
        let note = format!(
            "Note: declared `integer` before; seen as a number with a fraction in {}.",
            seen(group)
        );
        return Ok(Edit {
            summary: format!(
                "widen `integer` to `number`, as every observation in {} was",
                seen(group)
            ),
            change: Change::WidenType {
                schema: resolved.to_owned(),
                to: "number".to_owned(),
            },
            note,
        });
    }
    Err(format!(
        "declared `{declared_type}`, seen as {} in {}: no wider type holds both without a union \
         (only `integer` to `number`, without a `format`, is widened), so it is left to a \
         person; until then an optional field reads such a value as absent and `raw_json()` \
         keeps it",
        shapes(group),
        seen(group)
    ))
}

fn status(spec: &Value, operation: &str, group: &[&Finding]) -> Result<Edit, String> {
    let status = group[0].status;
    let matches: BTreeSet<Option<u16>> = group.iter().map(|f| f.observed.matches_status).collect();
    let matched = match matches.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(matched)] => *matched,
        _ => {
            return Err(format!(
                "its bodies did not all decode as one declared status's body ({}); the record keeps \
             shapes, not bodies, so there is no schema to propose",
                seen(group)
            ));
        }
    };
    let mut response = format!("{operation}/responses/{matched}");
    // Response `$ref`s lead to `components/responses`; a bound stops a cycle.
    for _ in 0..8 {
        let Some(reference) = spec
            .pointer(&response)
            .and_then(|r| r.get("$ref"))
            .and_then(Value::as_str)
        else {
            break;
        };
        response = reference.trim_start_matches('#').to_owned();
    }
    let content = spec
        .pointer(&format!("{response}/content"))
        .and_then(Value::as_object);
    let body = content.and_then(|content| content.iter().find(|(media, _)| media.contains("json")));
    let Some((media, Some(schema))) = body.map(|(media, body)| {
        (
            media,
            body.get("schema").filter(|s| s.get("$ref").is_some()),
        )
    }) else {
        return Err(format!(
            "the {matched} answer has no JSON body declared by a `$ref` to reuse ({})",
            seen(group)
        ));
    };
    let note = format!(
        "Note: not declared before; seen in {}, each body decoded as the {matched} answer's.",
        seen(group)
    );
    let response = json!({
        "description": format!("The same body as the {matched} answer. {note}"),
        "content": {media.clone(): {"schema": schema.clone()}},
    });
    Ok(Edit {
        summary: format!(
            "add the status {status}, with the {matched} answer's body, seen in {}",
            seen(group)
        ),
        change: Change::AddStatus {
            operation: operation.to_owned(),
            status,
            response,
        },
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::record::Observed;

    fn spec() -> Value {
        json!({
            "paths": {"/a": {"post": {"operationId": "makeA", "responses": {
                "200": {"$ref": "#/components/responses/Ok"},
                "202": {"description": "x", "content": {"application/json": {"schema": {"type": "object"}}}}
            }}}},
            "components": {
                "responses": {"Ok": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}},
                "schemas": {"A": {"type": "object", "properties": {
                    "n": {"type": "integer"},
                    "s": {"type": "string"},
                    "b": {"$ref": "#/components/schemas/B"}
                }}, "B": {"type": "object"}}
            }
        })
    }

    fn finding(kind: Kind, pointer: &str, json_type: &str, count: u64) -> Finding {
        Finding {
            crate_name: "c".into(),
            crate_version: "0.1.0".into(),
            spec_sha256: "0".repeat(64),
            operation: "makeA".into(),
            status: 200,
            kind,
            schema: Some("#/components/schemas/A".into()),
            pointer: pointer.into(),
            observed: Observed {
                json_type: json_type.into(),
                format: None,
                media_type: None,
                matches_status: None,
            },
            value: None,
            count,
            first_seen: "2026-12-02T16:00:00Z".into(),
            last_seen: "2026-12-02T16:00:00Z".into(),
        }
    }

    #[test]
    fn a_property_takes_the_type_every_observation_agrees_on() {
        let mut date = finding(Kind::UndeclaredProperty, "/x", "string", 2);
        date.observed.format = Some("date".into());
        let null = finding(Kind::UndeclaredProperty, "/x", "null", 1);
        let proposal = propose(&spec(), &[date.clone(), null]);
        let Change::AddProperty { schema, .. } = &proposal.edits[0].change else {
            panic!("{:?}", proposal.edits)
        };
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["format"], "date");
        assert_eq!(schema["nullable"], true);
        assert!(proposal.edits[0].note.contains("at 2026-12-02T16:00:00Z"));

        // Formats that disagree give none; numbers and integers give `number`.
        let plain = finding(Kind::UndeclaredProperty, "/x", "string", 1);
        let proposal = propose(&spec(), &[date, plain]);
        let Change::AddProperty { schema, .. } = &proposal.edits[0].change else {
            panic!()
        };
        assert!(schema.get("format").is_none(), "{schema}");
        let proposal = propose(
            &spec(),
            &[
                finding(Kind::UndeclaredProperty, "/y", "integer", 1),
                finding(Kind::UndeclaredProperty, "/y", "number", 1),
                finding(Kind::UndeclaredProperty, "/z", "integer", 1),
                finding(Kind::UndeclaredProperty, "/z", "string", 1),
            ],
        );
        let Change::AddProperty { name, schema, .. } = &proposal.edits[0].change else {
            panic!()
        };
        assert_eq!((name.as_str(), &schema["type"]), ("y", &json!("number")));
        assert!(
            proposal.declined[0]
                .reason
                .contains("several types (`integer`, `string`)")
        );
    }

    #[test]
    fn a_type_is_widened_only_from_integer_to_number() {
        let proposal = propose(
            &spec(),
            &[
                finding(Kind::OtherType, "/n", "number", 3),
                finding(Kind::OtherType, "/s", "integer", 3),
            ],
        );
        assert_eq!(
            proposal.edits[0].change,
            Change::WidenType {
                schema: "/components/schemas/A/properties/n".into(),
                to: "number".into()
            }
        );
        assert!(
            proposal.declined[0]
                .reason
                .contains("declared `string`, seen as an integer")
        );
    }

    #[test]
    fn what_gets_no_edit_says_why() {
        let mut status = finding(Kind::UndeclaredStatus, "", "object", 1);
        status.schema = None;
        status.status = 201;
        let mut html = finding(Kind::UndeclaredContentType, "", "string", 1);
        html.schema = None;
        html.observed.media_type = Some("text/html".into());
        let mut inline = status.clone();
        inline.status = 203;
        inline.observed.matches_status = Some(202);
        let findings = [
            status,
            html,
            inline,
            finding(Kind::UnexpectedNull, "/b", "null", 1),
            finding(Kind::MissingRequired, "/s", "absent", 1),
            finding(Kind::OtherFormat, "/s", "string", 1),
        ];
        let proposal = propose(&spec(), &findings);
        assert!(proposal.edits.is_empty(), "{:?}", proposal.edits);
        let reasons: Vec<&str> = proposal
            .declined
            .iter()
            .map(|l| l.reason.as_str())
            .collect();
        for expected in [
            "cannot carry `nullable`",
            "Rust type",
            "`Option<T>`",
            "did not all decode as one declared status's body",
            "no JSON body declared by a `$ref`",
            "`text/html`",
        ] {
            assert!(
                reasons.iter().any(|r| r.contains(expected)),
                "{expected}: {reasons:#?}"
            );
        }
    }

    #[test]
    fn a_status_reuses_the_schema_of_the_status_its_bodies_matched() {
        let mut status = finding(Kind::UndeclaredStatus, "", "object", 2);
        status.schema = None;
        status.status = 201;
        status.observed.matches_status = Some(200);
        let proposal = propose(&spec(), &[status]);
        let Change::AddStatus { response, .. } = &proposal.edits[0].change else {
            panic!("{:?}", proposal.declined)
        };
        assert_eq!(
            response["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/A"})
        );
    }
}
