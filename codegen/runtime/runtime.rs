//! The client runtime: credentials, constant headers, and turning an HTTP
//! answer into a typed result. It is the same in every generated crate; the
//! generator copies it from its own source tree so each crate builds alone.

use std::fmt;
use std::ops::Deref;
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::{ByteStream, ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// A bearer token or API key. Its `Debug` never shows the secret, and the
/// header built from it is marked sensitive so `reqwest` does not print it.
#[derive(Clone)]
pub struct SecretToken(String);

impl SecretToken {
    pub fn new(token: impl Into<String>) -> Self {
        SecretToken(token.into())
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(<redacted>)")
    }
}

impl From<String> for SecretToken {
    fn from(token: String) -> Self {
        SecretToken(token)
    }
}

impl From<&str> for SecretToken {
    fn from(token: &str) -> Self {
        SecretToken(token.to_owned())
    }
}

/// The token as the spec's security scheme sends it: a header and the text
/// before the token (`Authorization`, `Bearer `).
#[derive(Clone)]
pub(crate) struct Credential {
    header: &'static str,
    prefix: &'static str,
    token: SecretToken,
}

impl Credential {
    pub(crate) fn new(header: &'static str, prefix: &'static str, token: SecretToken) -> Self {
        Credential { header, prefix, token }
    }

    fn to_header(&self) -> Result<(HeaderName, HeaderValue), BuildError> {
        let name = HeaderName::from_bytes(self.header.as_bytes()).map_err(|_| BuildError::InvalidToken)?;
        let mut value = HeaderValue::from_str(&format!("{}{}", self.prefix, self.token.0))
            .map_err(|_| BuildError::InvalidToken)?;
        value.set_sensitive(true);
        Ok((name, value))
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credential({}: <redacted>)", self.header)
    }
}

/// What the spec fixes for one operation rather than asking the caller.
#[derive(Debug)]
pub(crate) struct OperationPolicy {
    pub operation_id: &'static str,
    pub authenticated: bool,
    /// `(lower-case name, value)` pairs sent on every call.
    pub constant: &'static [(&'static str, &'static str)],
    pub retry: RetryRule,
}

/// When a request may be sent again after a failure, from the spec.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RetryRule {
    /// The method is idempotent (GET, PUT, DELETE, …): repeating it after a
    /// response changes nothing.
    Idempotent,
    /// Only when nothing reached the server (a connect error).
    ConnectErrorsOnly,
    /// `x-retry-safe-when`: after a response too, when in the JSON body no
    /// property of `not_true` is `true` and, if `any_present` is not empty,
    /// one of its properties has a value.
    WhenBody { not_true: &'static [&'static str], any_present: &'static [&'static str] },
}

impl RetryRule {
    fn allows_after_response(self, request: &reqwest::Request) -> bool {
        match self {
            RetryRule::Idempotent => true,
            RetryRule::ConnectErrorsOnly => false,
            RetryRule::WhenBody { not_true, any_present } => {
                let body = request.body().and_then(reqwest::Body::as_bytes).unwrap_or_default();
                let Ok(body) = serde_json::from_slice::<serde_json::Value>(body) else { return false };
                let set = |name: &&str| body.get(*name).is_some_and(|value| !value.is_null());
                !not_true.iter().any(|name| body.get(*name) == Some(&serde_json::Value::Bool(true)))
                    && (any_present.is_empty() || any_present.iter().any(set))
            }
        }
    }
}

/// How often and how patiently failed requests are sent again.
///
/// Retried: connect errors always; timeouts and the answers 429, 502, 503
/// and 504 when a repeat is safe for the operation: its method is
/// idempotent, or its spec's `x-retry-safe-when` holds for the body. The wait
/// grows exponentially from `base_delay` with jitter, or is what the
/// server's `Retry-After` asks for; an answer asking for longer than
/// `max_delay` is returned instead of waited for.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl RetryPolicy {
    /// Up to `max_attempts` sends in all (1 means no retry).
    pub fn new(max_attempts: u32, base_delay: Duration) -> Self {
        RetryPolicy { max_attempts: max_attempts.max(1), base_delay, max_delay: Duration::from_secs(30) }
    }

    /// Every request is sent once.
    pub fn disabled() -> Self {
        RetryPolicy::new(1, Duration::ZERO)
    }

    /// The longest single wait, for backoff and `Retry-After` alike.
    pub fn max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }
}

