//! Helpers shared by the test files in `tests/tests/`.

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// Like [`generate_text`], refusing specs that need a repair.
pub fn generate_strict(
    name: &str,
    bytes: impl Into<Vec<u8>>,
) -> Result<GeneratedCrate, codegen::Error> {
    Generator::new(Settings::new("fixture").strict(true)).generate(&SpecDocument::new(name, bytes))
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

/// A folder outside the repository, for crates generated to be compiled:
/// their own cargo workspaces, and one target folder they share. Named after
/// this checkout, so two checkouts on one machine do not collide.
pub fn scratch_dir() -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_MANIFEST_DIR").hash(&mut hasher);
    std::env::temp_dir().join(format!("highlevel-codegen-check-{:016x}", hasher.finish()))
}

/// Writes `crates` (folder name, crate) as members of a workspace at
/// `scratch_dir()/<workspace>` and runs one `cargo check` over them, with
/// warnings as errors. Returns cargo's messages when it fails.
pub fn check_crates(workspace: &str, crates: &[(String, GeneratedCrate)]) -> Result<(), String> {
    let root = scratch_dir().join(workspace);
    let mut members = Vec::new();
    for (name, generated) in crates {
        xtask::write_atomically(&root.join(name), generated).map_err(|e| e.to_string())?;
        members.push(format!("\"{name}\""));
    }
    // Its own workspace root stops cargo from finding ours above it.
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .map_err(|e| e.to_string())?;
    // Start from this repository's lock file, so the crates resolve to the
    // versions already downloaded; cargo adds only what is missing.
    if !root.join("Cargo.lock").exists() {
        let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
        std::fs::copy(lock, root.join("Cargo.lock")).map_err(|e| e.to_string())?;
    }
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--workspace"])
        .env("CARGO_TARGET_DIR", scratch_dir().join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .current_dir(&root)
        .output()
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}
