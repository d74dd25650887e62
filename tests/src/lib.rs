//! Helpers shared by the test files in `tests/tests/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use codegen::{GeneratedCrate, Generator, Settings, SpecDocument};

pub mod redis_server;

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Generates the crate for `tests/fixtures/<name>`, naming the spec by its
/// repository path so output does not depend on the checkout's location.
pub fn generate_fixture(name: &str) -> Result<GeneratedCrate, codegen::Error> {
    let bytes = std::fs::read(fixtures_dir().join(name)).expect("fixture exists");
    generate_text(&format!("tests/fixtures/{name}"), bytes)
}

pub fn generate_text(
    name: &str,
    bytes: impl Into<Vec<u8>>,
) -> Result<GeneratedCrate, codegen::Error> {
    Generator::new(Settings::new("fixture")).generate(&SpecDocument::new(name, bytes))
}

/// Like [`generate_text`], refusing specs that need a repair.
pub fn generate_strict(
    name: &str,
    bytes: impl Into<Vec<u8>>,
) -> Result<GeneratedCrate, codegen::Error> {
    Generator::new(Settings::new("fixture").strict(true)).generate(&SpecDocument::new(name, bytes))
}

/// The files a construct shapes, concatenated for one snapshot. The runtime
/// is the same for every spec and is locked by the freshness test instead.
pub fn snapshot_text(generated: &GeneratedCrate) -> String {
    generated
        .files
        .iter()
        .filter(|(path, _)| !path.starts_with("src/runtime/"))
        .map(|(path, text)| format!("==> {path} <==\n{text}\n"))
        .collect()
}

/// A folder outside the repository, for crates generated to be compiled:
/// their own cargo workspaces, and one target folder they share. Named after
/// this checkout, so two checkouts on one machine do not collide.
pub fn scratch_dir() -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_MANIFEST_DIR").hash(&mut hasher);
    std::env::temp_dir().join(format!("highlevel-codegen-check-{:016x}", hasher.finish()))
}

/// Writes `crates` (folder name, crate) as members of a workspace at
/// `scratch_dir()/<workspace>` and runs one `cargo check` over them, with
/// warnings as errors. Returns cargo's messages when it fails.
pub fn check_crates(workspace: &str, crates: &[(String, GeneratedCrate)]) -> Result<(), String> {
    let root = write_workspace(workspace, crates)?;
    scratch_cargo(&root, &["check", "--quiet", "--workspace"])
}

/// Writes `crates` (folder name, crate) as the members of a cargo workspace
/// at `scratch_dir()/<workspace>`, and returns its root.
pub fn write_workspace(
    workspace: &str,
    crates: &[(String, GeneratedCrate)],
) -> Result<PathBuf, String> {
    let root = scratch_dir().join(workspace);
    let mut members = Vec::new();
    for (name, generated) in crates {
        xtask::write_atomically(&root.join(name), generated).map_err(|e| e.to_string())?;
        members.push(name);
    }
    std::fs::write(
        root.join("Cargo.toml"),
        xtask::scratch_workspace_manifest(&members),
    )
    .map_err(|e| e.to_string())?;
    // Start from this repository's lock file, so the crates resolve to the
    // versions already downloaded; cargo adds only what is missing.
    if !root.join("Cargo.lock").exists() {
        let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
        std::fs::copy(lock, root.join("Cargo.lock")).map_err(|e| e.to_string())?;
    }
    Ok(root)
}

/// Runs cargo in a workspace of [`write_workspace`], with the target folder
/// every scratch workspace shares and warnings as errors. Returns cargo's
/// messages when it fails.
pub fn scratch_cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .env("CARGO_TARGET_DIR", scratch_dir().join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .current_dir(root)
        .output()
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// Settings for a property test: `cases` unless `PROPTEST_CASES` says
/// otherwise, and under `CI` a fixed seed, so CI's verdict depends on the
/// code alone; elsewhere each run searches anew (`PROPTEST_RNG_SEED`
/// repeats a run).
pub fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    use proptest::test_runner::{Config, RngSeed};
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        rng_seed: if std::env::var_os("CI").is_some()
            && std::env::var_os("PROPTEST_RNG_SEED").is_none()
        {
            RngSeed::Fixed(20_261_124)
        } else {
            Config::default().rng_seed
        },
        ..Config::default()
    }
}

/// What URL parsers, servers and proxies read as structure, or decode
/// twice: the pieces hostile strings are built from.
const HOSTILE_PIECES: &[&str] = &[
    "\\",
    "/",
    "?",
    "#",
    "%",
    ";",
    "[",
    "]",
    "|",
    ".",
    "..",
    "%2e%2e",
    "%2E.",
    "%5c",
    "%5C",
    "%2f",
    "%00",
    "%%",
    "%zz",
    "&",
    "=",
    "+",
    " ",
    "@",
    ":",
    "~",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\0",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "\u{feff}",
    "é",
    "ß",
    "\u{0301}",
    "日本",
    "😀",
    "\u{1d11e}",
    "\u{10ffff}",
    "{",
    "}",
    "`",
    "\"",
    "'",
    "<",
    ">",
    "^",
    "$",
    "*",
    "!",
    "(",
];

