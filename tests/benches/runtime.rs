//! Figures for the client runtime, against servers on 127.0.0.1:
//! `cargo bench -p highlevel-tests --bench runtime`.
//!
//! 1. Overhead: requests per second of the generated client against raw
//!    `reqwest` + `serde_json` making the same calls (the same bytes on the
//!    wire, the generated client's `User-Agent` included), in alternating
//!    batches: with the client's own HTTP client (a whole-request timeout),
//!    and on the raw side's `reqwest::Client` itself, which sets none. A
//!    third line has the raw side send no `User-Agent`, as
//!    `reqwest::Client::new()` does, so the header counts against the client.
//! 2. A burst of 2,000 requests under a scaled limit (100 per 2 s), against
//!    a server that enforces it with a sliding window.
//! 3. 20 % injected faults (the server does the work, then answers 503):
//!    retry-safe calls all succeed, unsafe ones end in a typed error, and no
//!    upsert creates a duplicate.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use highlevel_contacts::types::{UpdateContactRequest, UpsertContactRequest};
use highlevel_contacts::{Client, Error, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "bench-token";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `cargo bench --bench runtime -- overhead` runs one section; no
    // argument (or cargo's own `--bench`) runs them all.
    let only: Option<String> = std::env::args().skip(1).find(|arg| !arg.starts_with('-'));
    let runs = |section: &str| only.as_deref().is_none_or(|only| only == section);
    if runs("overhead") {
        overhead(Http::Own, RawAgent::Same).await;
        overhead(Http::Shared, RawAgent::Same).await;
        overhead(Http::Own, RawAgent::None).await;
    }
    if runs("burst") {
        burst_under_limit().await;
    }
    if runs("faults") {
        faults().await;
    }
}

fn updated() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"succeded": true, "contact": {"id": "c1", "firstName": "Jane"}}))
}

/// A client whose rate limits are far above what one machine sends, so
/// they cost nothing but their bookkeeping.
fn unlimited(server: &MockServer) -> highlevel_contacts::ClientBuilder {
    let far_above = (u64::MAX / 4, Duration::from_secs(1));
    Client::builder(TOKEN)
        .base_url(server.uri())
        .rate_limits(&[far_above, far_above])
}

/// Which `reqwest::Client` the generated client sends with.
#[derive(Clone, Copy, PartialEq)]
enum Http {
    /// Its own, as built by default: a whole-request timeout, whose timer
    /// each request registers.
    Own,
    /// The raw side's, which has no timeout: the cost of the generated
    /// client's own work alone.
    Shared,
}

/// The `User-Agent` the raw side sends.
#[derive(Clone, Copy, PartialEq)]
enum RawAgent {
    /// The generated client's: both sides send the same bytes.
    Same,
    /// None: a header more costs the generated side about 2 % here
    /// (reqwest, hyper and the mock each handle it).
    None,
}

