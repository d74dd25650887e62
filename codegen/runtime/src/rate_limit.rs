//! The client-side rate limiter.

use std::fmt;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName};

use super::rate_window::{Counted, with_margin};

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

/// Where the windows of a budget are counted: in this process (the
/// default), or in Redis, shared by every process and machine that uses the
/// same server and budget key (the `redis` feature).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum RateStore {
    #[default]
    InProcess,
    #[cfg(feature = "redis")]
    Redis(super::redis_store::RedisAddress),
}

impl RateStore {
    /// The Redis server at `url` (`redis://[user[:password]@]host[:port][/db]`),
    /// checked but not yet reached: the connection is made on first use.
    /// `rediss://` is refused. The password never appears in messages.
    #[cfg(feature = "redis")]
    pub fn redis(url: &str) -> Result<Self, String> {
        super::redis_store::RedisAddress::parse(url).map(RateStore::Redis)
    }

    /// Where it is, for telling limiters apart (never a password).
    fn place(&self) -> &str {
        match self {
            RateStore::InProcess => "",
            #[cfg(feature = "redis")]
            RateStore::Redis(address) => address.shown(),
        }
    }
}

/// Why a request was not sent.
#[derive(Debug, Clone)]
pub enum NotSent {
    /// A window frees up later than the longest wait allowed.
    Budget(String),
    /// The rate store could not be used.
    Store(String),
}

/// Keeps every client of one budget (a server and a credential's identity)
/// within the spec's windows: no more than `requests` start in any
/// `milliseconds`, counted from the start times of the requests themselves
/// (a sliding log; for a window of over `LOG_LIMIT` requests, a count per
/// hundredth of it). Token-bucket limiters (GCRA) allow up to twice the
/// limit across a window boundary, which is exactly what a server's window
/// refuses.
#[derive(Debug)]
pub struct RateLimiter {
    windows: std::sync::Mutex<Vec<WindowState>>,
    #[cfg(feature = "redis")]
    redis: Option<super::redis_store::RedisWindows>,
}

#[derive(Debug)]
struct WindowState {
    /// The spec's `X-RateLimit-*` names, parsed once: a lookup by text
    /// would parse them again on every answer.
    limit_header: Option<HeaderName>,
    remaining_header: Option<HeaderName>,
    /// The configured limit and window (the spec's unless the builder set
    /// others).
    requests: u64,
    period: Duration,
    /// `requests`, or the server's limit when it reports a lower one.
    limit: u64,
    /// The starts in the window, counted in this process.
    counted: Counted,
    server_remaining: Option<u64>,
    /// In Redis: what the server counts beyond the store's count, added to
    /// the store with the next admission.
    server_used: Option<u64>,
    /// In Redis: the starts the store counted at the last admission.
    stored: u64,
}

impl WindowState {
    fn period(&self) -> Duration {
        with_margin(self.period)
    }

    fn wait(&mut self, now: Instant) -> Duration {
        let period = self.period();
        self.counted.prune(now, period);
        self.counted.wait(now, period, self.limit)
    }

    fn count(&mut self, now: Instant) -> u64 {
        let period = self.period();
        self.counted.prune(now, period);
        self.counted.len()
    }
}

impl RateLimiter {
    /// The limiter every client of this budget and store shares in this
    /// process. `limits` replaces the spec's `(requests, window)` pairs, in
    /// order.
    pub fn shared(
        budget: &str,
        windows: &'static [RateWindow],
        limits: Option<&[(u64, Duration)]>,
        store: &RateStore,
    ) -> std::sync::Arc<RateLimiter> {
        use std::collections::HashMap;
        use std::sync::{Arc, Mutex, OnceLock, Weak};
        type Limiters = Mutex<HashMap<(String, String), Weak<RateLimiter>>>;
        static LIMITERS: OnceLock<Limiters> = OnceLock::new();
        let mut limiters = LIMITERS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        limiters.retain(|_, limiter| limiter.strong_count() > 0);
        let key = (budget.to_owned(), store.place().to_owned());
        if let Some(limiter) = limiters.get(&key).and_then(Weak::upgrade) {
            return limiter;
        }
        let limiter = Arc::new(RateLimiter {
            windows: Mutex::new(Self::window_states(windows, limits)),
            #[cfg(feature = "redis")]
            redis: match store {
                RateStore::Redis(address) => Some(super::redis_store::RedisWindows::new(
                    address.clone(),
                    budget,
                    &windows.iter().map(|w| w.milliseconds).collect::<Vec<_>>(),
                )),
                RateStore::InProcess => None,
            },
        });
        limiters.insert(key, Arc::downgrade(&limiter));
        limiter
    }

