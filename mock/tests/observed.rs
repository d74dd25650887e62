//! What HighLevel's live API was seen to do on Upsert Contact, as the spec describes it, and
//! the contacts a test stores up front to show it (`insert_contact`, `--seed FILE`).

use std::time::Duration;

use highlevel_contacts::types::UpsertContactRequest;
use highlevel_contacts::{Client, RetryPolicy};
use highlevel_mock::{Config, MockServer};
use serde_json::{Value, json};

const TOKEN: &str = "test-token";

fn client(mock: &MockServer) -> Client {
    Client::builder(TOKEN)
        .base_url(mock.url())
        .retry(RetryPolicy::new(1, Duration::from_millis(10)))
        .build()
        .unwrap()
}

fn stored(mock: &MockServer, id: &str) -> Value {
    mock.contacts()
        .into_iter()
        .find(|contact| contact["id"] == id)
        .expect("stored")
}

#[tokio::test]
async fn an_upsert_by_an_additional_email_makes_it_primary_and_loses_the_former_primary() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let id = mock
        .insert_contact(json!({
            "locationId": "loc",
            "email": "john@doe.mail",
            "additionalEmails": ["jane@doe.mail", "jd@doe.mail"],
        }))
        .unwrap();
    let answer = client(&mock)
        .upsert_contact(&UpsertContactRequest::new("loc").email("Jane@doe.mail"))
        .await
        .unwrap();
    assert_eq!(answer.created, Some(false));
    assert_eq!(answer.contact.id, id);
    let contact = stored(&mock, &id);
    assert_eq!(contact["email"], "Jane@doe.mail");
    assert_eq!(contact["additionalEmails"], json!(["jd@doe.mail"]));
    assert!(
        !contact.to_string().contains("john@doe.mail"),
        "the former primary email is lost: {contact}"
    );
    assert_eq!(mock.stats().contacts, 1);
}

#[tokio::test]
async fn a_primary_email_is_matched_before_an_additional_one() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let listing = mock
        .insert_contact(
            json!({"locationId": "loc", "email": "a@x.com", "additionalEmails": ["b@x.com"]}),
        )
        .unwrap();
    let owner = mock
        .insert_contact(json!({"locationId": "loc", "email": "b@x.com"}))
        .unwrap();
    let other_location = mock
        .insert_contact(
            json!({"locationId": "elsewhere", "email": "z@x.com", "additionalEmails": ["c@x.com"]}),
        )
        .unwrap();
    let client = client(&mock);
    let answer = client
        .upsert_contact(&UpsertContactRequest::new("loc").email("b@x.com"))
        .await
        .unwrap();
    assert_eq!(answer.contact.id, owner);
    assert_eq!(
        stored(&mock, &listing)["additionalEmails"],
        json!(["b@x.com"])
    );
    // An additional email of another Location's contact matches nothing here.
    let answer = client
        .upsert_contact(&UpsertContactRequest::new("loc").email("c@x.com"))
        .await
        .unwrap();
    assert_eq!(answer.created, Some(true));
    assert_eq!(stored(&mock, &other_location)["email"], "z@x.com");
}

#[tokio::test]
async fn an_upsert_that_matches_discards_the_gender_it_sends_and_answers_the_stored_one() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let client = client(&mock);
    let created = client
        .upsert_contact(
            &UpsertContactRequest::new("loc")
                .email("x@example.com")
                .gender("male"),
        )
        .await
        .unwrap();
    assert_eq!(created.created, Some(true));
    assert_eq!(created.contact.gender.as_deref(), Some("male"));

    let matched = client
        .upsert_contact(
            &UpsertContactRequest::new("loc")
                .email("x@example.com")
                .first_name("AST")
                .gender("female"),
        )
        .await
        .unwrap();
    assert_eq!(matched.created, Some(false));
    assert_eq!(matched.contact.id, created.contact.id);
    assert_eq!(matched.contact.gender.as_deref(), Some("male"));
    // The rest of the body is applied.
    assert_eq!(matched.contact.first_name.as_deref(), Some("AST"));
    assert_eq!(stored(&mock, &created.contact.id)["gender"], "male");

    // A matched contact with no gender keeps none.
    let id = mock
        .insert_contact(json!({"locationId": "loc", "email": "y@example.com"}))
        .unwrap();
    let matched = client
        .upsert_contact(
            &UpsertContactRequest::new("loc")
                .email("y@example.com")
                .gender("male"),
        )
        .await
        .unwrap();
    assert_eq!(matched.contact.id, id);
    assert_eq!(matched.contact.gender, None);
    assert!(stored(&mock, &id).get("gender").is_none());
}

