//! Several credentials in one client: each request sends those of the
//! first alternative of its operation the client holds; HTTP basic, API
//! keys in the query and in a cookie; a missing credential is refused
//! before sending, by name; and a query key never shows in an error or a
//! span.

use client_runtime::{
    BuildError, ClientBuilder, ClientParts, Credential, Error, Inner, OperationAnswers,
    OperationPolicy, Payload, RateWindow, RetryPolicy, receive,
};

const OPERATIONS: &[OperationPolicy] = &[
    OperationPolicy::new("basic", "GET", "/basic", &[&["basicAuth"]]),
    OperationPolicy::new("query", "GET", "/query", &[&["queryKey"]]),
    OperationPolicy::new("cookie", "GET", "/cookie", &[&["cookieKey"]]),
    OperationPolicy::new("both", "GET", "/both", &[&["headerKey", "queryKey"]]),
    OperationPolicy::new(
        "either",
        "GET",
        "/either",
        &[&["bearerAuth"], &["headerKey"]],
    ),
    OperationPolicy::new("optional", "GET", "/optional", &[&["bearerAuth"], &[]]),
    OperationPolicy::new("public", "GET", "/public", &[]),
    OperationPolicy::new("same", "GET", "/same", &[&["bearer1", "bearer2"]]),
    OperationPolicy::new("keyed", "GET", "/keyed", &[&["headerKey"]]),
];

fn builder(base_url: &str) -> ClientBuilder {
    ClientBuilder::new(Some(base_url), OPERATIONS, &[], "")
}

fn everything(base_url: &str) -> ClientBuilder {
    builder(base_url)
        .scheme_credential(&["basicAuth"], Credential::basic("aladdin", "open sesame"))
        .scheme_credential(
            &["bearerAuth"],
            Credential::new("authorization", "Bearer ", "bearer-secret".into()),
        )
        .scheme_credential(
            &["headerKey"],
            Credential::new("x-api-key", "", "header-secret".into()),
        )
        .scheme_credential(
            &["queryKey"],
            Credential::query("api_key", "query secret&=".into()),
        )
        .scheme_credential(
            &["cookieKey"],
            Credential::cookie("session", "cookie-secret".into()),
        )
}

/// The request `operation` would send (or why not), as the client prepares it.
async fn prepared(inner: &Inner, operation: &str) -> Result<reqwest::Request, String> {
    let url = format!("http://127.0.0.1:1/{operation}?page=2");
    let mut request = reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap());
    request.headers_mut().insert(
        reqwest::header::COOKIE,
        reqwest::header::HeaderValue::from_static("theme=dark"),
    );
    inner
        .pre_hook::<()>(&mut request, operation, &reqwest::Client::new())
        .await
        .map(|()| request)
        .map_err(|error| error.to_string())
}

fn header(request: &reqwest::Request, name: &str) -> Option<String> {
    let value = request.headers().get(name)?;
    Some(value.to_str().unwrap().to_owned())
}

fn inner(builder: ClientBuilder) -> Inner {
    let ClientParts { inner, .. } = builder.build_parts().unwrap();
    inner
}

