//! A caller's value never changes a request's structure: a path parameter
//! is one percent-encoded segment that decodes to the caller's string, a
//! query value is one pair, a header value that cannot be sent is refused
//! with the header's name, and the base URL keeps its path prefix.

use std::sync::LazyLock;
use std::time::Duration;

use highlevel_contacts::types::UpdateContactRequest;
use highlevel_contacts::{Client, Error, RetryPolicy};
use highlevel_tests::{RecordingServer, decodes_to, hostile_text};
use proptest::prelude::*;

const UPDATED: &str = r#"{"succeded":true,"contact":{"id":"x"}}"#;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
});

/// The property test's server; the other tests start their own, so no
/// test sees another's requests.
static SERVER: LazyLock<RecordingServer> = LazyLock::new(|| RecordingServer::start(200, UPDATED));

fn client(base_url: &str) -> Client {
    Client::builder("test-token")
        .base_url(base_url)
        .retry(RetryPolicy::disabled())
        // Hundreds of cases in a few seconds; the limiter has tests of its own.
        .rate_limits(&[
            (1_000_000, Duration::from_secs(1)),
            (1_000_000, Duration::from_secs(1)),
        ])
        .build()
        .unwrap()
}

static CLIENT: LazyLock<Client> = LazyLock::new(|| client(&SERVER.url()));

proptest! {
    #![proptest_config(highlevel_tests::proptest_config(512))]

    #[test]
    fn a_contact_id_is_one_segment_that_decodes_to_itself(contact_id in hostile_text()) {
        SERVER.take();
        let outcome = RUNTIME.block_on(CLIENT.update_contact(&contact_id, &UpdateContactRequest::new()));
        let seen = SERVER.take();
        if matches!(contact_id.as_str(), "" | "." | "..") {
            let Err(Error::InvalidRequest(reason)) = outcome else {
                panic!("{contact_id:?} was not refused: {outcome:?}");
            };
            prop_assert!(reason.contains("`contactId`"), "{reason}");
            prop_assert!(seen.is_empty(), "{seen:?}");
        } else {
            prop_assert!(outcome.is_ok(), "{contact_id:?}: {outcome:?}");
            prop_assert_eq!(seen.len(), 1, "{:?}", seen);
            prop_assert_eq!(&seen[0].method, "PUT");
            let segment = seen[0].target.strip_prefix("/contacts/");
            prop_assert!(segment.is_some(), "{contact_id:?} went to {}", seen[0].target);
            if let Err(reason) = decodes_to(segment.unwrap(), &contact_id) {
                panic!("{contact_id:?}: {reason}");
            }
        }
    }
}

#[test]
fn the_reported_escapes_stay_inside_the_segment() {
    let server = RecordingServer::start(200, UPDATED);
    let client = client(&server.url());
    for (contact_id, sent) in [
        (r"..\..\admin", r"/contacts/..%5C..%5Cadmin"),
        (r"a\b", "/contacts/a%5Cb"),
        ("a;b", "/contacts/a%3Bb"),
        ("a[b]|c", "/contacts/a%5Bb%5D%7Cc"),
        ("%2e%2e", "/contacts/%252e%252e"),
        ("...", "/contacts/..."),
        ("a b+c", "/contacts/a%20b%2Bc"),
        ("é😀", "/contacts/%C3%A9%F0%9F%98%80"),
    ] {
        RUNTIME
            .block_on(client.update_contact(contact_id, &UpdateContactRequest::new()))
            .unwrap();
        let seen = server.take();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].target, sent, "{contact_id:?}");
    }
}

#[test]
fn a_path_prefix_is_kept_with_or_without_its_trailing_slash() {
    let server = RecordingServer::start(200, UPDATED);
    for prefix in ["/api/v2", "/api/v2/"] {
        let client = client(&format!("{}{prefix}", server.url()));
        RUNTIME
            .block_on(client.update_contact("a/b", &UpdateContactRequest::new()))
            .unwrap();
        assert_eq!(
            server.take()[0].target,
            "/api/v2/contacts/a%2Fb",
            "{prefix}"
        );
    }
}

#[test]
fn a_base_url_with_a_query_or_a_fragment_is_refused() {
    for base_url in [
        "http://127.0.0.1:1/p#frag",
        "http://127.0.0.1:1/p#",
        "http://127.0.0.1:1/p?x=1",
        "http://127.0.0.1:1/p?",
        "mailto:someone@example.com",
        "ftp://127.0.0.1/p",
    ] {
        let error = Client::builder("test-token")
            .base_url(base_url)
            .build()
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("is not an absolute http(s) URL without a query or a fragment"),
            "{base_url}: {error}"
        );
    }
}