impl Default for RetryPolicy {
    /// Three attempts, waits from 500 ms, at most 30 s each.
    fn default() -> Self {
        RetryPolicy::new(3, Duration::from_millis(500))
    }
}

/// Per-client state the request hook needs.
#[derive(Clone)]
pub(crate) struct Inner {
    /// Built once; the value is marked sensitive so `reqwest` hides it.
    credential: Option<(HeaderName, HeaderValue)>,
    operations: &'static [OperationPolicy],
    retry: RetryPolicy,
    limiter: std::sync::Arc<RateLimiter>,
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credential = self.credential.as_ref().map(|(name, _)| format!("{name}: <redacted>"));
        f.debug_struct("Inner")
            .field("credential", &credential)
            .field("operations", &self.operations)
            .field("retry", &self.retry)
            .field("rate_budget", &self.limiter.budget())
            .finish()
    }
}

impl Inner {
    pub(crate) fn budget(&self) -> Vec<RateBudget> {
        self.limiter.budget()
    }

    fn operation(&self, operation_id: &str) -> Option<&OperationPolicy> {
        self.operations.iter().find(|op| op.operation_id == operation_id)
    }

    /// Sends `request`, and sends it again while the failure is transient
    /// and a repeat is safe. Each attempt is a `tracing` span with the
    /// operation, attempt, status and latency; never headers or bodies.
    async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation_id: &str,
    ) -> reqwest::Result<reqwest::Response> {
        use backon::BackoffBuilder;
        use tracing::Instrument;
        let rule = self.operation(operation_id).map_or(RetryRule::ConnectErrorsOnly, |op| op.retry);
        let after_response = rule.allows_after_response(&request);
        let mut backoff = backon::ExponentialBuilder::default()
            .with_min_delay(self.retry.base_delay)
            .with_max_delay(self.retry.max_delay)
            .with_max_times(self.retry.max_attempts.saturating_sub(1) as usize)
            .with_jitter()
            .build();
        let mut attempt = 1u32;
        loop {
            // A body that cannot be replayed (a stream) is sent once.
            let Some(this_attempt) = request.try_clone() else { return http.execute(request).await };
            let span = tracing::info_span!(
                "http_request",
                operation = operation_id,
                attempt,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
                rate_available = tracing::field::Empty,
            );
            self.limiter.acquire().instrument(span.clone()).await;
            let started = std::time::Instant::now();
            let outcome = http.execute(this_attempt).instrument(span.clone()).await;
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            if let Ok(response) = &outcome {
                span.record("status", response.status().as_u16());
                self.limiter.observe(response.headers());
                let remaining = self.limiter.budget().iter().map(|window| window.available).min();
                if let Some(remaining) = remaining {
                    span.record("rate_available", remaining);
                }
            }
            let asked_wait = match &outcome {
                Err(error) if error.is_connect() => None,
                Err(error) if error.is_timeout() && after_response => None,
                Ok(response) if after_response && is_transient(response.status()) => retry_after(response.headers()),
                _ => return outcome,
            };
            let Some(backoff_wait) = backoff.next() else { return outcome };
            let wait = asked_wait.unwrap_or(backoff_wait);
            if wait > self.retry.max_delay {
                return outcome;
            }
            span.in_scope(|| tracing::debug!(wait_ms = wait.as_millis() as u64, "retrying"));
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    fn prepare(&self, request: &mut reqwest::Request, operation_id: &str) -> Result<(), String> {
        let headers = request.headers_mut();
        // Progenitor sends `api-version: <info.version>` on every request;
        // no API asked for it, so it never leaves the client.
        headers.remove("api-version");
        let Some(operation) = self.operation(operation_id) else {
            return Ok(());
        };
        for (name, value) in operation.constant {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("`{name}` is not a valid header name"))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| format!("the value of header `{name}` is not valid"))?;
            headers.insert(name, value);
        }
        if operation.authenticated {
            let credential = self
                .credential
                .as_ref()
                .ok_or_else(|| format!("{operation_id} needs a credential"))?;
            headers.insert(credential.0.clone(), credential.1.clone());
        }
        Ok(())
    }
}

