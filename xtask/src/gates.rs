//! `cargo xtask test`: every gate of the repository in one command, on a
//! fresh machine too. It installs the spec linters and the mock server the
//! contract test runs (Prism) from their registries
//! into `tools/` (pinned by `tools/package-lock.json` and
//! `tools/requirements.txt`), then runs the linters and cargo's gates.

use std::path::Path;
use std::process::Command;

use crate::{Result, SPEC};

pub fn run_all(root: &Path) -> Result<()> {
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
    step(
        root,
        "cargo clippy",
        Command::new(&cargo).args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step(
        root,
        "cargo test",
        Command::new(&cargo).args(["test", "--workspace"]),
    )?;
    step(
        root,
        "cargo doc (generated crate)",
        Command::new(&cargo)
            .args(["doc", "--no-deps", "-p", "highlevel-contacts"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    eprintln!("all gates passed");
    Ok(())
}

fn install_tools(root: &Path) -> Result<()> {
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

fn step(dir: &Path, name: &str, command: &mut Command) -> Result<()> {
    eprintln!("==> {name}");
    let status = command
        .current_dir(dir)
        .status()
        .map_err(|e| format!("{name}: could not start {:?}: {e}", command.get_program()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})").into())
    }
}
