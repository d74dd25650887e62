//! The repository's tasks, as a library so `cargo test` runs the very same
//! freshness check as `cargo xtask check`.

mod changelog;
mod config;
pub mod corpus;
pub mod diff;
pub mod drift;
mod files;
pub mod gates;
mod generate;
mod git;
pub mod package_files;
mod quickstart;
mod resolvers;
mod wait;

use std::path::{Path, PathBuf};

pub use config::CodegenConfig;
pub use files::{Drift, scratch_workspace_manifest, stale_files, write_atomically};
pub use generate::{expected_generated, generate_spec, regenerate_if_stale, repo_crate};
pub use git::git_show;
pub use resolvers::{FileResolver, GitResolver};

/// The spec every task starts from, relative to the repository root.
pub const SPEC: &str = "spec/highlevel-contacts.yaml";
/// Settings for the generated crate that the spec does not carry.
pub const CODEGEN_CONFIG: &str = "spec/codegen.toml";
/// The generated crate's changelog, copied into it by generation.
pub const CHANGELOG: &str = "spec/CHANGELOG.md";
/// Where the generated crate lives.
pub const GENERATED: &str = "generated";
/// The public specs `cargo xtask test` generates and compiles.
pub const CORPUS_SAMPLE: &str = "tools/corpus/ci-sample.txt";
/// What users run to refresh `generated/`.
pub const REGENERATE: &str = "cargo xtask generate";
/// What `--apply` (of `diff` and `drift`) reads and writes under a root: the spec's folder
/// and the files generation copies into the crate. Tests copy these to apply elsewhere.
pub const APPLY_INPUTS: [&str; 6] = [
    SPEC,
    CODEGEN_CONFIG,
    CHANGELOG,
    "README.md",
    "LICENSE-MIT",
    "LICENSE-APACHE",
];

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_owned()
}
