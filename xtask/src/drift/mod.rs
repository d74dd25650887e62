//! `cargo xtask drift RECORD…`: the drift that generated clients recorded, proposed as a
//! reviewed change of the spec.
//!
//! `record` reads and sums the record files, `locate` finds each finding's node in the
//! spec, `propose` picks the natural edit (or none, and why), `yaml_text` makes the edits
//! in the spec's text (`yaml_block` writes the lines), and `overlay` writes them as an
//! OpenAPI Overlay 1.0 document and checks that it gives the same spec. The report of
//! `cargo xtask diff` on the change says what callers gain and whether anything breaks;
//! `--apply` writes the change, the version bump and the changelog entry, and regenerates.
//!
//! An Overlay, not a JSON Patch: a reviewer reads it in the pull request, and its actions
//! carry a `description` each and name their targets by readable JSONPaths, while a JSON
//! Patch has neither; the tool applies it itself, so no other tool needs to understand it.

pub mod locate;
pub mod overlay;
pub mod propose;
pub mod record;
pub mod yaml_block;
pub mod yaml_text;

use std::path::{Path, PathBuf};

use anyhow::Context;
use codegen::SpecDocument;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::diff::{Report, SpecInput};
use crate::{CODEGEN_CONFIG, CodegenConfig, FileResolver, SPEC};
use propose::{Edit, Left, Proposal};

/// Where the proposal goes by default: beside the spec it changes, so that it is committed
/// with the change and read in its pull request.
pub const OVERLAY: &str = "spec/drift.overlay.yaml";

/// What `cargo xtask drift` is asked to do.
pub struct Options {
    pub records: Vec<PathBuf>,
    /// Another spec file to propose against, instead of the repository's `spec/` (its
    /// report is made with default crate settings, and it is not applied).
    pub spec: Option<PathBuf>,
    /// Where the overlay is written.
    pub out: PathBuf,
    /// Also write the change into `spec/`, bump the version, and regenerate.
    pub apply: bool,
}

/// What it did.
pub struct Outcome {
    /// The edits made, and the findings left alone.
    pub proposal: Proposal,
    /// The overlay document, as written to `Options::out`.
    pub overlay: String,
    /// The spec with the change, when there is one.
    pub edited: Option<String>,
    /// The report of `cargo xtask diff` on the change.
    pub report: Option<Report>,
}

/// Lowercase hex SHA-256 of `bytes`: how a record names the spec its crate came from.
pub fn spec_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Proposes the change the records at `options.records` call for against `spec/` under
/// `root` (or `options.spec`), writes the overlay, and applies it when asked. Progress and warnings go to
/// stderr.
pub fn run(root: &Path, options: &Options) -> anyhow::Result<Outcome> {
    let (spec_path, name, config) = match &options.spec {
        Some(path) => {
            anyhow::ensure!(
                !options.apply,
                "`--apply` writes spec/ only, not `--spec` files"
            );
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            let config = CodegenConfig::named(stem.as_deref().unwrap_or("client"));
            (path.clone(), path.display().to_string(), config)
        }
        None => (
            root.join(SPEC),
            SPEC.to_owned(),
            CodegenConfig::read(&root.join(CODEGEN_CONFIG))?,
        ),
    };
    let name = name.as_str();
    let bytes = std::fs::read(&spec_path).with_context(|| spec_path.display().to_string())?;
    let records = record::read(&options.records, &spec_sha256(&bytes))?;
    let other_specs: Vec<String> = records
        .other_specs
        .iter()
        .map(|(hash, other)| {
            let lines = if other.lines == 1 { "line" } else { "lines" };
            format!(
                "{} {lines} ({} observations) of spec sha256 {hash}, recorded by {}",
                other.lines,
                other.observations,
                other.crate_versions.join(", ")
            )
        })
        .collect();
    for line in &other_specs {
        eprintln!("warning: {line}: not the current {name}, so not merged");
    }
    let text = String::from_utf8(bytes).with_context(|| format!("{name} is not UTF-8"))?;
    let original = codegen::parse_document(&SpecDocument::new(name, text.clone()))?;
    let mut proposal = propose::propose(&original, &records.current);
    let (edited, edited_value) = edit_text(name, &text, &original, &mut proposal)?;
    let header = overlay::Header {
        spec: name,
        version: config.version(),
        declined: &proposal.declined,
        unlocated: &proposal.unlocated,
        other_specs: &other_specs,
    };
    let document = overlay::document(&proposal.edits, &original, &edited_value, &header);
    let overlay = overlay::to_yaml(&document, &header);
    overlay::check(&original, &overlay, &edited_value).map_err(anyhow::Error::msg)?;
    if let Some(parent) = options.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&options.out, &overlay).with_context(|| options.out.display().to_string())?;
    say(&proposal, &options.out);
    if proposal.edits.is_empty() {
        return Ok(Outcome {
            proposal,
            overlay,
            edited: None,
            report: None,
        });
    }
    let resolver = FileResolver::beside(&spec_path);
    let report = crate::diff::build_report(
        SpecInput {
            document: &SpecDocument::new(name, text),
            resolver: &resolver,
        },
        SpecInput {
            document: &SpecDocument::new(name, edited.clone()),
            resolver: &resolver,
        },
        &config,
        config.version(),
    )?;
    if options.apply {
        std::fs::write(&spec_path, &edited).with_context(|| spec_path.display().to_string())?;
        eprintln!("wrote the change into {SPEC}");
        crate::diff::apply(root, &report)?;
    }
    Ok(Outcome {
        proposal,
        overlay,
        edited: Some(edited),
        report: Some(report),
    })
}