#[tokio::test]
async fn basic_sends_the_pair_in_base64_and_never_shows_the_password() {
    let client = inner(everything("http://127.0.0.1:1"));
    let request = prepared(&client, "basic").await.unwrap();
    // RFC 7617 §2's own example pair.
    assert_eq!(
        header(&request, "authorization").unwrap(),
        "Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );
    assert!(request.headers()["authorization"].is_sensitive());
    assert_eq!(request.url().query(), Some("page=2"));
    let shown = format!(
        "{client:?} {:?}",
        Credential::basic("aladdin", "open sesame")
    );
    assert!(!shown.contains("open sesame"), "{shown}");
    assert!(!shown.contains("YWxhZGRpbjpvcGVuIHNlc2FtZQ"), "{shown}");
}

#[test]
fn a_basic_user_with_a_colon_is_refused_at_build() {
    let colon = builder("http://127.0.0.1:1")
        .scheme_credential(&["basicAuth"], Credential::basic("a:b", "pw"))
        .build_parts();
    assert!(matches!(colon, Err(BuildError::InvalidToken)));
    let control = builder("http://127.0.0.1:1")
        .scheme_credential(&["basicAuth"], Credential::basic("a", "p\nw"))
        .build_parts();
    assert!(matches!(control, Err(BuildError::InvalidToken)));
}

#[tokio::test]
async fn a_query_key_is_one_encoded_pair_after_the_operation_s_own() {
    let client = inner(everything("http://127.0.0.1:1"));
    let request = prepared(&client, "query").await.unwrap();
    assert_eq!(
        request.url().query(),
        Some("page=2&api_key=query+secret%26%3D")
    );
    assert_eq!(header(&request, "authorization"), None);
    assert_eq!(header(&request, "x-api-key"), None);
}

#[tokio::test]
async fn a_cookie_key_joins_the_cookies_already_set() {
    let client = inner(everything("http://127.0.0.1:1"));
    let request = prepared(&client, "cookie").await.unwrap();
    assert_eq!(
        header(&request, "cookie").unwrap(),
        "theme=dark; session=cookie-secret"
    );
    assert!(request.headers()["cookie"].is_sensitive());
    assert_eq!(request.url().query(), Some("page=2"));
}

#[test]
fn a_cookie_key_that_would_start_another_cookie_is_refused_at_build() {
    for bad in ["a;b", "a b", "a,b", "a\"b", "a\\b"] {
        let built = builder("http://127.0.0.1:1")
            .scheme_credential(&["cookieKey"], Credential::cookie("session", bad.into()))
            .build_parts();
        assert!(matches!(built, Err(BuildError::InvalidToken)), "{bad}");
    }
}

#[tokio::test]
async fn each_operation_sends_its_first_alternative_the_client_holds() {
    let all = inner(everything("http://127.0.0.1:1"));
    let both = prepared(&all, "both").await.unwrap();
    assert_eq!(header(&both, "x-api-key").unwrap(), "header-secret");
    assert!(both.url().query().unwrap().contains("api_key="));
    let either = prepared(&all, "either").await.unwrap();
    assert_eq!(
        header(&either, "authorization").unwrap(),
        "Bearer bearer-secret"
    );
    assert_eq!(header(&either, "x-api-key"), None);
    let optional = prepared(&all, "optional").await.unwrap();
    assert_eq!(
        header(&optional, "authorization").unwrap(),
        "Bearer bearer-secret"
    );
    let public = prepared(&all, "public").await.unwrap();
    assert_eq!(header(&public, "authorization"), None);
    assert_eq!(public.url().query(), Some("page=2"));

    let header_only = inner(builder("http://127.0.0.1:1").scheme_credential(
        &["headerKey"],
        Credential::new("x-api-key", "", "header-secret".into()),
    ));
    let either = prepared(&header_only, "either").await.unwrap();
    assert_eq!(header(&either, "x-api-key").unwrap(), "header-secret");
    assert_eq!(header(&either, "authorization"), None);
    let optional = prepared(&header_only, "optional").await.unwrap();
    assert_eq!(header(&optional, "x-api-key"), None);
    assert_eq!(header(&optional, "authorization"), None);
}

#[tokio::test]
async fn one_credential_for_several_schemes_is_sent_once() {
    let client = inner(builder("http://127.0.0.1:1").scheme_credential(
        &["bearer1", "bearer2"],
        Credential::query("token", "t".into()),
    ));
    let request = prepared(&client, "same").await.unwrap();
    assert_eq!(request.url().query(), Some("page=2&token=t"));
}

#[tokio::test]
async fn a_missing_credential_is_refused_before_sending_with_what_would_do() {
    let header_only = inner(builder("http://127.0.0.1:1").scheme_credential(
        &["headerKey"],
        Credential::new("x-api-key", "", "header-secret".into()),
    ));
    let refused = prepared(&header_only, "both").await.unwrap_err();
    assert!(
        refused.contains(
            "`both` needs a credential this client was not given: it accepts `headerKey` and `queryKey`"
        ),
        "{refused}"
    );
    let refused = prepared(&inner(builder("http://127.0.0.1:1")), "either")
        .await
        .unwrap_err();
    assert!(
        refused.contains("it accepts `bearerAuth`, or `headerKey`"),
        "{refused}"
    );
    assert!(!refused.contains("secret"), "{refused}");
}

/// A decoder for an operation that declares no answer.
fn undeclared(_: u16, _: Payload<'_>) -> Option<Result<(), serde_json::Error>> {
    None
}

/// An operation that declares no answer.
static QUERY: OperationAnswers = OperationAnswers {
    operation: "query",
    answers: &[],
};

/// Captures what `tracing` writes, for one test.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_query_key_never_shows_in_a_transport_error_or_a_span() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // A port that refuses connections: the error carries the request's URL.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let ClientParts { inner, http, .. } = everything(&base_url)
        .retry(RetryPolicy::disabled())
        .build_parts()
        .unwrap();
    // What the raw method does on each attempt.
    let attempt = || {
        Some(async {
            let mut request = reqwest::Request::new(
                reqwest::Method::GET,
                format!("{base_url}/query").parse().unwrap(),
            );
            inner.pre_hook(&mut request, "query", &http).await?;
            assert!(request.url().query().unwrap().contains("secret"));
            match inner.execute(&http, request, "query").await {
                Ok(_) => panic!("nothing listens on {base_url}"),
                Err(error) => Err(progenitor_client::Error::CommunicationError(error)),
            }
        })
    };
    let sent = inner.send(&http, "query", || true, attempt).await;
    let error: Error<()> = receive(&QUERY, None, sent, undeclared, undeclared, || true)
        .await
        .unwrap_err();

    let shown = format!("{error} {error:?}");
    assert!(matches!(error, Error::Transport(_)), "{shown}");
    assert!(shown.contains("127.0.0.1"), "{shown}");
    assert!(!shown.contains("secret"), "{shown}");
    assert!(!shown.contains("api_key"), "{shown}");
    let traced = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(traced.contains("http_request"), "{traced}");
    assert!(!traced.contains("secret"), "{traced}");
}

