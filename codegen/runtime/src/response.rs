//! `Response<T>`: a successful answer, decoded, with what it came with.

use std::fmt;
use std::ops::Deref;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A successful answer: the decoded body plus the status and headers it came
/// with (rate-limit headers, trace ids), and the body as received. Derefs to
/// the body.
#[derive(Clone)]
pub struct Response<T> {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    /// Boxed: a decoded body can be kilobytes, and every move of the
    /// result (out of the client, through the caller's `?`) would copy it.
    pub(super) body: Box<T>,
    pub(super) raw_body: Bytes,
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
        *self.body
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

/// The body as received is shown by its length only: it holds every value
/// of the answer, those the typed body's `Debug` redacts included.
impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("raw_body", &format_args!("<{} bytes>", self.raw_body.len()))
            .finish()
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}
