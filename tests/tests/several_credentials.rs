//! A client generated from a spec whose operations accept different
//! credentials (`tests/fixtures/several-credentials.yaml`), against
//! `wiremock` on 127.0.0.1: what each operation sends, with every
//! credential and with one, and what it refuses before sending.

use std::collections::BTreeMap;

use wiremock::{Mock, MockServer, ResponseTemplate};

/// What the server received, by path: the `authorization`, `x-api-key` and
/// `cookie` headers and the query, each `-` when absent.
type Received = BTreeMap<String, [String; 4]>;

/// Builds the driver (`tests/scratch/credentials_driver.rs`) beside the
/// fixture's crate, runs it against a server that answers 204, and returns
/// its lines and what the server received.
async fn drive() -> (Vec<String>, Received) {
    let fixture = highlevel_tests::generate_fixture("several-credentials.yaml").unwrap();
    let mut fixture = fixture;
    let manifest = fixture.files.get_mut("Cargo.toml").unwrap();
    *manifest = manifest.replace(
        "name = \"fixture\"",
        "name = \"fixture-several-credentials\"",
    );
    let driver = codegen::GeneratedCrate {
        files: [
            (
                "Cargo.toml".to_owned(),
                "[package]\nname = \"credentials-driver\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nfixture-several-credentials = { path = \"../fixture\" }\ntokio = { version = \"1\", default-features = false, features = [\"macros\", \"rt\"] }\n"
                    .to_owned(),
            ),
            (
                "src/main.rs".to_owned(),
                include_str!("../scratch/credentials_driver.rs").to_owned(),
            ),
        ]
        .into(),
        notes: Vec::new(),
    };
    let root = highlevel_tests::write_workspace(
        "several-credentials",
        &[
            ("fixture".to_owned(), fixture),
            ("driver".to_owned(), driver),
        ],
    )
    .unwrap();
    if let Err(messages) =
        highlevel_tests::scratch_cargo(&root, &["build", "--quiet", "-p", "credentials-driver"])
    {
        panic!("the credentials driver does not build:\n{messages}");
    }
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let output = tokio::process::Command::new(
        highlevel_tests::scratch_dir().join("target/debug/credentials-driver"),
    )
    .arg(server.uri())
    .output()
    .await
    .unwrap();
    assert!(output.status.success(), "{output:?}");
    let lines = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let mut received = Received::new();
    for request in server.received_requests().await.unwrap() {
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .map_or("-".to_owned(), |v| v.to_str().unwrap().to_owned())
        };
        let query = request.url.query().unwrap_or("-").to_owned();
        let seen = [
            header("authorization"),
            header("x-api-key"),
            header("cookie"),
            query,
        ];
        assert!(
            received
                .insert(request.url.path().to_owned(), seen)
                .is_none(),
            "{} received twice",
            request.url.path()
        );
    }
    (lines, received)
}

#[tokio::test]
async fn each_operation_sends_what_its_security_asks_for() {
    let (lines, received) = drive().await;
    let seen = |path: &str| -> [&str; 4] {
        let seen = received
            .get(path)
            .unwrap_or_else(|| panic!("{path} not received"));
        [&seen[0], &seen[1], &seen[2], &seen[3]].map(String::as_str)
    };
    let basic = "Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ==";
    let bearer = "Bearer bearer-secret";
    let query = "api_key=query+secret%26%3D";
    assert_eq!(seen("/all/basic"), [basic, "-", "-", "-"]);
    assert_eq!(seen("/all/query"), ["-", "-", "-", query]);
    assert_eq!(
        seen("/all/cookie"),
        ["-", "-", "session=cookie-secret", "-"]
    );
    assert_eq!(seen("/all/both"), ["-", "header-secret", "-", query]);
    assert_eq!(seen("/all/either"), [bearer, "-", "-", "-"]);
    assert_eq!(seen("/all/optional"), [bearer, "-", "-", "-"]);
    assert_eq!(seen("/all/default"), ["-", "header-secret", "-", "-"]);
    assert_eq!(seen("/all/signed"), ["-", "header-secret", "-", "-"]);
    assert_eq!(seen("/all/public"), ["-", "-", "-", "-"]);

    assert_eq!(
        seen("/header-only/either"),
        ["-", "header-secret", "-", "-"]
    );
    assert_eq!(seen("/header-only/optional"), ["-", "-", "-", "-"]);
    assert_eq!(
        seen("/header-only/default"),
        ["-", "header-secret", "-", "-"]
    );
    assert_eq!(
        seen("/header-only/signed"),
        ["-", "header-secret", "-", "-"]
    );
    assert_eq!(seen("/header-only/public"), ["-", "-", "-", "-"]);
    for refused in ["basic", "query", "cookie", "both"] {
        assert!(!received.contains_key(&format!("/header-only/{refused}")));
    }
    assert_eq!(received.len(), 14, "{received:?}");

    let expected = [
        "all get_basic: sent",
        "all get_query: sent",
        "all get_cookie: sent",
        "all get_both: sent",
        "all get_either: sent",
        "all get_optional: sent",
        "all get_default: sent",
        "all get_signed: sent",
        "all get_public: sent",
        "header-only get_basic: refused: `get_basic` needs a credential this client was not given: it accepts `basicAuth`",
        "header-only get_query: refused: `get_query` needs a credential this client was not given: it accepts `queryKey`",
        "header-only get_cookie: refused: `get_cookie` needs a credential this client was not given: it accepts `cookieKey`",
        "header-only get_both: refused: `get_both` needs a credential this client was not given: it accepts `headerKey` and `queryKey`",
        "header-only get_either: sent",
        "header-only get_optional: sent",
        "header-only get_default: sent",
        "header-only get_signed: sent",
        "header-only get_public: sent",
    ];
    assert_eq!(lines, expected);
}
