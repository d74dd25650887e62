//! The pre-pass: rewrites a valid spec into one progenitor can take, and
//! records what it took out so `emit` can put it back as generated code.
//!
//! Progenitor panics on an operation whose error statuses carry different
//! bodies, turns every header into a per-call argument, and ignores
//! `securitySchemes`. So, for every operation:
//! - a required header whose schema allows exactly one value is removed and
//!   becomes a constant the client sends itself;
//! - all responses are removed (`responses`): each becomes a
//!   `model::ResponseCase` and the generated facade decodes the answer by
//!   status. Inline response schemas are first hoisted into
//!   `components/schemas` so typify names them;
//! - the security requirements become the model's schemes (each with its
//!   `model::CredentialKind`) and each operation's alternatives
//!   (`security`).
//! - a query or header parameter with `x-rust-name` is shown to progenitor
//!   under that name, and its wire name kept (`parameter_names`);
//! - a query parameter in a style progenitor does not write is shown to it
//!   as `form`, and its style kept in the model (`query_styles`);
//! - a request body in a media type progenitor does not send by name is
//!   shown to it as one it does, and the real one becomes a constant
//!   `content-type` header (`bodies`).

mod bodies;
mod parameter_names;
mod query_styles;
mod responses;
mod security;

use openapiv3::{OpenAPI, Operation as SpecOperation, Parameter, ReferenceOr};

use crate::error::{Error, Repair};
use crate::model::{Api, Operation, RateWindowSpec, Retry};
use crate::request_bodies::{MediaKind, media_kind};
use crate::rules::{self, pointer};
use responses::take_responses;
use security::{Security, oauth_token_url};

pub(crate) struct Lowered {
    pub spec: OpenAPI,
    pub api: Api,
    /// Security alternatives left out, because the client cannot send them.
    pub notes: Vec<Repair>,
}

/// `document` is the JSON `spec` was read from: the rules shared with
/// `xtask diff` read it.
pub(crate) fn lower(document: &serde_json::Value, mut spec: OpenAPI) -> Result<Lowered, Error> {
    let mut security = Security::read(&spec)?;
    let components = spec.components.get_or_insert_with(Default::default);
    let mut operations = Vec::new();
    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            return Err(Error::at(
                pointer(["paths", path]),
                "path item `$ref` is not supported",
            ));
        };
        operations.extend(lower_path_item(
            document,
            &mut security,
            path,
            item,
            components,
        )?);
    }
    spec.info.version = header_safe(&spec.info.version);
    let api = Api {
        title: spec.info.title.clone(),
        description: spec.info.description.clone(),
        default_base_url: default_base_url(&spec),
        security_schemes: security.used_schemes(),
        operations,
        rate_windows: rate_windows(&spec)?,
        oauth_token_url: oauth_token_url(&spec),
        schemas: Default::default(),
        unions: Default::default(),
    };
    Ok(Lowered {
        spec,
        api,
        notes: security.notes,
    })
}

/// The operations of one path, each with what was taken out of it.
fn lower_path_item(
    document: &serde_json::Value,
    security: &mut Security,
    path: &str,
    item: &mut openapiv3::PathItem,
    components: &mut openapiv3::Components,
) -> Result<Vec<Operation>, Error> {
    let path_constants = take_constant_headers(
        document,
        &pointer(["paths", path]),
        &mut item.parameters,
        components,
    );
    let path_level_names = path_parameter_names(&item.parameters, components);
    let path_level_renames = parameter_names::take_rust_names(&mut item.parameters, components);
    let path_level_styles = query_styles::take_query_styles(&mut item.parameters, components);
    let mut operations = Vec::new();
    for (method, slot) in operations_mut(item) {
        let Some(operation) = slot else { continue };
        let at = pointer(["paths", path, method]);
        let id = operation.operation_id.clone().unwrap_or_default();
        let mut constant_headers = path_constants.clone();
        constant_headers.extend(take_constant_headers(
            document,
            &at,
            &mut operation.parameters,
            components,
        ));
        let alternatives = security.alternatives(&at, operation)?;
        let mut renamed_parameters = path_level_renames.clone();
        renamed_parameters.extend(parameter_names::take_rust_names(
            &mut operation.parameters,
            components,
        ));
        let mut query_styles =
            query_styles::take_query_styles(&mut operation.parameters, components);
        // The operation's own parameter overrides the path item's.
        query_styles.extend(
            path_level_styles
                .iter()
                .filter(|(name, _)| !declares_query(&operation.parameters, name, components))
                .cloned(),
        );
        let sent_as = bodies::rename_media_type(operation, components);
        let multipart_body = sent_as.as_ref().is_some_and(|sent| sent.multipart);
        constant_headers.extend(sent_as.map(|sent| ("content-type".to_owned(), sent.content_type)));
        let request_body = hoist_request_body(operation, &id, components);
        let path_parameters = path_level_names
            .iter()
            .cloned()
            .chain(path_parameter_names(&operation.parameters, components))
            .collect();
        let responses = take_responses(&at, &id, operation, components)?;
        let retry = retry_rule(&at, method, operation)?;
        let rust_example = operation
            .extensions
            .get("x-rust-example")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        operations.push(Operation {
            id,
            method,
            path: path.to_owned(),
            request_body,
            multipart_body,
            path_parameters,
            rust_example,
            retry,
            constant_headers,
            query_styles,
            renamed_parameters,
            security: alternatives,
            responses,
        });
    }
    Ok(operations)
}

