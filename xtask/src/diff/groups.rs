//! Identical spec changes found in several places, as one row: a field
//! added to nine schemas that one `anyOf` lists, a shared schema's change
//! seen from every operation that uses it, a constant header that changes
//! on every operation.
//!
//! Two changes are one group when they are of the same kind and either sit
//! at the same place of the same document, or read the same (the same
//! field, the same value, the same reason).

use serde::Serialize;

use super::renames::Renames;
use super::rules::{Class, Kind, breaks_the_wire, element};
use super::spec::{Side, SpecChange, schema_name};

/// One change, and every place it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    pub class: Class,
    pub wire_breaking: bool,
    /// What kind of element changed (`fields`, `constant headers`…).
    pub element: &'static str,
    /// The change as its first place words it, and why it is of its class.
    pub message: String,
    /// What changed, without why.
    #[serde(skip)]
    pub what: String,
    /// The schemas of `components/schemas` it sits in, by their new names.
    pub schemas: Vec<String>,
    /// The operations it reaches (`POST /contacts/upsert`).
    pub operations: Vec<String>,
    /// Where its first place is, and in which document.
    pub pointer: String,
    pub document: Side,
    #[serde(skip)]
    pub kind: Kind,
}

impl Group {
    /// Whether it reaches every one of the new document's `operations`.
    pub fn on_every_operation(&self, operations: usize) -> bool {
        operations > 1 && self.operations.len() == operations
    }
}

/// `changes` grouped, breaking on the wire first, then the rest of what
/// breaks, then what does not; in each, in the order of the report.
pub fn group(changes: &[SpecChange], renames: &Renames) -> Vec<Group> {
    let mut parent: Vec<usize> = (0..changes.len()).collect();
    for (later, change) in changes.iter().enumerate() {
        let first = changes[..later].iter().position(|earlier| {
            earlier.kind == change.kind
                && ((earlier.pointer == change.pointer && earlier.document == change.document)
                    || earlier.text == change.text)
        });
        if let Some(first) = first {
            let (root, other) = (find(&mut parent, first), find(&mut parent, later));
            parent[other.max(root)] = other.min(root);
        }
    }
    let mut groups: Vec<(usize, Group)> = Vec::new();
    for (index, change) in changes.iter().enumerate() {
        let root = find(&mut parent, index);
        let schema = schema_of(change, renames);
        match groups.iter_mut().find(|(of, _)| *of == root) {
            Some((_, group)) => {
                add_once(&mut group.schemas, schema);
                add_once(&mut group.operations, Some(change.operation.clone()));
            }
            None => groups.push((
                root,
                Group {
                    class: change.class,
                    wire_breaking: breaks_the_wire(change.kind),
                    element: element(change.kind),
                    message: change.text.clone(),
                    what: change.what.clone(),
                    schemas: schema.into_iter().collect(),
                    operations: vec![change.operation.clone()],
                    pointer: change.pointer.clone(),
                    document: change.document,
                    kind: change.kind,
                },
            )),
        }
    }
    let mut groups: Vec<Group> = groups.into_iter().map(|(_, group)| group).collect();
    groups.sort_by_key(|group| (!group.wire_breaking, group.class));
    groups
}

fn find(parent: &mut [usize], mut index: usize) -> usize {
    while parent[index] != index {
        parent[index] = parent[parent[index]];
        index = parent[index];
    }
    index
}

fn add_once(list: &mut Vec<String>, item: Option<String>) {
    if let Some(item) = item
        && !list.contains(&item)
    {
        list.push(item);
    }
}

/// The schema of `components/schemas` a change sits in, by its name in the
/// new document.
fn schema_of(change: &SpecChange, renames: &Renames) -> Option<String> {
    let rest = change.pointer.strip_prefix("/components/schemas/")?;
    let escaped = rest.split('/').next()?;
    let name = schema_name(&format!("/components/schemas/{escaped}"))?;
    Some(match change.document {
        Side::Old => renames
            .new_name_of(&name)
            .map_or(name.clone(), str::to_owned),
        Side::New => name,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::diff::renames;
    use crate::diff::spec::compare;

    /// Two operations whose bodies hold a list of any of three kinds of
    /// custom field, each of which has the properties `extra`.
    fn document(extra: Value) -> Value {
        let field = json!({"type": "object", "properties": extra});
        let body = json!({"content": {"application/json": {"schema": {
        "type": "object", "properties": {"customFields": {"type": "array", "items": {
            "anyOf": [
                {"$ref": "#/components/schemas/TextField"},
                {"$ref": "#/components/schemas/LargeTextField"},
                {"$ref": "#/components/schemas/NumericField"},
            ]}}}}}}});
        let operation = |id: &str| {
            json!({"operationId": id, "requestBody": body,
                   "responses": {"204": {"description": "Done."}}})
        };
        json!({
            "paths": {"/a": {"post": operation("postA")}, "/b": {"post": operation("postB")}},
            "components": {"schemas": {
                "TextField": field, "LargeTextField": field, "NumericField": field}},
        })
    }

    #[test]
    fn the_same_change_in_several_schemas_and_operations_is_one_group() {
        let old = document(json!({"id": {"type": "string"}}));
        let new = document(json!({
            "id": {"type": "string"},
            "fieldValue": {"type": "string"},
        }));
        let comparison = compare(&old, &new);
        assert_eq!(comparison.changes.len(), 6, "{:?}", comparison.changes);
        let renames = renames::find(&old, &new, &comparison);
        let groups = group(&comparison.changes, &renames);
        let [group] = groups.as_slice() else {
            panic!("{groups:#?}");
        };
        assert_eq!(
            group.schemas,
            ["TextField", "LargeTextField", "NumericField"]
        );
        assert_eq!(group.operations, ["POST /a", "POST /b"]);
        assert!(group.on_every_operation(2));
        assert_eq!(group.class, Class::NonBreaking);
        assert_eq!(
            group.what,
            "request field `customFields[].fieldValue` added (optional)"
        );
    }

    #[test]
    fn a_deprecated_property_is_reported_as_such_and_breaks_nothing() {
        let old = document(json!({"field_value": {"type": "string"}}));
        let new = document(json!({"field_value": {"type": "string", "deprecated": true,
            "description": "Use `fieldValue` instead."}}));
        let comparison = compare(&old, &new);
        let groups = group(&comparison.changes, &renames::find(&old, &new, &comparison));
        let [group] = groups.as_slice() else {
            panic!("{groups:#?}");
        };
        assert_eq!(group.element, "deprecations");
        assert_eq!(group.class, Class::NonBreaking);
        assert!(!group.wire_breaking);
        assert_eq!(
            group.what,
            "request field `customFields[].field_value` is deprecated (Use `fieldValue` instead.)"
        );
    }
}
