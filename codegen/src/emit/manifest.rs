//! The generated crate's `Cargo.toml`: the package as the settings describe
//! it, the runtime's dependencies and features, and the crates typify's types use.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value, value};

use crate::Settings;
use crate::progenitor_pass::ExternalTypes;
use crate::render::RUNTIME_MANIFEST;
use crate::runtime_parts::PARTS;

/// The manifest, under `preamble` (TOML comment lines).
/// `runtime_parts`: the features of the runtime's optional parts the spec
/// uses (`runtime_parts::used`).
pub(crate) fn manifest(
    settings: &Settings,
    uses: ExternalTypes,
    runtime_parts: &[&str],
    preamble: &str,
) -> String {
    let mut package = package(settings);
    package.decor_mut().set_prefix(format!("{preamble}\n"));
    let mut manifest = DocumentMut::new();
    let runtime: DocumentMut = RUNTIME_MANIFEST
        .parse()
        .expect("the runtime's Cargo.toml parses");
    manifest.insert("package", Item::Table(package));
    manifest.insert(
        "dependencies",
        Item::Table(dependencies(&runtime, uses, runtime_parts)),
    );
    if let Some(features) = features(&runtime) {
        manifest.insert("features", Item::Table(features));
    }
    manifest.to_string()
}

/// The runtime's features (such as `redis`, its shared rate store), each
/// off unless the crate's user turns it on; without the runtime manifest's
/// comments, and without the features of its optional parts, which a crate
/// carries always on or not at all.
fn features(runtime: &DocumentMut) -> Option<Table> {
    let features = runtime.get("features")?.as_table()?;
    let is_part = |name: &str| PARTS.iter().any(|part| part.feature == name);
    let mut table: Table = features
        .iter()
        .filter(|&(name, _)| !is_part(name))
        .filter_map(|(name, item)| {
            let mut value = item.as_value()?.clone();
            if let Value::Array(enabled) = &mut value {
                enabled.retain(|feature| !feature.as_str().is_some_and(&is_part));
                enabled.fmt();
            }
            value.decor_mut().clear();
            Some((name.to_owned(), value))
        })
        .collect();
    table.sort_values();
    Some(table)
}

fn package(settings: &Settings) -> Table {
    let mut package = Table::new();
    package.insert("name", value(settings.crate_name.as_str()));
    package.insert("version", value(settings.crate_version.as_str()));
    package.insert("edition", value("2024"));
    package.insert("rust-version", value("1.88"));
    let described = [
        ("description", &settings.description),
        ("license", &settings.license),
        ("readme", &settings.readme),
        ("repository", &settings.repository),
        ("documentation", &settings.documentation),
    ];
    for (key, text) in described {
        if let Some(text) = text {
            package.insert(key, value(text.as_str()));
        }
    }
    if !settings.publish {
        package.insert("publish", value(false));
    }
    package
}

/// The runtime's dependencies, as its manifest lists them (those of its
/// optional parts only for the parts in `runtime_parts`, and not optional
/// there), and those of typify's types that this spec uses; by name, each
/// on one line.
fn dependencies(runtime: &DocumentMut, uses: ExternalTypes, runtime_parts: &[&str]) -> Table {
    let part_of = |name: &str| PARTS.iter().find(|part| part.dependency == name);
    let mut dependencies: Vec<(String, Value)> = runtime["dependencies"]
        .as_table()
        .expect("the runtime has dependencies")
        .iter()
        .filter_map(|(name, item)| {
            let mut spec = item
                .as_value()
                .expect("the runtime's dependencies are inline")
                .clone();
            if let Some(part) = part_of(name) {
                if !runtime_parts.contains(&part.feature) {
                    return None;
                }
                if let Value::InlineTable(table) = &mut spec {
                    table.remove("optional");
                }
            }
            Some((name.to_owned(), spec))
        })
        .collect();
    if uses.chrono {
        dependencies.push((
            "chrono".to_owned(),
            detailed("0.4", Some(false), &["serde", "std"]),
        ));
    }
    if uses.regress {
        dependencies.push(("regress".to_owned(), Value::from("0.10")));
    }
    if uses.uuid {
        dependencies.push(("uuid".to_owned(), detailed("1", None, &["serde"])));
    }
    let mut table: Table = dependencies
        .into_iter()
        .map(|(name, spec)| (name, tidy(spec)))
        .collect();
    table.sort_values();
    table
}

/// `{ version, default-features, features }`.
fn detailed(version: &str, default_features: Option<bool>, features: &[&str]) -> Value {
    let mut spec = InlineTable::new();
    spec.insert("version", version.into());
    if let Some(default_features) = default_features {
        spec.insert("default-features", default_features.into());
    }
    spec.insert(
        "features",
        Array::from_iter(features.iter().copied()).into(),
    );
    Value::InlineTable(spec)
}

/// A dependency's value without the runtime manifest's comments and
/// spacing: `version` first, as people write it, then the keys by name.
fn tidy(mut spec: Value) -> Value {
    spec.decor_mut().clear();
    if let Value::InlineTable(table) = &mut spec {
        table.sort_values_by(|key, _, other, _| {
            (key.get() != "version", key.get()).cmp(&(other.get() != "version", other.get()))
        });
        table.fmt();
    }
    spec
}
