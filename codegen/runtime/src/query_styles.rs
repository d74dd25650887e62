//! Query parameters in the styles progenitor does not write (the
//! `query_styles` feature; a generated crate carries this module only when
//! its spec has such a parameter): a list (or an
//! object's keys and values) joined into one value, and `deepObject`'s one
//! pair per property. The pairs are then encoded like every other query
//! value, so a caller's value never adds a pair: a delimiter inside an item
//! and a bracket inside a `deepObject` key are refused, since the server
//! could not tell them from the structure.

use serde::Serialize;
use serde_json::Value;

/// How a query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryStyle {
    /// `form` with `explode: false`: `a=1,2`.
    CommaDelimited,
    /// `spaceDelimited`: `a=1%202`.
    SpaceDelimited,
    /// `pipeDelimited`: `a=1|2`.
    PipeDelimited,
    /// `deepObject`: `a[x]=1&a[y]=2`.
    DeepObject,
}

impl QueryStyle {
    fn delimiter(self) -> char {
        match self {
            QueryStyle::CommaDelimited => ',',
            QueryStyle::SpaceDelimited => ' ',
            QueryStyle::PipeDelimited | QueryStyle::DeepObject => '|',
        }
    }
}

/// The `(name, value)` pairs of query parameter `name` holding `value` in
/// `style`; none for an absent value or an empty list. Fails, naming the
/// parameter, on what the style cannot carry.
pub fn styled_query<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: QueryStyle,
) -> Result<Vec<(String, String)>, String> {
    let value = serde_json::to_value(value)
        .map_err(|error| format!("query parameter `{name}` cannot be written: {error}"))?;
    let refuse = |why: String| format!("query parameter `{name}`: {why}");
    match (style, value) {
        (_, Value::Null) => Ok(Vec::new()),
        (QueryStyle::DeepObject, Value::Object(properties)) => {
            let mut pairs = Vec::new();
            for (key, value) in properties {
                if key.contains(['[', ']']) {
                    return Err(refuse(format!("the key `{key}` holds a bracket")));
                }
                if value.is_null() {
                    continue;
                }
                let text = scalar_text(&value)
                    .ok_or_else(|| refuse(format!("`{key}` is not a single value")))?;
                pairs.push((format!("{name}[{key}]"), text));
            }
            Ok(pairs)
        }
        (QueryStyle::DeepObject, other) => Err(refuse(format!(
            "a `deepObject` value must be an object, not {other}"
        ))),
        (style, Value::Array(items)) => joined(name, style, items.iter()),
        (style, Value::Object(properties)) => {
            let keys = properties.keys().map(|key| Value::String(key.clone()));
            let flat: Vec<Value> = keys
                .zip(properties.values().cloned())
                .flat_map(|(key, value)| [key, value])
                .collect();
            joined(name, style, flat.iter())
        }
        (_, scalar) => Ok(vec![(
            name.to_owned(),
            scalar_text(&scalar).unwrap_or_default(),
        )]),
    }
}

/// One pair whose value is `items` joined by the style's delimiter.
fn joined<'v>(
    name: &str,
    style: QueryStyle,
    items: impl Iterator<Item = &'v Value>,
) -> Result<Vec<(String, String)>, String> {
    let delimiter = style.delimiter();
    let mut texts = Vec::new();
    for item in items {
        let text = scalar_text(item)
            .ok_or_else(|| format!("query parameter `{name}`: an item is not a single value"))?;
        if text.contains(delimiter) {
            return Err(format!(
                "query parameter `{name}`: the item `{text}` holds `{delimiter}`, which separates items"
            ));
        }
        texts.push(text);
    }
    if texts.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![(name.to_owned(), texts.join(&delimiter.to_string()))])
}

/// A string, number or boolean as it is written in a query.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}
