//! One HTTP request, in the order a server meets it: the mock's own endpoints, an injected
//! fault, the token, the rate limit, the delay, the operation's constant headers, then the
//! operation itself (its successes drifted, when asked). Every API answer carries the `X-RateLimit-*` headers.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use highlevel_contacts::types::{BadRequestError, TooManyRequestsError, UnauthorizedError};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value, json};

use crate::checks::declared;
use crate::config::Fault;
use crate::drift::drifted;
use crate::routes::{serve, served_operation};
use crate::server::{Shared, State};

type Answer = Response<Full<Bytes>>;

/// Returned by the service to make hyper close the connection unanswered.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

fn json_answer(status: StatusCode, body: &Value) -> Answer {
    let mut answer = Response::new(Full::new(Bytes::from(body.to_string())));
    *answer.status_mut() = status;
    answer
        .headers_mut()
        .insert("content-type", "application/json".parse().expect("valid"));
    answer
}

pub(crate) async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Answer, DropConnection> {
    let path = request.uri().path().to_owned();
    if let Some(answer) = mock_route(&shared, request.method(), &path) {
        return Ok(answer);
    }
    let (fault, mut delay) = {
        let mut state = shared.lock();
        state.stats.requests += 1;
        (state.faults.pop_front(), state.delay)
    };
    match fault {
        Some(Fault::Drop) => return Err(DropConnection),
        Some(Fault::Status(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            // Any status can be injected, most of them undeclared: plain JSON.
            let body = json!({"statusCode": status.as_u16(), "message": "injected fault"});
            return Ok(json_answer(status, &body));
        }
        Some(Fault::Delay(extra)) => delay += extra,
        None => {}
    }
    let method = request.method().clone();
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let token = header("authorization").and_then(|v| v.strip_prefix("Bearer "));
    let authorized = token.is_some_and(|token| token == shared.lock().token);
    let operation = served_operation(&method, &path);
    // Headers the spec fixes for the operation (`Version: 2021-07-28`).
    let missing_constant = operation.as_ref().and_then(|(policy, _)| {
        policy
            .constant
            .iter()
            .find(|(name, value)| header(name) != Some(*value))
            .map(|(name, _)| *name)
    });
    // The window counts arrivals, as a server's does: before any slow answer.
    if let Some(answer) = refusal(&mut shared.lock(), authorized) {
        return Ok(answer);
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    // Read the whole body before answering, so the connection stays usable.
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Err(DropConnection),
    };
    let mut state = shared.lock();
    let (status, body) = match (operation, missing_constant) {
        (Some(_), Some(name)) => {
            let message = format!(
                "{} header is missing or not supported",
                canonical_header_name(name)
            );
            let body = json!({"statusCode": 400, "message": message, "error": "Bad Request"});
            declared::<BadRequestError>(StatusCode::BAD_REQUEST, body)
        }
        (Some((policy, id)), None) => {
            let (status, body) = serve(&mut state, policy.operation_id, id, &body);
            if state.drift {
                drifted(policy.operation_id, status, body)
            } else {
                (status, body)
            }
        }
        // No declared answer: as a web framework answers an unknown route.
        (None, _) => (
            StatusCode::NOT_FOUND,
            json!({"statusCode": 404, "message": format!("Cannot {method} {path}"), "error": "Not Found"}),
        ),
    };
    let mut answer = json_answer(status, &body);
    state.limiter.put_headers(answer.headers_mut());
    Ok(answer)
}

/// The 401 for a wrong token, or the 429 (with `Retry-After`) once the window is full;
/// otherwise the request is counted in the window.
fn refusal(state: &mut State, authorized: bool) -> Option<Answer> {
    let (status, body, retry_after) = if !authorized {
        let body = json!({"statusCode": 401, "message": "Invalid JWT", "error": "Unauthorized"});
        let (status, body) = declared::<UnauthorizedError>(StatusCode::UNAUTHORIZED, body);
        (status, body, None)
    } else if let Some(retry_after) = state.limiter.admit() {
        state.stats.rate_limited += 1;
        let body = json!({"statusCode": 429, "message": "Too Many Requests", "error": "Too Many Requests"});
        let (status, body) = declared::<TooManyRequestsError>(StatusCode::TOO_MANY_REQUESTS, body);
        (status, body, Some(retry_after))
    } else {
        return None;
    };
    let mut answer = json_answer(status, &body);
    if let Some(seconds) = retry_after {
        answer
            .headers_mut()
            .insert("retry-after", seconds.to_string().parse().expect("digits"));
    }
    state.limiter.put_headers(answer.headers_mut());
    Some(answer)
}

/// The mock's own endpoints: no token, not counted, never faulted.
fn mock_route(shared: &Shared, method: &Method, path: &str) -> Option<Answer> {
    if method != Method::GET {
        return None;
    }
    let state = shared.lock();
    match path {
        "/_mock/stats" => Some(json_answer(
            StatusCode::OK,
            &state.current_stats().to_json(),
        )),
        "/_mock/contacts" => Some(json_answer(
            StatusCode::OK,
            &Value::Array(state.store.contacts()),
        )),
        _ => None,
    }
}

/// `version` as `Version`, `x-api-key` as `X-Api-Key`: how messages spell a header whose
/// name the spec's table keeps in lower case.
fn canonical_header_name(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}