/// The generated client against raw `reqwest` + `serde_json`, in short
/// alternating batches on one server, each side first in turn: a machine's
/// drift (other processes, CPU frequency, the server's growing request log)
/// falls on both sides alike. The ratio is the median of the batches' ratios,
/// which one stalled batch does not move.
async fn overhead(http: Http, raw_agent: RawAgent) {
    const BATCH: usize = 100;
    const PAIRS: usize = 400;
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(updated())
        .mount(&server)
        .await;
    let raw = match raw_agent {
        RawAgent::Same => reqwest::Client::builder().user_agent(highlevel_contacts::USER_AGENT),
        RawAgent::None => reqwest::Client::builder(),
    };
    let raw = raw.build().unwrap();
    let client = match http {
        Http::Own => unlimited(&server),
        Http::Shared => unlimited(&server).http_client(raw.clone()),
    };
    let client = client.build().unwrap();
    let url = format!("{}/contacts/c1", server.uri());
    let body = UpdateContactRequest::new().first_name("Jane");
    let generated_batch = || async {
        let started = Instant::now();
        for _ in 0..BATCH {
            client.update_contact("c1", &body).await.unwrap();
        }
        started.elapsed()
    };
    let raw_batch = || async {
        let started = Instant::now();
        for _ in 0..BATCH {
            let response = raw
                .put(&url)
                .bearer_auth(TOKEN)
                .header("Version", "2021-07-28")
                .json(&json!({"firstName": "Jane"}))
                .send()
                .await
                .unwrap();
            let _: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        }
        started.elapsed()
    };
    // Connections opened and code paths warmed before anything counts.
    generated_batch().await;
    raw_batch().await;
    let (mut generated, mut plain, mut ratios) = (Duration::ZERO, Duration::ZERO, Vec::new());
    for pair in 0..PAIRS {
        let (ours, theirs) = if pair % 2 == 0 {
            let ours = generated_batch().await;
            (ours, raw_batch().await)
        } else {
            let theirs = raw_batch().await;
            (generated_batch().await, theirs)
        };
        generated += ours;
        plain += theirs;
        // Throughput ratio: the raw batch's time over ours.
        ratios.push(theirs.as_secs_f64() / ours.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let rate = |total: Duration| (PAIRS * BATCH) as f64 / total.as_secs_f64();
    let label = match (http, raw_agent) {
        (Http::Own, RawAgent::Same) => "its own HTTP client",
        (Http::Shared, _) => "raw's reqwest::Client",
        (Http::Own, RawAgent::None) => "its own HTTP client; raw sends no User-Agent",
    };
    println!(
        "overhead ({label}): generated client {:.0} req/s, raw reqwest {:.0} req/s, \
         ratio {:.3} (median of {PAIRS} batch pairs; quartiles {:.3}..{:.3})",
        rate(generated),
        rate(plain),
        ratios[PAIRS / 2],
        ratios[PAIRS / 4],
        ratios[3 * PAIRS / 4],
    );
}

/// A server's state, shared between the mock and the bench that reads it.
struct Shared<T>(Arc<T>);

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Refuses with 429 any request that would make more than `limit` in the
/// last `window`.
struct SlidingWindow {
    limit: usize,
    window: Duration,
    arrivals: Mutex<VecDeque<Instant>>,
    refused: Mutex<usize>,
}

impl Respond for Shared<SlidingWindow> {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let now = Instant::now();
        let mut arrivals = self.arrivals.lock().unwrap();
        while arrivals
            .front()
            .is_some_and(|first| now.duration_since(*first) >= self.window)
        {
            arrivals.pop_front();
        }
        if arrivals.len() >= self.limit {
            *self.refused.lock().unwrap() += 1;
            return ResponseTemplate::new(429);
        }
        arrivals.push_back(now);
        updated()
    }
}

async fn burst_under_limit() {
    const CALLS: usize = 2_000;
    let (limit, window) = (100, Duration::from_secs(2));
    let enforcer = Arc::new(SlidingWindow {
        limit,
        window,
        arrivals: Mutex::new(VecDeque::new()),
        refused: Mutex::new(0),
    });
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(Shared(enforcer.clone()))
        .mount(&server)
        .await;
    let client = Client::builder(TOKEN)
        .base_url(server.uri())
        .rate_limits(&[(limit as u64, window)])
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();

    let started = Instant::now();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut failures = 0;
                for _ in 0..CALLS / 50 {
                    if client
                        .update_contact("c1", &UpdateContactRequest::new())
                        .await
                        .is_err()
                    {
                        failures += 1;
                    }
                }
                failures
            })
        })
        .collect();
    let mut failures = 0;
    for task in tasks {
        failures += task.await.unwrap();
    }
    let elapsed = started.elapsed();
    // The first `limit` go at once; every later `limit` needs a window.
    let floor = window.as_secs_f64() * ((CALLS - limit) as f64 / limit as f64);
    let allowed_rate = limit as f64 / window.as_secs_f64();
    let achieved_rate = (CALLS - limit) as f64 / elapsed.as_secs_f64();
    println!(
        "burst: {CALLS} requests at {limit}/{window:?} in {:.1} s (floor {floor:.1} s); achieved {:.1}% of the allowed rate; 429s seen by the server {}; failed calls {failures}",
        elapsed.as_secs_f64(),
        100.0 * achieved_rate / allowed_rate,
        enforcer.refused.lock().unwrap()
    );
}

/// Upserts by email (or creates when there is none), updates anything, and
/// answers 503 after doing the work for every fifth request.
#[derive(Default)]
struct FaultyStore {
    requests: Mutex<u64>,
    contacts_by_email: Mutex<HashMap<String, u32>>,
    created_without_key: Mutex<u32>,
}

impl Respond for Shared<FaultyStore> {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let count = {
            let mut requests = self.requests.lock().unwrap();
            *requests += 1;
            *requests
        };
        if request.method.as_str() == "POST" {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            match body.get("email").and_then(Value::as_str) {
                Some(email) => {
                    *self
                        .contacts_by_email
                        .lock()
                        .unwrap()
                        .entry(email.to_owned())
                        .or_default() += 1
                }
                None => *self.created_without_key.lock().unwrap() += 1,
            }
        }
        if count % 5 == 0 {
            return ResponseTemplate::new(503);
        }
        match request.method.as_str() {
            "POST" => ResponseTemplate::new(200)
                .set_body_json(json!({"new": true, "contact": {"id": "c"}})),
            _ => updated(),
        }
    }
}

async fn faults() {
    let store = Arc::new(FaultyStore::default());
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Shared(store.clone()))
        .mount(&server)
        .await;
    let client = unlimited(&server)
        .retry(RetryPolicy::new(8, Duration::from_millis(1)))
        .build()
        .unwrap();

    let (mut updates_ok, mut safe_ok, mut unsafe_ok, mut unsafe_typed_errors) = (0, 0, 0, 0);
    for index in 0..500 {
        if client
            .update_contact("c1", &UpdateContactRequest::new())
            .await
            .is_ok()
        {
            updates_ok += 1;
        }
        let by_email = UpsertContactRequest::new("loc").email(format!("person{index}@example.com"));
        if client.upsert_contact(&by_email).await.is_ok() {
            safe_ok += 1;
        }
        match client
            .upsert_contact(&UpsertContactRequest::new("loc").first_name("Anonymous"))
            .await
        {
            Ok(_) => unsafe_ok += 1,
            Err(Error::UnexpectedResponse(response)) if response.status == 503 => {
                unsafe_typed_errors += 1
            }
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    let emails = store.contacts_by_email.lock().unwrap();
    let created_without_key = *store.created_without_key.lock().unwrap();
    println!(
        "faults (20% 503 after the work): updates {updates_ok}/500 succeeded; upserts by email {safe_ok}/500 succeeded, {} distinct contacts for 500 emails; unsafe upserts {unsafe_ok} succeeded + {unsafe_typed_errors} typed 503 errors, {created_without_key} contacts created for 500 calls (a retry would show more)",
        emails.len()
    );
}
