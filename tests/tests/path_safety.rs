//! A caller's value never changes a request's structure: a path parameter
//! is one percent-encoded segment that decodes to the caller's string, a
//! query value is one pair, a header value that cannot be sent is refused
//! with the header's name, and the base URL keeps its path prefix.

use std::sync::LazyLock;

use highlevel_contacts::types::UpdateContactRequest;
use highlevel_contacts::{Client, Error};
use highlevel_tests::{RecordingServer, decodes_to, hostile_text};
use proptest::prelude::*;

const UPDATED: &str = r#"{"succeded":true,"contact":{"id":"x"}}"#;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(highlevel_tests::runtime);

/// The property test's server; the other tests start their own, so no
/// test sees another's requests.
static SERVER: LazyLock<RecordingServer> = LazyLock::new(|| RecordingServer::start(200, UPDATED));

use highlevel_tests::unlimited_client as client;

static CLIENT: LazyLock<Client> = LazyLock::new(|| client(&SERVER.url()));

proptest! {
    #![proptest_config(highlevel_tests::proptest_config(512))]

    #[test]
    fn a_contact_id_is_one_segment_that_decodes_to_itself(contact_id in hostile_text()) {
        SERVER.take();
        let outcome = RUNTIME.block_on(CLIENT.update_contact(&contact_id, &UpdateContactRequest::new()));
        let seen = SERVER.take();
        if matches!(contact_id.as_str(), "" | "." | "..") {
            let Err(Error::InvalidRequest(reason)) = outcome else {
                panic!("{contact_id:?} was not refused: {outcome:?}");
            };
            prop_assert!(reason.contains("`contactId`"), "{reason}");
            prop_assert!(seen.is_empty(), "{seen:?}");
        } else {
            prop_assert!(outcome.is_ok(), "{contact_id:?}: {outcome:?}");
            prop_assert_eq!(seen.len(), 1, "{:?}", seen);
            prop_assert_eq!(&seen[0].method, "PUT");
            let segment = seen[0].target.strip_prefix("/contacts/");
            prop_assert!(segment.is_some(), "{contact_id:?} went to {}", seen[0].target);
            if let Err(reason) = decodes_to(segment.unwrap(), &contact_id) {
                panic!("{contact_id:?}: {reason}");
            }
        }
    }
}

#[test]
fn the_reported_escapes_stay_inside_the_segment() {
    let server = RecordingServer::start(200, UPDATED);
    let client = client(&server.url());
    for (contact_id, sent) in [
        (r"..\..\admin", r"/contacts/..%5C..%5Cadmin"),
        (r"a\b", "/contacts/a%5Cb"),
        ("a;b", "/contacts/a%3Bb"),
        ("a[b]|c", "/contacts/a%5Bb%5D%7Cc"),
        ("%2e%2e", "/contacts/%252e%252e"),
        ("...", "/contacts/..."),
        ("a b+c", "/contacts/a%20b%2Bc"),
        ("é😀", "/contacts/%C3%A9%F0%9F%98%80"),
    ] {
        RUNTIME
            .block_on(client.update_contact(contact_id, &UpdateContactRequest::new()))
            .unwrap();
        let seen = server.take();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].target, sent, "{contact_id:?}");
    }
}

#[test]
fn a_path_prefix_is_kept_with_or_without_its_trailing_slash() {
    let server = RecordingServer::start(200, UPDATED);
    for prefix in ["/api/v2", "/api/v2/"] {
        let client = client(&format!("{}{prefix}", server.url()));
        RUNTIME
            .block_on(client.update_contact("a/b", &UpdateContactRequest::new()))
            .unwrap();
        assert_eq!(
            server.take()[0].target,
            "/api/v2/contacts/a%2Fb",
            "{prefix}"
        );
    }
}

#[test]
fn a_base_url_with_a_query_or_a_fragment_is_refused() {
    for base_url in [
        "http://127.0.0.1:1/p#frag",
        "http://127.0.0.1:1/p#",
        "http://127.0.0.1:1/p?x=1",
        "http://127.0.0.1:1/p?",
        "mailto:someone@example.com",
        "ftp://127.0.0.1/p",
    ] {
        let error = Client::builder("test-token")
            .base_url(base_url)
            .build()
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("is not an absolute http(s) URL without a query or a fragment"),
            "{base_url}: {error}"
        );
    }
}

/// The corpus driver (`tests/scratch/corpus_driver.rs`), built once per run
/// against the crates generated from HighLevel's own spec (a path and query
/// parameters) and keeper's (a header parameter), answering one case per
/// line.
struct CorpusDriver {
    server: RecordingServer,
    stdin: std::process::ChildStdin,
    stdout: std::io::BufReader<std::process::ChildStdout>,
    _child: std::process::Child,
}

