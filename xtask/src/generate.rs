//! Generating a crate: for any spec file, and for this repository's
//! `generated/`, which also carries the changelog and the package files.

use std::path::Path;

use anyhow::Context;

use crate::{
    CODEGEN_CONFIG, CodegenConfig, FileResolver, GENERATED, SPEC, changelog, package_files,
    repo_root, stale_files, write_atomically,
};

/// Generates the crate for the spec file `spec` with `config`, naming the
/// spec `name` in errors and preambles.
pub fn generate_spec(
    spec: &Path,
    name: &str,
    config: &CodegenConfig,
) -> anyhow::Result<codegen::GeneratedCrate> {
    let bytes = std::fs::read(spec).with_context(|| spec.display().to_string())?;
    let document = codegen::SpecDocument::new(name, bytes);
    let resolver = FileResolver::beside(spec);
    Ok(codegen::Generator::new(config.settings()).generate_with(&document, &resolver)?)
}

/// The crate that `spec/` under `root` produces for `generated/` with
/// `config`: the generator's files, the changelog and the package files.
pub fn repo_crate(root: &Path, config: &CodegenConfig) -> anyhow::Result<codegen::GeneratedCrate> {
    let mut generated = generate_spec(&root.join(SPEC), SPEC, config)?;
    changelog::attach(root, &mut generated)?;
    package_files::attach(root, config, &mut generated)?;
    Ok(generated)
}

/// What this repository's `generated/` must hold: the crate its `spec/`
/// produces with its `spec/codegen.toml`.
pub fn expected_generated() -> anyhow::Result<codegen::GeneratedCrate> {
    let root = repo_root();
    let config = CodegenConfig::read(&root.join(CODEGEN_CONFIG))?;
    repo_crate(&root, &config)
}

/// `cargo xtask generate`: rewrites `generated/` under `root` when it is
/// not what `spec/` produces. Says whether it wrote anything.
pub fn regenerate_if_stale(root: &Path, config: &CodegenConfig) -> anyhow::Result<bool> {
    let generated = repo_crate(root, config)?;
    let dir = root.join(GENERATED);
    if stale_files(&dir, &generated)?.is_empty() {
        return Ok(false);
    }
    write_atomically(&dir, &generated)?;
    Ok(true)
}
