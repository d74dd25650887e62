//! The mock against the generated client and raw HTTP, on 127.0.0.1.

use std::time::Duration;

use highlevel_contacts::types::{UpdateContactRequest, UpsertContactRequest};
use highlevel_contacts::{Client, Error, RetryPolicy};
use highlevel_mock::{Config, Fault, MockServer, RateLimit, parse_rate_limit};
use serde_json::{Value, json};

const TOKEN: &str = "test-token";

/// A client that knows the mock matches upserts on email first: an upsert with an email
/// is then safe to repeat.
fn client(mock: &MockServer) -> Client {
    Client::builder(TOKEN)
        .base_url(mock.url())
        .retry(RetryPolicy::new(3, Duration::from_millis(10)))
        .matched_fields(["email"])
        .build()
        .unwrap()
}

async fn upsert(client: &Client, body: UpsertContactRequest) -> (bool, String) {
    let answer = client.upsert_contact(&body).await.unwrap();
    (
        answer
            .body()
            .created
            .expect("the mock says whether it created"),
        answer.body().contact.id.clone(),
    )
}

fn contact(mock: &MockServer, id: &str) -> Value {
    mock.contacts()
        .into_iter()
        .find(|c| c["id"] == id)
        .expect("stored")
}

#[tokio::test]
async fn upsert_matches_by_priority_and_ignores_the_second_match() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let client = client(&mock);
    let (created, a) = upsert(&client, UpsertContactRequest::new("loc").email("a@x.com")).await;
    assert!(created);
    let (created, b) = upsert(&client, UpsertContactRequest::new("loc").phone("+15550001")).await;
    assert!(created);
    // Same email in another case: matched.
    let (created, again) = upsert(&client, UpsertContactRequest::new("loc").email("A@x.com")).await;
    assert!(!created);
    assert_eq!(again, a);
    // Email matches A, phone matches B: A (first in priority) is updated, the phone ignored.
    let (created, id) = upsert(
        &client,
        UpsertContactRequest::new("loc")
            .email("a@x.com")
            .phone("+15550001")
            .first_name("Ann"),
    )
    .await;
    assert!(!created);
    assert_eq!(id, a);
    assert_eq!(contact(&mock, &a)["firstName"], "Ann");
    assert!(contact(&mock, &a).get("phone").is_none());
    // Another location never matches.
    let (created, _) = upsert(&client, UpsertContactRequest::new("other").email("a@x.com")).await;
    assert!(created);
    assert_eq!(mock.stats().contacts, 3);
    let _ = b;
}

#[tokio::test]
async fn match_order_phone_first() {
    let config = Config::new(TOKEN).match_order(vec!["phone".into(), "email".into()]);
    let mock = MockServer::start(config).await.unwrap();
    let client = client(&mock);
    let (_, a) = upsert(&client, UpsertContactRequest::new("loc").email("a@x.com")).await;
    let (_, b) = upsert(&client, UpsertContactRequest::new("loc").phone("+15550001")).await;
    let (created, id) = upsert(
        &client,
        UpsertContactRequest::new("loc")
            .email("a@x.com")
            .phone("+15550001"),
    )
    .await;
    assert!(!created);
    assert_eq!(id, b);
    assert!(contact(&mock, &b).get("email").is_none());
    assert_ne!(a, b);
}

#[tokio::test]
async fn create_new_if_duplicate_allowed_follows_the_location_setting() {
    // Duplicates allowed and asked for: always a new contact.
    let mock = MockServer::start(Config::new(TOKEN).allow_duplicates(true))
        .await
        .unwrap();
    let client = client(&mock);
    upsert(&client, UpsertContactRequest::new("loc").email("a@x.com")).await;
    let body = UpsertContactRequest::new("loc")
        .email("a@x.com")
        .create_new_if_duplicate_allowed(true);
    assert!(upsert(&client, body.clone()).await.0);
    // Duplicates allowed, not asked for: normal matching.
    assert!(
        !upsert(&client, UpsertContactRequest::new("loc").email("a@x.com"))
            .await
            .0
    );
    assert_eq!(mock.stats().contacts, 2);

    // Asked for but not allowed: ignored.
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let client = self::client(&mock);
    upsert(&client, UpsertContactRequest::new("loc").email("a@x.com")).await;
    assert!(!upsert(&client, body).await.0);
    assert_eq!(mock.stats().contacts, 1);
    assert!(
        mock.contacts()[0]
            .get("createNewIfDuplicateAllowed")
            .is_none()
    );
}