/// Removes the constant headers from `parameters` (those of the path item
/// or operation at `at`) and returns them as `(name, value)` pairs.
fn take_constant_headers(
    document: &serde_json::Value,
    at: &str,
    parameters: &mut Vec<ReferenceOr<Parameter>>,
    components: &openapiv3::Components,
) -> Vec<(String, String)> {
    let mut constants = Vec::new();
    for (index, parameter) in std::mem::take(parameters).into_iter().enumerate() {
        let parameter_at = format!("{at}/parameters/{index}");
        match constant_header(document, &parameter_at, &parameter, components) {
            Some(constant) => constants.push(constant),
            None => parameters.push(parameter),
        }
    }
    constants
}

/// Progenitor puts `info.version` into a header with
/// `HeaderValue::from_static`, which panics at run time on bytes a header
/// cannot carry. The client removes that header anyway; this makes sure
/// building it cannot panic.
fn header_safe(version: &str) -> String {
    version
        .chars()
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn operations_mut(
    item: &mut openapiv3::PathItem,
) -> [(&'static str, &mut Option<SpecOperation>); 8] {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("options", &mut item.options),
        ("head", &mut item.head),
        ("patch", &mut item.patch),
        ("trace", &mut item.trace),
    ]
}

/// A required header whose schema admits exactly one string
/// ([`rules::constant_header_value`]) is not a choice for the caller: it
/// becomes `(name, value)` sent on every request. `at` points at the
/// parameter in `document`, the JSON the spec was read from.
fn constant_header(
    document: &serde_json::Value,
    at: &str,
    parameter: &ReferenceOr<Parameter>,
    components: &openapiv3::Components,
) -> Option<(String, String)> {
    let value = rules::constant_header_value(document, document.pointer(at)?)?;
    let name = &resolve_parameter(parameter, components)?
        .parameter_data_ref()
        .name;
    Some((name.clone(), value.to_owned()))
}

fn rate_windows(spec: &OpenAPI) -> Result<Vec<RateWindowSpec>, Error> {
    let Some(declared) = spec.extensions.get("x-rate-limits") else {
        return Ok(Vec::new());
    };
    let fail = |at: String, reason: &str| Error::at(at, reason.to_owned());
    let windows = declared
        .as_array()
        .ok_or_else(|| fail("/x-rate-limits".into(), "must be a list of windows"))?;
    windows
        .iter()
        .enumerate()
        .map(|(index, window)| {
            let at = format!("/x-rate-limits/{index}");
            let number = |key: &str| {
                window
                    .get(key)
                    .and_then(serde_json::Value::as_u64)
                    .filter(|n| *n > 0)
                    .ok_or_else(|| fail(format!("{at}/{key}"), "must be a positive whole number"))
            };
            let header = |key: &str| {
                window
                    .get(key)
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_ascii_lowercase)
            };
            Ok(RateWindowSpec {
                requests: number("requests")?,
                milliseconds: number("milliseconds")?,
                limit_header: header("limit-header"),
                remaining_header: header("remaining-header"),
            })
        })
        .collect()
}

