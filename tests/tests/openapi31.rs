//! OpenAPI 3.1 input: the common subset is lowered to 3.0, so a 3.1 spelling
//! of our own spec generates the very same crate; the rest is refused with
//! its location.

use highlevel_tests::generate_text;
use serde_json::{Value, json};

const SPEC: &str = "spec/highlevel-contacts.yaml";

fn our_spec() -> Value {
    let text = std::fs::read_to_string(xtask::repo_root().join(SPEC)).unwrap();
    serde_yaml_ng::from_str(&text).unwrap()
}

/// Rewrites 3.0 spellings into their 3.1 forms: `nullable` into a `type`
/// list, schema `example` into `examples`, one-value `enum` into `const`.
fn to_31(node: &mut Value) {
    match node {
        Value::Object(map) => {
            let is_schema = map.get("type").is_some_and(Value::is_string);
            if is_schema {
                if map.get("nullable") == Some(&Value::Bool(true)) {
                    map.remove("nullable");
                    let ty = map["type"].clone();
                    map.insert("type".into(), json!([ty, "null"]));
                }
                if let Some(example) = map.remove("example") {
                    map.insert("examples".into(), json!([example]));
                }
                if let Some(Value::Array(values)) = map.get("enum")
                    && values.len() == 1
                {
                    let only = values[0].clone();
                    map.remove("enum");
                    map.insert("const".into(), only);
                }
            }
            for (key, child) in map.iter_mut() {
                if key != "examples" && key != "const" && key != "example" {
                    to_31(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_31),
        _ => {}
    }
}

fn generate(spec: &Value) -> Result<codegen::GeneratedCrate, codegen::Error> {
    generate_text(SPEC, serde_json::to_vec(spec).unwrap())
}

#[test]
fn a_31_spelling_of_our_spec_generates_the_same_crate() {
    let original = our_spec();
    let mut upgraded = original.clone();
    upgraded["openapi"] = json!("3.1.0");
    to_31(&mut upgraded);
    let text = serde_json::to_string(&upgraded).unwrap();
    assert!(
        text.contains(r#""type":["string","null"]"#),
        "the rewrite did something"
    );
    assert!(text.contains(r#""const":"2021-07-28""#));
    let (upgraded, original) = (generate(&upgraded).unwrap(), generate(&original).unwrap());
    assert_ne!(
        upgraded, original,
        "`SPEC_SHA256` is the hash of each document's bytes"
    );
    assert_eq!(without_spec_hash(upgraded), without_spec_hash(original));
}

/// The crate with the hash of its spec's bytes (`SPEC_SHA256`, which drift records carry)
/// blanked, for comparing the crates of two spellings of one spec.
fn without_spec_hash(generated: codegen::GeneratedCrate) -> codegen::GeneratedCrate {
    let blank = |text: String| {
        text.lines()
            .map(
                |line| match line.starts_with("pub const SPEC_SHA256: &str = ") {
                    true => "pub const SPEC_SHA256: &str = \"\";",
                    false => line,
                },
            )
            .collect::<Vec<_>>()
            .join("\n")
    };
    codegen::GeneratedCrate {
        files: generated
            .files
            .into_iter()
            .map(|(path, text)| (path, blank(text)))
            .collect(),
        notes: generated.notes,
    }
}

#[test]
fn numeric_exclusive_bounds_and_null_members_are_lowered() {
    let spec = json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1", "summary": "3.1 only"},
        "paths": {"/ratio": {"get": {"operationId": "ratio", "responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Maybe"}}},
        }}}}},
        "webhooks": {"ping": {}},
        "components": {"schemas": {
            "Ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "Maybe": {"anyOf": [{"$ref": "#/components/schemas/Ratio"}, {"type": "null"}]},
        }},
    });
    let generated = generate(&spec).unwrap();
    let notes: Vec<&str> = generated.notes.iter().map(|n| n.pointer.as_str()).collect();
    assert_eq!(notes, ["/webhooks"]);
    let types = &generated.files["src/types.rs"];
    assert!(types.contains("pub struct Ratio"), "{types}");
    assert!(
        types.contains("pub struct Maybe(pub ::std::option::Option<Ratio>)"),
        "{types}"
    );
}

#[test]
fn what_30_cannot_say_is_refused_with_its_location() {
    let head = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}});
    let with_schema = |schema: Value| {
        let mut spec = head.clone();
        spec["components"] = json!({"schemas": {"A": schema}});
        spec
    };
    let cases = [
        (
            "two types",
            with_schema(json!({"type": ["string", "integer"]})),
            "/components/schemas/A/type",
            "several types",
        ),
        (
            "only null",
            with_schema(json!({"type": "null"})),
            "/components/schemas/A/type",
            "only type is `null`",
        ),
        (
            "prefixItems",
            with_schema(json!({"type": "array", "prefixItems": [{"type": "string"}]})),
            "/components/schemas/A/prefixItems",
            "`prefixItems`",
        ),
        (
            "if/then/else",
            with_schema(json!({"if": {"type": "string"}, "then": {"minLength": 1}})),
            "/components/schemas/A/if",
            "`if`",
        ),
        (
            "nested unevaluatedProperties",
            with_schema(
                json!({"type": "object", "properties": {"b": {"type": "object", "unevaluatedProperties": false}}}),
            ),
            "/components/schemas/A/properties/b/unevaluatedProperties",
            "`unevaluatedProperties`",
        ),
        (
            "dialect",
            {
                let mut spec = head.clone();
                spec["jsonSchemaDialect"] = json!("https://json-schema.org/draft/2020-12/schema");
                spec
            },
            "/jsonSchemaDialect",
            "dialect",
        ),
        (
            "webhooks only",
            json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "webhooks": {"ping": {}}}),
            "/webhooks",
            "no paths",
        ),
    ];
    for (label, spec, pointer, reason) in cases {
        let error = generate(&spec).expect_err(label);
        assert_eq!(error.pointer, pointer, "{label}: {error}");
        assert!(error.reason.contains(reason), "{label}: {error}");
    }
}

/// A property may be called `const` or `examples`: names are not keywords.
#[test]
fn keyword_like_property_names_are_left_alone() {
    let spec = json!({
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"A": {"type": "object", "properties": {
            "const": {"type": "string"},
            "examples": {"type": ["array", "null"], "items": {"type": "string"}},
        }}}},
    });
    let types = generate(&spec).unwrap().files["src/types.rs"].clone();
    assert!(types.contains("pub const_: "), "{types}");
    assert!(types.contains("pub examples: "), "{types}");
}