#[tokio::test]
async fn update_changes_only_what_is_sent_null_clears_tags_replace() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let client = client(&mock);
    let (_, id) = upsert(
        &client,
        UpsertContactRequest::new("loc")
            .email("a@x.com")
            .first_name("Ann")
            .city("Oslo")
            .tags(["a", "b"]),
    )
    .await;
    let answer = client
        .update_contact(&id, &UpdateContactRequest::new().clear_city().tags(["c"]))
        .await
        .unwrap();
    assert_eq!(answer.body().succeeded, Some(true));
    let stored = contact(&mock, &id);
    assert_eq!(stored["firstName"], "Ann");
    assert_eq!(stored["email"], "a@x.com");
    assert!(stored.get("city").is_none());
    assert_eq!(stored["tags"], json!(["c"]));

    // An unknown id: 400, the status the spec declares (it has no 404 here).
    let error = client
        .update_contact("nope", &UpdateContactRequest::new().first_name("x"))
        .await
        .unwrap_err();
    let Error::Api(error) = error else {
        panic!("{error:?}")
    };
    assert_eq!(error.status, 400);
    assert_eq!(error.raw_json().unwrap()["message"], "Contact not found");
}

async fn raw(mock: &MockServer, token: Option<&str>, body: &str) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{}/contacts/upsert", mock.url()))
        .header("Version", "2021-07-28")
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn errors_in_highlevel_style_and_rate_headers_on_every_answer() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let check_headers = |answer: &reqwest::Response| {
        for name in [
            "x-ratelimit-max",
            "x-ratelimit-remaining",
            "x-ratelimit-interval-milliseconds",
            "x-ratelimit-limit-daily",
            "x-ratelimit-daily-remaining",
        ] {
            assert!(answer.headers().contains_key(name), "{name}");
        }
    };
    for token in [None, Some("wrong")] {
        let answer = raw(&mock, token, r#"{"locationId":"loc"}"#).await;
        assert_eq!(answer.status(), 401);
        check_headers(&answer);
    }
    let answer = raw(
        &mock,
        Some(TOKEN),
        r#"{"locationId":"loc","foo":1,"bar":2}"#,
    )
    .await;
    assert_eq!(answer.status(), 422);
    check_headers(&answer);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        body["message"],
        json!([
            "property foo should not exist",
            "property bar should not exist"
        ])
    );
    assert!(body["traceId"].is_string());
    let answer = raw(&mock, Some(TOKEN), r#"{"locationId":"loc","email":5}"#).await;
    assert_eq!(answer.status(), 422);
    // Every fault is listed: an undeclared property and a failed check together.
    let answer = raw(
        &mock,
        Some(TOKEN),
        r#"{"locationId":"loc","foo":1,"email":"not-an-email"}"#,
    )
    .await;
    let body: Value = answer.json().await.unwrap();
    let messages = body["message"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{body}");
    assert_eq!(messages[0], "property foo should not exist");
    assert!(messages[1].as_str().unwrap().contains("email"), "{body}");
    // A missing required property, in HighLevel's words.
    let answer = raw(&mock, Some(TOKEN), r#"{"email":"a@x.com"}"#).await;
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["message"], json!(["locationId should not be empty"]));
    let answer = raw(&mock, Some(TOKEN), r#"{"locationId":"#).await;
    assert_eq!(answer.status(), 400);
    check_headers(&answer);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"], "Bad Request", "{body}");
    let answer = raw(
        &mock,
        Some(TOKEN),
        r#"{"locationId":"loc","email":"a@x.com","gender":"female","tags":[]}"#,
    )
    .await;
    assert_eq!(answer.status(), 200);
    check_headers(&answer);
    assert_eq!(answer.headers()["x-ratelimit-max"], "100");
    // The answer is the stored contact.
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["contact"]["gender"], "female", "{body}");
    assert_eq!(body["contact"]["tags"], json!([]), "{body}");

    // The headers the spec fixes for the operation, named as HTTP writes them.
    let answer = reqwest::Client::new()
        .post(format!("{}/contacts/upsert", mock.url()))
        .bearer_auth(TOKEN)
        .json(&json!({"locationId": "loc"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        body["message"],
        "Version header is missing or not supported"
    );
}

#[tokio::test]
async fn sliding_window_answers_429_once_full() {
    let limit: RateLimit = parse_rate_limit("3/10s").unwrap();
    let mock = MockServer::start(Config::new(TOKEN).rate_limit(limit))
        .await
        .unwrap();
    for expected in [200, 200, 200, 429, 429] {
        let answer = raw(
            &mock,
            Some(TOKEN),
            r#"{"locationId":"loc","email":"a@x.com"}"#,
        )
        .await;
        assert_eq!(answer.status(), expected);
        if expected == 429 {
            assert_eq!(answer.headers()["x-ratelimit-remaining"], "0");
            assert!(answer.headers().contains_key("retry-after"));
        }
    }
    let stats: Value = reqwest::get(format!("{}/_mock/stats", mock.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        stats,
        json!({"requests": 5, "rate_limited": 2, "contacts": 1})
    );
}

#[test]
fn rate_limit_grammar() {
    let parse = parse_rate_limit;
    assert_eq!(parse("100/10s").unwrap().window, Duration::from_secs(10));
    assert_eq!(parse("50/1s").unwrap().requests, 50);
    assert_eq!(parse("5/250ms").unwrap().window, Duration::from_millis(250));
    assert_eq!(parse("5/m").unwrap().window, Duration::from_secs(60));
    for bad in ["", "100", "0/1s", "x/1s", "10/1y", "10/0s"] {
        assert!(parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn rate_limits_are_written_n_per_duration() {
    let parsed: RateLimit = parse_rate_limit("100/10s").unwrap();
    assert_eq!(
        (parsed.requests, parsed.window),
        (100, Duration::from_secs(10))
    );
    assert_eq!(
        parse_rate_limit("500/250ms").unwrap().window,
        Duration::from_millis(250)
    );
    assert_eq!(
        parse_rate_limit("200000/1d").unwrap().window,
        Duration::from_secs(86_400)
    );
    for bad in ["", "100", "0/1s", "x/1s", "10/0s", "10/1y"] {
        assert!(parse_rate_limit(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_rate_limit(&parsed.to_string()).unwrap(), parsed);
}

/// humantime reads the duration: its longer forms work, and each refusal says why.
#[test]
fn rate_limit_durations_are_humantime_s_and_refusals_say_why() {
    let window = |text: &str| parse_rate_limit(text).unwrap().window;
    assert_eq!(window("1000/1m"), Duration::from_secs(60));
    assert_eq!(window("10/1m30s"), Duration::from_secs(90));
    assert_eq!(window("10/2hours"), Duration::from_secs(7200));
    assert_eq!(window(" 10 / 1w "), Duration::from_secs(7 * 86_400));
    for (bad, why) in [
        ("fast", "write N/DURATION, such as 100/10s"),
        ("100/", "write N/DURATION, such as 100/10s"),
        ("0/1s", "N must be 1 or more"),
        ("10/0s", "the window must be longer than zero"),
        ("10/1x", "`x` is not a unit of time"),
        ("10/2months", "months and years have no fixed length"),
        ("10/1M", "months and years have no fixed length"),
    ] {
        let error = parse_rate_limit(bad).unwrap_err();
        assert!(
            error.starts_with(&format!("`{bad}` is not a rate limit: ")),
            "{error}"
        );
        assert!(error.contains(why), "{bad}: {error}");
    }
}

#[tokio::test]
async fn injected_faults_are_retried_by_the_client() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let client = client(&mock);
    // An upsert matching on email is safe to repeat after an answer.
    mock.inject(Fault::Status(503));
    mock.inject(Fault::Delay(Duration::from_millis(50)));
    let (created, _) = upsert(&client, UpsertContactRequest::new("loc").email("a@x.com")).await;
    assert!(created);
    assert_eq!(mock.stats().requests, 2);

    let no_retry = Client::builder(TOKEN)
        .base_url(mock.url())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    mock.inject(Fault::Status(500));
    let error = no_retry
        .upsert_contact(&UpsertContactRequest::new("loc").email("a@x.com"))
        .await
        .unwrap_err();
    // Without the match fields declared, an email alone does not make a repeat safe.
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    // A dropped connection is not an answer: the client does not repeat the upsert.
    mock.inject(Fault::Drop);
    let error = client
        .upsert_contact(&UpsertContactRequest::new("loc").email("a@x.com"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    mock.shutdown().await;
}

#[test]
fn the_binary_listens_and_answers_stats() {
    use std::process::Command;

    let mock = highlevel_tests::Listening::spawn(
        Command::new(env!("CARGO_BIN_EXE_highlevel-mock"))
            .args(["--listen", "127.0.0.1:0", "--token", TOKEN])
            .args(["--rate-limit", "50/1s", "--match-order", "phone,email"]),
    );
    assert!(mock.addr.starts_with("127.0.0.1:"), "{}", mock.addr);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let stats: Value = runtime.block_on(async {
        reqwest::get(format!("{}/_mock/stats", mock.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(
        stats,
        json!({"requests": 0, "rate_limited": 0, "contacts": 0})
    );
    drop(mock);

    let usage = Command::new(env!("CARGO_BIN_EXE_highlevel-mock"))
        .args(["--token", TOKEN, "--rate-limit", "fast"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}
