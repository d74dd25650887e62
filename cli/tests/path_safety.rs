//! `update-contact --contact-id=VALUE` keeps VALUE inside one path segment:
//! the property of the client's own test, through the command-line tool.

use std::process::{Command, Stdio};

use highlevel_tests::{RecordingServer, decodes_to, hostile_text};
use proptest::prelude::*;

const TOKEN: &str = "cli-secret-token";

proptest! {
    #![proptest_config(highlevel_tests::proptest_config(512))]

    #[test]
    fn a_contact_id_from_argv_is_one_segment_that_decodes_to_itself(
        // argv cannot carry NUL.
        contact_id in hostile_text().prop_filter("argv has no NUL", |text| !text.contains('\0')),
    ) {
        static SERVER: std::sync::LazyLock<RecordingServer> = std::sync::LazyLock::new(|| {
            RecordingServer::start(200, r#"{"succeded":true,"contact":{"id":"x"}}"#)
        });
        SERVER.take();
        let output = Command::new(env!("CARGO_BIN_EXE_highlevel-contacts"))
            .env_clear()
            .env("HIGHLEVEL_TOKEN", TOKEN)
            .env("HIGHLEVEL_BASE_URL", SERVER.url())
            .args(["--attempts", "1", "update-contact"])
            .arg(format!("--contact-id={contact_id}"))
            .args(["--json", r#"{"city":"X"}"#])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        prop_assert!(!stderr.contains(TOKEN), "the token leaked: {}", stderr);
        let seen = SERVER.take();
        if matches!(contact_id.as_str(), "" | "." | "..") {
            prop_assert_eq!(output.status.code(), Some(2), "{}", stderr);
            prop_assert!(stderr.contains("`contactId`"), "{}", stderr);
            prop_assert!(seen.is_empty(), "{:?}", seen);
        } else {
            prop_assert_eq!(output.status.code(), Some(0), "{:?}: {}", contact_id, stderr);
            prop_assert_eq!(seen.len(), 1, "{:?}", seen);
            let segment = seen[0].target.strip_prefix("/contacts/");
            prop_assert!(segment.is_some(), "{:?} went to {}", contact_id, seen[0].target);
            if let Err(reason) = decodes_to(segment.unwrap(), &contact_id) {
                panic!("{contact_id:?}: {reason}");
            }
        }
    }
}

/// A 422's rejected property names, as the tool prints them.
#[test]
fn a_422_names_the_rejected_properties() {
    let server = RecordingServer::start(
        422,
        r#"{"statusCode":422,"message":["property companyName should not exist","property gender should not exist","email must be an email"],"error":"Unprocessable Entity"}"#,
    );
    let output = Command::new(env!("CARGO_BIN_EXE_highlevel-contacts"))
        .env_clear()
        .env("HIGHLEVEL_TOKEN", TOKEN)
        .env("HIGHLEVEL_BASE_URL", server.url())
        .args(["update-contact", "--contact-id", "c1", "--city", "Paris"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("(rejected properties: companyName, gender)"),
        "{stderr}"
    );
}
