//! `generated/` must be exactly what `spec/` produces (the same check as
//! `cargo xtask check`), and its public API is locked by a snapshot.

#[test]
fn generated_crate_is_fresh() {
    let root = xtask::repo_root();
    let generated = xtask::expected_generated().unwrap_or_else(|e| panic!("{e}"));
    let drift = xtask::stale_files(&root.join(xtask::GENERATED), &generated).unwrap();
    assert!(
        drift.is_empty(),
        "{}/ is stale: it is not what {} produces.\n{drift}Run `{}` and commit the result.",
        xtask::GENERATED,
        xtask::SPEC,
        xtask::REGENERATE,
    );
}

/// Every spec edit that changes what callers see shows up here as a diff.
/// (The freshness test above holds `generated/` to these same files.)
#[test]
fn public_api_of_generated_crate() {
    let generated = xtask::expected_generated().unwrap();
    let surface = codegen::surface::public_api(&generated.files).unwrap();
    insta::assert_snapshot!(codegen::surface::render(&surface));
}

#[test]
fn every_generated_file_starts_with_the_preamble() {
    let generated = xtask::expected_generated().unwrap();
    for (path, text) in &generated.files {
        // Licence texts are copied verbatim: a licence is read as written.
        if xtask::package_files::LICENCES.contains(&path.as_str()) {
            assert_eq!(
                text,
                &std::fs::read_to_string(xtask::repo_root().join(path)).unwrap()
            );
            continue;
        }
        let head: Vec<&str> = text.lines().take(2).collect();
        assert!(
            head[0].contains("@generated") && head[1].contains("cargo xtask generate"),
            "{path}: {head:?}"
        );
    }
}

/// The spec's `Note:` and `Correction:` texts are for its reviewers: the
/// generated docs leave them out (`codegen/src/reviewer_notes.rs`) and keep
/// what callers need. One field, before and after: the spec says
/// "Referring URL (inferred). Correction: the vendor's example `https: //www.google.com`
/// has a stray space."; the crate says "Referring URL (inferred).".
#[test]
fn reviewer_notes_stay_out_of_the_generated_docs() {
    let spec = std::fs::read_to_string(xtask::repo_root().join(xtask::SPEC)).unwrap();
    assert!(spec.contains("Referring URL (inferred). Correction: the vendor's example"));
    let generated = xtask::expected_generated().unwrap();
    for (path, text) in &generated.files {
        if path.ends_with(".rs") && !path.starts_with("src/runtime/") {
            assert!(
                !text.contains("Note:") && !text.contains("Correction:"),
                "{path} carries a reviewer's note"
            );
        }
    }
    assert!(
        generated.files["src/types.rs"].contains("    /// Referring URL (inferred).\n    #[serde(")
    );
}
