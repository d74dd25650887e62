//! The files a published crate carries besides its code: the README its
//! manifest names, with an `@generated` note like the changelog's, and the
//! two licence texts, verbatim (a licence is read as written).

use std::path::Path;

use anyhow::Context;
use codegen::GeneratedCrate;

use crate::{CodegenConfig, REGENERATE};

pub const LICENCES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

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
        let preamble = format!(
            "<!-- @generated: copied from {readme}; edit that file, not this one.\n     Regenerate with `{REGENERATE}`. -->\n\n"
        );
        generated
            .files
            .insert(readme.to_owned(), preamble + &read(readme)?);
    }
    for licence in LICENCES {
        generated.files.insert(licence.to_owned(), read(licence)?);
    }
    Ok(())
}
