//! A repair: every request body becomes one media type the client sends,
//! with a schema that fits how it is sent.
//!
//! - Of several media types, one is kept: JSON first, then form,
//!   multipart, binary, text, any other (a note names the others).
//! - A `*/*` or `application/*` body is sent as `application/octet-stream`
//!   (a note).
//! - JSON (`application/json`, `…+json`) loses `encoding`; without a schema
//!   it is any JSON value (a note).
//! - A form (`application/x-www-form-urlencoded`) with an `encoding` is
//!   refused; without a schema it is any object (a note).
//! - `multipart/form-data` is built by the caller, part by part, so its
//!   schema and `encoding` only document it.
//! - `text/plain` and `text/x-markdown` are a string: other schemas become
//!   `{type: string}` (a note), whose checks the client would not apply.
//! - Anything else (`application/octet-stream`, `application/xml`,
//!   images…) is bytes the caller gives: `{type: string, format: binary}`.
//!
//! `lower` then names, for progenitor, the media types it cannot send
//! (`media_kind`).

use serde_json::{Map, Value, json};

use crate::error::{Error, Repair};
use crate::rules::{METHODS, pointer};

/// How the client sends a request media type, in the order a body with
/// several keeps one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum MediaKind {
    Json,
    Form,
    Multipart,
    Binary,
    Text,
    /// Bytes, sent with the spec's media type.
    Other,
}

/// The media type without its parameters, in lower case.
pub(crate) fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

pub(crate) fn media_kind(media_type: &str) -> MediaKind {
    let essence = essence(media_type);
    match essence.as_str() {
        "application/json" => MediaKind::Json,
        _ if essence.ends_with("+json") => MediaKind::Json,
        "application/x-www-form-urlencoded" => MediaKind::Form,
        "multipart/form-data" => MediaKind::Multipart,
        "application/octet-stream" => MediaKind::Binary,
        "text/plain" | "text/x-markdown" => MediaKind::Text,
        _ => MediaKind::Other,
    }
}

pub(crate) fn mend(doc: &mut Value, notes: &mut Vec<Repair>) -> Result<(), Error> {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            for method in METHODS {
                if let Some(body) = item
                    .get_mut(method)
                    .and_then(|operation| operation.get_mut("requestBody"))
                {
                    let at = pointer(["paths", path.as_str(), method, "requestBody"]);
                    request_body(&at, body, notes)?;
                }
            }
        }
    }
    if let Some(bodies) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("requestBodies"))
        .and_then(Value::as_object_mut)
    {
        for (name, body) in bodies.iter_mut() {
            let at = pointer(["components", "requestBodies", name.as_str()]);
            request_body(&at, body, notes)?;
        }
    }
    Ok(())
}

/// Mends the request body at `at`: one media type, with a schema that fits it.
fn request_body(at: &str, body: &mut Value, notes: &mut Vec<Repair>) -> Result<(), Error> {
    let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    keep_one_media_type(at, content, notes);
    let Some(media_type) = content.keys().next().cloned() else {
        return Ok(());
    };
    let media_at = format!("{at}/content{}", pointer([media_type.as_str()]));
    let media_type = name_a_wildcard(&media_at, &media_type, content, notes);
    let Some(media) = content.get_mut(&media_type).and_then(Value::as_object_mut) else {
        return Err(Error::at(media_at, "a media type must be a mapping"));
    };
    match media_kind(&media_type) {
        MediaKind::Json => {
            // `encoding` only means something for forms and multipart.
            media.remove("encoding");
            default_schema(&media_at, media, json!({}), "any JSON value is sent", notes);
        }
        MediaKind::Form => {
            if media
                .get("encoding")
                .is_some_and(|e| e.as_object().is_none_or(|m| !m.is_empty()))
            {
                return Err(Error::at(
                    format!("{media_at}/encoding"),
                    "`encoding` of form bodies is not supported",
                ));
            }
            media.remove("encoding");
            let object = json!({"type": "object"});
            default_schema(&media_at, media, object, "any object is sent", notes);
        }
        MediaKind::Multipart => {}
        MediaKind::Text => text_schema(&media_at, &media_type, media, notes),
        MediaKind::Binary | MediaKind::Other => {
            let description = schema_description(media);
            let mut schema = json!({"type": "string", "format": "binary"});
            if let Some(description) = description {
                schema["description"] = description;
            }
            media.insert("schema".to_owned(), schema);
        }
    }
    Ok(())
}

