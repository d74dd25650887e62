//! The generated crate's `Cargo.toml`: the package as the settings describe
//! it, the runtime's dependencies, and the crates typify's types use.

use crate::Settings;
use crate::progenitor_pass::ExternalTypes;

/// The manifest, under `preamble` (TOML comment lines).
pub(crate) fn manifest(settings: &Settings, uses: ExternalTypes, preamble: &str) -> String {
    let mut out = preamble.to_owned();
    out.push_str("\n[package]\n");
    out.push_str(&format!("name = {}\n", toml_string(&settings.crate_name)));
    out.push_str(&format!(
        "version = {}\n",
        toml_string(&settings.crate_version)
    ));
    out.push_str("edition = \"2024\"\nrust-version = \"1.88\"\n");
    if let Some(description) = &settings.description {
        out.push_str(&format!("description = {}\n", toml_string(description)));
    }
    if let Some(license) = &settings.license {
        out.push_str(&format!("license = {}\n", toml_string(license)));
    }
    for (key, value) in [
        ("readme", &settings.readme),
        ("repository", &settings.repository),
        ("documentation", &settings.documentation),
    ] {
        if let Some(value) = value {
            out.push_str(&format!("{key} = {}\n", toml_string(value)));
        }
    }
    if !settings.publish {
        out.push_str("publish = false\n");
    }
    out.push_str("\n[dependencies]\n");
    // The runtime's own dependencies, as its manifest lists them.
    let runtime: toml::Table =
        toml::from_str(crate::render::RUNTIME_MANIFEST).expect("the runtime's Cargo.toml parses");
    let mut dependencies: Vec<(String, String)> = runtime["dependencies"]
        .as_table()
        .expect("the runtime has dependencies")
        .iter()
        .map(|(name, spec)| (name.clone(), inline_toml(spec)))
        .collect();
    if uses.chrono {
        dependencies.push((
            "chrono".to_owned(),
            "{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }"
                .to_owned(),
        ));
    }
    if uses.regress {
        dependencies.push(("regress".to_owned(), "\"0.10\"".to_owned()));
    }
    if uses.uuid {
        dependencies.push((
            "uuid".to_owned(),
            "{ version = \"1\", features = [\"serde\"] }".to_owned(),
        ));
    }
    dependencies.sort();
    for (name, spec) in dependencies {
        out.push_str(&format!("{name} = {spec}\n"));
    }
    out
}

/// A dependency's TOML value on one line, keys in the manifest's order.
fn inline_toml(value: &toml::Value) -> String {
    match value {
        toml::Value::String(text) => toml_string(text),
        toml::Value::Boolean(flag) => flag.to_string(),
        toml::Value::Integer(number) => number.to_string(),
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(inline_toml).collect();
            format!("[{}]", items.join(", "))
        }
        toml::Value::Table(table) => {
            // `version` first, as people write it.
            let mut keys: Vec<&String> = table.keys().collect();
            keys.sort_by_key(|key| (key.as_str() != "version", key.as_str()));
            let pairs: Vec<String> = keys
                .into_iter()
                .map(|key| format!("{key} = {}", inline_toml(&table[key])))
                .collect();
            format!("{{ {} }}", pairs.join(", "))
        }
        other => panic!("the runtime's manifest has an unexpected value: {other:?}"),
    }
}

fn toml_string(value: &str) -> String {
    // A TOML basic string has JSON's escapes.
    serde_json::Value::String(value.to_owned()).to_string()
}
