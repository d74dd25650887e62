//! The crate generated for every fixture compiles on its own, outside this
//! workspace: one `cargo check` over a scratch workspace of all of them.

#[test]
fn every_fixture_crate_compiles_standalone() {
    let mut fixtures: Vec<_> = std::fs::read_dir(highlevel_tests::fixtures_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    fixtures.sort();
    let crates: Vec<_> = fixtures
        .iter()
        .map(|fixture| {
            let name = fixture.trim_end_matches(".yaml").to_owned();
            let mut generated = highlevel_tests::generate_fixture(fixture).unwrap();
            // Each member needs its own package name.
            let manifest = generated.files.get_mut("Cargo.toml").unwrap();
            *manifest =
                manifest.replace("name = \"fixture\"", &format!("name = \"fixture-{name}\""));
            (name, generated)
        })
        .collect();
    if let Err(messages) = highlevel_tests::check_crates("fixtures", &crates) {
        panic!("generated fixture crates do not compile:\n{messages}");
    }
}
