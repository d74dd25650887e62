//! `cargo xtask diff`: a table of spec mutations, each compared in both
//! directions with the class existing callers should see, and the report
//! for a realistic edit of our spec.

use codegen::SpecDocument;
use serde_json::{Value, json};
use xtask::diff::{Class, Semver, SpecChange, report};

use Class::{Breaking, NonBreaking};

fn spec_text() -> String {
    std::fs::read_to_string(xtask::repo_root().join(xtask::SPEC)).unwrap()
}

fn spec_value() -> Value {
    codegen::parse_document(&SpecDocument::new(xtask::SPEC, spec_text())).unwrap()
}

fn config() -> xtask::CodegenConfig {
    xtask::CodegenConfig::read(&xtask::repo_root().join(xtask::CODEGEN_CONFIG)).unwrap()
}

/// The full report, both crates generated, for two documents.
fn full_report(old: &str, new: &str) -> xtask::diff::Report {
    let resolver = xtask::FileResolver::beside(&xtask::repo_root().join(xtask::SPEC));
    xtask::diff::build_report(
        xtask::diff::SpecInput {
            document: &SpecDocument::new("old.yaml", old),
            resolver: &resolver,
        },
        xtask::diff::SpecInput {
            document: &SpecDocument::new(xtask::SPEC, new),
            resolver: &resolver,
        },
        &config(),
        "0.1.0",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the spec"))
}

/// Sets the value at `pointer`, whose parent must exist.
fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    at(doc, parent)
        .as_object_mut()
        .unwrap_or_else(|| panic!("{parent} is not an object"))
        .insert(key, value);
}

fn remove(doc: &mut Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    at(doc, parent)
        .as_object_mut()
        .unwrap()
        .shift_remove(&key)
        .unwrap_or_else(|| panic!("no {pointer} in the spec"))
}

fn push(doc: &mut Value, pointer: &str, value: Value) {
    at(doc, pointer).as_array_mut().unwrap().push(value);
}

const UPSERT_REQUEST: &str = "/components/schemas/UpsertContactRequest";
const CONTACT: &str = "/components/schemas/Contact";
const UPSERT: &str = "/paths/~1contacts~1upsert/post";
const UPDATE: &str = "/paths/~1contacts~1{contactId}/put";

/// One edit of the spec. `setup` runs on both sides first; `edit` turns
/// the old side into the new one. `forward` is the class of every change
/// reported from old to new, `backward` from new to old.
struct Mutation {
    name: &'static str,
    setup: fn(&mut Value),
    edit: fn(&mut Value),
    forward: Class,
    backward: Class,
}

fn nothing(_: &mut Value) {}

fn add_dry_run_query_parameter(doc: &mut Value) {
    push(
        doc,
        &format!("{UPSERT}/parameters"),
        json!({"name": "dryRun", "in": "query", "schema": {"type": "boolean"}}),
    );
}

/// A required header with one allowed value that is not a string: the
/// generated client cannot send it by itself, so callers pass it.
fn add_schema_version_header(doc: &mut Value) {
    push(
        doc,
        &format!("{UPSERT}/parameters"),
        json!({"name": "X-Schema-Version", "in": "header", "required": true,
               "schema": {"type": "integer", "enum": [2]}}),
    );
}

