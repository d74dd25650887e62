//! The repository's tasks, as a library so `cargo test` runs the very same
//! freshness check as `cargo xtask check`.

mod changelog;
mod config;
pub mod diff;
mod files;
pub mod gates;
pub mod package_files;

use std::path::{Path, PathBuf};

pub use config::CodegenConfig;
pub use files::{Drift, compare, write_atomically};

/// The spec every task starts from, relative to the repository root.
pub const SPEC: &str = "spec/highlevel-contacts.yaml";
/// Settings for the generated crate that the spec does not carry.
pub const CODEGEN_CONFIG: &str = "spec/codegen.toml";
/// The generated crate's changelog, copied into it by generation.
pub const CHANGELOG: &str = "spec/CHANGELOG.md";
/// Where the generated crate lives.
pub const GENERATED: &str = "generated";
/// What users run to refresh `generated/`.
pub const REGENERATE: &str = "cargo xtask generate";

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_owned()
}

/// Generates the crate for `spec` with `config`, reading the file and
/// naming it in errors and preambles by `name`.
pub fn generate(
    spec: &Path,
    name: &str,
    config: &CodegenConfig,
) -> Result<codegen::GeneratedCrate> {
    let bytes = std::fs::read(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let document = codegen::SpecDocument::new(name, bytes);
    let resolver = FileResolver::beside(spec);
    Ok(codegen::Generator::new(config.settings()).generate_with(&document, &resolver)?)
}

/// Loads the documents a spec's external `$ref`s name, from the spec's own
/// folder. The generator only asks for relative paths (it refuses URLs and
/// absolute paths); `..` is allowed, as specs split into sibling folders
/// (`apps/`, `common/`) refer to each other that way.
pub struct FileResolver {
    folder: PathBuf,
}

impl FileResolver {
    pub fn beside(spec: &Path) -> Self {
        let folder = match spec.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        FileResolver { folder }
    }
}

impl codegen::Resolver for FileResolver {
    fn load(&self, location: &str) -> std::result::Result<Vec<u8>, String> {
        std::fs::read(self.folder.join(location)).map_err(|e| e.to_string())
    }
}

/// Loads the documents a spec's external `$ref`s name as they were at a git
/// revision: `git show REF:<folder>/<location>`, with `..` and `.` resolved
/// first, since git names blobs by normalised paths.
pub struct GitResolver {
    root: PathBuf,
    revision: String,
    folder: Vec<String>,
}

impl GitResolver {
    /// For the spec at `spec` (relative to the repository root `root`).
    pub fn beside(root: &Path, revision: &str, spec: &str) -> Self {
        let mut folder: Vec<String> = spec.split('/').map(str::to_owned).collect();
        folder.pop();
        GitResolver {
            root: root.to_owned(),
            revision: revision.to_owned(),
            folder,
        }
    }
}

impl codegen::Resolver for GitResolver {
    fn load(&self, location: &str) -> std::result::Result<Vec<u8>, String> {
        let mut path = self.folder.clone();
        for segment in location.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    path.pop().ok_or("the path leaves the repository")?;
                }
                other => path.push(other.to_owned()),
            }
        }
        let object = format!("{}:{}", self.revision, path.join("/"));
        let output = std::process::Command::new("git")
            .args(["show", &object])
            .current_dir(&self.root)
            .output()
            .map_err(|e| format!("could not run git: {e}"))?;
        if output.status.success() {
            Ok(output.stdout)
        } else {
            Err(format!(
                "git show {object}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    }
}

/// The crate that `spec/` under `root` produces for `generated/` with
/// `config`: the generator's files and the changelog.
pub fn generate_repo(root: &Path, config: &CodegenConfig) -> Result<codegen::GeneratedCrate> {
    let mut generated = generate(&root.join(SPEC), SPEC, config)?;
    changelog::attach(root, &mut generated)?;
    package_files::attach(root, config, &mut generated)?;
    Ok(generated)
}

/// The crate that `spec/` produces for `generated/`.
pub fn generate_repo_crate() -> Result<codegen::GeneratedCrate> {
    let root = repo_root();
    let config = CodegenConfig::read(&root.join(CODEGEN_CONFIG))?;
    generate_repo(&root, &config)
}

/// `cargo xtask generate`: rewrites `generated/` under `root` when it is
/// not what `spec/` produces. Says whether it wrote anything.
pub fn regenerate(root: &Path, config: &CodegenConfig) -> Result<bool> {
    let generated = generate_repo(root, config)?;
    let dir = root.join(GENERATED);
    if compare(&dir, &generated)?.is_empty() {
        return Ok(false);
    }
    write_atomically(&dir, &generated)?;
    Ok(true)
}
