//! The client-side rate limiter against servers on 127.0.0.1 that record
//! when each request arrives.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use highlevel_contacts::types::UpdateContactRequest;
use highlevel_contacts::{Client, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers every update and notes when it arrived.
#[derive(Clone, Default)]
struct Recorder {
    arrivals: Arc<Mutex<Vec<Instant>>>,
    headers: Vec<(&'static str, &'static str)>,
}

impl Respond for Recorder {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.arrivals.lock().unwrap().push(Instant::now());
        let mut answer = ResponseTemplate::new(200)
            .set_body_json(json!({"succeded": true, "contact": {"id": "c1"}}));
        for (name, value) in &self.headers {
            answer = answer.insert_header(*name, *value);
        }
        answer
    }
}

async fn server(recorder: &Recorder) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(recorder.clone())
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer, token: &str, limits: &[(u64, Duration)]) -> Client {
    Client::builder(token)
        .base_url(server.uri())
        .rate_limits(limits)
        .build()
        .unwrap()
}

/// How much later than its start a request may arrive, beyond the client's margin (1 % of
/// the window, at least 10 ms): the scheduling delays of a loaded 2-core machine, measured
/// at up to about 30 ms. Without the limiter, the requests arrive within a few ms.
const ARRIVAL_JITTER: Duration = Duration::from_millis(60);

/// No `window` holds more than `limit` arrivals, but for the jitter of a loaded machine.
fn assert_within(arrivals: &[Instant], limit: usize, window: Duration) {
    let mut sorted = arrivals.to_vec();
    sorted.sort();
    for pair in sorted.windows(limit + 1) {
        let spread = pair[limit].duration_since(pair[0]);
        assert!(
            spread >= window - ARRIVAL_JITTER,
            "{} requests arrived within {spread:?}",
            limit + 1
        );
    }
}

#[tokio::test]
async fn a_burst_never_exceeds_the_window() {
    let recorder = Recorder::default();
    let server = server(&recorder).await;
    let client = client(&server, "burst-token", &[(5, Duration::from_millis(300))]);

    let calls = (0..12).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .update_contact("c1", &UpdateContactRequest::new())
                .await
                .unwrap()
        })
    });
    for call in calls.collect::<Vec<_>>() {
        call.await.unwrap();
    }

    let arrivals = recorder.arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 12);
    assert_within(&arrivals, 5, Duration::from_millis(300));
}

#[tokio::test]
async fn clients_built_separately_for_one_token_share_the_window() {
    let recorder = Recorder::default();
    let server = server(&recorder).await;
    let limits = [(3, Duration::from_millis(300))];
    let (first, second) = (
        client(&server, "shared-token", &limits),
        client(&server, "shared-token", &limits),
    );

    for _ in 0..4 {
        first
            .update_contact("c1", &UpdateContactRequest::new())
            .await
            .unwrap();
        second
            .update_contact("c1", &UpdateContactRequest::new())
            .await
            .unwrap();
    }

    assert_within(
        &recorder.arrivals.lock().unwrap(),
        3,
        Duration::from_millis(300),
    );
}

#[tokio::test]
async fn the_budget_is_readable_and_follows_the_servers_headers() {
    let recorder = Recorder {
        headers: vec![("x-ratelimit-max", "4"), ("x-ratelimit-remaining", "1")],
        ..Default::default()
    };
    let server = server(&recorder).await;
    let client = client(
        &server,
        "budget-token",
        &[
            (10, Duration::from_secs(60)),
            (1000, Duration::from_secs(3600)),
        ],
    );
    assert_eq!(client.rate_budget()[0].available, 10);

    client
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap();

    let budget = client.rate_budget();
    assert_eq!(budget[0].requests, 4, "the server's lower limit wins");
    // The server counts 3 used where this client sent 1: the other 2 are
    // another client's, and count here too.
    assert_eq!(budget[0].available, 1, "what the server says remains");
    assert_eq!(budget[0].server_remaining, Some(1));
    assert_eq!(budget[1].available, 999);
    assert_eq!(budget[1].server_remaining, None);
}

