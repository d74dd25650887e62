//! The sliding log and what it takes from the server's headers. Counts, not
//! timings: every assertion holds however slow the machine is.

use std::time::Duration;

use client_runtime::{NotSent, RateLimiter, RateStore, RateWindow};
use reqwest::header::{HeaderMap, HeaderValue};

static WINDOWS: [RateWindow; 2] = [
    RateWindow {
        requests: 3,
        milliseconds: 60_000,
        limit_header: Some("x-ratelimit-max"),
        remaining_header: Some("x-ratelimit-remaining"),
    },
    RateWindow {
        requests: 100,
        milliseconds: 86_400_000,
        limit_header: None,
        remaining_header: Some("x-ratelimit-daily-remaining"),
    },
];

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    pairs
        .iter()
        .map(|(name, value)| (name.parse().unwrap(), HeaderValue::from_static(value)))
        .collect()
}

#[tokio::test]
async fn the_log_admits_the_limit_then_makes_callers_wait() {
    let limiter = RateLimiter::shared("budget 1", &WINDOWS, None, &RateStore::InProcess);
    for _ in 0..3 {
        assert_eq!(limiter.wait(), Duration::ZERO);
        limiter.acquire(Duration::MAX).await.unwrap();
    }
    let budget = limiter.budget();
    assert_eq!((budget[0].available, budget[1].available), (0, 97));
    assert!(
        limiter.wait() > Duration::from_secs(59),
        "the first start must leave the window"
    );
}

#[test]
fn clients_of_one_key_share_a_limiter_and_overrides_apply_in_order() {
    let a = RateLimiter::shared(
        "budget 2",
        &WINDOWS,
        Some(&[(10, Duration::from_secs(1))]),
        &RateStore::InProcess,
    );
    let b = RateLimiter::shared("budget 2", &WINDOWS, None, &RateStore::InProcess);
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    assert_eq!(a.budget()[0].requests, 10);
    assert_eq!(
        a.budget()[1].requests,
        100,
        "no override for the second window"
    );
    let other = RateLimiter::shared("budget 3", &WINDOWS, None, &RateStore::InProcess);
    assert!(!std::sync::Arc::ptr_eq(&a, &other));
}

#[test]
fn the_server_s_headers_lower_the_limit_and_fill_a_spent_window() {
    let limiter = RateLimiter::shared("budget 4", &WINDOWS, None, &RateStore::InProcess);
    limiter.observe(&headers(&[
        ("x-ratelimit-max", "2"),
        ("x-ratelimit-remaining", "1"),
    ]));
    let budget = limiter.budget();
    assert_eq!(
        (budget[0].requests, budget[0].server_remaining),
        (2, Some(1))
    );
    // A higher limit than the spec's is not believed.
    limiter.observe(&headers(&[("x-ratelimit-max", "50")]));
    assert_eq!(limiter.budget()[0].requests, 3);
    limiter.observe(&headers(&[("x-ratelimit-daily-remaining", "0")]));
    assert_eq!(limiter.budget()[1].available, 0);
    assert!(
        limiter.wait() > Duration::from_secs(3600),
        "the day is spent"
    );
}

#[tokio::test]
async fn what_the_server_counts_beyond_this_client_s_log_is_another_client_s() {
    let limiter = RateLimiter::shared("budget 5", &WINDOWS, None, &RateStore::InProcess);
    limiter.acquire(Duration::MAX).await.unwrap();
    // This client sent 1; the server counts 2 of 3 used: 1 is someone else's.
    limiter.observe(&headers(&[("x-ratelimit-remaining", "1")]));
    assert_eq!(limiter.budget()[0].available, 1);
    // A client alone on its budget is not slowed: the server's count matches
    // its own log, and nothing is added.
    limiter.acquire(Duration::MAX).await.unwrap();
    limiter.observe(&headers(&[("x-ratelimit-remaining", "0")]));
    assert_eq!(limiter.budget()[0].available, 0);
    let alone = RateLimiter::shared("budget 6", &WINDOWS, None, &RateStore::InProcess);
    for _ in 0..2 {
        alone.acquire(Duration::MAX).await.unwrap();
    }
    alone.observe(&headers(&[("x-ratelimit-remaining", "1")]));
    assert_eq!(alone.budget()[0].available, 1);
}

static DAY: [RateWindow; 1] = [RateWindow {
    requests: 2_000,
    milliseconds: 86_400_000,
    limit_header: None,
    remaining_header: Some("x-ratelimit-daily-remaining"),
}];

#[tokio::test]
async fn a_large_window_is_counted_in_buckets_and_never_admits_over_its_limit() {
    let limiter = RateLimiter::shared("budget day", &DAY, None, &RateStore::InProcess);
    for _ in 0..2_000 {
        limiter.acquire(Duration::ZERO).await.unwrap();
    }
    assert_eq!(limiter.budget()[0].available, 0);
    // The whole day is one bucket's worth of starts, so the first bucket
    // must leave the window (a hundredth of a day after it began).
    let wait = limiter.wait();
    assert!(
        wait > Duration::from_secs(86_400) && wait <= Duration::from_secs(87_264 + 873),
        "{wait:?}"
    );
    match limiter.acquire(Duration::from_secs(3600)).await {
        Err(NotSent::Budget(reason)) => assert!(reason.contains("frees up in"), "{reason}"),
        other => panic!("a spent day must refuse, not wait: {other:?}"),
    }
    // The server's count is reconciled into the buckets too.
    let other = RateLimiter::shared("budget day 2", &DAY, None, &RateStore::InProcess);
    other.observe(&headers(&[("x-ratelimit-daily-remaining", "500")]));
    assert_eq!(other.budget()[0].available, 500);
}
