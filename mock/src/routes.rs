//! The operations the mock serves, found by the spec's `OPERATIONS` table (method and path
//! template), and each one's checks and store step.

use highlevel_contacts::types::{UpdateContactRequest, UpsertContactRequest};
use highlevel_contacts::{OPERATIONS, OperationPolicy, RetryRule};
use hyper::{Method, StatusCode};
use serde_json::{Value, json};

use crate::checks::check_body;
use crate::server::State;

/// The operation ids (method names) of the spec's `OPERATIONS` table that the mock serves.
pub(crate) const UPSERT: &str = "upsert_contact";
const UPDATE: &str = "update_contact";

/// The spec's retry rule for Upsert Contact (`x-retry-safe-when`): its `all-present` are
/// the fields a location may match on, its `not-true` the properties that ask for a new
/// contact whatever matches.
pub(crate) fn upsert_rule() -> RetryRule {
    OperationPolicy::find(OPERATIONS, UPSERT).map_or(RetryRule::ConnectErrorsOnly, |op| op.retry)
}

/// The operation of the spec's table that `method` and `path` name, and the value of its
/// one path parameter, if it has one.
pub(crate) fn served_operation(
    method: &Method,
    path: &str,
) -> Option<(&'static OperationPolicy, Option<String>)> {
    OPERATIONS.iter().find_map(|policy| {
        if policy.method != method.as_str() {
            return None;
        }
        let mut value = None;
        let template: Vec<&str> = policy.path.split('/').collect();
        let segments: Vec<&str> = path.split('/').collect();
        if template.len() != segments.len() {
            return None;
        }
        for (expected, actual) in template.iter().zip(&segments) {
            if expected.starts_with('{') && expected.ends_with('}') {
                if actual.is_empty() {
                    return None;
                }
                value = Some((*actual).to_owned());
            } else if expected != actual {
                return None;
            }
        }
        Some((policy, value))
    })
}

/// The answer to an operation of the table: its body checked, then applied to the store.
pub(crate) fn serve(
    state: &mut State,
    operation: &str,
    path_value: Option<String>,
    body: &[u8],
) -> (StatusCode, Value) {
    match (operation, path_value) {
        (UPSERT, _) => {
            match check_body::<UpsertContactRequest>(body, UpsertContactRequest::validate) {
                Ok((object, typed)) => {
                    let trace_id = state.trace_id();
                    state.store.upsert(object, &typed, trace_id)
                }
                Err(refusal) => refusal.answer(state),
            }
        }
        (UPDATE, Some(id)) => {
            match check_body::<UpdateContactRequest>(body, UpdateContactRequest::validate) {
                Ok((object, _)) => state.store.update(&id, object),
                Err(refusal) => refusal.answer(state),
            }
        }
        _ => (
            StatusCode::NOT_FOUND,
            json!({"statusCode": 404, "message": format!("{operation} is not served"), "error": "Not Found"}),
        ),
    }
}
