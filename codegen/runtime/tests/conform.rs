//! Answers checked against the shapes their spec declares: an array is
//! never read as an object, at any depth, and with a recorder every
//! departure from the spec is observed, without a value but an unlisted
//! enum value.

use std::sync::{Arc, Mutex};

use client_runtime::{
    BodyShape, DeclaredAnswer, DriftFile, DriftKind, DriftRecorder, DriftSink, Error, JsonType,
    ObjectShape, Observation, OperationAnswers, Payload, PropertyShape, ShapeKind, StatusPattern,
    ValueShape, receive,
};
use serde::Deserialize;
use serde_json::{Value, json};

static CONTACT: ObjectShape = ObjectShape {
    properties: &[
        PropertyShape::required("id", ValueShape::new(ShapeKind::String)),
        PropertyShape::optional(
            "email",
            ValueShape {
                kind: ShapeKind::String,
                nullable: false,
                format: Some("email"),
            },
        ),
        PropertyShape::optional(
            "dnd",
            ValueShape::new(ShapeKind::Enum(&["active", "inactive"])),
        ),
        PropertyShape::optional("tags", ValueShape::new(ShapeKind::List(&TAG))),
        PropertyShape::optional(
            "dateAdded",
            ValueShape {
                kind: ShapeKind::String,
                nullable: false,
                format: Some("date-time"),
            },
        ),
        PropertyShape::optional(
            "phone",
            ValueShape {
                kind: ShapeKind::String,
                nullable: true,
                format: None,
            },
        ),
        PropertyShape::optional(
            "customFields",
            ValueShape::new(ShapeKind::List(&CUSTOM_FIELD_ITEM)),
        ),
        PropertyShape::optional("owner", ValueShape::new(ShapeKind::Object(&OWNER))),
        PropertyShape::optional(
            "gender",
            ValueShape::new(ShapeKind::Enum(&["female", "male"])),
        )
        .sensitive(),
    ],
    open: false,
};

static TAG: ValueShape = ValueShape::new(ShapeKind::String);

static CUSTOM_FIELD_ITEM: ValueShape = ValueShape::new(ShapeKind::Object(&CUSTOM_FIELD));

static CUSTOM_FIELD: ObjectShape = ObjectShape {
    properties: &[
        PropertyShape::required("id", ValueShape::new(ShapeKind::String)),
        PropertyShape::optional("value", ValueShape::new(ShapeKind::Any)),
    ],
    open: false,
};

static OWNER: ObjectShape = ObjectShape {
    properties: &[PropertyShape::required(
        "name",
        ValueShape::new(ShapeKind::String),
    )],
    open: false,
};

static UPSERT_RESPONSE: ObjectShape = ObjectShape {
    properties: &[
        PropertyShape::required("contact", ValueShape::new(ShapeKind::Object(&CONTACT))),
        PropertyShape::optional("new", ValueShape::new(ShapeKind::Boolean)),
        PropertyShape::optional("count", ValueShape::new(ShapeKind::Integer)),
    ],
    open: false,
};

static REFUSAL: ObjectShape = ObjectShape {
    properties: &[
        PropertyShape::required("message", ValueShape::new(ShapeKind::String)),
        PropertyShape::optional("details", ValueShape::new(ShapeKind::Object(&OWNER))),
    ],
    open: false,
};

static UPSERT: OperationAnswers = OperationAnswers {
    operation: "upsertContact",
    answers: &[
        DeclaredAnswer {
            status: StatusPattern::Code(200),
            media_types: &["application/json"],
            body: Some(BodyShape {
                location: "#/components/schemas/UpsertResponse",
                value: ValueShape::new(ShapeKind::Object(&UPSERT_RESPONSE)),
            }),
        },
        DeclaredAnswer {
            status: StatusPattern::Code(400),
            media_types: &["application/json"],
            body: Some(BodyShape {
                location: "#/components/schemas/Refusal",
                value: ValueShape::new(ShapeKind::Object(&REFUSAL)),
            }),
        },
    ],
};