fn retry_rule(at: &str, method: &str, operation: &SpecOperation) -> Result<Retry, Error> {
    if matches!(
        method,
        "get" | "put" | "delete" | "head" | "options" | "trace"
    ) {
        return Ok(Retry::Idempotent);
    }
    let Some(rule) = operation.extensions.get("x-retry-safe-when") else {
        return Ok(Retry::ConnectErrorsOnly);
    };
    if !rule.is_object() {
        return Err(Error::at(
            format!("{at}/x-retry-safe-when"),
            "must be a mapping of conditions",
        ));
    }
    let names = |key: &str| -> Result<Vec<String>, Error> {
        match rule.get(key) {
            None => Ok(Vec::new()),
            Some(list) => list
                .as_array()
                .and_then(|items| {
                    items
                        .iter()
                        .map(|item| item.as_str().map(str::to_owned))
                        .collect()
                })
                .ok_or_else(|| {
                    Error::at(
                        format!("{at}/x-retry-safe-when/{key}"),
                        "must be a list of property names",
                    )
                }),
        }
    };
    let known = ["not-true", "all-present", "any-present"];
    if let Some(other) = rule
        .as_object()
        .and_then(|map| map.keys().find(|key| !known.contains(&key.as_str())))
    {
        return Err(Error::at(
            format!("{at}/x-retry-safe-when"),
            format!("unknown condition `{other}` (known: not-true, all-present, any-present)"),
        ));
    }
    Ok(Retry::WhenBody {
        not_true: names("not-true")?,
        all_present: names("all-present")?,
        any_present: names("any-present")?,
    })
}

fn path_parameter_names(
    parameters: &[ReferenceOr<Parameter>],
    components: &openapiv3::Components,
) -> Vec<String> {
    parameters
        .iter()
        .filter_map(
            |parameter| match resolve_parameter(parameter, components)? {
                Parameter::Path { parameter_data, .. } => Some(parameter_data.name.clone()),
                _ => None,
            },
        )
        .collect()
}

fn declares_query(
    parameters: &[ReferenceOr<Parameter>],
    name: &str,
    components: &openapiv3::Components,
) -> bool {
    parameters.iter().any(|parameter| {
        matches!(resolve_parameter(parameter, components),
            Some(Parameter::Query { parameter_data, .. }) if parameter_data.name == name)
    })
}

fn resolve_parameter<'p>(
    parameter: &'p ReferenceOr<Parameter>,
    components: &'p openapiv3::Components,
) -> Option<&'p Parameter> {
    match parameter {
        ReferenceOr::Item(parameter) => Some(parameter),
        ReferenceOr::Reference { reference } => components
            .parameters
            .get(reference.strip_prefix("#/components/parameters/")?)?
            .as_item(),
    }
}

fn component_name<'r>(at: &str, reference: &'r str, kind: &str) -> Result<&'r str, Error> {
    reference
        .strip_prefix("#/components/")
        .and_then(|rest| rest.strip_prefix(kind))
        .and_then(|rest| rest.strip_prefix('/'))
        .ok_or_else(|| {
            Error::at(
                at,
                format!("`$ref: {reference}` must point into components/{kind}"),
            )
        })
}

/// Moves an inline JSON or form request body schema into
/// `components/schemas` as `<OperationId>Body` (the name progenitor gives
/// it), so later passes know every request type by a schema name (and give
/// it `new` and setters); returns that name.
fn hoist_request_body(
    operation: &mut SpecOperation,
    operation_id: &str,
    components: &mut openapiv3::Components,
) -> Option<String> {
    use heck::ToPascalCase;
    let body = match operation.request_body.as_mut()? {
        ReferenceOr::Item(body) => body,
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/requestBodies/")?;
            match components.request_bodies.get_mut(name)? {
                ReferenceOr::Item(body) => body,
                ReferenceOr::Reference { .. } => return None,
            }
        }
    };
    let (_, media) = body.content.iter_mut().find(|(media_type, _)| {
        matches!(media_kind(media_type), MediaKind::Json | MediaKind::Form)
    })?;
    match media.schema.as_ref()? {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .map(str::to_owned),
        ReferenceOr::Item(schema) => {
            let name = free_schema_name(format!("{}Body", operation_id.to_pascal_case()), |name| {
                components.schemas.contains_key(name)
            });
            components
                .schemas
                .insert(name.clone(), ReferenceOr::Item(schema.clone()));
            media.schema = Some(ReferenceOr::Reference {
                reference: format!("#/components/schemas/{name}"),
            });
            Some(name)
        }
    }
}

/// `base`, or `base2`, `base3`… when a schema of that name exists.
fn free_schema_name(base: String, taken: impl Fn(&str) -> bool) -> String {
    let mut candidate = base.clone();
    let mut n = 2;
    while taken(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    candidate
}

/// The first server's URL with its variables at their defaults, when it is
/// absolute; otherwise callers must name a base URL.
fn default_base_url(spec: &OpenAPI) -> Option<String> {
    let server = spec.servers.first()?;
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    let absolute = url.starts_with("https://") || url.starts_with("http://");
    (absolute && !url.contains('{')).then(|| url.trim_end_matches('/').to_owned())
}