#[tokio::test]
async fn a_window_the_server_reports_spent_is_waited_out() {
    let recorder = Recorder {
        headers: vec![("x-ratelimit-remaining", "0")],
        ..Default::default()
    };
    let server = server(&recorder).await;
    let client = client(&server, "spent-token", &[(100, Duration::from_millis(300))]);

    client
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap();
    client
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap();

    let arrivals = recorder.arrivals.lock().unwrap().clone();
    assert!(arrivals[1].duration_since(arrivals[0]) >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_spent_daily_budget_fails_fast_instead_of_waiting_a_day() {
    let recorder = Recorder {
        headers: vec![("x-ratelimit-daily-remaining", "0")],
        ..Default::default()
    };
    let server = server(&recorder).await;
    let client = Client::builder("daily-token")
        .base_url(server.uri())
        .rate_limits(&[
            (100, Duration::from_secs(10)),
            (1000, Duration::from_secs(86_400)),
        ])
        .retry(RetryPolicy::new(3, Duration::from_millis(10)).max_delay(Duration::from_secs(5)))
        .build()
        .unwrap();

    client
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap();
    let started = Instant::now();
    let error = client
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap_err();

    assert!(matches!(error, Error::RateLimited(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(recorder.arrivals.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn an_explicit_budget_key_is_shared_by_clients_of_different_tokens() {
    let recorder = Recorder::default();
    let server = server(&recorder).await;
    let limits = [(2, Duration::from_secs(60))];
    let keyed = |token: &str| {
        Client::builder(token)
            .base_url(server.uri())
            .rate_limits(&limits)
            .rate_budget_key("app-1:location-1")
            .build()
            .unwrap()
    };
    let (first, second) = (keyed("token-a"), keyed("token-b"));
    first
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap();
    assert_eq!(second.rate_budget()[0].available, 1, "one budget");
    // Without the key, another token is another budget.
    let unkeyed = client(&server, "token-b", &limits);
    assert_eq!(unkeyed.rate_budget()[0].available, 2);
}

/// A token endpoint that names `location` in its answers, and an API that
/// accepts everything.
async fn oauth_server(recorder: &Recorder, location: &str) -> MockServer {
    let server = server(recorder).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": format!("access-for-{location}"),
            "expires_in": 86399,
            "companyId": "company-1",
            "locationId": location,
        })))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn oauth_clients_share_the_budget_of_the_app_and_location_their_token_response_names() {
    let recorder = Recorder::default();
    let server = oauth_server(&recorder, "location-1").await;
    let limits = [(3, Duration::from_secs(60))];
    let oauth = |refresh_token: &str| {
        let refresh = highlevel_contacts::OAuthRefresh::new(
            format!("{}/oauth/token", server.uri()),
            "app-1",
            "app-secret",
            refresh_token,
        )
        .rate_budget_fields(["locationId", "companyId"]);
        Client::builder(refresh)
            .base_url(server.uri())
            .rate_limits(&limits)
            .build()
            .unwrap()
    };
    // Two processes would each hold their own refresh token.
    let (first, second) = (oauth("refresh-1"), oauth("refresh-2"));
    assert_eq!(
        second.rate_budget()[0].available,
        3,
        "before its token arrives, nothing is counted"
    );
    for _ in 0..2 {
        first
            .update_contact("c1", &UpdateContactRequest::new())
            .await
            .unwrap();
    }
    second
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap();
    assert_eq!(first.rate_budget()[0].available, 0, "one budget");
    assert_eq!(second.rate_budget()[0].available, 0, "one budget");

    // The same app for another location is another budget.
    let elsewhere = oauth_server(&recorder, "location-2").await;
    let other = Client::builder(
        highlevel_contacts::OAuthRefresh::new(
            format!("{}/oauth/token", elsewhere.uri()),
            "app-1",
            "app-secret",
            "refresh-3",
        )
        .rate_budget_fields(["locationId", "companyId"]),
    )
    .base_url(server.uri())
    .rate_limits(&limits)
    .build()
    .unwrap();
    other
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap();
    assert_eq!(other.rate_budget()[0].available, 2);
}