impl ClientHooks<Inner> for crate::raw::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let inner = self.inner();
        inner.prepare(request, info.operation_id).map_err(progenitor_client::Error::InvalidRequest)?;
        // A window the server reports as spent (such as a day's budget) is
        // not waited out inside a call.
        let wait = inner.limiter.wait();
        if wait > inner.retry.max_delay {
            return Err(progenitor_client::Error::Custom(format!(
                "the rate-limit budget is spent; it frees up in {} s",
                wait.as_secs()
            )));
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner().execute(self.client(), request, info.operation_id).await
    }
}

/// Statuses that say "try again later".
fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// `Retry-After` in seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// Settings for a [`Client`](crate::Client); start from `Client::builder`.
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    credential: Option<Credential>,
    operations: &'static [OperationPolicy],
    rate_limits: &'static [RateWindow],
    limit_override: Option<Vec<(u64, Duration)>>,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
}

impl ClientBuilder {
    pub(crate) fn new(
        default_base_url: Option<&str>,
        credential: Option<Credential>,
        operations: &'static [OperationPolicy],
        rate_limits: &'static [RateWindow],
    ) -> Self {
        ClientBuilder {
            base_url: default_base_url.map(str::to_owned),
            http: None,
            credential,
            operations,
            rate_limits,
            limit_override: None,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// Sends requests to `url` (scheme, host, optional port and path stem)
    /// instead of the spec's server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Uses the caller's own `reqwest::Client` (proxies, TLS roots, pools);
    /// the timeouts set here then do not apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Replaces the spec's rate limits, window by window and in the spec's
    /// order: at most `requests` in any `window`. For a budget shared with
    /// other programs, or a server with other limits. Clients that share a
    /// token share the limits of the first one built.
    pub fn rate_limits(mut self, limits: &[(u64, Duration)]) -> Self {
        self.limit_override = Some(limits.to_vec());
        self
    }

    /// How failed requests are retried; [`RetryPolicy::disabled`] turns
    /// retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Limit for a whole request, from connecting to the last body byte.
    /// Default: 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for establishing a connection. Default: 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Clients of one token and server share their rate limits.
    fn limiter_key(&self, base_url: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        base_url.trim_end_matches('/').hash(&mut hasher);
        if let Some(credential) = &self.credential {
            credential.token.0.hash(&mut hasher);
        }
        hasher.finish()
    }

    pub fn build(self) -> Result<crate::Client, BuildError> {
        let base_url = self.base_url.clone().ok_or(BuildError::MissingBaseUrl)?;
        let parsed =
            reqwest::Url::parse(&base_url).map_err(|_| BuildError::InvalidBaseUrl(base_url.clone()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
            return Err(BuildError::InvalidBaseUrl(base_url));
        }
        let credential = self.credential.as_ref().map(Credential::to_header).transpose()?;
        let limiter =
            RateLimiter::shared(self.limiter_key(&base_url), self.rate_limits, self.limit_override.as_deref());
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .user_agent(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(BuildError::Http)?,
        };
        let inner = Inner { credential, operations: self.operations, retry: self.retry, limiter };
        Ok(crate::Client::from_parts(base_url.trim_end_matches('/'), http, inner))
    }
}

/// Why a client could not be built. Never contains the token.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The spec names no absolute server URL and none was given.
    MissingBaseUrl,
    /// The base URL is not an absolute `http`/`https` URL without a query.
    InvalidBaseUrl(String),
    /// The token cannot be sent in an HTTP header (control characters or
    /// non-visible bytes).
    InvalidToken,
    /// `reqwest` could not build its client (e.g. no TLS roots).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingBaseUrl => f.write_str("no base URL: the spec names none, so set one"),
            BuildError::InvalidBaseUrl(url) => {
                write!(f, "`{url}` is not an absolute http(s) URL without a query")
            }
            BuildError::InvalidToken => f.write_str("the token contains characters a header cannot carry"),
            BuildError::Http(_) => f.write_str("the HTTP client could not be built"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(source) => Some(source),
            _ => None,
        }
    }
}

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
            Error::InvalidRequest(_) | Error::RateLimited(_) | Error::Internal(_) => None,
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

/// A path parameter must stay one segment of the path. Encoding keeps `/`,
/// `?` and `#` from escaping it, but `.` and `..` would still be resolved
/// by servers and proxies as "this" and "parent" directory, and an empty
/// segment changes the route.
pub(crate) fn check_path_segment(name: &str, value: &str) -> Result<(), String> {
    match value {
        "" => Err(format!("path parameter `{name}` is empty")),
        "." | ".." => Err(format!("path parameter `{name}` cannot be `{value}`")),
        _ => Ok(()),
    }
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
        // Only the request hook makes `Custom` errors: a spent rate budget.
        Err(Raw::Custom(reason)) => return Err(Error::RateLimited(reason)),
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

/// A property of a request that can be left out, set, or cleared: the
/// three states of an optional `nullable` property.
///
/// `Absent` (the default) is not sent at all, `Null` is sent as `null`, and
/// `Value` as the value. Received, a missing property is `Absent` and a
/// `null` is `Null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Nullable<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// The value, when there is one.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T: serde::Serialize> serde::Serialize for Nullable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => value.serialize(serializer),
            // `Absent` is skipped by the field's `skip_serializing_if`; should
            // it be serialized anyway, `null` is the closest JSON.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Nullable::Value(value),
            None => Nullable::Null,
        })
    }
}

