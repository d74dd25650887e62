use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{CodegenConfig, GENERATED, REGENERATE, SPEC, repo_root};

/// Tasks of this repository: regenerate the client, check it is fresh.
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
    /// Run every gate: spec linters (installed on first use), fmt, clippy,
    /// all tests, docs.
    Test,
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
            let generated = xtask::generate(&root.join(SPEC), SPEC, &config)?;
            let dir = root.join(GENERATED);
            if xtask::compare(&dir, &generated)?.is_empty() {
                eprintln!("{GENERATED}/ is already up to date with {SPEC}");
            } else {
                xtask::write_atomically(&dir, &generated)?;
                eprintln!("regenerated {GENERATED}/ from {SPEC}");
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
        Task::Test => xtask::gates::run_all(&root)?,
    }
    Ok(ExitCode::SUCCESS)
}
