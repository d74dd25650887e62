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

/// The section of changes not yet released, written by hand.
const UNRELEASED: &str = "## Unreleased";

/// The subsections `diff --apply` writes from a report (`changelog_entry`).
const FROM_REPORTS: [&str; 3] = ["### Breaking changes", "### Other changes", "### Rust API"];

/// `existing` with `entry` as the newest version's section, followed by
/// what `## Unreleased` held, which that version releases. A section for the
/// same version is replaced, keeping what was written by hand in it, so
/// applying a report twice changes nothing.
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
    let titled = |title: &str| {
        sections
            .iter()
            .find(|section| section.lines().next() == Some(title))
    };
    let by_hand = match (titled(UNRELEASED), titled(&heading)) {
        (Some(unreleased), _) => body(unreleased).to_owned(),
        (None, Some(released)) => written_by_hand(released, entry),
        (None, None) => String::new(),
    };
    let mut out = format!("{}\n\n{}\n", head.trim_end(), entry.trim_end());
    if !by_hand.trim().is_empty() {
        out.push('\n');
        out.push_str(by_hand.trim());
        out.push('\n');
    }
    for section in sections.iter().filter(|section| {
        let title = section.lines().next();
        title != Some(&heading) && title != Some(UNRELEASED)
    }) {
        out.push('\n');
        out.push_str(section.trim_end());
        out.push('\n');
    }
    out
}

/// A section without its heading.
fn body(section: &str) -> &str {
    section.split_once('\n').map_or("", |(_, rest)| rest)
}

/// What a released section holds beyond its report's entry: all after the
/// entry when it starts with it, else its subsections that no report
/// writes (the report changed since).
fn written_by_hand(section: &str, entry: &str) -> String {
    if let Some(rest) = section.trim_end().strip_prefix(entry.trim_end()) {
        return rest.to_owned();
    }
    let mut kept = String::new();
    let mut keeping = false;
    for line in body(section).lines() {
        if line.starts_with("### ") {
            keeping = !FROM_REPORTS.contains(&line);
        }
        if keeping {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
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

    #[test]
    fn the_unreleased_changes_join_the_release_and_stay_when_applied_again() {
        let existing =
            "# Changelog\n\n## Unreleased\n\n### Runtime\n\n- faster.\n\n## 0.2.0\n\n- a.\n";
        let entry = "## 0.3.0\n\n### Rust API\n\n- b.\n";
        let released = with_entry(existing, "0.3.0", entry);
        assert_eq!(
            released,
            "# Changelog\n\n## 0.3.0\n\n### Rust API\n\n- b.\n\n### Runtime\n\n- faster.\n\n## 0.2.0\n\n- a.\n"
        );
        assert_eq!(with_entry(&released, "0.3.0", entry), released);
        // The spec changed again before the release: the report's part is
        // new, and what was written by hand stays.
        let changed = with_entry(&released, "0.3.0", "## 0.3.0\n\n### Rust API\n\n- c.\n");
        assert_eq!(
            changed,
            "# Changelog\n\n## 0.3.0\n\n### Rust API\n\n- c.\n\n### Runtime\n\n- faster.\n\n## 0.2.0\n\n- a.\n"
        );
    }
}
