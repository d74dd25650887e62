//! Query and header parameters with `x-rust-name` (set by the `rust_names`
//! repair when two parameters give one argument, or by the spec): progenitor
//! names an argument after the parameter's name only, so it is shown the
//! Rust name, and the operation keeps `(Rust name, wire name)`;
//! `wire_names` puts the wire name back in the raw client.

use openapiv3::{Components, Parameter, ReferenceOr};

use super::resolve_parameter;

/// Renames the parameters of `parameters` that carry `x-rust-name` (a
/// shared `components/parameters` entry is copied in first) and returns
/// each `(Rust name, wire name)`.
pub(super) fn take_rust_names(
    parameters: &mut [ReferenceOr<Parameter>],
    components: &Components,
) -> Vec<(String, String)> {
    let mut renamed = Vec::new();
    for slot in parameters.iter_mut() {
        let Some(parameter) = resolve_parameter(slot, components) else {
            continue;
        };
        if matches!(parameter, Parameter::Path { .. } | Parameter::Cookie { .. }) {
            continue;
        }
        let Some(rust_name) = parameter
            .parameter_data_ref()
            .extensions
            .get("x-rust-name")
            .and_then(|name| name.as_str())
            .map(str::to_owned)
        else {
            continue;
        };
        let mut parameter = parameter.clone();
        if let Parameter::Query { parameter_data, .. } | Parameter::Header { parameter_data, .. } =
            &mut parameter
        {
            let wire_name = std::mem::replace(&mut parameter_data.name, rust_name.clone());
            renamed.push((rust_name, wire_name));
        }
        *slot = ReferenceOr::Item(parameter);
    }
    renamed
}
