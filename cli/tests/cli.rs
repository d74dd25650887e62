//! The `highlevel-contacts` binary against the mock, end to end on 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use highlevel_mock::{Config, MockServer, parse_rate_limit};
use highlevel_tests::redis_server::RedisServer;
use serde_json::{Value, json};

const TOKEN: &str = "cli-secret-token";

fn command(mock_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_highlevel-contacts"));
    command
        .env_clear()
        .env("HIGHLEVEL_TOKEN", TOKEN)
        .env("HIGHLEVEL_BASE_URL", mock_url)
        .stdin(Stdio::null());
    command
}

/// Runs the binary off the runtime's threads, so the mock keeps answering.
async fn run(mock_url: &str, args: &[&str]) -> Output {
    let mut command = command(mock_url);
    command.args(args);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains(TOKEN), "the token leaked: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    output
}

fn stdout_json(output: &Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("highlevel-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upsert_update_and_clear() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let url = mock.url();
    let answer = stdout_json(
        &run(
            &url,
            &[
                "upsert-contact",
                "--location-id",
                "loc",
                "--email",
                "jane@example.com",
                "--first-name",
                "Jane",
                "--tag",
                "vip",
                "--tag",
                "new",
            ],
        )
        .await,
    );
    assert_eq!(answer["new"], true);
    assert_eq!(answer["contact"]["tags"], json!(["vip", "new"]));
    let id = answer["contact"]["id"].as_str().unwrap().to_owned();

    let answer = stdout_json(
        &run(
            &url,
            &["update-contact", "--contact-id", &id, "--city", "Oslo"],
        )
        .await,
    );
    assert_eq!(answer["succeded"], true);
    assert_eq!(answer["contact"]["city"], "Oslo");
    assert_eq!(answer["contact"]["firstName"], "Jane");

    let answer = stdout_json(
        &run(
            &url,
            &["update-contact", "--contact-id", &id, "--clear", "city"],
        )
        .await,
    );
    assert!(answer["contact"].get("city").is_none());

    // --json, with --base-url instead of the environment.
    let mut command = command("http://unused.invalid");
    command.args([
        "--base-url",
        &url,
        "upsert-contact",
        "--json",
        r#"{"locationId":"loc","email":"jane@example.com","tags":[]}"#,
    ]);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let answer = stdout_json(&output);
    assert_eq!(answer["new"], false);
    assert_eq!(mock.stats().contacts, 1);
    assert_eq!(mock.contacts()[0]["tags"], json!([]), "tags replaced");

    // Field flags given with --json are set on its body.
    let answer = stdout_json(
        &run(
            &url,
            &[
                "upsert-contact",
                "--json",
                r#"{"email":"jane@example.com"}"#,
                "--location-id",
                "loc",
                "--company-name",
                "Acme",
                "--first-name",
                "Janet",
            ],
        )
        .await,
    );
    assert_eq!(answer["new"], false);
    assert_eq!(mock.contacts()[0]["companyName"], "Acme");
    assert_eq!(mock.contacts()[0]["firstName"], "Janet");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_and_token_free_errors() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let url = mock.url();
    let code = |output: &Output| output.status.code();

    // Usage: 2.
    assert_eq!(code(&run(&url, &[]).await), Some(2));
    assert_eq!(code(&run(&url, &["update-contact"]).await), Some(2));
    let output = run(
        &url,
        &[
            "update-contact",
            "--contact-id",
            "x",
            "--json",
            r#"{"foo":1}"#,
        ],
    )
    .await;
    assert_eq!(code(&output), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown field `foo`"));
    let output = run(
        &url,
        &["update-contact", "--contact-id", "x", "--json", "{"],
    )
    .await;
    assert_eq!(code(&output), Some(2));
    let output = run(
        &url,
        &[
            "upsert-contact",
            "--email",
            "not-an-email",
            "--location-id",
            "l",
        ],
    )
    .await;
    assert_eq!(code(&output), Some(2));
    let output = run(&url, &["--rate-limit", "fast", "upsert-contact"]).await;
    assert_eq!(code(&output), Some(2));
    let output = run(
        &url,
        &[
            "--match-fields",
            "Email",
            "upsert-contact",
            "--location-id",
            "l",
        ],
    )
    .await;
    assert_eq!(code(&output), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`Email` is not a field"));
    let output = run(
        &url,
        &["update-contact", "--contact-id", "x", "--clear", "nickname"],
    )
    .await;
    assert_eq!(code(&output), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown field `nickname`"));
    let mut no_token = command(&url);
    no_token
        .env_remove("HIGHLEVEL_TOKEN")
        .args(["upsert-contact", "--location-id", "l"]);
    let output = tokio::task::spawn_blocking(move || no_token.output().unwrap())
        .await
        .unwrap();
    assert_eq!(code(&output), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("HIGHLEVEL_TOKEN"));

    // API error: 3, with the server's message.
    let output = run(
        &url,
        &["update-contact", "--contact-id", "nope", "--city", "x"],
    )
    .await;
    assert_eq!(code(&output), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Contact not found"));
    let mut wrong_token = command(&url);
    wrong_token.env("HIGHLEVEL_TOKEN", "wrong").args([
        "upsert-contact",
        "--location-id",
        "l",
        "--email",
        "a@x.com",
    ]);
    let output = tokio::task::spawn_blocking(move || wrong_token.output().unwrap())
        .await
        .unwrap();
    assert_eq!(code(&output), Some(3));

    // Network error: 4.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let output = run(
        &format!("http://{closed}"),
        &[
            "--attempts",
            "1",
            "upsert-contact",
            "--location-id",
            "l",
            "--email",
            "a@x.com",
        ],
    )
    .await;
    assert_eq!(code(&output), Some(4));
    assert!(output.stdout.is_empty());
}

fn write_csv(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_reports_bad_rows_and_leaves_empty_cells_out() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let url = mock.url();
    let dir = temp_dir("import");
    let csv = write_csv(
        &dir,
        "contacts.csv",
        "firstName,lastName,email,phone,tags,cf.favColor,dnd\n\
         Ann,Lee,ann@example.com,,vip;new,blue,false\n\
         Bob,,bob@example.com,+15550002,,,\n\
         Bad,Row,too,many,cells,here,x,y\n\
         Eve,,not-an-email,,,,\n\
         Ann,Lee-Smith,ann@example.com,,,,\n\
         Dee,,,+15550004,,,maybe\n",
    );
    let csv = csv.to_str().unwrap();
    let output = run(&url, &["import", csv, "--location-id", "loc"]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(5), "{stdout}{stderr}");
    assert!(
        stdout.contains("created 2, updated 1, applied 0, unknown 0, failed 3"),
        "{stdout}"
    );
    assert!(stderr.contains("row 3 (line 4), failed"), "{stderr}");
    assert!(stderr.contains("row 4 (line 5), failed"), "{stderr}");
    assert!(stderr.contains("row 6 (line 7), failed"), "{stderr}");

    let contacts = mock.contacts();
    assert_eq!(contacts.len(), 2);
    let ann = contacts
        .iter()
        .find(|c| c["email"] == "ann@example.com")
        .unwrap();
    assert_eq!(ann["lastName"], "Lee-Smith");
    assert_eq!(ann["tags"], json!(["vip", "new"]));
    assert_eq!(
        ann["customFields"],
        json!([{"id": "favColor", "value": "blue"}])
    );
    assert_eq!(ann["dnd"], false);
    assert!(ann.get("phone").is_none());
    let bob = contacts
        .iter()
        .find(|c| c["email"] == "bob@example.com")
        .unwrap();
    assert!(
        bob.get("lastName").is_none(),
        "an empty cell is left out, never null"
    );

    // Everything is recorded: a second run sends nothing and says the same.
    let before = mock.stats().requests;
    let output = run(&url, &["import", csv, "--location-id", "loc"]).await;
    assert_eq!(output.status.code(), Some(5));
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("created 2, updated 1, applied 0, unknown 0, failed 3")
    );
    assert_eq!(mock.stats().requests, before);

    // An unknown column is a usage error before anything is sent.
    let bad = write_csv(&dir, "bad.csv", "email,favourite\na@x.com,x\n");
    let output = run(
        &url,
        &["import", bad.to_str().unwrap(), "--location-id", "loc"],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("favourite"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_import_resumes_without_losing_or_repeating_rows() {
    const ROWS: usize = 60;
    let mock = MockServer::start(
        Config::new(TOKEN)
            .rate_limit(parse_rate_limit("50/1s").unwrap())
            .delay(Duration::from_millis(40)),
    )
    .await
    .unwrap();
    let url = mock.url();
    let dir = temp_dir("resume");
    let mut text = String::from("email,firstName,tags\n");
    for i in 0..ROWS {
        text.push_str(&format!("user{i}@example.com,User {i},imported\n"));
    }
    let csv = write_csv(&dir, "big.csv", &text);
    let progress = dir.join("big.csv.progress");
    let csv = csv.to_str().unwrap().to_owned();

    let args = [
        "--rate-limit",
        "50/1s",
        "import",
        &csv,
        "--location-id",
        "loc",
        "--concurrency",
        "4",
    ];
    let child = command(&url)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once some rows are done.
    let started = Instant::now();
    loop {
        let done = std::fs::read_to_string(&progress).map_or(0, |t| t.lines().count());
        if done >= 8 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(!stderr.contains(TOKEN));
    // Rows, after the line naming the target.
    let recorded = std::fs::read_to_string(&progress)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with('#'))
        .count();
    assert!(
        recorded < ROWS,
        "the import was not interrupted: {recorded}"
    );
    assert_eq!(
        mock.stats().contacts as usize,
        recorded,
        "every row sent is recorded"
    );

    // Resumed at once: its first row goes out alone, and the server's count of the
    // interrupted run's requests reaches its limiter before the other rows start.
    let output = run(&url, &args).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains(&format!(
        "created {ROWS}, updated 0, applied 0, unknown 0, failed 0"
    )));
    let stats = mock.stats();
    assert_eq!(
        stats.contacts as usize, ROWS,
        "no row lost, none duplicated"
    );
    assert_eq!(stats.requests as usize, ROWS, "no row sent twice");
    assert_eq!(stats.rate_limited, 0);
    let mut emails: Vec<_> = mock
        .contacts()
        .iter()
        .map(|c| c["email"].as_str().unwrap().to_owned())
        .collect();
    emails.sort();
    emails.dedup();
    assert_eq!(emails.len(), ROWS);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_failed_sends_failed_rows_again_and_unknown_ones_only_when_safe() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let url = mock.url();
    let dir = temp_dir("retry");
    let csv = write_csv(&dir, "c.csv", "email\na@example.com\nb@example.com\n");
    let csv = csv.to_str().unwrap();
    let args = [
        "--attempts",
        "1",
        "import",
        csv,
        "--location-id",
        "loc",
        "--concurrency",
        "1",
    ];
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    // A refusal: the row failed.
    mock.inject(highlevel_mock::Fault::Status(400));
    let output = run(&url, &args).await;
    assert_eq!(output.status.code(), Some(5));
    assert!(text(&output.stdout).contains("created 1, updated 0, applied 0, unknown 0, failed 1"));
    assert!(
        text(&output.stderr)
            .contains("row 1 (line 2), failed: upsertContact failed: the server answered 400")
    );
    // Sent again, it meets a 503: an upsert with only an email may have been applied.
    let mut again = args.to_vec();
    again.push("--retry-failed");
    mock.inject(highlevel_mock::Fault::Status(503));
    let output = run(&url, &again).await;
    assert_eq!(output.status.code(), Some(6), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("created 1, updated 0, applied 0, unknown 1, failed 0"));
    assert!(
        text(&output.stderr)
            .contains("row 1 (line 2), unknown: upsertContact: the request may have been applied")
    );
    // `--retry-failed` does not repeat it blindly.
    let sent = mock.stats().requests;
    let output = run(&url, &again).await;
    assert_eq!(output.status.code(), Some(6));
    assert_eq!(mock.stats().requests, sent);
    assert!(
        text(&output.stderr).contains("not sent again"),
        "{}",
        text(&output.stderr)
    );
    // A caller who knows the location matches on email sends it again.
    let mut matched = vec!["--match-fields", "email"];
    matched.extend(again.iter().copied());
    let output = run(&url, &matched).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("created 2, updated 0, applied 0, unknown 0, failed 0"));
    assert_eq!(mock.stats().contacts, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A progress file describes one server and location, and each row's content: another
/// target is refused, `--restart` starts over, and an edited row is sent again alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_is_tied_to_its_target_and_to_each_row_s_content() {
    let first = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let dir = temp_dir("target");
    let csv = write_csv(&dir, "c.csv", "email\na@example.com\nb@example.com\n");
    let csv_text = csv.to_str().unwrap().to_owned();
    let args = ["import", csv_text.as_str(), "--location-id", "loc"];
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let output = run(&first.url(), &args).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));

    // A fresh server: the progress file is not for it.
    let second = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let output = run(&second.url(), &args).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("run with --restart"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(second.stats().requests, 0);
    // Another location, the same.
    let other_location = ["import", csv_text.as_str(), "--location-id", "loc2"];
    assert_eq!(
        run(&first.url(), &other_location).await.status.code(),
        Some(2)
    );
    let mut restart = args.to_vec();
    restart.push("--restart");
    let output = run(&second.url(), &restart).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(second.stats().contacts, 2);

    // One row edited: only it is sent again.
    std::fs::write(&csv, "email\na@example.com\nc@example.com\n").unwrap();
    let sent = second.stats().requests;
    let output = run(&second.url(), &args).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(second.stats().requests, sent + 1);
    assert_eq!(second.stats().contacts, 3);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs `command` off the runtime's threads.
async fn output_of(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// `--help` names each variable, and never shows a credential's value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_names_the_variables_and_hides_the_credentials() {
    const SECRETS: [(&str, &str); 4] = [
        ("HIGHLEVEL_TOKEN", TOKEN),
        ("HIGHLEVEL_CLIENT_ID", "client-id-value"),
        ("HIGHLEVEL_CLIENT_SECRET", "client-secret-value"),
        ("HIGHLEVEL_REFRESH_TOKEN", "refresh-token-value"),
    ];
    for args in [
        &["--help"][..],
        &["upsert-contact", "--help"],
        &["import", "--help"],
    ] {
        let mut help = command("http://base.example");
        help.envs(SECRETS)
            .env("HIGHLEVEL_USER_TYPE", "Company")
            .args(args);
        let output = output_of(help).await;
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8_lossy(&output.stdout);
        for (name, value) in SECRETS {
            assert!(text.contains(&format!("[env: {name}]")), "{args:?}: {text}");
            assert!(!text.contains(value), "{args:?} shows {name}: {text}");
        }
        for name in [
            "HIGHLEVEL_BASE_URL",
            "HIGHLEVEL_REFRESH_TOKEN_FILE",
            "HIGHLEVEL_RECORD_DRIFT",
        ] {
            assert!(text.contains(name), "{args:?}: {text}");
        }
        // What is not a credential is shown, as any default is.
        assert!(
            text.contains("[env: HIGHLEVEL_USER_TYPE=Company]"),
            "{text}"
        );
    }
}

/// An empty variable counts as unset; a flag wins over its variable, wherever it is given.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_variables_count_as_unset_and_flags_win() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let url = mock.url();
    let stderr = |output: &Output| String::from_utf8_lossy(&output.stderr).into_owned();
    let upsert = ["upsert-contact", "--location-id", "l", "--email", "a@x.com"];

    let mut empty_token = command(&url);
    empty_token
        .env("HIGHLEVEL_TOKEN", "")
        .env("HIGHLEVEL_CLIENT_ID", "")
        .args(upsert);
    let output = output_of(empty_token).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("set HIGHLEVEL_TOKEN, or HIGHLEVEL_CLIENT_ID"),
        "{}",
        stderr(&output)
    );

    let mut empty_secret = command(&url);
    empty_secret
        .env("HIGHLEVEL_TOKEN", "")
        .env("HIGHLEVEL_CLIENT_ID", "client")
        .env("HIGHLEVEL_CLIENT_SECRET", "")
        .env("HIGHLEVEL_REFRESH_TOKEN", "refresh")
        .args(upsert);
    let output = output_of(empty_secret).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("set HIGHLEVEL_CLIENT_SECRET"),
        "{}",
        stderr(&output)
    );

    // An empty HIGHLEVEL_BASE_URL is HighLevel's; the import stops at the missing file,
    // before anything is sent.
    let mut empty_base = command("");
    empty_base.args(["import", "/nonexistent/contacts.csv", "--location-id", "l"]);
    let output = output_of(empty_base).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read"),
        "{}",
        stderr(&output)
    );
    // An empty --base-url is what was typed, and not a URL.
    let mut empty_flag = command(&url);
    empty_flag.args(["--base-url", ""]).args(upsert);
    let output = output_of(empty_flag).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot build the client"),
        "{}",
        stderr(&output)
    );

    // --base-url after the command wins over HIGHLEVEL_BASE_URL, as before it.
    let mut flag_after = command("http://unused.invalid");
    flag_after.args(upsert).args(["--base-url", &url]);
    let answer = stdout_json(&output_of(flag_after).await);
    assert_eq!(answer["new"], true);
    // So does --token over HIGHLEVEL_TOKEN.
    let mut token_flag = command(&url);
    token_flag
        .env("HIGHLEVEL_TOKEN", "wrong")
        .args(upsert)
        .args(["--token", TOKEN]);
    let answer = stdout_json(&output_of(token_flag).await);
    assert_eq!(answer["new"], false);
}