/// Makes the proposal's edits in `text`, one after another; an edit the text cannot take
/// is moved to the declined findings with the reason.
fn edit_text(
    name: &str,
    text: &str,
    original: &Value,
    proposal: &mut Proposal,
) -> anyhow::Result<(String, Value)> {
    let mut edited = text.to_owned();
    let mut value = original.clone();
    let mut kept: Vec<Edit> = Vec::new();
    for edit in std::mem::take(&mut proposal.edits) {
        let made = yaml_text::apply(&edited, &value, &edit.change, &edit.note).and_then(|next| {
            let parsed = codegen::parse_document(&SpecDocument::new(name, next.clone()))
                .map_err(|e| format!("the edited text does not parse: {e}"))?;
            noted(&parsed, &edit)?;
            Ok((next, parsed))
        });
        match made {
            Ok((next, parsed)) => {
                edited = next;
                value = parsed;
                kept.push(edit);
            }
            Err(reason) => proposal.declined.push(Left {
                finding: edit.summary,
                reason: format!("the spec's text could not take the edit: {reason}"),
            }),
        }
    }
    proposal.edits = kept;
    Ok((edited, value))
}

/// Fails unless the description an edit extends now ends with its `Note:`, line breaks
/// aside (the overlay
/// takes that description from the edited text, so `overlay::check` cannot see it).
fn noted(edited: &Value, edit: &Edit) -> Result<(), String> {
    let schema = match &edit.change {
        propose::Change::AddEnumValue { schema, .. }
        | propose::Change::SetNullable { schema }
        | propose::Change::WidenType { schema, .. } => schema,
        propose::Change::AddProperty { .. } | propose::Change::AddStatus { .. } => return Ok(()),
    };
    let description = edited
        .pointer(&format!("{schema}/description"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    // A literal block keeps the line breaks the note was wrapped at.
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words(description).ends_with(&words(&edit.note)) {
        Ok(())
    } else {
        Err(format!(
            "`{schema}/description` does not read back ending with its `Note:`"
        ))
    }
}

/// What was proposed, and what not and why, on stderr.
fn say(proposal: &Proposal, out: &Path) {
    for edit in &proposal.edits {
        eprintln!("proposed: {}", edit.summary);
    }
    for left in &proposal.declined {
        eprintln!("not proposed: {}: {}", left.finding, left.reason);
    }
    for left in &proposal.unlocated {
        eprintln!("not located: {}: {}", left.finding, left.reason);
    }
    if proposal.edits.is_empty() {
        eprintln!("nothing to propose; wrote {}", out.display());
    } else {
        eprintln!(
            "wrote {} edits to {} (an OpenAPI Overlay); the report follows",
            proposal.edits.len(),
            out.display()
        );
    }
}
