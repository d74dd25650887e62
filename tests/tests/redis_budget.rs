//! The rate store in Redis, with a real `redis-server` on 127.0.0.1: the keys it writes,
//! a Redis that is out of reach, stopped or restarted mid-run. Each test is `#[ignore]`d
//! under plain `cargo test` (it needs `redis-server`); `cargo xtask test` runs them.
//! The tests that several processes share one budget are the command-line tool's
//! (`cli/tests/redis_budget.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use highlevel_contacts::types::UpdateContactRequest;
use highlevel_contacts::{Client, Error, RateStore, RetryPolicy, UpdateContactError};
use highlevel_tests::redis_server::RedisServer;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Enforces `limit` arrivals in any `window` with 429 (`Retry-After: 1`), reports what
/// remains in `X-RateLimit-Remaining`, and counts the updates it accepted per contact.
struct Enforcer {
    limit: usize,
    window: Duration,
    arrivals: Mutex<Vec<Instant>>,
    accepted: Mutex<HashMap<String, usize>>,
    refused: Mutex<usize>,
}

impl Enforcer {
    fn new(limit: usize, window: Duration) -> Arc<Self> {
        Arc::new(Enforcer {
            limit,
            window,
            arrivals: Mutex::default(),
            accepted: Mutex::default(),
            refused: Mutex::default(),
        })
    }
}

struct Shared(Arc<Enforcer>);

impl Respond for Shared {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let now = Instant::now();
        let mut arrivals = self.0.arrivals.lock().unwrap();
        let in_window = arrivals
            .iter()
            .filter(|at| now.duration_since(**at) < self.0.window)
            .count();
        if in_window >= self.0.limit {
            *self.0.refused.lock().unwrap() += 1;
            return ResponseTemplate::new(429).insert_header("retry-after", "1");
        }
        arrivals.push(now);
        let contact = request.url.path().rsplit('/').next().unwrap().to_owned();
        *self.0.accepted.lock().unwrap().entry(contact).or_default() += 1;
        let remaining = self.0.limit - in_window - 1;
        ResponseTemplate::new(200)
            .insert_header("x-ratelimit-remaining", remaining.to_string().as_str())
            .set_body_json(json!({"succeded": true, "contact": {"id": "c"}}))
    }
}

async fn server(enforcer: &Arc<Enforcer>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(Shared(enforcer.clone()))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer, token: &str, store: &str, limit: (u64, Duration)) -> Client {
    Client::builder(token)
        .base_url(server.uri())
        .rate_store(RateStore::redis(store).unwrap())
        .rate_limits(&[limit])
        .retry(RetryPolicy::new(5, Duration::from_millis(50)).max_delay(Duration::from_secs(5)))
        .build()
        .unwrap()
}