fn mutations() -> Vec<Mutation> {
    vec![
        Mutation {
            name: "optional request field added",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    &format!("{UPSERT_REQUEST}/properties/nickname"),
                    json!({"type": "string"}),
                )
            },
            forward: NonBreaking,
            backward: Breaking,
        },
        Mutation {
            name: "required request field added",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    &format!("{UPSERT_REQUEST}/properties/nickname"),
                    json!({"type": "string"}),
                );
                push(
                    doc,
                    &format!("{UPSERT_REQUEST}/required"),
                    json!("nickname"),
                );
            },
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "nullable request field becomes required (Rust type Nullable<T> to Option<T>)",
            setup: nothing,
            edit: |doc| push(doc, &format!("{UPSERT_REQUEST}/required"), json!("email")),
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "request field becomes required (Rust type changes)",
            setup: nothing,
            edit: |doc| push(doc, &format!("{UPSERT_REQUEST}/required"), json!("gender")),
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "request field changes type",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    &format!("{UPSERT_REQUEST}/properties/gender/type"),
                    json!("integer"),
                )
            },
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "request field changes format",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    &format!("{UPSERT_REQUEST}/properties/email/format"),
                    json!("idn-email"),
                )
            },
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "optional request field becomes nullable",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    &format!("{UPSERT_REQUEST}/properties/source/nullable"),
                    json!(true),
                )
            },
            // `Option<T>` becomes `Nullable<T>` in the request type.
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "request enum widened",
            setup: nothing,
            edit: |doc| push(doc, "/components/schemas/CountryCode/enum", json!("ZZ")),
            forward: NonBreaking,
            backward: Breaking,
        },
        Mutation {
            name: "request field gains an enum",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    &format!("{UPSERT_REQUEST}/properties/gender/enum"),
                    json!(["male", "female"]),
                )
            },
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "request array items change type",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    "/components/schemas/UpdateContactRequest/properties/tags/items/type",
                    json!("integer"),
                )
            },
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "request oneOf gains an alternative",
            setup: nothing,
            edit: |doc| {
                push(
                    doc,
                    "/components/schemas/CustomFieldValue/oneOf",
                    json!({"type": "boolean"}),
                )
            },
            forward: NonBreaking,
            backward: Breaking,
        },
        Mutation {
            name: "response field added",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    &format!("{CONTACT}/properties/nickname"),
                    json!({"type": "string"}),
                )
            },
            // Response structs are `#[non_exhaustive]`.
            forward: NonBreaking,
            backward: Breaking,
        },
        Mutation {
            name: "nested response field removed",
            setup: nothing,
            edit: |doc| {
                remove(doc, "/components/schemas/AttributionSource/properties/fbc");
            },
            forward: Breaking,
            // Adding it back: response structs are `#[non_exhaustive]`.
            backward: NonBreaking,
        },
        Mutation {
            name: "response enum widened (non_exhaustive, with an Unknown variant)",
            setup: nothing,
            edit: |doc| {
                push(
                    doc,
                    "/components/schemas/ContactDndChannelSetting/properties/status/enum",
                    json!("paused"),
                )
            },
            forward: NonBreaking,
            backward: Breaking,
        },
        Mutation {
            name: "response field becomes required (Rust type changes)",
            setup: nothing,
            edit: |doc| push(doc, &format!("{CONTACT}/required"), json!("locationId")),
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "nullable response field becomes required (Rust type stays Option)",
            setup: nothing,
            edit: |doc| push(doc, &format!("{CONTACT}/required"), json!("email")),
            forward: NonBreaking,
            backward: Breaking,
        },
        Mutation {
            name: "optional response field becomes nullable",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    &format!("{CONTACT}/properties/locationId/nullable"),
                    json!(true),
                )
            },
            forward: NonBreaking,
            backward: NonBreaking,
        },
        Mutation {
            name: "required response field becomes nullable",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    &format!("{CONTACT}/properties/id/nullable"),
                    json!(true),
                )
            },
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "operation added",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    "/paths/~1contacts~1{contactId}/get",
                    json!({
                        "operationId": "getContact",
                        "parameters": [{"$ref": "#/components/parameters/ContactId"}],
                        "responses": {"200": {"$ref": "#/components/responses/UpdateContactOk"}},
                    }),
                )
            },
            forward: NonBreaking,
            backward: Breaking,
        },
        Mutation {
            name: "path changed",
            setup: nothing,
            edit: |doc| {
                let item = remove(doc, "/paths/~1contacts~1upsert");
                set(doc, "/paths/~1contacts~1upsert-v2", item);
            },
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "method changed",
            setup: nothing,
            edit: |doc| {
                let operation = remove(doc, UPSERT);
                set(doc, "/paths/~1contacts~1upsert/put", operation);
            },
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "operationId changed",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    &format!("{UPSERT}/operationId"),
                    json!("createOrUpdateContact"),
                )
            },
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "optional query parameter added (methods take parameters positionally)",
            setup: nothing,
            edit: add_dry_run_query_parameter,
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "query parameter becomes required",
            setup: add_dry_run_query_parameter,
            edit: |doc| set(doc, &format!("{UPSERT}/parameters/1/required"), json!(true)),
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "constant header added",
            setup: nothing,
            edit: |doc| {
                push(
                    doc,
                    &format!("{UPSERT}/parameters"),
                    json!({"name": "X-Client", "in": "header", "required": true,
                           "schema": {"type": "string", "enum": ["sdk"]}}),
                )
            },
            forward: NonBreaking,
            backward: NonBreaking,
        },
        Mutation {
            name: "constant header changes its value (every request carries another API version)",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    "/components/parameters/Version/schema/enum",
                    json!(["2024-01-01"]),
                )
            },
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "request field deprecated",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    &format!("{UPSERT_REQUEST}/properties/source/deprecated"),
                    json!(true),
                )
            },
            forward: NonBreaking,
            backward: NonBreaking,
        },
        Mutation {
            name: "required header with one allowed integer added (an argument, not a constant)",
            setup: nothing,
            edit: add_schema_version_header,
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "path parameter changes type",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    "/components/parameters/ContactId/schema",
                    json!({"type": "integer"}),
                )
            },
            forward: Breaking,
            backward: Breaking,
        },
        Mutation {
            name: "request body becomes optional",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    "/components/requestBodies/UpsertContact/required",
                    json!(false),
                )
            },
            forward: NonBreaking,
            backward: Breaking,
        },
        Mutation {
            name: "response status added (status enums are non_exhaustive)",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    &format!("{UPDATE}/responses/404"),
                    json!({"description": "No such contact."}),
                )
            },
            forward: NonBreaking,
            backward: Breaking,
        },
        Mutation {
            name: "response header added",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    "/components/responses/UpdateContactOk/headers/X-Request-Id",
                    json!({"schema": {"type": "string"}}),
                )
            },
            forward: NonBreaking,
            backward: Breaking,
        },
        Mutation {
            name: "response media type added",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    "/components/responses/UpdateContactOk/content/text~1plain",
                    json!({"schema": {"type": "string"}}),
                )
            },
            forward: NonBreaking,
            backward: Breaking,
        },
        Mutation {
            name: "scope added",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    "/security",
                    json!([{"bearerAuth": []}, {"oauth": ["contacts.write", "contacts.readonly"]}]),
                )
            },
            forward: Breaking,
            backward: NonBreaking,
        },
        Mutation {
            name: "operation no longer needs authentication",
            setup: nothing,
            edit: |doc| set(doc, &format!("{UPSERT}/security"), json!([])),
            forward: NonBreaking,
            backward: Breaking,
        },
        Mutation {
            name: "security scheme sends the credential differently",
            setup: nothing,
            edit: |doc| {
                set(
                    doc,
                    "/components/securitySchemes/bearerAuth",
                    json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"}),
                )
            },
            forward: Breaking,
            backward: Breaking,
        },
    ]
}

