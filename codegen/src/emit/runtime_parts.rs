//! The parts of the runtime a crate carries. A runtime feature that the
//! generator resolves (`multipart`, `query_styles`, `basic`) is no feature
//! of the generated crate:
//! in a crate whose spec needs it, its module is kept and its dependencies'
//! features are on; any other crate carries neither the module nor the
//! optional dependencies it turns on.

use toml_edit::{DocumentMut, Value};

use crate::model::{Api, CredentialKind};
use crate::render::RUNTIME_FILES;

/// The runtime features the generator decides on, and whether this
/// crate's spec needs each.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RuntimeParts {
    /// A request body is `multipart/form-data` (`runtime::multipart`).
    pub multipart: bool,
    /// A query parameter has a style of its own (`runtime::query_styles`).
    pub query_styles: bool,
    /// A security scheme is HTTP `basic` (`runtime::basic`, with `base64`).
    pub basic: bool,
}

impl RuntimeParts {
    pub(crate) fn of(api: &Api) -> RuntimeParts {
        RuntimeParts {
            multipart: api.operations.iter().any(|op| op.multipart_body),
            query_styles: api.operations.iter().any(|op| !op.query_styles.is_empty()),
            basic: api
                .security_schemes
                .iter()
                .any(|scheme| scheme.kind == CredentialKind::Basic),
        }
    }

    /// Each feature (named as its module) and whether this crate keeps it.
    fn resolved(self) -> [(&'static str, bool); 3] {
        [
            ("multipart", self.multipart),
            ("query_styles", self.query_styles),
            ("basic", self.basic),
        ]
    }

    /// The runtime's files, as `(name, source)`, with the modules of the
    /// features this crate leaves out removed.
    pub(crate) fn files(self) -> Vec<(&'static str, String)> {
        let mut files = Vec::new();
        for (name, source) in RUNTIME_FILES {
            let module = name.trim_end_matches(".rs");
            let left_out = self
                .resolved()
                .iter()
                .any(|(feature, on)| !on && *feature == module);
            if !left_out {
                files.push((*name, (*source).to_owned()));
            }
        }
        if let Some((_, root)) = files.iter_mut().find(|(name, _)| *name == "mod.rs") {
            for (feature, on) in self.resolved() {
                for declaration in [format!("pub mod {feature};\n"), format!("mod {feature};\n")] {
                    let gated = format!("#[cfg(feature = \"{feature}\")]\n{declaration}");
                    let kept = if on { declaration } else { String::new() };
                    *root = root.replace(&gated, &kept);
                }
            }
        }
        files
    }

    /// Takes the resolved features out of the runtime's manifest (and out
    /// of `default`): the dependencies and dependency features each turns
    /// on become plain when it is on, and its optional dependencies go when
    /// it is off.
    pub(crate) fn resolve_manifest(self, runtime: &mut DocumentMut) {
        for (feature, on) in self.resolved() {
            let Some(enables) = runtime
                .get_mut("features")
                .and_then(|features| features.as_table_mut())
                .and_then(|features| features.remove(feature))
            else {
                continue;
            };
            let enables: Vec<String> = enables
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|entry| entry.as_str().map(str::to_owned))
                .collect();
            for entry in enables {
                enable(runtime, &entry, on);
            }
            // `default` (or another feature) may name it.
            if let Some(features) = runtime
                .get_mut("features")
                .and_then(|features| features.as_table_mut())
            {
                for (_, others) in features.iter_mut() {
                    if let Some(others) = others.as_array_mut() {
                        others.retain(|other| other.as_str() != Some(feature));
                    }
                }
            }
        }
    }
}

/// Applies one entry of a feature (`dep:x` or `x/feature`) to the
/// dependencies.
fn enable(runtime: &mut DocumentMut, entry: &str, on: bool) {
    let Some(dependencies) = runtime["dependencies"].as_table_mut() else {
        return;
    };
    if let Some(dependency) = entry.strip_prefix("dep:") {
        if !on {
            dependencies.remove(dependency);
        } else if let Some(spec) = dependencies
            .get_mut(dependency)
            .and_then(|item| item.as_inline_table_mut())
        {
            spec.remove("optional");
        }
    } else if let Some((dependency, feature)) = entry.split_once('/')
        && on
        && let Some(features) = dependencies
            .get_mut(dependency)
            .and_then(|item| item.as_inline_table_mut())
            .and_then(|spec| spec.get_mut("features"))
            .and_then(Value::as_array_mut)
    {
        features.push(feature);
    }
}
