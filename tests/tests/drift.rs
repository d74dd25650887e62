//! The generated client against answers that depart from the spec: an
//! array where the spec declares an object is never decoded as one, and with
//! `record_drift` every departure is recorded, without a contact's values.

// The helpers return the client's own result, as callers get it.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};

use highlevel_contacts::types::{UpdateContactRequest, UpsertContactRequest};
use highlevel_contacts::{Client, Error, RetryPolicy};
use highlevel_tests::RecordingServer;
use serde_json::{Value, json};

/// A client of `server`, recording drift in `record` when given.
fn client(server: &RecordingServer, record: Option<&Path>) -> Client {
    let mut builder = Client::builder("test-token")
        .base_url(server.url())
        .retry(RetryPolicy::disabled());
    if let Some(path) = record {
        builder = builder.record_drift(path);
    }
    builder.build().unwrap()
}

fn update(
    client: &Client,
) -> Result<
    highlevel_contacts::types::UpdateContactResponse,
    Error<highlevel_contacts::UpdateContactError>,
> {
    let runtime = highlevel_tests::runtime();
    runtime
        .block_on(client.update_contact("c1", &UpdateContactRequest::new()))
        .map(highlevel_contacts::Response::into_body)
}

fn upsert(
    client: &Client,
) -> Result<
    highlevel_contacts::types::UpsertContactResponse,
    Error<highlevel_contacts::UpsertContactError>,
> {
    let runtime = highlevel_tests::runtime();
    let request = UpsertContactRequest::new("loc").email("a@example.com");
    runtime
        .block_on(client.upsert_contact(&request))
        .map(highlevel_contacts::Response::into_body)
}

