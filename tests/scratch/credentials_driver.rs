//! Drives the client generated from `tests/fixtures/several-credentials.yaml`
//! for `tests/tests/several_credentials.rs`: calls every operation with a
//! client that holds every credential (base URL `<url>/all`) and with one
//! that holds the header key only (`<url>/header-only`), and prints one line
//! per call: `<client> <operation>: sent` or `refused: <reason>`. Built in a
//! scratch workspace beside the fixture's crate.

use fixture_several_credentials::{Client, ClientBuilder, Error, Response, RetryPolicy};

fn outcome<T, E>(result: Result<Response<T>, Error<E>>) -> String {
    match result {
        Ok(_) => "sent".to_owned(),
        Err(Error::InvalidRequest(reason)) => format!("refused: {reason}"),
        Err(error) => format!("failed: {error}"),
    }
}

async fn call_all(name: &str, client: &Client) {
    let calls = [
        ("get_basic", outcome(client.get_basic().await)),
        ("get_query", outcome(client.get_query().await)),
        ("get_cookie", outcome(client.get_cookie().await)),
        ("get_both", outcome(client.get_both().await)),
        ("get_either", outcome(client.get_either().await)),
        ("get_optional", outcome(client.get_optional().await)),
        ("get_default", outcome(client.get_default().await)),
        ("get_signed", outcome(client.get_signed().await)),
        ("get_public", outcome(client.get_public().await)),
    ];
    for (operation, outcome) in calls {
        println!("{name} {operation}: {outcome}");
    }
}

fn built(builder: ClientBuilder, url: &str) -> Client {
    builder
        .base_url(url)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base_url = std::env::args().nth(1).expect("base URL");
    let all = Client::builder()
        .with_basic_auth("aladdin", "open sesame")
        .with_bearer_auth("bearer-secret")
        .with_header_key("header-secret")
        .with_query_key("query secret&=")
        .with_cookie_key("cookie-secret");
    call_all("all", &built(all, &format!("{base_url}/all"))).await;
    let header_only = Client::builder().with_header_key("header-secret");
    call_all(
        "header-only",
        &built(header_only, &format!("{base_url}/header-only")),
    )
    .await;
}