    fn window_states(
        windows: &'static [RateWindow],
        limits: Option<&[(u64, Duration)]>,
    ) -> Vec<WindowState> {
        windows
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                let (requests, period) = limits
                    .and_then(|limits| limits.get(index).copied())
                    .unwrap_or((spec.requests, Duration::from_millis(spec.milliseconds)));
                let requests = requests.max(1);
                WindowState {
                    limit_header: spec.limit_header.and_then(header_name),
                    remaining_header: spec.remaining_header.and_then(header_name),
                    requests,
                    period,
                    limit: requests,
                    counted: Counted::for_window(requests, with_margin(period)),
                    server_remaining: None,
                    server_used: None,
                    stored: 0,
                }
            })
            .collect()
    }

    /// The budget of windows nothing has been counted in yet: what a
    /// client shows before it knows which budget it counts against.
    pub fn unused_budget(
        windows: &'static [RateWindow],
        limits: Option<&[(u64, Duration)]>,
    ) -> Vec<RateBudget> {
        Self::window_states(windows, limits)
            .iter()
            .map(|window| RateBudget {
                requests: window.limit,
                window: window.period,
                available: window.limit,
                server_remaining: None,
            })
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<WindowState>> {
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How long until a request may start, counted in this process. In
    /// Redis only an admission knows: zero, and
    /// [`acquire`](RateLimiter::acquire) judges.
    pub fn wait(&self) -> Duration {
        #[cfg(feature = "redis")]
        if self.redis.is_some() {
            return Duration::ZERO;
        }
        let now = Instant::now();
        self.lock()
            .iter_mut()
            .map(|window| window.wait(now))
            .max()
            .unwrap_or_default()
    }

    /// Waits until every window has room, then counts a request in each.
    /// A wait longer than `max_wait`, or a store that cannot be used,
    /// refuses it.
    pub async fn acquire(&self, max_wait: Duration) -> Result<(), NotSent> {
        #[cfg(feature = "redis")]
        if let Some(redis) = &self.redis {
            // Boxed: its future is several times the in-process one's, and
            // every request's future would carry that size.
            return Box::pin(self.acquire_in_redis(redis, max_wait)).await;
        }
        loop {
            let wait = {
                let now = Instant::now();
                let mut windows = self.lock();
                let wait = windows
                    .iter_mut()
                    .map(|window| window.wait(now))
                    .max()
                    .unwrap_or_default();
                if wait.is_zero() {
                    windows
                        .iter_mut()
                        .for_each(|window| window.counted.add(now, 1));
                    return Ok(());
                }
                wait
            };
            if wait > max_wait {
                return Err(spent(wait));
            }
            tokio::time::sleep(wait).await;
        }
    }

    #[cfg(feature = "redis")]
    async fn acquire_in_redis(
        &self,
        redis: &super::redis_store::RedisWindows,
        max_wait: Duration,
    ) -> Result<(), NotSent> {
        use super::rate_window::BUCKETS;
        use super::redis_store::WindowArgs;
        loop {
            let args: Vec<WindowArgs> = self
                .lock()
                .iter_mut()
                .map(|window| WindowArgs {
                    limit: window.limit,
                    period: window.period(),
                    bucket: match window.counted {
                        Counted::Log(_) => Duration::ZERO,
                        Counted::Buckets { .. } => window.period() / BUCKETS,
                    },
                    server_used: window.server_used.take(),
                })
                .collect();
            let reply = redis.admit(&args).await.map_err(NotSent::Store)?;
            for (window, stored) in self.lock().iter_mut().zip(&reply.counted) {
                window.stored = *stored;
            }
            if reply.admitted {
                return Ok(());
            }
            if reply.wait > max_wait {
                return Err(spent(reply.wait));
            }
            tokio::time::sleep(reply.wait).await;
        }
    }

    /// Follows what an answer's headers report: a lower limit than the
    /// spec's, and a spent window (shared with other clients of the token).
    pub fn observe(&self, headers: &HeaderMap) {
        // An answer has few headers: a scan finds a name sooner than
        // hashing it, and finds the first value, as `get` does.
        let number = |name: Option<&HeaderName>| {
            let name = name?;
            headers
                .iter()
                .find_map(|(received, value)| (received == name).then_some(value))
                .and_then(|value| value.to_str().ok())
                .and_then(|text| text.trim().parse::<u64>().ok())
        };
        #[cfg(feature = "redis")]
        let in_redis = self.redis.is_some();
        #[cfg(not(feature = "redis"))]
        let in_redis = false;
        let now = Instant::now();
        for window in self.lock().iter_mut() {
            if let Some(limit) = number(window.limit_header.as_ref()) {
                window.limit = limit.clamp(1, window.requests);
            }
            window.server_remaining = number(window.remaining_header.as_ref());
            // Reconciled, not paused: the count already holds this
            // budget's own starts, so what the server counts beyond them is
            // other clients' (without a shared store, another process or an
            // earlier run), counted as if they started now. A client alone
            // on its budget keeps full speed.
            let Some(remaining) = window.server_remaining else {
                continue;
            };
            let used = window.limit.saturating_sub(remaining);
            if in_redis {
                if used > window.stored {
                    window.server_used = Some(used);
                }
            } else {
                let counted = window.count(now);
                if used > counted {
                    window.counted.add(now, used - counted);
                }
            }
        }
    }

    /// What each window has left: counted here, or as the store said at
    /// the last admission.
    pub fn budget(&self) -> Vec<RateBudget> {
        #[cfg(feature = "redis")]
        let in_redis = self.redis.is_some();
        #[cfg(not(feature = "redis"))]
        let in_redis = false;
        let now = Instant::now();
        self.lock()
            .iter_mut()
            .map(|window| {
                let counted = if in_redis {
                    window.stored
                } else {
                    window.count(now)
                };
                RateBudget {
                    requests: window.limit,
                    window: window.period,
                    available: window.limit.saturating_sub(counted),
                    server_remaining: window.server_remaining,
                }
            })
            .collect()
    }
}

/// A header name the spec gives; one that is not a valid name is never in
/// an answer.
fn header_name(name: &str) -> Option<HeaderName> {
    HeaderName::from_bytes(name.as_bytes()).ok()
}

fn spent(wait: Duration) -> NotSent {
    NotSent::Budget(format!(
        "the rate-limit budget is spent; it frees up in {} s",
        wait.as_secs()
    ))
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
