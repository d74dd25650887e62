//! A request body the caller hands over as `Into<reqwest::Body>` (an
//! octet stream), ready for each attempt of its request.

use bytes::Bytes;

/// Bytes are sent again as often as a retry asks; a stream only once.
pub enum Resendable {
    Bytes(Bytes),
    Stream(Option<reqwest::Body>),
}

impl Resendable {
    /// Bytes are copied once here, so that every attempt can send them.
    pub fn new(body: reqwest::Body) -> Self {
        match body.as_bytes() {
            Some(bytes) => Resendable::Bytes(Bytes::copy_from_slice(bytes)),
            None => Resendable::Stream(Some(body)),
        }
    }

    /// The body for the next attempt; none once a stream has been sent.
    pub fn for_attempt(&mut self) -> Option<reqwest::Body> {
        match self {
            Resendable::Bytes(bytes) => Some(bytes.clone().into()),
            Resendable::Stream(stream) => stream.take(),
        }
    }
}
