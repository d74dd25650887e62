//! The generated client against a real HTTP server on 127.0.0.1: what goes
//! on the wire, and how each kind of answer comes back.

use highlevel_contacts::types::{UpdateContactRequest, UpsertContactRequest};
use highlevel_contacts::{Client, Error, UpdateContactError, UpsertContactError};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pit-secret-0123456789";

fn client(server: &MockServer) -> Client {
    Client::builder(TOKEN)
        .base_url(server.uri())
        .build()
        .unwrap()
}

/// An empty update to a server that answers every update with `answer`.
async fn failed_update(answer: ResponseTemplate) -> (MockServer, Error<UpdateContactError>) {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(answer)
        .mount(&server)
        .await;
    let error = client(&server)
        .update_contact("x", &UpdateContactRequest::new())
        .await
        .unwrap_err();
    (server, error)
}

#[tokio::test]
async fn update_contact_sends_auth_version_and_body_and_decodes_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/contacts/ocQHyuzHvysMo5N5VsXc"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("version", "2021-07-28"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"firstName": "Jane"})))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "99")
                .set_body_json(json!({
                    "succeded": true,
                    "contact": {"id": "ocQHyuzHvysMo5N5VsXc", "firstName": "Jane", "unknownField": 1}
                })),
        )
        .expect(1)
        .mount(&server)
        .await;

    let body = UpdateContactRequest::new().first_name("Jane");
    let response = client(&server)
        .update_contact("ocQHyuzHvysMo5N5VsXc", &body)
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.succeeded, Some(true));
    assert_eq!(response.contact.id, "ocQHyuzHvysMo5N5VsXc");
    assert_eq!(response.contact.first_name.as_deref(), Some("Jane"));
    assert_eq!(response.header("x-ratelimit-remaining"), Some("99"));

    let requests = server.received_requests().await.unwrap();
    assert!(
        requests[0].headers.get("api-version").is_none(),
        "progenitor's api-version header must not be sent"
    );
}

/// One update through `client`; returns the `User-Agent` the server saw.
async fn user_agent_sent(server: &MockServer, client: Client) -> Option<String> {
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"contact": {"id": "c1"}})))
        .mount(server)
        .await;
    client
        .update_contact("c1", &UpdateContactRequest::new())
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let agent = requests.last().unwrap().headers.get("user-agent");
    agent.map(|value| value.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_default_http_client_names_the_crate_and_its_version_as_user_agent() {
    let server = MockServer::start().await;
    let sent = user_agent_sent(&server, client(&server)).await;
    let config =
        xtask::CodegenConfig::read(&xtask::repo_root().join(xtask::CODEGEN_CONFIG)).unwrap();
    let expected = format!("{}/{}", config.crate_name(), config.version());
    assert_eq!(highlevel_contacts::USER_AGENT, expected);
    assert_eq!(sent.as_deref(), Some(expected.as_str()));
}

#[tokio::test]
async fn a_callers_own_http_client_sends_its_own_user_agent_only() {
    let server = MockServer::start().await;
    let own = |http: reqwest::Client| {
        Client::builder(TOKEN)
            .base_url(server.uri())
            .http_client(http)
            .build()
            .unwrap()
    };
    assert_eq!(
        user_agent_sent(&server, own(reqwest::Client::new())).await,
        None
    );
    let theirs = reqwest::Client::builder().user_agent("their-app/1.0");
    assert_eq!(
        user_agent_sent(&server, own(theirs.build().unwrap()))
            .await
            .as_deref(),
        Some("their-app/1.0")
    );
}

#[tokio::test]
async fn upsert_contact_posts_the_body_and_decodes_new_contact_and_trace_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/contacts/upsert"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("version", "2021-07-28"))
        .and(body_json(json!({
            "locationId": "ve9EPM428h8vShlRW1KT",
            "email": "jane@example.com",
            "createNewIfDuplicateAllowed": false
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "new": true,
            "contact": {"id": "seD4PfOuKoVMLkEZqohJ", "email": "jane@example.com"},
            "traceId": "0c52ebb0-aa4e-4a0b-8e6f-5e0d0a3f5b5e"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let body = UpsertContactRequest::new("ve9EPM428h8vShlRW1KT")
        .email("jane@example.com")
        .create_new_if_duplicate_allowed(false);
    let response = client(&server).upsert_contact(&body).await.unwrap();

    assert_eq!(response.created, Some(true));
    assert_eq!(response.contact.id, "seD4PfOuKoVMLkEZqohJ");
    assert_eq!(
        response.trace_id.as_deref(),
        Some("0c52ebb0-aa4e-4a0b-8e6f-5e0d0a3f5b5e")
    );
}

#[tokio::test]
async fn declared_error_statuses_decode_into_their_own_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "statusCode": 422,
            "message": ["property companyName should not exist", "email must be an email"],
            "error": "Unprocessable Entity",
            "traceId": "trace-1"
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "statusCode": 401, "message": "Invalid JWT", "error": "Unauthorized", "traceId": "trace-2"
        })))
        .mount(&server)
        .await;
    let client = client(&server);

    let error = client
        .update_contact("x", &UpdateContactRequest::default())
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status, 422);
    let UpdateContactError::UnprocessableEntity(body) = &api.body else {
        panic!("{api:?}")
    };
    assert_eq!(body.message.len(), 2);
    assert_eq!(body.trace_id.as_deref(), Some("trace-1"));

    let body = UpsertContactRequest::new("loc");
    let error = client.upsert_contact(&body).await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    let UpsertContactError::Unauthorized(body) = &api.body else {
        panic!("{api:?}")
    };
    assert_eq!(body.error.as_deref(), Some("Unauthorized"));
    // A field the 401 body does not declare is kept.
    assert_eq!(api.raw_json().unwrap()["traceId"], "trace-2");
}

