//! `cargo xtask generate` as users run it: the real binary, real folders.

use std::path::{Path, PathBuf};
use std::process::Command;

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fixture(name: &str) -> String {
    xtask::repo_root()
        .join("tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn a_broken_spec_names_file_and_pointer_and_leaves_the_output_untouched() {
    let dir = scratch("broken-spec");
    let spec = dir.join("broken.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get: {operationId: a, responses: {'200': {description: ok}}}\n",
    )
    .unwrap();
    let out = dir.join("out");
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("src/lib.rs"), "// the previous crate\n").unwrap();

    // Without `--strict` the undeclared parameter is repaired with a note.
    let output = xtask(&[
        "generate",
        "--strict",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);

    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("broken.yaml#/paths/~1a~1{id}/get"),
        "{stderr}"
    );
    assert!(stderr.contains("`{id}`"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.join("src/lib.rs")).unwrap(),
        "// the previous crate\n"
    );
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        1,
        "nothing else was written"
    );
}

#[test]
fn a_repaired_flaw_is_reported_as_a_note() {
    let dir = scratch("repaired-spec");
    let spec = dir.join("flawed.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get: {operationId: a, responses: {'200': {description: ok}}}\n",
    )
    .unwrap();
    let out = dir.join("out");
    let output = xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("note: ") && stderr.contains("flawed.yaml#/paths/~1a~1{id}/get"),
        "{stderr}"
    );
    assert!(out.join("src/lib.rs").exists());
}

#[test]
fn generate_writes_a_whole_crate_and_a_rerun_replaces_it_keeping_target() {
    let out = scratch("any-spec").join("my-client");
    let spec = fixture("security.yaml");

    let first = xtask(&["generate", "--spec", &spec, "--out", out.to_str().unwrap()]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"my-client\""), "{manifest}");
    for file in [
        "src/lib.rs",
        "src/client.rs",
        "src/raw.rs",
        "src/runtime/mod.rs",
        "src/types.rs",
    ] {
        assert!(out.join(file).exists(), "{file}");
    }

    std::fs::create_dir_all(out.join("target")).unwrap();
    std::fs::write(out.join("src/stale.rs"), "").unwrap();
    let second = xtask(&[
        "generate",
        "--spec",
        &spec,
        "--out",
        out.to_str().unwrap(),
        "--name",
        "other",
    ]);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(
        out.join("target").exists(),
        "a user's build folder survives"
    );
    assert!(
        !out.join("src/stale.rs").exists(),
        "files the generator did not write are gone"
    );
    assert!(
        std::fs::read_to_string(out.join("Cargo.toml"))
            .unwrap()
            .contains("name = \"other\"")
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        xtask(&["generate", "--spec", "x.yaml"]).status.code(),
        Some(2)
    );
    assert_eq!(xtask(&["no-such-task"]).status.code(), Some(2));
}

#[test]
fn stale_files_reports_a_stale_copy_of_generated() {
    let generated = xtask::expected_generated().unwrap();
    let copy = scratch("stale-copy").join("generated");
    xtask::write_atomically(&copy, &generated).unwrap();
    assert!(xtask::stale_files(&copy, &generated).unwrap().is_empty());

    std::fs::write(copy.join("src/types.rs"), "// edited by hand\n").unwrap();
    std::fs::remove_file(copy.join("src/raw.rs")).unwrap();
    std::fs::write(copy.join("src/extra.rs"), "").unwrap();
    let drift = xtask::stale_files(&copy, &generated).unwrap();
    assert_eq!(drift.changed, ["src/types.rs"]);
    assert_eq!(drift.missing, ["src/raw.rs"]);
    assert_eq!(drift.extra, ["src/extra.rs"]);
}

/// The repository's spec, and a copy where Upsert Contact requires `email`,
/// both written to `dir`.
fn spec_and_breaking_edit(dir: &Path) -> (String, String) {
    let spec = std::fs::read_to_string(xtask::repo_root().join(xtask::SPEC)).unwrap();
    let edited = spec.replacen(
        "      required:\n        - locationId\n",
        "      required:\n        - locationId\n        - email\n",
        1,
    );
    assert_ne!(spec, edited);
    let (old, new) = (dir.join("old.yaml"), dir.join("new.yaml"));
    std::fs::write(&old, spec).unwrap();
    std::fs::write(&new, edited).unwrap();
    (
        old.to_string_lossy().into_owned(),
        new.to_string_lossy().into_owned(),
    )
}

