//! Request media types progenitor does not know by name. Progenitor sends
//! `application/json`, forms, `application/octet-stream` and `text/plain`
//! only, so a body in another media type is shown to it as one it sends
//! the same way, and the operation keeps the real media type as a constant
//! `content-type` header, which the request hook sets in place of
//! progenitor's:
//! - `…+json` (`application/vnd.api+json`) as `application/json`;
//! - `multipart/form-data` as bytes (`application/octet-stream`), which the
//!   facade encodes from the caller's form; the hook adds the boundary;
//! - any other media type (`application/xml`, `image/png`…) as bytes.

use openapiv3::{Components, MediaType, Operation, ReferenceOr, RequestBody, Schema};

use crate::request_bodies::{MediaKind, essence, media_kind};

/// What the request carries in place of progenitor's `content-type`.
pub(super) struct SentAs {
    pub content_type: String,
    pub multipart: bool,
}

/// Renames the media type of `operation`'s body to the one progenitor sends
/// it as, and says what the request's `content-type` must be instead. A body
/// shared through `components/requestBodies` is copied into the operation
/// first, so each operation keeps its own media type.
pub(super) fn rename_media_type(
    operation: &mut Operation,
    components: &Components,
) -> Option<SentAs> {
    let body = match operation.request_body.as_ref()? {
        ReferenceOr::Item(body) => body,
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/requestBodies/")?;
            components.request_bodies.get(name)?.as_item()?
        }
    };
    let (media_type, _) = body.content.first()?;
    let kind = media_kind(media_type);
    let progenitor_name = match kind {
        MediaKind::Json if essence(media_type) != "application/json" => "application/json",
        MediaKind::Multipart | MediaKind::Other => "application/octet-stream",
        _ => return None,
    };
    let sent_as = SentAs {
        content_type: match kind {
            MediaKind::Multipart => "multipart/form-data".to_owned(),
            _ => media_type.clone(),
        },
        multipart: kind == MediaKind::Multipart,
    };
    let mut body: RequestBody = body.clone();
    let (_, mut media) = body.content.pop()?;
    if kind == MediaKind::Multipart {
        media = bytes_media(media);
    }
    body.content.insert(progenitor_name.to_owned(), media);
    operation.request_body = Some(ReferenceOr::Item(body));
    Some(sent_as)
}

/// A multipart body as progenitor sees it: the encoded bytes.
fn bytes_media(media: MediaType) -> MediaType {
    let schema: Schema = serde_json::from_value(serde_json::json!({
        "type": "string",
        "format": "binary",
    }))
    .expect("a binary string schema parses");
    MediaType {
        schema: Some(ReferenceOr::Item(schema)),
        encoding: Default::default(),
        ..media
    }
}