async fn update(client: &Client, contact: &str) -> Result<(), Error<UpdateContactError>> {
    client
        .update_contact(contact, &UpdateContactRequest::new())
        .await
        .map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; cargo xtask test runs it"]
async fn redis_keeps_a_budget_in_hash_tagged_expiring_keys_without_the_token() {
    let redis = RedisServer::start();
    let enforcer = Enforcer::new(100, Duration::from_secs(10));
    let server = server(&enforcer).await;
    let token = "redis-keys-secret-token";
    let client = client(&server, token, &redis.url(), (50, Duration::from_secs(10)));
    for contact in ["k1", "k2", "k3"] {
        update(&client, contact).await.unwrap();
    }

    let mut keys: Vec<String> = redis.cli(&["--scan"]).lines().map(str::to_owned).collect();
    keys.sort();
    assert_eq!(keys.len(), 2, "{keys:?}");
    let tag = format!("{{highlevel-contacts:{} token-sha256:", server.uri());
    for key in &keys {
        assert!(key.starts_with(&tag), "{key}");
        assert!(!key.contains(token), "the token is in {key}");
        let ttl: i64 = redis.cli(&["PTTL", key]).trim().parse().unwrap();
        assert!(ttl > 0, "{key} has no expiry: {ttl}");
    }
    // The burst window is a log; the day is a hash of buckets.
    assert!(keys[0].ends_with("}:10000ms"), "{keys:?}");
    assert_eq!(redis.cli(&["TYPE", &keys[0]]).trim(), "zset");
    assert_eq!(redis.cli(&["ZCARD", &keys[0]]).trim(), "3");
    assert!(keys[1].ends_with("}:86400000ms"), "{keys:?}");
    assert_eq!(redis.cli(&["TYPE", &keys[1]]).trim(), "hash");
    let day: u64 = redis
        .cli(&["HVALS", &keys[1]])
        .lines()
        .map(|count| count.trim().parse::<u64>().unwrap())
        .sum();
    assert_eq!(day, 3);
    let budget = client.rate_budget();
    assert_eq!((budget[0].available, budget[1].available), (47, 199_997));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; cargo xtask test runs it"]
async fn an_unreachable_redis_fails_the_request_unsent_and_hides_the_password() {
    let redis = RedisServer::start();
    let port = redis.port();
    drop(redis);
    let enforcer = Enforcer::new(100, Duration::from_secs(10));
    let server = server(&enforcer).await;
    let url = format!("redis://:hunter2-password@127.0.0.1:{port}");
    let client = client(
        &server,
        "unreachable-token",
        &url,
        (10, Duration::from_secs(1)),
    );

    let error = update(&client, "u1").await.unwrap_err();

    assert!(matches!(error, Error::RateStore(_)), "{error:?}");
    let text = format!("{error} {error:?} {client:?}");
    assert!(!text.contains("hunter2"), "the password leaked: {text}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(text.starts_with("not sent: "), "{text}");
    assert!(enforcer.arrivals.lock().unwrap().is_empty(), "it was sent");
    assert_eq!(client.rate_budget()[0].available, 10, "last-known figures");
    // TLS is refused before anything is tried.
    let refused = RateStore::redis("rediss://:hunter2@127.0.0.1:6380").unwrap_err();
    assert!(
        refused.contains("rediss://") && !refused.contains("hunter2"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; cargo xtask test runs it"]
async fn a_redis_stopped_mid_run_fails_the_next_requests_unsent_and_loses_nothing() {
    let mut redis = RedisServer::start();
    let enforcer = Enforcer::new(100, Duration::from_secs(10));
    let server = server(&enforcer).await;
    let client = client(
        &server,
        "stopped-token",
        &redis.url(),
        (50, Duration::from_secs(10)),
    );
    let mut sent = Vec::new();
    for index in 0..5 {
        let contact = format!("s{index}");
        update(&client, &contact).await.unwrap();
        sent.push(contact);
    }

    redis.stop();
    let mut not_sent = Vec::new();
    for index in 5..8 {
        let contact = format!("s{index}");
        match update(&client, &contact).await {
            Err(Error::RateStore(reason)) => {
                assert!(reason.contains("cannot be used"), "{reason}");
                not_sent.push(contact);
            }
            other => panic!("{contact}: {other:?}"),
        }
    }

    let accepted = enforcer.accepted.lock().unwrap().clone();
    assert_eq!(accepted.len(), sent.len(), "{accepted:?}");
    for contact in &sent {
        assert_eq!(accepted.get(contact), Some(&1), "{contact}");
    }
    for contact in &not_sent {
        assert!(!accepted.contains_key(contact), "{contact} was sent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; cargo xtask test runs it"]
async fn a_redis_restarted_mid_run_is_used_again_and_what_it_forgot_is_waited_out() {
    let mut redis = RedisServer::start();
    let window = Duration::from_secs(1);
    let enforcer = Enforcer::new(5, window);
    let server = server(&enforcer).await;
    let client = client(&server, "restarted-token", &redis.url(), (5, window));
    for index in 0..5 {
        update(&client, &format!("r{index}")).await.unwrap();
    }

    // Its windows are lost: the store admits at once what the server still counts.
    redis.restart();
    let calls: Vec<_> = (5..10)
        .map(|index| {
            let client = client.clone();
            tokio::spawn(async move { update(&client, &format!("r{index}")).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }

    let accepted = enforcer.accepted.lock().unwrap().clone();
    assert_eq!(accepted.len(), 10, "{accepted:?}");
    assert!(
        accepted.values().all(|count| *count == 1),
        "each accepted once: {accepted:?}"
    );
    assert_eq!(
        redis.cli(&["--scan"]).lines().count(),
        2,
        "the windows are kept in the new Redis"
    );
}
