//! What HighLevel may answer, beyond our reading of its docs: the seeds'
//! own examples (`tests/seeds/`), the drifted answers callers met, and a
//! property test over mutated answers. A 2xx is never reported as a
//! refusal: it decodes, or it is `AcceptedUndecodable`.

// The helpers return the client's own result, as callers get it.
#![allow(clippy::result_large_err)]

use std::sync::LazyLock;
use std::time::Duration;

use highlevel_contacts::types::{UpdateContactRequest, UpsertContactRequest};
use highlevel_contacts::{Client, Error, RetryPolicy, UpdateContactError, UpsertContactError};
use highlevel_tests::RecordingServer;
use proptest::prelude::*;
use serde_json::{Value, json};

use highlevel_tests::unlimited_client as client;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(highlevel_tests::runtime);

/// One server and client for every answer of this file, taken in turn.
static ANSWERING: LazyLock<std::sync::Mutex<(RecordingServer, Client)>> = LazyLock::new(|| {
    let server = RecordingServer::start(200, "{}");
    let client = client(&server.url());
    std::sync::Mutex::new((server, client))
});

type Answer<T, E> = Result<highlevel_contacts::Response<T>, Error<E>>;

/// What the client makes of `status` and `body`, for the request `send`
/// makes.
fn answered_with<T, E>(
    status: u16,
    body: &Value,
    send: impl AsyncFnOnce(&Client) -> Answer<T, E>,
) -> Answer<T, E> {
    let answering = ANSWERING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    answering.0.answer_with(status, body.to_string());
    RUNTIME.block_on(send(&answering.1))
}

/// The answer of one update to a server that answers `status` and `body`.
fn update_answered(
    status: u16,
    body: &Value,
) -> Answer<highlevel_contacts::types::UpdateContactResponse, UpdateContactError> {
    answered_with(status, body, async |client: &Client| {
        client
            .update_contact("x", &UpdateContactRequest::new())
            .await
    })
}

fn upsert_answered(
    status: u16,
    body: &Value,
) -> Answer<highlevel_contacts::types::UpsertContactResponse, UpsertContactError> {
    let request = UpsertContactRequest::new("loc")
        .email("a@example.com")
        .phone("+15550100");
    answered_with(status, body, async |client: &Client| {
        client.upsert_contact(&request).await
    })
}

fn seed(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("seeds/{name}.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn the_seeds_answers_decode_to_ok_or_their_typed_error() {
    for name in ["update-contact-200", "update-contact-summary-200"] {
        let fixture = seed(name);
        let response =
            update_answered(200, &fixture["body"]).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            response.contact.id,
            fixture["body"]["contact"]["id"].as_str().unwrap()
        );
        assert_eq!(response.raw_json().unwrap(), fixture["body"], "{name}");
    }
    // The summary page's answer has no `succeded`.
    assert_eq!(
        update_answered(200, &seed("update-contact-summary-200")["body"])
            .unwrap()
            .succeeded,
        None
    );
    for (name, check) in [
        (
            "update-contact-400",
            (|e: &UpdateContactError| matches!(e, UpdateContactError::BadRequest(_)))
                as fn(&UpdateContactError) -> bool,
        ),
        ("update-contact-401", |e| {
            matches!(e, UpdateContactError::Unauthorized(_))
        }),
        (
            "update-contact-422",
            |e| matches!(e, UpdateContactError::UnprocessableEntity(b) if b.message == ["Unprocessable Entity"]),
        ),
    ] {
        let fixture = seed(name);
        let status = fixture["status"].as_u64().unwrap() as u16;
        match update_answered(status, &fixture["body"]) {
            Err(Error::Api(error)) => assert!(check(&error.body), "{name}: {:?}", error.body),
            other => panic!("{name}: {other:?}"),
        }
    }
}

/// Every seed: its file and first line, and the example it holds (a
/// request or an answer's body).
fn seeds() -> Vec<((String, u64), Value)> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut seeds = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let fixture: Value =
            serde_json::from_slice(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap();
        let source = fixture["source"].as_str().unwrap().to_owned();
        let line = fixture["line"].as_u64().unwrap();
        let example = fixture.get("request").unwrap_or(&fixture["body"]).clone();
        seeds.push(((source, line), example));
    }
    seeds
}