fn describe(changes: &[SpecChange]) -> String {
    changes
        .iter()
        .map(|c| {
            format!(
                "  {:?} {} {}: {}\n",
                c.class, c.operation, c.pointer, c.message
            )
        })
        .collect()
}

#[test]
fn every_mutation_gets_its_class_in_both_directions() {
    let table = mutations();
    assert!(table.len() >= 25, "the table has {} mutations", table.len());
    let mut failures = String::new();
    for mutation in &table {
        let mut old = spec_value();
        (mutation.setup)(&mut old);
        let mut new = old.clone();
        (mutation.edit)(&mut new);
        for (direction, from, to, expected) in [
            ("forward", &old, &new, mutation.forward),
            ("backward", &new, &old, mutation.backward),
        ] {
            let changes = xtask::diff::spec::spec_changes(from, to);
            if changes.is_empty() || changes.iter().any(|c| c.class != expected) {
                failures.push_str(&format!(
                    "{} ({direction}): expected only {expected:?}, got:\n{}",
                    mutation.name,
                    describe(&changes)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn every_change_points_into_the_document_it_names() {
    for mutation in mutations() {
        let mut old = spec_value();
        (mutation.setup)(&mut old);
        let mut new = old.clone();
        (mutation.edit)(&mut new);
        for change in xtask::diff::spec::spec_changes(&old, &new) {
            let document = match change.document {
                xtask::diff::spec::Side::Old => &old,
                xtask::diff::spec::Side::New => &new,
            };
            assert!(
                document.pointer(&change.pointer).is_some(),
                "{}: {} is not in the {:?} document",
                mutation.name,
                change.pointer,
                change.document
            );
        }
    }
}

/// The spec with every mapping's keys in reverse order, as JSON.
fn reversed_json(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .rev()
                .map(|(key, value)| (key.clone(), reversed_json(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(reversed_json).collect()),
        other => other.clone(),
    }
}

#[test]
fn formatting_only_edits_report_no_change_but_the_spec_hash() {
    let yaml = spec_text();
    let json = serde_json::to_string_pretty(&reversed_json(&spec_value())).unwrap();
    let report = full_report(&yaml, &json);
    assert!(report.changes.is_empty(), "{}", describe(&report.changes));
    assert!(report.rust_api.is_empty(), "{:?}", report.rust_api);
    // Only the crate's `SPEC_SHA256`, the hash of the spec's bytes that drift records
    // carry, differs: a patch, so two crates of one version never name two specs.
    assert_eq!(report.semver, Semver::Patch);
}

#[test]
fn moving_a_schema_into_components_reports_nothing() {
    let old = spec_value();
    let mut new = old.clone();
    // Inline the request body and its schema where the operation uses them…
    let mut body = at(&mut new, "/components/requestBodies/UpsertContact").clone();
    let schema = at(&mut new, UPSERT_REQUEST).clone();
    set(&mut body, "/content/application~1json/schema", schema);
    set(&mut new, &format!("{UPSERT}/requestBody"), body);
    // …and move an inline schema into components.
    let tags = remove(&mut new, &format!("{CONTACT}/properties/tags"));
    set(&mut new, "/components/schemas/Tags", tags);
    set(
        &mut new,
        &format!("{CONTACT}/properties/tags"),
        json!({"$ref": "#/components/schemas/Tags"}),
    );
    for (from, to) in [(&old, &new), (&new, &old)] {
        let changes = xtask::diff::spec::spec_changes(from, to);
        assert!(changes.is_empty(), "{}", describe(&changes));
    }
}

#[test]
fn documentation_only_edits_are_a_patch() {
    let old = spec_text();
    let new = old.replace(
        "description: ID of the contact to update.",
        "description: ID of the contact to change.",
    );
    assert_ne!(old, new);
    let report = full_report(&old, &new);
    assert!(report.changes.is_empty() && report.rust_api.is_empty());
    assert_eq!(report.semver, Semver::Patch);
    assert_eq!(report.version.next, "0.1.1");
}

/// The edit the README shows: `email` becomes required in Upsert Contact,
/// which also gains an optional field.
fn realistic_edit(spec: &str) -> String {
    let required = "      required:\n        - locationId\n";
    let property = "        createNewIfDuplicateAllowed:\n          type: boolean\n";
    assert_eq!(spec.matches(required).count(), 1);
    assert_eq!(spec.matches(property).count(), 1);
    spec.replace(required, &format!("{required}        - email\n"))
        .replace(
            property,
            &format!(
                "        preferredLanguage:\n          type: string\n          nullable: true\n          description: Language the contact prefers, as a BCP 47 tag.\n          example: en-US\n{property}"
            ),
        )
}

#[test]
fn report_for_a_realistic_edit() {
    let old = spec_text();
    let report = full_report(&old, &realistic_edit(&old));
    assert!(report.has_breaking());
    assert_eq!(report.semver, Semver::Major);
    assert_eq!(report.version.next, "0.2.0");
    insta::assert_snapshot!("realistic_edit_markdown", report::markdown(&report));
    insta::assert_snapshot!("realistic_edit_json", report::json(&report));
    insta::assert_snapshot!(
        "realistic_edit_changelog",
        xtask::diff::changelog_entry(&report)
    );
}

#[test]
fn applying_a_report_bumps_the_version_and_writes_the_changelog_into_the_crate() {
    let root = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff-apply");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("spec")).unwrap();
    let old = spec_text();
    let new = realistic_edit(&old);
    std::fs::write(root.join(xtask::SPEC), &new).unwrap();
    // The files generation copies into the crate, as in the repository.
    for file in [
        xtask::CODEGEN_CONFIG,
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
    ] {
        std::fs::copy(xtask::repo_root().join(file), root.join(file)).unwrap();
    }
    let report = full_report(&old, &new);

    xtask::diff::apply(&root, &report).unwrap();
    let config = xtask::CodegenConfig::read(&root.join(xtask::CODEGEN_CONFIG)).unwrap();
    assert_eq!(config.version(), "0.2.0");
    let manifest = std::fs::read_to_string(root.join("generated/Cargo.toml")).unwrap();
    assert!(manifest.contains("version = \"0.2.0\""), "{manifest}");
    let changelog = std::fs::read_to_string(root.join("generated/CHANGELOG.md")).unwrap();
    assert!(changelog.starts_with("<!-- @generated"), "{changelog}");
    assert!(changelog.contains("## 0.2.0"), "{changelog}");
    assert!(changelog.contains("`email` became required"), "{changelog}");

    // What was written is what generation produces: the freshness check holds.
    let generated = xtask::repo_crate(&root, &config).unwrap();
    assert!(
        xtask::stale_files(&root.join(xtask::GENERATED), &generated)
            .unwrap()
            .is_empty()
    );
    // Applying the same report again changes nothing.
    let before = std::fs::read_to_string(root.join(xtask::CHANGELOG)).unwrap();
    xtask::diff::apply(&root, &report).unwrap();
    assert_eq!(
        std::fs::read_to_string(root.join(xtask::CHANGELOG)).unwrap(),
        before
    );
}

/// Only a one-value *string* header is sent by the client itself; the
/// spec diff agrees with the generated method, which takes a one-value
/// integer header as an argument.
#[test]
fn a_required_header_with_one_allowed_integer_is_an_argument_of_the_method() {
    let old = spec_value();
    let mut new = old.clone();
    add_schema_version_header(&mut new);
    let report = full_report(
        &serde_json::to_string(&old).unwrap(),
        &serde_json::to_string(&new).unwrap(),
    );
    let shown = report::markdown(&report);
    let [change] = report.changes.as_slice() else {
        panic!("expected one spec change:\n{shown}");
    };
    assert_eq!(change.class, Breaking, "{shown}");
    assert_eq!(
        change.message,
        "required header parameter `X-Schema-Version` added: generated methods take every parameter as a positional argument",
    );
    let method = report
        .rust_api
        .iter()
        .find(|api| api.item == "Client::upsert_contact()")
        .unwrap_or_else(|| panic!("the method is unchanged:\n{shown}"));
    assert_eq!(method.class, Breaking, "{shown}");
    assert!(method.change.contains("x_schema_version"), "{shown}");
}

const UPDATE_REQUEST: &str = "/components/schemas/UpdateContactRequest";

/// Both views together: an optional request property is a minor change
/// (request structs are `#[non_exhaustive]`), a required one a major change.
#[test]
fn a_request_property_added_is_minor_when_optional_and_major_when_required() {
    let old = spec_value();
    let mut optional = old.clone();
    set(
        &mut optional,
        &format!("{UPDATE_REQUEST}/properties/nickname"),
        json!({"type": "string", "description": "A nickname."}),
    );
    let mut required = optional.clone();
    // Update Contact's body has no required property yet.
    assert!(old.pointer(&format!("{UPDATE_REQUEST}/required")).is_none());
    set(
        &mut required,
        &format!("{UPDATE_REQUEST}/required"),
        json!(["nickname"]),
    );
    for (new, expected) in [(&optional, Semver::Minor), (&required, Semver::Major)] {
        let report = full_report(
            &serde_json::to_string(&old).unwrap(),
            &serde_json::to_string(new).unwrap(),
        );
        assert_eq!(report.semver, expected, "{}", report::markdown(&report));
    }
}

/// `diff` builds its crates the way `generate` does: external `$ref`s
/// (HighLevel's own spec refers into `../common/`) are followed, and a spec
/// compared with itself reports nothing.
#[test]
fn every_corpus_spec_compared_with_itself_reports_no_change() {
    let corpus = xtask::repo_root().join("tests/corpus");
    for spec in [
        "highlevel-official/apps/contacts.json",
        "progenitor/buildomat.json",
        "progenitor/cli-gen.json",
        "progenitor/keeper.json",
        "progenitor/nexus.json",
        "progenitor/param-collision.json",
        "progenitor/param-overrides.json",
        "progenitor/param-overrides.yaml",
        "progenitor/propolis-server.json",
        "progenitor/api.github.com.json",
    ] {
        let path = corpus.join(spec);
        let document = SpecDocument::new(
            format!("tests/corpus/{spec}"),
            std::fs::read(&path).unwrap(),
        );
        let resolver = xtask::FileResolver::beside(&path);
        let side = || xtask::diff::SpecInput {
            document: &document,
            resolver: &resolver,
        };
        let report = xtask::diff::build_report(side(), side(), &config(), "0.1.0")
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        assert!(report.changes.is_empty(), "{spec}: {:?}", report.changes);
        assert!(report.rust_api.is_empty(), "{spec}: {:?}", report.rust_api);
        assert_eq!(report.semver, Semver::None, "{spec}");
    }
}

/// `--base REF` reads the old spec's external `$ref`s from REF as well.
#[test]
fn the_git_resolver_reads_external_refs_at_the_revision() {
    use codegen::Resolver;
    let root = xtask::repo_root();
    let resolver = xtask::GitResolver::beside(
        &root,
        "HEAD",
        "tests/corpus/highlevel-official/apps/contacts.json",
    );
    let loaded = resolver.load("../common/common-schemas.json").unwrap();
    let on_disk =
        std::fs::read(root.join("tests/corpus/highlevel-official/common/common-schemas.json"))
            .unwrap();
    assert_eq!(loaded, on_disk);
    let error = resolver.load("../common/missing.json").unwrap_err();
    assert!(
        error.contains("HEAD:tests/corpus/highlevel-official/common/missing.json"),
        "{error}"
    );
}

/// A constant header is the client's: a new value is one change, reported
/// once for every operation, breaking on the wire though no Rust signature
/// moves, and the summary leads with it.
#[test]
fn a_constant_header_that_changes_is_one_change_of_every_request() {
    let old = spec_value();
    let mut new = old.clone();
    set(
        &mut new,
        "/components/parameters/Version/schema/enum",
        json!(["2024-01-01"]),
    );
    let report = full_report(
        &serde_json::to_string(&old).unwrap(),
        &serde_json::to_string(&new).unwrap(),
    );
    let shown = report::markdown(&report);
    let [group] = report.groups.as_slice() else {
        panic!("expected one group:\n{shown}");
    };
    assert_eq!(group.class, Breaking, "{shown}");
    assert!(group.wire_breaking, "{shown}");
    assert_eq!(group.element, "constant headers");
    assert_eq!(
        group.what,
        "constant header `Version` changed from `2021-07-28` to `2024-01-01`"
    );
    assert!(group.on_every_operation(report.summary.operations));
    assert_eq!(report.summary.every_operation, [0]);
    assert!(report.rust_api.is_empty(), "{shown}");
    assert_eq!(report.semver, Semver::Major);
    let summary = shown.split("<details>").next().unwrap();
    assert!(
        summary.contains("**Every request changes** (all 2 operations):\n- **breaking on the wire:** constant header `Version` changed from `2021-07-28` to `2024-01-01`"),
        "{shown}"
    );
}

const V2: &str = "highlevel-official/apps/contacts.json";
const V3: &str = "highlevel-official/apps/v3/contacts-v3.json";

/// The report on two corpus specs, each with its external `$ref`s read
/// beside it.
fn corpus_report(old: &str, new: &str) -> xtask::diff::Report {
    let corpus = xtask::repo_root().join("tests/corpus");
    let load = |spec: &str| {
        let path = corpus.join(spec);
        let document = SpecDocument::new(
            format!("tests/corpus/{spec}"),
            std::fs::read(&path).unwrap(),
        );
        (document, xtask::FileResolver::beside(&path))
    };
    let (old_document, old_resolver) = load(old);
    let (new_document, new_resolver) = load(new);
    xtask::diff::build_report(
        xtask::diff::SpecInput {
            document: &old_document,
            resolver: &old_resolver,
        },
        xtask::diff::SpecInput {
            document: &new_document,
            resolver: &new_resolver,
        },
        &config(),
        "0.1.0",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// HighLevel's own step from v2 to v3: the summary fits on one screen and
/// names what a reader must see; the whole report is a snapshot.
#[test]
fn the_vendors_v2_to_v3_report_leads_with_a_summary_that_fits_on_one_screen() {
    let report = corpus_report(V2, V3);
    let shown = report::markdown(&report);
    let summary = shown.split("<details>").next().unwrap();
    let lines = summary.lines().count();
    assert!(
        lines <= 40,
        "{lines} lines before the first fold:\n{summary}"
    );
    for expected in [
        "constant header `Version` changed from `2021-07-28` to `v3`",
        "`GetContectByIdSchema` → `GetContactByIdSchemaV3`",
        "`DndSettingsSchema` → `DndSettingsSchemaV3`",
        "`remove-contact-from-every-campaign`",
        "request field `customFields[].field_value` is deprecated",
    ] {
        assert!(
            summary.contains(expected),
            "{expected} is not in:\n{summary}"
        );
    }
    let renamed: Vec<&str> = report
        .renames
        .schemas
        .iter()
        .map(|rename| rename.old.as_str())
        .collect();
    assert_eq!(
        renamed,
        [
            "ContactsByIdSuccessfulResponseDto",
            "CreateContactDto",
            "CreateContactsSuccessfulResponseDto",
            "DndSettingsSchema",
            "GetContectByIdSchema",
            "UpdateContactDto",
            "UpdateContactsSuccessfulResponseDto",
            "UpsertContactDto",
            "UpsertContactsSuccessfulResponseDto",
        ]
    );
    assert_eq!(report.semver, Semver::Major);
    insta::assert_snapshot!("vendor_v2_to_v3_markdown", shown);
}

/// The JSON output carries the summary, the groups and the renames too.
#[test]
fn the_json_report_carries_the_summary_groups_and_renames() {
    let report = corpus_report(V2, V3);
    let json: Value = serde_json::from_str(&report::json(&report)).unwrap();
    for key in [
        "summary", "groups", "renames", "changes", "rust_api", "semver",
    ] {
        assert!(json.get(key).is_some(), "no `{key}` in the JSON report");
    }
    assert_eq!(
        json["summary"]["every_operation"].as_array().unwrap().len(),
        report.summary.every_operation.len()
    );
    assert_eq!(
        json["renames"]["schemas"].as_array().unwrap().len(),
        report.renames.schemas.len()
    );
}

/// A schema renamed without changing shape is one rename, with its Rust
/// consequence, instead of a removed type and an added one with all their
/// members; its derived types move with it.
#[test]
fn a_renamed_schema_is_one_rename_in_the_rust_api() {
    let old = spec_value();
    let mut new = old.clone();
    let contact = remove(&mut new, CONTACT);
    set(&mut new, "/components/schemas/Person", contact);
    let text = serde_json::to_string(&new).unwrap().replace(
        "\"#/components/schemas/Contact\"",
        "\"#/components/schemas/Person\"",
    );
    let report = full_report(&serde_json::to_string(&old).unwrap(), &text);
    let shown = report::markdown(&report);
    let [rename] = report.renames.schemas.as_slice() else {
        panic!("expected one rename:\n{shown}");
    };
    assert_eq!(
        (rename.old.as_str(), rename.new.as_str()),
        ("Contact", "Person")
    );
    assert!(!rename.shape_changed, "{shown}");
    let rust = rename.rust.as_ref().expect("both crates have the type");
    assert_eq!(rust.alias, "pub type Contact = Person;");
    assert!(report.changes.is_empty(), "{shown}");
    let renamed: Vec<&str> = report
        .rust_api
        .iter()
        .map(|change| change.item.as_str())
        .collect();
    assert!(renamed.contains(&"types::Person"), "{shown}");
    assert!(
        report
            .rust_api
            .iter()
            .all(|change| change.change.starts_with("renamed from `types::Contact")),
        "{shown}"
    );
    assert_eq!(report.semver, Semver::Major);
}
