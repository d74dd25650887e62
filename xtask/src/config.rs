use std::path::Path;

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
}

impl CodegenConfig {
    pub fn read(path: &Path) -> crate::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()).into())
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
            },
            strict: false,
        }
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
        settings
    }
}
