//! The examples as users run them, against a server on 127.0.0.1.

use std::path::PathBuf;
use std::process::Output;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "example-secret-token";

/// `cargo test` builds the examples beside this test's own binary.
fn example(name: &str) -> PathBuf {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_owned();
    deps.parent().unwrap().join("examples").join(name)
}

async fn run(name: &str, server: &MockServer, extra: &[(&str, &str)]) -> Output {
    let mut command = tokio::process::Command::new(example(name));
    command
        .env("HIGHLEVEL_TOKEN", TOKEN)
        .env("HIGHLEVEL_BASE_URL", server.uri());
    for (key, value) in extra {
        command.env(key, value);
    }
    command.output().await.unwrap()
}

#[tokio::test]
async fn update_contact_prints_the_contact() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/contacts/c-42"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"succeded": true, "contact": {"id": "c-42"}})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let output = run("update_contact", &server, &[("CONTACT_ID", "c-42")]).await;

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("\"c-42\""));
}

#[tokio::test]
async fn upsert_contact_prints_an_api_error_without_the_token_and_fails() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "statusCode": 422, "message": ["email must be an email"], "error": "Unprocessable Entity"
        })))
        .mount(&server)
        .await;

    let output = run("upsert_contact", &server, &[("LOCATION_ID", "loc-1")]).await;

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("email must be an email"), "{stderr}");
    assert!(!stderr.contains(TOKEN) && !String::from_utf8_lossy(&output.stdout).contains(TOKEN));
}

#[tokio::test]
async fn oauth_variables_renew_a_token_before_the_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "access-from-refresh", "expires_in": 86399, "refresh_token": "rotated"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(wiremock::matchers::header(
            "authorization",
            "Bearer access-from-refresh",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"succeded": true, "contact": {"id": "c-7"}})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let output = tokio::process::Command::new(example("update_contact"))
        .env_remove("HIGHLEVEL_TOKEN")
        .env("HIGHLEVEL_CLIENT_ID", "client")
        .env("HIGHLEVEL_CLIENT_SECRET", "secret")
        .env("HIGHLEVEL_REFRESH_TOKEN", "refresh")
        .env("HIGHLEVEL_BASE_URL", server.uri())
        .env("CONTACT_ID", "c-7")
        .output()
        .await
        .unwrap();

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("\"c-7\""));
}

#[tokio::test]
async fn a_missing_token_is_explained() {
    let output = tokio::process::Command::new(example("update_contact"))
        .env_remove("HIGHLEVEL_TOKEN")
        .env_remove("HIGHLEVEL_CLIENT_ID")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("HIGHLEVEL_TOKEN"));
}
