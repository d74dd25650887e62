//! The runtime's optional parts: a module, the cargo feature that gates it
//! in `client-runtime` (so the runtime compiles and is tested with it), and
//! the dependency only it needs. A generated crate carries a part, always
//! on, when its spec uses it, and leaves the module, the feature and the
//! dependency out otherwise; its users never see the feature.

use crate::model::{Api, CredentialKind};
use crate::render::RUNTIME_FILES;

/// One optional part of the runtime.
pub(crate) struct Part {
    /// The feature of `client-runtime` that gates it.
    pub feature: &'static str,
    /// Its file in `src/`, declared in `lib.rs` under `#[cfg(feature)]`.
    pub module: &'static str,
    /// The dependency only it uses, optional in the runtime's manifest.
    pub dependency: &'static str,
}

pub(crate) const PARTS: &[Part] = &[Part {
    feature: "http-basic",
    module: "basic",
    dependency: "base64",
}];

/// The features of the parts `api` uses: `http-basic` for a `basic` scheme.
pub(crate) fn used(api: &Api) -> Vec<&'static str> {
    let basic = api
        .security_schemes
        .iter()
        .any(|scheme| scheme.kind == CredentialKind::Basic);
    basic.then_some("http-basic").into_iter().collect()
}

/// The runtime's files for a crate that uses the parts `used`: without the
/// modules of the others, and with the used ones declared unconditionally.
pub(crate) fn runtime_files(used: &[&str]) -> Vec<(&'static str, String)> {
    let left_out: Vec<String> = PARTS
        .iter()
        .filter(|part| !used.contains(&part.feature))
        .map(|part| format!("{}.rs", part.module))
        .collect();
    RUNTIME_FILES
        .iter()
        .filter(|(name, _)| !left_out.iter().any(|out| out == name))
        .map(|&(name, source)| {
            let source = match name {
                "mod.rs" => module_declarations(source, used),
                _ => source.to_owned(),
            };
            (name, source)
        })
        .collect()
}

/// `lib.rs` with each part's `#[cfg(feature = "…")] mod …;` made plain
/// when it is used, and removed when it is not.
fn module_declarations(lib: &str, used: &[&str]) -> String {
    let mut lib = lib.to_owned();
    for part in PARTS {
        let gate = format!("#[cfg(feature = \"{}\")]\n", part.feature);
        let declaration = format!("mod {};\n", part.module);
        let gated = format!("{gate}{declaration}");
        let plain = if used.contains(&part.feature) {
            declaration
        } else {
            String::new()
        };
        lib = lib.replace(&gated, &plain);
    }
    lib
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_is_gated_in_the_runtime_s_lib_and_manifest() {
        let (_, lib) = RUNTIME_FILES[0];
        let manifest = crate::render::RUNTIME_MANIFEST;
        for part in PARTS {
            let gated = format!(
                "#[cfg(feature = \"{}\")]\nmod {};\n",
                part.feature, part.module
            );
            assert!(lib.contains(&gated), "{}", part.module);
            assert!(
                RUNTIME_FILES
                    .iter()
                    .any(|(name, _)| *name == format!("{}.rs", part.module))
            );
            let feature = format!("{} = [\"dep:{}\"]", part.feature, part.dependency);
            assert!(manifest.contains(&feature), "{feature}");
        }
    }

    #[test]
    fn a_part_is_declared_plainly_or_left_out() {
        let files = |used: &[&str]| {
            runtime_files(used)
                .into_iter()
                .map(|(name, source)| (name.to_owned(), source))
                .collect::<std::collections::BTreeMap<_, _>>()
        };
        let with = files(&["http-basic"]);
        assert!(with["mod.rs"].contains("\nmod basic;\n"));
        assert!(!with["mod.rs"].contains("feature = \"http-basic\""));
        assert!(with.contains_key("basic.rs"));
        let without = files(&[]);
        assert!(!without["mod.rs"].contains("mod basic;"));
        assert!(!without.contains_key("basic.rs"));
    }
}
