//! The files a published crate carries besides its code: the README its
//! manifest names, with an `@generated` note like the changelog's, and the
//! two licence texts, verbatim (a licence is read as written).

use std::path::Path;

use anyhow::Context;
use codegen::GeneratedCrate;

use crate::{CodegenConfig, REGENERATE};

pub const LICENCES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

/// The `@generated` note on a Markdown file copied into the crate from `source`.
pub fn copied_note(source: &str) -> String {
    format!(
        "<!-- @generated: copied from {source}; edit that file, not this one.\n     Regenerate with `{REGENERATE}`. -->\n\n"
    )
}

pub fn attach(
    root: &Path,
    config: &CodegenConfig,
    generated: &mut GeneratedCrate,
) -> anyhow::Result<()> {
    let read = |name: &str| {
        std::fs::read_to_string(root.join(name))
            .map(|text| text.replace("\r\n", "\n"))
            .with_context(|| root.join(name).display().to_string())
    };
    if let Some(readme) = config.readme() {
        generated
            .files
            .insert(readme.to_owned(), copied_note(readme) + &read(readme)?);
    }
    for licence in LICENCES {
        generated.files.insert(licence.to_owned(), read(licence)?);
    }
    Ok(())
}
