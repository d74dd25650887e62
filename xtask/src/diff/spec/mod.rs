//! Spec changes, operation by operation, between two parsed documents.
//!
//! Local `$ref`s are followed while walking, so a schema moved into
//! `components` without changing shape reports nothing, and every pointer
//! names the place to edit: the schema's own location, in the new document
//! for additions and changes, in the old one for removals.
//!
//! `spec_json` reads one document; `operation_walk` and `schema_walk`
//! compare the two, pairing what each holds with `pairs`; `repeats` merges
//! a change found at several places of one operation; this module matches
//! operations and writes each change's message from the rules' reason.

mod operation_walk;
mod pairs;
mod repeats;
mod schema_walk;
mod spec_json;

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use super::rules::{Class, Kind, OperationChange, breaks_the_wire, classify};
use operation_walk::{Finding, Walk};
pub use schema_walk::schema_name;
use spec_json::{Operation, SpecJson};

/// One change of the spec, as existing callers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecChange {
    /// `POST /contacts/upsert`, as in the new document (the old one for a
    /// removed operation).
    pub operation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    /// RFC 6901 pointer into the document named by `document`.
    pub pointer: String,
    /// Which document `pointer` points into.
    pub document: Side,
    pub class: Class,
    /// Whether it breaks callers on the wire, not only in Rust
    /// (`rules::breaks_the_wire`).
    pub wire_breaking: bool,
    pub message: String,
    /// The message without the count of repeats: the same text for the
    /// same change wherever it is found.
    #[serde(skip)]
    pub text: String,
    /// What changed, without why.
    #[serde(skip)]
    pub what: String,
    #[serde(skip)]
    pub kind: Kind,
}

/// The old spec or the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Old,
    New,
}

impl SpecChange {
    /// The change `finding` of `operation`, found at `repeats` more places
    /// of it, with its class and its message: what changed, then why it is
    /// of its class.
    fn new(operation: &Operation, finding: Finding, repeats: usize) -> SpecChange {
        let (class, why) = classify(finding.kind);
        let what = finding.what;
        let message = match repeats {
            0 => format!("{what}: {why}"),
            1 => format!("{what} (and at 1 more place of this operation): {why}"),
            _ => format!("{what} (and at {repeats} more places of this operation): {why}"),
        };
        SpecChange {
            operation: operation.label(),
            operation_id: operation.id.clone(),
            pointer: finding.pointer,
            document: finding.side,
            class,
            wire_breaking: breaks_the_wire(finding.kind),
            message,
            text: format!("{what}: {why}"),
            what,
            kind: finding.kind,
        }
    }
}

/// Every change between `old` and `new`, grouped by operation in the order
/// of the new document, then the operations the new document lacks.
pub fn spec_changes(old: &Value, new: &Value) -> Vec<SpecChange> {
    compare(old, new).changes
}

/// What comparing two documents found.
pub struct Comparison {
    /// As [`spec_changes`] gives them.
    pub changes: Vec<SpecChange>,
    /// Schemas of `components/schemas` found at the same place of an
    /// operation under two names, old then new.
    pub named_at_same_place: BTreeSet<(String, String)>,
    /// Operations that kept their operationId and moved: the id, the old
    /// path and the new one.
    pub moved: Vec<MovedOperation>,
    /// How many operations the new document has.
    pub operations: usize,
}

/// An operation found by its operationId at another path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovedOperation {
    pub operation_id: String,
    pub old: String,
    pub new: String,
}

