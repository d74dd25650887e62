//! The generator: an OpenAPI 3.0 document in, the files of a client crate
//! out. It reads and writes nothing itself; callers hand it the document and
//! decide where the files go.
//!
//! Stages, each its own module, in the order they run
//! ([`bundled_document`], then `crate_files`):
//! 1. `source` parses the text, `bundle` imports what external `$ref`s name,
//!    `upgrade` lowers OpenAPI 3.1 to 3.0, `repair` mends flaws whose intent
//!    is plain;
//! 2. `validate` checks what later stages would choke on, `reviewer_notes`
//!    keeps reviewers' notes out of the docs, `shape` types the document;
//! 3. the model (`model`): `lower` rewrites the spec into what progenitor
//!    accepts and records the operations, `schemas` the object schemas;
//! 4. `progenitor_pass` runs progenitor; `wire` (ending with `defaults`)
//!    makes the types say on the wire what the model says, `tolerant` makes
//!    what is received decode leniently, `redact` keeps sensitive values
//!    out of `Debug`, `field_tables` adds the property tables;
//! 5. `emit` writes the facade, crate root and manifest, `answer_shapes`
//!    the tables of the answers each operation declares, and `render`
//!    formats everything into files.

mod answer_shapes;
mod bundle;
mod content_parameters;
mod conversions;
mod deep_refs;
mod defaults;
mod deprecation;
mod emit;
mod error;
mod field_tables;
mod inline_names;
mod json_numbers;
mod locate;
mod lower;
mod model;
mod names;
mod operation_ids;
mod progenitor_pass;
mod redact;
mod render;
mod repair;
mod request_bodies;
mod reviewer_notes;
pub mod rules;
mod rust_names;
mod schemas;
mod shape;
mod source;
mod styled_queries;
pub mod surface;
mod syntax;
mod tolerant;
mod unfit_defaults;
mod unions;
mod upgrade;
mod validate;
mod wire;
mod wire_names;

use std::collections::BTreeMap;

pub use bundle::Resolver;
pub use error::{Error, Repair};
pub use source::SpecDocument;

/// Parses a document (YAML or JSON) into the JSON value every stage works
/// on, with the same checks and located errors as [`Generator::generate`].
pub fn parse_document(doc: &SpecDocument) -> Result<serde_json::Value, Error> {
    source::parse(doc)
}

/// The one document every later stage reads: parsed, with its external
/// `$ref`s bundled, upgraded to OpenAPI 3.0 and repaired; and the notes of
/// the repairs. `cargo xtask diff` compares two of these, so external
/// references are followed like local ones.
pub fn bundled_document(
    doc: &SpecDocument,
    resolver: &dyn Resolver,
) -> Result<(serde_json::Value, Vec<Repair>), Error> {
    let file = doc.name.as_str();
    let mut document = source::parse(doc)?;
    // Bundling names the documents its errors are in; the later stages'
    // errors are in the bundled spec, named here.
    bundle::bundle(file, &mut document, resolver)?;
    let mut notes = upgrade::upgrade(&mut document).map_err(|e| e.in_file(file))?;
    notes.extend(repair::repair(&mut document).map_err(|e| e.in_file(file))?);
    notes.extend(unions::shadowed_branches(&document));
    let notes = notes.into_iter().map(|note| note.in_file(file)).collect();
    Ok((document, notes))
}

/// What the generator produces beyond what the spec says.
#[derive(Debug, Clone)]
pub struct Settings {
    crate_name: String,
    crate_version: String,
    description: Option<String>,
    license: Option<String>,
    readme: Option<String>,
    repository: Option<String>,
    documentation: Option<String>,
    publish: bool,
    regenerate_command: String,
    strict: bool,
}

impl Settings {
    pub fn new(crate_name: impl Into<String>) -> Self {
        Settings {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".to_owned(),
            description: None,
            license: None,
            readme: None,
            repository: None,
            documentation: None,
            publish: false,
            regenerate_command: "cargo xtask generate".to_owned(),
            strict: false,
        }
    }

    /// Refuse specs that need a repair (an undeclared path parameter, enum
    /// values that give the same Rust name…) instead of repairing them and
    /// reporting a note.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.crate_version = version.into();
        self
    }

    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The manifest's `readme`, `repository` and `documentation`, when known.
    pub fn package_links(
        mut self,
        readme: Option<String>,
        repository: Option<String>,
        documentation: Option<String>,
    ) -> Self {
        self.readme = readme;
        self.repository = repository;
        self.documentation = documentation;
        self
    }

    /// Whether `cargo publish` may publish the crate (default: no).
    pub fn publish(mut self, publish: bool) -> Self {
        self.publish = publish;
        self
    }

    pub fn license(mut self, license: impl Into<String>) -> Self {
        self.license = Some(license.into());
        self
    }

    /// The command the preamble of every file tells readers to run.
    pub fn regenerate_command(mut self, command: impl Into<String>) -> Self {
        self.regenerate_command = command.into();
        self
    }

    pub fn crate_name(&self) -> &str {
        &self.crate_name
    }
}

/// Every file of a generated crate, by path relative to the crate root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedCrate {
    pub files: BTreeMap<String, String>,
    /// Flaws of the spec that the generator repaired, each located like an
    /// error; callers show them as warnings.
    pub notes: Vec<Repair>,
}

/// Turns specs into crates with fixed [`Settings`].
#[derive(Debug, Clone)]
pub struct Generator {
    settings: Settings,
}

/// Progenitor and typify recurse deeply on large schemas; the default 2 MiB
/// of a spawned thread is not enough for specs such as GitHub's.
const GENERATOR_STACK_BYTES: usize = 256 * 1024 * 1024;

impl Generator {
    pub fn new(settings: Settings) -> Self {
        Generator { settings }
    }

