//! The generator on specs nobody here wrote (`tests/corpus/`): each either
//! generates a crate that compiles on its own, or fails with the located
//! error this table expects. Never a panic, never a half-written crate.

use std::path::Path;

use codegen::GeneratedCrate;

enum Expect {
    /// Generates, and the crate passes `cargo check` with warnings denied.
    Compiles,
    /// Generates; compiling is left out of the test run for time (set
    /// `CORPUS_COMPILE_ALL=1` to include it).
    Generates,
}

/// Every spec of the corpus, by path below `tests/corpus/`.
const CORPUS: &[(&str, Expect)] = &[
    // HighLevel's own spec: external `$ref`s into ../common/, an undeclared
    // path parameter (repaired, with a note), lint errors that do not matter
    // to a client (see ARCHITECTURE.md, "Specs written by others").
    ("highlevel-official/apps/contacts.json", Expect::Compiles),
    // Its v3: the same `../common/` layout one folder down, and deprecated
    // properties (`field_value`, `succeded`), whose `#[deprecated]` the
    // crate's own code must allow.
    (
        "highlevel-official/apps/v3/contacts-v3.json",
        Expect::Compiles,
    ),
    ("progenitor/buildomat.json", Expect::Compiles),
    ("progenitor/cli-gen.json", Expect::Compiles),
    ("progenitor/keeper.json", Expect::Compiles),
    ("progenitor/nexus.json", Expect::Compiles),
    ("progenitor/param-collision.json", Expect::Compiles),
    ("progenitor/param-overrides.json", Expect::Compiles),
    ("progenitor/param-overrides.yaml", Expect::Compiles),
    ("progenitor/propolis-server.json", Expect::Compiles),
    // 767 operations; its crate compiles too (`CORPUS_COMPILE_ALL=1`), but
    // its `cargo check` alone takes about 45 s on two cores.
    ("progenitor/api.github.com.json", Expect::Generates),
];

fn corpus_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// `progenitor/param-overrides.yaml` → `param-overrides-yaml`.
fn member_name(spec: &str) -> String {
    let file = spec.rsplit('/').next().unwrap();
    file.replace(".json", "")
        .replace(".yaml", "-yaml")
        .replace('.', "-")
}

fn generate(spec: &str) -> Result<GeneratedCrate, String> {
    let config = xtask::CodegenConfig::named(&format!("corpus-{}", member_name(spec)));
    xtask::generate_spec(
        &corpus_dir().join(spec),
        &format!("tests/corpus/{spec}"),
        &config,
    )
    .map_err(|e| e.to_string())
}

#[test]
fn the_table_covers_every_spec_of_the_corpus() {
    let mut found = Vec::new();
    for folder in [
        "highlevel-official/apps",
        "highlevel-official/apps/v3",
        "progenitor",
    ] {
        for entry in std::fs::read_dir(corpus_dir().join(folder)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".json") || name.ends_with(".yaml") {
                found.push(format!("{folder}/{name}"));
            }
        }
    }
    found.sort();
    let mut listed: Vec<String> = CORPUS.iter().map(|(spec, _)| spec.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed);
}

#[test]
fn every_corpus_spec_generates_and_the_crates_compile() {
    let compile_all = std::env::var_os("CORPUS_COMPILE_ALL").is_some();
    let mut to_check = Vec::new();
    let mut failures = Vec::new();
    for (spec, expect) in CORPUS {
        match generate(spec) {
            Ok(generated) => {
                if matches!(expect, Expect::Compiles) || compile_all {
                    to_check.push((member_name(spec), generated));
                }
            }
            Err(error) => failures.push(format!("{spec}: {error}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if let Err(messages) = highlevel_tests::check_crates("corpus", &to_check) {
        panic!("generated corpus crates do not compile:\n{messages}");
    }
}

#[test]
fn highlevel_official_spec_quirks_are_repaired_with_notes() {
    let spec = "highlevel-official/apps/contacts.json";
    let generated = generate(spec).unwrap();
    let notes: Vec<String> = generated.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes[0],
        "tests/corpus/highlevel-official/apps/contacts.json#/paths/~1contacts~1bulk~1tags~1update~1{type}/post: path parameter `{type}` of `/contacts/bulk/tags/update/{type}` is not declared in `parameters`; declared as a required string"
    );
    // The nine custom-field kinds of each of the three request bodies: four take a
    // string, three an object and two a list of strings, so only the first of each
    // can ever be decoded: six notes per body.
    assert_eq!(notes.len(), 1 + 3 * 6, "{notes:#?}");
    assert!(
        notes[1..]
            .iter()
            .all(|note| note.contains("accepts the same JSON")),
        "{notes:#?}"
    );
    assert!(
        notes.iter().any(|note| note == "tests/corpus/highlevel-official/apps/contacts.json#/components/schemas/UpdateContactDto/properties/customFields/items/anyOf/1: branch 1 (`LargeTextField`) accepts the same JSON as branch 0 (`TextField`): they differ only in descriptions, examples or titles; decoding never picks branch 1 (`LargeTextField`): the union's Rust enum tries its variants in order, and branch 0 (`TextField`) comes first"),
        "{notes:#?}"
    );
    // The shared error bodies of ../common/ are imported under their names.
    let types = &generated.files["src/types.rs"];
    for name in ["BadRequestDto", "UnauthorizedDto", "UnprocessableDto"] {
        assert!(types.contains(&format!("pub struct {name} ")), "{name}");
    }
    // The same input gives the same bytes.
    assert_eq!(generated, generate(spec).unwrap());
    // Strict mode refuses what the default repairs.
    let strict = xtask::generate_spec(
        &corpus_dir().join(spec),
        &format!("tests/corpus/{spec}"),
        &xtask::CodegenConfig::named("strict").strict(true),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        strict,
        notes[0].replace("; declared as a required string", "")
    );
}
