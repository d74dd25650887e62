//! Progenitor's `exec` hook, around each request: the rate limiter, a
//! `tracing` span per attempt, one renewal of a rejected OAuth token, and
//! retries while the failure is transient and a repeat is safe.

use std::time::Duration;

use tracing::Instrument;

use super::rate_limit::{NotSent, RateLimiter};
use super::retry::{is_transient, retry_after};
use super::state::Inner;

impl NotSent {
    /// Progenitor's `exec` hook can only return an answer or a
    /// `reqwest::Error`, which cannot be made here; so a request that is not
    /// sent comes back as an answer that never left the client, marked by
    /// this extension, which [`receive`](fn@super::receive) reads first.
    fn into_response(self) -> reqwest::Response {
        let mut response = http::Response::new(Vec::<u8>::new());
        *response.status_mut() = reqwest::StatusCode::SERVICE_UNAVAILABLE;
        response.extensions_mut().insert(self);
        response.into()
    }
}

/// What follows an attempt.
enum Verdict {
    /// Its outcome is the answer.
    Final,
    /// It is sent again, after the wait the server asked for, if it asked.
    Repeat { asked_wait: Option<Duration> },
}

impl Inner {
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
        // Judged once, and only when an answer could be retried: an
        // upsert's rule reads the JSON body.
        let mut repeatable: Option<bool> = None;
        let mut backoff = backon::ExponentialBuilder::default()
            .with_min_delay(self.retry.base_delay)
            .with_max_delay(self.retry.max_delay)
            .with_max_times(self.retry.max_attempts.saturating_sub(1) as usize)
            .with_jitter()
            .build();
        let mut attempt = 1u32;
        let mut retries_left = self.retry.max_attempts.saturating_sub(1);
        let mut renewed_token = false;
        // The answer to the attempt before, while the next one waits for the
        // rate limiter: it stands if the next cannot be sent.
        let mut previous = None;
        loop {
            // A copy for the next attempt, made only when there can be one
            // (a body that cannot be replayed, a stream, is sent once).
            let may_follow = retries_left > 0 || (!renewed_token && self.credentials.renewable());
            let kept = may_follow.then(|| request.try_clone()).flatten();
            let span = tracing::info_span!(
                "http_request",
                operation = operation_id,
                attempt,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
                rate_available = tracing::field::Empty,
            );
            let limiter = self.limiter(operation_id);
            let admitted = limiter
                .acquire(self.retry.max_delay)
                .instrument(span.clone())
                .await;
            if let Err(not_sent) = admitted {
                return previous.unwrap_or_else(|| Ok(not_sent.into_response()));
            }
            let outcome = self.attempt(http, request, &span, &limiter).await;
            let Some(next) = kept else {
                return outcome;
            };
            request = next;
            let unauthorized = matches!(&outcome, Ok(response) if response.status() == reqwest::StatusCode::UNAUTHORIZED);
            // Boxed: a renewal's future is large, and every request's future
            // would carry it.
            if !renewed_token
                && unauthorized
                && Box::pin(self.renew_rejected_token(http, &mut request, operation_id)).await
            {
                renewed_token = true;
                attempt += 1;
                continue;
            }
            let repeat_safe = || {
                *repeatable.get_or_insert_with(|| self.request_repeat_safe(operation_id, &request))
            };
            let Verdict::Repeat { asked_wait } = verdict(&outcome, repeat_safe) else {
                return outcome;
            };
            let Some(backoff_wait) = backoff.next() else {
                return outcome;
            };
            retries_left = retries_left.saturating_sub(1);
            let wait = asked_wait.unwrap_or(backoff_wait);
            if wait > self.retry.max_delay {
                return outcome;
            }
            span.in_scope(|| tracing::debug!(wait_ms = wait.as_millis() as u64, "retrying"));
            tokio::time::sleep(wait).await;
            previous = Some(outcome);
            attempt += 1;
        }
    }

    /// One attempt in `span`, admitted by the rate limiter: sends, and
    /// records the status, the latency and what the rate budget has left.
    async fn attempt(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        span: &tracing::Span,
        limiter: &RateLimiter,
    ) -> reqwest::Result<reqwest::Response> {
        let started = std::time::Instant::now();
        let outcome = http.execute(request).instrument(span.clone()).await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        if let Ok(response) = &outcome {
            span.record("status", response.status().as_u16());
            limiter.observe(response.headers());
            // The budget is worked out only for a subscriber that listens.
            if !span.is_disabled()
                && let Some(remaining) =
                    limiter.budget().iter().map(|window| window.available).min()
            {
                span.record("rate_available", remaining);
            }
        }
        outcome
    }

    /// After a 401, puts renewed tokens on `request`, for one more try:
    /// the old ones may have expired or been revoked since they were handed
    /// out. Whether any was renewed.
    async fn renew_rejected_token(
        &self,
        http: &reqwest::Client,
        request: &mut reqwest::Request,
        operation_id: &str,
    ) -> bool {
        let mut renewed = false;
        for credential in self.sent(self.route(operation_id)) {
            renewed |= credential.renew_after_rejection(request, http).await;
        }
        renewed
    }

    /// [`repeat_safe`](Inner::repeat_safe) for the JSON body `request`
    /// carries.
    fn request_repeat_safe(&self, operation_id: &str, request: &reqwest::Request) -> bool {
        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .unwrap_or_default();
        self.repeat_safe(operation_id, serde_json::from_slice(body).ok().as_ref())
    }
}

/// A failed connect and a 429 were not processed: always repeatable. A
/// timeout or a 5xx may have been applied: repeatable when `repeat_safe`
/// (asked only then) says so.
fn verdict(
    outcome: &reqwest::Result<reqwest::Response>,
    mut repeat_safe: impl FnMut() -> bool,
) -> Verdict {
    let asked_wait = match outcome {
        Err(error) if error.is_connect() => None,
        Ok(response) if response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS => {
            retry_after(response.headers())
        }
        Err(error) if error.is_timeout() && repeat_safe() => None,
        Ok(response) if is_transient(response.status()) && repeat_safe() => {
            retry_after(response.headers())
        }
        _ => return Verdict::Final,
    };
    Verdict::Repeat { asked_wait }
}