/// A JSON or form body without a schema gets `schema`, with a note.
fn default_schema(
    media_at: &str,
    media: &mut Map<String, Value>,
    schema: Value,
    what_is_sent: &str,
    notes: &mut Vec<Repair>,
) {
    if media.contains_key("schema") {
        return;
    }
    notes.push(Repair::at(
        media_at,
        "the request body has no `schema`, so its type is unknown",
        what_is_sent,
    ));
    media.insert("schema".to_owned(), schema);
}

/// A text body is a string: its checks and format are not applied to what
/// is sent, and a schema of another type is replaced, with a note.
fn text_schema(
    media_at: &str,
    media_type: &str,
    media: &mut Map<String, Value>,
    notes: &mut Vec<Repair>,
) {
    let declared = media.get("schema");
    let plain_string = declared.is_none_or(|schema| {
        schema.get("type").and_then(Value::as_str) == Some("string") && schema.get("$ref").is_none()
    });
    if !plain_string {
        notes.push(Repair::at(
            format!("{media_at}/schema"),
            format!("a `{media_type}` request body declares a schema that is not a string"),
            "the client sends the text the caller gives",
        ));
    }
    let description = schema_description(media);
    let mut schema = json!({"type": "string"});
    if let Some(description) = description {
        schema["description"] = description;
    }
    media.insert("schema".to_owned(), schema);
}

fn schema_description(media: &Map<String, Value>) -> Option<Value> {
    media.get("schema")?.get("description").cloned()
}

/// Of several media types, keeps the first the client sends best
/// (`MediaKind`'s order, then the spec's) and notes the others as dropped.
fn keep_one_media_type(at: &str, content: &mut Map<String, Value>, notes: &mut Vec<Repair>) {
    if content.len() <= 1 {
        return;
    }
    // By kind, then a named media type before a wildcard, and plain
    // `application/json` before another JSON type.
    let keep = content
        .keys()
        .enumerate()
        .min_by_key(|(index, media_type)| {
            let essence = essence(media_type);
            (
                media_kind(media_type),
                essence.contains('*'),
                essence != "application/json",
                *index,
            )
        })
        .map(|(_, media_type)| media_type.clone())
        .unwrap_or_default();
    let dropped: Vec<String> = content.keys().filter(|k| **k != keep).cloned().collect();
    notes.push(Repair::at(
        format!("{at}/content"),
        "the request body has several media types",
        format!(
            "the client sends `{keep}` only (not {})",
            dropped
                .iter()
                .map(|d| format!("`{d}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ));
    content.retain(|media_type, _| *media_type == keep);
}

/// A wildcard (`*/*`, `application/*`, `application/*+json`) names no
/// media type to send: a JSON one is sent as `application/json`, any other
/// as `application/octet-stream`. Returns the media type the body now has.
fn name_a_wildcard(
    media_at: &str,
    media_type: &str,
    content: &mut Map<String, Value>,
    notes: &mut Vec<Repair>,
) -> String {
    if !essence(media_type).contains('*') {
        return media_type.to_owned();
    }
    let sent = match media_kind(media_type) {
        MediaKind::Json => "application/json",
        _ => "application/octet-stream",
    };
    let media = content.remove(media_type).unwrap_or_default();
    notes.push(Repair::at(
        media_at,
        format!("a `{media_type}` request body names no one media type to send"),
        format!("it is sent as `{sent}`"),
    ));
    content.insert(sent.to_owned(), media);
    sent.to_owned()
}
