//! Sends one request in each media type through the client generated from
//! `tests/fixtures/request-media-types.yaml`, and one with a query parameter
//! in each style through `tests/fixtures/query-styles.yaml`'s, for
//! `tests/tests/request_media_types.rs`, which checks what arrived. Built in
//! a scratch workspace beside those crates. With a second argument,
//! `retry`, each request may be sent twice.

use std::time::Duration;

use fixture::{Client, RetryPolicy, multipart, types};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base_url = std::env::args().nth(1).expect("base URL");
    let attempts = match std::env::args().nth(2).as_deref() {
        Some("retry") => 2,
        _ => 1,
    };
    let client = Client::builder()
        .base_url(&base_url)
        .retry(RetryPolicy::new(attempts, Duration::ZERO))
        .build()
        .unwrap();
    let form = types::SendFormBody::new("Ada & Co".to_owned()).count(3);
    client.send_form(&form).await.unwrap();
    let png = multipart::Part::bytes(b"\x89PNG\r\n--".to_vec())
        .file_name("a.png")
        .mime_str("image/png")
        .unwrap();
    let upload = multipart::Form::new()
        .text("note", "hi there")
        .part("file", png);
    client.upload(upload).await.unwrap();
    client.upload(multipart::Form::new()).await.unwrap();
    client.send_text("plain words".to_owned()).await.unwrap();
    client
        .send_xml("<Pet><name>Rex</name></Pet>")
        .await
        .unwrap();
    client
        .send_vendor_json(&types::Pet::new("Rex".to_owned()))
        .await
        .unwrap();
    client.send_bytes(vec![0u8, 1, 2]).await.unwrap();

    let queries = fixture_queries::Client::builder()
        .base_url(&base_url)
        .retry(fixture_queries::RetryPolicy::new(attempts, Duration::ZERO))
        .build()
        .unwrap();
    let texts = |items: &[&str]| items.iter().map(|item| item.to_string()).collect::<Vec<_>>();
    let filter = fixture_queries::types::SearchFilter {
        age: Some(3),
        name: Some("a&b c".to_owned()),
    };
    queries
        .search(
            Some(&texts(&["a b", "c"])),
            Some(&filter),
            Some(&vec![1, 2]),
            Some(&texts(&["r,1", "r2"])),
            Some(&texts(&["x", "y z"])),
        )
        .await
        .unwrap();
    // An item that holds its style's delimiter is refused before sending.
    let refused = queries
        .search(None, None, None, None, Some(&texts(&["x|y"])))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("query parameter `tags`"),
        "{refused}"
    );
}
