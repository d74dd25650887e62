//! The client's state and its hooks into progenitor's raw client: headers,
//! credentials, retries and rate limits around every request; and the builder.

use std::fmt;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use super::credentials::Credential;
use super::rate_limit::{RateBudget, RateLimiter, RateWindow};
use super::retry::{RetryPolicy, RetryRule, is_transient, retry_after};

/// What the spec fixes for one operation rather than asking the caller.
#[derive(Debug)]
#[non_exhaustive]
pub struct OperationPolicy {
    /// The operation's method name, such as `update_contact`.
    pub operation_id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, as the spec writes it: `/contacts/{contactId}`.
    pub path: &'static str,
    pub authenticated: bool,
    /// `(lower-case name, value)` pairs sent on every call.
    pub constant: &'static [(&'static str, &'static str)],
    pub retry: RetryRule,
}

impl OperationPolicy {
    /// The operation of `table` (a crate's `OPERATIONS`) with this method name.
    pub fn find(
        table: &'static [OperationPolicy],
        operation_id: &str,
    ) -> Option<&'static OperationPolicy> {
        table.iter().find(|op| op.operation_id == operation_id)
    }
}

/// Per-client state the request hook needs.
#[derive(Clone)]
pub struct Inner {
    credential: Option<Credential>,
    operations: &'static [OperationPolicy],
    retry: RetryPolicy,
    limiter: std::sync::Arc<RateLimiter>,
    matched_fields: Option<Vec<String>>,
}

impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inner")
            .field("credential", &self.credential)
            .field("operations", &self.operations)
            .field("retry", &self.retry)
            .field("matched_fields", &self.matched_fields)
            .field("rate_budget", &self.limiter.budget())
            .finish()
    }
}

impl Inner {
    pub fn budget(&self) -> Vec<RateBudget> {
        self.limiter.budget()
    }

