//! Rust names for spec names. Type names are made the way typify makes
//! them, so the facade can refer to typify's types.

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

pub(crate) fn type_name(input: &str) -> String {
    sanitize(input, |s| s.to_pascal_case())
}

/// Progenitor's name for an operation's method, which is also the
/// `operation_id` it passes to client hooks.
pub(crate) fn method_name(operation_id: &str) -> String {
    sanitize(operation_id, |s| s.to_snake_case())
}

fn sanitize(input: &str, case: impl Fn(&str) -> String) -> String {
    let cased = case(
        &input
            .replace('\'', "")
            .replace(|c| !is_xid_continue(c), "-"),
    );
    let cased = match cased.chars().next() {
        Some(c) if is_xid_start(c) => cased,
        _ => format!("{}{cased}", case("x")),
    };
    if syn::parse_str::<syn::Ident>(&cased).is_ok() {
        cased
    } else {
        format!("{cased}_")
    }
}

/// A variant name for an HTTP status: its reason phrase (`422` →
/// `UnprocessableEntity`), or `Status<code>` when it has none.
pub(crate) fn status_variant(code: u16) -> String {
    http::StatusCode::from_u16(code)
        .ok()
        .and_then(|status| status.canonical_reason())
        .map(|reason| reason.to_pascal_case())
        .unwrap_or_else(|| format!("Status{code}"))
}
