//! A spec that grows reaches the command-line tool, the import and the mock without a hand
//! edit: both request bodies gain an optional nullable `nickname`, a boolean, an integer,
//! an enum and an object property; the crate is regenerated into a scratch workspace
//! beside verbatim copies of `cli/` and `mock/`, which are built there and run.
//!
//! `#[ignore]`d under plain `cargo test`: it builds both tools from scratch (minutes on
//! two cores). `cargo xtask test` runs it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use highlevel_tests::Listening;

use serde_json::{Value, json};

const TOKEN: &str = "grown-token";

/// The properties added to both request bodies, as the spec would declare them.
fn added_properties() -> serde_yaml_ng::Value {
    serde_yaml_ng::from_str(
        r#"
nickname:
  type: string
  nullable: true
  description: What the contact likes to be called.
vip:
  type: boolean
  description: The contact is a VIP.
visits:
  type: integer
  description: How many times the contact visited.
tier:
  type: string
  enum: [gold, silver]
  description: Loyalty tier.
preferences:
  type: object
  additionalProperties: false
  description: Contact preferences.
  properties:
    channel:
      type: string
"#,
    )
    .unwrap()
}

fn grown_spec(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join(xtask::SPEC)).unwrap();
    let mut spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let added = added_properties();
    for body in ["UpdateContactRequest", "UpsertContactRequest"] {
        let properties = spec["components"]["schemas"][body]["properties"]
            .as_mapping_mut()
            .unwrap();
        for (name, schema) in added.as_mapping().unwrap() {
            properties.insert(name.clone(), schema.clone());
        }
    }
    serde_yaml_ng::to_string(&spec).unwrap()
}

/// Every file under `dir`, by relative path, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_owned(), bytes);
            }
        }
    }
    files
}

