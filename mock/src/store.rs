//! The stored contacts, and what Update and Upsert Contact do to them: matching by the
//! location's match fields (and, for an email, a contact's additional emails), the "Allow
//! Duplicate Contact" setting, and applying a body.

use highlevel_contacts::RequestFields;
use highlevel_contacts::types::{
    BadRequestError, UpdateContactResponse, UpsertContactRequest, UpsertContactResponse,
};
use hyper::StatusCode;
use serde_json::{Map, Value, json};

use crate::checks::declared;
use crate::config::spec_match_fields;
use crate::routes::upsert_rule;
use crate::seed::{ADDITIONAL_EMAILS, checked_contact};

/// Properties Upsert Contact discards when it matches an existing contact, as the spec's
/// `UpsertContactRequest` says of `gender`: the answer shows the stored value.
const KEPT_WHEN_MATCHED: &[&str] = &["gender"];

pub(crate) struct Store {
    contacts: Vec<Map<String, Value>>,
    next_id: u64,
    /// The Location's "Allow Duplicate Contact" setting.
    allow_duplicates: bool,
    /// The fields upsert matches on, in priority order.
    match_order: Vec<String>,
}

impl Store {
    pub fn new(allow_duplicates: bool, match_order: Vec<String>) -> Self {
        Store {
            contacts: Vec::new(),
            next_id: 1,
            allow_duplicates,
            match_order,
        }
    }

    pub fn len(&self) -> usize {
        self.contacts.len()
    }

    /// Every contact, as the API would return it, in creation order.
    pub fn contacts(&self) -> Vec<Value> {
        self.contacts.iter().cloned().map(Value::Object).collect()
    }

    /// Stores `contact` as it is (see `seed`), and returns its id.
    pub fn insert(&mut self, contact: Value) -> Result<String, String> {
        let fresh = self.fresh_id();
        let contact = checked_contact(contact, |id| self.position(id).is_some(), || fresh)?;
        let id = contact["id"].as_str().unwrap_or_default().to_owned();
        self.contacts.push(contact);
        Ok(id)
    }

    /// An id no stored contact has.
    fn fresh_id(&mut self) -> String {
        loop {
            let id = format!("mock{:016}", self.next_id);
            self.next_id += 1;
            if self.position(&id).is_none() {
                return id;
            }
        }
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.contacts.iter().position(|c| c["id"] == id)
    }

    /// Update Contact with a checked body.
    pub fn update(&mut self, id: &str, object: Map<String, Value>) -> (StatusCode, Value) {
        let Some(index) = self.position(id) else {
            // The spec declares no 404 here; 400 is its status for a request that cannot be processed.
            return declared::<BadRequestError>(
                StatusCode::BAD_REQUEST,
                json!({"statusCode": 400, "message": "Contact not found"}),
            );
        };
        if !self.allow_duplicates {
            let location = self.contacts[index]
                .get("locationId")
                .cloned()
                .unwrap_or(Value::Null);
            for field in spec_match_fields() {
                if let Some(value) = object.get(&field).and_then(Value::as_str)
                    && let Some(other) = self.find(&location, &field, value)
                    && other != index
                {
                    let other_id = self.contacts[other]["id"].clone();
                    // The spec's 400 body declares no `meta`: plain JSON keeps it.
                    return (
                        StatusCode::BAD_REQUEST,
                        json!({"statusCode": 400, "message": "This location does not allow duplicated contacts.", "meta": {"contactId": other_id, "matchingField": field}}),
                    );
                }
            }
        }
        apply(&mut self.contacts[index], object);
        declared::<UpdateContactResponse>(
            StatusCode::OK,
            json!({"succeded": true, "contact": Value::Object(self.contacts[index].clone())}),
        )
    }

    /// Upsert Contact with a checked body: the contact it matches is updated, or a new one
    /// is created.
    pub fn upsert(
        &mut self,
        mut object: Map<String, Value>,
        typed: &UpsertContactRequest,
        trace_id: String,
    ) -> (StatusCode, Value) {
        // `createNewIfDuplicateAllowed`: a request for a new contact, not a property of one.
        let asks_for_new = upsert_rule().not_true();
        let always_create = self.allow_duplicates
            && asks_for_new
                .iter()
                .any(|name| object.get(*name) == Some(&Value::Bool(true)));
        object.retain(|name, _| !asks_for_new.contains(&name.as_str()));
        let location = Value::String(typed.location_id.clone());
        let matched = if always_create {
            None
        } else {
            self.matched(&location, &mut object)
        };
        let (created, index) = match matched {
            Some(index) => {
                object.retain(|name, _| !KEPT_WHEN_MATCHED.contains(&name.as_str()));
                promote_additional_email(&mut self.contacts[index], &object);
                apply(&mut self.contacts[index], object);
                (false, index)
            }
            None => {
                let id = self.fresh_id();
                let mut contact = Map::new();
                contact.insert("id".into(), Value::String(id));
                contact.insert("dateAdded".into(), Value::String(now_rfc3339()));
                contact.insert("tags".into(), json!([]));
                contact.insert("customFields".into(), json!([]));
                apply(&mut contact, object);
                self.contacts.push(contact);
                (true, self.contacts.len() - 1)
            }
        };
        declared::<UpsertContactResponse>(
            StatusCode::OK,
            json!({"new": created, "contact": Value::Object(self.contacts[index].clone()), "traceId": trace_id}),
        )
    }

