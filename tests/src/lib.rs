//! Helpers shared by the test files in `tests/tests/`.

use std::path::{Path, PathBuf};

use codegen::{GeneratedCrate, Generator, Settings, SpecDocument};

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Generates the crate for `tests/fixtures/<name>`, naming the spec by its
/// repository path so output does not depend on the checkout's location.
pub fn generate_fixture(name: &str) -> Result<GeneratedCrate, codegen::Error> {
    let bytes = std::fs::read(fixtures_dir().join(name)).expect("fixture exists");
    generate_text(&format!("tests/fixtures/{name}"), bytes)
}

pub fn generate_text(
    name: &str,
    bytes: impl Into<Vec<u8>>,
) -> Result<GeneratedCrate, codegen::Error> {
    Generator::new(Settings::new("fixture")).generate(&SpecDocument::new(name, bytes))
}

/// The files a construct shapes, concatenated for one snapshot. The runtime
/// is the same for every spec and is locked by the freshness test instead.
pub fn snapshot_text(generated: &GeneratedCrate) -> String {
    generated
        .files
        .iter()
        .filter(|(path, _)| !path.starts_with("src/runtime/"))
        .map(|(path, text)| format!("==> {path} <==\n{text}\n"))
        .collect()
}
