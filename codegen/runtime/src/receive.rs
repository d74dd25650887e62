//! Turning what progenitor's raw method returned into a typed result:
//! decoding by status, after the body is checked against the spec
//! (`inspect`), and `OutcomeUnknown` where a repeat is not safe.

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::drift::DriftRecorder;
use super::error::{ApiError, Error, UnexpectedResponse};
use super::hooks::HookFailure;
use super::inspect::inspect;
use super::rate_limit::NotSent;
use super::response::Response;
use super::shape::OperationAnswers;
use super::tolerant::strictly;
use super::transport::without_query;

/// The body, and the error that cut it short if one did: what was received
/// so far is kept. A body that came in one chunk is kept as it came.
async fn collect(mut response: reqwest::Response) -> (Bytes, Option<reqwest::Error>) {
    let mut chunks = Vec::new();
    let cut = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => chunks.push(chunk),
            Ok(None) => break None,
            Err(error) => break Some(error),
        }
    };
    let body = match chunks.len() {
        1 => chunks.swap_remove(0),
        _ => chunks.concat().into(),
    };
    (body, cut)
}

/// Decodes a body for a status, or says the status is not declared (`None`).
pub type Decoder<T> = fn(u16, Payload<'_>) -> Option<Result<T, serde_json::Error>>;

/// An answer's body, as a decoder reads it: as received, and its JSON
/// value when checking it against the shape its status declares built one
/// (`inspect`).
pub struct Payload<'a> {
    bytes: &'a [u8],
    checked: Option<serde_json::Value>,
}

impl<'a> Payload<'a> {
    /// The body decoded as JSON into `T`: from the checked value when there
    /// is one; else from the text, strictly first (`tolerant::strictly`),
    /// which an answer that fits the spec decodes in without buffering, and
    /// tolerantly when that fails.
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, serde_json::Error> {
        if let Some(value) = self.checked {
            return T::deserialize(value);
        }
        // One `Result` type all the way: a large body is not copied from
        // one wrapper into another.
        strictly(|| serde_json::from_slice::<T>(self.bytes)).or_else(|_| {
            // A value, not the text, for the tolerant pass: it also reads an
            // object whose keys repeat, as the last one.
            serde_json::from_slice::<serde_json::Value>(self.bytes).and_then(T::deserialize)
        })
    }

    /// The body as received.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// Turns what the raw progenitor method returned into a typed result.
///
/// The pre-pass removed every response from the spec progenitor saw, and
/// the generator made its methods return the `reqwest::Response` of every
/// status (`progenitor_pass::answer_as_received`). Decoding by status happens here, after the body is
/// checked against the shape `answers` declares for its status (and, with
/// `drift`, compared with the spec). A 2xx is never reported as a refusal,
/// and a failure after sending becomes `OutcomeUnknown` when `repeat_safe`
/// (asked only then) says the request may not be repeated.
pub async fn receive<T, E>(
    answers: &'static OperationAnswers,
    drift: Option<&DriftRecorder>,
    sent: Result<reqwest::Response, progenitor_client::Error<()>>,
    decode_success: Decoder<T>,
    decode_error: Decoder<E>,
    repeat_safe: impl FnOnce() -> bool,
) -> Result<Response<T>, Error<E>> {
    let operation = answers.operation;
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
    let answer = match answer(operation, sent).await {
        Ok(answer) => answer,
        Err(Failure::Final(error)) => return Err(error),
        Err(Failure::InDoubt(error)) => return Err(unknown_unless_safe(error)),
    };
    let status = answer.status;
    let inspected = inspect(
        answers,
        drift,
        status.as_u16(),
        &answer.headers,
        &answer.body,
    );
    if status.is_success() {
        let decoded = match inspected {
            Ok(checked) => decode_success(status.as_u16(), answer.payload(checked)),
            Err(error) => Some(Err(error)),
        };
        return match decoded {
            Some(Ok(value)) => Ok(Response {
                status,
                headers: answer.headers,
                body: Box::new(value),
                raw_body: answer.body,
            }),
            Some(Err(error)) => Err(Error::AcceptedUndecodable(
                answer.kept(operation, Some(error)),
            )),
            None => Err(Error::AcceptedUndecodable(answer.kept(operation, None))),
        };
    }
    let refused = match inspected {
        Ok(checked) => refusal(operation, answer, checked, decode_error),
        Err(error) => Error::UnexpectedResponse(answer.kept(operation, Some(error))),
    };
    Err(if status.is_server_error() {
        unknown_unless_safe(refused)
    } else {
        refused
    })
}

/// An answer as received.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn payload(&self, checked: Option<serde_json::Value>) -> Payload<'_> {
        Payload {
            bytes: &self.body,
            checked,
        }
    }

    /// The answer kept whole, for an error that reports it.
    fn kept(
        self,
        operation: &'static str,
        decode_error: Option<serde_json::Error>,
    ) -> UnexpectedResponse {
        UnexpectedResponse {
            operation,
            status: self.status,
            headers: self.headers,
            body: self.body,
            decode_error,
        }
    }
}

