//! Shared set-up of the runnable examples in `examples/`:
//! `cargo run -p highlevel-examples --example update_contact`.

use std::process::ExitCode;

use highlevel_contacts::Client;

/// A client from `HIGHLEVEL_TOKEN` and, when set, `HIGHLEVEL_BASE_URL`.
pub fn client_from_env() -> Result<Client, String> {
    let token = std::env::var("HIGHLEVEL_TOKEN").map_err(|_| {
        "set HIGHLEVEL_TOKEN to a Private Integration Token or OAuth access token".to_owned()
    })?;
    let mut builder = Client::builder(token);
    if let Ok(base_url) = std::env::var("HIGHLEVEL_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    builder.build().map_err(|e| e.to_string())
}

/// A required environment variable, or a message naming it.
pub fn required_env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name}"))
}

/// Prints the outcome of an example: the answer on stdout, or the error
/// (which never contains the token) on stderr with a failing exit code.
pub fn report<T: std::fmt::Debug, E: std::fmt::Display + std::fmt::Debug>(
    outcome: Result<T, E>,
) -> ExitCode {
    match outcome {
        Ok(answer) => {
            println!("{answer:#?}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The README's Rust examples compile as doctests of this package.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