#[test]
fn an_array_for_the_whole_answer_is_accepted_undecodable() {
    let server = RecordingServer::start(200, r#"[{"id":"c1"}]"#);
    let client = client(&server, None);
    let error = update(&client).unwrap_err();
    assert!(
        matches!(error, Error::AcceptedUndecodable(ref kept) if kept.status == 200),
        "{error:?}"
    );
    server.answer_with(200, r#"[{"id":"c1"}]"#);
    let error = upsert(&client).unwrap_err();
    assert!(matches!(error, Error::AcceptedUndecodable(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "upsertContact: the server accepted the request (200 OK) but its answer cannot be decoded: the body lacks what the spec requires"
    );
}

#[test]
fn an_array_for_a_nested_object_is_absent_when_optional_and_undecodable_when_required() {
    let server = RecordingServer::start(200, &json!({"contact": [{"id": "c1"}]}).to_string());
    let client = client(&server, None);
    let error = update(&client).unwrap_err();
    let Error::AcceptedUndecodable(kept) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        kept.decode_error.as_ref().unwrap().to_string(),
        "`/contact` is an array where the spec declares an object"
    );

    let body = json!({"contact": {"id": "c1", "dndSettings": [{"status": "active"}],
        "customFields": [{"id": "f1", "value": "x"}]}});
    server.answer_with(200, body.to_string());
    let response = update(&client).unwrap();
    assert_eq!(response.contact.id, "c1");
    assert!(response.contact.dnd_settings.is_none());
    assert_eq!(response.contact.custom_fields.len(), 1);

    // Deeper: inside an optional list of objects, the list reads as empty.
    let body = json!({"contact": {"id": "c1", "customFields": [[{"id": "f1"}]]}});
    server.answer_with(200, body.to_string());
    let response = update(&client).unwrap();
    assert!(response.contact.custom_fields.is_empty());
}

#[test]
fn an_array_for_an_error_body_is_an_unexpected_response_kept_whole() {
    let body = r#"[{"statusCode":400,"message":"Bad Request"}]"#;
    let server = RecordingServer::start(400, body);
    let client = client(&server, None);
    let error = update(&client).unwrap_err();
    let Error::UnexpectedResponse(kept) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(kept.status, 400);
    assert_eq!(kept.body, body.as_bytes());
    assert!(kept.decode_error.is_some());
}

/// A scratch file of this test binary's own.
fn record_file(name: &str) -> PathBuf {
    let dir = highlevel_tests::scratch_dir().join("drift");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

/// A contact's personal data, every value distinct enough to be found.
fn personal_contact() -> Value {
    json!({
        "id": "c1",
        "name": "Zelda Quintanilla",
        "firstName": "Zelda",
        "lastName": "Quintanilla",
        "email": "zelda.quintanilla@example.org",
        "phone": "+15557654321",
        "address1": "77 Hidden Lane",
        "city": "Marblehead",
        "companyName": "Quintanilla Rope Works",
        "dateOfBirth": "1990-09-25T00:00:00.000Z",
        "tags": ["vip"],
    })
}

#[test]
fn drift_is_recorded_by_place_and_shape_and_never_holds_a_contacts_values() {
    let path = record_file("record");
    let server = RecordingServer::start(200, "{}");
    let client = client(&server, Some(&path));
    let drifted = |edit: &dyn Fn(&mut Value)| {
        let mut contact = personal_contact();
        edit(&mut contact);
        json!({"succeded": true, "contact": contact})
    };
    for (status, body) in [
        (
            200,
            drifted(&|c| c["preferredLanguage"] = json!("Zelda's own language")),
        ),
        (
            200,
            drifted(&|c| {
                c["dndSettings"] = json!({"Email": {"status": "paused", "message": "Zelda asked"}})
            }),
        ),
        (200, drifted(&|c| c["tags"] = Value::Null)),
        (200, drifted(&|c| c["dateAdded"] = json!("2024-06-06"))),
        (
            200,
            drifted(&|c| {
                c["customFields"] = json!([{"id": "f1", "value": "Zelda", "secret": "zelda.quintanilla@example.org"}])
            }),
        ),
        // Conforming: `succeded` is optional, `dateOfBirth` a string.
        (200, json!({"contact": personal_contact()})),
    ] {
        server.answer_with(status, body.to_string());
        update(&client).unwrap();
    }
    // A 201 where the spec declares 200 for upsert, with the 200's body.
    server.answer_with(
        201,
        json!({"new": true, "contact": personal_contact()}).to_string(),
    );
    upsert(&client).unwrap();
    drop(client);

    let text = std::fs::read_to_string(&path).unwrap();
    eprintln!("{text}");
    for value in [
        "Zelda",
        "Quintanilla",
        "zelda.quintanilla@example.org",
        "+15557654321",
        "Hidden Lane",
        "Marblehead",
        "Rope Works",
        "1990-09-25",
        "vip",
        "asked",
        "test-token",
    ] {
        assert!(
            !text.contains(value),
            "`{value}` reached the record:\n{text}"
        );
    }
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let found = |kind: &str, pointer: &str| {
        lines
            .iter()
            .find(|line| line["kind"] == kind && line["pointer"] == pointer)
            .unwrap_or_else(|| panic!("no {kind} at {pointer}:\n{text}"))
    };
    let language = found("undeclared_property", "/contact/preferredLanguage");
    assert_eq!(language["observed"], json!({"type": "string"}));
    assert_eq!(language["operation"], "updateContact");
    assert_eq!(language["status"], 200);
    assert_eq!(
        language["schema"],
        "#/components/schemas/UpdateContactResponse"
    );
    assert_eq!(language["crate"], "highlevel-contacts");
    let manifest =
        std::fs::read_to_string(xtask::repo_root().join("generated/Cargo.toml")).unwrap();
    let version = language["crate_version"].as_str().unwrap();
    assert!(
        manifest.contains(&format!("\nversion = \"{version}\"\n")),
        "{version}"
    );
    assert_eq!(language["spec_sha256"], highlevel_contacts::SPEC_SHA256);
    assert_eq!(language["count"], 1);
    let paused = found("unlisted_enum_value", "/contact/dndSettings/Email/status");
    assert_eq!(paused["value"], "paused");
    found("unexpected_null", "/contact/tags");
    let date = found("other_format", "/contact/dateAdded");
    assert_eq!(
        date["observed"],
        json!({"type": "string", "format": "date"})
    );
    found("undeclared_property", "/contact/customFields/*/secret");
    let status = found("undeclared_status", "");
    assert_eq!(status["status"], 201);
    assert_eq!(status["operation"], "upsertContact");
    assert_eq!(status["observed"]["matches_status"], 200);
    assert!(status.get("schema").is_none());
    // Only the enum value is a value; nothing else of the answers.
    for line in &lines {
        assert_eq!(
            line.get("value").is_some(),
            line["kind"] == "unlisted_enum_value",
            "{line}"
        );
    }
    assert_eq!(lines.len(), 6, "{text}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn without_recording_nothing_is_written_and_answers_decode_alike() {
    let server = RecordingServer::start(
        200,
        &json!({"contact": {"id": "c1", "extra": 1}}).to_string(),
    );
    let client = client(&server, None);
    assert_eq!(update(&client).unwrap().contact.id, "c1");
}

#[test]
fn a_record_file_that_cannot_be_opened_fails_the_build() {
    let server = RecordingServer::start(200, "{}");
    let missing = highlevel_tests::scratch_dir().join("no-such-dir/drift.jsonl");
    let error = Client::builder("test-token")
        .base_url(server.url())
        .record_drift(&missing)
        .build()
        .unwrap_err();
    assert!(
        matches!(error, highlevel_contacts::BuildError::DriftRecord(_)),
        "{error:?}"
    );
}
