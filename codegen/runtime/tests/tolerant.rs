//! An answer is decoded strictly first, without buffering its tolerant
//! fields, and tolerantly only when that fails: both ways give what the
//! tolerant reader alone gives, for answers that fit and answers that drift.

use client_runtime::{
    DeclaredAnswer, Listed, OperationAnswers, Payload, StatusPattern, lenient, lenient_or_default,
    receive,
};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, PartialEq, Deserialize)]
enum Status {
    #[serde(rename = "active")]
    Active,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Owner {
    #[serde(default, deserialize_with = "lenient")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    since: Option<u64>,
}

/// A union: serde tries each variant on a buffered copy.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
enum Assignee {
    Owner(Owner),
    Name(String),
}

#[derive(Debug, PartialEq, Deserialize)]
struct Cat {
    name: String,
    #[serde(default, deserialize_with = "lenient")]
    lives: Option<u32>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Dog {
    name: String,
    #[serde(default, deserialize_with = "lenient")]
    barks: Option<bool>,
}

/// Variants that overlap: the first one takes any object with a name.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
enum Pet {
    Cat(Cat),
    Dog(Dog),
}

#[derive(Debug, PartialEq, Deserialize)]
struct Answer {
    id: String,
    #[serde(default, deserialize_with = "lenient")]
    count: Option<u32>,
    #[serde(default, deserialize_with = "lenient_or_default")]
    tags: Vec<String>,
    #[serde(default, deserialize_with = "lenient")]
    owner: Option<Owner>,
    #[serde(default, deserialize_with = "lenient")]
    anything: Option<Value>,
    #[serde(default, deserialize_with = "lenient")]
    status: Option<Listed<Status>>,
    #[serde(default, deserialize_with = "lenient")]
    assignee: Option<Assignee>,
    #[serde(default, deserialize_with = "lenient")]
    pet: Option<Pet>,
}

/// No declared body shape: the answer goes to the decoder as received.
static ANSWERS: OperationAnswers = OperationAnswers {
    operation: "get",
    answers: &[DeclaredAnswer {
        status: StatusPattern::Code(200),
        media_types: &["application/json"],
        body: None,
    }],
};

fn decode(_: u16, body: Payload<'_>) -> Option<Result<Answer, serde_json::Error>> {
    Some(body.json())
}

/// What the client decodes from `text`, and what the tolerant reader alone
/// gives from its JSON value.
async fn both_ways(text: &str) -> (Option<Answer>, Option<Answer>) {
    let response: reqwest::Response = http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(text.to_owned())
        .unwrap()
        .into();
    let received = receive(&ANSWERS, None, Ok(response), decode, decode, || true).await;
    let tolerant = serde_json::from_str::<Value>(text)
        .and_then(Answer::deserialize)
        .ok();
    (
        received.ok().map(client_runtime::Response::into_body),
        tolerant,
    )
}

#[tokio::test]
async fn strict_first_decodes_as_the_tolerant_reader_alone() {
    let answers = [
        // Fits the spec: decoded strictly.
        r#"{"id":"c1","count":3,"tags":["a"],"owner":{"id":"u1","since":1704164645},
            "anything":{"x":[1]},"status":"active","assignee":{"id":"u2"}}"#,
        r#"{"id":"c1"}"#,
        r#"{"id":"c1","assignee":"Jane","unforeseen":{"a":[1,2]}}"#,
        // `null` where the type takes none, and where it takes one.
        r#"{"id":"c1","count":null,"tags":null,"owner":null,"anything":null,"status":null}"#,
        // Drift at each depth: read as absent, the rest kept.
        r#"{"id":"c1","count":"3","tags":{"a":1},"owner":[{"id":"u1"}]}"#,
        r#"{"id":"c1","owner":{"id":7,"since":"yesterday"}}"#,
        r#"{"id":"c1","status":"archived"}"#,
        r#"{"id":"c1","status":5}"#,
        r#"{"id":"c1","assignee":{"id":"u2","since":"soon"}}"#,
        r#"{"id":"c1","assignee":42}"#,
        // Strictly, the first variant fails and the second fits; the
        // tolerant reader takes the first.
        r#"{"id":"c1","pet":{"name":"Rex","lives":"nine"}}"#,
        r#"{"id":"c1","pet":{"name":"Rex","barks":true}}"#,
        // A key given twice: the last one counts.
        r#"{"id":"c1","count":1,"count":2}"#,
        r#"{"id":"c0","id":"c1"}"#,
        // Not decodable at all.
        r#"{"count":3}"#,
        r#"[{"id":"c1"}]"#,
        r#"not json"#,
    ];
    for text in answers {
        let (received, tolerant) = both_ways(text).await;
        assert_eq!(received, tolerant, "{text}");
    }
    let (fits, _) = both_ways(r#"{"id":"c1","count":1,"count":2,"status":"archived"}"#).await;
    let fits = fits.unwrap();
    assert_eq!(fits.count, Some(2));
    assert_eq!(fits.status, Some(Listed::unchecked("archived")));
}

/// Answers put together at random (a fixed seed) from values that fit each
/// field and values that do not, some fields left out and some given twice.
#[tokio::test]
async fn random_answers_decode_as_the_tolerant_reader_alone() {
    const FIELDS: &[(&str, &[&str])] = &[
        ("id", &[r#""c1""#, "1", "null"]),
        ("count", &["3", r#""3""#, "-1", "1.5", "null"]),
        ("tags", &[r#"["a"]"#, "[]", r#"{"a":1}"#, "[1]", "null"]),
        (
            "owner",
            &[
                r#"{"id":"u1","since":1}"#,
                r#"{"id":7}"#,
                r#"[{"id":"u1"}]"#,
                r#"{"since":"soon"}"#,
                "null",
            ],
        ),
        (
            "anything",
            &["null", "[1]", r#"{"x":{"y":[]}}"#, r#""text""#],
        ),
        ("status", &[r#""active""#, r#""archived""#, "5", "null"]),
        (
            "assignee",
            &[r#"{"id":"u2"}"#, r#""Jane""#, r#"{"id":3}"#, "42", "null"],
        ),
        (
            "pet",
            &[
                r#"{"name":"Rex","lives":9}"#,
                r#"{"name":"Rex","lives":"nine"}"#,
                r#"{"name":"Rex","barks":true}"#,
                r#"{"name":"Rex","barks":"yes","lives":"nine"}"#,
                r#"{"lives":9}"#,
            ],
        ),
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = |below: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % below
    };
    for _ in 0..2_000 {
        let mut entries = Vec::new();
        for (name, values) in FIELDS {
            // Left out one time in four; given twice one time in ten.
            let times = match next(20) {
                0..=4 => 0,
                5 | 6 => 2,
                _ => 1,
            };
            for _ in 0..times {
                entries.push(format!(r#""{name}":{}"#, values[next(values.len())]));
            }
        }
        let text = format!("{{{}}}", entries.join(","));
        let (received, tolerant) = both_ways(&text).await;
        assert_eq!(received, tolerant, "{text}");
    }
}
