//! Shared set-up of the runnable examples in `examples/`:
//! `cargo run -p highlevel-examples --example update_contact`.

use std::process::ExitCode;

use highlevel_contacts::{Client, Credentials, OAuthRefresh};

/// A client from the environment: `HIGHLEVEL_TOKEN` (a Private Integration
/// Token or an access token), or `HIGHLEVEL_CLIENT_ID` +
/// `HIGHLEVEL_CLIENT_SECRET` + `HIGHLEVEL_REFRESH_TOKEN` for OAuth renewal
/// (with `HIGHLEVEL_USER_TYPE`, default `Location`); and, when set,
/// `HIGHLEVEL_BASE_URL`.
pub fn client_from_env() -> Result<Client, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let credentials: Credentials = match (var("HIGHLEVEL_TOKEN"), var("HIGHLEVEL_CLIENT_ID")) {
        (Some(token), _) => token.into(),
        (None, Some(client_id)) => {
            let secret = required_env("HIGHLEVEL_CLIENT_SECRET")?;
            let refresh_token = required_env("HIGHLEVEL_REFRESH_TOKEN")?;
            let user_type = var("HIGHLEVEL_USER_TYPE").unwrap_or_else(|| "Location".to_owned());
            OAuthRefresh::new(
                token_url(var("HIGHLEVEL_BASE_URL")),
                client_id,
                secret,
                refresh_token,
            )
            .form_field("user_type", user_type)
            // A real tool stores the rotated refresh token; an example
            // only says that it got one.
            .on_refresh_token(|_| async {
                eprintln!("received a new refresh token: store it to renew again later");
                Ok(())
            })
            .into()
        }
        (None, None) => {
            return Err("set HIGHLEVEL_TOKEN, or HIGHLEVEL_CLIENT_ID, HIGHLEVEL_CLIENT_SECRET and HIGHLEVEL_REFRESH_TOKEN".to_owned());
        }
    };
    let mut builder = Client::builder(credentials);
    if let Some(base_url) = var("HIGHLEVEL_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    builder.build().map_err(|e| e.to_string())
}

/// The token endpoint: the spec's, or the one beside another base URL.
fn token_url(base_url: Option<String>) -> String {
    match base_url {
        Some(base_url) => format!("{}/oauth/token", base_url.trim_end_matches('/')),
        None => highlevel_contacts::OAUTH_TOKEN_URL.to_owned(),
    }
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