/// The generated types' way: optional fields are `default`, so serde's
/// derived `visit_seq` takes `[{"id":"c1"}]` for a whole answer.
#[derive(Debug, Deserialize)]
struct Upserted {
    contact: Contact,
    #[serde(default, deserialize_with = "client_runtime::lenient")]
    new: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct Contact {
    id: String,
    #[serde(default, deserialize_with = "client_runtime::lenient")]
    owner: Option<Owner>,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Owner {
    #[allow(dead_code)]
    name: String,
}

#[derive(Debug, Deserialize)]
struct Refused {
    #[allow(dead_code)]
    message: String,
}

fn success(status: u16, body: Payload<'_>) -> Option<Result<Upserted, serde_json::Error>> {
    (200..300).contains(&status).then(|| body.json())
}

fn refusal(status: u16, body: Payload<'_>) -> Option<Result<Refused, serde_json::Error>> {
    (status == 400).then(|| body.json())
}

/// Every observation it is sent.
#[derive(Clone, Default)]
struct Collected(Arc<Mutex<Vec<Observation>>>);

impl DriftSink for Collected {
    fn record(&self, observation: &Observation) {
        self.0.lock().unwrap().push(observation.clone());
    }
}

impl Collected {
    fn taken(&self) -> Vec<Observation> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

type Received = Result<client_runtime::Response<Upserted>, Error<Refused>>;

async fn received_as(
    status: u16,
    content_type: &str,
    body: &Value,
    drift: Option<&DriftRecorder>,
) -> Received {
    let response: reqwest::Response = http::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(body.to_string())
        .unwrap()
        .into();
    let sent = Ok(response);
    receive(&UPSERT, drift, sent, success, refusal, || true).await
}

async fn received(status: u16, body: Value) -> Received {
    received_as(status, "application/json", &body, None).await
}

/// The observations of one answer, as a list of (kind, pointer, type).
async fn observed(status: u16, body: Value) -> (Received, Vec<Observation>) {
    let sink = Collected::default();
    let recorder = DriftRecorder::new(Arc::new(sink.clone()), "hash");
    let result = received_as(status, "application/json", &body, Some(&recorder)).await;
    (result, sink.taken())
}

fn summary(observations: &[Observation]) -> Vec<(DriftKind, &str, Option<JsonType>)> {
    observations
        .iter()
        .map(|o| (o.kind, o.pointer.as_str(), o.observed.json_type))
        .collect()
}

#[tokio::test]
async fn an_array_for_the_whole_body_is_accepted_undecodable() {
    let error = received(200, json!([{"id": "c1"}])).await.unwrap_err();
    let Error::AcceptedUndecodable(kept) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(kept.status, 200);
    let reason = kept.decode_error.as_ref().unwrap().to_string();
    assert_eq!(
        reason,
        "the body is an array where the spec declares an object"
    );
    // Still an array of the declared object's properties at the top.
    let error = received(200, json!([[{"id": "c1"}]])).await.unwrap_err();
    assert!(matches!(error, Error::AcceptedUndecodable(_)), "{error:?}");
}

#[tokio::test]
async fn an_array_for_a_required_object_is_accepted_undecodable_in_a_2xx() {
    let error = received(200, json!({"contact": [{"id": "c1"}]}))
        .await
        .unwrap_err();
    let Error::AcceptedUndecodable(kept) = &error else {
        panic!("{error:?}");
    };
    let reason = kept.decode_error.as_ref().unwrap().to_string();
    assert_eq!(
        reason,
        "`/contact` is an array where the spec declares an object"
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&kept.body).unwrap(),
        json!({"contact": [{"id": "c1"}]})
    );
}

#[tokio::test]
async fn an_array_for_an_optional_object_reads_as_absent() {
    let response = received(
        200,
        json!({"contact": {"id": "c1", "owner": [{"name": "x"}], "email": "a@b.co"}, "new": true}),
    )
    .await
    .unwrap();
    assert_eq!(response.contact.id, "c1");
    assert!(response.contact.owner.is_none());
    assert_eq!(response.contact.email.as_deref(), Some("a@b.co"));
    assert_eq!(response.new, Some(true));
    // The body as received keeps it.
    assert_eq!(
        response.raw_json().unwrap()["contact"]["owner"],
        json!([{"name": "x"}])
    );
}

#[tokio::test]
async fn an_array_in_a_list_of_objects_takes_the_optional_list_away() {
    let (result, observations) = observed(
        200,
        json!({"contact": {"id": "c1", "customFields": [{"id": "f1"}, ["f2"]]}}),
    )
    .await;
    result.unwrap();
    assert_eq!(
        summary(&observations),
        [(
            DriftKind::OtherType,
            "/contact/customFields/*",
            Some(JsonType::Array)
        )]
    );
}

#[tokio::test]
async fn an_array_in_an_error_body_is_an_unexpected_response() {
    for body in [
        json!([{"message": "no"}]),
        json!({"message": "no", "details": [1]}),
    ] {
        let error = received(400, body.clone()).await.unwrap_err();
        match &error {
            // An optional property reads as absent, as in a 2xx.
            Error::Api(api) if body.get("details").is_some() => assert_eq!(api.status, 400),
            Error::UnexpectedResponse(kept) if body.is_array() => {
                assert_eq!(kept.status, 400);
                assert_eq!(serde_json::from_slice::<Value>(&kept.body).unwrap(), body);
                assert!(kept.decode_error.is_some());
            }
            _ => panic!("{body}: {error:?}"),
        }
    }
}

#[tokio::test]
async fn without_a_recorder_a_conforming_answer_decodes_as_before() {
    let response = received(201, json!({"contact": {"id": "c1"}, "extra": [1]}))
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.contact.id, "c1");
}

#[tokio::test]
async fn every_kind_of_departure_is_observed_at_its_place() {
    let (result, observations) = observed(
        200,
        json!({
            "contact": {
                "id": "c1",
                "email": "not an email",
                "dnd": "paused",
                "tags": null,
                "dateAdded": "2024-06-06",
                "phone": null,
                "preferredLanguage": "en",
                "customFields": [{"id": "f1", "value": 3, "note": "2024-06-06T10:00:00Z"}],
                "owner": {},
                "gender": "withheld-secret"
            },
            "new": "yes",
            "count": 1.5
        }),
    )
    .await;
    result.unwrap();
    let mut seen = summary(&observations);
    seen.sort_by(|a, b| a.1.cmp(b.1));
    use DriftKind::*;
    let string = Some(JsonType::String);
    assert_eq!(
        seen,
        [
            (UndeclaredProperty, "/contact/customFields/*/note", string),
            (OtherFormat, "/contact/dateAdded", string),
            (UnlistedEnumValue, "/contact/dnd", string),
            (OtherFormat, "/contact/email", string),
            (UnlistedEnumValue, "/contact/gender", string),
            (
                MissingRequired,
                "/contact/owner/name",
                Some(JsonType::Absent)
            ),
            (UndeclaredProperty, "/contact/preferredLanguage", string),
            (UnexpectedNull, "/contact/tags", Some(JsonType::Null)),
            (OtherType, "/count", Some(JsonType::Number)),
            (OtherType, "/new", string),
        ]
    );
    for observation in &observations {
        assert_eq!(observation.operation, "upsertContact");
        assert_eq!(observation.status, 200);
        assert_eq!(
            observation.schema,
            Some("#/components/schemas/UpsertResponse")
        );
        // A sensitive property's value is never kept, not even an unlisted one.
        let expected = (observation.pointer == "/contact/dnd").then(|| json!("paused"));
        assert_eq!(observation.value, expected, "{observation:?}");
    }
    let format_of = |pointer: &str| {
        observations
            .iter()
            .find(|o| o.pointer == pointer)
            .and_then(|o| o.observed.format)
    };
    assert_eq!(format_of("/contact/dateAdded"), Some("date"));
    assert_eq!(format_of("/contact/customFields/*/note"), Some("date-time"));
    assert_eq!(format_of("/contact/email"), None);
}

#[tokio::test]
async fn a_conforming_answer_gives_no_observation() {
    let (result, observations) = observed(
        200,
        json!({"contact": {"id": "c1", "email": "a@b.co", "dnd": "active", "phone": null,
            "dateAdded": "2024-06-06T10:00:00.123+02:00", "tags": ["vip"],
            "customFields": [{"id": "f1", "value": ["x", 1]}]}}),
    )
    .await;
    result.unwrap();
    assert!(observations.is_empty(), "{observations:?}");
}

#[tokio::test]
async fn an_undeclared_status_names_the_declared_one_its_body_matches() {
    let (result, observations) = observed(201, json!({"contact": {"id": "c1"}})).await;
    result.unwrap();
    assert_eq!(observations.len(), 1, "{observations:?}");
    let observation = &observations[0];
    assert_eq!(observation.kind, DriftKind::UndeclaredStatus);
    assert_eq!(observation.schema, None);
    assert_eq!(observation.pointer, "");
    assert_eq!(observation.observed.matches_status, Some(200));
    let (_, observations) = observed(201, json!({"contact": {"id": "c1", "x": 1}})).await;
    assert_eq!(observations[0].observed.matches_status, None);
}

#[tokio::test]
async fn an_undeclared_media_type_is_observed_with_it() {
    let sink = Collected::default();
    let recorder = DriftRecorder::new(Arc::new(sink.clone()), "hash");
    let body = json!({"message": "no"});
    let _ = received_as(400, "text/html; charset=utf-8", &body, Some(&recorder)).await;
    let observations = sink.taken();
    assert_eq!(observations.len(), 1, "{observations:?}");
    assert_eq!(observations[0].kind, DriftKind::UndeclaredContentType);
    assert_eq!(
        observations[0].observed.media_type.as_deref(),
        Some("text/html")
    );
    let _ = received_as(
        400,
        "application/json; charset=utf-8",
        &body,
        Some(&recorder),
    )
    .await;
    assert!(sink.taken().is_empty());
}

#[tokio::test]
async fn the_file_sink_appends_one_line_per_key_with_its_count() {
    let dir = std::env::temp_dir().join(format!("drift-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("drift.jsonl");
    let _ = std::fs::remove_file(&path);
    for _ in 0..2 {
        let file = DriftFile::with_interval(&path, std::time::Duration::from_secs(3600)).unwrap();
        let recorder = DriftRecorder::new(Arc::new(file), "hash");
        for dnd in ["paused", "paused", "paused", "active"] {
            let body = json!({"contact": {"id": "c1", "dnd": dnd, "extra": 1}});
            received_as(200, "application/json", &body, Some(&recorder))
                .await
                .unwrap();
        }
        // Dropping the last holder appends.
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // Two keys (`paused`, `/contact/extra`) per process, each written twice.
    assert_eq!(lines.len(), 4, "{text}");
    let of_kind = |kind: &str| lines.iter().find(|line| line["kind"] == kind).unwrap();
    let paused = of_kind("unlisted_enum_value");
    assert_eq!(paused["value"], "paused");
    assert_eq!(paused["count"], 3);
    assert_eq!(paused["spec_sha256"], "hash");
    assert_eq!(paused["crate"], "client-runtime");
    let extra = of_kind("undeclared_property");
    assert_eq!(extra["count"], 4);
    assert_eq!(extra["pointer"], "/contact/extra");
    assert_eq!(extra["observed"], json!({"type": "integer"}));
    assert!(extra.get("value").is_none());
    let time = extra["first_seen"].as_str().unwrap();
    assert_eq!(time.len(), "2026-12-02T16:00:00Z".len());
    assert!(time.ends_with('Z'));
    std::fs::remove_dir_all(&dir).unwrap();
}
