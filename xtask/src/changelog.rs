//! The generated crate's `CHANGELOG.md`.
//!
//! Its text lives in `spec/CHANGELOG.md`, beside the other inputs of
//! generation, and generation copies it into the crate under the
//! `@generated` preamble. So `generated/` holds only what generation writes,
//! and the freshness check covers the changelog like every other file.

use std::path::Path;

use anyhow::Context;
use codegen::GeneratedCrate;

use crate::CHANGELOG;
use crate::package_files::copied_note;

/// Where the changelog goes in the generated crate.
const IN_CRATE: &str = "CHANGELOG.md";
const TITLE: &str = "# Changelog";

/// Adds `spec/CHANGELOG.md`, if there is one, to the crate.
pub fn attach(root: &Path, generated: &mut GeneratedCrate) -> anyhow::Result<()> {
    let path = root.join(CHANGELOG);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            generated.files.insert(
                IN_CRATE.to_owned(),
                copied_note(CHANGELOG) + &text.replace("\r\n", "\n"),
            );
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| path.display().to_string()),
    }
}

/// `existing` with `entry` as the newest version's section; a section for
/// the same version is replaced, so applying a report twice changes nothing.
pub fn with_entry(existing: &str, version: &str, entry: &str) -> String {
    let heading = format!("## {version}");
    let mut head = String::new();
    let mut sections: Vec<String> = Vec::new();
    for line in existing.lines() {
        if line.starts_with("## ") {
            sections.push(String::new());
        }
        let target = sections.last_mut().unwrap_or(&mut head);
        target.push_str(line);
        target.push('\n');
    }
    if head.trim().is_empty() {
        head = TITLE.to_owned();
    }
    let mut out = format!("{}\n\n{}\n", head.trim_end(), entry.trim_end());
    for section in sections
        .iter()
        .filter(|s| s.lines().next() != Some(&heading))
    {
        out.push('\n');
        out.push_str(section.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_go_first_and_replace_their_own_version() {
        let first = with_entry("", "0.2.0", "## 0.2.0\n\n- a.\n");
        assert_eq!(first, "# Changelog\n\n## 0.2.0\n\n- a.\n");
        let second = with_entry(&first, "0.3.0", "## 0.3.0\n\n- b.\n");
        assert_eq!(
            second,
            "# Changelog\n\n## 0.3.0\n\n- b.\n\n## 0.2.0\n\n- a.\n"
        );
        assert_eq!(with_entry(&second, "0.3.0", "## 0.3.0\n\n- b.\n"), second);
    }
}
