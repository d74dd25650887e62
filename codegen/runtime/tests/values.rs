//! The value types and the checks made before sending.

use client_runtime::{
    Listed, Nullable, check_email, check_path_segment, encode_path_segment, header_value, lenient,
    lenient_or_default,
};
use serde_json::json;

#[test]
fn nullable_has_three_states_on_the_wire() {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Body {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        email: Nullable<String>,
    }
    let sent = |email| serde_json::to_value(Body { email }).unwrap();
    assert_eq!(sent(Nullable::Absent), json!({}));
    assert_eq!(sent(Nullable::Null), json!({"email": null}));
    assert_eq!(sent("a@b.co".to_owned().into()), json!({"email": "a@b.co"}));
    let read = |value| serde_json::from_value::<Body>(value).unwrap().email;
    assert_eq!(read(json!({})), Nullable::Absent);
    assert_eq!(read(json!({"email": null})), Nullable::Null);
    assert_eq!(
        read(json!({"email": "x"})).as_value(),
        Some(&"x".to_owned())
    );
}

#[test]
fn listed_checks_values_or_sends_them_unchecked() {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    enum Code {
        #[serde(rename = "US")]
        Us,
    }
    assert_eq!(
        serde_json::to_value(Listed::from(Code::Us)).unwrap(),
        json!("US")
    );
    assert_eq!(
        serde_json::to_value(Listed::<Code>::unchecked("XK")).unwrap(),
        json!("XK")
    );
    assert_eq!(
        serde_json::from_value::<Listed<Code>>(json!("US")).unwrap(),
        Listed::Known(Code::Us)
    );
    assert_eq!(
        serde_json::from_value::<Listed<Code>>(json!("SS")).unwrap(),
        Listed::unchecked("SS")
    );
    assert!(serde_json::from_value::<Listed<Code>>(json!(1)).is_err());
}

#[test]
fn email_shapes() {
    for good in [
        "a@b.co",
        "a+tag@mail.example.com",
        "jürgen@müller.de",
        "用户@例子.广告",
    ] {
        assert_eq!(check_email("email", &good), Ok(()), "{good}");
    }
    for bad in [
        "",
        "a",
        "a@",
        "@b.co",
        "a@localhost",
        "a@b..co",
        "a b@c.co",
        "a@b@c.co",
    ] {
        let error = check_email("email", &bad).unwrap_err();
        assert_eq!(error, "`email` is not an email address", "{bad}");
    }
}

#[test]
fn path_segments_keep_only_unreserved_characters() {
    assert_eq!(encode_path_segment("aZ09-._~"), "aZ09-._~");
    assert_eq!(encode_path_segment(r"..\..\admin"), "..%5C..%5Cadmin");
    assert_eq!(
        encode_path_segment("a/b?c#d;e[f]|g%h i"),
        "a%2Fb%3Fc%23d%3Be%5Bf%5D%7Cg%25h%20i"
    );
    assert_eq!(encode_path_segment("é\u{1F600}"), "%C3%A9%F0%9F%98%80");
    for refused in ["", ".", ".."] {
        let error = check_path_segment("contactId", refused).unwrap_err();
        assert!(error.contains("`contactId`"), "{error}");
    }
    assert_eq!(check_path_segment("contactId", "..."), Ok(()));
}

#[test]
fn a_header_value_with_a_control_character_is_refused_by_name() {
    assert!(header_value("X-Mode", "fast\tand loose").is_ok());
    for bad in ["a\rb", "a\nb", "a\0b", "a\u{7f}"] {
        let error = header_value("X-Mode", bad).unwrap_err();
        assert!(
            error.contains("`X-Mode`") && !error.contains(bad),
            "{error}"
        );
    }
}

#[test]
fn lenient_fields_read_null_and_unforeseen_shapes_as_absent() {
    #[derive(Debug, serde::Deserialize)]
    struct Answer {
        #[serde(default, deserialize_with = "lenient")]
        count: Option<u32>,
        #[serde(default, deserialize_with = "lenient_or_default")]
        tags: Vec<String>,
    }
    let read = |value| serde_json::from_value::<Answer>(value).unwrap();
    let answer = read(json!({"count": 3, "tags": ["a"]}));
    assert_eq!((answer.count, answer.tags), (Some(3), vec!["a".to_owned()]));
    for drifted in [
        json!({}),
        json!({"count": null, "tags": null}),
        json!({"count": "3", "tags": {"a": 1}}),
    ] {
        let answer = read(drifted.clone());
        assert_eq!((answer.count, answer.tags.len()), (None, 0), "{drifted}");
    }
}
