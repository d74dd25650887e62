//! Transport errors say what happened, and to which host, offline: a closed
//! port, a host that does not resolve, TLS against a plain-HTTP server, a
//! server that drops the connection mid-answer, and one that never answers.

use std::io::{Read, Write};
use std::time::Duration;

use highlevel_contacts::types::UpdateContactRequest;
use highlevel_contacts::{Client, Error, RetryPolicy};

const TOKEN: &str = "transport-secret-token";

/// A server on 127.0.0.1 that reads a little and then does `then` with the
/// connection.
fn server(then: fn(std::net::TcpStream)) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            then(stream);
        }
    });
    address.to_string()
}

async fn failure(base_url: &str) -> String {
    let client = Client::builder(TOKEN)
        .base_url(base_url)
        .retry(RetryPolicy::disabled())
        .timeout(Duration::from_millis(500))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let error = client
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let text = error.to_string();
    assert!(!text.contains(TOKEN) && !text.contains("c1"), "{text}");
    text
}

#[tokio::test]
async fn a_closed_port_is_a_refused_connection() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    assert_eq!(
        failure(&format!("http://127.0.0.1:{port}")).await,
        "no answer from 127.0.0.1: the connection was refused"
    );
}

#[tokio::test]
async fn a_host_that_does_not_resolve_is_a_dns_failure() {
    assert_eq!(
        failure("http://no-such-host.invalid").await,
        "no answer from no-such-host.invalid: the host name could not be resolved (DNS)"
    );
}

#[tokio::test]
async fn https_against_plain_http_is_a_tls_failure() {
    let address = server(|mut stream| {
        let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
    });
    assert_eq!(
        failure(&format!("https://{address}")).await,
        "no answer from 127.0.0.1: the TLS handshake failed"
    );
}

#[tokio::test]
async fn a_connection_dropped_mid_answer_says_so() {
    let address = server(|mut stream| {
        // The head of the answer, cut short.
        let _ = stream.write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-le");
    });
    let text = failure(&format!("http://{address}")).await;
    assert_eq!(
        text,
        "no answer from 127.0.0.1: the connection dropped before the answer was complete"
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let address = server(|stream| {
        std::thread::sleep(Duration::from_secs(3));
        drop(stream);
    });
    assert_eq!(
        failure(&format!("http://{address}")).await,
        "no answer from 127.0.0.1: the request timed out"
    );
}
