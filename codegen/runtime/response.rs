//! Turning an HTTP answer into a typed result: `Response<T>` or `Error<E>`.

use std::fmt;
use std::ops::Deref;

use bytes::Bytes;
use progenitor_client::{ByteStream, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::client::HookFailure;

/// A successful answer: the decoded body plus the status and headers it came
/// with (rate-limit headers, trace ids). Derefs to the body.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The value of header `name` when present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    pub fn body(&self) -> &T {
        &self.body
    }

    pub fn into_body(self) -> T {
        self.body
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

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
    /// An answer the spec does not declare: an unknown status, or a body
    /// that does not decode as declared (such as an HTML error page).
    UnexpectedResponse(UnexpectedResponse),
    /// Not sent: no token could be had (the OAuth renewal failed, or the
    /// new refresh token could not be stored).
    Token(String),
    /// Not sent: a rate-limit window the server reports as spent frees up
    /// later than the retry policy's longest wait.
    RateLimited(String),
    /// The generated client reached a state it does not expect.
    Internal(String),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(error) => Some(error.status),
            Error::UnexpectedResponse(response) => Some(response.status),
            Error::Transport(error) => error.status(),
            Error::InvalidRequest(_) | Error::Token(_) | Error::RateLimited(_) | Error::Internal(_) => None,
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(reason) => write!(f, "invalid request: {reason}"),
            Error::Transport(_) => f.write_str("the request could not be completed"),
            Error::Api(error) => {
                write!(f, "{} failed: the server answered {}", error.operation, error.status)
            }
            Error::UnexpectedResponse(response) => {
                write!(f, "{}: unexpected answer {}", response.operation, response.status)?;
                match &response.decode_error {
                    Some(error) if error.is_syntax() || error.is_eof() => {
                        f.write_str(" with a body that is not JSON")
                    }
                    Some(_) => f.write_str(" with a body that does not match the spec"),
                    None => Ok(()),
                }
            }
            Error::Token(reason) => write!(f, "not sent, no token: {reason}"),
            Error::RateLimited(reason) => write!(f, "not sent: {reason}"),
            Error::Internal(reason) => write!(f, "internal client error: {reason}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    // A decode error is not a source: its message can quote body content.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(source) => Some(source),
            _ => None,
        }
    }
}

/// A declared error answer.
#[derive(Debug, Clone)]
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

/// An answer the spec does not declare, kept whole.
#[derive(Debug)]
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

async fn collect(mut stream: ByteStream) -> reqwest::Result<Bytes> {
    let mut body = Vec::new();
    while let Some(chunk) = std::future::poll_fn(|cx| (*stream).as_mut().poll_next(cx)).await {
        body.extend_from_slice(&chunk?);
    }
    Ok(body.into())
}

/// Decodes a body for a status, or says the status is not declared (`None`).
pub(crate) type Decoder<T> = fn(u16, &[u8]) -> Option<Result<T, serde_json::Error>>;

pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(body)
}

/// Turns what the raw progenitor method returned into a typed result.
///
/// The pre-pass removed every response from the spec progenitor saw, so an
/// answer reaches us undecoded: a 2xx as a byte stream, anything else as
/// `UnexpectedResponse`. Decoding by status happens here.
pub(crate) async fn receive<T, E>(
    operation: &'static str,
    sent: Result<ResponseValue<ByteStream>, progenitor_client::Error<()>>,
    decode_success: Decoder<T>,
    decode_error: Decoder<E>,
) -> Result<Response<T>, Error<E>> {
    use progenitor_client::Error as Raw;
    let (status, headers, body) = match sent {
        Ok(value) => {
            let (status, headers) = (value.status(), value.headers().clone());
            let body = collect(value.into_inner()).await.map_err(Error::Transport)?;
            (status, headers, body)
        }
        Err(Raw::UnexpectedResponse(response)) => {
            let (status, headers) = (response.status(), response.headers().clone());
            (status, headers, response.bytes().await.map_err(Error::Transport)?)
        }
        Err(Raw::InvalidRequest(reason)) => return Err(Error::InvalidRequest(reason)),
        // Only the request hook makes `Custom` errors.
        Err(Raw::Custom(reason)) => {
            return Err(match reason.strip_prefix(HookFailure::TOKEN) {
                Some(reason) => Error::Token(reason.to_owned()),
                None => Error::RateLimited(reason.trim_start_matches(HookFailure::RATE_LIMITED).to_owned()),
            });
        }
        Err(
            Raw::CommunicationError(error)
            | Raw::ResponseBodyError(error)
            | Raw::InvalidUpgrade(error),
        ) => return Err(Error::Transport(error)),
        Err(Raw::ErrorResponse(_) | Raw::InvalidResponsePayload(..)) => {
            return Err(Error::Internal(format!(
                "{operation}: the raw client decoded a response it was given no schema for"
            )));
        }
    };
    let unexpected = |headers, body, decode_error| {
        Error::UnexpectedResponse(UnexpectedResponse { operation, status, headers, body, decode_error })
    };
    if let Some(decoded) = decode_success(status.as_u16(), &body) {
        return match decoded {
            Ok(value) => Ok(Response { status, headers, body: value }),
            Err(error) => Err(unexpected(headers, body, Some(error))),
        };
    }
    match decode_error(status.as_u16(), &body) {
        Some(Ok(value)) => {
            Err(Error::Api(ApiError { operation, status, headers, body: value, raw_body: body }))
        }
        Some(Err(error)) => Err(unexpected(headers, body, Some(error))),
        None => Err(unexpected(headers, body, None)),
    }
}
