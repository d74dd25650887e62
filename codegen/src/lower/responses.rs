//! The operations' responses, taken out of the spec progenitor sees: each
//! becomes a [`ResponseCase`] that the facade decodes by status.

use openapiv3::{Operation as SpecOperation, ReferenceOr, Response, StatusCode};

use super::{component_name, free_schema_name};
use crate::error::Error;
use crate::model::{Body, ResponseCase, Status};
use crate::request_bodies::{MediaKind, media_kind};
use crate::rules::pointer;

/// Removes the operation's responses, returning them as cases to decode.
pub(super) fn take_responses(
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
        // Where the response itself is written: here, or in `components`.
        let mut written_at = response_at.clone();
        let response: Response = match response {
            ReferenceOr::Item(response) => response,
            ReferenceOr::Reference { reference } => {
                let name = component_name(&response_at, &reference, "responses")?;
                written_at = pointer(["components", "responses", name]);
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
        let schema_location = schema_location(&written_at, &response);
        let body = response_body(&response_at, operation_id, status, &response, components)?;
        cases.push(ResponseCase {
            status,
            description: response.description,
            body,
            media_types: response.content.keys().cloned().collect(),
            schema_location,
        });
    }
    cases.sort_by_key(|case| case.status);
    Ok(cases)
}

/// Where the schema of the JSON body of `response` (written at `at`) is
/// declared, as a URI fragment: the `$ref` target, or the inline schema.
fn schema_location(at: &str, response: &Response) -> Option<String> {
    let (media_type, media) = response
        .content
        .iter()
        .find(|(media_type, _)| media_kind(media_type) == MediaKind::Json)?;
    Some(match media.schema.as_ref()? {
        ReferenceOr::Reference { reference } => reference.clone(),
        ReferenceOr::Item(_) => format!(
            "#{at}{}",
            pointer(["content", media_type.as_str(), "schema"])
        ),
    })
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
        .find(|(media_type, _)| media_kind(media_type) == MediaKind::Json)
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
