//! Exactly what the generated client puts on the wire, checked against a
//! server on 127.0.0.1 that compares the JSON body byte-for-value.

use highlevel_contacts::types::{
    CountryCode, CustomFieldInput, CustomFieldValue, DndChannelSetting, DndChannelSettingStatus,
    DndSettings, UpdateContactRequest, UpsertContactRequest, UpsertContactResponse,
};
use highlevel_contacts::{Client, Error, Listed, Nullable};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pit-test-token";

fn update_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"succeded": true, "contact": {"id": "c1"}}))
}

/// A server that answers updates and expects `calls` of them, and a client
/// for it.
async fn update_server(calls: u64) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(update_answer())
        .expect(calls)
        .mount(&server)
        .await;
    let client = Client::builder(TOKEN)
        .base_url(server.uri())
        .build()
        .unwrap();
    (server, client)
}

/// Sends one update and returns the body the server received, as text.
async fn sent_update(body: &UpdateContactRequest) -> String {
    let (server, client) = update_server(1).await;
    client.update_contact("c1", body).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    String::from_utf8(requests[0].body.clone()).unwrap()
}

#[tokio::test]
async fn a_one_field_update_sends_exactly_that_field() {
    let body = UpdateContactRequest::new().first_name("Jane");
    assert_eq!(sent_update(&body).await, r#"{"firstName":"Jane"}"#);
}

#[tokio::test]
async fn clearing_a_nullable_field_sends_null() {
    let body = UpdateContactRequest::new().clear_email();
    assert_eq!(sent_update(&body).await, r#"{"email":null}"#);
}

#[tokio::test]
async fn an_empty_tag_list_is_sent_because_it_removes_all_tags() {
    let body = UpdateContactRequest::new().tags(Vec::<String>::new());
    assert_eq!(sent_update(&body).await, r#"{"tags":[]}"#);
}

#[tokio::test]
async fn an_empty_update_sends_an_empty_object() {
    assert_eq!(sent_update(&UpdateContactRequest::new()).await, "{}");
}

#[tokio::test]
async fn numbers_keep_their_json_form() {
    let body = UpdateContactRequest::new().custom_fields([
        CustomFieldInput::new("a").field_value(CustomFieldValue::Number(100.into())),
        CustomFieldInput::new("b").field_value(CustomFieldValue::Number(
            serde_json::Number::from_f64(100.5).unwrap(),
        )),
    ]);
    assert_eq!(
        sent_update(&body).await,
        r#"{"customFields":[{"field_value":100,"id":"a"},{"field_value":100.5,"id":"b"}]}"#
    );
}

#[tokio::test]
async fn a_date_of_birth_goes_out_as_the_iso_date() {
    let date = chrono::NaiveDate::from_ymd_opt(1990, 9, 25).unwrap();
    let body = UpdateContactRequest::new().date_of_birth(date);
    assert_eq!(sent_update(&body).await, r#"{"dateOfBirth":"1990-09-25"}"#);
}

async fn sent_upsert(body: &UpsertContactRequest) -> Value {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/contacts/upsert"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"new": false, "contact": {"id": "c1"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(TOKEN)
        .base_url(server.uri())
        .build()
        .unwrap();
    let response = client.upsert_contact(body).await.unwrap();
    assert_eq!(response.created, Some(false));
    let requests = server.received_requests().await.unwrap();
    serde_json::from_slice(&requests[0].body).unwrap()
}

#[tokio::test]
async fn a_default_is_sent_only_when_the_caller_sets_it() {
    let unset = UpsertContactRequest::new("loc").email("jane@example.com");
    assert_eq!(
        sent_upsert(&unset).await,
        json!({"locationId": "loc", "email": "jane@example.com"})
    );
    let set = unset.create_new_if_duplicate_allowed(false);
    assert_eq!(
        sent_upsert(&set).await["createNewIfDuplicateAllowed"],
        json!(false)
    );
}

#[tokio::test]
async fn a_full_upsert_sends_every_field_as_documented() {
    let body = UpsertContactRequest::new("ve9EPM428h8vShlRW1KT")
        .first_name("Rosan")
        .last_name("Deo")
        .name("Rosan Deo")
        .email("rosan@deos.com")
        .gender("male")
        .phone("+18888888888")
        .address1("3535 1st St N")
        .city("Dolomite")
        .state("AL")
        .postal_code("35061")
        .website("https://www.tesla.com")
        .timezone("America/Chihuahua")
        .dnd(true)
        .dnd_settings(
            DndSettings::new().call(
                DndChannelSetting::new(DndChannelSettingStatus::Active)
                    .message("Call")
                    .code("C1"),
            ),
        )
        .tags(["nisi sint commodo amet", "consequat"])
        .custom_fields([CustomFieldInput::new("6dvNaf7VhkQ9snc5vnjJ")
            .key("my_custom_field")
            .field_value(CustomFieldValue::Text("My Text".into()))])
        .source("public api")
        .date_of_birth(chrono::NaiveDate::from_ymd_opt(1990, 9, 25).unwrap())
        .country(CountryCode::Us)
        .company_name("DGS VolMAX")
        .assigned_to("y0BeYjuRIlDwsDcOHOJo")
        .create_new_if_duplicate_allowed(false);
    assert_eq!(
        sent_upsert(&body).await,
        json!({
            "locationId": "ve9EPM428h8vShlRW1KT",
            "firstName": "Rosan",
            "lastName": "Deo",
            "name": "Rosan Deo",
            "email": "rosan@deos.com",
            "gender": "male",
            "phone": "+18888888888",
            "address1": "3535 1st St N",
            "city": "Dolomite",
            "state": "AL",
            "postalCode": "35061",
            "website": "https://www.tesla.com",
            "timezone": "America/Chihuahua",
            "dnd": true,
            "dndSettings": {"Call": {"status": "active", "message": "Call", "code": "C1"}},
            "tags": ["nisi sint commodo amet", "consequat"],
            "customFields": [{"id": "6dvNaf7VhkQ9snc5vnjJ", "key": "my_custom_field", "field_value": "My Text"}],
            "source": "public api",
            "dateOfBirth": "1990-09-25",
            "country": "US",
            "companyName": "DGS VolMAX",
            "assignedTo": "y0BeYjuRIlDwsDcOHOJo",
            "createNewIfDuplicateAllowed": false
        })
    );
}

/// Every custom-field example of the docs decodes into a typed value and
/// encodes back to the same JSON.
#[test]
fn custom_field_doc_examples_round_trip() {
    let file = json!({"f31175d4-2b06-4fc6-b7bc-74cd814c68cb": {
        "meta": {
            "fieldname": "1HeGizb13P0odwgOgKSs",
            "originalname": "IMG_20231215_164412935.jpg",
            "encoding": "7bit",
            "mimetype": "image/jpeg",
            "size": 1786611,
            "uuid": "f31175d4-2b06-4fc6-b7bc-74cd814c68cb"
        },
        "url": "https://services.leadconnectorhq.com/documents/download/w2M9qTZ0ZJz8rGt02jdJ",
        "documentId": "w2M9qTZ0ZJz8rGt02jdJ"
    }});
    let examples = [
        json!("My Text"),
        json!("My Selected Option"),
        json!(100),
        json!(100.5),
        json!(["test", "test2"]),
        file,
    ];
    for value in examples {
        let input =
            json!({"id": "6dvNaf7VhkQ9snc5vnjJ", "key": "my_custom_field", "field_value": value});
        let typed: CustomFieldInput = serde_json::from_value(input.clone()).unwrap();
        let kind = match &typed.field_value {
            Some(CustomFieldValue::Text(_)) => "text",
            Some(CustomFieldValue::Number(_)) => "number",
            Some(CustomFieldValue::Options(_)) => "list",
            Some(CustomFieldValue::CustomFieldFile(_)) => "file",
            None => "none",
        };
        assert_ne!(kind, "none", "{input}");
        assert_eq!(
            serde_json::to_value(&typed).unwrap(),
            input,
            "{kind} did not round-trip"
        );
    }
}

#[test]
fn responses_tolerate_unknown_fields_and_any_custom_field_value() {
    let answer: UpsertContactResponse = serde_json::from_value(json!({
        "new": true,
        "traceId": "t-1",
        "somethingAdded": {"by": "the vendor"},
        "contact": {
            "id": "c1",
            "customFields": [{"id": "a", "value": 7}, {"id": "b", "value": ["x"]}, {"id": "c", "value": {"k": 1}}],
            "brandNewField": 1
        }
    }))
    .unwrap();
    assert_eq!(answer.created, Some(true));
    let values: Vec<&Value> = answer
        .contact
        .custom_fields
        .iter()
        .filter_map(|f| f.value.as_ref())
        .collect();
    assert_eq!(values, [&json!(7), &json!(["x"]), &json!({"k": 1})]);
}

#[test]
fn nullable_reads_back_all_three_states() {
    let absent: UpdateContactRequest = serde_json::from_str("{}").unwrap();
    let null: UpdateContactRequest = serde_json::from_str(r#"{"email":null}"#).unwrap();
    let set: UpdateContactRequest = serde_json::from_str(r#"{"email":"a@b.c"}"#).unwrap();
    assert_eq!(absent.email, Nullable::Absent);
    assert_eq!(null.email, Nullable::Null);
    assert_eq!(set.email, Nullable::Value("a@b.c".to_owned()));
}

#[tokio::test]
async fn the_contact_id_is_one_percent_encoded_segment() {
    let (server, client) = update_server(1).await;

    client
        .update_contact("a/../b?x#y", &UpdateContactRequest::new())
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.path(), "/contacts/a%2F..%2Fb%3Fx%23y");
    assert_eq!(requests[0].url.query(), None);
}

#[tokio::test]
async fn empty_dot_and_dot_dot_ids_are_refused_before_sending() {
    let (_server, client) = update_server(0).await;
    for id in ["", ".", ".."] {
        let error = client
            .update_contact(id, &UpdateContactRequest::new())
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{id:?}: {error:?}"
        );
        assert!(error.to_string().contains("contactId"), "{error}");
    }
}

#[tokio::test]
async fn a_malformed_email_is_refused_before_sending() {
    let (_server, client) = update_server(0).await;
    for email in [
        "jane.example.com",
        "jane@",
        "@example.com",
        "jane@example",
        "rosan@localhost",
        "ja ne@example.com",
    ] {
        let body = UpdateContactRequest::new().email(email);
        let error = client.update_contact("c1", &body).await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{email}: {error:?}"
        );
        assert_eq!(
            error.to_string(),
            "invalid request: `email` is not an email address"
        );
    }
}

#[tokio::test]
async fn a_country_off_the_list_needs_the_explicit_escape_hatch() {
    assert!(
        serde_json::from_str::<CountryCode>(r#""SS""#).is_err(),
        "SS is not on HighLevel's list"
    );
    let listed = UpdateContactRequest::new().country(CountryCode::De);
    assert_eq!(sent_update(&listed).await, r#"{"country":"DE"}"#);
    let unlisted = UpdateContactRequest::new().country(Listed::unchecked("SS"));
    assert_eq!(sent_update(&unlisted).await, r#"{"country":"SS"}"#);
}

/// The shape check lets through the addresses people use (see the spec's
/// `email` Note): plus-addressing, subdomains, international domain names.
#[test]
fn the_email_check_accepts_the_addresses_people_use() {
    for email in [
        "jane+newsletter@example.com",
        "jane@mail.eu.example.co.uk",
        "jürgen@müller.de",
        "用户@例子.广告",
        "o'brien@example.ie",
        "first.last@xn--mller-kva.de",
    ] {
        let body = UpsertContactRequest::new("loc").email(email);
        assert_eq!(body.validate(), Ok(()), "{email}");
    }
}