    fn operation(&self, operation_id: &str) -> Option<&'static OperationPolicy> {
        OperationPolicy::find(self.operations, operation_id)
    }

    /// Whether `operation_id`'s request with this JSON body may be sent
    /// again after it may have been applied (a timeout, a dropped
    /// connection, a 5xx). The retries and the "outcome unknown" error both
    /// ask this.
    pub fn repeat_safe(&self, operation_id: &str, body: Option<&serde_json::Value>) -> bool {
        let rule = self
            .operation(operation_id)
            .map_or(RetryRule::ConnectErrorsOnly, |op| op.retry);
        rule.allows_repeat(body, self.matched_fields.as_deref())
    }

    /// The body fields that must all be present for `operation_id`'s request
    /// to be repeated safely: the builder's `matched_fields`, else the spec's
    /// `all-present` (for an upsert, the fields the server matches on).
    pub fn match_fields(&self, operation_id: &str) -> Vec<String> {
        if let Some(fields) = &self.matched_fields {
            return fields.clone();
        }
        self.operation(operation_id)
            .map_or(&[][..], |op| op.retry.all_present())
            .iter()
            .map(|name| (*name).to_owned())
            .collect()
    }

    /// Sends `request`, and sends it again while the failure is transient
    /// and a repeat is safe. Each attempt is a `tracing` span with the
    /// operation, attempt, status and latency; never headers or bodies.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        mut request: reqwest::Request,
        operation_id: &str,
    ) -> reqwest::Result<reqwest::Response> {
        use backon::BackoffBuilder;
        use tracing::Instrument;
        // Judged once, and only when an answer could be retried: an
        // upsert's rule reads the JSON body.
        let mut repeatable: Option<bool> = None;
        let mut judge = |request: &reqwest::Request| {
            *repeatable.get_or_insert_with(|| {
                let body = request
                    .body()
                    .and_then(reqwest::Body::as_bytes)
                    .unwrap_or_default();
                self.repeat_safe(operation_id, serde_json::from_slice(body).ok().as_ref())
            })
        };
        let mut backoff = backon::ExponentialBuilder::default()
            .with_min_delay(self.retry.base_delay)
            .with_max_delay(self.retry.max_delay)
            .with_max_times(self.retry.max_attempts.saturating_sub(1) as usize)
            .with_jitter()
            .build();
        let mut attempt = 1u32;
        let mut renewed_token = false;
        loop {
            // A body that cannot be replayed (a stream) is sent once.
            let Some(this_attempt) = request.try_clone() else {
                return http.execute(request).await;
            };
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
                // The budget is worked out only for a subscriber that listens.
                if !span.is_disabled()
                    && let Some(remaining) = self
                        .limiter
                        .budget()
                        .iter()
                        .map(|window| window.available)
                        .min()
                {
                    span.record("rate_available", remaining);
                }
            }
            if let Ok(response) = &outcome
                && response.status() == reqwest::StatusCode::UNAUTHORIZED
                && !renewed_token
                && let Some(credential) = &self.credential
                && let Some(sent) = request.headers().get(credential.header())
                && let Some(renewed) = credential.renewed_after_rejection(http, sent).await
            {
                // One more try with a renewed token: the old one may have
                // expired or been revoked since it was handed out.
                request
                    .headers_mut()
                    .insert(credential.header().clone(), renewed);
                renewed_token = true;
                attempt += 1;
                continue;
            }
            // A failed connect and a 429 were not processed: always
            // repeatable. A timeout or a 5xx may have been applied.
            let asked_wait = match &outcome {
                Err(error) if error.is_connect() => None,
                Ok(response) if response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS => {
                    retry_after(response.headers())
                }
                Err(error) if error.is_timeout() && judge(&request) => None,
                Ok(response) if is_transient(response.status()) && judge(&request) => {
                    retry_after(response.headers())
                }
                _ => return outcome,
            };
            let Some(backoff_wait) = backoff.next() else {
                return outcome;
            };
            let wait = asked_wait.unwrap_or(backoff_wait);
            if wait > self.retry.max_delay {
                return outcome;
            }
            span.in_scope(|| tracing::debug!(wait_ms = wait.as_millis() as u64, "retrying"));
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn prepare(
        &self,
        request: &mut reqwest::Request,
        operation_id: &str,
        http: &reqwest::Client,
    ) -> Result<(), HookFailure> {
        let headers = request.headers_mut();
        // Progenitor sends `api-version: <info.version>` on every request;
        // no API asked for it, so it never leaves the client.
        headers.remove("api-version");
        let Some(operation) = self.operation(operation_id) else {
            return Ok(());
        };
        for (name, value) in operation.constant {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                HookFailure::InvalidRequest(format!("`{name}` is not a valid header name"))
            })?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                HookFailure::InvalidRequest(format!("the value of header `{name}` is not valid"))
            })?;
            headers.insert(name, value);
        }
        if operation.authenticated {
            let credential = self.credential.as_ref().ok_or_else(|| {
                HookFailure::InvalidRequest(format!("{operation_id} needs a credential"))
            })?;
            let value = credential.current(http).await.map_err(HookFailure::Token)?;
            request
                .headers_mut()
                .insert(credential.header().clone(), value);
        }
        // A window the server reports as spent (such as a day's budget) is
        // not waited out inside a call.
        let wait = self.limiter.wait();
        if wait > self.retry.max_delay {
            return Err(HookFailure::RateLimited(format!(
                "the rate-limit budget is spent; it frees up in {} s",
                wait.as_secs()
            )));
        }
        Ok(())
    }
}

impl Inner {
    /// Progenitor's `ClientHooks::pre`: headers and the credential before a
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
}

/// Why the request hook stopped a request. Progenitor's hooks can only
/// return its own errors, so `Custom` carries the kind as a prefix that
/// [`receive`](super::receive) reads back.
pub(crate) enum HookFailure {
    InvalidRequest(String),
    Token(String),
    RateLimited(String),
}

impl HookFailure {
    pub(crate) const TOKEN: &str = "token: ";
    pub(crate) const RATE_LIMITED: &str = "rate limit: ";

