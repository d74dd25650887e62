//! Whatever the spec, the generator answers with a crate or a located error:
//! never a panic (which `generate` would report as an "internal panic"
//! error), never an abort. Specs are our own and the fixtures, mutated at
//! random: nodes deleted, replaced by odd values, retyped, keys renamed.

use proptest::prelude::*;
use serde_json::{Value, json};

fn bases() -> Vec<(String, Value)> {
    let mut bases = Vec::new();
    let spec = xtask::repo_root().join(xtask::SPEC);
    let text = std::fs::read_to_string(spec).unwrap();
    bases.push((
        xtask::SPEC.to_owned(),
        serde_yaml_ng::from_str(&text).unwrap(),
    ));
    let mut fixtures: Vec<_> = std::fs::read_dir(highlevel_tests::fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    fixtures.sort();
    for path in fixtures {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = format!(
            "tests/fixtures/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        bases.push((name, serde_yaml_ng::from_str(&text).unwrap()));
    }
    bases
}

/// Every node of `value`, as a path of keys and indices.
fn paths(value: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                at.push(Step::Key(key.clone()));
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                at.push(Step::Index(index));
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn node_mut<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |node, step| match step {
        Step::Key(key) => node.get_mut(key.as_str()),
        Step::Index(index) => node.get_mut(*index),
    })
}

/// Values that specs written by others contain, or that break assumptions.
fn odd_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1e308),
        json!(""),
        json!("{"),
        json!("*/ fn evil() {} /*"),
        json!("type"),
        json!("Self"),
        json!("\u{202e}x\u{0007}"),
        json!("x".repeat(300)),
        json!([]),
        json!({}),
        json!(["string", "null"]),
        json!({"$ref": "#/components/schemas/Nope"}),
        json!({"$ref": "#"}),
        json!({"$ref": "#/paths"}),
        json!({"$ref": "other.yaml#/A"}),
        json!({"type": "string", "enum": ["a", "A", "a-", "+1", "-1", ""]}),
        json!({"type": "object", "properties": {"id": {"type": "string"}, "ID": {"type": "integer"}}}),
        json!({"type": "array"}),
        json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas"}}),
        json!({"oneOf": []}),
        json!({"allOf": [{"type": "string"}, {"type": "integer"}]}),
        json!({"type": "string", "format": "binary"}),
        json!({"type": "integer", "format": "int128", "minimum": 5, "maximum": 1}),
        json!({"in": "path", "name": "zzz", "schema": {"type": "string"}}),
        json!({"application/xml": {"schema": {"type": "string"}}}),
        json!({"*/*": {}}),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete,
    Replace(usize),
    Retype,
    RenameKey(usize),
    Insert(usize, usize),
}

fn mutation() -> impl Strategy<Value = (usize, Mutation)> {
    let odd = odd_values().len();
    (
        any::<usize>(),
        prop_oneof![
            Just(Mutation::Delete),
            (0..odd).prop_map(Mutation::Replace),
            Just(Mutation::Retype),
            (0..6usize).prop_map(Mutation::RenameKey),
            ((0..8usize), (0..odd)).prop_map(|(k, v)| Mutation::Insert(k, v)),
        ],
    )
}

const KEYS: [&str; 8] = [
    "$ref", "nullable", "enum", "type", "required", "items", "allOf", "style",
];

fn apply(doc: &mut Value, (pick, mutation): &(usize, Mutation)) {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    let path = all[pick % all.len()].clone();
    let odd = odd_values();
    match mutation {
        Mutation::Delete => {
            let Some((last, parent)) = path.split_last() else {
                return;
            };
            match (node_mut(doc, parent), last) {
                (Some(Value::Object(map)), Step::Key(key)) => {
                    map.remove(key);
                }
                (Some(Value::Array(items)), Step::Index(index)) => {
                    items.remove(*index);
                }
                _ => {}
            }
        }
        Mutation::Replace(which) => {
            if let Some(node) = node_mut(doc, &path) {
                *node = odd[*which].clone();
            }
        }
        Mutation::Retype => {
            if let Some(node) = node_mut(doc, &path) {
                *node = match node.take() {
                    Value::String(s) => json!(s.len()),
                    Value::Number(n) => json!(n.to_string()),
                    Value::Object(map) => Value::Array(map.into_iter().map(|(_, v)| v).collect()),
                    Value::Array(items) => json!({"items": items}),
                    Value::Bool(b) => json!(if b { "true" } else { "false" }),
                    Value::Null => json!({}),
                };
            }
        }
        Mutation::RenameKey(how) => {
            let Some((Step::Key(key), parent)) = path.split_last() else {
                return;
            };
            if let Some(Value::Object(map)) = node_mut(doc, parent)
                && let Some(value) = map.remove(key)
            {
                let renamed = match how {
                    0 => key.to_uppercase(),
                    1 => format!("{key}-"),
                    2 => key.replace('/', "/{x}/"),
                    3 => "type".to_owned(),
                    4 => format!("{key}\u{301}"),
                    _ => String::new(),
                };
                map.insert(renamed, value);
            }
        }
        Mutation::Insert(key, value) => {
            if let Some(Value::Object(map)) = node_mut(doc, &path) {
                map.insert(KEYS[*key].to_owned(), odd[*value].clone());
            }
        }
    }
}

proptest! {
    // Modest for CI; `PROPTEST_CASES=5000` for a longer search.
    #![proptest_config(highlevel_tests::proptest_config(128))]

    #[test]
    fn mutated_specs_give_a_crate_or_a_located_error(
        base in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let bases = bases();
        let (name, mut doc) = bases[base % bases.len()].clone();
        for mutation in &mutations {
            apply(&mut doc, mutation);
        }
        let bytes = serde_json::to_vec(&doc).unwrap();
        if let Err(error) = highlevel_tests::generate_text(&name, bytes) {
            prop_assert!(
                !error.reason.contains("internal panic"),
                "{error}\nmutations: {mutations:?}"
            );
            prop_assert_eq!(&error.file, &name);
        }
    }
}
