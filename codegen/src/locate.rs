//! Progenitor's and typify's own errors name no place ("value does not
//! conform to the given schema"). This finds one: the spec is generated
//! again with halves of its operations, then with halves of its component
//! schemas emptied, until one operation or schema alone brings the error
//! back. A few more runs of progenitor, and only on a spec it refuses.

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind};

use crate::model::{Api, Body};
use crate::rules::{METHODS, pointer};

/// The JSON pointer of the operation or component schema that makes
/// `fails` true of `spec`, when one alone does.
pub(crate) fn culprit(spec: &OpenAPI, fails: impl Fn(&OpenAPI) -> bool) -> Option<String> {
    let operations = operations(spec);
    let without_operations = keep_operations(spec, &[]);
    if !fails(&without_operations) {
        let (path, method) = narrow(operations, |kept| fails(&keep_operations(spec, kept)))?;
        return Some(pointer(["paths", path.as_str(), method]));
    }
    let schemas: Vec<String> = spec
        .components
        .iter()
        .flat_map(|components| components.schemas.keys().cloned())
        .collect();
    let name = narrow(schemas, |kept| {
        fails(&keep_schemas(&without_operations, kept))
    })?;
    Some(pointer(["components", "schemas", name.as_str()]))
}

/// `at` in the document the spec was read from (`document`): a schema that
/// `lower` moved into `components/schemas` (an operation's inline body or
/// answer) is pointed at where the document has it.
pub(crate) fn in_document(at: String, document: &serde_json::Value, api: &Api) -> String {
    let Some(name) = at.strip_prefix("/components/schemas/") else {
        return at;
    };
    if document.pointer(&at).is_some() {
        return at;
    }
    let name = name.replace("~1", "/").replace("~0", "~");
    for operation in &api.operations {
        let operation_at = pointer(["paths", operation.path.as_str(), operation.method]);
        if operation.request_body.as_deref() == Some(name.as_str()) {
            return format!("{operation_at}/requestBody");
        }
        let answers = operation.responses.iter();
        if answers
            .clone()
            .any(|case| matches!(&case.body, Body::Schema(schema) if *schema == name))
        {
            return format!("{operation_at}/responses");
        }
    }
    at
}

/// The one item of `items` that `fails` needs, by halving: `fails(items)`
/// holds; a half that fails alone is kept. None when the failure needs
/// items of both halves.
fn narrow<T: Clone>(items: Vec<T>, fails: impl Fn(&[T]) -> bool) -> Option<T> {
    let mut current = items;
    while current.len() > 1 {
        let (first, second) = current.split_at(current.len() / 2);
        current = if fails(first) {
            first.to_vec()
        } else if fails(second) {
            second.to_vec()
        } else {
            return None;
        };
    }
    current.pop()
}

fn operations(spec: &OpenAPI) -> Vec<(String, &'static str)> {
    let mut operations = Vec::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for method in METHODS {
            let present = item.iter().any(|(name, _)| name == method);
            if present {
                operations.push((path.clone(), method));
            }
        }
    }
    operations
}

/// `spec` with only the operations in `kept`.
fn keep_operations(spec: &OpenAPI, kept: &[(String, &'static str)]) -> OpenAPI {
    let mut spec = spec.clone();
    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let keeps = |method: &str| kept.iter().any(|(p, m)| p == path && *m == method);
        let slots = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("options", &mut item.options),
            ("head", &mut item.head),
            ("patch", &mut item.patch),
            ("trace", &mut item.trace),
        ];
        for (method, slot) in slots {
            if !keeps(method) {
                *slot = None;
            }
        }
    }
    spec
}

/// `spec` with every component schema but those in `kept` emptied (any
/// value), so references to them still resolve.
fn keep_schemas(spec: &OpenAPI, kept: &[String]) -> OpenAPI {
    let mut spec = spec.clone();
    for (name, schema) in spec
        .components
        .iter_mut()
        .flat_map(|components| components.schemas.iter_mut())
    {
        if !kept.contains(name) {
            *schema = ReferenceOr::Item(Schema {
                schema_data: SchemaData::default(),
                schema_kind: SchemaKind::Any(Default::default()),
            });
        }
    }
    spec
}
