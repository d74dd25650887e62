//! Contacts stored before a test or a session starts: what neither request can create, such
//! as a contact with additional emails (both request schemas lack `additionalEmails`, and
//! HighLevel refuses it), checked so that each is a contact the API could return.

use highlevel_contacts::types::Contact;
use serde::Deserialize as _;
use serde_json::{Map, Value};

/// The stored property that holds a contact's additional email addresses, a list of
/// strings. Upsert Contact matches on them too (see the spec's Upsert Contact).
pub(crate) const ADDITIONAL_EMAILS: &str = "additionalEmails";

/// `value` as a contact to store, or why it cannot be one. `id` is kept when given (it must
/// be new: `is_taken` says which are not), or made by `fresh_id`.
pub(crate) fn checked_contact(
    value: Value,
    is_taken: impl Fn(&str) -> bool,
    fresh_id: impl FnOnce() -> String,
) -> Result<Map<String, Value>, String> {
    let Value::Object(mut contact) = value else {
        return Err("a contact must be a JSON object".to_owned());
    };
    match contact.get("locationId") {
        Some(Value::String(location)) if !location.is_empty() => {}
        _ => {
            return Err(
                "`locationId` must be a non-empty string: upsert matches within a Location"
                    .to_owned(),
            );
        }
    }
    match contact.get("id") {
        None => {
            contact.insert("id".into(), Value::String(fresh_id()));
        }
        Some(Value::String(id)) if id.is_empty() => {
            return Err("`id` must not be empty".to_owned());
        }
        Some(Value::String(id)) if is_taken(id) => {
            return Err(format!("`id` {id:?} is already stored"));
        }
        Some(Value::String(_)) => {}
        Some(other) => return Err(format!("`id` must be a string, not {other}")),
    }
    if let Some(addresses) = contact.get(ADDITIONAL_EMAILS) {
        let is_list_of_text = addresses
            .as_array()
            .is_some_and(|list| list.iter().all(Value::is_string));
        if !is_list_of_text {
            return Err(format!(
                "`{ADDITIONAL_EMAILS}` must be a list of email addresses (strings)"
            ));
        }
    }
    // What the spec says a contact is; a seed the client could not read is no seed.
    Contact::deserialize(&Value::Object(contact.clone()))
        .map_err(|error| format!("not a contact as the spec declares it: {error}"))?;
    Ok(contact)
}
