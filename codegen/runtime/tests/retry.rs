//! When a request that may have been applied may be repeated, and how long
//! to wait.

use std::time::Duration;

use client_runtime::{RetryRule, is_transient, retry_after};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use serde_json::json;

const UPSERT: RetryRule = RetryRule::WhenBody {
    not_true: &["createNewIfDuplicateAllowed"],
    all_present: &["email", "phone"],
    any_present: &[],
};

#[test]
fn idempotent_and_connect_only_rules_ignore_the_body() {
    assert!(RetryRule::Idempotent.allows_repeat(None, None));
    assert!(!RetryRule::ConnectErrorsOnly.allows_repeat(Some(&json!({"email": "a@b.co"})), None));
}

#[test]
fn an_upsert_repeats_only_with_every_match_field_and_no_duplicate_asked() {
    let cases = [
        (json!({"email": "a@b.co", "phone": "+1"}), true),
        (json!({"email": "a@b.co"}), false),
        (json!({"phone": "+1"}), false),
        (json!({"email": "a@b.co", "phone": null}), false),
        (
            json!({"email": "a@b.co", "phone": "+1", "createNewIfDuplicateAllowed": true}),
            false,
        ),
        (
            json!({"email": "a@b.co", "phone": "+1", "createNewIfDuplicateAllowed": false}),
            true,
        ),
    ];
    for (body, repeatable) in cases {
        assert_eq!(
            UPSERT.allows_repeat(Some(&body), None),
            repeatable,
            "{body}"
        );
    }
    assert!(!UPSERT.allows_repeat(None, None), "a body that is not JSON");
}

#[test]
fn declared_match_fields_replace_all_present() {
    let email_only = ["email".to_owned()];
    assert!(UPSERT.allows_repeat(Some(&json!({"email": "a@b.co"})), Some(&email_only)));
    assert!(!UPSERT.allows_repeat(Some(&json!({"phone": "+1"})), Some(&email_only)));
    let any = RetryRule::WhenBody {
        not_true: &[],
        all_present: &[],
        any_present: &["email", "phone"],
    };
    assert!(any.allows_repeat(Some(&json!({"phone": "+1"})), None));
    assert!(!any.allows_repeat(Some(&json!({"name": "x"})), None));
}

#[test]
fn transient_statuses_and_retry_after() {
    for status in [429, 502, 503, 504] {
        assert!(
            is_transient(StatusCode::from_u16(status).unwrap()),
            "{status}"
        );
    }
    for status in [400, 401, 422, 500, 501] {
        assert!(
            !is_transient(StatusCode::from_u16(status).unwrap()),
            "{status}"
        );
    }
    let mut headers = HeaderMap::new();
    assert_eq!(retry_after(&headers), None);
    headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
    assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
    headers.insert(
        RETRY_AFTER,
        HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    assert_eq!(
        retry_after(&headers),
        Some(Duration::ZERO),
        "a date in the past"
    );
    headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
    assert_eq!(retry_after(&headers), None);
}
