//! `cargo xtask test`: every gate of the repository in one command, on a
//! fresh machine too. It installs the spec linters and the peers of the
//! `#[ignore]`d tests (Prism, the mock server the contract test runs) from
//! their registries, and checks that `redis-server` (a system package, which
//! the rate store's tests start) is installed,
//! into `tools/` (pinned by `tools/package-lock.json` and
//! `tools/requirements.txt`), then runs the linters, cargo's gates and the
//! README's quickstart.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::{CORPUS_SAMPLE, SPEC};

pub fn run_all(root: &Path) -> anyhow::Result<()> {
    install_tools(root)?;
    let tools = root.join("tools");
    let redocly = tools.join("node_modules/.bin/redocly");
    let validator = tools.join(".venv/bin/openapi-spec-validator");
    step(
        root,
        "redocly lint",
        Command::new(redocly).args(["lint", "--config", "spec/redocly.yaml", SPEC]),
    )?;
    step(
        root,
        "openapi-spec-validator",
        Command::new(validator).arg(SPEC),
    )?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The generated crate is formatted by the generator, not by rustfmt.
    step(
        root,
        "cargo fmt",
        Command::new(&cargo).args([
            "fmt",
            "--check",
            "-p",
            "codegen",
            "-p",
            "client-runtime",
            "-p",
            "xtask",
            "-p",
            "highlevel-tests",
            "-p",
            "highlevel-examples",
            "-p",
            "highlevel-mock",
            "-p",
            "highlevel-contacts-cli",
        ]),
    )?;
    clippy(root, &cargo)?;
    generated_crate_features(root, &cargo)?;
    tests(root, &cargo)?;
    eprintln!("==> README quickstart");
    crate::quickstart::run(root).context("README quickstart")?;
    for features in [&[][..], &["--all-features"]] {
        step(
            root,
            &format!("cargo doc (generated crate {})", features.join(" ")),
            Command::new(&cargo)
                .args(["doc", "--no-deps", "-p", "highlevel-contacts"])
                .args(features)
                .env("RUSTDOCFLAGS", "-D warnings"),
        )?;
    }
    package_generated_crate(root, &cargo)?;
    // Specs nobody here wrote: every one gives a crate that compiles or a
    // located refusal, with no panic and no hang.
    step(
        root,
        "cargo xtask corpus (the fixed sample)",
        // Through cargo: `cargo test --workspace` above rebuilt this very
        // binary (the workspace's features), so the running one is gone.
        Command::new(&cargo).args([
            "run",
            "--quiet",
            "-p",
            "xtask",
            "--",
            "corpus",
            "--list",
            CORPUS_SAMPLE,
        ]),
    )?;
    eprintln!("all gates passed");
    if std::env::var_os("CORPUS_COMPILE_ALL").is_none() {
        eprintln!(
            "left out: compiling GitHub's corpus crate (about 45 s; set CORPUS_COMPILE_ALL=1 to include it)"
        );
    }
    Ok(())
}

