//! Progenitor's `pre` hook, before each request: constant headers (a
//! multipart body's boundary among them) and the credentials the
//! operation's security asks for. (The rate limiter
//! admits each attempt in the `exec` hook, `execute`.)

use reqwest::header::{CONTENT_TYPE, HeaderValue};

use super::error::Error;
use super::state::Inner;

impl Inner {
    /// Progenitor's `ClientHooks::pre`: headers and credentials before a
    /// request, or why it is not sent. The generated raw client's hooks call
    /// this and [`execute`](Inner::execute).
    pub async fn pre_hook<E>(
        &self,
        request: &mut reqwest::Request,
        operation_id: &str,
        http: &reqwest::Client,
    ) -> Result<(), progenitor_client::Error<E>> {
        self.prepare(request, operation_id, http)
            .await
            .map_err(HookFailure::into_raw)
    }

    /// What `pre_hook` does, failing with the runtime's own reasons.
    async fn prepare(
        &self,
        request: &mut reqwest::Request,
        operation_id: &str,
        http: &reqwest::Client,
    ) -> Result<(), HookFailure> {
        let headers = request.headers_mut();
        let Some(route) = self.route(operation_id) else {
            return Ok(());
        };
        let refused = |reason: &String| HookFailure::InvalidRequest(reason.clone());
        for (name, value) in route.constant.as_ref().map_err(refused)? {
            headers.insert(name.clone(), value.clone());
        }
        add_multipart_boundary(request)?;
        for &index in route.sent.as_ref().map_err(refused)? {
            self.credentials
                .held(index)
                .apply(request, http)
                .await
                .map_err(HookFailure::Token)?;
        }
        Ok(())
    }
}

/// A constant `content-type: multipart/form-data` gets the boundary of the
/// body, which is chosen per request: the body's first line is its
/// delimiter, `--boundary` (`--boundary--` for an empty form).
fn add_multipart_boundary(request: &mut reqwest::Request) -> Result<(), HookFailure> {
    let multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes() == b"multipart/form-data");
    if !multipart {
        return Ok(());
    }
    let body = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .unwrap_or_default();
    let boundary = body
        .strip_prefix(b"--")
        .and_then(|rest| rest.split(|byte| *byte == b'\r').next())
        .map(|line| line.strip_suffix(b"--").unwrap_or(line))
        .filter(|boundary| !boundary.is_empty())
        .and_then(|boundary| std::str::from_utf8(boundary).ok())
        .ok_or_else(|| {
            HookFailure::InvalidRequest("a multipart body must start with its boundary".to_owned())
        })?;
    let value = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        .map_err(|_| {
            HookFailure::InvalidRequest("the multipart boundary is not valid".to_owned())
        })?;
    request.headers_mut().insert(CONTENT_TYPE, value);
    Ok(())
}

/// Why the request hook stopped a request. Progenitor's hooks can only
/// return its own errors, so `Custom` carries the kind as a prefix that
/// [`receive`](fn@super::receive) reads back with
/// [`read_back`](HookFailure::read_back).
pub(crate) enum HookFailure {
    InvalidRequest(String),
    Token(String),
}

impl HookFailure {
    const TOKEN: &str = "token: ";

    fn into_raw<E>(self) -> progenitor_client::Error<E> {
        match self {
            HookFailure::InvalidRequest(reason) => progenitor_client::Error::InvalidRequest(reason),
            HookFailure::Token(reason) => {
                progenitor_client::Error::Custom(format!("{}{reason}", Self::TOKEN))
            }
        }
    }

    /// The error that a `Custom` reason made by `into_raw` stands for.
    pub(crate) fn read_back<E>(reason: &str) -> Error<E> {
        Error::Token(reason.trim_start_matches(Self::TOKEN).to_owned())
    }
}
