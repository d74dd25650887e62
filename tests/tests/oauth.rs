//! OAuth token renewal against a token endpoint and an API on 127.0.0.1.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use highlevel_contacts::types::UpdateContactRequest;
use highlevel_contacts::{Client, Error, OAuthRefresh, SecretToken};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_SECRET: &str = "client-secret-value";

fn updated() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"succeded": true, "contact": {"id": "c1"}}))
}

fn renewal(access: &str, refresh: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": access, "token_type": "Bearer", "expires_in": 86399, "refresh_token": refresh
    }))
}

/// An API that accepts only `Bearer <access>`, with a token endpoint.
async fn api_accepting(access: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(header("authorization", format!("Bearer {access}").as_str()))
        .respond_with(updated())
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"statusCode": 401, "message": "Invalid JWT"})),
        )
        .mount(&server)
        .await;
    server
}

fn refresh(server: &MockServer, refresh_token: &str) -> OAuthRefresh {
    OAuthRefresh::new(
        format!("{}/oauth/token", server.uri()),
        "client-1",
        CLIENT_SECRET,
        refresh_token,
    )
    .form_field("user_type", "Location")
}

/// The token endpoint answers with `access`, and must be asked `times`.
async fn expect_renewals(server: &MockServer, access: &str, times: u64) {
    Mock::given(method("POST"))
        .respond_with(renewal(access, "r2"))
        .expect(times)
        .mount(server)
        .await;
}

async fn update(
    server: &MockServer,
    refresh: OAuthRefresh,
) -> Result<
    highlevel_contacts::Response<highlevel_contacts::types::UpdateContactResponse>,
    Error<highlevel_contacts::UpdateContactError>,
> {
    client(server, refresh)
        .update_contact("c1", &UpdateContactRequest::new())
        .await
}

/// How many updates reached the API.
async fn puts(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "PUT")
        .count()
}

fn client(server: &MockServer, refresh: OAuthRefresh) -> Client {
    Client::builder(refresh)
        .base_url(server.uri())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_first_request_renews_with_the_refresh_grant_and_hands_over_the_new_refresh_token() {
    let server = api_accepting("access-1").await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("client_id=client-1"))
        .and(body_string_contains("client_secret=client-secret-value"))
        .and(body_string_contains("refresh_token=refresh-1"))
        .and(body_string_contains("user_type=Location"))
        .respond_with(renewal("access-1", "refresh-2"))
        .expect(1)
        .mount(&server)
        .await;
    let stored = Arc::new(Mutex::new(Vec::new()));
    let sink = stored.clone();
    let refresh = refresh(&server, "refresh-1").on_refresh_token(move |token: SecretToken| {
        let sink = sink.clone();
        async move {
            sink.lock().unwrap().push(token.expose().to_owned());
            Ok(())
        }
    });

    let client = client(&server, refresh);
    client
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap();
    client
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap();

    assert_eq!(
        *stored.lock().unwrap(),
        ["refresh-2"],
        "renewed once, rotated token handed over"
    );
}

#[tokio::test]
async fn a_token_valid_beyond_the_margin_is_used_without_renewal() {
    let server = api_accepting("held").await;
    expect_renewals(&server, "new", 0).await;
    let refresh = refresh(&server, "r1").access_token("held", Duration::from_secs(3600));
    update(&server, refresh).await.unwrap();
}

#[tokio::test]
async fn a_token_about_to_expire_is_renewed_ahead() {
    let server = api_accepting("fresh").await;
    expect_renewals(&server, "fresh", 1).await;
    let refresh = refresh(&server, "r1").access_token("stale", Duration::from_secs(60));
    update(&server, refresh).await.unwrap();
}

#[tokio::test]
async fn a_401_renews_once_and_retries() {
    let server = api_accepting("fresh").await;
    expect_renewals(&server, "fresh", 1).await;
    // The held token looks valid, but the API has revoked it.
    let refresh = refresh(&server, "r1").access_token("revoked", Duration::from_secs(3600));
    update(&server, refresh).await.unwrap();
    let puts = puts(&server).await;
    assert_eq!(puts, 2);
}

#[tokio::test]
async fn a_rejected_renewed_token_is_not_renewed_again() {
    let server = api_accepting("never-issued").await;
    expect_renewals(&server, "also-rejected", 1).await;
    let refresh = refresh(&server, "r1").access_token("revoked", Duration::from_secs(3600));
    let error = update(&server, refresh).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn concurrent_requests_share_one_renewal() {
    let server = api_accepting("shared").await;
    Mock::given(method("POST"))
        .respond_with(renewal("shared", "r2").set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, refresh(&server, "r1"));
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .update_contact("c1", &UpdateContactRequest::new())
                    .await
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn a_failure_to_store_the_new_refresh_token_fails_the_request() {
    let server = api_accepting("access-1").await;
    Mock::given(method("POST"))
        .respond_with(renewal("access-1", "refresh-2"))
        .mount(&server)
        .await;
    let refresh = refresh(&server, "refresh-1")
        .on_refresh_token(|_| async { Err::<(), String>("the vault is read-only".to_owned()) });
    let error = update(&server, refresh).await.unwrap_err();
    assert!(matches!(error, Error::Token(_)), "{error:?}");
    assert!(
        error.to_string().contains("the vault is read-only"),
        "{error}"
    );
    let puts = puts(&server).await;
    assert_eq!(puts, 0, "nothing is sent without a stored refresh token");
}

#[tokio::test]
async fn a_refused_renewal_is_a_token_error_that_shows_no_secret() {
    let server = api_accepting("never").await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&server)
        .await;
    let refresh = refresh(&server, "refresh-secret-1");
    let client = client(&server, refresh);
    let error = client
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Token(_)), "{error:?}");
    for text in [
        error.to_string(),
        format!("{error:?}"),
        format!("{client:?}"),
    ] {
        assert!(
            !text.contains(CLIENT_SECRET) && !text.contains("refresh-secret-1"),
            "{text}"
        );
    }
}

/// A retry whose credentials cannot be had is not sent: the answer before it
/// stands, rather than the token error of an attempt that never left.
#[tokio::test]
async fn a_retry_without_credentials_leaves_the_answer_before_it() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .expect(1)
        .mount(&server)
        .await;
    // Expired by the time the retry is due, and cannot be renewed.
    let refresh = refresh(&server, "r1")
        .access_token("held", Duration::from_millis(300))
        .refresh_ahead(Duration::ZERO);
    let error = update(&server, refresh).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
    assert_eq!(puts(&server).await, 1);
}
