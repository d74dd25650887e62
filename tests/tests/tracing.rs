//! What the client records with `tracing`. Alone in its test binary: the
//! subscriber is set per thread, and tracing caches per callsite whether
//! anyone listens, which other tests running at the same time would spoil.

mod traced;

use std::time::Duration;

use highlevel_contacts::types::UpdateContactRequest;
use highlevel_contacts::{Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Each attempt is a span naming the operation, attempt and status; the
/// token and the body never appear in what tracing records.
#[tokio::test]
async fn attempts_are_traced_without_token_or_body() {
    let (captured, _guard) = traced::capture(tracing::Level::DEBUG);

    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let updated = ResponseTemplate::new(200)
        .set_body_json(json!({"succeded": true, "contact": {"id": "c1"}}));
    Mock::given(method("PUT"))
        .respond_with(updated)
        .mount(&server)
        .await;
    let policy = RetryPolicy::new(3, Duration::from_millis(10));
    Client::builder("retry-token")
        .base_url(server.uri())
        .retry(policy)
        .build()
        .unwrap()
        .update_contact(
            "c1",
            &UpdateContactRequest::new().email("secret.person@example.com"),
        )
        .await
        .unwrap();

    let log = captured.text();
    assert!(log.contains("operation=\"update_contact\""), "{log}");
    assert!(
        log.contains("attempt=1") && log.contains("attempt=2"),
        "{log}"
    );
    assert!(
        log.contains("status=503") && log.contains("status=200"),
        "{log}"
    );
    assert!(
        !log.contains("retry-token") && !log.contains("secret.person"),
        "{log}"
    );
}
