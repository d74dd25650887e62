//! Every crate that `generate` writes compiles, whatever the spec's names:
//! property and schema names that are Rust keywords, the generator's own
//! method names (`new`, `validate`, `clear_*` beside its field), digits,
//! empty, Unicode, case-only twins and names that differ only in `-` or
//! `_`. Each case is a batch of specs, checked by one `cargo check`.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

const PROPERTY_NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "r#x",
    "fn",
    "match",
    "crate",
    "super",
    "async",
    "dyn",
    "union",
    "new",
    "validate",
    "clear_nickname",
    "nickname",
    "clear_new",
    "new_field",
    "clear_clear_x",
    "clear_x",
    "x",
    "123",
    "0",
    "",
    "_",
    "-",
    "__",
    "名前",
    "é",
    "naïve",
    "Name",
    "name",
    "NAME",
    "first-name",
    "first_name",
    "firstName",
    "FirstName",
    "a b",
    "a.b",
    "id",
    "ID",
];

const SCHEMA_NAMES: &[&str] = &[
    "new", "Self", "self", "type", "Client", "Error", "Response", "Nullable", "Listed", "Item2",
    "123", "a.b", "a-b", "a_b", "A_B", "Types", "Raw",
];

#[derive(Debug, Clone)]
struct PropertySpec {
    name: &'static str,
    nullable: bool,
    required: bool,
    array: bool,
}

fn property() -> impl Strategy<Value = PropertySpec> {
    (
        proptest::sample::select(PROPERTY_NAMES),
        any::<bool>(),
        proptest::bool::weighted(0.2),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(name, nullable, required, array)| PropertySpec {
            name,
            nullable,
            required,
            array,
        })
}

fn object(properties: &[PropertySpec], nested: Option<&str>) -> Value {
    let mut map = Map::new();
    let mut required = Vec::new();
    for p in properties {
        let mut schema = if p.array {
            json!({"type": "array", "items": {"type": "string"}})
        } else {
            json!({"type": "string"})
        };
        if p.nullable {
            schema["nullable"] = json!(true);
        }
        map.insert(p.name.to_owned(), schema);
        if p.required && !required.contains(&p.name) {
            required.push(p.name);
        }
    }
    if let Some(nested) = nested {
        map.insert(
            "nested".to_owned(),
            json!({"$ref": format!("#/components/schemas/{nested}")}),
        );
    }
    let mut schema = json!({"type": "object", "properties": map});
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn spec(item: &[PropertySpec], schema_name: &str, nested: &[PropertySpec]) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "names", "version": "1"},
        "paths": {"/items/{id}": {"put": {
            "operationId": "putItem",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}
        }}},
        "components": {"schemas": {
            "Item": object(item, Some(schema_name)),
            schema_name: object(nested, None),
        }}
    })
}

fn batch_size() -> usize {
    // CI: a small batch; elsewhere `NAMES_BATCH` widens the search.
    std::env::var("NAMES_BATCH")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(16)
}

proptest! {
    #![proptest_config(proptest::test_runner::Config {
        max_shrink_iters: 8,
        max_shrink_time: 120_000,
        ..highlevel_tests::proptest_config(2)
    })]

    #[test]
    fn every_crate_generate_writes_compiles(
        cases in proptest::collection::vec(
            (
                proptest::collection::vec(property(), 1..8),
                proptest::sample::select(SCHEMA_NAMES),
                proptest::collection::vec(property(), 1..5),
            ),
            batch_size(),
        ),
    ) {
        let mut crates = Vec::new();
        for (index, (item, schema_name, nested)) in cases.iter().enumerate() {
            let document = spec(item, schema_name, nested);
            let name = format!("names-{index}");
            let generated = codegen::Generator::new(codegen::Settings::new(&name))
                .generate(&codegen::SpecDocument::new(
                    "names.json",
                    serde_json::to_vec(&document).unwrap(),
                ));
            match generated {
                Ok(generated) => crates.push((name, generated)),
                Err(error) => panic!("a valid spec was refused: {error}\n{document:#}"),
            }
        }
        if let Err(messages) = highlevel_tests::check_crates("names", &crates) {
            let specs: Vec<String> = cases.iter().map(|c| format!("{c:?}")).collect();
            panic!("generated crates do not compile:\n{messages}\ncases:\n{}", specs.join("\n"));
        }
    }
}
