//! Reading files as they were at a git revision.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

/// The content of `path` (relative to the repository root `root`, with
/// `/` between segments) at `revision`: `git show REVISION:PATH`.
pub fn git_show(root: &Path, revision: &str, path: &str) -> anyhow::Result<Vec<u8>> {
    let object = format!("{revision}:{path}");
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &object])
        .output()
        .context("could not run git")?;
    if !output.status.success() {
        bail!(
            "git show {object}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(output.stdout)
}
