//! The report as Markdown (a pull-request comment) or JSON.

use std::fmt::Write;

use super::Report;
use super::bump::Semver;
use super::rules::Class;
use super::spec::Side;

pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("a report serializes") + "\n"
}

pub fn markdown(report: &Report) -> String {
    let mut out = String::from("## API changes\n\n");
    let breaking_spec = count(report.changes.iter().map(|c| c.class));
    let breaking_rust = count(report.rust_api.iter().map(|c| c.class));
    let summary = match report.semver {
        Semver::None => "No changes for callers.".to_owned(),
        Semver::Patch => {
            "No API changes: only the generated text differs, such as documentation.".to_owned()
        }
        Semver::Minor => "Nothing breaks existing callers.".to_owned(),
        Semver::Major => format!(
            "**Breaking for existing callers:** {} in the spec, {} in the Rust API.",
            plural(breaking_spec, "change"),
            plural(breaking_rust, "change"),
        ),
    };
    let _ = writeln!(out, "{summary}\n");
    if report.semver != Semver::None {
        let version = &report.version;
        let zero_x = match report.semver {
            _ if !version.current.starts_with("0.") => "",
            Semver::Major => ", which a 0.x crate takes in its minor version",
            Semver::Minor => ", which a 0.x crate takes in its patch version",
            _ => "",
        };
        let _ = writeln!(
            out,
            "Version of `{}`: {} → **{}** (semver: {}{zero_x}).\n",
            report.crate_name,
            version.current,
            version.next,
            report.semver.label(),
        );
    }

    let mut operation: Option<&str> = None;
    for change in &report.changes {
        if operation != Some(change.operation.as_str()) {
            operation = Some(&change.operation);
            let id = change
                .operation_id
                .as_ref()
                .map(|id| format!(" (`{id}`)"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{}### `{}`{id}\n\n| | change | where |\n|---|---|---|",
                if out.ends_with("|\n") { "\n" } else { "" },
                change.operation,
            );
        }
        let side = match change.document {
            Side::New => "",
            Side::Old => " (old spec)",
        };
        let _ = writeln!(
            out,
            "| {} | {} | `{}`{side} |",
            class(change.class),
            cell(&change.message),
            cell(&change.pointer),
        );
    }

    if !report.rust_api.is_empty() {
        let _ = writeln!(
            out,
            "{}### Rust API of `{}`\n\n| | item | change |\n|---|---|---|",
            if out.ends_with("|\n") { "\n" } else { "" },
            report.crate_name
        );
        for change in &report.rust_api {
            let note = change
                .note
                .map(|note| format!("; {note}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | `{}` | {}{note} |",
                class(change.class),
                cell(&change.item),
                cell(&change.change),
            );
        }
    }
    if out.ends_with("|\n") {
        out.push('\n');
    }
    out.push_str(
        "<sub>`cargo xtask diff`: spec changes are classed for callers of the generated crate, \
         on the wire and in Rust; the Rust API is compared on the generated code. Pointers name \
         the new spec unless marked.</sub>\n",
    );
    out
}

fn count(classes: impl Iterator<Item = Class>) -> usize {
    classes.filter(|class| *class == Class::Breaking).count()
}

fn plural(n: usize, noun: &str) -> String {
    format!("{n} breaking {noun}{}", if n == 1 { "" } else { "s" })
}

fn class(class: Class) -> &'static str {
    match class {
        Class::Breaking => "**breaking**",
        Class::NonBreaking => "non-breaking",
    }
}

/// Table cells end at `|` and at line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