    fn into_raw<E>(self) -> progenitor_client::Error<E> {
        match self {
            HookFailure::InvalidRequest(reason) => progenitor_client::Error::InvalidRequest(reason),
            HookFailure::Token(reason) => {
                progenitor_client::Error::Custom(format!("{}{reason}", Self::TOKEN))
            }
            HookFailure::RateLimited(reason) => {
                progenitor_client::Error::Custom(format!("{}{reason}", Self::RATE_LIMITED))
            }
        }
    }
}

/// Settings for a generated crate's `Client`; start from `Client::builder`.
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    credential: Option<Credential>,
    operations: &'static [OperationPolicy],
    rate_limits: &'static [RateWindow],
    limit_override: Option<Vec<(u64, Duration)>>,
    retry: RetryPolicy,
    matched_fields: Option<Vec<String>>,
    timeout: Duration,
    connect_timeout: Duration,
}

impl ClientBuilder {
    /// The generated `Client::builder` starts here, with what the spec fixes.
    #[doc(hidden)]
    pub fn new(
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
            matched_fields: None,
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

    /// The body fields the server matches an existing resource on, for
    /// the operations whose spec says when a repeat is safe
    /// (`x-retry-safe-when`). By default a repeat needs every match field the
    /// spec lists (`all-present`). A caller who knows the server's setting,
    /// such as a HighLevel location that matches contacts on email only,
    /// declares it here: `matched_fields(["email"])`. A request that carries
    /// all of these fields is then repeated after a timeout or a 5xx; one
    /// that lacks any is not, and fails as `Error::OutcomeUnknown`.
    pub fn matched_fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.matched_fields = Some(fields.into_iter().map(Into::into).collect());
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
            credential.identity(&mut hasher);
        }
        hasher.finish()
    }

    /// What a generated `Client` is made of, checked; its `build` wraps it.
    #[doc(hidden)]
    pub fn build_parts(self) -> Result<ClientParts, BuildError> {
        let base_url = self.base_url.clone().ok_or(BuildError::MissingBaseUrl)?;
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|_| BuildError::InvalidBaseUrl(base_url.clone()))?;
        // Paths are appended to the base URL as text: a query or a fragment
        // in it would swallow them (`http://h/p#f` + `/contacts/x` sends
        // `/p`).
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.query().is_some()
            || parsed.fragment().is_some()
            || parsed.cannot_be_a_base()
        {
            return Err(BuildError::InvalidBaseUrl(base_url));
        }
        if let Some(credential) = &self.credential {
            credential.check()?;
        }
        let limiter = RateLimiter::shared(
            self.limiter_key(&base_url),
            self.rate_limits,
            self.limit_override.as_deref(),
        );
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .user_agent(concat!(
                    env!("CARGO_PKG_NAME"),
                    "/",
                    env!("CARGO_PKG_VERSION")
                ))
                .build()
                .map_err(BuildError::Http)?,
        };
        let inner = Inner {
            credential: self.credential,
            operations: self.operations,
            retry: self.retry,
            limiter,
            matched_fields: self.matched_fields,
        };
        Ok(ClientParts {
            base_url: base_url.trim_end_matches('/').to_owned(),
            http,
            inner,
        })
    }
}

/// A built client's parts: the base URL (without a trailing slash), the
/// HTTP client and the runtime state progenitor's hooks use.
#[derive(Debug)]
pub struct ClientParts {
    pub base_url: String,
    pub http: reqwest::Client,
    pub inner: Inner,
}

/// Why a client could not be built. Never contains the token.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The spec names no absolute server URL and none was given.
    MissingBaseUrl,
    /// The base URL is not an absolute `http`/`https` URL without a query
    /// or a fragment.
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
            BuildError::MissingBaseUrl => {
                f.write_str("no base URL: the spec names none, so set one")
            }
            BuildError::InvalidBaseUrl(url) => {
                write!(
                    f,
                    "`{url}` is not an absolute http(s) URL without a query or a fragment"
                )
            }
            BuildError::InvalidToken => {
                f.write_str("the token contains characters a header cannot carry")
            }
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
