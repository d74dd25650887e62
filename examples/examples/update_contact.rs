//! Updates one field of a contact.
//!
//! ```sh
//! HIGHLEVEL_TOKEN=… CONTACT_ID=… cargo run -p highlevel-examples --example update_contact
//! ```

use std::process::ExitCode;

use highlevel_contacts::types::UpdateContactRequest;
use highlevel_examples::{client_from_env, report, required_env};

#[tokio::main]
async fn main() -> ExitCode {
    report(run().await)
}

async fn run() -> Result<highlevel_contacts::types::Contact, String> {
    let client = client_from_env()?;
    let contact_id = required_env("CONTACT_ID")?;
    // Only the fields set here are sent; `clear_*` would send `null`.
    let body = UpdateContactRequest::new().first_name("Jane").tags(["vip"]);
    let response = client
        .update_contact(&contact_id, &body)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(remaining) = response.header("x-ratelimit-remaining") {
        eprintln!("requests left in this window: {remaining}");
    }
    Ok(response.into_body().contact)
}