/// A value from a closed list, or, through an explicit escape hatch, one the
/// list does not have yet (a schema with `x-allow-unlisted`).
///
/// Values are checked by the type system: `Listed::Known(CountryCode::Us)`,
/// or `CountryCode::Us.into()`. `Listed::unchecked("XK")` sends the text as
/// it is, for when the API accepts a value the spec does not list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Listed<T> {
    Known(T),
    Unchecked(String),
}

impl<T> Listed<T> {
    /// Sends `value` without checking it against the list.
    pub fn unchecked(value: impl Into<String>) -> Self {
        Listed::Unchecked(value.into())
    }
}

impl<T> From<T> for Listed<T> {
    fn from(value: T) -> Self {
        Listed::Known(value)
    }
}

impl<T: serde::Serialize> serde::Serialize for Listed<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Listed::Known(value) => value.serialize(serializer),
            Listed::Unchecked(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de, T: serde::de::DeserializeOwned> serde::Deserialize<'de> for Listed<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if let Ok(known) = T::deserialize(&value) {
            return Ok(Listed::Known(known));
        }
        match value {
            serde_json::Value::String(text) => Ok(Listed::Unchecked(text)),
            other => Err(serde::de::Error::custom(format!("expected a listed value or text, got {other}"))),
        }
    }
}

/// The shape of an email address, `local@domain.tld`: enough to catch a
/// value put in the wrong field before the API answers 422. The message
/// names the field, never the value.
pub(crate) fn check_email(field: &str, value: &impl AsRef<str>) -> Result<(), String> {
    let value = value.as_ref();
    let well_formed = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.split('.').count() >= 2
            && domain.split('.').all(|label| !label.is_empty())
    }) && !value.chars().any(char::is_whitespace);
    if well_formed { Ok(()) } else { Err(format!("`{field}` is not an email address")) }
}

/// A rate-limit window from the spec's `x-rate-limits`.
#[derive(Debug)]
pub(crate) struct RateWindow {
    pub requests: u64,
    pub milliseconds: u64,
    /// Lower-case names of the headers that report the server's limit and
    /// what remains of it.
    pub limit_header: Option<&'static str>,
    pub remaining_header: Option<&'static str>,
}

/// One window as the client sees it now.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateBudget {
    /// At most this many requests in any `window`.
    pub requests: u64,
    pub window: Duration,
    /// Requests that could start now without waiting.
    pub available: u64,
    /// What the server's last answer said remains, when it says.
    pub server_remaining: Option<u64>,
}

/// Keeps every client of one token and server within the spec's windows:
/// no more than `requests` start in any `milliseconds`, counted from the
/// start times of the requests themselves (a sliding log). Token-bucket
/// limiters (GCRA) allow up to twice the limit across a window boundary,
/// which is exactly what a server's window refuses.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    windows: std::sync::Mutex<Vec<WindowState>>,
}

#[derive(Debug)]
struct WindowState {
    spec: &'static RateWindow,
    /// The configured limit and window (the spec's unless the builder set
    /// others).
    requests: u64,
    period: Duration,
    /// `requests`, or the server's limit when it reports a lower one.
    limit: u64,
    started: std::collections::VecDeque<std::time::Instant>,
    server_remaining: Option<u64>,
    /// The server said nothing remains: no request before this.
    paused_until: Option<std::time::Instant>,
}

