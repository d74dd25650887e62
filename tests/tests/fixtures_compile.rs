//! The crate generated for every fixture compiles on its own, outside this
//! workspace: one `cargo check` over a scratch workspace of all of them.

use std::path::Path;
use std::process::Command;

#[test]
fn every_fixture_crate_compiles_standalone() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-crates");
    let mut members = Vec::new();
    let mut fixtures: Vec<_> = std::fs::read_dir(highlevel_tests::fixtures_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    fixtures.sort();
    for fixture in &fixtures {
        let name = fixture.trim_end_matches(".yaml");
        let mut generated = highlevel_tests::generate_fixture(fixture).unwrap();
        // Each member needs its own package name.
        let manifest = generated.files.get_mut("Cargo.toml").unwrap();
        *manifest = manifest.replace("name = \"fixture\"", &format!("name = \"fixture-{name}\""));
        xtask::write_atomically(&scratch.join(name), &generated).unwrap();
        members.push(format!("\"{name}\""));
    }
    // Its own workspace root stops cargo from finding ours above it.
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--workspace", "--offline"])
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .current_dir(&scratch)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "generated fixture crates do not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
