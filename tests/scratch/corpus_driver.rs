//! Drives clients generated from corpus specs for `tests/tests/path_safety.rs`:
//! one JSON case per line on stdin, one JSON line on stdout, so the
//! property test compiles this once and runs hundreds of cases through it.
//! Built in a scratch workspace beside the corpus crates it depends on.

use std::io::{BufRead, Write};

use serde_json::{Value, json};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base_url = std::env::args().nth(1).expect("base URL");
    let contacts = corpus_contacts::Client::builder("driver-token")
        .base_url(&base_url)
        .retry(corpus_contacts::RetryPolicy::disabled())
        .build()
        .unwrap();
    let keeper = corpus_keeper::Client::builder()
        .base_url(&base_url)
        .retry(corpus_keeper::RetryPolicy::disabled())
        .build()
        .unwrap();
    let report: corpus_keeper::types::ReportStartBody = serde_json::from_value(json!({
        "id": {"host": "h", "job": "j", "pid": 1, "time": "2026-01-01T00:00:00Z", "uuid": "u"},
        "script": "s",
        "start_time": "2026-01-01T00:00:00Z",
    }))
    .unwrap();
    for line in std::io::stdin().lock().lines() {
        let case: Value = serde_json::from_str(&line.unwrap()).unwrap();
        let text = |key: &str| case[key].as_str().unwrap().to_owned();
        // What the caller learns: refused before sending (with the reason),
        // or sent.
        let refused = match case["operation"].as_str().unwrap() {
            "get-contacts-by-businessId" => match contacts
                .get_contacts_by_business_id(
                    &text("businessId"),
                    None,
                    &text("locationId"),
                    Some(&text("query")),
                    None,
                )
                .await
            {
                Err(corpus_contacts::Error::InvalidRequest(reason)) => Some(reason),
                _ => None,
            },
            "report_start" => match keeper.report_start(&text("authorization"), &report).await {
                Err(corpus_keeper::Error::InvalidRequest(reason)) => Some(reason),
                _ => None,
            },
            other => panic!("unknown operation {other}"),
        };
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{}", json!({ "refused": refused })).unwrap();
        stdout.flush().unwrap();
    }
}
