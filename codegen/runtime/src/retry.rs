//! When and how patiently a failed request is sent again.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// When a request may be sent again after it may have reached the server
/// (a timeout, a dropped connection, a 5xx), from the spec. A failed
/// connect and a 429 are always repeatable: the server did not process the
/// request.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum RetryRule {
    /// The method is idempotent (GET, PUT, DELETE, …): repeating it after a
    /// response changes nothing.
    Idempotent,
    /// Only when the server cannot have processed it.
    ConnectErrorsOnly,
    /// `x-retry-safe-when`: when in the JSON body no property of `not_true`
    /// is `true`, every property of `all_present` has a value and, if
    /// `any_present` is not empty, one of its properties has one. The
    /// caller may narrow `all_present` to the fields the server matches on
    /// ([`ClientBuilder::matched_fields`](super::ClientBuilder::matched_fields)).
    WhenBody {
        not_true: &'static [&'static str],
        all_present: &'static [&'static str],
        any_present: &'static [&'static str],
    },
}

impl RetryRule {
    /// `all-present`: the body fields that must all have a value for a repeat
    /// to be safe (for an upsert, the fields the server matches on); none for
    /// the other rules.
    pub fn all_present(self) -> &'static [&'static str] {
        match self {
            RetryRule::WhenBody { all_present, .. } => all_present,
            _ => &[],
        }
    }

    /// `not-true`: the body fields that make a repeat unsafe when `true` (for
    /// an upsert, a request for a new record whatever matches); none for the
    /// other rules.
    pub fn not_true(self) -> &'static [&'static str] {
        match self {
            RetryRule::WhenBody { not_true, .. } => not_true,
            _ => &[],
        }
    }

    /// Whether a request with this JSON body (`None`: no body, or not
    /// JSON) may be repeated after it may have been applied. `matched`, when
    /// the caller declared it, replaces the rule's `all_present`.
    pub fn allows_repeat(
        self,
        body: Option<&serde_json::Value>,
        matched: Option<&[String]>,
    ) -> bool {
        match self {
            RetryRule::Idempotent => true,
            RetryRule::ConnectErrorsOnly => false,
            RetryRule::WhenBody {
                not_true,
                all_present,
                any_present,
            } => {
                let Some(body) = body else { return false };
                let set = |name: &str| body.get(name).is_some_and(|value| !value.is_null());
                let all_set = match matched {
                    Some(fields) => fields.iter().all(|name| set(name)),
                    None => all_present.iter().all(|name| set(name)),
                };
                !not_true
                    .iter()
                    .any(|name| body.get(*name) == Some(&serde_json::Value::Bool(true)))
                    && all_set
                    && (any_present.is_empty() || any_present.iter().any(|name| set(name)))
            }
        }
    }
}

/// How often and how patiently failed requests are sent again.
///
/// Retried: connect errors and 429 always; timeouts and the answers 502,
/// 503 and 504 when a repeat is safe for the operation: its method is
/// idempotent, or its spec's `x-retry-safe-when` holds for the body. The wait
/// grows exponentially from `base_delay` with jitter, or is what the
/// server's `Retry-After` asks for; an answer asking for longer than
/// `max_delay` is returned instead of waited for.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub(super) max_attempts: u32,
    pub(super) base_delay: Duration,
    pub(super) max_delay: Duration,
}

impl RetryPolicy {
    /// Up to `max_attempts` sends in all (1 means no retry).
    pub fn new(max_attempts: u32, base_delay: Duration) -> Self {
        RetryPolicy {
            max_attempts: max_attempts.max(1),
            base_delay,
            max_delay: Duration::from_secs(30),
        }
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

/// Statuses that say "try again later".
pub fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// `Retry-After` in seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}
