//! `cargo xtask drift` from a record of the four drifts a changing HighLevel shows (a new
//! contact property, an unlisted DND status, `tags: null`, a 201 for upsert), one it leaves
//! alone (`dateAdded` as a date), one the spec has since absorbed, and one of another spec:
//! proposed, applied to a copy of the repository, regenerated, and judged by the diff
//! report.

use std::path::{Path, PathBuf};

use codegen::SpecDocument;
use xtask::diff::Class;
use xtask::drift::propose::Change;

const FIXTURE: &str = "xtask/tests/fixtures/drift/loop.jsonl";

/// A copy of what `--apply` reads and writes: `spec/` and the files generation copies.
fn repository_copy(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("spec")).unwrap();
    for file in xtask::APPLY_INPUTS {
        std::fs::copy(xtask::repo_root().join(file), root.join(file)).unwrap();
    }
    root
}

/// The fixture, its lines naming the spec at `root` by its hash.
fn record(root: &Path) -> PathBuf {
    let spec = std::fs::read(root.join(xtask::SPEC)).unwrap();
    let text = std::fs::read_to_string(xtask::repo_root().join(FIXTURE)).unwrap();
    let path = root.join("drift.jsonl");
    std::fs::write(
        &path,
        text.replace("@SPEC_SHA256@", &xtask::drift::spec_sha256(&spec)),
    )
    .unwrap();
    path
}

/// The lines of `new` that are not in `old`, and of `old` that are not in `new`, by a
/// longest common subsequence.
fn line_diff<'a>(old: &'a str, new: &'a str) -> (Vec<&'a str>, Vec<&'a str>) {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let mut table = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || table[i][j + 1] >= table[i + 1][j]) {
            added.push(b[j]);
            j += 1;
        } else {
            removed.push(a[i]);
            i += 1;
        }
    }
    (added, removed)
}

