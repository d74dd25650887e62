//! `multipart/form-data` request bodies (the `multipart` feature). A
//! generated crate carries this module only when its spec sends such a
//! body. The caller builds the form with reqwest's [`Form`] and [`Part`]
//! (text fields, files with a name and media type); the client sends it as
//! bytes, so a request that may be repeated can be.

use futures_core::Stream;

pub use reqwest::multipart::{Form, Part};

/// The encoded bytes of `form`. They start with the boundary's delimiter,
/// which the request hook reads back into the `content-type` header; an
/// empty form is its closing delimiter alone.
pub async fn form_bytes(form: Form) -> Result<bytes::Bytes, String> {
    let boundary = form.boundary().to_owned();
    let mut stream = std::pin::pin!(form.into_stream());
    let mut bytes = Vec::new();
    while let Some(chunk) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        let chunk = chunk.map_err(|error| format!("a multipart part cannot be read: {error}"))?;
        bytes.extend_from_slice(&chunk);
    }
    if bytes.is_empty() {
        bytes = format!("--{boundary}--\r\n").into_bytes();
    }
    Ok(bytes.into())
}
