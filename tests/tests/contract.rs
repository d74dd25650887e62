//! Contract test: the generated client against Prism serving our spec.
//! Prism checks every request against the spec (path, headers, body) and
//! reports violations in an `sl-violations` header, so a request the spec
//! does not allow fails here.
//!
//! Prism is installed into `tools/` by `cargo xtask test`.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use highlevel_contacts::Client;
use highlevel_contacts::types::{
    CountryCode, CustomFieldInput, CustomFieldValue, InboundDndSetting, InboundDndSettingStatus,
    InboundDndSettings, UpdateContactRequest, UpsertContactRequest,
};

/// A Prism mock server on 127.0.0.1, stopped on drop.
struct Prism {
    child: Child,
    base_url: String,
}

impl Prism {
    fn start() -> Prism {
        let root = xtask::repo_root();
        let binary = root.join("tools/node_modules/.bin/prism");
        assert!(
            binary.exists(),
            "{} is missing: run `cargo xtask test`, which installs it",
            binary.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(binary)
            .args([
                "mock",
                xtask::SPEC,
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--errors",
            ])
            .current_dir(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "Prism did not start listening on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Prism {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
        }
    }

    fn client(&self) -> Client {
        Client::builder("prism-token")
            .base_url(&self.base_url)
            .build()
            .unwrap()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn assert_no_violations<T>(response: &highlevel_contacts::Response<T>) {
    assert_eq!(
        response.header("sl-violations"),
        None,
        "Prism found the request invalid"
    );
}

#[tokio::test]
#[ignore = "needs Prism; cargo xtask test runs it"]
async fn every_request_the_client_builds_is_one_the_spec_allows() {
    let prism = Prism::start();
    let client = prism.client();

    let one_field = UpdateContactRequest::new().first_name("Jane");
    let response = client
        .update_contact("ocQHyuzHvysMo5N5VsXc", &one_field)
        .await
        .unwrap();
    assert_no_violations(&response);
    assert!(!response.contact.id.is_empty());

    let clear = UpdateContactRequest::new()
        .clear_email()
        .clear_date_of_birth()
        .tags(Vec::<String>::new());
    assert_no_violations(
        &client
            .update_contact("ocQHyuzHvysMo5N5VsXc", &clear)
            .await
            .unwrap(),
    );

    let full = UpsertContactRequest::new("ve9EPM428h8vShlRW1KT")
        .first_name("Rosan")
        .email("rosan@deos.com")
        .phone("+18888888888")
        .country(CountryCode::Us)
        .date_of_birth(chrono::NaiveDate::from_ymd_opt(1990, 9, 25).unwrap())
        .inbound_dnd_settings(
            InboundDndSettings::new()
                .all(InboundDndSetting::new(InboundDndSettingStatus::Inactive)),
        )
        .custom_fields([
            CustomFieldInput::new("a").field_value(CustomFieldValue::Number(100.into())),
            CustomFieldInput::new("b").field_value(CustomFieldValue::Options(vec!["x".into()])),
        ])
        .create_new_if_duplicate_allowed(false);
    let response = client.upsert_contact(&full).await.unwrap();
    assert_no_violations(&response);
    assert!(!response.contact.id.is_empty());
}

/// The same server refuses what the spec does not allow, so the test above
/// would notice a client that sent it.
#[tokio::test]
#[ignore = "needs Prism; cargo xtask test runs it"]
async fn prism_refuses_a_request_the_spec_does_not_allow() {
    let prism = Prism::start();
    let raw = reqwest::Client::new()
        .put(format!("{}/contacts/abc", prism.base_url))
        .bearer_auth("prism-token")
        .header("Version", "2021-07-28")
        .json(&serde_json::json!({"gender": "not accepted on update"}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 422);
    assert!(raw.headers().contains_key("sl-violations"));
}