    /// The contact an upsert body matches, by the match fields in order. A later field that
    /// matches another contact is removed from the body, so that no duplicate is created.
    fn matched(&self, location: &Value, object: &mut Map<String, Value>) -> Option<usize> {
        let mut matched = None;
        for field in &self.match_order {
            let Some(value) = object.get(field).and_then(Value::as_str) else {
                continue;
            };
            match matched {
                None => {
                    matched = self
                        .find(location, field, value)
                        .or_else(|| self.find_additional_email(location, field, value));
                }
                Some(first) => {
                    if self
                        .find(location, field, value)
                        .is_some_and(|other| other != first)
                    {
                        object.remove(field);
                    }
                }
            }
        }
        matched
    }

    /// The contact of `location` whose `field` holds `value`; email addresses (by the
    /// spec's `format`) compare without case.
    fn find(&self, location: &Value, field: &str, value: &str) -> Option<usize> {
        let email = is_email(field);
        self.contacts.iter().position(|contact| {
            contact.get("locationId") == Some(location)
                && contact
                    .get(field)
                    .and_then(Value::as_str)
                    .is_some_and(|stored| {
                        if email {
                            stored.eq_ignore_ascii_case(value)
                        } else {
                            stored == value
                        }
                    })
        })
    }

    /// The contact of `location` with `value` among its additional emails, when `field` is
    /// an email (by the spec's `format`).
    fn find_additional_email(&self, location: &Value, field: &str, value: &str) -> Option<usize> {
        if !is_email(field) {
            return None;
        }
        self.contacts.iter().position(|contact| {
            contact.get("locationId") == Some(location)
                && contact
                    .get(ADDITIONAL_EMAILS)
                    .and_then(Value::as_array)
                    .is_some_and(|addresses| {
                        addresses
                            .iter()
                            .filter_map(Value::as_str)
                            .any(|address| address.eq_ignore_ascii_case(value))
                    })
        })
    }
}

/// A matched contact whose additional email is the body's email: the address leaves the
/// additional emails, and the body makes it the primary one, in place of the former primary,
/// which is lost (as the spec's Upsert Contact says).
fn promote_additional_email(contact: &mut Map<String, Value>, object: &Map<String, Value>) {
    let Some(Value::Array(additional)) = contact.get_mut(ADDITIONAL_EMAILS) else {
        return;
    };
    let sent = object
        .iter()
        .filter(|(name, _)| is_email(name))
        .filter_map(|(_, value)| value.as_str());
    for address in sent {
        additional.retain(|stored| {
            !stored
                .as_str()
                .is_some_and(|stored| stored.eq_ignore_ascii_case(address))
        });
    }
}

/// Whether Upsert Contact's property `field` is an email address (by the spec's `format`).
fn is_email(field: &str) -> bool {
    <UpsertContactRequest as RequestFields>::field(field)
        .is_some_and(|info| info.format == Some("email"))
}

/// Applies a checked body to a stored contact: only the fields sent change, `null` clears,
/// `tags` replaces, custom fields are set by id.
fn apply(contact: &mut Map<String, Value>, object: Map<String, Value>) {
    for (name, value) in object {
        match (name.as_str(), value) {
            ("customFields", Value::Array(inputs)) => {
                let mut stored = match contact.remove("customFields") {
                    Some(Value::Array(stored)) => stored,
                    _ => Vec::new(),
                };
                for input in inputs {
                    let Some(id) = input.get("id").cloned() else {
                        continue;
                    };
                    stored.retain(|field| field.get("id") != Some(&id));
                    match input.get("field_value") {
                        None | Some(Value::Null) => {}
                        Some(value) => stored.push(json!({"id": id, "value": value})),
                    }
                }
                contact.insert("customFields".into(), Value::Array(stored));
            }
            ("tags", Value::Null) => {
                contact.insert("tags".into(), json!([]));
            }
            (_, Value::Null) => {
                contact.remove(&name);
            }
            (_, value) => {
                contact.insert(name, value);
            }
        }
    }
    contact.insert("dateUpdated".into(), Value::String(now_rfc3339()));
}

fn now_rfc3339() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
