//! Query parameters in a style progenitor does not write: `deepObject`,
//! and `form`, `spaceDelimited` and `pipeDelimited` with `explode: false`
//! (their default for the last two). Progenitor takes only `form`, which
//! it writes exploded (a list as repeated pairs), so each is shown to it
//! as that and its style is recorded in the model; `progenitor_pass` then
//! routes the parameter through `runtime::styled_query`.

use openapiv3::{Components, Parameter, QueryStyle as SpecStyle, ReferenceOr};

use super::resolve_parameter;
use crate::model::QueryStyle;

/// Rewrites the styled query parameters of `parameters` into exploded
/// `form` ones (a shared `components/parameters` entry is copied in
/// first) and returns each one's name and style.
pub(super) fn take_query_styles(
    parameters: &mut [ReferenceOr<Parameter>],
    components: &Components,
) -> Vec<(String, QueryStyle)> {
    let mut styles = Vec::new();
    for slot in parameters.iter_mut() {
        let Some(Parameter::Query {
            parameter_data,
            style,
            ..
        }) = resolve_parameter(slot, components)
        else {
            continue;
        };
        if *style == SpecStyle::Form && parameter_data.explode != Some(false) {
            continue;
        }
        let exploded = parameter_data.explode.unwrap_or(*style == SpecStyle::Form);
        let written = match (style, exploded) {
            (SpecStyle::DeepObject, _) => Some(QueryStyle::DeepObject),
            (_, true) => None,
            (SpecStyle::Form, false) => Some(QueryStyle::CommaDelimited),
            (SpecStyle::SpaceDelimited, false) => Some(QueryStyle::SpaceDelimited),
            (SpecStyle::PipeDelimited, false) => Some(QueryStyle::PipeDelimited),
        };
        let mut parameter = resolve_parameter(slot, components)
            .cloned()
            .expect("resolved above");
        if let Parameter::Query {
            parameter_data,
            style,
            ..
        } = &mut parameter
        {
            if let Some(written) = written {
                styles.push((parameter_data.name.clone(), written));
            }
            *style = SpecStyle::Form;
            parameter_data.explode = Some(true);
        }
        *slot = ReferenceOr::Item(parameter);
    }
    styles
}
