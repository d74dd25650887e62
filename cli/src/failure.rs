//! How a run ends when it does not succeed: a message (never the token) and an exit code.

use highlevel_contacts::{Error, RejectedProperties};
use serde_json::Value;

pub const EXIT_USAGE: u8 = 2;
pub const EXIT_API: u8 = 3;
pub const EXIT_NETWORK: u8 = 4;
pub const EXIT_FAILED_ROWS: u8 = 5;
pub const EXIT_UNKNOWN_ROWS: u8 = 6;
pub const EXIT_NOT_SENT: u8 = 7;
pub const EXIT_INTERRUPTED: u8 = 130;

/// A failure that ends the program with a message (never the token) and an exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }
}

/// A serde error's message without its position.
pub fn serde_text(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The exit code of a client error.
pub fn exit_code<E>(error: &Error<E>) -> u8 {
    match error {
        Error::InvalidRequest(_) => EXIT_USAGE,
        Error::Transport(_) | Error::RateStore(_) => EXIT_NETWORK,
        Error::OutcomeUnknown { cause, .. } if matches!(**cause, Error::Transport(_)) => {
            EXIT_NETWORK
        }
        _ => EXIT_API,
    }
}

/// A one-line reason for a client error: its `Display` (never the token), for a
/// declared error the server's `message`, and the properties a 422 rejected.
pub fn reason<E: RejectedProperties>(error: &Error<E>) -> String {
    let mut text = error.to_string();
    if let Error::Api(api) = error
        && let Some(message) = api.raw_json().and_then(|body| body.get("message").cloned())
    {
        let message = match message {
            Value::String(text) => text,
            Value::Array(items) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map_or_else(|| item.to_string(), str::to_owned)
                })
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        };
        text.push_str(": ");
        text.push_str(&message);
    }
    if let Error::Api(api) = error {
        let rejected = api.body.rejected_properties();
        if !rejected.is_empty() {
            text.push_str(&format!(" (rejected properties: {})", rejected.join(", ")));
        }
    }
    text
}

/// A client error as a failure: its exit code and its reason.
pub fn failure<E: RejectedProperties>(error: Error<E>) -> Failure {
    Failure {
        code: exit_code(&error),
        message: reason(&error),
    }
}
