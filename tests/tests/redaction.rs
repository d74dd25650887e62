//! Personal data the spec marks `x-sensitive` never shows in `Debug` output: not in the
//! request a caller builds, not in the answer's typed body, not in the `Response` around it.

use highlevel_contacts::types::{Contact, UpdateContactRequest, UpdateContactResponse};
use highlevel_tests::RecordingServer;
use serde_json::json;

const SSN: &str = "123-45-6789";

/// `shown` in both `Debug` forms leaves `SSN` out and says where it was redacted.
fn assert_redacted(name: &str, compact: String, pretty: String) {
    for shown in [compact, pretty] {
        assert!(!shown.contains(SSN), "{name}: {shown}");
        assert!(shown.contains("ssn: <redacted>"), "{name}: {shown}");
    }
}

#[test]
fn a_social_security_number_never_shows_in_debug() {
    let request = UpdateContactRequest::new().first_name("Ann").ssn(SSN);
    assert_redacted(
        "UpdateContactRequest",
        format!("{request:?}"),
        format!("{request:#?}"),
    );
    // The other fields show as the derived `Debug` shows them.
    assert!(
        format!("{request:?}").contains("first_name: Value(\"Ann\")"),
        "{request:?}"
    );
    // What is sent is unchanged.
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"firstName": "Ann", "ssn": SSN})
    );

    let contact: Contact = serde_json::from_value(json!({"id": "c1", "ssn": SSN})).unwrap();
    assert_eq!(contact.ssn.as_deref(), Some(SSN));
    assert_redacted("Contact", format!("{contact:?}"), format!("{contact:#?}"));
    assert!(format!("{contact:?}").contains("id: \"c1\""), "{contact:?}");
}

#[test]
fn a_response_shows_its_raw_body_by_length_only() {
    let body = json!({"succeded": true, "contact": {"id": "c1", "ssn": SSN}});
    let server = RecordingServer::start(200, &body.to_string());
    let client = highlevel_tests::unlimited_client(&server.url());
    let response = highlevel_tests::runtime()
        .block_on(client.update_contact("c1", &UpdateContactRequest::new().first_name("Ann")))
        .unwrap();
    let typed: &UpdateContactResponse = response.body();
    assert_eq!(typed.contact.ssn.as_deref(), Some(SSN));
    assert_redacted(
        "Response<UpdateContactResponse>",
        format!("{response:?}"),
        format!("{response:#?}"),
    );
    let length = body.to_string().len();
    assert!(
        format!("{response:?}").contains(&format!("raw_body: <{length} bytes>")),
        "{response:?}"
    );
}
