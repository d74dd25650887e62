//! Sending an operation: `send` makes each attempt through progenitor's raw
//! method, in a `tracing` span of its own, renews a rejected OAuth token
//! once, and tries again while the failure is transient and a repeat is
//! safe. The raw method's `exec` hook, `execute`, is one attempt: the rate
//! limiter, then the request.

use std::future::Future;
use std::time::Duration;

use tracing::Instrument;

use super::rate_limit::NotSent;
use super::retry::{is_transient, retry_after};
use super::state::Inner;

/// What progenitor's raw method returns: the answer of every status, or
/// why there is none.
pub type Sent = Result<reqwest::Response, progenitor_client::Error<()>>;

impl NotSent {
    /// Progenitor's `exec` hook can only return an answer or a
    /// `reqwest::Error`, which cannot be made here; so a request that is not
    /// sent comes back as an answer that never left the client, marked by
    /// this extension, which `send` and [`receive`](fn@super::receive) read.
    fn into_response(self) -> reqwest::Response {
        let mut response = http::Response::new(Vec::<u8>::new());
        *response.status_mut() = reqwest::StatusCode::SERVICE_UNAVAILABLE;
        response.extensions_mut().insert(self);
        response.into()
    }
}

/// On a 401: the renewable tokens the refused request carried, as its
/// headers held them, by the position of their credential among those the
/// client holds.
#[derive(Clone)]
struct Refused(Vec<(usize, reqwest::header::HeaderValue)>);

/// What follows an attempt.
enum Verdict {
    /// Its outcome is the answer.
    Final,
    /// It is sent again, after the wait the server asked for, if it asked.
    Repeat { asked_wait: Option<Duration> },
}

impl Inner {
    /// Sends an operation's request, made afresh for each attempt by
    /// `attempt` (the raw method, or `None` when its body cannot be sent
    /// again), and sends it again while the failure is transient and a
    /// repeat is safe (`repeat_safe`, asked only then). Each attempt is a
    /// `tracing` span with the operation, attempt, status and latency;
    /// never headers or bodies.
    ///
    /// Made afresh rather than copied before it is sent: nothing is copied
    /// for an attempt that does not follow, and each attempt carries the
    /// credentials current when it is sent.
    pub async fn send<Attempt>(
        &self,
        http: &reqwest::Client,
        operation_id: &str,
        repeat_safe: impl Fn() -> bool,
        mut attempt: impl FnMut() -> Option<Attempt>,
    ) -> Sent
    where
        Attempt: Future<Output = Sent>,
    {
        use backon::BackoffBuilder;
        let mut backoff = backon::ExponentialBuilder::default()
            .with_min_delay(self.retry.base_delay)
            .with_max_delay(self.retry.max_delay)
            .with_max_times(self.retry.max_attempts.saturating_sub(1) as usize)
            .with_jitter()
            .build();
        let Some(mut sending) = attempt() else {
            let unsent = "the request body was already sent".to_owned();
            return Err(progenitor_client::Error::InvalidRequest(unsent));
        };
        // Judged once, and only when an answer could be retried: an
        // upsert's rule reads the body.
        let mut repeatable: Option<bool> = None;
        let mut renewed_token = false;
        let mut number = 1u32;
        // The answer to the attempt before: it stands if the next is not
        // sent (the rate limiter cannot admit it in time, or its
        // credentials cannot be had).
        let mut previous: Option<Sent> = None;
        let mut wait = Duration::ZERO;
        loop {
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let span = tracing::info_span!(
                "http_request",
                operation = operation_id,
                attempt = number,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
                rate_available = tracing::field::Empty,
            );
            // Entered on every poll only when a subscriber listens.
            let outcome = if span.is_disabled() {
                sending.await
            } else {
                sending.instrument(span.clone()).await
            };
            if not_sent(&outcome) {
                return previous.unwrap_or(outcome);
            }
            number += 1;
            wait = Duration::ZERO;
            let refused = match &outcome {
                Ok(response) => response.extensions().get::<Refused>(),
                Err(_) => None,
            };
            // The next attempt is made (not sent) before a renewal or a
            // wait is spent on it: a stream body cannot have one. Boxed: a
            // renewal's future is large, and every request's future would
            // carry it.
            if !renewed_token
                && let Some(refused) = refused
                && let Some(next) = attempt()
                && Box::pin(self.renew_refused(http, refused)).await
            {
                renewed_token = true;
                previous = Some(outcome);
                sending = next;
                continue;
            }
            // Whether a retry is left is asked first: `repeat_safe` may
            // encode the body.
            let Some(backoff_wait) = backoff.next() else {
                return outcome;
            };
            let repeat_safe = || *repeatable.get_or_insert_with(&repeat_safe);
            let Verdict::Repeat { asked_wait } = verdict(&outcome, repeat_safe) else {
                return outcome;
            };
            wait = asked_wait.unwrap_or(backoff_wait);
            if wait > self.retry.max_delay {
                return outcome;
            }
            let Some(next) = attempt() else {
                return outcome;
            };
            span.in_scope(|| tracing::debug!(wait_ms = wait.as_millis() as u64, "retrying"));
            previous = Some(outcome);
            sending = next;
        }
    }

