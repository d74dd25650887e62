//! Decoding by status: a 2xx is never a refusal, a failure after sending is
//! "outcome unknown" when a repeat is not safe.

use client_runtime::{Error, OperationAnswers, Payload, receive};
use serde_json::{Value, json};

type Decoded = Result<client_runtime::Response<Value>, Error<Value>>;

fn answer(status: u16, body: &'static str) -> reqwest::Response {
    http::Response::builder()
        .status(status)
        .body(body)
        .unwrap()
        .into()
}

/// An operation that declares no answers: no body is checked before it is
/// decoded.
static OP: OperationAnswers = OperationAnswers {
    operation: "op",
    answers: &[],
};

fn success(status: u16, body: Payload<'_>) -> Option<Result<Value, serde_json::Error>> {
    (200..300).contains(&status).then(|| {
        body.json::<Value>()
            .and_then(|value| match value.get("id") {
                Some(_) => Ok(value),
                None => Err(serde::de::Error::missing_field("id")),
            })
    })
}

fn refusal(status: u16, body: Payload<'_>) -> Option<Result<Value, serde_json::Error>> {
    (status == 400).then(|| body.json())
}

async fn received(status: u16, body: &'static str, repeat_safe: bool) -> Decoded {
    let response = answer(status, body);
    let sent = Ok(response);
    receive(&OP, None, sent, success, refusal, || repeat_safe).await
}

#[tokio::test]
async fn a_2xx_decodes_with_its_status_and_raw_body() {
    let response = received(201, r#"{"id":"x","extra":1}"#, false)
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.raw_json(), Some(json!({"id": "x", "extra": 1})));
}

#[tokio::test]
async fn a_2xx_without_its_core_is_accepted_undecodable() {
    for body in ["{}", "<html>", ""] {
        let error = received(200, body, false).await.unwrap_err();
        assert!(
            matches!(error, Error::AcceptedUndecodable(ref a) if a.status == 200),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn refusals_decode_by_status() {
    assert!(matches!(
        received(400, r#"{"message":"no"}"#, false).await,
        Err(Error::Api(_))
    ));
    assert!(matches!(
        received(400, "<html>", false).await,
        Err(Error::UnexpectedResponse(_))
    ));
    assert!(matches!(
        received(404, "{}", false).await,
        Err(Error::UnexpectedResponse(_))
    ));
}

#[tokio::test]
async fn a_5xx_is_outcome_unknown_unless_a_repeat_is_safe() {
    let error = received(503, "{}", false).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::OutcomeUnknown {
                operation: "op",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(matches!(
        received(503, "{}", true).await,
        Err(Error::UnexpectedResponse(_))
    ));
}

/// What a caller logs with `{:?}` never holds a body as received: it may
/// carry personal data the typed bodies redact.
#[tokio::test]
async fn debug_shows_bodies_as_received_by_length_only() {
    const SSN: &str = "123-45-6789";
    for (status, body) in [
        (200, r#"{"ssn":"123-45-6789"}"#),
        (404, "<p>123-45-6789</p>"),
        (400, "<p>123-45-6789</p>"),
    ] {
        let error = received(status, body, false).await.unwrap_err();
        let shown = format!("{error:?} {error:#?}");
        assert!(!shown.contains(SSN), "{status}: {shown}");
        assert!(
            shown.contains(&format!("body: <{} bytes>", body.len())),
            "{status}: {shown}"
        );
    }
    let error = received(400, r#"{"message":"no"}"#, false)
        .await
        .unwrap_err();
    let shown = format!("{error:?}");
    assert!(shown.contains("raw_body: <16 bytes>"), "{shown}");
    assert!(
        shown.contains(r#"body: Object {"message": String("no")}"#),
        "{shown}"
    );
    let success = received(200, r#"{"id":"x","ssn":"123-45-6789"}"#, false)
        .await
        .unwrap();
    let shown = format!("{success:?}");
    assert!(shown.contains("raw_body: <30 bytes>"), "{shown}");
}

/// A server on 127.0.0.1 that answers one request with `head` and then
/// `chunks` in HTTP/1.1 chunked encoding, each written apart, and, when
/// `cut`, closes the connection before the last chunk.
fn chunked_server(head: &'static str, chunks: &'static [&'static str], cut: bool) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 2 {
            line.clear();
        }
        let mut stream = stream;
        write!(stream, "{head}\r\nTransfer-Encoding: chunked\r\n\r\n").unwrap();
        for chunk in chunks {
            write!(stream, "{:x}\r\n{chunk}\r\n", chunk.len()).unwrap();
            stream.flush().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        if !cut {
            write!(stream, "0\r\n\r\n").unwrap();
        }
    });
    format!("http://{address}/")
}

#[tokio::test]
async fn a_body_in_several_chunks_is_read_whole_and_one_cut_short_keeps_what_came() {
    const CHUNKS: &[&str] = &[r#"{"id":"x","#, r#""tags":["a","#, r#""b"]}"#];
    let url = chunked_server("HTTP/1.1 200 OK", CHUNKS, false);
    let sent = Ok(reqwest::get(&url).await.unwrap());
    let response = receive(&OP, None, sent, success, refusal, || false)
        .await
        .unwrap();
    assert_eq!(response.raw_body().as_ref(), CHUNKS.concat().as_bytes());
    assert_eq!(response.body()["tags"], json!(["a", "b"]));

    // A 2xx cut short was still applied: it is kept, never a refusal.
    let url = chunked_server("HTTP/1.1 200 OK", &CHUNKS[..2], true);
    let sent = Ok(reqwest::get(&url).await.unwrap());
    match receive(&OP, None, sent, success, refusal, || false).await {
        Err(Error::AcceptedUndecodable(kept)) => {
            assert_eq!(kept.body.as_ref(), CHUNKS[..2].concat().as_bytes());
        }
        other => panic!("{other:?}"),
    }
}
