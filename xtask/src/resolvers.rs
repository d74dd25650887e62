//! Where the documents a spec's external `$ref`s name are read from: files
//! beside it, or the same files at a git revision.

use std::path::{Path, PathBuf};

use crate::git_show;

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
    fn load(&self, location: &str) -> Result<Vec<u8>, String> {
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
    fn load(&self, location: &str) -> Result<Vec<u8>, String> {
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
        git_show(&self.root, &self.revision, &path.join("/")).map_err(|e| format!("{e:#}"))
    }
}
