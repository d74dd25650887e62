//! A subscriber that leaves the client's `http_request` spans out: what
//! the client would have recorded in them goes nowhere, and never into the
//! caller's span that is current instead. Alone in its test binary, as
//! `tracing.rs` is, since tracing caches per callsite whether anyone
//! listens.

mod traced;

use highlevel_contacts::Client;
use highlevel_contacts::types::UpdateContactRequest;
use serde_json::json;
use tracing::Instrument;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_filtered_out_attempt_writes_nothing_into_the_callers_span() {
    // `http_request` is an `info` span: left out at `warn`.
    let (captured, _guard) = traced::capture(tracing::Level::WARN);

    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"succeded": true, "contact": {"id": "c1"}})),
        )
        .mount(&server)
        .await;
    let client = Client::builder("token")
        .base_url(server.uri())
        .build()
        .unwrap();
    // The caller's own span, with fields of the same names.
    let outer = tracing::warn_span!(
        "import_row",
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
        rate_available = tracing::field::Empty,
    );
    client
        .update_contact("c1", &UpdateContactRequest::new())
        .instrument(outer)
        .await
        .unwrap();

    let log = captured.text();
    assert!(
        log.contains("import_row"),
        "the caller's span closes: {log}"
    );
    assert!(!log.contains("http_request"), "{log}");
    for field in ["status=", "latency_ms=", "rate_available="] {
        assert!(!log.contains(field), "{field} in {log}");
    }
}
