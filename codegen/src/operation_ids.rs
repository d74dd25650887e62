//! Operations without an `operationId` get one made from their method and
//! path, as openapi-generator makes them: `GET /accounts/{id}/users` is
//! `get_accounts_by_id_users`. The id names the client's method, so the
//! repair is noted where it happened, and refused under `--strict`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::error::Repair;
use crate::names::method_name;
use crate::rules::{METHODS, pointer};

pub(crate) fn synthesize(doc: &mut Value, notes: &mut Vec<Repair>) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let mut taken: BTreeSet<String> = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| METHODS.iter().filter_map(|method| item.get(*method)))
        .filter_map(|operation| operation.get("operationId").and_then(Value::as_str))
        .map(method_name)
        .collect();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            if operation.contains_key("operationId") {
                continue;
            }
            let id = free_name(&id_from(method, path), &taken);
            taken.insert(method_name(&id));
            notes.push(Repair::at(
                pointer(["paths", path.as_str(), method]),
                "the operation has no `operationId`, which names its method",
                format!("named `{id}` from its method and path"),
            ));
            operation.insert("operationId".to_owned(), Value::String(id));
        }
    }
}

/// `get` and `/accounts/{id}/users` give `get_accounts_by_id_users`.
fn id_from(method: &str, path: &str) -> String {
    let mut words = vec![method.to_owned()];
    for segment in path.split('/').filter(|segment| !segment.is_empty()) {
        match segment
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
        {
            Some(parameter) => words.push(format!("by_{}", word(parameter))),
            None => words.push(word(segment)),
        }
    }
    words.retain(|word| !word.is_empty());
    words.join("_")
}

/// A segment as a word: letters and digits kept, anything else a `_`.
fn word(segment: &str) -> String {
    let word: String = segment
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    word.trim_matches('_').to_owned()
}

/// `name`, or `name_2`, `name_3`… when another operation's id gives the same
/// method name.
fn free_name(name: &str, taken: &BTreeSet<String>) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                name.to_owned()
            } else {
                format!("{name}_{n}")
            }
        })
        .find(|candidate| !taken.contains(&method_name(candidate)))
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_operation_without_an_id_is_named_from_its_method_and_path() {
        let mut doc = json!({"paths": {
            "/accounts/{id}/users": {"get": {}, "post": {"operationId": "add_user"}},
            "/accounts/{id}/users/": {"get": {}},
            "/v1.0/health-check": {"get": {}}
        }});
        let mut notes = Vec::new();
        synthesize(&mut doc, &mut notes);
        assert_eq!(
            doc.pointer("/paths/~1accounts~1{id}~1users/get/operationId"),
            Some(&json!("get_accounts_by_id_users"))
        );
        assert_eq!(
            doc.pointer("/paths/~1accounts~1{id}~1users/post/operationId"),
            Some(&json!("add_user"))
        );
        // The same words again get a free suffix.
        assert_eq!(
            doc.pointer("/paths/~1accounts~1{id}~1users~1/get/operationId"),
            Some(&json!("get_accounts_by_id_users_2"))
        );
        assert_eq!(
            doc.pointer("/paths/~1v1.0~1health-check/get/operationId"),
            Some(&json!("get_v1_0_health_check"))
        );
        assert_eq!(notes.len(), 3);
        assert_eq!(notes[0].pointer, "/paths/~1accounts~1{id}~1users/get");
        assert_eq!(
            notes[0].repair,
            "named `get_accounts_by_id_users` from its method and path"
        );
    }
}
