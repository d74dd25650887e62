//! `cargo xtask diff`: what a spec edit changes for callers of the
//! generated crate, and whether it breaks them.
//!
//! Two views of the same edit: `spec` walks both documents operation by
//! operation and classes each change with the rules in `rules`; `rust_api`
//! generates both crates in memory and compares their public surfaces.
//! `renames` pairs what was renamed, `groups` merges a change found at
//! several places into one row, `summary` picks what a reader needs
//! first; `bump` turns both views into a semver level and the next
//! version, `report` prints them, and `apply` writes the bump and a
//! changelog entry.

mod apply;
pub mod bump;
pub mod comment;
pub mod groups;
pub mod renames;
pub mod report;
pub mod rules;
pub mod rust_api;
pub mod spec;
pub mod summary;

use anyhow::Context;
use codegen::{GeneratedCrate, SpecDocument};
use serde::Serialize;

pub use apply::{apply, changelog_entry};
pub use bump::{Semver, VersionBump};
pub use groups::Group;
pub use renames::Renames;
pub use rules::Class;
pub use rust_api::{ApiChange, ApiGroup};
pub use spec::SpecChange;
pub use summary::Summary;

use crate::CodegenConfig;

/// Everything `cargo xtask diff` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub summary: Summary,
    /// The spec changes, each with every place it was found.
    pub groups: Vec<Group>,
    pub renames: Renames,
    /// Each spec change at each operation.
    pub changes: Vec<SpecChange>,
    /// The changes of the Rust API, the same change of one member in
    /// several types as one.
    pub rust_api_groups: Vec<ApiGroup>,
    pub rust_api: Vec<ApiChange>,
    pub semver: Semver,
    #[serde(rename = "crate")]
    pub crate_name: String,
    pub version: VersionBump,
}

impl Report {
    pub fn has_breaking(&self) -> bool {
        self.classes().any(|class| class == Class::Breaking)
    }

    fn classes(&self) -> impl Iterator<Item = Class> + '_ {
        let spec = self.changes.iter().map(|change| change.class);
        spec.chain(self.rust_api.iter().map(|change| change.class))
    }
}

/// One version of a spec, with where its external `$ref`s are read from.
pub struct SpecInput<'a> {
    pub document: &'a SpecDocument,
    pub resolver: &'a dyn codegen::Resolver,
}

/// The report on two versions of a spec: their spec changes, the changes
/// of the generated crate's Rust API, and the version bump those call for.
/// Both crates are generated the way `cargo xtask generate` makes them,
/// with `config` and each side's resolver, under the
/// new document's name, so that only the specs tell them apart;
/// `current_version` is the crate's version before the edit.
pub fn build_report(
    old: SpecInput<'_>,
    new: SpecInput<'_>,
    config: &CodegenConfig,
    current_version: &str,
) -> anyhow::Result<Report> {
    let (old_value, _) =
        codegen::bundled_document(old.document, old.resolver).context("in the old spec")?;
    let (new_value, _) = codegen::bundled_document(new.document, new.resolver)?;
    let comparison = spec::compare(&old_value, &new_value);
    let mut renames = renames::find(&old_value, &new_value, &comparison);

    let generator = codegen::Generator::new(config.settings());
    let old_as_new = SpecDocument::new(new.document.name.clone(), old.document.bytes.clone());
    let (old_crate, new_crate) = std::thread::scope(|scope| {
        let old_side = scope.spawn(|| generator.generate_with(&old_as_new, old.resolver));
        let new_crate = generator.generate_with(new.document, new.resolver);
        (
            old_side.join().expect("the generator catches its panics"),
            new_crate,
        )
    });
    let old_crate = old_crate.context("in the old spec")?;
    let new_crate = new_crate?;
    let old_surface = codegen::surface::public_api(&old_crate.files)?;
    let new_surface = codegen::surface::public_api(&new_crate.files)?;
    for rename in &mut renames.schemas {
        rename.rust = rust_api::type_rename(&old_surface, &new_surface, &rename.old, &rename.new);
    }
    let renamed_types =
        rust_api::with_derived_types(&old_surface, &new_surface, &renames.rust_types());
    let rust_api = rust_api::api_changes(&old_surface, &new_surface, &renamed_types);
    let groups = groups::group(&comparison.changes, &renames);
    let summary = summary::summarize(&groups, &renames, &rust_api, comparison.operations);

    let mut report = Report {
        summary,
        groups,
        renames,
        changes: comparison.changes,
        rust_api_groups: rust_api::grouped(&rust_api),
        rust_api,
        semver: Semver::None,
        crate_name: config.crate_name().to_owned(),
        version: VersionBump {
            current: current_version.to_owned(),
            next: current_version.to_owned(),
        },
    };
    let text_differs = !same_tokens(&old_crate, &new_crate);
    report.semver = Semver::of(report.classes(), text_differs);
    report.version.next = bump::next_version(current_version, report.semver)?;
    Ok(report)
}

/// Whether both crates have the same files with the same words and
/// symbols, in any order. The spec's key order decides the order of
/// generated items, fields and re-exports, which callers never see, so
/// reordering the spec is no change; any word added, removed or altered is.
fn same_tokens(old: &GeneratedCrate, new: &GeneratedCrate) -> bool {
    old.files.len() == new.files.len()
        && old
            .files
            .iter()
            .zip(&new.files)
            .all(|((old_path, old_text), (new_path, new_text))| {
                old_path == new_path && sorted_tokens(old_text) == sorted_tokens(new_text)
            })
}

/// Identifiers and words, and every other non-blank character on its own.
fn sorted_tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut word_start = None;
    for (at, c) in text.char_indices() {
        let in_word = c.is_alphanumeric() || c == '_';
        match (word_start, in_word) {
            (None, true) => word_start = Some(at),
            (Some(start), false) => {
                tokens.push(&text[start..at]);
                word_start = None;
            }
            _ => {}
        }
        if !in_word && !c.is_whitespace() {
            tokens.push(&text[at..at + c.len_utf8()]);
        }
    }
    if let Some(start) = word_start {
        tokens.push(&text[start..]);
    }
    tokens.sort_unstable();
    tokens
}
