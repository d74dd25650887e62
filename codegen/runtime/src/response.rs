//! Turning an HTTP answer into a typed result: `Response<T>` or `Error<E>`.

use std::fmt;
use std::ops::Deref;

use bytes::Bytes;
use progenitor_client::{ByteStream, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::client::HookFailure;

/// A successful answer: the decoded body plus the status and headers it came
/// with (rate-limit headers, trace ids), and the body as received. Derefs to
/// the body.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
    raw_body: Bytes,
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

    /// The body exactly as received.
    pub fn raw_body(&self) -> &Bytes {
        &self.raw_body
    }

    /// The whole body as JSON, with what the typed body does not hold:
    /// properties the spec does not declare, and values the client read as
    /// absent because they had a shape the spec does not foresee (a date
    /// that is not RFC 3339, a list where text was expected).
    pub fn raw_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.raw_body).ok()
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
            Error::OutcomeUnknown { cause, .. } => match cause.as_ref() {
                Error::Transport(source) => Some(source),
                _ => None,
            },
            _ => None,
        }
    }
}

/// What went wrong on the way, in words: from the error's kind and the
/// chain of its sources (which name no token and no body).
fn transport_cause(error: &reqwest::Error) -> &'static str {
    use std::error::Error as _;
    use std::io::ErrorKind;
    let mut chain = String::new();
    let mut io_kind = None;
    let mut invalid_data = false;
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(&cause.to_string().to_ascii_lowercase());
        chain.push('\n');
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
            invalid_data |= io.kind() == ErrorKind::InvalidData;
            // The TLS library's error sits inside the I/O error, not as its source.
            if let Some(inner) = io.get_ref() {
                chain.push_str(&inner.to_string().to_ascii_lowercase());
                chain.push('\n');
                invalid_data |= inner
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|inner| inner.kind() == ErrorKind::InvalidData);
            }
        }
        source = cause.source();
    }
    let https = error.url().is_some_and(|url| url.scheme() == "https");
    if error.is_timeout() || io_kind == Some(ErrorKind::TimedOut) {
        "the request timed out"
    } else if chain.contains("dns error") || chain.contains("failed to lookup") {
        "the host name could not be resolved (DNS)"
    } else if io_kind == Some(ErrorKind::ConnectionRefused) {
        "the connection was refused"
    } else if error.is_connect()
        && https
        && (invalid_data
            || ["tls", "certificate", "handshake", "corrupt message"]
                .iter()
                .any(|word| chain.contains(word)))
    {
        "the TLS handshake failed"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body()
        || error.is_decode()
        || chain.contains("connection closed")
        || chain.contains("incomplete")
        || matches!(
            io_kind,
            Some(ErrorKind::ConnectionReset | ErrorKind::UnexpectedEof | ErrorKind::BrokenPipe)
        )
    {
        "the connection dropped before the answer was complete"
    } else {
        "the request could not be completed"
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

/// An answer the client could not decode as the spec declares, kept whole.
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

/// The body, and the error that cut it short if one did: what was received
/// so far is kept.
async fn collect(mut stream: ByteStream) -> (Bytes, Option<reqwest::Error>) {
    let mut body = Vec::new();
    while let Some(chunk) = std::future::poll_fn(|cx| (*stream).as_mut().poll_next(cx)).await {
        match chunk {
            Ok(chunk) => body.extend_from_slice(&chunk),
            Err(error) => return (body.into(), Some(error)),
        }
    }
    (body.into(), None)
}

/// Decodes a body for a status, or says the status is not declared (`None`).
pub type Decoder<T> = fn(u16, &[u8]) -> Option<Result<T, serde_json::Error>>;

pub fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(body)
}

/// Turns what the raw progenitor method returned into a typed result.
///
/// The pre-pass removed every response from the spec progenitor saw, so an
/// answer reaches us undecoded: a 2xx as a byte stream, anything else as
/// `UnexpectedResponse`. Decoding by status happens here. A 2xx is never
/// reported as a refusal, and a failure after sending becomes
/// `OutcomeUnknown` when `repeat_safe` (asked only then) says the request
/// may not be repeated.
pub async fn receive<T, E>(
    operation: &'static str,
    sent: Result<ResponseValue<ByteStream>, progenitor_client::Error<()>>,
    decode_success: Decoder<T>,
    decode_error: Decoder<E>,
    repeat_safe: impl FnOnce() -> bool,
) -> Result<Response<T>, Error<E>> {
    use progenitor_client::Error as Raw;
    let unknown_unless_safe = |cause: Error<E>| {
        if repeat_safe() {
            cause
        } else {
            Error::OutcomeUnknown {
                operation,
                cause: Box::new(cause),
            }
        }
    };
    let (status, headers, body) = match sent {
        Ok(value) => {
            let (status, headers) = (value.status(), value.headers().clone());
            // A 2xx whose body was cut short was still applied.
            let (body, _) = collect(value.into_inner()).await;
            (status, headers, body)
        }
        Err(Raw::UnexpectedResponse(response)) => {
            let (status, headers) = (response.status(), response.headers().clone());
            match response.bytes().await {
                Ok(body) => (status, headers, body),
                Err(error) if status.is_server_error() => {
                    return Err(unknown_unless_safe(Error::Transport(error)));
                }
                Err(error) => return Err(Error::Transport(error)),
            }
        }
        Err(Raw::InvalidRequest(reason)) => return Err(Error::InvalidRequest(reason)),
        // Only the request hook makes `Custom` errors.
        Err(Raw::Custom(reason)) => {
            return Err(match reason.strip_prefix(HookFailure::TOKEN) {
                Some(reason) => Error::Token(reason.to_owned()),
                None => Error::RateLimited(
                    reason
                        .trim_start_matches(HookFailure::RATE_LIMITED)
                        .to_owned(),
                ),
            });
        }
        // Nothing reached the server: always safe to send again.
        Err(Raw::CommunicationError(error)) if error.is_connect() || error.is_builder() => {
            return Err(Error::Transport(error));
        }
        Err(
            Raw::CommunicationError(error)
            | Raw::ResponseBodyError(error)
            | Raw::InvalidUpgrade(error),
        ) => return Err(unknown_unless_safe(Error::Transport(error))),
        Err(Raw::ErrorResponse(_) | Raw::InvalidResponsePayload(..)) => {
            return Err(Error::Internal(format!(
                "{operation}: the raw client decoded a response it was given no schema for"
            )));
        }
    };
    let answer = |headers, body, decode_error| UnexpectedResponse {
        operation,
        status,
        headers,
        body,
        decode_error,
    };
    if status.is_success() {
        return match decode_success(status.as_u16(), &body) {
            Some(Ok(value)) => Ok(Response {
                status,
                headers,
                body: value,
                raw_body: body,
            }),
            Some(Err(error)) => Err(Error::AcceptedUndecodable(answer(
                headers,
                body,
                Some(error),
            ))),
            None => Err(Error::AcceptedUndecodable(answer(headers, body, None))),
        };
    }
    let refused = match decode_error(status.as_u16(), &body) {
        Some(Ok(value)) => Error::Api(ApiError {
            operation,
            status,
            headers,
            body: value,
            raw_body: body,
        }),
        Some(Err(error)) => Error::UnexpectedResponse(answer(headers, body, Some(error))),
        None => Error::UnexpectedResponse(answer(headers, body, None)),
    };
    Err(if status.is_server_error() {
        unknown_unless_safe(refused)
    } else {
        refused
    })
}
