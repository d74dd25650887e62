//! Request bodies in every media type the client sends, and query
//! parameters in every style, through clients generated from
//! `tests/fixtures/request-media-types.yaml` and `query-styles.yaml` (built
//! in a scratch workspace with `tests/scratch/media_driver.rs`) against
//! `wiremock`: the exact bytes, `content-type` and query of each.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

fn build_driver() -> PathBuf {
    let fixture = highlevel_tests::generate_fixture("request-media-types.yaml").unwrap();
    let mut queries = highlevel_tests::generate_fixture("query-styles.yaml").unwrap();
    let manifest = queries.files.get_mut("Cargo.toml").unwrap();
    *manifest = manifest.replace("name = \"fixture\"", "name = \"fixture-queries\"");
    let driver = codegen::GeneratedCrate {
        files: [
            (
                "Cargo.toml".to_owned(),
                "[package]\nname = \"media-driver\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nfixture = { path = \"../fixture\", default-features = false }\nfixture-queries = { path = \"../queries\", default-features = false }\ntokio = { version = \"1\", default-features = false, features = [\"macros\", \"rt\"] }\n"
                    .to_owned(),
            ),
            (
                "src/main.rs".to_owned(),
                include_str!("../scratch/media_driver.rs").to_owned(),
            ),
        ]
        .into(),
        notes: Vec::new(),
    };
    let root = highlevel_tests::write_workspace(
        "media-types",
        &[
            ("fixture".to_owned(), fixture),
            ("queries".to_owned(), queries),
            ("driver".to_owned(), driver),
        ],
    )
    .unwrap();
    if let Err(messages) =
        highlevel_tests::scratch_cargo(&root, &["build", "--quiet", "-p", "media-driver"])
    {
        panic!("the media driver does not build:\n{messages}");
    }
    highlevel_tests::scratch_dir().join("target/debug/media-driver")
}

fn content_type(request: &wiremock::Request) -> String {
    let values: Vec<_> = request.headers.get_all("content-type").iter().collect();
    assert_eq!(values.len(), 1, "{} {:?}", request.url, values);
    values[0].to_str().unwrap().to_owned()
}

/// The boundary of a `multipart/form-data; boundary=…` content type.
fn boundary(request: &wiremock::Request) -> String {
    let content_type = content_type(request);
    content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart: {content_type}"))
        .to_owned()
}

/// Runs the driver against `server`, with `arguments` after its URL.
async fn drive(server: &MockServer, arguments: &[&'static str]) {
    // Built once: the tests share its scratch workspace.
    static DRIVER: OnceLock<PathBuf> = OnceLock::new();
    let driver = tokio::task::spawn_blocking(|| DRIVER.get_or_init(build_driver).clone())
        .await
        .unwrap();
    let uri = server.uri();
    let arguments = arguments.to_vec();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(driver)
            .arg(uri)
            .args(arguments)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_media_type_is_sent_as_the_spec_says() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    drive(&server, &[]).await;
    let requests = server.received_requests().await.unwrap();
    let seen: Vec<(String, &str)> = requests
        .iter()
        .map(|r| (r.method.to_string(), r.url.path()))
        .collect();
    assert_eq!(
        seen,
        [
            ("POST".to_owned(), "/form"),
            ("POST".to_owned(), "/upload"),
            ("POST".to_owned(), "/upload"),
            ("PUT".to_owned(), "/text"),
            ("POST".to_owned(), "/xml"),
            ("POST".to_owned(), "/vendor-json"),
            ("POST".to_owned(), "/bytes"),
            ("GET".to_owned(), "/search"),
        ]
    );
    let [
        form,
        upload,
        empty_upload,
        text,
        xml,
        vendor_json,
        bytes,
        search,
    ] = &requests[..]
    else {
        unreachable!()
    };

    assert_eq!(content_type(form), "application/x-www-form-urlencoded");
    // typify orders a struct's fields by name.
    assert_eq!(form.body, b"count=3&name=Ada+%26+Co");

    let b = boundary(upload);
    let mut expected = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi there\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(b"\x89PNG\r\n--");
    expected.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    assert_eq!(
        upload.body,
        expected,
        "{}",
        String::from_utf8_lossy(&upload.body)
    );
    assert_eq!(
        upload
            .headers
            .get("content-length")
            .unwrap()
            .to_str()
            .unwrap(),
        expected.len().to_string()
    );

    let b = boundary(empty_upload);
    assert_eq!(empty_upload.body, format!("--{b}--\r\n").into_bytes());

    assert_eq!(content_type(text), "text/plain");
    assert_eq!(text.body, b"plain words");

    assert_eq!(content_type(xml), "application/xml");
    assert_eq!(xml.body, b"<Pet><name>Rex</name></Pet>");

    assert_eq!(content_type(vendor_json), "application/vnd.api+json");
    assert_eq!(vendor_json.body, br#"{"name":"Rex"}"#);

    assert_eq!(content_type(bytes), "application/octet-stream");
    assert_eq!(bytes.body, [0u8, 1, 2]);

    // Progenitor's order of parameters; every pair encoded as a form value.
    assert_eq!(
        search.url.query(),
        Some(
            "fields=a+b%2Cc&filter%5Bage%5D=3&filter%5Bname%5D=a%26b+c&ids=1+2\
             &repeated=r%2C1&repeated=r2&tags=x%7Cy+z"
        )
    );
}

/// A 429 to every other request, starting with the first.
struct EveryOtherRefused(AtomicUsize);

impl Respond for EveryOtherRefused {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        match self.0.fetch_add(1, Ordering::SeqCst) % 2 {
            0 => ResponseTemplate::new(429).insert_header("retry-after", "0"),
            _ => ResponseTemplate::new(204),
        }
    }
}

/// Each attempt makes its request afresh from the caller's arguments: the
/// second attempt of every media type and query style sends what the first
/// sent, multipart boundary and octet stream included.
#[tokio::test(flavor = "multi_thread")]
async fn a_retried_request_sends_the_same_body_and_query_again() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(EveryOtherRefused(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    drive(&server, &["retry"]).await;
    let requests = server.received_requests().await.unwrap();
    // Eight calls, as in the test above, each refused once and sent again.
    assert_eq!(requests.len(), 16);
    for pair in requests.chunks(2) {
        let [refused, accepted] = pair else {
            unreachable!()
        };
        assert_eq!(refused.method, accepted.method);
        assert_eq!(refused.url, accepted.url);
        assert_eq!(refused.body, accepted.body, "{}", refused.url);
        assert_eq!(
            refused.headers.get("content-type"),
            accepted.headers.get("content-type"),
            "{}",
            refused.url
        );
    }
    let bytes = &requests[13];
    assert_eq!(bytes.url.path(), "/bytes");
    assert_eq!(bytes.body, [0u8, 1, 2]);
}
