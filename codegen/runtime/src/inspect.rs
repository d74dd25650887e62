//! An answer looked at before it is decoded: its JSON body checked against
//! the shape the spec declares for its status (`conform`), and, when the
//! client records drift, its status, media type and body compared with the
//! spec.

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::conform::{self, conform};
use super::drift::{Departure, DriftKind, DriftRecorder, JsonType, Observed};
use super::shape::{DeclaredAnswer, OperationAnswers};

/// The body's JSON, checked, when its status declares a JSON schema, it
/// parses, and it has a misfit or drift is recorded; `None` leaves decoding
/// to the bytes. An error when the body
/// cannot decode as the spec says (`conform::Misfit`).
pub(super) fn inspect(
    answers: &'static OperationAnswers,
    drift: Option<&DriftRecorder>,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Option<Value>, serde_json::Error> {
    let declared = answers.declared(status);
    if let Some(recorder) = drift {
        match declared {
            Some(answer) => media_type(answers.operation, recorder, status, answer, headers, body),
            None => undeclared_status(answers, recorder, status, body),
        }
    }
    let Some(shape) = answers.body_for(status) else {
        return Ok(None);
    };
    // Without a recorder the value is needed only to remove a misfit, and
    // most bodies have none: they decode from their text.
    if drift.is_none() && conform::fits(body, &shape.value) {
        return Ok(None);
    }
    let Ok(mut value) = serde_json::from_slice::<Value>(body) else {
        return Ok(None);
    };
    // An undeclared status is recorded as that alone.
    let mut record = drift.filter(|_| declared.is_some()).map(|recorder| {
        move |departure| recorder.record(answers.operation, status, Some(shape.location), departure)
    });
    let observe = record
        .as_mut()
        .map(|record| record as &mut dyn FnMut(Departure));
    conform(&mut value, &shape.value, observe).map_err(|misfit| misfit.into_error())?;
    Ok(Some(value))
}

/// A non-empty body whose media type the declared answer does not list.
fn media_type(
    operation: &'static str,
    recorder: &DriftRecorder,
    status: u16,
    answer: &DeclaredAnswer,
    headers: &HeaderMap,
    body: &[u8],
) {
    if body.is_empty() {
        return;
    }
    let received = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(essence);
    let listed = received.as_deref().is_some_and(|received| {
        answer.media_types.iter().any(|declared| {
            let declared = essence(declared);
            declared == received
                || declared == "*/*"
                || declared
                    .strip_suffix("/*")
                    .is_some_and(|kind| received.split('/').next() == Some(kind))
        })
    });
    if listed {
        return;
    }
    let mut observed = body_type(body);
    observed.media_type = received;
    recorder.record(
        operation,
        status,
        None,
        Departure {
            kind: DriftKind::UndeclaredContentType,
            pointer: String::new(),
            observed,
            value: None,
        },
    );
}

/// A status the operation does not declare, with the declared status whose
/// body it decodes as, if one does, and its drift from that body.
fn undeclared_status(
    answers: &'static OperationAnswers,
    recorder: &DriftRecorder,
    status: u16,
    body: &[u8],
) {
    let mut observed = body_type(body);
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        let mut candidates: Vec<(u16, &super::shape::BodyShape)> = answers
            .answers
            .iter()
            .filter_map(|answer| Some((answer.status.code()?, answer.body.as_ref()?)))
            .collect();
        // The same class first: a 201 is more likely a 200 than a 400.
        candidates.sort_by_key(|(code, _)| (code / 100 != status / 100, *code));
        // The first declared body it decodes as, though it may drift from
        // it as answers with a declared status do: that drift is recorded
        // against that body's schema, under the status received.
        let matched = candidates.into_iter().find_map(|(code, shape)| {
            let mut departures = Vec::new();
            let mut keep = |departure: Departure| departures.push(departure);
            let fits = conform(&mut value.clone(), &shape.value, Some(&mut keep)).is_ok();
            fits.then_some((code, shape, departures))
        });
        if let Some((code, shape, departures)) = matched {
            observed.matches_status = Some(code);
            for departure in departures {
                recorder.record(answers.operation, status, Some(shape.location), departure);
            }
        }
    }
    recorder.record(
        answers.operation,
        status,
        None,
        Departure {
            kind: DriftKind::UndeclaredStatus,
            pointer: String::new(),
            observed,
            value: None,
        },
    );
}

/// The body's JSON type: `absent` when empty, none when it is not JSON.
fn body_type(body: &[u8]) -> Observed {
    let json_type = if body.is_empty() {
        Some(JsonType::Absent)
    } else {
        serde_json::from_slice::<Value>(body)
            .ok()
            .map(|value| JsonType::of(&value))
    };
    let mut observed = Observed::of_type(JsonType::Absent);
    observed.json_type = json_type;
    observed
}

/// A media type without its parameters, in lower case.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}