    /// Generates the crate, or says what in the spec prevented it. Never
    /// panics: a panic inside progenitor or typify becomes an [`Error`].
    /// External references are refused; see [`Generator::generate_with`].
    pub fn generate(&self, spec: &SpecDocument) -> Result<GeneratedCrate, Error> {
        self.generate_with(spec, &bundle::NoResolver)
    }

    /// Like [`Generator::generate`], loading the documents that external
    /// `$ref`s name through `resolver`. Their targets are copied into the
    /// spec's `components` before anything else runs.
    pub fn generate_with(
        &self,
        spec: &SpecDocument,
        resolver: &dyn Resolver,
    ) -> Result<GeneratedCrate, Error> {
        let file = spec.name.as_str();
        let outcome = std::thread::scope(|scope| {
            let worker = std::thread::Builder::new()
                .name("codegen".into())
                .stack_size(GENERATOR_STACK_BYTES)
                .spawn_scoped(scope, || {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        generate(&self.settings, spec, resolver)
                    }))
                })
                .map_err(|e| {
                    Error::new(
                        file,
                        "",
                        format!("could not start the generator thread: {e}"),
                    )
                })?;
            Ok(worker.join())
        })?;
        match outcome {
            Ok(Ok(result)) => result,
            Ok(Err(panic)) | Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("no message");
                Err(Error::new(
                    file,
                    "",
                    format!(
                        "the generator cannot handle this document (internal panic: {message})"
                    ),
                ))
            }
        }
    }
}

fn generate(
    settings: &Settings,
    spec: &SpecDocument,
    resolver: &dyn Resolver,
) -> Result<GeneratedCrate, Error> {
    let file = spec.name.as_str();
    let (document, mut notes) = bundled_document(spec, resolver)?;
    if settings.strict
        && let Some(first) = notes.first()
    {
        return Err(first.refused());
    }
    let spec_sha256 = sha256_hex(&spec.bytes);
    let (files, more_notes) =
        crate_files(settings, file, &spec_sha256, document).map_err(|error| error.in_file(file))?;
    notes.extend(more_notes.into_iter().map(|note| note.in_file(file)));
    Ok(GeneratedCrate { files, notes })
}

/// The lowercase hex SHA-256 of the spec's bytes, which drift records name.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The stages after the document is whole, in the order they run, each
/// reading what the ones before it produced. Their errors and notes name a
/// place in the spec; [`generate`] names the file. `spec_name` is for the
/// files' preambles.
fn crate_files(
    settings: &Settings,
    spec_name: &str,
    spec_sha256: &str,
    mut document: serde_json::Value,
) -> Result<(BTreeMap<String, String>, Vec<Repair>), Error> {
    validate::check(&document)?;
    reviewer_notes::strip(&mut document);
    let openapi: openapiv3::OpenAPI = shape::deserialize(&document)?;
    let lower::Lowered {
        spec,
        api,
        notes: security_notes,
    } = lower::lower(&document, openapi)?;
    let api = model::Api {
        schemas: schemas::analyse(&spec, &api.operations)?,
        unions: unions::analyse(&document),
        ..api
    };
    let mut raw = progenitor_pass::run(&spec).map_err(|mut error| {
        error.pointer = locate::in_document(error.pointer, &document, &api);
        error
    })?;
    styled_queries::route(&api, &mut raw.client);
    wire_names::restore(&api, &mut raw.client);
    let mut rewritten = wire::rewrite(&api, &mut raw.types)?;
    rewritten
        .notes
        .extend(conversions::add(&api, &mut raw.types));
    tolerant::tolerate(&mut raw.types, &rewritten.received, &rewritten.sent);
    redact::redact_sensitive(&api, &mut raw.types);
    let tables = field_tables::tables(&api, &raw.types);
    raw.types.extend(tables);
    deprecation::mark(&api, &mut raw.types);
    let client = emit::client_module(
        &settings.crate_name,
        spec_sha256,
        &api,
        &raw,
        &rewritten.validated,
    )?;
    let lib = emit::lib_module(settings, &api);
    let runtime_parts = emit::RuntimeParts::of(&api);

    let preamble = render::preamble("//", spec_name, &settings.regenerate_command);
    let mut files = BTreeMap::new();
    files.insert(
        "Cargo.toml".to_owned(),
        emit::manifest(
            settings,
            raw.uses,
            runtime_parts,
            &render::preamble("#", spec_name, &settings.regenerate_command),
        ),
    );
    files.insert("src/lib.rs".to_owned(), render::rust_file(&preamble, lib)?);
    files.insert(
        "src/client.rs".to_owned(),
        render::rust_file(&preamble, client)?,
    );
    files.insert(
        "src/raw.rs".to_owned(),
        render::rust_items(
            &preamble,
            raw_module_prelude(&raw.client)
                .into_iter()
                .chain(raw.client)
                .collect(),
        ),
    );
    files.insert(
        "src/shapes.rs".to_owned(),
        render::rust_file(&preamble, answer_shapes::shapes_module(&api))?,
    );
    files.insert(
        "src/types.rs".to_owned(),
        render::rust_items(&preamble, raw.types),
    );
    for (name, source) in runtime_parts.files() {
        files.insert(
            format!("src/runtime/{name}"),
            format!("{preamble}\n{source}"),
        );
    }
    let mut notes = security_notes;
    notes.extend(rewritten.notes);
    Ok((files, notes))
}

/// Progenitor's client refers to its sibling `types` module, when it uses
/// any type at all.
fn raw_module_prelude(client: &[syn::Item]) -> Option<syn::Item> {
    let uses_types = client
        .iter()
        .any(|item| syntax::mentions_module(item, "types"));
    uses_types.then(|| {
        syn::parse_quote!(
            use crate::types;
        )
    })
}
