//! Creates a contact, or updates the one that matches by email or phone.
//!
//! ```sh
//! HIGHLEVEL_TOKEN=… LOCATION_ID=… cargo run -p highlevel-examples --example upsert_contact
//! ```

use std::process::ExitCode;

use highlevel_contacts::types::{UpsertContactRequest, UpsertContactResponse};
use highlevel_contacts::{Error, UpsertContactError};
use highlevel_examples::{client_from_env, report, required_env};

#[tokio::main]
async fn main() -> ExitCode {
    report(run().await)
}

async fn run() -> Result<UpsertContactResponse, String> {
    let client = client_from_env()?;
    let body = UpsertContactRequest::new(required_env("LOCATION_ID")?)
        .first_name("Jane")
        .last_name("Doe")
        .email("jane.doe@example.com")
        .tags(["newsletter"]);
    match client.upsert_contact(&body).await {
        Ok(response) => {
            let outcome = match response.created {
                Some(true) => "created",
                Some(false) => "updated",
                None => "created or updated",
            };
            eprintln!("{outcome} contact {}", response.contact.id);
            Ok(response.into_body())
        }
        Err(Error::Api(error)) => Err(match &error.body {
            // A 422 lists every problem with the body.
            UpsertContactError::UnprocessableEntity(body) => {
                format!("the API rejected the contact: {}", body.message.join("; "))
            }
            other => format!("{} answered {}: {other:?}", error.operation, error.status),
        }),
        Err(error) => Err(error.to_string()),
    }
}
