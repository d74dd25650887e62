//! Reading the document: bytes of YAML or JSON in, one JSON value out.

use serde_json::Value;

use crate::Error;

/// One OpenAPI document as handed over by the caller.
///
/// `name` is how errors and the generated files' preambles refer to it, so
/// callers pass a stable, repository-relative name rather than an absolute
/// path (output must not depend on where the checkout lives).
#[derive(Debug, Clone)]
pub struct SpecDocument {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl SpecDocument {
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        SpecDocument {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

pub(crate) fn parse(doc: &SpecDocument) -> Result<Value, Error> {
    let fail = |reason: String| Error::new(&doc.name, "", reason);
    if doc.bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(fail("the document is empty".into()));
    }
    if doc.bytes.contains(&0) {
        return Err(fail(
            "the document is binary (it contains NUL bytes), not YAML or JSON".into(),
        ));
    }
    let text = std::str::from_utf8(&doc.bytes).map_err(|e| {
        fail(format!(
            "the document is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    let value: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| {
            fail(format!(
                "invalid JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ))
        })?
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| match e.location() {
            Some(at) => fail(format!(
                "invalid YAML at line {}, column {}: {e}",
                at.line(),
                at.column()
            )),
            None => fail(format!("invalid YAML: {e}")),
        })?
    };
    if !value.is_object() {
        return Err(fail(
            "the document's top level must be a mapping of OpenAPI fields".into(),
        ));
    }
    Ok(value)
}
