//! `Config::drift` (`--drift`): successes drift from the spec, and nothing else changes.

use highlevel_contacts::Client;
use highlevel_contacts::types::{UpdateContactRequest, UpsertContactRequest};
use highlevel_mock::{Config, MockServer};
use serde_json::{Value, json};

const TOKEN: &str = "test-token";

async fn send(mock: &MockServer, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .request(method, format!("{}{path}", mock.url()))
        .header("Version", "2021-07-28")
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.json().await.unwrap())
}

#[tokio::test]
async fn drifted_answers_carry_the_four_departures_and_the_conforming_ones() {
    let mock = MockServer::start(Config::new(TOKEN).drift(true))
        .await
        .unwrap();
    let upsert = json!({"locationId": "loc", "email": "a@x.com", "tags": ["vip"], "dateOfBirth": "1990-09-25"});
    let (status, answer) = send(&mock, reqwest::Method::POST, "/contacts/upsert", upsert).await;
    assert_eq!(status, 201, "{answer}");
    let contact = &answer["contact"];
    assert_eq!(contact["preferredLanguage"], json!("de"));
    assert_eq!(contact["dndSettings"]["SMS"]["status"], json!("paused"));
    assert_eq!(contact["tags"], Value::Null);
    let added = contact["dateAdded"].as_str().unwrap();
    assert_eq!(added.len(), 10, "a date: {added}");
    assert_eq!(contact["dateOfBirth"], json!("1990-09-25"));
    assert_eq!(answer["new"], json!(true));
    // Only the answer drifts: the store keeps what was sent.
    assert_eq!(mock.contacts()[0]["tags"], json!(["vip"]));

    let id = contact["id"].as_str().unwrap().to_owned();
    let (status, answer) = send(
        &mock,
        reqwest::Method::PUT,
        &format!("/contacts/{id}"),
        json!({"city": "Paris"}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.get("succeded").is_none(), "{answer}");
    assert_eq!(answer["contact"]["tags"], Value::Null);

    // Refusals do not drift.
    let (status, answer) = send(
        &mock,
        reqwest::Method::POST,
        "/contacts/upsert",
        json!({"locationId": "loc", "x": 1}),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer.get("contact").is_none());
    mock.shutdown().await;
}

#[tokio::test]
async fn the_client_still_reads_drifted_answers_and_without_the_flag_nothing_drifts() {
    let mock = MockServer::start(Config::new(TOKEN).drift(true))
        .await
        .unwrap();
    let client = Client::builder(TOKEN).base_url(mock.url()).build().unwrap();
    let answer = client
        .upsert_contact(&UpsertContactRequest::new("loc").email("b@x.com"))
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 201);
    assert_eq!(
        answer.raw_json().unwrap()["contact"]["preferredLanguage"],
        json!("de")
    );
    let id = answer.body().contact.id.clone();
    let updated = client
        .update_contact(&id, &UpdateContactRequest::new().city("Paris"))
        .await
        .unwrap();
    assert_eq!(updated.body().succeeded, None);
    mock.shutdown().await;

    let plain = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let upsert = json!({"locationId": "loc", "email": "a@x.com", "tags": ["vip"]});
    let (status, answer) = send(&plain, reqwest::Method::POST, "/contacts/upsert", upsert).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["contact"].get("preferredLanguage").is_none());
    assert_eq!(answer["contact"]["tags"], json!(["vip"]));
    plain.shutdown().await;
}

#[test]
fn the_binary_drifts_with_its_flag() {
    use std::process::Command;

    let mock = highlevel_tests::Listening::spawn(
        Command::new(env!("CARGO_BIN_EXE_highlevel-mock")).args([
            "--listen",
            "127.0.0.1:0",
            "--token",
            TOKEN,
            "--drift",
        ]),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (status, answer): (u16, Value) = runtime.block_on(async {
        let answer = reqwest::Client::new()
            .post(format!("{}/contacts/upsert", mock.url()))
            .header("Version", "2021-07-28")
            .bearer_auth(TOKEN)
            .json(&json!({"locationId": "loc", "email": "a@x.com"}))
            .send()
            .await
            .unwrap();
        (answer.status().as_u16(), answer.json().await.unwrap())
    });
    assert_eq!(status, 201, "{answer}");
    assert_eq!(
        answer["contact"]["dndSettings"]["SMS"]["status"],
        json!("paused")
    );
}