    /// Progenitor's `exec` hook: one attempt of `operation_id`, in the span
    /// [`send`](Inner::send) opened for it. Waits for the rate limiter,
    /// sends, and records the status, the latency and what the rate budget
    /// has left; a 401 carries the renewable tokens it refused.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        operation_id: &str,
    ) -> reqwest::Result<reqwest::Response> {
        // The span `send` opened, unless a subscriber's filter left it out:
        // then the current span is someone else's, and is not written to.
        let current = tracing::Span::current();
        let span = match current.metadata() {
            Some(meta) if meta.name() == "http_request" && meta.target() == module_path!() => {
                current
            }
            _ => tracing::Span::none(),
        };
        let limiter = self.limiter(operation_id);
        if let Err(not_sent) = limiter.acquire(self.retry.max_delay).await {
            return Ok(not_sent.into_response());
        }
        let renewable = self
            .credentials
            .renewable()
            .then(|| self.renewable_tokens(operation_id, request.headers()));
        let started = std::time::Instant::now();
        let mut outcome = http.execute(request).await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        if let Ok(response) = &mut outcome {
            span.record("status", response.status().as_u16());
            limiter.observe(response.headers());
            // The budget is worked out only for a subscriber that listens.
            if !span.is_disabled()
                && let Some(remaining) =
                    limiter.budget().iter().map(|window| window.available).min()
            {
                span.record("rate_available", remaining);
            }
            if response.status() == reqwest::StatusCode::UNAUTHORIZED
                && let Some(tokens) = renewable
            {
                response.extensions_mut().insert(Refused(tokens));
            }
        }
        outcome
    }

    /// The renewable tokens a request of `operation_id` carries in
    /// `headers`.
    fn renewable_tokens(
        &self,
        operation_id: &str,
        headers: &reqwest::header::HeaderMap,
    ) -> Vec<(usize, reqwest::header::HeaderValue)> {
        let sent = self
            .route(operation_id)
            .and_then(|route| route.sent.as_ref().ok());
        sent.into_iter()
            .flatten()
            .filter_map(|&index| Some((index, self.credentials.held(index).sent_header(headers)?)))
            .collect()
    }

    /// After a 401: drops the tokens it refused and fetches renewed ones,
    /// which the next attempt carries. Whether any was renewed.
    async fn renew_refused(&self, http: &reqwest::Client, refused: &Refused) -> bool {
        let mut renewed = false;
        for (index, token) in &refused.0 {
            renewed |= self
                .credentials
                .held(*index)
                .renew_rejected(token, http)
                .await;
        }
        renewed
    }
}

/// Whether an attempt was not sent: the rate limiter could not admit it in
/// time, or the `pre` hook refused it (its credentials cannot be had).
fn not_sent(outcome: &Sent) -> bool {
    match outcome {
        Ok(response) => response.extensions().get::<NotSent>().is_some(),
        Err(progenitor_client::Error::InvalidRequest(_) | progenitor_client::Error::Custom(_)) => {
            true
        }
        Err(_) => false,
    }
}

/// A failed connect and a 429 were not processed: always repeatable. A
/// timeout or a 5xx may have been applied: repeatable when `repeat_safe`
/// (asked only then) says so.
fn verdict(outcome: &Sent, mut repeat_safe: impl FnMut() -> bool) -> Verdict {
    use progenitor_client::Error::CommunicationError;
    let asked_wait = match outcome {
        Err(CommunicationError(error)) if error.is_connect() => None,
        Ok(response) if response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS => {
            retry_after(response.headers())
        }
        Err(CommunicationError(error)) if error.is_timeout() && repeat_safe() => None,
        Ok(response) if is_transient(response.status()) && repeat_safe() => {
            retry_after(response.headers())
        }
        _ => return Verdict::Final,
    };
    Verdict::Repeat { asked_wait }
}
