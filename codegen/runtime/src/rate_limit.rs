//! The client-side rate limiter.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;

/// A rate-limit window from the spec's `x-rate-limits`.
#[derive(Debug)]
pub struct RateWindow {
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
pub struct RateLimiter {
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
    /// Forgets the starts that have left the window.
    fn prune(&mut self, now: std::time::Instant) {
        while self
            .started
            .front()
            .is_some_and(|first| now.duration_since(*first) >= self.period())
        {
            self.started.pop_front();
        }
    }

    fn wait(&mut self, now: std::time::Instant) -> Duration {
        self.prune(now);
        if self.started.len() as u64 >= self.limit {
            // The start whose leaving makes room for one more.
            let frees = self.started.len() - self.limit as usize;
            (self.started[frees] + self.period()).saturating_duration_since(now)
        } else {
            Duration::ZERO
        }
    }
}

impl RateLimiter {
    /// The limiter every client with this token and server shares.
    /// `limits` replaces the spec's `(requests, window)` pairs, in order.
    pub fn shared(
        key: u64,
        windows: &'static [RateWindow],
        limits: Option<&[(u64, Duration)]>,
    ) -> std::sync::Arc<RateLimiter> {
        use std::collections::HashMap;
        use std::sync::{Arc, Mutex, OnceLock, Weak};
        static LIMITERS: OnceLock<Mutex<HashMap<u64, Weak<RateLimiter>>>> = OnceLock::new();
        let mut limiters = LIMITERS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
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
    pub fn wait(&self) -> Duration {
        let now = std::time::Instant::now();
        self.lock()
            .iter_mut()
            .map(|window| window.wait(now))
            .max()
            .unwrap_or_default()
    }

    /// Waits until every window has room, then counts a request in each.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let now = std::time::Instant::now();
                let mut windows = self.lock();
                let wait = windows
                    .iter_mut()
                    .map(|window| window.wait(now))
                    .max()
                    .unwrap_or_default();
                if wait.is_zero() {
                    windows
                        .iter_mut()
                        .for_each(|window| window.started.push_back(now));
                    return;
                }
                wait
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Follows what an answer's headers report: a lower limit than the
    /// spec's, and a spent window (shared with other clients of the token).
    pub fn observe(&self, headers: &HeaderMap) {
        let number = |name: Option<&str>| {
            headers
                .get(name?)
                .and_then(|value| value.to_str().ok())
                .and_then(|text| text.trim().parse::<u64>().ok())
        };
        let now = std::time::Instant::now();
        for window in self.lock().iter_mut() {
            if let Some(limit) = number(window.spec.limit_header) {
                window.limit = limit.clamp(1, window.requests);
            }
            window.server_remaining = number(window.spec.remaining_header);
            // Reconciled, not paused: the log already holds this client's
            // own starts, so what the server counts beyond them is other
            // clients' (another process, an earlier run), counted as if
            // they started now. A client alone on its budget keeps full
            // speed.
            if let Some(remaining) = window.server_remaining {
                window.prune(now);
                let used = window.limit.saturating_sub(remaining);
                while (window.started.len() as u64) < used {
                    window.started.push_back(now);
                }
            }
        }
    }

    pub fn budget(&self) -> Vec<RateBudget> {
        let now = std::time::Instant::now();
        self.lock()
            .iter_mut()
            .map(|window| {
                window.prune(now);
                let available = window.limit.saturating_sub(window.started.len() as u64);
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

/// At most `requests` in any `window`: a limit as a tool names it. `Display` writes
/// `N/DURATION` in milliseconds (`100/10000ms`); reading that form is the tools' job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u64,
    pub window: Duration,
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}ms", self.requests, self.window.as_millis())
    }
}