/// The examples of `value` whose names start with `highlevelDocs`, by their
/// JSON pointers, with the file and first line their description names
/// ("From FILE (lines A–B)").
fn named_examples(value: &Value, at: &str, out: &mut Vec<(String, (String, u64), Value)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let pointer = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                if key == "examples"
                    && let Some(examples) = child.as_object()
                {
                    for (name, example) in examples {
                        if !name.starts_with("highlevelDocs") {
                            continue;
                        }
                        let description = example["description"].as_str().unwrap_or_default();
                        let cited = description
                            .strip_prefix("From ")
                            .and_then(|rest| rest.split_once(" (lines "))
                            .and_then(|(file, lines)| {
                                let first = lines.split('–').next()?.parse().ok()?;
                                Some((file.to_owned(), first))
                            })
                            .unwrap_or_else(|| {
                                panic!("{pointer}/{name}: no \"From FILE (lines A–B)\": {description:?}")
                            });
                        out.push((format!("{pointer}/{name}"), cited, example["value"].clone()));
                    }
                }
                named_examples(child, &pointer, out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                named_examples(child, &format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// The examples of HighLevel's pages are in the spec word for word, as named
/// examples (`highlevelDocs…`) that the linters check, each citing the file
/// and lines of its seed; and every seed is one of them.
#[test]
fn every_seed_example_named_in_the_spec_is_word_for_word() {
    let spec = codegen::parse_document(&codegen::SpecDocument::new(
        xtask::SPEC,
        std::fs::read(xtask::repo_root().join(xtask::SPEC)).unwrap(),
    ))
    .unwrap();
    let mut named = Vec::new();
    named_examples(&spec, "", &mut named);
    let seeds = seeds();
    for (pointer, cited, value) in &named {
        let Some((_, seed)) = seeds.iter().find(|(place, _)| place == cited) else {
            panic!("{pointer}: no seed starts at {cited:?}");
        };
        assert_eq!(value, seed, "{pointer} is not {cited:?} word for word");
    }
    for (place, _) in &seeds {
        assert!(
            named.iter().any(|(_, cited, _)| cited == place),
            "the seed at {place:?} is not a named example of the spec"
        );
    }
    let update: UpdateContactRequest =
        serde_json::from_value(seed("update-contact-request")["request"].clone()).unwrap();
    update.validate().unwrap();
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        seed("update-contact-request")["request"]
    );
}

#[test]
fn the_seeds_upsert_example_is_a_request_the_types_accept() {
    let fixture = seed("upsert-contact-request");
    let request: UpsertContactRequest = serde_json::from_value(fixture["request"].clone())
        .unwrap_or_else(|e| panic!("upsert-contact.highlevel-docs.txt: {e}"));
    request.validate().unwrap();
    assert_eq!(serde_json::to_value(&request).unwrap(), fixture["request"]);
}

#[test]
fn drifted_successes_decode_and_keep_what_they_could_not_type() {
    let contact = |extra: Value| {
        let mut contact = json!({"id": "x"});
        contact
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        contact
    };
    for (drift, body) in [
        ("no succeded", json!({"contact": {"id": "x"}})),
        (
            "an unknown DND status",
            json!({"succeded": true, "contact": contact(json!({"dndSettings": {"Call": {"status": "paused"}}}))}),
        ),
        (
            "null tags",
            json!({"succeded": true, "contact": contact(json!({"tags": null}))}),
        ),
        (
            "null customFields",
            json!({"succeded": true, "contact": contact(json!({"customFields": null}))}),
        ),
        (
            "customFields as an object",
            json!({"succeded": true, "contact": contact(json!({"customFields": {"a": 1}}))}),
        ),
        (
            "a date-only dateAdded",
            json!({"succeded": true, "contact": contact(json!({"dateAdded": "2024-06-16"}))}),
        ),
        (
            "attachments as an array",
            json!({"succeded": true, "contact": contact(json!({"attachments": ["a.pdf"]}))}),
        ),
        (
            "a property nobody declared",
            json!({"succeded": true, "contact": contact(json!({"score": {"deep": [1]}})), "meta": 1}),
        ),
    ] {
        let response = update_answered(200, &body).unwrap_or_else(|e| panic!("{drift}: {e}"));
        assert_eq!(response.contact.id, "x", "{drift}");
        assert_eq!(response.raw_json().unwrap(), body, "{drift}");
    }
    let paused = update_answered(
        200,
        &json!({"contact": {"id": "x", "dndSettings": {"Call": {"status": "paused"}}}}),
    )
    .unwrap();
    let status = paused
        .contact
        .dnd_settings
        .as_ref()
        .unwrap()
        .call
        .as_ref()
        .unwrap()
        .status
        .clone()
        .unwrap();
    assert_eq!(status.to_string(), "paused");
    assert_eq!(serde_json::to_value(&status).unwrap(), json!("paused"));
    // An upsert answered 201, and one without `new`.
    let created = upsert_answered(201, &json!({"new": true, "contact": {"id": "x"}})).unwrap();
    assert_eq!(
        (created.status().as_u16(), created.created),
        (201, Some(true))
    );
    assert_eq!(
        upsert_answered(200, &json!({"contact": {"id": "x"}}))
            .unwrap()
            .created,
        None
    );
}

#[test]
fn an_accepted_answer_without_its_core_is_its_own_error() {
    for body in [
        json!({"succeded": true}),
        json!({"contact": {}}),
        json!("<html>ok</html>"),
    ] {
        match update_answered(200, &body) {
            Err(error @ Error::AcceptedUndecodable(_)) => {
                assert!(
                    error.to_string().contains("accepted the request"),
                    "{error}"
                );
                assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
            }
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[test]
fn a_422_gives_the_names_it_rejects_and_keeps_its_messages() {
    let body = json!({"statusCode": 422, "message": [
        "property companyName should not exist", "email must be an email"
    ], "error": "Unprocessable Entity"});
    match update_answered(422, &body) {
        Err(Error::Api(error)) => {
            let UpdateContactError::UnprocessableEntity(body) = &error.body else {
                panic!("{:?}", error.body)
            };
            assert_eq!(body.rejected_properties(), ["companyName"]);
            assert_eq!(body.message.len(), 2);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_400_whose_message_is_a_list_is_a_bad_request() {
    match update_answered(400, &json!({"statusCode": 400, "message": ["a", "b"]})) {
        Err(Error::Api(error)) => {
            assert!(matches!(error.body, UpdateContactError::BadRequest(_)));
            assert_eq!(error.raw_json().unwrap()["message"], json!(["a", "b"]));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_5xx_to_an_upsert_that_may_repeat_is_outcome_unknown() {
    // Only a phone: a location that matches on email would create a second contact.
    let server = RecordingServer::start(503, "{}");
    let phone_only = UpsertContactRequest::new("loc").phone("+15550100");
    let answer = RUNTIME.block_on(client(&server.url()).upsert_contact(&phone_only));
    match answer {
        Err(error @ Error::OutcomeUnknown { .. }) => {
            assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
            assert!(
                error.to_string().contains("may have been applied"),
                "{error}"
            );
        }
        other => panic!("{other:?}"),
    }
    // With both match fields a repeat is safe: an ordinary refusal.
    let both = UpsertContactRequest::new("loc")
        .email("a@example.com")
        .phone("+15550100");
    let answer = RUNTIME.block_on(client(&server.url()).upsert_contact(&both));
    assert!(
        matches!(answer, Err(Error::UnexpectedResponse(_))),
        "{answer:?}"
    );
    // A caller whose location matches on phone only declares it.
    let phone_matched = Client::builder("test-token")
        .base_url(server.url())
        .retry(RetryPolicy::disabled())
        .matched_fields(["phone"])
        .build()
        .unwrap();
    assert!(phone_matched.is_repeat_safe("upsert_contact", &phone_only));
    let answer = RUNTIME.block_on(phone_matched.upsert_contact(&phone_only));
    assert!(
        matches!(answer, Err(Error::UnexpectedResponse(_))),
        "{answer:?}"
    );
    // An update (PUT) is idempotent: never unknown.
    let answer =
        RUNTIME.block_on(client(&server.url()).update_contact("x", &UpdateContactRequest::new()));
    assert!(
        matches!(answer, Err(Error::UnexpectedResponse(_))),
        "{answer:?}"
    );
}

#[test]
fn a_timeout_of_an_upsert_that_may_repeat_is_outcome_unknown_and_is_not_repeated() {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let arrivals = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = arrivals.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for mut stream in listener.incoming().flatten() {
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(stream); // never answers
        }
    });
    let client = Client::builder("test-token")
        .base_url(&url)
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::new(3, Duration::from_millis(10)))
        .build()
        .unwrap();
    let phone_only = UpsertContactRequest::new("loc").phone("+15550100");
    let answer = RUNTIME.block_on(client.upsert_contact(&phone_only));
    assert!(
        matches!(answer, Err(Error::OutcomeUnknown { .. })),
        "{answer:?}"
    );
    assert_eq!(
        arrivals.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "sent once"
    );
}

/// One change to an answer's JSON, at a path into it.
#[derive(Debug, Clone)]
enum Mutation {
    Remove(Vec<String>),
    Replace(Vec<String>, Value),
    Insert(Vec<String>, String, Value),
}

fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!("paused")),
        Just(json!("2024-06-16")),
        Just(json!("")),
        Just(json!(0)),
        Just(json!(-1.5)),
        Just(json!(true)),
        Just(json!([])),
        Just(json!(["x", 1])),
        Just(json!({})),
        Just(json!({"nested": [null]})),
        "\\PC{0,12}".prop_map(Value::String),
    ]
}

/// Every path into `value` (object keys and array indexes), the root first.
fn paths(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                at.push(key.clone());
                paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                at.push(index.to_string());
                paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node<'v>(value: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |node, key| match node {
        Value::Object(map) => map.get_mut(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })
}

fn apply(value: &mut Value, mutation: &Mutation) {
    match mutation {
        Mutation::Remove(path) if !path.is_empty() => {
            let (last, parent) = path.split_last().unwrap();
            match node(value, parent) {
                Some(Value::Object(map)) => {
                    map.remove(last);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = last.parse::<usize>()
                        && i < items.len()
                    {
                        items.remove(i);
                    }
                }
                _ => {}
            }
        }
        Mutation::Replace(path, new) if !path.is_empty() => {
            if let Some(target) = node(value, path) {
                *target = new.clone();
            }
        }
        Mutation::Insert(path, key, new) => {
            if let Some(Value::Object(map)) = node(value, path) {
                map.insert(key.clone(), new.clone());
            }
        }
        _ => {}
    }
}

/// The 2xx examples of the spec and the seeds, for both operations.
fn success_examples() -> Vec<(&'static str, Value)> {
    let spec = codegen::parse_document(&codegen::SpecDocument::new(
        xtask::SPEC,
        std::fs::read(xtask::repo_root().join(xtask::SPEC)).unwrap(),
    ))
    .unwrap();
    let mut examples = Vec::new();
    for (operation, pointer) in [
        (
            "updateContact",
            "/components/responses/UpdateContactOk/content/application~1json",
        ),
        (
            "upsertContact",
            "/components/responses/UpsertContactOk/content/application~1json",
        ),
    ] {
        let media = spec.pointer(pointer).unwrap_or_else(|| panic!("{pointer}"));
        if let Some(example) = media.get("example") {
            examples.push((operation, example.clone()));
        }
        for (_, example) in media
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            examples.push((operation, example["value"].clone()));
        }
    }
    for name in ["update-contact-200", "update-contact-summary-200"] {
        examples.push(("updateContact", seed(name)["body"].clone()));
    }
    assert!(examples.len() >= 4, "{examples:?}");
    examples
}

static EXAMPLES: LazyLock<Vec<(&'static str, Value)>> = LazyLock::new(success_examples);

/// Decodes `body` answered with `status`: (the contact id when `Ok`,
/// accepted-undecodable, unexpected, any other error).
fn answered(operation: &str, status: u16, body: &Value) -> (Option<String>, bool, bool, bool) {
    /// What a caller learns, with the body a success keeps checked.
    fn summary<T, E>(
        answer: Answer<T, E>,
        body: &Value,
        id: impl Fn(&T) -> String,
    ) -> (Option<String>, bool, bool, bool) {
        match answer {
            Ok(response) => {
                assert_eq!(response.raw_json().as_ref(), Some(body));
                (Some(id(response.body())), false, false, false)
            }
            Err(Error::AcceptedUndecodable(_)) => (None, true, false, false),
            Err(Error::UnexpectedResponse(_)) => (None, false, true, false),
            Err(_) => (None, false, false, true),
        }
    }
    if operation == "updateContact" {
        summary(update_answered(status, body), body, |r| {
            r.contact.id.clone()
        })
    } else {
        summary(upsert_answered(status, body), body, |r| {
            r.contact.id.clone()
        })
    }
}

fn mutation_for(example: &Value) -> impl Strategy<Value = Mutation> + use<> {
    let mut all = Vec::new();
    paths(example, &mut Vec::new(), &mut all);
    let all = std::sync::Arc::new(all);
    let (a, b, c) = (all.clone(), all.clone(), all);
    prop_oneof![
        any::<proptest::sample::Index>().prop_map(move |i| Mutation::Remove(i.get(&a).clone())),
        (any::<proptest::sample::Index>(), odd_value())
            .prop_map(move |(i, v)| Mutation::Replace(i.get(&b).clone(), v)),
        (
            any::<proptest::sample::Index>(),
            "[a-zA-Z]{1,8}",
            odd_value()
        )
            .prop_map(move |(i, k, v)| Mutation::Insert(i.get(&c).clone(), k, v)),
    ]
}

fn mutated_answer() -> impl Strategy<Value = (&'static str, Value, Vec<Mutation>, u16)> {
    (0..EXAMPLES.len()).prop_flat_map(|index| {
        let (operation, example) = EXAMPLES[index].clone();
        (
            Just(operation),
            Just(example.clone()),
            proptest::collection::vec(mutation_for(&example), 1..4),
            prop_oneof![4 => Just(200u16), 1 => Just(201u16), 1 => Just(202u16)],
        )
    })
}

/// The id the example's typed answer has, when its core survived.
fn core_id(body: &Value) -> Option<&str> {
    body.get("contact")?.get("id")?.as_str()
}

proptest! {
    #![proptest_config(highlevel_tests::proptest_config(512))]

    #[test]
    fn mutated_successes_decode_or_are_accepted_undecodable(
        (operation, example, mutations, status) in mutated_answer(),
    ) {
        let mut body = example.clone();
        for mutation in &mutations {
            apply(&mut body, mutation);
        }
        let (ok, accepted, unexpected, other) = answered(operation, status, &body);
        prop_assert!(!unexpected && !other, "a 2xx was reported as refused: {body}");
        match core_id(&body) {
            Some(id) if body["contact"].is_object() => {
                prop_assert_eq!(ok.as_deref(), Some(id), "{}", body);
            }
            _ => prop_assert!(accepted, "{}", body),
        }
    }

    /// Fields the mutation left alone decode to the same typed value.
    #[test]
    fn untouched_fields_keep_their_typed_values(
        (operation, example, mutations, _status) in mutated_answer(),
        field in proptest::sample::select(&["email", "firstName", "tags", "dateAdded", "dnd", "locationId", "phone"][..]),
    ) {
        prop_assume!(operation == "updateContact" && example["contact"].get(field).is_some());
        let touched = mutations.iter().any(|m| match m {
            Mutation::Remove(p) | Mutation::Replace(p, _) | Mutation::Insert(p, _, _) => {
                p.is_empty() || p[0] != "contact" || p.len() == 1 || p[1] == field
            }
        });
        prop_assume!(!touched);
        let mut body = example.clone();
        for mutation in &mutations {
            apply(&mut body, mutation);
        }
        // Answers without their core are the other property's.
        prop_assume!(core_id(&body).is_some());
        let before = update_answered(200, &example).unwrap();
        let after = update_answered(200, &body).unwrap();
        let typed = |r: &highlevel_contacts::Response<highlevel_contacts::types::UpdateContactResponse>| {
            serde_json::to_value(&r.contact).unwrap()[field].clone()
        };
        prop_assert_eq!(typed(&before), typed(&after), "{}", body);
    }
}
