//! Putting a generated crate on disk, and telling whether disk matches it.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use codegen::GeneratedCrate;

/// Entries of an output folder that are not generated but belong to a user
/// building the crate there; a regeneration keeps them.
const KEPT: [&str; 2] = ["target", "Cargo.lock"];

/// The manifest of a scratch workspace over `members` (folder names): its own
/// workspace root, so cargo does not find ours above it. Its crates are
/// written anew on every run and never debugged, so they build without debug
/// info or incremental state, which would only fill the disk.
pub fn scratch_workspace_manifest<S: AsRef<str>>(members: &[S]) -> String {
    let members: Vec<String> = members
        .iter()
        .map(|member| format!("\"{}\"", member.as_ref()))
        .collect();
    format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\nincremental = false\n",
        members.join(", ")
    )
}

/// How a folder differs from a generated crate.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    pub extra: Vec<String>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (label, paths) in [
            ("changed", &self.changed),
            ("missing", &self.missing),
            ("not generated", &self.extra),
        ] {
            for path in paths {
                writeln!(f, "  {label}: {path}")?;
            }
        }
        Ok(())
    }
}

/// The files of `dir` that are not what `generated` holds, ignoring
/// line-ending differences.
pub fn stale_files(dir: &Path, generated: &GeneratedCrate) -> anyhow::Result<Drift> {
    let mut drift = Drift::default();
    for (path, text) in &generated.files {
        match fs::read_to_string(dir.join(path)) {
            Ok(on_disk) if on_disk.replace("\r\n", "\n") == *text => {}
            Ok(_) => drift.changed.push(path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => drift.missing.push(path.clone()),
            Err(e) => return Err(e).with_context(|| dir.join(path).display().to_string()),
        }
    }
    if dir.exists() {
        for path in list_files(dir, dir)? {
            if !generated.files.contains_key(&path) {
                drift.extra.push(path);
            }
        }
    }
    Ok(drift)
}

fn list_files(root: &Path, dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let relative = path
            .strip_prefix(root)?
            .to_string_lossy()
            .replace('\\', "/");
        if KEPT.contains(&relative.as_str()) {
            continue;
        }
        if entry.file_type()?.is_dir() {
            out.extend(list_files(root, &path)?);
        } else {
            out.push(relative);
        }
    }
    out.sort();
    Ok(out)
}

/// Replaces `dir` with exactly the generated files: they are written to a
/// staging folder beside it, which then takes `dir`'s place by rename, so
/// `dir` is either wholly old or wholly new. `target/` and `Cargo.lock`
/// carry over.
pub fn write_atomically(dir: &Path, generated: &GeneratedCrate) -> anyhow::Result<()> {
    let name = dir
        .file_name()
        .with_context(|| format!("{}: not a folder name", dir.display()))?;
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let staging = parent.join(format!(".{}.staging", name.to_string_lossy()));
    let previous = parent.join(format!(".{}.previous", name.to_string_lossy()));
    for leftover in [&staging, &previous] {
        if leftover.exists() {
            fs::remove_dir_all(leftover)?;
        }
    }
    for (path, text) in &generated.files {
        let target = staging.join(path);
        fs::create_dir_all(target.parent().expect("a file path has a parent"))?;
        fs::write(&target, text)?;
    }
    if dir.exists() {
        for kept in KEPT {
            if dir.join(kept).exists() {
                fs::rename(dir.join(kept), staging.join(kept))?;
            }
        }
        fs::rename(dir, &previous)?;
    }
    fs::rename(&staging, dir)?;
    if previous.exists() {
        fs::remove_dir_all(&previous)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::scratch_workspace_manifest;

    #[test]
    fn a_scratch_manifest_lists_its_members_and_builds_without_debug_info_or_incremental_state() {
        let manifest: toml::Table =
            toml::from_str(&scratch_workspace_manifest(&["spec-0001", "fixture"])).unwrap();
        assert_eq!(
            manifest["workspace"]["members"],
            toml::Value::Array(vec!["spec-0001".into(), "fixture".into()])
        );
        assert_eq!(
            manifest["profile"]["dev"]["debug"],
            toml::Value::Boolean(false)
        );
        assert_eq!(
            manifest["profile"]["dev"]["incremental"],
            toml::Value::Boolean(false)
        );
    }
}
