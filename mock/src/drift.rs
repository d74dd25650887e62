//! `--drift` (`Config::drift`): answers that depart from the spec as a drifting API's do,
//! made by post-processing the mock's own JSON, for trying drift recording by hand:
//!
//! - the contact carries a property the spec does not declare, `preferredLanguage` (a
//!   string);
//! - its SMS Do Not Disturb status is `paused`, a value the spec does not list;
//! - its `tags` are `null`, where the spec does not declare `nullable`;
//! - its `dateAdded` is a date (`2024-06-06`), where the spec says `date-time`;
//! - Upsert Contact answers 201, a status the spec does not declare, with the 200's body.
//!
//! Two departures that conform are made too, and a recorder must not report them: Update
//! Contact's answer lacks `succeded` (optional), and a `dateOfBirth` sent is kept as sent.

use hyper::StatusCode;
use serde_json::{Value, json};

use crate::routes::UPSERT;

/// The drifted form of a success of `operation`; other answers stay as they are.
pub(crate) fn drifted(operation: &str, status: StatusCode, mut body: Value) -> (StatusCode, Value) {
    if !status.is_success() {
        return (status, body);
    }
    if let Some(answer) = body.as_object_mut() {
        answer.remove("succeded");
        if let Some(contact) = answer.get_mut("contact").and_then(Value::as_object_mut) {
            contact.insert("preferredLanguage".into(), json!("de"));
            contact.insert("tags".into(), Value::Null);
            let settings = contact.entry("dndSettings").or_insert_with(|| json!({}));
            if !settings.is_object() {
                *settings = json!({});
            }
            settings["SMS"] = json!({"status": "paused"});
            if let Some(Value::String(added)) = contact.get_mut("dateAdded") {
                added.truncate("2024-06-06".len());
            }
        }
    }
    let status = if operation == UPSERT && status == StatusCode::OK {
        StatusCode::CREATED
    } else {
        status
    };
    (status, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_successes_drift_and_only_upsert_changes_its_status() {
        let body = json!({"succeded": true, "contact": {"id": "c1", "tags": ["a"], "dateAdded": "2024-06-06T10:00:00Z", "dndSettings": {"Email": {"status": "active"}}}});
        let (status, drifted_body) = drifted("update_contact", StatusCode::OK, body.clone());
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            drifted_body,
            json!({"contact": {"id": "c1", "tags": null, "dateAdded": "2024-06-06", "preferredLanguage": "de",
                   "dndSettings": {"Email": {"status": "active"}, "SMS": {"status": "paused"}}}})
        );
        assert_eq!(
            drifted(UPSERT, StatusCode::OK, json!({"contact": {"id": "c1"}})).0,
            StatusCode::CREATED
        );
        let refused = json!({"statusCode": 422, "message": ["x"]});
        assert_eq!(
            drifted(UPSERT, StatusCode::UNPROCESSABLE_ENTITY, refused.clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, refused)
        );
    }
}
