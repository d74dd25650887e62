use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

/// `spec/codegen.toml`: what the generated crate needs that a spec does not
/// say.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodegenConfig {
    #[serde(rename = "crate")]
    package: Package,
    #[serde(skip)]
    strict: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Package {
    name: String,
    version: String,
    description: Option<String>,
    license: Option<String>,
    readme: Option<String>,
    repository: Option<String>,
    documentation: Option<String>,
    publish: Option<bool>,
}

impl CodegenConfig {
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
        Self::parse(&text).with_context(|| path.display().to_string())
    }

    /// Settings for a crate named `name`, as `--spec/--out` use without a
    /// config file.
    pub fn named(name: &str) -> Self {
        CodegenConfig {
            package: Package {
                name: name.to_owned(),
                version: "0.1.0".to_owned(),
                description: None,
                license: None,
                readme: None,
                repository: None,
                documentation: None,
                publish: None,
            },
            strict: false,
        }
    }

    /// The README the crate's manifest names, which generation copies in.
    pub fn readme(&self) -> Option<&str> {
        self.package
            .readme
            .as_deref()
            .filter(|text| !text.is_empty())
    }

    pub fn crate_name(&self) -> &str {
        &self.package.name
    }

    pub fn version(&self) -> &str {
        &self.package.version
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        Ok(toml::from_str(text)?)
    }

    /// Refuse specs that need a repair instead of repairing them.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    pub fn with_name(mut self, name: &str) -> Self {
        name.clone_into(&mut self.package.name);
        self
    }

    pub fn settings(&self) -> codegen::Settings {
        let package = &self.package;
        let mut settings = codegen::Settings::new(&package.name)
            .version(&package.version)
            .regenerate_command(crate::REGENERATE)
            .strict(self.strict);
        if let Some(description) = &package.description {
            settings = settings.description(description);
        }
        if let Some(license) = &package.license {
            settings = settings.license(license);
        }
        let known = |value: &Option<String>| value.clone().filter(|text| !text.is_empty());
        settings
            .package_links(
                known(&package.readme),
                known(&package.repository),
                known(&package.documentation),
            )
            .publish(package.publish.unwrap_or(false))
    }
}

/// `text`, a `codegen.toml`, with the crate's version set to `version`.
/// Only that line changes, so comments and layout stay.
pub fn with_version(text: &str, version: &str) -> anyhow::Result<String> {
    let mut document: toml_edit::DocumentMut = text.parse()?;
    let current = document
        .get_mut("crate")
        .and_then(toml_edit::Item::as_table_like_mut)
        .and_then(|table| table.get_mut("version"))
        .filter(|item| item.is_str())
        .context("no `version = \"...\"` in its `[crate]` table")?;
    *current = toml_edit::value(version);
    Ok(document.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_the_version_keeps_everything_else() {
        let text =
            "# comment\n[crate]\nname = \"x\"\nversion = \"0.1.0\" # why\nlicense = \"MIT\"\n";
        assert_eq!(
            with_version(text, "0.2.0").unwrap(),
            "# comment\n[crate]\nname = \"x\"\nversion = \"0.2.0\"\nlicense = \"MIT\"\n"
        );
        assert!(with_version("[crate]\nname = \"x\"\n", "0.2.0").is_err());
    }
}
