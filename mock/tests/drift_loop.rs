//! The drift loop, closed. The mock serves answers that drift from the spec (`--drift`); a
//! client records what departs from its spec (`record_drift`); `cargo xtask drift` proposes
//! the change, is judged by the diff report, and applies it to a copy of the repository; and
//! the crate generated from the applied spec decodes the drifted answer into its new typed
//! fields. (The command-line tool's `--record-drift` is driven against the same mock in
//! `cli/tests/`.)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use highlevel_contacts::Client;
use highlevel_contacts::types::{UpdateContactRequest, UpsertContactRequest};
use highlevel_mock::{Config, MockServer};
use serde_json::Value;
use xtask::diff::Class;

const TOKEN: &str = "test-token";

/// What `--apply` reads and writes, copied: `spec/` and the files generation copies.
fn repository_copy() -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("drift-loop-repository");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("spec")).unwrap();
    for file in xtask::APPLY_INPUTS {
        std::fs::copy(xtask::repo_root().join(file), root.join(file)).unwrap();
    }
    root
}

/// Upserts and updates a contact through a client that records drift into `record`, and
/// returns the upsert's answer as received.
async fn drive_recording_client(mock: &MockServer, record: &Path) -> String {
    let client = Client::builder(TOKEN)
        .base_url(mock.url())
        .record_drift(record)
        .build()
        .unwrap();
    let upserted = client
        .upsert_contact(
            &UpsertContactRequest::new("loc")
                .email("ada@example.com")
                .first_name("Ada")
                .tags(["vip"]),
        )
        .await
        .unwrap();
    assert_eq!(upserted.status().as_u16(), 201);
    let id = upserted.body().contact.id.clone();
    client
        .update_contact(&id, &UpdateContactRequest::new().city("Paris"))
        .await
        .unwrap();
    // Dropped: the recorder appends what it counted.
    drop(client);
    String::from_utf8(upserted.raw_body().to_vec()).unwrap()
}

/// Each line's `(kind, pointer)`, and that no line holds a contact's values.
fn recorded(record: &Path) -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(record).unwrap();
    for value in ["ada@example.com", "Ada", "vip", "Paris", TOKEN] {
        assert!(!text.contains(value), "{value} reached the record:\n{text}");
    }
    text.lines()
        .map(|line| {
            let line: Value = serde_json::from_str(line).unwrap();
            let field = |name: &str| line[name].as_str().unwrap_or_default().to_owned();
            (field("kind"), field("pointer"))
        })
        .collect()
}

/// Builds a driver against the crate generated at `root` and runs it on `answer`.
fn decoded_by_the_new_crate(root: &Path, answer: &str) -> String {
    let config = xtask::CodegenConfig::read(&root.join(xtask::CODEGEN_CONFIG)).unwrap();
    let generated = xtask::repo_crate(root, &config).unwrap();
    let driver = codegen::GeneratedCrate {
        files: [
            (
                "Cargo.toml".to_owned(),
                "[package]\nname = \"drift-driver\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nhighlevel-contacts = { path = \"../generated\" }\nserde_json = \"1\"\n"
                    .to_owned(),
            ),
            (
                "src/main.rs".to_owned(),
                include_str!("../../tests/scratch/drift_driver.rs").to_owned(),
            ),
        ]
        .into(),
        notes: Vec::new(),
    };
    let workspace = highlevel_tests::write_workspace(
        "drift-loop",
        &[
            ("generated".to_owned(), generated),
            ("driver".to_owned(), driver),
        ],
    )
    .unwrap();
    if let Err(messages) =
        highlevel_tests::scratch_cargo(&workspace, &["build", "--quiet", "-p", "drift-driver"])
    {
        panic!("the driver does not build against the new crate:\n{messages}");
    }
    let mut child = std::process::Command::new(
        highlevel_tests::scratch_dir().join("target/debug/drift-driver"),
    )
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn drift_recorded_in_production_becomes_a_reviewed_change_and_typed_fields() {
    let root = repository_copy();
    let record = root.join("drift.jsonl");
    let mock = MockServer::start(Config::new(TOKEN).drift(true))
        .await
        .unwrap();
    let answer = drive_recording_client(&mock, &record).await;
    mock.shutdown().await;

    println!(
        "--- the record\n{}",
        std::fs::read_to_string(&record).unwrap()
    );
    let seen = recorded(&record);
    for expected in [
        ("undeclared_property", "/contact/preferredLanguage"),
        ("unlisted_enum_value", "/contact/dndSettings/SMS/status"),
        ("unexpected_null", "/contact/tags"),
        ("undeclared_status", ""),
    ] {
        let expected = (expected.0.to_owned(), expected.1.to_owned());
        assert!(seen.contains(&expected), "{expected:?} not in {seen:#?}");
    }

    let options = xtask::drift::Options {
        records: vec![record.clone()],
        spec: None,
        out: root.join(xtask::drift::OVERLAY),
        apply: true,
    };
    let outcome = xtask::drift::run(&root, &options).unwrap();
    assert_eq!(outcome.proposal.edits.len(), 4, "{}", outcome.overlay);

    // Every change is non-breaking, or says why it breaks: `tags` becoming nullable
    // changes its Rust type.
    let report = outcome.report.as_ref().unwrap();
    println!("--- {}\n{}", xtask::drift::OVERLAY, outcome.overlay);
    println!("--- report\n{}", xtask::diff::report::markdown(report));
    for change in &report.changes {
        assert!(
            change.class != Class::Breaking || change.message.contains("its Rust type changes"),
            "{}",
            change.message
        );
    }

    let printed = decoded_by_the_new_crate(&root, &answer);
    println!("--- the drifted answer, decoded by the new crate\n{printed}");
    for expected in [
        "preferred_language Some(\"de\")",
        "tags None",
        "sms Some(Some(Paused))",
    ] {
        assert!(printed.contains(expected), "{expected}\n{printed}");
    }
}
