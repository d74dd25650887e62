//! HighLevel's limits as the server counts them: a sliding window of arrivals for the burst
//! limit and a count for the day, reported in the `X-RateLimit-*` headers.

use std::collections::VecDeque;
use std::time::Instant;

use highlevel_contacts::RateLimit;
use hyper::HeaderMap;

pub(crate) struct Limiter {
    burst: RateLimit,
    daily_limit: u64,
    /// The arrivals inside the burst window, oldest first.
    window: VecDeque<Instant>,
    daily: u64,
}

impl Limiter {
    pub fn new(burst: RateLimit, daily_limit: u64) -> Self {
        Limiter {
            burst,
            daily_limit,
            window: VecDeque::new(),
            daily: 0,
        }
    }

    fn prune(&mut self, now: Instant) {
        while let Some(&first) = self.window.front() {
            if now.duration_since(first) >= self.burst.window {
                self.window.pop_front();
            } else {
                break;
            }
        }
    }

    /// Records the request in the windows, or says how many seconds to wait.
    pub fn admit(&mut self) -> Option<u64> {
        let now = Instant::now();
        self.prune(now);
        let limit = self.burst;
        if self.window.len() as u64 >= limit.requests || self.daily >= self.daily_limit {
            let free_at = self.window.front().map(|&first| first + limit.window);
            let wait = free_at.map_or(limit.window, |at| at.saturating_duration_since(now));
            return Some(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        self.window.push_back(now);
        self.daily += 1;
        None
    }

    /// Sets the `X-RateLimit-*` headers: the limits and what remains of them.
    pub fn put_headers(&mut self, headers: &mut HeaderMap) {
        self.prune(Instant::now());
        let limit = self.burst;
        let remaining = limit.requests.saturating_sub(self.window.len() as u64);
        let daily_remaining = self.daily_limit.saturating_sub(self.daily);
        let mut put = |name: &'static str, value: u64| {
            headers.insert(name, value.to_string().parse().expect("digits"));
        };
        put("x-ratelimit-max", limit.requests);
        put("x-ratelimit-remaining", remaining);
        put(
            "x-ratelimit-interval-milliseconds",
            limit.window.as_millis() as u64,
        );
        put("x-ratelimit-limit-daily", self.daily_limit);
        put("x-ratelimit-daily-remaining", daily_remaining);
    }
}
