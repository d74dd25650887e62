//! Requests checked as HighLevel checks them, by the generated crate's table of each request
//! type's properties (`RequestFields`) and by decoding into the type; answers checked by
//! decoding them into the type the spec declares for them.

use highlevel_contacts::RequestFields;
use highlevel_contacts::types::{BadRequestError, UnprocessableEntityError};
use hyper::StatusCode;
use serde_json::{Map, Value, json};

use crate::server::State;

/// Why a body is refused.
pub(crate) enum Refusal {
    /// Not a JSON object: 400.
    Malformed(String),
    /// Every fault found: 422, one message each.
    Unprocessable(Vec<String>),
}

impl Refusal {
    pub fn answer(self, state: &mut State) -> (StatusCode, Value) {
        match self {
            Refusal::Malformed(message) => declared::<BadRequestError>(
                StatusCode::BAD_REQUEST,
                json!({"statusCode": 400, "message": message, "error": "Bad Request"}),
            ),
            Refusal::Unprocessable(messages) => {
                let trace_id = state.trace_id();
                declared::<UnprocessableEntityError>(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    json!({"statusCode": 422, "message": messages, "error": "Unprocessable Entity", "traceId": trace_id}),
                )
            }
        }
    }
}

/// The body as a JSON object checked against `T`'s table of properties and type.
pub(crate) fn check_body<T>(
    body: &[u8],
    validate: fn(&T) -> Result<(), String>,
) -> Result<(Map<String, Value>, T), Refusal>
where
    T: serde::de::DeserializeOwned + RequestFields,
{
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        Refusal::Malformed(format!("Unexpected token in JSON: {}", error_text(&error)))
    })?;
    let Value::Object(object) = value else {
        return Err(Refusal::Malformed(
            "The body must be a JSON object".to_owned(),
        ));
    };
    // HighLevel lists every undeclared property, each in the spec's pattern, and every
    // other fault it finds.
    let mut messages: Vec<String> = T::undeclared(&object)
        .into_iter()
        .map(|name| UnprocessableEntityError::REJECTED_PROPERTY_PATTERN.replacen("{}", name, 1))
        .collect();
    let missing = T::missing(&object);
    messages.extend(
        missing
            .iter()
            .map(|name| format!("{name} should not be empty")),
    );
    let mut declared_only = object.clone();
    declared_only.retain(|name, _| T::field(name).is_some());
    let mut typed = None;
    if missing.is_empty() {
        match serde_json::from_value::<T>(Value::Object(declared_only)) {
            Ok(value) => match validate(&value) {
                Ok(()) => typed = Some(value),
                Err(reason) => messages.push(reason),
            },
            // A value of the wrong type.
            Err(error) => messages.push(error_text(&error)),
        }
    }
    match typed {
        Some(typed) if messages.is_empty() => Ok((object, typed)),
        _ => Err(Refusal::Unprocessable(messages)),
    }
}

/// A serde error's message without its position.
fn error_text(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// An answer the spec declares, checked by decoding it into its generated type `T`, and sent
/// as it is: like HighLevel's, the mock's answers carry what the spec does not declare (the
/// contact's stored properties), which a tolerant reader keeps in `raw_json()`. An answer
/// that does not decode is the mock's own fault, reported as a 500 naming the type.
pub(crate) fn declared<T: serde::de::DeserializeOwned>(
    status: StatusCode,
    answer: Value,
) -> (StatusCode, Value) {
    // Decoded from a borrow: the answer itself is what is sent.
    match T::deserialize(&answer) {
        Ok(_) => (status, answer),
        Err(error) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({
                "statusCode": 500,
                "message": format!("the mock's answer is not a {}: {error}", std::any::type_name::<T>()),
            }),
        ),
    }
}
