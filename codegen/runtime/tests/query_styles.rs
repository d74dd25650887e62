//! Query parameters in the styles progenitor does not write: one pair per
//! delimited list, one pair per `deepObject` property, and a refusal, naming
//! the parameter, for an item or key that would read as structure.

use client_runtime::query_styles::{QueryStyle, styled_query};
use serde_json::json;

fn pairs(name: &str, value: serde_json::Value, style: QueryStyle) -> Vec<(String, String)> {
    styled_query(name, &value, style).unwrap()
}

fn pair(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

#[test]
fn lists_are_one_pair_joined_by_the_style_delimiter() {
    let list = json!(["a b", 2, true]);
    assert_eq!(
        pairs("x", list.clone(), QueryStyle::CommaDelimited),
        [pair("x", "a b,2,true")]
    );
    assert_eq!(
        pairs("x", json!(["a", "b"]), QueryStyle::SpaceDelimited),
        [pair("x", "a b")]
    );
    assert_eq!(
        pairs("x", list, QueryStyle::PipeDelimited),
        [pair("x", "a b|2|true")]
    );
    assert_eq!(
        pairs("x", json!({"r": 100}), QueryStyle::CommaDelimited),
        [pair("x", "r,100")]
    );
    assert_eq!(
        pairs("x", json!("one"), QueryStyle::PipeDelimited),
        [pair("x", "one")]
    );
}

#[test]
fn absent_values_and_empty_lists_send_nothing() {
    assert!(pairs("x", json!(null), QueryStyle::CommaDelimited).is_empty());
    assert!(pairs("x", json!([]), QueryStyle::PipeDelimited).is_empty());
    assert!(pairs("x", json!(null), QueryStyle::DeepObject).is_empty());
}

#[test]
fn a_deep_object_is_a_pair_per_property() {
    // Properties come in the order of serde_json's map, which a crate's
    // features decide.
    let mut sent = pairs(
        "filter",
        json!({"name": "a&b=c", "age": 3, "gone": null}),
        QueryStyle::DeepObject,
    );
    sent.sort();
    assert_eq!(
        sent,
        [pair("filter[age]", "3"), pair("filter[name]", "a&b=c")]
    );
}

#[test]
fn what_would_read_as_structure_is_refused_by_name() {
    let refused = [
        (
            "x",
            json!(["a,b"]),
            QueryStyle::CommaDelimited,
            "`a,b` holds `,`",
        ),
        ("x", json!(["a b"]), QueryStyle::SpaceDelimited, "holds ` `"),
        ("x", json!(["a|b"]), QueryStyle::PipeDelimited, "holds `|`"),
        (
            "x",
            json!([["nested"]]),
            QueryStyle::CommaDelimited,
            "not a single value",
        ),
        (
            "x",
            json!({"a]b": 1}),
            QueryStyle::DeepObject,
            "holds a bracket",
        ),
        (
            "x",
            json!({"a": {"b": 1}}),
            QueryStyle::DeepObject,
            "not a single value",
        ),
        ("x", json!([1]), QueryStyle::DeepObject, "must be an object"),
    ];
    for (name, value, style, why) in refused {
        let error = styled_query(name, &value, style).unwrap_err();
        assert!(error.starts_with("query parameter `x`"), "{error}");
        assert!(error.contains(why), "{value}: {error}");
    }
}
