//! Secrets never show in `Debug`, and a token a header cannot carry is
//! refused when the client is built.

use client_runtime::{
    BuildError, ClientBuilder, Credential, Credentials, OAuthRefresh, SecretToken,
};

#[test]
fn tokens_are_redacted_in_debug() {
    let token = SecretToken::new("pit-very-secret");
    assert!(!format!("{token:?}").contains("very-secret"));
    assert_eq!(token.expose(), "pit-very-secret");
    let fixed: Credentials = "pit-very-secret".into();
    assert!(!format!("{fixed:?}").contains("very-secret"));
    let oauth = OAuthRefresh::new(
        "http://127.0.0.1:1/oauth/token",
        "client-id",
        "client-very-secret",
        "refresh-very-secret",
    )
    .access_token("access-very-secret", std::time::Duration::from_secs(60));
    let shown = format!("{:?}", Credentials::from(oauth));
    assert!(!shown.contains("very-secret"), "{shown}");
}

fn builder(token: &str) -> ClientBuilder {
    ClientBuilder::new(Some("http://127.0.0.1:1"), &[], &[], "").scheme_credential(
        &["bearerAuth"],
        Credential::new("authorization", "Bearer ", token.into()),
    )
}

#[test]
fn a_token_a_header_cannot_carry_is_refused_and_never_shown() {
    for bad in ["hush\nsecret", "hush\rsecret", "hush\0secret"] {
        let error = builder(bad).build_parts().unwrap_err();
        assert!(matches!(error, BuildError::InvalidToken), "{error:?}");
        assert!(!format!("{error} {error:?}").contains("hush"), "{error}");
    }
    let parts = builder("good-token").build_parts().unwrap();
    assert_eq!(parts.base_url, "http://127.0.0.1:1");
    assert!(!format!("{:?}", parts.inner).contains("good-token"));
}

#[test]
fn base_urls_need_http_and_no_query_or_fragment() {
    let with = |url: &str| builder("t").base_url(url).build_parts();
    assert_eq!(with("http://h/p/").unwrap().base_url, "http://h/p");
    for bad in [
        "ftp://h",
        "h",
        "http://h/p?x",
        "http://h/p#f",
        "mailto:a@b.co",
    ] {
        assert!(
            matches!(with(bad), Err(BuildError::InvalidBaseUrl(_))),
            "{bad}"
        );
    }
}
