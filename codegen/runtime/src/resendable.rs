//! A request body the caller hands over as `Into<reqwest::Body>` (an
//! octet stream), ready for each attempt of its request.

use bytes::Bytes;
use http_body::Body as _;

/// Bytes are sent again as often as a retry asks; a stream only once.
pub enum Resendable {
    Bytes(Bytes),
    Stream(Option<reqwest::Body>),
}

impl Resendable {
    /// Bytes are taken out of `body` as they are, without a copy.
    pub async fn new(body: reqwest::Body) -> Self {
        if body.as_bytes().is_none() {
            return Resendable::Stream(Some(body));
        }
        let mut body = std::pin::pin!(body);
        let mut bytes = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
            // A body of bytes yields them in one frame, and never fails.
            if let Ok(data) = frame.map(http_body::Frame::into_data)
                && let Ok(data) = data
            {
                bytes.push(data);
            }
        }
        Resendable::Bytes(match bytes.len() {
            1 => bytes.swap_remove(0),
            _ => bytes.concat().into(),
        })
    }

    /// The body for the next attempt; none once a stream has been sent.
    pub fn for_attempt(&mut self) -> Option<reqwest::Body> {
        match self {
            Resendable::Bytes(bytes) => Some(bytes.clone().into()),
            Resendable::Stream(stream) => stream.take(),
        }
    }
}