/// Clippy, with warnings as errors.
fn clippy(root: &Path, cargo: &std::ffi::OsStr) -> anyhow::Result<()> {
    step(
        root,
        "cargo clippy",
        Command::new(cargo).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    // The workspace turns the generated crate's `redis` feature on (the
    // command-line tool uses it); the crate is linted alone without it, and
    // the runtime with it.
    step(
        root,
        "cargo clippy (generated crate, default features)",
        Command::new(cargo).args(["clippy", "-p", "highlevel-contacts", "--", "-D", "warnings"]),
    )?;
    step(
        root,
        "cargo clippy (runtime, redis feature)",
        Command::new(cargo).args([
            "clippy",
            "-p",
            "client-runtime",
            "--all-targets",
            "--features",
            "redis",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    Ok(())
}

/// The workspace's tests, those that need an installed peer included.
fn tests(root: &Path, cargo: &std::ffi::OsStr) -> anyhow::Result<()> {
    // Tests that need an installed peer are `#[ignore]`d under plain
    // `cargo test`; here the peers are installed, so everything runs. The
    // shared rate store's tests (named `redis`) time processes against a
    // server's window: they run after everything is compiled, one at a
    // time, so no compile or other test competes for the cores.
    step(
        root,
        "cargo test",
        Command::new(cargo).args([
            "test",
            "--workspace",
            "--",
            "--include-ignored",
            "--skip",
            "redis",
        ]),
    )?;
    step(
        root,
        "cargo test (rate store in redis-server, alone)",
        Command::new(cargo).args([
            "test",
            "--workspace",
            "--",
            "--include-ignored",
            "--test-threads",
            "1",
            "redis",
        ]),
    )?;
    Ok(())
}

/// The generated crate builds with each TLS backend and with none, and its
/// tests and lints pass with every feature on (the workspace's own gates see
/// only the defaults).
fn generated_crate_features(root: &Path, cargo: &std::ffi::OsStr) -> anyhow::Result<()> {
    let generated = ["-p", "highlevel-contacts"];
    step(
        root,
        "cargo check (generated crate, native-tls only)",
        Command::new(cargo)
            .args(["check", "--no-default-features", "--features", "native-tls"])
            .args(generated),
    )?;
    step(
        root,
        "cargo check (generated crate, no TLS)",
        Command::new(cargo)
            .args(["check", "--no-default-features"])
            .args(generated),
    )?;
    step(
        root,
        "cargo clippy (generated crate and runtime, every feature)",
        Command::new(cargo)
            .args([
                "clippy",
                "--all-features",
                "--all-targets",
                "-p",
                "client-runtime",
            ])
            .args(generated)
            .args(["--", "-D", "warnings"]),
    )?;
    step(
        root,
        "cargo test (generated crate and runtime, every feature)",
        Command::new(cargo)
            .args(["test", "--all-features", "-p", "client-runtime"])
            .args(generated),
    )
}

/// `cargo package` of the generated crate, verified by building what it
/// packs. Its only allowed warning is the one about links that
/// `spec/codegen.toml` leaves empty because they are unknown.
fn package_generated_crate(root: &Path, cargo: &std::ffi::OsStr) -> anyhow::Result<()> {
    const ALLOWED: &str = "warning: manifest has no documentation, homepage or repository";
    eprintln!("==> cargo package (generated crate)");
    let output = Command::new(cargo)
        .args(["package", "--allow-dirty", "-p", "highlevel-contacts"])
        // The packaged crate is verified as a workspace of its own, outside our
        // profiles; without debug info its dependencies are the ones the
        // workspace already built (aws-lc-sys among them), not a second copy.
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .current_dir(root)
        .output()
        .context("cargo package: could not start cargo")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("cargo package failed ({}):\n{stderr}", output.status);
    }
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("warning:") && *line != ALLOWED)
        .collect();
    if !warnings.is_empty() {
        bail!("cargo package warns:\n{}", warnings.join("\n"));
    }
    Ok(())
}

/// Installs the peers that `#[ignore]`d tests need, or fails naming how to
/// install what is missing.
fn install_tools(root: &Path) -> anyhow::Result<()> {
    for (program, how) in [
        (
            "npm",
            "install Node.js with npm (Debian: `apt-get install nodejs npm`)",
        ),
        (
            "python3",
            "install Python 3 with venv (Debian: `apt-get install python3 python3-venv`)",
        ),
        (
            "redis-server",
            "install Redis, which the shared rate store's tests start (Debian: `apt-get install redis-server`)",
        ),
    ] {
        if Command::new(program).arg("--version").output().is_err() {
            bail!("`{program}` is missing: {how}");
        }
    }
    let tools = root.join("tools");
    let node_tools = ["redocly", "prism"];
    if !node_tools
        .iter()
        .all(|tool| tools.join("node_modules/.bin").join(tool).exists())
    {
        step(
            &tools,
            "npm ci",
            Command::new("npm").args(["ci", "--no-audit", "--no-fund"]),
        )?;
    }
    let venv = tools.join(".venv");
    if !venv.join("bin/openapi-spec-validator").exists() {
        step(
            &tools,
            "python venv",
            Command::new("python3").args(["-m", "venv", ".venv"]),
        )?;
        step(
            &tools,
            "pip install",
            Command::new(venv.join("bin/pip")).args([
                "install",
                "--quiet",
                "-r",
                "requirements.txt",
            ]),
        )?;
    }
    Ok(())
}

fn step(dir: &Path, name: &str, command: &mut Command) -> anyhow::Result<()> {
    eprintln!("==> {name}");
    let status = command
        .current_dir(dir)
        .status()
        .with_context(|| format!("{name}: could not start {:?}", command.get_program()))?;
    if !status.success() {
        bail!("{name} failed ({status})");
    }
    Ok(())
}
