//! `Error<E>`: why an operation failed, and the answers it keeps
//! (`ApiError`, `UnexpectedResponse`). Its text names the operation, the
//! status or what happened on the way; never a token or a body. `Debug`
//! shows a body as received by its length only, and a decode error by its
//! kind and place, whose message can quote the body.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::transport::transport_cause;

/// Why an operation failed. `E` is the operation's own enum of the error
/// bodies its spec declares, by status.
///
/// `Display` names the operation and the status only: never the token, and
/// never a body, which may carry contact data.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// Refused before anything was sent.
    InvalidRequest(String),
    /// Connecting, sending, or reading the answer failed.
    Transport(reqwest::Error),
    /// A status the operation declares as an error, with its typed body.
    Api(ApiError<E>),
    /// A refusal the spec does not declare: an unknown status, or an error
    /// body that does not decode as declared (such as an HTML error page).
    /// Never a 2xx.
    UnexpectedResponse(UnexpectedResponse),
    /// The server accepted the request (a 2xx), so it was applied, but the
    /// answer cannot be decoded: it is not JSON, or it lacks what the
    /// success type cannot do without (for HighLevel, `contact.id`). Do not
    /// send it again as if it had failed.
    AcceptedUndecodable(UnexpectedResponse),
    /// The request may have been applied, and repeating it is not known to
    /// be safe: a timeout or a connection dropped after sending, or a 5xx,
    /// for a request its operation's retry rule does not allow to repeat
    /// (an upsert without every field the server matches on). `cause` is
    /// what happened (`Transport`, `Api` or `UnexpectedResponse`). Settle it
    /// by reading the resource before sending anything again.
    OutcomeUnknown {
        operation: &'static str,
        cause: Box<Error<E>>,
    },
    /// Not sent: no token could be had (the OAuth renewal failed, or the
    /// new refresh token could not be stored).
    Token(String),
    /// Not sent: a rate-limit window the server reports as spent frees up
    /// later than the retry policy's longest wait.
    RateLimited(String),
    /// Not sent: the shared store of the rate budget (Redis) could not be
    /// reached, or was gone for longer than a reconnection takes. Sending
    /// anyway could exceed the budget other processes count on.
    RateStore(String),
    /// The generated client reached a state it does not expect.
    Internal(String),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(error) => Some(error.status),
            Error::UnexpectedResponse(response) | Error::AcceptedUndecodable(response) => {
                Some(response.status)
            }
            Error::OutcomeUnknown { cause, .. } => cause.status(),
            Error::Transport(error) => error.status(),
            Error::InvalidRequest(_)
            | Error::Token(_)
            | Error::RateLimited(_)
            | Error::RateStore(_)
            | Error::Internal(_) => None,
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(reason) => write!(f, "invalid request: {reason}"),
            Error::Transport(error) => {
                let host = error
                    .url()
                    .and_then(|url| url.host_str())
                    .unwrap_or("the server");
                write!(f, "no answer from {host}: {}", transport_cause(error))
            }
            Error::Api(error) => {
                write!(
                    f,
                    "{} failed: the server answered {}",
                    error.operation, error.status
                )
            }
            Error::UnexpectedResponse(response) => {
                write!(
                    f,
                    "{}: unexpected answer {}",
                    response.operation, response.status
                )?;
                match &response.decode_error {
                    Some(error) if error.is_syntax() || error.is_eof() => {
                        f.write_str(" with a body that is not JSON")
                    }
                    Some(_) => f.write_str(" with a body that does not match the spec"),
                    None => Ok(()),
                }
            }
            Error::AcceptedUndecodable(response) => {
                write!(
                    f,
                    "{}: the server accepted the request ({}) but its answer cannot be decoded",
                    response.operation, response.status
                )?;
                match &response.decode_error {
                    Some(error) if error.is_syntax() || error.is_eof() => {
                        f.write_str(": the body is not JSON")
                    }
                    Some(_) => f.write_str(": the body lacks what the spec requires"),
                    None => Ok(()),
                }
            }
            Error::OutcomeUnknown { operation, cause } => {
                write!(
                    f,
                    "{operation}: the request may have been applied, and repeating it is not known to be safe ({cause})"
                )
            }
            Error::Token(reason) => write!(f, "not sent, no token: {reason}"),
            Error::RateLimited(reason) | Error::RateStore(reason) => {
                write!(f, "not sent: {reason}")
            }
            Error::Internal(reason) => write!(f, "internal client error: {reason}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    // A decode error is not a source: its message can quote body content.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(source) => Some(source),
            Error::OutcomeUnknown { cause, .. } => match cause.as_ref() {
                Error::Transport(source) => Some(source),
                _ => None,
            },
            _ => None,
        }
    }
}

/// A declared error answer.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// The spec's `operationId`.
    pub operation: &'static str,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: E,
    /// The body exactly as received.
    pub raw_body: Bytes,
}

impl<E> ApiError<E> {
    /// The whole body as JSON, with the fields the typed `body` does not
    /// declare (servers add some, such as a `traceId`).
    pub fn raw_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.raw_body).ok()
    }
}

/// An answer the client could not decode as the spec declares, kept whole.
#[non_exhaustive]
pub struct UnexpectedResponse {
    /// The spec's `operationId`.
    pub operation: &'static str,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Why the body did not decode, when the status was declared.
    pub decode_error: Option<serde_json::Error>,
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("raw_body", &format_args!("<{} bytes>", self.raw_body.len()))
            .finish()
    }
}

impl fmt::Debug for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let decode_error = self.decode_error.as_ref().map(|error| {
            format!(
                "{:?} error at line {} column {}",
                error.classify(),
                error.line(),
                error.column()
            )
        });
        f.debug_struct("UnexpectedResponse")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("decode_error", &decode_error)
            .finish()
    }
}
