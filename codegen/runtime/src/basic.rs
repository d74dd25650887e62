//! HTTP `basic` authentication (RFC 7617): a user and a password, sent as
//! `Authorization: Basic <base64 of user:password>`. A crate carries this
//! module, and `base64`, only when its spec has a `basic` scheme.

use base64::Engine;

use super::credential::Credential;
use super::credentials::{Credentials, SecretToken};

impl Credential {
    /// `user` and `password` as an HTTP `basic` scheme sends them. The
    /// encoded pair is a secret like a token: redacted in `Debug`, and
    /// counted against a rate budget by its SHA-256 only. A user name with
    /// a `:` or a control character, or a password with a control
    /// character, cannot be sent (RFC 7617 §2): building the client fails
    /// with `BuildError::InvalidToken`.
    pub fn basic(user: impl Into<String>, password: impl Into<SecretToken>) -> Self {
        let (user, password) = (user.into(), password.into());
        let well_formed = !user.contains(':')
            && !user.chars().any(char::is_control)
            && !password.expose().chars().any(char::is_control);
        let pair = format!("{user}:{}", password.expose());
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        let mut credential = Credential::new(
            "authorization",
            "Basic ",
            Credentials::Token(SecretToken::new(encoded)),
        );
        credential.well_formed = well_formed;
        credential
    }
}