#[tokio::test]
async fn an_html_error_page_becomes_an_unexpected_response_with_status_and_body() {
    let page = "<html><body>502 Bad Gateway</body></html>";
    let (_server, error) =
        failed_update(ResponseTemplate::new(502).set_body_raw(page, "text/html")).await;

    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    let Error::UnexpectedResponse(response) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(response.body, page.as_bytes());
    assert_eq!(response.headers["content-type"], "text/html");
    assert_eq!(
        error.to_string(),
        "updateContact: unexpected answer 502 Bad Gateway"
    );
}

#[tokio::test]
async fn an_accepted_answer_that_is_not_json_is_accepted_undecodable() {
    let (_server, error) = failed_update(
        ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"),
    )
    .await;

    let Error::AcceptedUndecodable(response) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(response.status, 200);
    assert!(response.decode_error.is_some());
    assert_eq!(
        error.to_string(),
        "updateContact: the server accepted the request (200 OK) but its answer cannot be decoded: the body is not JSON"
    );
}

#[tokio::test]
async fn the_token_never_shows_in_debug_or_errors() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"statusCode": 400, "message": "bad"})),
        )
        .mount(&server)
        .await;
    let client = client(&server);

    let error = client
        .update_contact("x", &UpdateContactRequest::default())
        .await
        .unwrap_err();

    for text in [
        format!("{client:?}"),
        format!("{error}"),
        format!("{error:?}"),
    ] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }
    assert!(format!("{client:?}").contains("redacted"));
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    // Bind, learn the port, and close it again: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();

    let error = client
        .update_contact("x", &UpdateContactRequest::default())
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(!format!("{error:?}").contains(TOKEN));
}

#[test]
fn building_refuses_bad_base_urls_and_tokens() {
    let bad_url = Client::builder(TOKEN)
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(bad_url.to_string().contains("not a url"));
    let bad_token = Client::builder("line\nbreak").build().unwrap_err();
    assert_eq!(
        bad_token.to_string(),
        "the token contains characters a header cannot carry"
    );
    assert!(Client::new(TOKEN).is_ok());
}