impl CorpusDriver {
    fn start() -> Self {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let generate = |spec: &str, name: &str| {
            let generated = xtask::generate_spec(
                &corpus.join(spec),
                &format!("tests/corpus/{spec}"),
                &xtask::CodegenConfig::named(name),
            )
            .unwrap();
            (name.trim_start_matches("corpus-").to_owned(), generated)
        };
        let driver = codegen::GeneratedCrate {
            files: [
                (
                    "Cargo.toml".to_owned(),
                    "[package]\nname = \"corpus-driver\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\ncorpus-contacts = { path = \"../contacts\" }\ncorpus-keeper = { path = \"../keeper\" }\nserde_json = \"1\"\ntokio = { version = \"1\", default-features = false, features = [\"macros\", \"rt\"] }\n"
                        .to_owned(),
                ),
                (
                    "src/main.rs".to_owned(),
                    include_str!("../scratch/corpus_driver.rs").to_owned(),
                ),
            ]
            .into(),
            notes: Vec::new(),
        };
        let root = highlevel_tests::write_workspace(
            "path-safety",
            &[
                generate("highlevel-official/apps/contacts.json", "corpus-contacts"),
                generate("progenitor/keeper.json", "corpus-keeper"),
                ("driver".to_owned(), driver),
            ],
        )
        .unwrap();
        if let Err(messages) =
            highlevel_tests::scratch_cargo(&root, &["build", "--quiet", "-p", "corpus-driver"])
        {
            panic!("the corpus driver does not build:\n{messages}");
        }
        let server = RecordingServer::start(200, "{}");
        let mut child = std::process::Command::new(
            highlevel_tests::scratch_dir().join("target/debug/corpus-driver"),
        )
        .arg(server.url())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
        CorpusDriver {
            server,
            stdin: child.stdin.take().unwrap(),
            stdout: std::io::BufReader::new(child.stdout.take().unwrap()),
            _child: child,
        }
    }

    /// Runs one case: what the driver was refused, and what the server saw.
    fn run(
        &mut self,
        case: serde_json::Value,
    ) -> (Option<String>, Vec<highlevel_tests::RecordedRequest>) {
        use std::io::{BufRead, Write};
        self.server.take();
        writeln!(self.stdin, "{case}").unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let answer: serde_json::Value = serde_json::from_str(&line).unwrap();
        let refused = answer["refused"].as_str().map(str::to_owned);
        (refused, self.server.take())
    }
}

static CORPUS_DRIVER: LazyLock<std::sync::Mutex<CorpusDriver>> =
    LazyLock::new(|| std::sync::Mutex::new(CorpusDriver::start()));

proptest! {
    #![proptest_config(highlevel_tests::proptest_config(512))]

    #[test]
    fn a_corpus_client_keeps_one_path_segment_and_one_pair_per_query_value(
        business_id in hostile_text(),
        location_id in hostile_text(),
        query in hostile_text(),
    ) {
        let (refused, seen) = CORPUS_DRIVER.lock().unwrap().run(serde_json::json!({
            "operation": "get-contacts-by-businessId",
            "businessId": business_id,
            "locationId": location_id,
            "query": query,
        }));
        if matches!(business_id.as_str(), "" | "." | "..") {
            prop_assert!(refused.as_deref().is_some_and(|r| r.contains("`businessId`")), "{:?}", refused);
            prop_assert!(seen.is_empty(), "{:?}", seen);
            return Ok(());
        }
        prop_assert_eq!(refused, None);
        prop_assert_eq!(seen.len(), 1, "{:?}", seen);
        let (path, query_string) = seen[0].target.split_once('?').unwrap_or((&seen[0].target, ""));
        let segment = path.strip_prefix("/contacts/business/");
        prop_assert!(segment.is_some(), "{:?} went to {}", business_id, path);
        if let Err(reason) = decodes_to(segment.unwrap(), &business_id) {
            panic!("{business_id:?}: {reason}");
        }
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query_string.as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        pairs.sort();
        let mut expected = vec![("locationId".to_owned(), location_id), ("query".to_owned(), query)];
        expected.sort();
        prop_assert_eq!(pairs, expected, "{}", seen[0].target);
    }

    #[test]
    fn a_corpus_header_value_is_sent_as_one_header_or_refused_by_name(
        authorization in hostile_text(),
    ) {
        let (refused, seen) = CORPUS_DRIVER.lock().unwrap().run(serde_json::json!({
            "operation": "report_start",
            "authorization": authorization,
        }));
        let sendable = authorization.bytes().all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f));
        if !sendable {
            prop_assert!(refused.as_deref().is_some_and(|r| r.contains("header `Authorization`")), "{:?}", refused);
            prop_assert!(seen.is_empty(), "{:?}", seen);
            return Ok(());
        }
        prop_assert_eq!(refused, None);
        prop_assert_eq!(seen.len(), 1, "{:?}", seen);
        let values: Vec<&str> = seen[0]
            .headers
            .iter()
            .filter(|(name, _)| name == "authorization")
            .map(|(_, value)| value.as_str())
            .collect();
        // HTTP strips the whitespace around a header's value.
        prop_assert_eq!(values, vec![authorization.trim_matches([' ', '\t'])]);
        prop_assert_eq!(&seen[0].target, "/report/start");
    }
}

#[test]
fn query_values_with_separators_round_trip() {
    let value = "a&b=c#d+e%f g/h?i;日本😀";
    let (refused, seen) = CORPUS_DRIVER.lock().unwrap().run(serde_json::json!({
        "operation": "get-contacts-by-businessId",
        "businessId": "b",
        "locationId": value,
        "query": "&=",
    }));
    assert_eq!(refused, None);
    let (_, query) = seen[0].target.split_once('?').unwrap();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("locationId".to_owned(), value.to_owned()),
            ("query".to_owned(), "&=".to_owned())
        ]
    );
}
