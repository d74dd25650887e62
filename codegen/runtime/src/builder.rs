//! `ClientBuilder`: a generated client's settings, checked when it is built
//! into the parts the generated `Client` is made of; and `BuildError`.

use std::fmt;
use std::time::Duration;

use super::budget::Budget;
use super::credential::Credential;
use super::drift::{DriftRecorder, DriftSink};
use super::drift_file::DriftFile;
use super::policy::OperationPolicy;
use super::rate_limit::{RateStore, RateWindow};
use super::retry::RetryPolicy;
use super::security::HeldCredentials;
use super::state::Inner;

/// The `User-Agent` the client's own HTTP client sends: this crate's name
/// and version, so that the API's operators can tell its requests apart.
pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Settings for a generated crate's `Client`; start from `Client::builder`.
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    credentials: HeldCredentials,
    operations: &'static [OperationPolicy],
    rate_limits: &'static [RateWindow],
    limit_override: Option<Vec<(u64, Duration)>>,
    rate_store: RateStore,
    budget_key: Option<String>,
    retry: RetryPolicy,
    matched_fields: Option<Vec<String>>,
    timeout: Duration,
    connect_timeout: Duration,
    spec_sha256: &'static str,
    drift: Option<DriftChoice>,
}

/// Where drift is recorded, as the caller chose it.
enum DriftChoice {
    File(std::path::PathBuf),
    Sink(std::sync::Arc<dyn DriftSink>),
}

impl fmt::Debug for DriftChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriftChoice::File(path) => f.debug_tuple("File").field(path).finish(),
            DriftChoice::Sink(_) => f.write_str("Sink"),
        }
    }
}

impl ClientBuilder {
    /// The generated `Client::builder` starts here, with what the spec fixes.
    #[doc(hidden)]
    pub fn new(
        default_base_url: Option<&str>,
        operations: &'static [OperationPolicy],
        rate_limits: &'static [RateWindow],
        spec_sha256: &'static str,
    ) -> Self {
        ClientBuilder {
            base_url: default_base_url.map(str::to_owned),
            http: None,
            credentials: HeldCredentials::default(),
            operations,
            rate_limits,
            limit_override: None,
            rate_store: RateStore::InProcess,
            budget_key: None,
            retry: RetryPolicy::default(),
            matched_fields: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            spec_sha256,
            drift: None,
        }
    }

    /// Holds `credential` for the security schemes `schemes` (those that
    /// send it alike), in place of one given for any of them before. The
    /// generated `Client::builder` and its setters call this.
    #[doc(hidden)]
    pub fn scheme_credential(
        mut self,
        schemes: &'static [&'static str],
        credential: Credential,
    ) -> Self {
        self.credentials.insert(schemes, credential);
        self
    }

    /// Sends requests to `url` (scheme, host, optional port and path stem)
    /// instead of the spec's server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Uses the caller's own `reqwest::Client` (proxies, TLS roots, pools);
    /// the timeouts set here and the [`USER_AGENT`] header then do not
    /// apply. `reqwest::Client::builder().user_agent(USER_AGENT)` keeps the
    /// header.
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

    /// Where the rate budget's windows are counted: in this process (the
    /// default), or in a store that every process and machine sharing the
    /// budget uses (`RateStore::redis`, with the `redis` feature). With
    /// Redis, a request the store cannot admit (Redis unreachable, or gone
    /// for longer than a reconnection takes) is not sent, and fails with
    /// `Error::RateStore`.
    pub fn rate_store(mut self, store: RateStore) -> Self {
        self.rate_store = store;
        self
    }

    /// Names the rate budget this client counts against, instead of the
    /// identity of the credentials each request sends: for callers who know what the API counts
    /// (for HighLevel, the app and the location, such as
    /// `"<client id>:<location id>"`). The server is always part of it.
    /// Never put a secret here: a shared store shows it in its keys.
    pub fn rate_budget_key(mut self, key: impl Into<String>) -> Self {
        self.budget_key = Some(key.into());
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

    /// Records every departure of an answer from the spec (an undeclared
    /// property or status, an unlisted enum value, an unexpected `null`…)
    /// in `path`, a JSON Lines file several processes may share: counted in
    /// memory, appended every minute and when the client is dropped. A
    /// line names the place and the shape seen, never a value, but for an
    /// unlisted enum value. Off by default, and then nothing is compared.
    pub fn record_drift(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.drift = Some(DriftChoice::File(path.into()));
        self
    }

    /// Sends every departure of an answer from the spec to `sink` (see
    /// [`record_drift`](Self::record_drift), which writes them to a file).
    pub fn drift_sink(mut self, sink: impl DriftSink) -> Self {
        self.drift = Some(DriftChoice::Sink(std::sync::Arc::new(sink)));
        self
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
        for credential in self.credentials.iter() {
            credential.check()?;
        }
        let budget = Budget::new(
            parsed.as_str().trim_end_matches('/').to_owned(),
            self.budget_key,
            self.rate_limits,
            self.limit_override,
            self.rate_store,
            self.credentials.first(),
        );
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                // The client's own retries (`Inner::send`) are the only ones.
                // reqwest's default retries HTTP/2 refusals, and copies every
                // request for them; this crate does not enable reqwest's
                // `http2`, so it speaks HTTP/1.1.
                .retry(reqwest::retry::never().max_retries_per_request(0))
                .user_agent(USER_AGENT)
                .build()
                .map_err(BuildError::Http)?,
        };
        let drift = match self.drift {
            None => None,
            Some(DriftChoice::Sink(sink)) => Some(sink),
            Some(DriftChoice::File(path)) => Some(std::sync::Arc::new(
                DriftFile::open(path).map_err(BuildError::DriftRecord)?,
            ) as std::sync::Arc<dyn DriftSink>),
        };
        let routes = super::route::routes(self.operations, &self.credentials);
        let inner = Inner {
            credentials: self.credentials,
            drift: drift.map(|sink| DriftRecorder {
                sink,
                spec_sha256: self.spec_sha256,
            }),
            operations: self.operations,
            routes,
            retry: self.retry,
            budget: std::sync::Arc::new(budget),
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
    /// A token cannot be sent where its scheme puts it: in a header,
    /// control characters or non-visible bytes; in a cookie, also a space,
    /// `"`, `,`, `;` or `\`. Or an HTTP basic user name holds a `:`.
    InvalidToken,
    /// `reqwest` could not build its client (e.g. no TLS roots).
    Http(reqwest::Error),
    /// The drift record's file could not be opened for appending.
    DriftRecord(std::io::Error),
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
            BuildError::DriftRecord(error) => {
                write!(f, "the drift record could not be opened: {error}")
            }
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Http(source) => Some(source),
            BuildError::DriftRecord(source) => Some(source),
            _ => None,
        }
    }
}