/// Why a request got no whole answer.
enum Failure<E> {
    /// The error as it stands: the request was refused before sending,
    /// never reached the server, or was refused by it.
    Final(Error<E>),
    /// The request may have been applied: the answer to it, or to a 5xx,
    /// was lost on the way.
    InDoubt(Error<E>),
}

/// The answer, with the whole body, or why there is none.
async fn answer<E>(
    operation: &'static str,
    sent: Result<reqwest::Response, progenitor_client::Error<()>>,
) -> Result<Answer, Failure<E>> {
    use progenitor_client::Error as Raw;
    let mut response = match sent {
        Ok(response) | Err(Raw::UnexpectedResponse(response)) => response,
        Err(Raw::InvalidRequest(reason)) => {
            return Err(Failure::Final(Error::InvalidRequest(reason)));
        }
        // Only the request hook makes `Custom` errors.
        Err(Raw::Custom(reason)) => return Err(Failure::Final(HookFailure::read_back(&reason))),
        // Nothing reached the server: always safe to send again.
        Err(Raw::CommunicationError(error)) if error.is_connect() || error.is_builder() => {
            return Err(Failure::Final(Error::Transport(without_query(error))));
        }
        Err(
            Raw::CommunicationError(error)
            | Raw::ResponseBodyError(error)
            | Raw::InvalidUpgrade(error),
        ) => return Err(Failure::InDoubt(Error::Transport(without_query(error)))),
        Err(Raw::ErrorResponse(_) | Raw::InvalidResponsePayload(..)) => {
            return Err(Failure::Final(Error::Internal(format!(
                "{operation}: the raw client decoded a response it was given no schema for"
            ))));
        }
    };
    if let Some(not_sent) = response.extensions().get::<NotSent>() {
        return Err(Failure::Final(match not_sent.clone() {
            NotSent::Budget(reason) => Error::RateLimited(reason),
            NotSent::Store(reason) => Error::RateStore(reason),
        }));
    }
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let (body, cut) = collect(response).await;
    match cut {
        // A 2xx whose body was cut short was still applied.
        Some(error) if !status.is_success() => {
            let error = Error::Transport(without_query(error));
            Err(if status.is_server_error() {
                Failure::InDoubt(error)
            } else {
                Failure::Final(error)
            })
        }
        _ => Ok(Answer {
            status,
            headers,
            body,
        }),
    }
}

/// Any other status: the declared error body, or the answer kept whole.
fn refusal<E>(
    operation: &'static str,
    answer: Answer,
    checked: Option<serde_json::Value>,
    decode: Decoder<E>,
) -> Error<E> {
    match decode(answer.status.as_u16(), answer.payload(checked)) {
        Some(Ok(value)) => Error::Api(ApiError {
            operation,
            status: answer.status,
            headers: answer.headers,
            body: value,
            raw_body: answer.body,
        }),
        Some(Err(error)) => Error::UnexpectedResponse(answer.kept(operation, Some(error))),
        None => Error::UnexpectedResponse(answer.kept(operation, None)),
    }
}