#[tokio::test]
async fn inserted_contacts_are_checked_and_say_what_is_wrong() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let id = mock
        .insert_contact(json!({"id": "c1", "locationId": "loc", "firstName": "Ann"}))
        .unwrap();
    assert_eq!(id, "c1");
    let made = mock.insert_contact(json!({"locationId": "loc"})).unwrap();
    assert!(!made.is_empty() && made != id, "{made}");
    for (contact, says) in [
        (json!(["not", "an", "object"]), "JSON object"),
        (json!({"email": "a@x.com"}), "`locationId`"),
        (json!({"locationId": ""}), "`locationId`"),
        (json!({"id": "c1", "locationId": "loc"}), "already stored"),
        (
            json!({"id": "", "locationId": "loc"}),
            "`id` must not be empty",
        ),
        (
            json!({"id": 7, "locationId": "loc"}),
            "`id` must be a string",
        ),
        (
            json!({"locationId": "loc", "additionalEmails": "a@x.com"}),
            "`additionalEmails`",
        ),
        (
            json!({"locationId": "loc", "additionalEmails": [1]}),
            "`additionalEmails`",
        ),
    ] {
        let error = mock.insert_contact(contact.clone()).unwrap_err();
        assert!(error.contains(says), "{contact}: {error}");
    }
    assert_eq!(mock.stats().contacts, 2);
}

#[test]
fn the_binary_stores_a_seed_file_and_refuses_a_bad_one_by_its_place() {
    use std::process::Command;

    let folder = std::env::temp_dir().join(format!("highlevel-mock-seed-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let good = folder.join("good.json");
    std::fs::write(
        &good,
        json!([
            {"locationId": "loc", "email": "john@doe.mail", "additionalEmails": ["jane@doe.mail"]},
            {"id": "c2", "locationId": "loc", "phone": "+15550100"},
        ])
        .to_string(),
    )
    .unwrap();
    let mock = highlevel_tests::Listening::spawn(
        Command::new(env!("CARGO_BIN_EXE_highlevel-mock"))
            .args(["--listen", "127.0.0.1:0", "--token", TOKEN, "--seed"])
            .arg(&good),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let stats: Value = runtime.block_on(async {
        reqwest::get(format!("{}/_mock/stats", mock.url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(stats["contacts"], 2);
    drop(mock);

    for (text, says) in [
        (
            "[{\"locationId\": \"loc\"}, {\"email\": \"a@x.com\"}]",
            "contact 2",
        ),
        ("[{\"locationId\": \"loc\"},\n oops]", "line 2"),
    ] {
        let bad = folder.join("bad.json");
        std::fs::write(&bad, text).unwrap();
        let refused = Command::new(env!("CARGO_BIN_EXE_highlevel-mock"))
            .args(["--listen", "127.0.0.1:0", "--token", TOKEN, "--seed"])
            .arg(&bad)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("--seed") && stderr.contains(says),
            "{stderr}"
        );
    }
    let missing = Command::new(env!("CARGO_BIN_EXE_highlevel-mock"))
        .args(["--listen", "127.0.0.1:0", "--token", TOKEN, "--seed"])
        .arg(folder.join("absent.json"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    std::fs::remove_dir_all(&folder).unwrap();
}
