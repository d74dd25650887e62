//! An octet-stream body for each attempt: bytes as often as asked, never
//! copied; a stream once.

use client_runtime::Resendable;

#[tokio::test]
async fn bytes_are_sent_again_on_every_attempt_without_a_copy() {
    static SENT: &[u8] = &[0, 1, 2];
    let mut body = Resendable::new(reqwest::Body::from(SENT)).await;
    for _ in 0..3 {
        let next = body.for_attempt().expect("bytes can be sent again");
        let bytes = next.as_bytes().unwrap();
        assert_eq!(bytes, SENT);
        assert_eq!(
            bytes.as_ptr(),
            SENT.as_ptr(),
            "the caller's bytes themselves"
        );
    }
}

#[tokio::test]
async fn an_empty_body_is_sent_again_empty() {
    let mut body = Resendable::new(reqwest::Body::from(Vec::new())).await;
    assert_eq!(body.for_attempt().unwrap().as_bytes(), Some(&[][..]));
    assert_eq!(body.for_attempt().unwrap().as_bytes(), Some(&[][..]));
}

#[tokio::test]
async fn a_stream_is_sent_once() {
    let stream = http_body_util::Full::new(bytes::Bytes::from_static(b"streamed"));
    let mut body = Resendable::new(reqwest::Body::wrap(stream)).await;
    assert!(body.for_attempt().is_some());
    assert!(
        body.for_attempt().is_none(),
        "a stream cannot be read twice"
    );
}
