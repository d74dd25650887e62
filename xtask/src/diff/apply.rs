//! `cargo xtask diff --apply`: the version bump and changelog entry a
//! report calls for, written where generation reads them (`spec/`), then
//! `generated/` regenerated the same way `cargo xtask generate` does.

use std::fmt::Write;
use std::path::Path;

use anyhow::Context;

use super::Report;
use super::bump::Semver;
use super::rules::Class;
use crate::{CHANGELOG, CODEGEN_CONFIG, CodegenConfig, changelog};

/// Applies `report` to the repository at `root`. Applying it again gives
/// the same files: the version is set, not incremented, and the entry for
/// that version is replaced.
pub fn apply(root: &Path, report: &Report) -> anyhow::Result<()> {
    if report.semver == Semver::None {
        eprintln!("nothing to apply: the generated crate stays the same");
        return Ok(());
    }
    let next = &report.version.next;
    let config_path = root.join(CODEGEN_CONFIG);
    let in_config = || config_path.display().to_string();
    let config_text = std::fs::read_to_string(&config_path).with_context(in_config)?;
    let updated = crate::config::with_version(&config_text, next).with_context(in_config)?;
    std::fs::write(&config_path, updated)?;

    let changelog_path = root.join(CHANGELOG);
    let existing = match std::fs::read_to_string(&changelog_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| changelog_path.display().to_string()),
    };
    std::fs::write(
        &changelog_path,
        changelog::with_entry(&existing, next, &changelog_entry(report)),
    )?;

    let config = CodegenConfig::read(&config_path)?;
    let regenerated = if crate::regenerate_if_stale(root, &config)? {
        "regenerated"
    } else {
        "already up to date:"
    };
    eprintln!(
        "set the version in {CODEGEN_CONFIG} to {next}, wrote its entry in {CHANGELOG}, {regenerated} {}/",
        crate::GENERATED
    );
    Ok(())
}

/// The changelog entry for `report`: the spec changes, breaking first, then
/// the Rust API changes.
pub fn changelog_entry(report: &Report) -> String {
    let mut out = format!("## {}\n", report.version.next);
    for (title, wanted) in [
        ("Breaking changes", Class::Breaking),
        ("Other changes", Class::NonBreaking),
    ] {
        let lines: Vec<String> = report
            .changes
            .iter()
            .filter(|change| change.class == wanted)
            .map(|change| format!("- `{}`: {}.", change.operation, change.message))
            .collect();
        if !lines.is_empty() {
            let _ = write!(out, "\n### {title}\n\n{}\n", lines.join("\n"));
        }
    }
    if !report.rust_api.is_empty() {
        let _ = writeln!(out, "\n### Rust API\n");
        for change in &report.rust_api {
            let breaking = match change.class {
                Class::Breaking => "**breaking** ",
                Class::NonBreaking => "",
            };
            let note = change.note.map(|n| format!("; {n}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "- {breaking}`{}`: {}{note}.",
                change.item, change.change
            );
        }
    }
    if report.semver == Semver::Patch {
        out.push_str("\nDocumentation only; the API is unchanged.\n");
    }
    out
}