#[test]
fn diff_exits_3_on_breaking_changes_only_when_asked() {
    let (old, new) = spec_and_breaking_edit(&scratch("diff-exit-codes"));

    let report = xtask(&["diff", "--old", &old, "--new", &new]);
    assert_eq!(report.status.code(), Some(0));
    let markdown = String::from_utf8_lossy(&report.stdout);
    assert!(markdown.starts_with("## API changes"), "{markdown}");
    assert!(markdown.contains("`email` became required"), "{markdown}");

    let failing = xtask(&["diff", "--old", &old, "--new", &new, "--fail-on-breaking"]);
    assert_eq!(failing.status.code(), Some(3));
    let json = xtask(&["diff", "--old", &new, "--new", &old, "--format", "json"]);
    assert_eq!(json.status.code(), Some(0));
    let json = String::from_utf8_lossy(&json.stdout);
    // On the wire, a field becoming optional breaks nobody; in Rust, `new`
    // loses its parameter, and that sets the version.
    assert!(json.contains("\"class\": \"non-breaking\""), "{json}");
    assert!(json.contains("\"semver\": \"major\""), "{json}");

    let same = xtask(&["diff", "--old", &old, "--new", &old, "--fail-on-breaking"]);
    assert_eq!(same.status.code(), Some(0));
}

#[test]
fn diff_usage_errors_exit_2_and_bad_input_exits_1() {
    let dir = scratch("diff-errors");
    let (old, new) = spec_and_breaking_edit(&dir);
    assert_eq!(xtask(&["diff"]).status.code(), Some(2));
    assert_eq!(xtask(&["diff", "--old", &old]).status.code(), Some(2));
    assert_eq!(
        // Files that do not exist: were `--apply` accepted, it would fail
        // reading them before touching the repository.
        xtask(&[
            "diff",
            "--old",
            "missing-a",
            "--new",
            "missing-b",
            "--apply"
        ])
        .status
        .code(),
        Some(2),
        "--apply needs --base"
    );
    assert_eq!(
        xtask(&["diff", "--base", "HEAD", "--old", &old, "--new", &new])
            .status
            .code(),
        Some(2)
    );

    let broken = dir.join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.3\npaths: [\n").unwrap();
    let output = xtask(&["diff", "--old", broken.to_str().unwrap(), "--new", &new]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("in the old spec"), "{stderr}");
    assert!(stderr.contains("broken.yaml"), "{stderr}");

    let output = xtask(&["diff", "--base", "no-such-ref-anywhere"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("no-such-ref-anywhere"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn drift_keeps_other_specs_apart_and_names_a_bad_line() {
    let dir = scratch("drift-cli");
    let other = dir.join("other.jsonl");
    std::fs::write(
        &other,
        r##"{"crate":"highlevel-contacts","crate_version":"0.1.0","spec_sha256":"0000000000000000000000000000000000000000000000000000000000000000","operation":"upsertContact","status":200,"kind":"undeclared_property","schema":"#/components/schemas/UpsertContactResponse","pointer":"/contact/nickname","observed":{"type":"string"},"count":7,"first_seen":"2026-11-02T16:00:00Z","last_seen":"2026-11-03T16:00:00Z"}"##,
    )
    .unwrap();
    let out = dir.join("proposal.yaml");
    let output = xtask(&[
        "drift",
        other.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: 1 line (7 observations) of spec sha256 0000"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing to propose"), "{stderr}");
    assert!(output.stdout.is_empty(), "no change, no report");
    let overlay = std::fs::read_to_string(&out).unwrap();
    assert!(
        overlay.contains("# Recorded against another spec, not merged:"),
        "{overlay}"
    );
    assert!(overlay.contains("actions: []"), "{overlay}");

    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, "{\"crate\": 1}\n").unwrap();
    let output = xtask(&[
        "drift",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.jsonl:1: not a drift record line"),
        "{stderr}"
    );
    assert_eq!(xtask(&["drift"]).status.code(), Some(2));
}

#[test]
fn drift_proposes_against_any_spec_file_without_touching_it() {
    let dir = scratch("drift-any-spec");
    let spec = dir.join("items.yaml");
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    get:\n      operationId: listItems\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Item'\ncomponents:\n  schemas:\n    Item:\n      type: object\n      properties:\n        id:\n          type: string\n";
    std::fs::write(&spec, text).unwrap();
    let record = dir.join("drift.jsonl");
    std::fs::write(
        &record,
        format!(
            r##"{{"crate":"items","crate_version":"0.1.0","spec_sha256":"{}","operation":"listItems","status":200,"kind":"undeclared_property","schema":"#/components/schemas/Item","pointer":"/color","observed":{{"type":"string"}},"count":2,"first_seen":"2026-12-01T00:00:00Z","last_seen":"2026-12-02T00:00:00Z"}}"##,
            xtask::drift::spec_sha256(text.as_bytes())
        ),
    )
    .unwrap();
    let out = dir.join("proposal.yaml");
    let (record, spec, out) = (
        record.to_str().unwrap(),
        spec.to_str().unwrap(),
        out.to_str().unwrap(),
    );
    let output = xtask(&["drift", record, "--spec", spec, "--out", out]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("response field `color` added"), "{report}");
    assert!(
        std::fs::read_to_string(out)
            .unwrap()
            .contains("  - target: $.components.schemas.Item.properties\n")
    );
    assert_eq!(std::fs::read_to_string(spec).unwrap(), text);
    let refused = xtask(&["drift", record, "--spec", spec, "--apply"]);
    assert_eq!(refused.status.code(), Some(2));
}
