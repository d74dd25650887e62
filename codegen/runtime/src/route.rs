//! What a client decides once per operation rather than on every request:
//! the constant headers, parsed; the credentials its requests send; and the
//! limiter they count against, once its name can no longer change.

use std::sync::{Arc, OnceLock};

use reqwest::header::{HeaderName, HeaderValue};

use super::policy::OperationPolicy;
use super::rate_limit::RateLimiter;
use super::security::HeldCredentials;

pub(super) struct Route {
    /// The constant headers, or why one cannot be sent.
    pub constant: Result<Vec<(HeaderName, HeaderValue)>, String>,
    /// The held credentials a request sends, by position, or why the
    /// client holds none that fits.
    pub sent: Result<Vec<usize>, String>,
    /// The limiter, kept once named when no token response can rename it.
    pub limiter: OnceLock<Arc<RateLimiter>>,
}

/// A route per operation, in the order of `operations`.
pub(super) fn routes(
    operations: &[OperationPolicy],
    credentials: &HeldCredentials,
) -> Arc<[Route]> {
    operations
        .iter()
        .map(|operation| Route {
            constant: operation.constant.iter().map(parsed).collect(),
            sent: credentials.chosen_indices(operation),
            limiter: OnceLock::new(),
        })
        .collect()
}

fn parsed((name, value): &(&str, &str)) -> Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))?;
    let value = HeaderValue::from_str(value)
        .map_err(|_| format!("the value of header `{name}` is not valid"))?;
    Ok((name, value))
}
