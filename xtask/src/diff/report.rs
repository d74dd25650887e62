//! The report as Markdown (a pull-request comment) or JSON.
//!
//! The Markdown leads with a summary that fits on one screen: the verdict,
//! what every request now carries, what breaks on the wire, what breaks
//! only in Rust, renames, deprecations and counts. The rows follow, folded
//! (`<details>`), one per group of identical changes.

use std::fmt::Write;

use super::Report;
use super::bump::Semver;
use super::groups::Group;
use super::rules::{Class, DeprecationChange, Kind};
use super::spec::Side;

/// At most this many wire-breaking groups are listed in the summary; the
/// rest are counted, and all are in the folded rows.
const WIRE_BREAKING_LISTED: usize = 12;
/// At most this many changes on every operation are listed in the summary.
const EVERY_OPERATION_LISTED: usize = 4;
/// At most this many names are listed where a row names places.
const PLACES_LISTED: usize = 4;

pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).expect("a report serializes") + "\n"
}

pub fn markdown(report: &Report) -> String {
    let mut out = String::from("## API changes\n\n");
    summary(report, &mut out);
    spec_rows(report, &mut out);
    renames(report, &mut out);
    rust_rows(report, &mut out);
    out.push_str(
        "<sub>`cargo xtask diff`: spec changes are classed for callers of the generated crate, \
         on the wire and in Rust; the Rust API is compared on the generated code. Pointers name \
         the new spec unless marked.</sub>\n",
    );
    out
}

fn summary(report: &Report, out: &mut String) {
    let _ = writeln!(out, "{}\n", verdict(report));
    let every: Vec<&Group> = report
        .summary
        .every_operation
        .iter()
        .map(|&index| &report.groups[index])
        .collect();
    if !every.is_empty() {
        let _ = writeln!(
            out,
            "**Every request changes** (all {} operations):",
            report.summary.operations
        );
        for group in every.iter().take(EVERY_OPERATION_LISTED) {
            let _ = writeln!(out, "- {}{}", marker(group), cell(&group.message));
        }
        more(out, every.len(), EVERY_OPERATION_LISTED);
        out.push('\n');
    }
    let wire: Vec<&Group> = report
        .summary
        .wire_breaking
        .iter()
        .map(|&index| &report.groups[index])
        .filter(|group| !group.on_every_operation(report.summary.operations))
        .collect();
    if !wire.is_empty() {
        let _ = writeln!(
            out,
            "**Breaking on the wire** ({}): what the old client sends is refused, or answers \
             lack what it reads, even where its code still compiles:",
            wire.len()
        );
        for group in wire.iter().take(WIRE_BREAKING_LISTED) {
            let _ = writeln!(
                out,
                "- {} ({})",
                cell(&group.what),
                places(report, group, true)
            );
        }
        more(out, wire.len(), WIRE_BREAKING_LISTED);
        out.push('\n');
    }
    let rust_only = report
        .groups
        .iter()
        .filter(|group| group.class == Class::Breaking && !group.wire_breaking)
        .count();
    let rust_breaking = report
        .rust_api
        .iter()
        .filter(|change| change.class == Class::Breaking)
        .count();
    let parts: Vec<String> = [
        (rust_only, count(rust_only, "spec change")),
        (
            rust_breaking,
            format!("{} of the Rust API", count(rust_breaking, "item")),
        ),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(_, part)| part)
    .collect();
    if !parts.is_empty() {
        let _ = writeln!(
            out,
            "**Breaking in Rust only:** {}; the compiler points at the code to change.\n",
            parts.join(" and "),
        );
    }
    renamed_line(report, out);
    deprecated_line(report, out);
    if !report.summary.counts.is_empty() {
        let counts: Vec<String> = report
            .summary
            .counts
            .iter()
            .map(|c| format!("{}: {} ({} breaking)", c.element, c.total(), c.breaking))
            .collect();
        let _ = writeln!(out, "**Counts:** {}.\n", counts.join(" · "));
    }
}

/// The semver verdict and the version it leads to.
fn verdict(report: &Report) -> String {
    let version = &report.version;
    let zero_x = match report.semver {
        _ if !version.current.starts_with("0.") => "",
        Semver::Major => ", which a 0.x crate takes in its minor version",
        Semver::Minor => ", which a 0.x crate takes in its patch version",
        _ => "",
    };
    let what = match report.semver {
        Semver::None => return "No changes for callers.".to_owned(),
        Semver::Patch => "No API changes: only the generated text differs, such as documentation.",
        Semver::Minor => "Nothing breaks existing callers.",
        Semver::Major => "**Breaking for existing callers.**",
    };
    format!(
        "{what} Version of `{}`: {} → **{}** (semver: {}{zero_x}).",
        report.crate_name,
        version.current,
        version.next,
        report.semver.label(),
    )
}

fn renamed_line(report: &Report, out: &mut String) {
    let renames = &report.renames;
    if renames.schemas.is_empty() && renames.operations.is_empty() {
        return;
    }
    let mut parts = Vec::new();
    if !renames.schemas.is_empty() {
        let reshaped = renames.schemas.iter().filter(|r| r.shape_changed).count();
        let names: Vec<String> = renames
            .schemas
            .iter()
            .map(|r| format!("`{}` → `{}`", r.old, r.new))
            .collect();
        parts.push(format!(
            "{} ({reshaped} also change shape): {}",
            count(renames.schemas.len(), "schema"),
            names.join(", ")
        ));
    }
    for moved in &renames.operations {
        parts.push(format!(
            "operation `{}` moved from `{}` to `{}`",
            moved.operation_id, moved.old, moved.new
        ));
    }
    let _ = writeln!(
        out,
        "**Renamed** (breaking: the Rust paths change): {}.\n",
        parts.join("; ")
    );
}