impl WindowState {
    /// The window plus 1 % (at least 50 ms): requests leave the client in
    /// order but reach the server with varying delays (a new connection
    /// takes longer than a reused one), and a server's window counts
    /// arrivals.
    fn period(&self) -> Duration {
        self.period + (self.period / 100).max(Duration::from_millis(50))
    }

    /// How long until a request may start (zero: now).
    fn wait(&mut self, now: std::time::Instant) -> Duration {
        while self.started.front().is_some_and(|first| now.duration_since(*first) >= self.period()) {
            self.started.pop_front();
        }
        let paused = self.paused_until.map_or(Duration::ZERO, |until| until.saturating_duration_since(now));
        let full = match self.started.len() as u64 >= self.limit {
            true => {
                let frees = self.started.len() - self.limit as usize;
                (self.started[frees] + self.period()).saturating_duration_since(now)
            }
            false => Duration::ZERO,
        };
        paused.max(full)
    }
}

impl RateLimiter {
    /// The limiter every client with this token and server shares.
    /// `limits` replaces the spec's `(requests, window)` pairs, in order.
    pub(crate) fn shared(
        key: u64,
        windows: &'static [RateWindow],
        limits: Option<&[(u64, Duration)]>,
    ) -> std::sync::Arc<RateLimiter> {
        use std::collections::HashMap;
        use std::sync::{Arc, Mutex, OnceLock, Weak};
        static LIMITERS: OnceLock<Mutex<HashMap<u64, Weak<RateLimiter>>>> = OnceLock::new();
        let mut limiters = LIMITERS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        limiters.retain(|_, limiter| limiter.strong_count() > 0);
        if let Some(limiter) = limiters.get(&key).and_then(Weak::upgrade) {
            return limiter;
        }
        let limiter = Arc::new(RateLimiter {
            windows: Mutex::new(
                windows
                    .iter()
                    .enumerate()
                    .map(|(index, spec)| {
                        let (requests, period) = limits
                            .and_then(|limits| limits.get(index).copied())
                            .unwrap_or((spec.requests, Duration::from_millis(spec.milliseconds)));
                        (spec, requests.max(1), period)
                    })
                    .map(|(spec, requests, period)| WindowState {
                        spec,
                        requests,
                        period,
                        limit: requests,
                        started: Default::default(),
                        server_remaining: None,
                        paused_until: None,
                    })
                    .collect(),
            ),
        });
        limiters.insert(key, Arc::downgrade(&limiter));
        limiter
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<WindowState>> {
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How long until a request may start.
    fn wait(&self) -> Duration {
        let now = std::time::Instant::now();
        self.lock().iter_mut().map(|window| window.wait(now)).max().unwrap_or_default()
    }

    /// Waits until every window has room, then counts a request in each.
    async fn acquire(&self) {
        loop {
            let wait = {
                let now = std::time::Instant::now();
                let mut windows = self.lock();
                let wait = windows.iter_mut().map(|window| window.wait(now)).max().unwrap_or_default();
                if wait.is_zero() {
                    windows.iter_mut().for_each(|window| window.started.push_back(now));
                    return;
                }
                wait
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Follows what an answer's headers report: a lower limit than the
    /// spec's, and a spent window (shared with other clients of the token).
    fn observe(&self, headers: &HeaderMap) {
        let number = |name: Option<&str>| {
            headers.get(name?).and_then(|value| value.to_str().ok()).and_then(|text| text.trim().parse::<u64>().ok())
        };
        let now = std::time::Instant::now();
        for window in self.lock().iter_mut() {
            if let Some(limit) = number(window.spec.limit_header) {
                window.limit = limit.clamp(1, window.requests);
            }
            window.server_remaining = number(window.spec.remaining_header);
            if window.server_remaining == Some(0) {
                window.paused_until = Some(now + window.period());
            }
        }
    }

    fn budget(&self) -> Vec<RateBudget> {
        let now = std::time::Instant::now();
        self.lock()
            .iter_mut()
            .map(|window| {
                let paused = window.paused_until.is_some_and(|until| until > now);
                let _ = window.wait(now);
                let available = if paused { 0 } else { window.limit.saturating_sub(window.started.len() as u64) };
                RateBudget {
                    requests: window.limit,
                    window: window.period,
                    available,
                    server_remaining: window.server_remaining,
                }
            })
            .collect()
    }
}
