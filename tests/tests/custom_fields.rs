//! Custom fields in one line: the conversions into `CustomFieldValue` and the
//! constructors per branch that the generator adds for unions.

use highlevel_contacts::NonFiniteNumber;
use highlevel_contacts::types::{CustomFieldInput, CustomFieldValue};
use serde_json::json;

fn wire(input: &CustomFieldInput) -> serde_json::Value {
    serde_json::to_value(input).unwrap()
}

#[test]
fn each_branch_has_a_constructor_named_by_the_spec() {
    assert_eq!(
        wire(&CustomFieldInput::text("f1", "SPRING-24")),
        json!({"id": "f1", "field_value": "SPRING-24"})
    );
    assert_eq!(
        wire(&CustomFieldInput::number("f2", 4)),
        json!({"id": "f2", "field_value": 4})
    );
    assert_eq!(
        wire(&CustomFieldInput::options("f3", ["Solar", "Powerwall"])),
        json!({"id": "f3", "field_value": ["Solar", "Powerwall"]})
    );
    let owned: Vec<String> = vec!["Solar".into()];
    assert_eq!(
        wire(&CustomFieldInput::options("f3", owned)),
        json!({"id": "f3", "field_value": ["Solar"]})
    );
}

#[test]
fn plain_rust_values_convert_into_the_union() {
    let set = |value: CustomFieldValue| wire(&CustomFieldInput::new("f").field_value(value));
    assert_eq!(
        set("SPRING-24".into()),
        json!({"id": "f", "field_value": "SPRING-24"})
    );
    assert_eq!(
        set(String::from("x").into()),
        json!({"id": "f", "field_value": "x"})
    );
    assert_eq!(set(4.into()), json!({"id": "f", "field_value": 4}));
    assert_eq!(
        set(u64::MAX.into()),
        json!({"id": "f", "field_value": u64::MAX})
    );
    assert_eq!(set((-7i8).into()), json!({"id": "f", "field_value": -7}));
    assert_eq!(
        set(["a", "b"].into()),
        json!({"id": "f", "field_value": ["a", "b"]})
    );
    assert_eq!(
        set((&["a"][..]).into()),
        json!({"id": "f", "field_value": ["a"]})
    );
    assert_eq!(
        set(vec!["a"].into()),
        json!({"id": "f", "field_value": ["a"]})
    );
    // The setter takes them directly too.
    assert_eq!(
        wire(&CustomFieldInput::new("f").field_value("v")),
        json!({"id": "f", "field_value": "v"})
    );
    assert_eq!(
        wire(&CustomFieldInput::new("f").field_value(4)),
        json!({"id": "f", "field_value": 4})
    );
}

#[test]
fn a_float_converts_only_when_json_can_carry_it() {
    assert_eq!(
        CustomFieldValue::try_from(45000.5).unwrap(),
        CustomFieldValue::Number(serde_json::Number::from_f64(45000.5).unwrap())
    );
    for refused in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let error: NonFiniteNumber = CustomFieldValue::try_from(refused).unwrap_err();
        assert!(
            error.to_string().contains("is not a JSON number"),
            "{error}"
        );
    }
}