fn deprecated_line(report: &Report, out: &mut String) {
    let deprecated: Vec<String> = report
        .groups
        .iter()
        .filter(|group| {
            matches!(
                group.kind,
                Kind::Deprecation(DeprecationChange {
                    now_deprecated: true,
                    ..
                })
            )
        })
        .map(|group| format!("{} ({})", cell(&group.what), places(report, group, true)))
        .collect();
    if !deprecated.is_empty() {
        let _ = writeln!(
            out,
            "**Deprecated** (non-breaking): {}.\n",
            deprecated.join("; ")
        );
    }
}

fn spec_rows(report: &Report, out: &mut String) {
    if report.groups.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<details><summary>Spec changes: {} ({} at operations)</summary>\n\n| | change | where |\n|---|---|---|",
        count(report.groups.len(), "row"),
        report.changes.len()
    );
    for group in &report.groups {
        let side = match group.document {
            Side::New => "",
            Side::Old => " (old spec)",
        };
        let _ = writeln!(
            out,
            "| {}{} | {} | {}; `{}`{side} |",
            class(group.class),
            if group.wire_breaking {
                ", on the wire"
            } else {
                ""
            },
            cell(&group.message),
            places(report, group, false),
            cell(&group.pointer),
        );
    }
    out.push_str("\n</details>\n\n");
}

fn renames(report: &Report, out: &mut String) {
    let schemas = &report.renames.schemas;
    if schemas.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<details><summary>Renamed schemas: {}</summary>\n\n| old | new | shape | Rust |\n|---|---|---|---|",
        schemas.len()
    );
    for rename in schemas {
        let rust = rename.rust.as_ref().map_or_else(
            || "no type in both crates".to_owned(),
            |rust| {
                format!(
                    "**breaking**: `{}` is now `{}`; `{}` would soften it",
                    rust.old_path, rust.new_path, rust.alias
                )
            },
        );
        let shape = if rename.shape_changed {
            "changed (see the spec changes)"
        } else {
            "the same"
        };
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {shape} | {rust} |",
            rename.old, rename.new
        );
    }
    out.push_str("\n</details>\n\n");
}

fn rust_rows(report: &Report, out: &mut String) {
    if report.rust_api.is_empty() {
        return;
    }
    let breaking = report
        .rust_api
        .iter()
        .filter(|change| change.class == Class::Breaking)
        .count();
    let _ = writeln!(
        out,
        "<details><summary>Rust API of `{}`: {} ({breaking} breaking), in {}</summary>\n\n| | item | change |\n|---|---|---|",
        report.crate_name,
        count(report.rust_api.len(), "item"),
        count(report.rust_api_groups.len(), "row"),
    );
    for group in &report.rust_api_groups {
        let note = group
            .note
            .map(|note| format!("; {note}"))
            .unwrap_or_default();
        let item = if group.types.is_empty() {
            format!("`{}`", cell(&group.item))
        } else {
            format!(
                "`{}` in {} types: {}",
                cell(&group.item),
                group.types.len(),
                listed(&group.types, |ty| format!("`{ty}`"))
            )
        };
        let _ = writeln!(
            out,
            "| {} | {item} | {}{note} |",
            class(group.class),
            cell(&group.change),
        );
    }
    out.push_str("\n</details>\n\n");
}

/// Where a group was found: its schemas, then its operations; `brief`
/// (for the summary) counts the operations instead of naming several.
fn places(report: &Report, group: &Group, brief: bool) -> String {
    let mut parts = Vec::new();
    match group.schemas.as_slice() {
        [] => {}
        [one] => parts.push(format!("in `{one}`")),
        many => parts.push(format!(
            "in {} schemas: {}",
            many.len(),
            listed(many, |name| format!("`{name}`"))
        )),
    }
    let operations = &group.operations;
    parts.push(if group.on_every_operation(report.summary.operations) {
        "on every operation".to_owned()
    } else if let [one] = operations.as_slice() {
        format!("`{one}`")
    } else if brief {
        count(operations.len(), "operation")
    } else {
        format!(
            "{} operations: {}",
            operations.len(),
            listed(operations, |op| format!("`{op}`"))
        )
    });
    parts.join("; ")
}

/// The first few of `items`, then `…` for the rest.
fn listed(items: &[String], show: impl Fn(&str) -> String) -> String {
    let mut shown: Vec<String> = items
        .iter()
        .take(PLACES_LISTED)
        .map(|item| show(item.as_str()))
        .collect();
    if items.len() > PLACES_LISTED {
        shown.push("…".to_owned());
    }
    shown.join(", ")
}

fn more(out: &mut String, total: usize, shown: usize) {
    if total > shown {
        let _ = writeln!(out, "- …and {} more, in the rows below.", total - shown);
    }
}

fn marker(group: &Group) -> &'static str {
    match (group.class, group.wire_breaking) {
        (Class::Breaking, true) => "**breaking on the wire:** ",
        (Class::Breaking, false) => "**breaking:** ",
        (Class::NonBreaking, _) => "",
    }
}

fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
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