/// A base URL where nothing listens: requests fail to connect.
fn closed_port() -> String {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", closed.local_addr().unwrap())
}

#[tokio::test]
async fn a_request_counts_against_the_budget_of_the_credentials_it_sends() {
    static ONE_A_MINUTE: [RateWindow; 1] = [RateWindow {
        requests: 1,
        milliseconds: 60_000,
        limit_header: None,
        remaining_header: None,
    }];
    let base_url = closed_port();
    let start = || ClientBuilder::new(Some(&base_url), OPERATIONS, &ONE_A_MINUTE, "");
    let key = || Credential::new("x-api-key", "", "shared-key".into());
    let token = || Credential::new("authorization", "Bearer ", "own-token".into());
    let parts = |builder: ClientBuilder| builder.retry(RetryPolicy::disabled()).build_parts();
    // Its first credential, by scheme name, is the bearer token.
    let both = parts(
        start()
            .scheme_credential(&["bearerAuth"], token())
            .scheme_credential(&["headerKey"], key()),
    )
    .unwrap();
    let key_only = parts(start().scheme_credential(&["headerKey"], key())).unwrap();
    let token_only = parts(start().scheme_credential(&["bearerAuth"], token())).unwrap();
    let available = |parts: &ClientParts| parts.inner.budget()[0].available;
    assert_eq!(available(&key_only), 1);

    let mut request = reqwest::Request::new(
        reqwest::Method::GET,
        format!("{base_url}/keyed").parse().unwrap(),
    );
    both.inner
        .pre_hook::<()>(&mut request, "keyed", &both.http)
        .await
        .unwrap();
    let sent = both.inner.execute(&both.http, request, "keyed").await;
    assert!(sent.unwrap_err().is_connect());

    // Sent with the shared key: the key's budget, not the client's first.
    assert_eq!(available(&key_only), 0);
    assert_eq!(available(&token_only), 1);
    assert_eq!(available(&both), 1);
}
