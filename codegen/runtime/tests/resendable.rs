//! An octet-stream body for each attempt: bytes as often as asked, a
//! stream once.

use client_runtime::Resendable;

#[test]
fn bytes_are_sent_again_on_every_attempt() {
    let mut body = Resendable::new(reqwest::Body::from(vec![0u8, 1, 2]));
    for _ in 0..3 {
        let next = body.for_attempt().expect("bytes can be sent again");
        assert_eq!(next.as_bytes(), Some(&[0u8, 1, 2][..]));
    }
}

#[test]
fn a_stream_is_sent_once() {
    let stream = http_body_util::Full::new(bytes::Bytes::from_static(b"streamed"));
    let mut body = Resendable::new(reqwest::Body::wrap(stream));
    assert!(body.for_attempt().is_some());
    assert!(
        body.for_attempt().is_none(),
        "a stream cannot be read twice"
    );
}
