use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
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
        /// Cut the Markdown report to at most this many characters, with a
        /// note where it is cut (GitHub takes 65,536 in a comment).
        #[arg(long)]
        max_chars: Option<usize>,
        /// Also write the whole Markdown report to this file.
        #[arg(long)]
        full_report: Option<PathBuf>,
        /// Exit with 3 when a change breaks existing callers.
        #[arg(long)]
        fail_on_breaking: bool,
        /// Set the version in spec/codegen.toml, add a spec/CHANGELOG.md
        /// entry, and regenerate `generated/`; needs `--base`.
        #[arg(long, conflicts_with = "old")]
        apply: bool,
    },
    /// Propose the spec change that drift records (`ClientBuilder::record_drift`)
    /// call for: write it as an OpenAPI Overlay, print the `diff` report of it, and
    /// with `--apply` merge it into `spec/`, bump the version and regenerate.
    Drift {
        /// Drift record files (JSON Lines); their lines are summed.
        #[arg(required = true)]
        records: Vec<PathBuf>,
        /// Where to write the proposal, an OpenAPI Overlay 1.0 document
        /// (default: spec/drift.overlay.yaml).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Propose against this spec file instead of spec/ (with default crate
        /// settings for the report; not with `--apply`).
        #[arg(long, conflicts_with = "apply")]
        spec: Option<PathBuf>,
        /// Merge the change into spec/, set the version, add the changelog
        /// entry, and regenerate `generated/`.
        #[arg(long)]
        apply: bool,
    },
    /// Run every gate: spec linters (installed on first use), fmt, clippy,
    /// all tests, docs.
    Test,
    /// Generate public specs nobody here wrote (APIs.guru's directory, from
    /// npm, installed into tools/corpus on first use) and check that the
    /// crates compile; one line per spec, then a table.
    Corpus {
        /// Draw this many specs (default: all).
        #[arg(long)]
        sample: Option<usize>,
        /// The seed of the draw: the same seed gives the same sample anywhere.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Leave out specs over this many KiB.
        #[arg(long)]
        max_kb: Option<u64>,
        /// Take the specs named in this file (paths under the directory's
        /// `api/`, one per line) instead of a sample.
        #[arg(long, conflicts_with_all = ["sample", "max_kb"])]
        list: Option<PathBuf>,
        /// Only generate; do not compile.
        #[arg(long)]
        no_compile: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Ready to paste as a pull-request comment.
    Markdown,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = repo_root();
    let done = match cli.task {
        Task::Generate {
            spec: Some(spec),
            out: Some(out),
            name,
            strict,
        } => generate_into(&spec, &out, name, strict),
        Task::Generate { name, strict, .. } => refresh_generated(&root, name, strict),
        Task::Check => check_fresh(&root),
        Task::Diff {
            base,
            old,
            new,
            format,
            max_chars,
            full_report,
            fail_on_breaking,
            apply,
        } => {
            let sides = match (base, old, new) {
                (Some(base), _, _) => Sides::Base(base),
                (None, Some(old), Some(new)) => Sides::Files { old, new },
                _ => unreachable!("clap requires --base, or --old with --new"),
            };
            let output = Output {
                format,
                max_chars,
                full_report,
            };
            report_diff(&root, sides, &output, fail_on_breaking, apply)
        }
        Task::Drift {
            records,
            out,
            spec,
            apply,
        } => {
            let options = xtask::drift::Options {
                records,
                spec,
                out: out.unwrap_or_else(|| root.join(xtask::drift::OVERLAY)),
                apply,
            };
            xtask::drift::run(&root, &options).map(|outcome| {
                if let Some(report) = &outcome.report {
                    print!("{}", xtask::diff::report::markdown(report));
                }
                ExitCode::SUCCESS
            })
        }
        Task::Test => xtask::gates::run_all(&root).map(|()| ExitCode::SUCCESS),
        Task::Corpus {
            sample,
            seed,
            max_kb,
            list,
            no_compile,
        } => {
            let options = xtask::corpus::Options {
                sample,
                seed,
                max_kb,
                list,
                compile: !no_compile,
            };
            xtask::corpus::run(&root, &options).map(|report| {
                println!("\n{}", report.table());
                if report.clean() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            })
        }
    };
    done.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}

