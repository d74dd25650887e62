//! The pre-pass: rewrites a valid spec into one progenitor can take, and
//! records what it took out so `emit` can put it back as generated code.
//!
//! Progenitor panics on an operation whose error statuses carry different
//! bodies, turns every header into a per-call argument, and ignores
//! `securitySchemes`. So, for every operation:
//! - a required header whose schema allows exactly one value is removed and
//!   becomes a constant the client sends itself;
//! - all responses are removed: each becomes a [`ResponseCase`] and the
//!   generated facade decodes the answer by status. Inline response schemas
//!   are first hoisted into `components/schemas` so typify names them;
//! - the security requirements become one [`CredentialKind`] plus a flag
//!   per operation.

use openapiv3::{
    APIKeyLocation, OpenAPI, Operation as SpecOperation, Parameter, ReferenceOr, Response,
    SecurityScheme, StatusCode,
};

use crate::error::Error;
use crate::model::{
    Api, Body, CredentialKind, Operation, RateWindowSpec, ResponseCase, Retry, Status,
};
use crate::rules::{self, pointer};

pub(crate) struct Lowered {
    pub spec: OpenAPI,
    pub api: Api,
}

/// `document` is the JSON `spec` was read from: the rules shared with
/// `xtask diff` read it.
pub(crate) fn lower(document: &serde_json::Value, mut spec: OpenAPI) -> Result<Lowered, Error> {
    let scheme_kinds = credential_kinds(&spec)?;
    let global_security = spec.security.clone();
    let components = spec.components.get_or_insert_with(Default::default);
    let mut operations = Vec::new();
    let mut credential: Option<(CredentialKind, String)> = None;

    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            return Err(Error::at(
                pointer(["paths", path]),
                "path item `$ref` is not supported",
            ));
        };
        let mut path_constants = Vec::new();
        let path_level = std::mem::take(&mut item.parameters);
        for (index, parameter) in path_level.into_iter().enumerate() {
            let at = pointer(["paths", path.as_str(), "parameters", &index.to_string()]);
            match constant_header(document, &at, &parameter, components) {
                Some(constant) => path_constants.push(constant),
                None => item.parameters.push(parameter),
            }
        }
        let path_level_names = path_parameter_names(&item.parameters, components);
        for (method, slot) in operations_mut(item) {
            let Some(operation) = slot else { continue };
            let at = pointer(["paths", path.as_str(), method]);
            let id = operation.operation_id.clone().unwrap_or_default();

            let mut constant_headers = path_constants.clone();
            let declared = std::mem::take(&mut operation.parameters);
            for (index, parameter) in declared.into_iter().enumerate() {
                let param_at = format!("{at}/parameters/{index}");
                match constant_header(document, &param_at, &parameter, components) {
                    Some(constant) => constant_headers.push(constant),
                    None => operation.parameters.push(parameter),
                }
            }

            let requirements = operation.security.as_ref().or(global_security.as_ref());
            let mut authenticated = false;
            for requirement in requirements.into_iter().flatten() {
                for name in requirement.keys() {
                    let Some(kind) = scheme_kinds.iter().find(|(n, _)| n == name) else {
                        return Err(Error::at(
                            format!("{at}/security"),
                            format!(
                                "security scheme `{name}` is not declared in components/securitySchemes"
                            ),
                        ));
                    };
                    authenticated = true;
                    match &credential {
                        Some((known, first)) if *known != kind.1 => {
                            return Err(Error::at(
                                pointer(["components", "securitySchemes", name]),
                                format!(
                                    "operations need different credential kinds (`{first}` and `{name}`); one client holds one credential"
                                ),
                            ));
                        }
                        Some(_) => {}
                        None => credential = Some((kind.1.clone(), name.clone())),
                    }
                }
            }

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
                path: path.clone(),
                request_body,
                path_parameters,
                rust_example,
                retry,
                constant_headers,
                authenticated,
                responses,
            });
        }
    }

    // Progenitor puts `info.version` into a header with `HeaderValue::from_static`,
    // which panics at run time on bytes a header cannot carry. The client
    // removes that header anyway; make sure building it cannot panic.
    spec.info.version = spec
        .info
        .version
        .chars()
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '_'
            }
        })
        .collect();
    let rate_windows = rate_windows(&spec)?;
    let api = Api {
        title: spec.info.title.clone(),
        description: spec.info.description.clone(),
        default_base_url: default_base_url(&spec),
        credential_kind: credential.map(|(kind, _)| kind),
        operations,
        rate_windows,
        oauth_token_url: oauth_token_url(&spec),
        schemas: Default::default(),
    };
    Ok(Lowered { spec, api })
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

