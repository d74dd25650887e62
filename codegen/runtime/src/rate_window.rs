//! One rate-limit window counted in this process: a log of start times for
//! a window of at most [`LOG_LIMIT`] requests, a count per bucket for a
//! larger one (a day's). The Redis store keeps the same two structures
//! (see `redis_store`).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The largest limit counted request by request. A larger window is counted
/// in [`BUCKETS`] buckets, so its memory does not grow with its limit.
pub(super) const LOG_LIMIT: u64 = 1_000;

/// How many buckets a large window is split into. A bucket is counted whole
/// while any part of it is inside the window, so such a window never admits
/// more than its limit; near a boundary it may admit up to one bucket's
/// requests (1 % of the window's) less than an exact log would.
pub(super) const BUCKETS: u32 = 100;

/// The window plus 1 % (at least 10 ms): requests leave the client in order
/// but reach the server with varying delays (a new connection takes longer
/// than a reused one, a busy machine schedules late), and a server's window
/// counts arrivals. For windows of a second or more, the margin is 1 %.
pub(super) fn with_margin(period: Duration) -> Duration {
    period + (period / 100).max(Duration::from_millis(10))
}

/// The starts inside one window, counted one way or the other.
#[derive(Debug)]
pub(super) enum Counted {
    /// Every start, oldest first.
    Log(VecDeque<Instant>),
    /// Starts per bucket, oldest bucket first: `(index, count)`, the index
    /// counted in buckets since `origin`.
    Buckets {
        origin: Instant,
        bucket: Duration,
        counts: VecDeque<(u64, u64)>,
        total: u64,
    },
}

impl Counted {
    /// The structure for at most `limit` starts in any `period`.
    pub(super) fn for_window(limit: u64, period: Duration) -> Self {
        if limit <= LOG_LIMIT {
            Counted::Log(VecDeque::new())
        } else {
            Counted::Buckets {
                origin: Instant::now(),
                bucket: (period / BUCKETS).max(Duration::from_millis(1)),
                counts: VecDeque::new(),
                total: 0,
            }
        }
    }

    /// Forgets what has left the window (`period`, margin included) by `now`.
    pub(super) fn prune(&mut self, now: Instant, period: Duration) {
        match self {
            Counted::Log(started) => {
                while started
                    .front()
                    .is_some_and(|first| now.duration_since(*first) >= period)
                {
                    started.pop_front();
                }
            }
            Counted::Buckets {
                origin,
                bucket,
                counts,
                total,
            } => {
                let first = bucket_index(*origin, *bucket, now.checked_sub(period));
                while counts.front().is_some_and(|(index, _)| *index < first) {
                    if let Some((_, count)) = counts.pop_front() {
                        *total -= count;
                    }
                }
            }
        }
    }

    /// The starts inside the window (after [`prune`](Counted::prune)).
    pub(super) fn len(&self) -> u64 {
        match self {
            Counted::Log(started) => started.len() as u64,
            Counted::Buckets { total, .. } => *total,
        }
    }

    /// Counts `count` starts at `now`.
    pub(super) fn add(&mut self, now: Instant, count: u64) {
        match self {
            Counted::Log(started) => started.extend((0..count).map(|_| now)),
            Counted::Buckets {
                origin,
                bucket,
                counts,
                total,
            } => {
                let index = bucket_index(*origin, *bucket, Some(now));
                match counts.back_mut() {
                    Some((last, last_count)) if *last == index => *last_count += count,
                    _ => counts.push_back((index, count)),
                }
                *total += count;
            }
        }
    }

    /// How long from `now` until fewer than `limit` starts are inside the
    /// window (zero: now).
    pub(super) fn wait(&self, now: Instant, period: Duration, limit: u64) -> Duration {
        let len = self.len();
        if len < limit {
            return Duration::ZERO;
        }
        let must_leave = len - limit + 1;
        match self {
            Counted::Log(started) => started
                .get(must_leave as usize - 1)
                .map_or(period, |start| {
                    (*start + period).saturating_duration_since(now)
                }),
            Counted::Buckets {
                origin,
                bucket,
                counts,
                ..
            } => {
                let mut left = 0;
                for (index, count) in counts {
                    left += count;
                    if left >= must_leave {
                        // A bucket leaves once the window starts after its end.
                        let end = *origin
                            + Duration::from_nanos(
                                (bucket.as_nanos() as u64).saturating_mul(index + 1),
                            );
                        return (end + period).saturating_duration_since(now);
                    }
                }
                period
            }
        }
    }
}

/// The bucket `at` falls in; before `origin` (or `None`), bucket 0.
fn bucket_index(origin: Instant, bucket: Duration, at: Option<Instant>) -> u64 {
    at.map_or(0, |at| {
        (at.saturating_duration_since(origin).as_nanos() / bucket.as_nanos()) as u64
    })
}