/// The first 16 hex digits of the SHA-256 of a row's cells joined by U+001F: how every
/// version of the tool names a row's content in the progress file.
fn row_hash(cells: &[&str]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(cells.join("\u{1f}").as_bytes())[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A progress file written by an earlier version (fields split by tabs, nothing quoted)
/// resumes: its rows are not sent again, and its reasons are reported as written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_progress_file_of_the_earlier_format_resumes() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    let url = mock.url();
    let dir = temp_dir("earlier-progress");
    let csv = write_csv(
        &dir,
        "c.csv",
        "email,firstName\na@example.com,A\nb@example.com,B\nc@example.com,C\n",
    );
    let reason = r#"upsertContact failed: the server answered 400: "phone" is bad, it says"#;
    let earlier = format!(
        "# highlevel-contacts import\t{url}\tloc\n\
         1\tcreated\t{}\t\n\
         2\tfailed\t{}\t{reason}\n",
        row_hash(&["a@example.com", "A"]),
        row_hash(&["b@example.com", "B"]),
    );
    let progress = dir.join("c.csv.progress");
    std::fs::write(&progress, &earlier).unwrap();
    let args = ["import", csv.to_str().unwrap(), "--location-id", "loc"];

    let output = run(&url, &args).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains("created 2, updated 0, applied 0, unknown 0, failed 1")
    );
    assert!(
        stderr.contains(&format!("row 2 (line 3), failed: {reason}")),
        "{stderr}"
    );
    assert_eq!(mock.stats().requests, 1, "only the unrecorded row is sent");
    assert_eq!(mock.contacts()[0]["email"], "c@example.com");
    let text = std::fs::read_to_string(&progress).unwrap();
    assert!(
        text.starts_with(&earlier),
        "the earlier records are kept: {text}"
    );

    // Everything is recorded now: a second run sends nothing.
    let output = run(&url, &args).await;
    assert_eq!(output.status.code(), Some(5));
    assert_eq!(mock.stats().requests, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `NAME.csv` with `rows` contacts whose emails start with `prefix`.
fn contacts_csv(dir: &Path, name: &str, prefix: &str, rows: usize) -> String {
    let mut text = String::from("email,firstName\n");
    for i in 0..rows {
        text.push_str(&format!("{prefix}{i}@example.com,{prefix} {i}\n"));
    }
    write_csv(dir, name, &text).to_str().unwrap().to_owned()
}

/// The server's window, and the client's: a tenth longer, the tolerance a loaded machine
/// needs for the jitter between a request's start and its arrival.
const SERVER_LIMIT: &str = "10/1s";
const CLIENT_LIMIT: &str = "10/1100ms";

fn import_command(url: &str, csv: &str, rate_store: Option<&str>) -> Command {
    let mut command = command(url);
    if let Some(store) = rate_store {
        command.env("HIGHLEVEL_RATE_STORE", store);
    }
    command
        .args([
            "--rate-limit",
            CLIENT_LIMIT,
            "import",
            csv,
            "--location-id",
            "loc",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

async fn finished(child: std::process::Child) -> Output {
    tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
}

fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_import_meets_no_429_from_the_first_one_s_requests() {
    let mock =
        MockServer::start(Config::new(TOKEN).rate_limit(parse_rate_limit(SERVER_LIMIT).unwrap()))
            .await
            .unwrap();
    let url = mock.url();
    let dir = temp_dir("second-import");
    let first = contacts_csv(&dir, "first.csv", "first", 7);
    let second = contacts_csv(&dir, "second.csv", "second", 7);

    assert_exit(&output_of(import_command(&url, &first, None)).await, 0);
    // At once: 7 of the 10 the server allows are still in its window. Sent 8 at a time,
    // the second import's rows would meet 429s.
    assert_exit(&output_of(import_command(&url, &second, None)).await, 0);

    let stats = mock.stats();
    assert_eq!(stats.contacts, 14);
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; cargo xtask test runs it"]
async fn two_imports_sharing_a_budget_through_redis_stay_under_the_server_s_window() {
    let redis = RedisServer::start();
    let mock =
        MockServer::start(Config::new(TOKEN).rate_limit(parse_rate_limit(SERVER_LIMIT).unwrap()))
            .await
            .unwrap();
    let url = mock.url();
    let dir = temp_dir("redis-two");
    let (a, b) = (
        contacts_csv(&dir, "a.csv", "a", 25),
        contacts_csv(&dir, "b.csv", "b", 25),
    );

    let started = Instant::now();
    let first = import_command(&url, &a, Some(&redis.url()))
        .spawn()
        .unwrap();
    let second = import_command(&url, &b, Some(&redis.url()))
        .spawn()
        .unwrap();
    assert_exit(&finished(first).await, 0);
    assert_exit(&finished(second).await, 0);

    // The server's window of arrivals refuses the 11th in any second: none was refused.
    let stats = mock.stats();
    assert_eq!(stats.contacts, 50);
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    assert_eq!(stats.requests, 50);
    // Together, not each on its own: 50 requests at 10 per 1.1 s take 4 windows or more.
    assert!(started.elapsed() >= Duration::from_millis(4 * 1100));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; cargo xtask test runs it"]
async fn a_restarted_import_sharing_redis_meets_no_429_from_its_predecessor_s_requests() {
    let redis = RedisServer::start();
    let mock =
        MockServer::start(Config::new(TOKEN).rate_limit(parse_rate_limit(SERVER_LIMIT).unwrap()))
            .await
            .unwrap();
    let url = mock.url();
    let dir = temp_dir("redis-restarted");
    let (before, after) = (
        contacts_csv(&dir, "before.csv", "before", 10),
        contacts_csv(&dir, "after.csv", "after", 5),
    );

    // The first fills the server's window; the next starts at once, and even its first
    // row would meet a 429 without the shared store.
    assert_exit(
        &output_of(import_command(&url, &before, Some(&redis.url()))).await,
        0,
    );
    assert_exit(
        &output_of(import_command(&url, &after, Some(&redis.url()))).await,
        0,
    );

    let stats = mock.stats();
    assert_eq!(stats.contacts, 15);
    assert_eq!(stats.rate_limited, 0, "{stats:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs redis-server; cargo xtask test runs it"]
async fn an_import_whose_redis_stops_records_only_what_it_sent_and_a_rerun_sends_the_rest() {
    const ROWS: usize = 40;
    let mut redis = RedisServer::start_with_password("store-password");
    let mock =
        MockServer::start(Config::new(TOKEN).rate_limit(parse_rate_limit(SERVER_LIMIT).unwrap()))
            .await
            .unwrap();
    let url = mock.url();
    let dir = temp_dir("redis-stopped");
    let csv = contacts_csv(&dir, "rows.csv", "row", ROWS);
    let progress = dir.join("rows.csv.progress");
    let store = redis.url();

    let child = import_command(&url, &csv, Some(&store)).spawn().unwrap();
    let started = Instant::now();
    while std::fs::read_to_string(&progress).map_or(0, |t| t.lines().count()) < 12 {
        assert!(started.elapsed() < Duration::from_secs(30), "no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    redis.stop();
    let output = finished(child).await;
    assert_exit(&output, 7);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(!stderr.contains("store-password"), "{stderr}");
    assert!(
        stderr.contains("run the same command to send them"),
        "{stderr}"
    );
    let recorded = std::fs::read_to_string(&progress)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with('#'))
        .count();
    assert!(
        stdout.contains(&format!("not sent {}", ROWS - recorded)),
        "{stdout}"
    );
    assert_eq!(
        mock.stats().contacts as usize,
        recorded,
        "every row sent is recorded, and no other"
    );

    redis.restart();
    assert_exit(
        &output_of(import_command(&url, &csv, Some(&store))).await,
        0,
    );
    let mut emails: Vec<_> = mock
        .contacts()
        .iter()
        .map(|c| c["email"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(emails.len(), ROWS, "no row lost");
    emails.sort();
    emails.dedup();
    assert_eq!(emails.len(), ROWS, "none duplicated");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--record-drift FILE` (or `HIGHLEVEL_RECORD_DRIFT`) records where the answers depart
/// from the spec: here a stored contact with a property the spec does not declare. The
/// record holds none of the contact's values, and the file is appended to, run after run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_drift_appends_the_answers_departures_without_their_values() {
    let mock = MockServer::start(Config::new(TOKEN)).await.unwrap();
    mock.insert_contact(json!({
        "locationId": "loc",
        "email": "ingrid.private@example.com",
        "firstName": "Ingrid",
        "preferredLanguage": "Ingrid's own Nynorsk",
    }))
    .unwrap();
    let url = mock.url();
    let dir = temp_dir("record-drift");
    let record = dir.join("drift.jsonl");
    let record_text = record.to_str().unwrap();
    let upsert = [
        "upsert-contact",
        "--location-id",
        "loc",
        "--email",
        "ingrid.private@example.com",
    ];
    let by_flag: Vec<&str> = ["--record-drift", record_text]
        .into_iter()
        .chain(upsert)
        .collect();
    stdout_json(&run(&url, &by_flag).await);
    let mut by_variable = command(&url);
    by_variable
        .env("HIGHLEVEL_RECORD_DRIFT", &record)
        .args(upsert);
    assert_eq!(output_of(by_variable).await.status.code(), Some(0));

    let text = std::fs::read_to_string(&record).unwrap();
    for value in ["Ingrid", "ingrid.private", "Nynorsk", "\"loc\"", TOKEN] {
        assert!(
            !text.contains(value),
            "`{value}` reached the record:\n{text}"
        );
    }
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // One line per run.
    assert_eq!(lines.len(), 2, "{text}");
    for line in &lines {
        assert_eq!(line["crate"], "highlevel-contacts", "{line}");
        assert_eq!(line["spec_sha256"], highlevel_contacts::SPEC_SHA256);
        assert_eq!(line["operation"], "upsertContact", "{line}");
        assert_eq!(line["kind"], "undeclared_property", "{line}");
        assert_eq!(line["pointer"], "/contact/preferredLanguage", "{line}");
        assert_eq!(line["observed"], json!({"type": "string"}), "{line}");
        assert_eq!(line["count"], 1, "{line}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