/// The changes between `old` and `new`, and what they tell of renames.
pub fn compare(old: &Value, new: &Value) -> Comparison {
    let (old, new) = (SpecJson::new(old), SpecJson::new(new));
    let old_ops = old.operations();
    let new_ops = new.operations();
    let mut changes = Vec::new();
    let mut named_at_same_place = BTreeSet::new();
    let mut moved = Vec::new();
    let mut matched = vec![false; old_ops.len()];
    for new_op in &new_ops {
        let findings = match counterpart(&old_ops, &new_ops, new_op) {
            Some(index) => {
                matched[index] = true;
                let old_op = &old_ops[index];
                if old_op.label() != new_op.label()
                    && let Some(id) = &new_op.id
                {
                    moved.push(MovedOperation {
                        operation_id: id.clone(),
                        old: old_op.label(),
                        new: new_op.label(),
                    });
                }
                let found = Walk::new(old, new).operation(old_op, new_op);
                named_at_same_place.extend(found.named_at_same_place);
                found.findings
            }
            None => vec![Finding::new(
                Kind::Operation(OperationChange::Added),
                Side::New,
                &new_op.node.pointer,
                "operation added".to_owned(),
            )],
        };
        let merged = repeats::merge(findings);
        changes.extend(
            merged
                .into_iter()
                .map(|(finding, repeats)| SpecChange::new(new_op, finding, repeats)),
        );
    }
    for (old_op, _) in old_ops
        .iter()
        .zip(matched)
        .filter(|(_, was_matched)| !was_matched)
    {
        let removed = Finding::new(
            Kind::Operation(OperationChange::Removed),
            Side::Old,
            &old_op.node.pointer,
            "operation removed".to_owned(),
        );
        changes.push(SpecChange::new(old_op, removed, 0));
    }
    Comparison {
        changes,
        named_at_same_place,
        moved,
        operations: new_ops.len(),
    }
}

/// The old operation `new_op` continues: the one at the same method and
/// path, or else the one with the same operationId that moved (its old
/// place is gone).
fn counterpart(old_ops: &[Operation], new_ops: &[Operation], new_op: &Operation) -> Option<usize> {
    let same_place = |a: &Operation, b: &Operation| a.method == b.method && a.path == b.path;
    old_ops
        .iter()
        .position(|old_op| same_place(old_op, new_op))
        .or_else(|| {
            old_ops.iter().position(|old_op| {
                old_op.id.is_some()
                    && old_op.id == new_op.id
                    && !new_ops.iter().any(|other| same_place(other, old_op))
            })
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// One operation whose answer holds the schema `Setting` twice.
    fn spec(statuses: Value) -> Value {
        json!({
            "paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": {
                "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "email": {"$ref": "#/components/schemas/Setting"},
                    "sms": {"$ref": "#/components/schemas/Setting"},
                }}}},
            }}}}},
            "components": {"schemas": {"Setting": {"type": "object", "properties": {
                "status": {"type": "string", "enum": statuses},
            }}}},
        })
    }

    #[test]
    fn a_change_at_several_places_of_an_operation_is_reported_once_with_a_count() {
        let old = spec(json!(["active"]));
        let new = spec(json!(["active", "paused"]));
        let changes = spec_changes(&old, &new);
        let [change] = changes.as_slice() else {
            panic!("{changes:?}");
        };
        assert_eq!(
            change.pointer,
            "/components/schemas/Setting/properties/status/enum/1"
        );
        assert_eq!(
            change.message,
            "`200` response field `email.status` allows new value `paused` (and at 1 more place \
             of this operation): response enums are `#[non_exhaustive]` and already kept such a \
             value as `Unknown`"
        );
    }

    /// An answer whose keys are `keys`, each a `Setting`.
    fn settings(keys: &[&str]) -> Value {
        let mut doc = spec(json!(["active"]));
        let properties: serde_json::Map<String, Value> = keys
            .iter()
            .map(|key| {
                (
                    key.to_string(),
                    json!({"$ref": "#/components/schemas/Setting"}),
                )
            })
            .collect();
        doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["properties"] =
            Value::Object(properties);
        doc
    }

    #[test]
    fn properties_renamed_in_case_only_are_one_wire_breaking_change() {
        let changes = spec_changes(
            &settings(&["Call", "SMS", "Fax"]),
            &settings(&["call", "sms"]),
        );
        let messages: Vec<(&str, bool)> = changes
            .iter()
            .map(|change| (change.message.as_str(), change.wire_breaking))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    "`200` response field `Fax` removed: its Rust field disappears; callers reading it break",
                    true
                ),
                (
                    "`200` response body: properties renamed in case only: `Call` → `call`, `SMS` → `sms`: answers carry the new names, which the old client reads as absent",
                    true
                ),
            ]
        );
    }
}