fn credential_kinds(spec: &OpenAPI) -> Result<Vec<(String, CredentialKind)>, Error> {
    let Some(components) = &spec.components else {
        return Ok(Vec::new());
    };
    let mut kinds = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let at = pointer(["components", "securitySchemes", name]);
        let ReferenceOr::Item(scheme) = scheme else {
            return Err(Error::at(at, "security scheme `$ref` is not supported"));
        };
        let kind = match scheme {
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                CredentialKind::Bearer
            }
            SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => {
                CredentialKind::Bearer
            }
            SecurityScheme::APIKey {
                location: APIKeyLocation::Header,
                name,
                ..
            } => {
                let token_char =
                    |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
                if name.is_empty() || !name.chars().all(token_char) {
                    return Err(Error::at(
                        format!("{at}/name"),
                        format!("`{name}` is not a valid header name"),
                    ));
                }
                CredentialKind::Header { name: name.clone() }
            }
            SecurityScheme::HTTP { scheme, .. } => {
                return Err(Error::at(
                    at,
                    format!("HTTP `{scheme}` authentication is not supported (bearer is)"),
                ));
            }
            SecurityScheme::APIKey { .. } => {
                return Err(Error::at(
                    at,
                    "API keys are supported in headers only, not in query or cookie",
                ));
            }
        };
        kinds.push((name.clone(), kind));
    }
    Ok(kinds)
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

fn oauth_token_url(spec: &OpenAPI) -> Option<String> {
    let components = spec.components.as_ref()?;
    components
        .security_schemes
        .values()
        .find_map(|scheme| match scheme.as_item()? {
            SecurityScheme::OAuth2 { flows, .. } => {
                let authorization_code = flows
                    .authorization_code
                    .as_ref()
                    .map(|f| (f.refresh_url.as_ref(), &f.token_url));
                let client_credentials = flows
                    .client_credentials
                    .as_ref()
                    .map(|f| (f.refresh_url.as_ref(), &f.token_url));
                let password = flows
                    .password
                    .as_ref()
                    .map(|f| (f.refresh_url.as_ref(), &f.token_url));
                let (refresh, token) = authorization_code.or(client_credentials).or(password)?;
                Some(refresh.unwrap_or(token).clone())
            }
            _ => None,
        })
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

/// Moves an inline JSON request body schema into `components/schemas` as
/// `<OperationId>Body` (the name progenitor gives it), so later passes know
/// every request type by a schema name; returns that name.
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
    let (_, media) = body
        .content
        .iter_mut()
        .find(|(media_type, _)| is_json(media_type))?;
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

/// Removes the operation's responses, returning them as cases to decode.
fn take_responses(
    at: &str,
    operation_id: &str,
    operation: &mut SpecOperation,
    components: &mut openapiv3::Components,
) -> Result<Vec<ResponseCase>, Error> {
    let declared = std::mem::take(&mut operation.responses);
    let statuses = declared
        .responses
        .into_iter()
        .map(|(code, response)| {
            let status = match code {
                StatusCode::Code(code) => Status::Code(code),
                StatusCode::Range(class) => Status::Range(class),
            };
            (status, response)
        })
        .chain(declared.default.map(|response| (Status::Default, response)));

    let mut cases = Vec::new();
    for (status, response) in statuses {
        let key = match status {
            Status::Code(code) => code.to_string(),
            Status::Range(class) => format!("{class}XX"),
            Status::Default => "default".to_owned(),
        };
        let response_at = format!("{at}/responses/{key}");
        let response: Response = match response {
            ReferenceOr::Item(response) => response,
            ReferenceOr::Reference { reference } => {
                let name = component_name(&response_at, &reference, "responses")?;
                match components.responses.get(name) {
                    Some(ReferenceOr::Item(response)) => response.clone(),
                    _ => {
                        return Err(Error::at(
                            response_at,
                            format!("`$ref: {reference}` is not a response"),
                        ));
                    }
                }
            }
        };
        let body = response_body(&response_at, operation_id, status, &response, components)?;
        cases.push(ResponseCase {
            status,
            description: response.description,
            body,
        });
    }
    cases.sort_by_key(|case| case.status);
    Ok(cases)
}

fn response_body(
    at: &str,
    operation_id: &str,
    status: Status,
    response: &Response,
    components: &mut openapiv3::Components,
) -> Result<Body, Error> {
    if response.content.is_empty() {
        return Ok(Body::None);
    }
    let Some((_, media)) = response
        .content
        .iter()
        .find(|(media_type, _)| is_json(media_type))
    else {
        // Text, HTML, binary or `*/*`: the caller gets the bytes.
        return Ok(Body::Bytes);
    };
    match &media.schema {
        None => Ok(Body::AnyJson),
        Some(ReferenceOr::Reference { reference }) => Ok(Body::Schema(
            component_name(at, reference, "schemas")?.to_owned(),
        )),
        Some(ReferenceOr::Item(schema)) => {
            let name = hoisted_name(operation_id, status, components);
            components
                .schemas
                .insert(name.clone(), ReferenceOr::Item(schema.clone()));
            Ok(Body::Schema(name))
        }
    }
}

pub(crate) fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// A free name for an inline response schema: `<OperationId>Response` for a
/// success (progenitor's own choice), `<OperationId><Status>` otherwise.
fn hoisted_name(operation_id: &str, status: Status, components: &openapiv3::Components) -> String {
    use heck::ToPascalCase;
    let suffix = match status {
        _ if status.is_success() => "Response".to_owned(),
        Status::Code(code) => format!("Status{code}"),
        Status::Range(class) => format!("Status{class}xx"),
        Status::Default => "DefaultResponse".to_owned(),
    };
    free_schema_name(
        format!("{}{suffix}", operation_id.to_pascal_case()),
        |name| components.schemas.contains_key(name),
    )
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
