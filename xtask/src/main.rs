use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use xtask::{CODEGEN_CONFIG, CodegenConfig, GENERATED, REGENERATE, SPEC, repo_root};

/// The exit code of `diff --fail-on-breaking` when something breaks; 1 and
/// 2 stay for errors and usage.
const EXIT_BREAKING: u8 = 3;

/// Tasks of this repository: regenerate the client, check it is fresh,
/// report what a spec edit changes.
#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate `generated/` from `spec/`, or any spec into any folder.
    Generate {
        /// An OpenAPI 3.0 file (YAML or JSON); needs `--out`.
        #[arg(long, requires = "out")]
        spec: Option<PathBuf>,
        /// The folder to write the crate to; needs `--spec`.
        #[arg(long, requires = "spec")]
        out: Option<PathBuf>,
        /// The crate's name (default: from spec/codegen.toml, or the
        /// output folder's name).
        #[arg(long)]
        name: Option<String>,
        /// Refuse a spec that needs a repair (such as an undeclared path
        /// parameter) instead of repairing it with a note.
        #[arg(long)]
        strict: bool,
    },
    /// Fail when `generated/` is not what `spec/` produces.
    Check,
    /// Report what a spec edit changes for callers of the generated crate,
    /// and whether it breaks them: `--base GIT_REF` compares `spec/` at
    /// that ref with the working tree, `--old FILE --new FILE` two files.
    Diff {
        /// A git ref (`origin/main`, a commit) whose `spec/` is the old side.
        #[arg(long, required_unless_present = "old", conflicts_with = "old")]
        base: Option<String>,
        /// The old spec file; needs `--new`.
        #[arg(long, requires = "new")]
        old: Option<PathBuf>,
        /// The new spec file; needs `--old`.
        #[arg(long, requires = "old")]
        new: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
        /// Exit with 3 when a change breaks existing callers.
        #[arg(long)]
        fail_on_breaking: bool,
        /// Set the version in spec/codegen.toml, add a spec/CHANGELOG.md
        /// entry, and regenerate `generated/`; needs `--base`.
        #[arg(long, conflicts_with = "old")]
        apply: bool,
    },
    /// Run every gate: spec linters (installed on first use), fmt, clippy,
    /// all tests, docs.
    Test,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Ready to paste as a pull-request comment.
    Markdown,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.task) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(task: Task) -> xtask::Result<ExitCode> {
    let root = repo_root();
    match task {
        Task::Generate {
            spec: Some(spec),
            out: Some(out),
            name,
            strict,
        } => {
            let name = match name {
                Some(name) => name,
                None => out
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .ok_or("--out must name a folder, or give --name")?,
            };
            let config = CodegenConfig::named(&name);
            let config = config.strict(strict);
            let generated = xtask::generate(&spec, &spec.to_string_lossy(), &config)?;
            for note in &generated.notes {
                eprintln!("note: {note}");
            }
            xtask::write_atomically(&out, &generated)?;
            eprintln!(
                "wrote crate `{name}` ({} files) to {}",
                generated.files.len(),
                out.display()
            );
        }
        Task::Generate { name, strict, .. } => {
            let mut config = CodegenConfig::read(&root.join(xtask::CODEGEN_CONFIG))?.strict(strict);
            if let Some(name) = name {
                config = config.with_name(&name);
            }
            if xtask::regenerate(&root, &config)? {
                eprintln!("regenerated {GENERATED}/ from {SPEC}");
            } else {
                eprintln!("{GENERATED}/ is already up to date with {SPEC}");
            }
        }
        Task::Check => {
            let drift = xtask::compare(&root.join(GENERATED), &xtask::generate_repo_crate()?)?;
            if !drift.is_empty() {
                eprintln!(
                    "{GENERATED}/ is stale: it is not what {SPEC} produces.\n{drift}Run `{REGENERATE}` and commit the result."
                );
                return Ok(ExitCode::FAILURE);
            }
            eprintln!("{GENERATED}/ is fresh");
        }
        Task::Diff {
            base,
            old,
            new,
            format,
            fail_on_breaking,
            apply,
        } => {
            let config = CodegenConfig::read(&root.join(CODEGEN_CONFIG))?;
            type Sided = (codegen::SpecDocument, Box<dyn codegen::Resolver>);
            let (old, new, current_version): (Sided, Sided, String) = match (base, old, new) {
                (Some(base), _, _) => {
                    let old = git_show(&root, &base, SPEC)?;
                    // The version the edit starts from is the base's, so
                    // `--apply` gives the same result when run again.
                    let version = git_show(&root, &base, CODEGEN_CONFIG)
                        .ok()
                        .and_then(|text| CodegenConfig::parse(&String::from_utf8_lossy(&text)).ok())
                        .map_or_else(|| config.version().to_owned(), |c| c.version().to_owned());
                    let new = read(&root.join(SPEC))?;
                    (
                        // The base's external refs come from the base too.
                        (
                            codegen::SpecDocument::new(format!("{SPEC}@{base}"), old),
                            Box::new(xtask::GitResolver::beside(&root, &base, SPEC)),
                        ),
                        (
                            codegen::SpecDocument::new(SPEC, new),
                            Box::new(xtask::FileResolver::beside(&root.join(SPEC))),
                        ),
                        version,
                    )
                }
                (None, Some(old), Some(new)) => (
                    (
                        codegen::SpecDocument::new(old.to_string_lossy(), read(&old)?),
                        Box::new(xtask::FileResolver::beside(&old)),
                    ),
                    (
                        codegen::SpecDocument::new(new.to_string_lossy(), read(&new)?),
                        Box::new(xtask::FileResolver::beside(&new)),
                    ),
                    config.version().to_owned(),
                ),
                _ => unreachable!("clap requires --base, or --old with --new"),
            };
            let report = xtask::diff::compare(
                xtask::diff::Side {
                    document: &old.0,
                    resolver: old.1.as_ref(),
                },
                xtask::diff::Side {
                    document: &new.0,
                    resolver: new.1.as_ref(),
                },
                &config,
                &current_version,
            )?;
            print!(
                "{}",
                match format {
                    Format::Markdown => xtask::diff::report::markdown(&report),
                    Format::Json => xtask::diff::report::json(&report),
                }
            );
            if apply {
                xtask::diff::apply(&root, &report)?;
            }
            if fail_on_breaking && report.has_breaking() {
                return Ok(ExitCode::from(EXIT_BREAKING));
            }
        }
        Task::Test => xtask::gates::run_all(&root)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn read(path: &std::path::Path) -> xtask::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()).into())
}

/// A file's content at a git ref, by its repository-relative path.
fn git_show(root: &std::path::Path, reference: &str, path: &str) -> xtask::Result<Vec<u8>> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{reference}:{path}")])
        .output()
        .map_err(|e| format!("could not run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git show {reference}:{path}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into());
    }
    Ok(output.stdout)
}