/// Copies `cli/` or `mock/` verbatim: its sources and its manifest, without the
/// dev-dependencies, which name test crates of this workspace.
fn copy_tool(root: &Path, name: &str, into: &Path) {
    let _ = std::fs::remove_dir_all(into.join(name));
    for (path, bytes) in snapshot(&root.join(name).join("src")) {
        let target = into.join(name).join("src").join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    let manifest = std::fs::read_to_string(root.join(name).join("Cargo.toml")).unwrap();
    let manifest = match manifest.find("[dev-dependencies]") {
        Some(at) => &manifest[..at],
        None => &manifest,
    };
    std::fs::write(into.join(name).join("Cargo.toml"), manifest).unwrap();
}

/// This repository's workspace manifest (its shared package settings and dependencies),
/// with the scratch members.
fn workspace_manifest(root: &Path) -> String {
    let members = r#"["generated", "cli", "mock"]"#;
    std::fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .lines()
        .map(|line| {
            if line.starts_with("members =") {
                format!("members = {members}")
            } else if line.starts_with("default-members =") {
                format!("default-members = {members}")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Regenerates the grown spec beside the copies of the tools and builds them; returns the
/// folder of the binaries.
fn build_scratch(root: &Path) -> PathBuf {
    let scratch = highlevel_tests::scratch_dir().join("grown-spec");
    std::fs::create_dir_all(scratch.join("spec")).unwrap();
    let spec_path = scratch.join(xtask::SPEC);
    std::fs::write(&spec_path, grown_spec(root)).unwrap();
    let config = xtask::CodegenConfig::read(&root.join(xtask::CODEGEN_CONFIG)).unwrap();
    let generated = xtask::generate_spec(&spec_path, xtask::SPEC, &config).unwrap();
    xtask::write_atomically(&scratch.join("generated"), &generated).unwrap();
    copy_tool(root, "cli", &scratch);
    copy_tool(root, "mock", &scratch);
    std::fs::write(scratch.join("Cargo.toml"), workspace_manifest(root)).unwrap();
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    let target = highlevel_tests::scratch_dir().join("grown-spec-target");
    let output = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--bins"])
        .env("CARGO_TARGET_DIR", &target)
        // Regenerated on every run: incremental state would only fill the disk.
        .env("CARGO_INCREMENTAL", "0")
        .current_dir(&scratch)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the tools do not build against the grown spec:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target.join("debug")
}

fn start_mock(bin: &Path) -> Listening {
    Listening::spawn(Command::new(bin.join("highlevel-mock")).args([
        "--listen",
        "127.0.0.1:0",
        "--token",
        TOKEN,
    ]))
}

fn stored_contacts(mock: &Listening) -> Vec<Value> {
    let response = blocking_get(&format!("{}/_mock/contacts", mock.url()));
    serde_json::from_str::<Value>(&response)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn blocking_get(url: &str) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async { reqwest::get(url).await.unwrap().text().await.unwrap() })
}

fn cli(bin: &Path, mock: &Listening, args: &[&str]) -> Output {
    Command::new(bin.join("highlevel-contacts"))
        .env("HIGHLEVEL_TOKEN", TOKEN)
        .env("HIGHLEVEL_BASE_URL", mock.url())
        .args(args)
        .output()
        .unwrap()
}

fn succeeded(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn contact_with_email<'c>(contacts: &'c [Value], email: &str) -> &'c Value {
    contacts
        .iter()
        .find(|contact| contact["email"] == email)
        .unwrap_or_else(|| panic!("no contact {email} in {contacts:?}"))
}

#[test]
#[ignore = "builds the command-line tool and the mock from scratch (minutes); cargo xtask test runs it"]
fn properties_added_to_the_spec_reach_the_tool_the_import_and_the_mock() {
    let root = xtask::repo_root();
    let sources = || {
        (
            snapshot(&root.join("cli/src")),
            snapshot(&root.join("mock/src")),
        )
    };
    let before = sources();
    let bin = build_scratch(&root);
    let mock = start_mock(&bin);

    // Every scalar kind gets a flag.
    let answer = succeeded(&cli(
        &bin,
        &mock,
        &[
            "upsert-contact",
            "--location-id",
            "loc",
            "--email",
            "nick@example.com",
            "--nickname",
            "Nick",
            "--vip",
            "true",
            "--visits",
            "3",
            "--tier",
            "gold",
        ],
    ));
    let id = answer["contact"]["id"].as_str().unwrap().to_owned();
    let stored = contact_with_email(&stored_contacts(&mock), "nick@example.com").clone();
    assert_eq!(stored["nickname"], "Nick");
    assert_eq!(stored["vip"], true);
    assert_eq!(stored["visits"], 3);
    assert_eq!(stored["tier"], "gold");

    // A value outside the enum, a number that is not whole: refused before sending.
    for (flag, value) in [("--tier", "bronze"), ("--visits", "2.5"), ("--vip", "yes")] {
        let output = cli(
            &bin,
            &mock,
            &["upsert-contact", "--location-id", "loc", flag, value],
        );
        assert_eq!(output.status.code(), Some(2), "{flag} {value}");
    }

    // The nullable one can be cleared; the others cannot.
    succeeded(&cli(
        &bin,
        &mock,
        &["update-contact", "--contact-id", &id, "--clear", "nickname"],
    ));
    let stored = contact_with_email(&stored_contacts(&mock), "nick@example.com").clone();
    assert!(stored.get("nickname").is_none(), "{stored}");
    assert_eq!(stored["vip"], true);
    let output = cli(
        &bin,
        &mock,
        &["update-contact", "--contact-id", &id, "--clear", "vip"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot be cleared"));

    // The object goes through --json.
    succeeded(&cli(
        &bin,
        &mock,
        &[
            "upsert-contact",
            "--json",
            r#"{"locationId":"loc","email":"pref@example.com","preferences":{"channel":"sms"}}"#,
        ],
    ));
    let stored = contact_with_email(&stored_contacts(&mock), "pref@example.com").clone();
    assert_eq!(stored["preferences"], json!({"channel": "sms"}));

    // The import types each column by the table.
    let csv = highlevel_tests::scratch_dir()
        .join("grown-spec")
        .join("rows.csv");
    std::fs::write(
        &csv,
        "email,nickname,vip,visits,tier,preferences\n\
         row@example.com,Rowan,false,7,silver,\"{\"\"channel\"\":\"\"email\"\"}\"\n",
    )
    .unwrap();
    let _ = std::fs::remove_file(csv.with_extension("csv.progress"));
    let output = cli(
        &bin,
        &mock,
        &["import", csv.to_str().unwrap(), "--location-id", "loc"],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stored = contact_with_email(&stored_contacts(&mock), "row@example.com").clone();
    assert_eq!(stored["nickname"], "Rowan");
    assert_eq!(stored["vip"], false);
    assert_eq!(stored["visits"], 7);
    assert_eq!(stored["tier"], "silver");
    assert_eq!(stored["preferences"], json!({"channel": "email"}));

    // The mock rejects what the grown spec does not declare, in the spec's words.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (status, body) = runtime.block_on(async {
        let response = reqwest::Client::new()
            .post(format!("{}/contacts/upsert", mock.url()))
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("version", "2021-07-28")
            .json(&json!({"locationId": "loc", "nickname": "N", "nickname2": "x"}))
            .send()
            .await
            .unwrap();
        (
            response.status().as_u16(),
            response.json::<Value>().await.unwrap(),
        )
    });
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["message"],
        json!(["property nickname2 should not exist"])
    );

    // Nothing of the tools had to change.
    drop(mock);
    assert!(before == sources(), "the test changed cli/ or mock/");
}