#[test]
fn drift_is_proposed_applied_regenerated_and_judged() {
    let root = repository_copy("drift-loop");
    let records = record(&root);
    let before = std::fs::read_to_string(root.join(xtask::SPEC)).unwrap();
    let out = root.join(xtask::drift::OVERLAY);
    let options = xtask::drift::Options {
        records: vec![records.clone()],
        spec: None,
        out: out.clone(),
        apply: true,
    };
    let outcome = xtask::drift::run(&root, &options).unwrap();

    // The proposal: the four natural edits, what is left alone and why, what no longer
    // locates.
    let changes: Vec<&Change> = outcome.proposal.edits.iter().map(|e| &e.change).collect();
    assert_eq!(changes.len(), 4, "{changes:#?}");
    assert!(
        matches!(changes[0], Change::AddProperty { object, name, .. }
        if object == "/components/schemas/Contact" && name == "preferredLanguage")
    );
    assert!(matches!(changes[1], Change::AddEnumValue { schema, value }
        if schema == "/components/schemas/ContactDndChannelSetting/properties/status" && value == "paused"));
    assert!(matches!(changes[2], Change::SetNullable { schema }
        if schema == "/components/schemas/Contact/properties/tags"));
    assert!(
        matches!(changes[3], Change::AddStatus { operation, status: 201, .. }
        if operation == "/paths/~1contacts~1upsert/post")
    );
    let [declined] = &outcome.proposal.declined[..] else {
        panic!("{:#?}", outcome.proposal.declined)
    };
    assert!(
        declined
            .finding
            .contains("other_format at `/contact/dateAdded`")
    );
    assert!(declined.reason.contains("Rust type"), "{}", declined.reason);
    let [unlocated] = &outcome.proposal.unlocated[..] else {
        panic!("{:#?}", outcome.proposal.unlocated)
    };
    assert!(
        unlocated.reason.contains("`email` is declared by now"),
        "{}",
        unlocated.reason
    );

    // The overlay file: readable targets, what was seen, how often and when.
    let overlay = std::fs::read_to_string(&out).unwrap();
    assert_eq!(overlay, outcome.overlay);
    println!("--- {}\n{overlay}", xtask::drift::OVERLAY);
    for expected in [
        "overlay: '1.0.0'",
        "  - target: $.components.schemas.Contact.properties\n    description: >-\n",
        "  - target: \"$.paths['/contacts/upsert'].post.responses\"",
        "  - target: $.components.schemas.ContactDndChannelSetting.properties.status.enum",
        "# Not proposed:",
        "# Recorded against another spec, not merged:",
    ] {
        assert!(overlay.contains(expected), "{expected}\n{overlay}");
    }
    let document: serde_json::Value = serde_yaml_ng::from_str(&overlay).unwrap();
    let added = &document["actions"][0]["update"]["preferredLanguage"];
    assert_eq!(added["type"], "string");
    assert!(
        added["description"].as_str().unwrap().contains(
            "Note: not declared before; seen in 2 answers of `updateContact` (200), from \
             2026-12-02T16:01:00Z to 2026-12-02T16:02:00Z; 3 answers of `upsertContact` (200)"
        ),
        "{added}"
    );
    let edited = outcome.edited.clone().unwrap();

    // The spec file, line by line: lines are added, and one line changed, where the one-line
    // description of `tags` became a folded block that starts with its old text.
    let after = std::fs::read_to_string(root.join(xtask::SPEC)).unwrap();
    assert_eq!(after, edited);
    let (added, removed) = line_diff(&before, &after);
    assert_eq!(removed, ["          description: Tags of the contact."]);
    assert!(added.contains(&"          description: >-"));
    assert!(
        added
            .iter()
            .any(|line| line.starts_with("            Tags of the contact. Note: `null` seen"))
    );
    for expected in [
        "        preferredLanguage:",
        "          type: string",
        "          nullable: true",
        "            - paused",
        "        '201':",
        "                $ref: '#/components/schemas/UpsertContactResponse'",
    ] {
        assert!(
            added.contains(&expected),
            "{expected} not added: {added:#?}"
        );
    }
    println!(
        "--- lines added to {}: {}, removed: {removed:?}",
        xtask::SPEC,
        added.len()
    );

    // The report: every change non-breaking but one, and that one says why it breaks:
    // `tags` becoming nullable changes its Rust type.
    let report = outcome.report.as_ref().unwrap();
    println!("--- report\n{}", xtask::diff::report::markdown(report));
    let breaking: Vec<&str> = report
        .changes
        .iter()
        .filter(|change| change.class == Class::Breaking)
        .map(|change| change.message.as_str())
        .collect();
    assert!(
        !breaking.is_empty()
            && breaking.iter().all(|message| message
                .contains("response field `contact.tags` became nullable: its Rust type changes")),
        "{breaking:#?}"
    );
    let breaking_rust: Vec<(&str, &str)> = report
        .rust_api
        .iter()
        .filter(|change| change.class == Class::Breaking)
        .map(|change| (change.item.as_str(), change.change.as_str()))
        .collect();
    assert_eq!(
        breaking_rust,
        [(
            "types::Contact::tags",
            "changed `field: Vec<String>` to `field: Option<Vec<String>>`"
        )]
    );

    // Applied: the version and the changelog, and `generated/` is what the new spec makes,
    // with the new typed field and enum variant.
    let config = xtask::CodegenConfig::read(&root.join(xtask::CODEGEN_CONFIG)).unwrap();
    assert_eq!(config.version(), report.version.next);
    let changelog = std::fs::read_to_string(root.join(xtask::CHANGELOG)).unwrap();
    assert!(
        changelog.contains(&format!("## {}", report.version.next)),
        "{changelog}"
    );
    let generated = xtask::repo_crate(&root, &config).unwrap();
    assert!(
        xtask::stale_files(&root.join(xtask::GENERATED), &generated)
            .unwrap()
            .is_empty()
    );
    let types = &generated.files["src/types.rs"];
    assert!(
        types.contains("pub preferred_language: ::std::option::Option<::std::string::String>"),
        "no typed field"
    );
    assert!(types.contains("Paused"), "no `paused` variant");
    let fresh = codegen::parse_document(&SpecDocument::new(xtask::SPEC, after.clone())).unwrap();
    let tags = &fresh["components"]["schemas"]["Contact"]["properties"]["tags"];
    assert_eq!(tags["nullable"], serde_json::json!(true));
    // Summed over both lines: 7 answers, from the first line's start to the other's end.
    assert_eq!(
        tags["description"],
        "Tags of the contact. Note: `null` seen in 7 answers of `upsertContact` (200), from \
         2026-12-02T15:00:00Z to 2026-12-02T16:05:00Z (recorded by highlevel-contacts 0.2.0); \
         declared nullable since."
    );

    // Run again on the applied spec: the record's hash names the old spec now, so nothing
    // merges; with the hash renewed, every finding is declared by now.
    let again = xtask::drift::run(&root, &options).unwrap();
    assert!(again.proposal.edits.is_empty());
    let records = record(&root);
    let again = xtask::drift::run(
        &root,
        &xtask::drift::Options {
            records: vec![records],
            spec: None,
            out,
            apply: true,
        },
    )
    .unwrap();
    assert!(
        again.proposal.edits.is_empty(),
        "{:#?}",
        again.proposal.edits
    );
    assert_eq!(
        std::fs::read_to_string(root.join(xtask::SPEC)).unwrap(),
        after
    );
}

/// What `cargo xtask test` lints must pass after `--apply`: the added nodes are valid
/// OpenAPI under the repository's `recommended-strict` rules.
#[test]
#[ignore = "needs redocly from tools/, which `cargo xtask test` installs"]
fn the_applied_spec_passes_the_linter() {
    let root = repository_copy("drift-lint");
    let options = xtask::drift::Options {
        records: vec![record(&root)],
        spec: None,
        out: root.join(xtask::drift::OVERLAY),
        apply: true,
    };
    let outcome = xtask::drift::run(&root, &options).unwrap();
    assert_eq!(outcome.proposal.edits.len(), 4);
    let repo = xtask::repo_root();
    let lint = std::process::Command::new(repo.join("tools/node_modules/.bin/redocly"))
        .args(["lint", "--config"])
        .arg(repo.join("spec/redocly.yaml"))
        .arg(root.join(xtask::SPEC))
        .output()
        .expect("redocly is installed in tools/ (run `cargo xtask test` once)");
    assert!(
        lint.status.success(),
        "{}{}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );
}
