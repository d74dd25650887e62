//! Reading the JSON value into `openapiv3` types with errors located as
//! deep as possible.

use openapiv3::{
    Callback, Example, Header, Link, OpenAPI, Operation, Parameter, PathItem, ReferenceOr,
    RequestBody, Response, Schema, SecurityScheme,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;
use crate::rules::METHODS;
use crate::rules::pointer;

pub(crate) fn deserialize(document: &Value) -> Result<OpenAPI, Error> {
    let whole = parse::<OpenAPI>(&[], document);
    if whole.is_ok() {
        return whole;
    }
    // `openapiv3` flattens maps (responses by status, extensions), which
    // hides where inside them a value went wrong; parsing the parts one by
    // one recovers the location.
    locate_in_paths(document)?;
    locate_in_components(document)?;
    whole
}

fn parse<T: DeserializeOwned>(at: &[&str], value: &Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner: Vec<String> = e.path().iter().map(|segment| segment.to_string()).collect();
        let inner: Vec<&str> = inner
            .iter()
            .map(String::as_str)
            .filter(|s| *s != "?")
            .collect();
        let location = pointer(at.iter().copied().chain(inner));
        Error::at(
            location,
            format!("not valid OpenAPI 3.0 here: {}", e.inner()),
        )
    })
}

/// `ReferenceOr` is untagged, which hides where inside the item an error
/// lies; parse the item itself unless it is a reference.
fn parse_item<T: DeserializeOwned>(at: &[&str], value: &Value) -> Result<(), Error> {
    if value.get("$ref").is_some() {
        parse::<ReferenceOr<T>>(at, value).map(drop)
    } else {
        parse::<T>(at, value).map(drop)
    }
}

fn entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

fn locate_in_paths(document: &Value) -> Result<(), Error> {
    for (path, item) in entries(document.get("paths")) {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            for (status, response) in entries(operation.get("responses")) {
                parse_item::<Response>(&["paths", path, method, "responses", status], response)?;
            }
            parse_item::<Operation>(&["paths", path, method], operation)?;
        }
        parse_item::<PathItem>(&["paths", path], item)?;
    }
    Ok(())
}

fn locate_in_components(document: &Value) -> Result<(), Error> {
    let components = document.get("components");
    let section = |name: &'static str| {
        entries(components.and_then(|c| c.get(name))).map(move |(k, v)| (name, k, v))
    };
    for (kind, name, value) in section("schemas") {
        parse_item::<Schema>(&["components", kind, name], value)?;
    }
    for (kind, name, value) in section("responses") {
        parse_item::<Response>(&["components", kind, name], value)?;
    }
    for (kind, name, value) in section("parameters") {
        parse_item::<Parameter>(&["components", kind, name], value)?;
    }
    for (kind, name, value) in section("requestBodies") {
        parse_item::<RequestBody>(&["components", kind, name], value)?;
    }
    for (kind, name, value) in section("headers") {
        parse_item::<Header>(&["components", kind, name], value)?;
    }
    for (kind, name, value) in section("securitySchemes") {
        parse_item::<SecurityScheme>(&["components", kind, name], value)?;
    }
    for (kind, name, value) in section("examples") {
        parse_item::<Example>(&["components", kind, name], value)?;
    }
    for (kind, name, value) in section("links") {
        parse_item::<Link>(&["components", kind, name], value)?;
    }
    for (kind, name, value) in section("callbacks") {
        parse_item::<Callback>(&["components", kind, name], value)?;
    }
    Ok(())
}