/// `generate --spec --out`: any spec into any folder.
fn generate_into(
    spec: &Path,
    out: &Path,
    name: Option<String>,
    strict: bool,
) -> anyhow::Result<ExitCode> {
    let name = match name {
        Some(name) => name,
        None => out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .context("--out must name a folder, or give --name")?,
    };
    let config = CodegenConfig::named(&name).strict(strict);
    let generated = xtask::generate_spec(spec, &spec.to_string_lossy(), &config)?;
    for note in &generated.notes {
        eprintln!("note: {note}");
    }
    xtask::write_atomically(out, &generated)?;
    eprintln!(
        "wrote crate `{name}` ({} files) to {}",
        generated.files.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `generate`: `generated/` from `spec/`.
fn refresh_generated(root: &Path, name: Option<String>, strict: bool) -> anyhow::Result<ExitCode> {
    let mut config = CodegenConfig::read(&root.join(CODEGEN_CONFIG))?.strict(strict);
    if let Some(name) = name {
        config = config.with_name(&name);
    }
    if xtask::regenerate_if_stale(root, &config)? {
        eprintln!("regenerated {GENERATED}/ from {SPEC}");
    } else {
        eprintln!("{GENERATED}/ is already up to date with {SPEC}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `check`: fails when `generated/` is stale.
fn check_fresh(root: &Path) -> anyhow::Result<ExitCode> {
    let drift = xtask::stale_files(&root.join(GENERATED), &xtask::expected_generated()?)?;
    if !drift.is_empty() {
        eprintln!(
            "{GENERATED}/ is stale: it is not what {SPEC} produces.\n{drift}Run `{REGENERATE}` and commit the result."
        );
        return Ok(ExitCode::FAILURE);
    }
    eprintln!("{GENERATED}/ is fresh");
    Ok(ExitCode::SUCCESS)
}

/// The two specs `diff` compares.
enum Sides {
    /// `spec/` at a git ref, and in the working tree.
    Base(String),
    /// Two files.
    Files { old: PathBuf, new: PathBuf },
}

/// A spec document with where its external `$ref`s are read from.
struct LoadedSpec {
    document: codegen::SpecDocument,
    resolver: Box<dyn codegen::Resolver>,
}

impl LoadedSpec {
    /// The spec file at `path`, named `name` in messages.
    fn file(path: &Path, name: &str) -> anyhow::Result<Self> {
        let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
        Ok(LoadedSpec {
            document: codegen::SpecDocument::new(name, bytes),
            resolver: Box::new(xtask::FileResolver::beside(path)),
        })
    }

    fn input(&self) -> xtask::diff::SpecInput<'_> {
        xtask::diff::SpecInput {
            document: &self.document,
            resolver: self.resolver.as_ref(),
        }
    }
}

/// How `diff` prints its report.
struct Output {
    format: Format,
    max_chars: Option<usize>,
    full_report: Option<PathBuf>,
}

impl Output {
    /// Prints `report`, cut to `max_chars` when asked; writes the whole
    /// Markdown to `full_report` when asked.
    fn print(&self, report: &xtask::diff::Report) -> anyhow::Result<()> {
        let markdown = xtask::diff::report::markdown(report);
        if let Some(path) = &self.full_report {
            std::fs::write(path, &markdown).with_context(|| path.display().to_string())?;
        }
        let text = match (self.format, self.max_chars) {
            (Format::Json, _) => xtask::diff::report::json(report),
            (Format::Markdown, None) => markdown,
            (Format::Markdown, Some(max_chars)) => {
                let note = format!(
                    "**The report is cut here** to fit a pull-request comment; the whole report \
                     ({} characters) is the workflow run's `api-diff-report` artifact, or the \
                     output of `cargo xtask diff` without `--max-chars`.",
                    markdown.chars().count()
                );
                xtask::diff::comment::fit(&markdown, max_chars, &note)
            }
        };
        print!("{text}");
        Ok(())
    }
}

/// `diff`: prints the report, applies it when asked, and exits with
/// `EXIT_BREAKING` when asked to fail on a breaking change.
fn report_diff(
    root: &Path,
    sides: Sides,
    output: &Output,
    fail_on_breaking: bool,
    apply: bool,
) -> anyhow::Result<ExitCode> {
    let config = CodegenConfig::read(&root.join(CODEGEN_CONFIG))?;
    let (old, new, current_version) = match sides {
        Sides::Base(base) => {
            let old = xtask::git_show(root, &base, SPEC)?;
            // The version the edit starts from is the base's, so
            // `--apply` gives the same result when run again.
            let version = xtask::git_show(root, &base, CODEGEN_CONFIG)
                .ok()
                .and_then(|text| CodegenConfig::parse(&String::from_utf8_lossy(&text)).ok())
                .map_or_else(|| config.version().to_owned(), |c| c.version().to_owned());
            let old = LoadedSpec {
                document: codegen::SpecDocument::new(format!("{SPEC}@{base}"), old),
                // The base's external refs come from the base too.
                resolver: Box::new(xtask::GitResolver::beside(root, &base, SPEC)),
            };
            (old, LoadedSpec::file(&root.join(SPEC), SPEC)?, version)
        }
        Sides::Files { old, new } => (
            LoadedSpec::file(&old, &old.to_string_lossy())?,
            LoadedSpec::file(&new, &new.to_string_lossy())?,
            config.version().to_owned(),
        ),
    };
    let report = xtask::diff::build_report(old.input(), new.input(), &config, &current_version)?;
    output.print(&report)?;
    if apply {
        xtask::diff::apply(root, &report)?;
    }
    if fail_on_breaking && report.has_breaking() {
        return Ok(ExitCode::from(EXIT_BREAKING));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `cargo xtask …` command a workflow runs, as the shell splits it, up to the
    /// first redirection or operator.
    fn xtask_commands(workflow: &serde_yaml_ng::Value) -> Vec<Vec<String>> {
        let jobs = workflow["jobs"].as_mapping().expect("a workflow has jobs");
        let scripts = jobs
            .values()
            .filter_map(|job| job["steps"].as_sequence())
            .flatten()
            .filter_map(|step| step["run"].as_str());
        let mut commands = Vec::new();
        for script in scripts {
            for line in script.replace("\\\n", " ").lines() {
                let words = shlex::split(line.trim())
                    .unwrap_or_else(|| panic!("a shell line that does not split: {line}"));
                if words.starts_with(&["cargo".to_owned(), "xtask".to_owned()]) {
                    let end = words
                        .iter()
                        .position(|word| {
                            matches!(word.as_str(), ">" | ">>" | "|" | "&&" | "||" | ";" | "2>")
                        })
                        .unwrap_or(words.len());
                    commands.push(words[1..end].to_vec());
                }
            }
        }
        commands
    }

    #[test]
    fn every_workflow_parses_and_its_xtask_commands_are_ones_xtask_takes() {
        let dir = repo_root().join(".github/workflows");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "yml"))
            .collect();
        files.sort();
        let names: Vec<String> = files
            .iter()
            .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["api-diff.yml", "ci.yml"]);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let workflow: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not YAML: {e}", file.display()));
            let commands = xtask_commands(&workflow);
            assert!(
                !commands.is_empty(),
                "{} runs no `cargo xtask` command",
                file.display()
            );
            for command in commands {
                if let Err(error) = Cli::try_parse_from(&command) {
                    panic!(
                        "{}: `cargo {}` is not a command xtask takes:\n{error}",
                        file.display(),
                        command.join(" ")
                    );
                }
            }
        }
    }

    #[test]
    fn a_command_xtask_does_not_take_is_caught() {
        let workflow = serde_yaml_ng::from_str(
            "jobs:\n  a:\n    steps:\n      - run: |\n          echo hi\n          cargo xtask tset > out.md\n",
        )
        .unwrap();
        let commands = xtask_commands(&workflow);
        assert_eq!(commands, [["xtask", "tset"]]);
        assert!(Cli::try_parse_from(&commands[0]).is_err());
    }
}
