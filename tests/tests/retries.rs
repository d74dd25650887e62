//! Retries against servers on 127.0.0.1 that fail on purpose: which
//! failures are retried, how long the client waits, and which requests it
//! must never send twice.

use std::time::{Duration, Instant};

use highlevel_contacts::types::{UpdateContactRequest, UpsertContactRequest};
use highlevel_contacts::{Client, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const FAST: Duration = Duration::from_millis(10);

fn client(base_url: &str, policy: RetryPolicy) -> Client {
    Client::builder("retry-token")
        .base_url(base_url)
        .retry(policy)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

fn updated() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"succeded": true, "contact": {"id": "c1"}}))
}

fn upserted() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"new": false, "contact": {"id": "c1"}}))
}

/// The server answers `first` to the first `times` requests of `verb`, then
/// `then`.
async fn failing_then(
    verb: &str,
    first: ResponseTemplate,
    times: u64,
    then: ResponseTemplate,
) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(method(verb))
        .respond_with(then)
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn an_update_is_retried_after_a_503_and_succeeds() {
    let server = failing_then("PUT", ResponseTemplate::new(503), 2, updated()).await;
    let response = client(&server.uri(), RetryPolicy::new(3, FAST))
        .update_contact("c1", &UpdateContactRequest::new().first_name("Jane"))
        .await
        .unwrap();
    assert_eq!(response.succeeded, Some(true));
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn attempts_stop_at_the_configured_maximum() {
    let server = failing_then("PUT", ResponseTemplate::new(502), 10, updated()).await;
    let error = client(&server.uri(), RetryPolicy::new(2, FAST))
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = failing_then("PUT", ResponseTemplate::new(503), 1, updated()).await;
    let error = client(&server.uri(), RetryPolicy::disabled())
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_429_without_retry_after_backs_off_and_succeeds() {
    let server = failing_then("PUT", ResponseTemplate::new(429), 1, updated()).await;
    client(&server.uri(), RetryPolicy::new(3, FAST))
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap();
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn retry_after_in_seconds_is_waited_for() {
    let limited = ResponseTemplate::new(429).insert_header("retry-after", "1");
    let server = failing_then("PUT", limited, 1, updated()).await;
    let started = Instant::now();
    client(&server.uri(), RetryPolicy::new(3, FAST))
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the client did not wait as asked"
    );
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_understood() {
    let in_a_while =
        httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3600));
    let limited = ResponseTemplate::new(429).insert_header("retry-after", in_a_while.as_str());
    let server = failing_then("PUT", limited, 1, updated()).await;
    // An hour is longer than the policy's longest wait: the 429 comes back
    // at once instead of a retry.
    let policy = RetryPolicy::new(3, FAST).max_delay(Duration::from_secs(5));
    let error = client(&server.uri(), policy)
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn an_upsert_that_could_duplicate_is_not_retried_after_a_503() {
    let server = failing_then("POST", ResponseTemplate::new(503), 1, upserted()).await;
    let client = client(&server.uri(), RetryPolicy::new(3, FAST));

    // Nothing to match an existing contact on: a repeat could create a second one.
    let no_key = UpsertContactRequest::new("loc").first_name("Jane");
    let error = client.upsert_contact(&no_key).await.unwrap_err();
    let Error::OutcomeUnknown { cause, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(
        matches!(&**cause, Error::UnexpectedResponse(r) if r.status == 503),
        "{error:?}"
    );
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn an_upsert_asking_for_duplicates_is_not_retried() {
    let server = failing_then("POST", ResponseTemplate::new(503), 1, upserted()).await;
    let body = UpsertContactRequest::new("loc")
        .email("jane@example.com")
        .create_new_if_duplicate_allowed(true);
    let error = client(&server.uri(), RetryPolicy::new(3, FAST))
        .upsert_contact(&body)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn an_upsert_that_carries_every_match_field_is_retried() {
    let both = UpsertContactRequest::new("loc")
        .email("jane@example.com")
        .phone("+18888888888")
        .create_new_if_duplicate_allowed(false);
    let server = failing_then("POST", ResponseTemplate::new(503), 1, upserted()).await;
    client(&server.uri(), RetryPolicy::new(3, FAST))
        .upsert_contact(&both)
        .await
        .unwrap();
    assert_eq!(requests(&server).await, 2);
}

/// A location that matches on email only: an upsert with only a phone would
/// create a second contact if the first attempt was applied.
#[tokio::test]
async fn declared_match_fields_decide_which_upserts_are_retried() {
    for (body, sent) in [
        (
            UpsertContactRequest::new("loc").email("jane@example.com"),
            2,
        ),
        (UpsertContactRequest::new("loc").phone("+18888888888"), 1),
    ] {
        let server = failing_then("POST", ResponseTemplate::new(503), 1, upserted()).await;
        let client = Client::builder("t")
            .base_url(server.uri())
            .retry(RetryPolicy::new(3, FAST))
            .matched_fields(["email"])
            .build()
            .unwrap();
        let answer = client.upsert_contact(&body).await;
        assert_eq!(answer.is_ok(), sent == 2, "{answer:?}");
        assert_eq!(requests(&server).await, sent);
    }
}

#[tokio::test]
async fn a_429_is_retried_even_for_an_upsert_that_could_duplicate() {
    let server = failing_then("POST", ResponseTemplate::new(429), 1, upserted()).await;
    let no_key = UpsertContactRequest::new("loc").first_name("Jane");
    client(&server.uri(), RetryPolicy::new(3, FAST))
        .upsert_contact(&no_key)
        .await
        .unwrap();
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_an_update_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(updated().set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let error = client(&server.uri(), RetryPolicy::new(2, FAST))
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert!(transport.is_timeout());
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_timed_out_unsafe_upsert_is_not_sent_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(upserted().set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let body = UpsertContactRequest::new("loc").first_name("Jane");
    let error = client(&server.uri(), RetryPolicy::new(3, FAST))
        .upsert_contact(&body)
        .await
        .unwrap_err();
    // It may have been applied: the caller learns that, not just "timed out".
    let Error::OutcomeUnknown { cause, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(
        matches!(&**cause, Error::Transport(e) if e.is_timeout()),
        "{error:?}"
    );
    assert_eq!(requests(&server).await, 1);
}

/// Nothing reached a server, so even an upsert that could duplicate is sent
/// again: here the server comes up while the client waits.
#[tokio::test]
async fn a_refused_connection_is_retried_even_for_an_unsafe_upsert() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let starting = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let listener = std::net::TcpListener::bind(address).unwrap();
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(method("POST"))
            .respond_with(upserted())
            .mount(&server)
            .await;
        server
    });
    let policy =
        RetryPolicy::new(8, Duration::from_millis(100)).max_delay(Duration::from_millis(400));
    let body = UpsertContactRequest::new("loc").first_name("Jane");
    let response = client(&format!("http://{address}"), policy)
        .upsert_contact(&body)
        .await
        .unwrap();
    assert_eq!(response.contact.id, "c1");
    let server = starting.await.unwrap();
    assert_eq!(requests(&server).await, 1);
}