/// Arbitrary Unicode text, weighted towards separators, dot segments,
/// percent-escapes, control characters and non-BMP characters; `""`, `.`
/// and `..` come up on their own too.
pub fn hostile_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        4 => proptest::sample::select(HOSTILE_PIECES).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
        2 => "[a-zA-Z0-9]{1,6}",
    ];
    prop_oneof![
        1 => proptest::sample::select(&["", ".", ".."][..]).prop_map(str::to_owned),
        6 => proptest::collection::vec(piece, 1..8).prop_map(|pieces| pieces.concat()),
        2 => any::<String>(),
    ]
}

/// One request as it reached [`RecordingServer`]: the request target
/// exactly as sent, before any decoding or normalising.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub target: String,
    /// `(lower-case name, value)`, in the order sent.
    pub headers: Vec<(String, String)>,
}

/// An HTTP/1.1 server on 127.0.0.1 that records each request's raw target
/// and answers every one with the same status and JSON body. A framework
/// would parse, and possibly normalise, the very target under test.
pub struct RecordingServer {
    address: std::net::SocketAddr,
    requests: std::sync::Arc<std::sync::Mutex<Vec<RecordedRequest>>>,
    answer: std::sync::Arc<std::sync::Mutex<(u16, String)>>,
}

impl RecordingServer {
    pub fn start(status: u16, body: &str) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let address = listener.local_addr().unwrap();
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let answer = std::sync::Arc::new(std::sync::Mutex::new((status, body.to_owned())));
        let (recorded, answering) = (requests.clone(), answer.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (status, body) = answering.lock().unwrap().clone();
                respond(stream, status, &body, &recorded);
            }
        });
        RecordingServer {
            address,
            requests,
            answer,
        }
    }

    /// Answers the next requests with `status` and `body` instead.
    pub fn answer_with(&self, status: u16, body: impl Into<String>) {
        *self.answer.lock().unwrap() = (status, body.into());
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The requests received since the last call.
    pub fn take(&self) -> Vec<RecordedRequest> {
        std::mem::take(&mut self.requests.lock().unwrap())
    }
}

/// Reads one request (head and `Content-Length` body), then answers and
/// closes the connection. The request is recorded before the answer is
/// written, so a client that got its answer finds its request recorded.
fn respond(
    mut stream: std::net::TcpStream,
    status: u16,
    body: &str,
    recorded: &std::sync::Mutex<Vec<RecordedRequest>>,
) -> Option<()> {
    use std::io::{Read, Write};
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).ok().filter(|&n| n > 0)?;
        received.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (method, target) = (
        request_line.next()?.to_owned(),
        request_line.next()?.to_owned(),
    );
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        // HTTP's optional whitespace is SP and HTAB only.
        .map(|(name, value)| {
            let value = value.trim_matches([' ', '\t']);
            (name.to_ascii_lowercase(), value.to_owned())
        })
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body_read = received.len() - head_end - 4;
    while body_read < length {
        let n = stream.read(&mut chunk).ok().filter(|&n| n > 0)?;
        body_read += n;
    }
    recorded.lock().unwrap().push(RecordedRequest {
        method,
        target,
        headers,
    });
    let reply = format!(
        "HTTP/1.1 {status} Recorded\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    // The request is recorded even when the client has gone already.
    stream.write_all(reply.as_bytes()).ok()
}

/// Checks that `segment` is one percent-encoded path segment (unreserved
/// characters and `%XX` escapes only) that decodes to `expected` byte for
/// byte.
pub fn decodes_to(segment: &str, expected: &str) -> Result<(), String> {
    let bytes = segment.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => i += 1,
            b'%' if bytes.len() > i + 2
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit() =>
            {
                i += 3
            }
            other => {
                return Err(format!(
                    "`{segment}` has the unencoded byte {:?}",
                    other as char
                ));
            }
        }
    }
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(segment).collect();
    if decoded == expected.as_bytes() {
        Ok(())
    } else {
        Err(format!(
            "`{segment}` decodes to {:?}, not {expected:?}",
            String::from_utf8_lossy(&decoded)
        ))
    }
}

/// A client of the generated crate for tests that send hundreds of requests
/// to a local server: no retries, and limits no test reaches (the limiter
/// has tests of its own).
pub fn unlimited_client(base_url: &str) -> highlevel_contacts::Client {
    highlevel_contacts::Client::builder("test-token")
        .base_url(base_url)
        .retry(highlevel_contacts::RetryPolicy::disabled())
        .rate_limits(&[
            (1_000_000, std::time::Duration::from_secs(1)),
            (1_000_000, std::time::Duration::from_secs(1)),
        ])
        .build()
        .expect("a client for a local server")
}

/// A single-threaded runtime for property tests, which are synchronous.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A server program that prints `listening on ADDR` as its first line (the mock's
/// binary), started on 127.0.0.1 and stopped on drop.
pub struct Listening {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Listening {
    pub fn spawn(command: &mut Command) -> Listening {
        use std::io::{BufRead, BufReader};
        let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("{line:?}"))
            .to_owned();
        Listening { child, addr }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
