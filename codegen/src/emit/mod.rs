//! Writes the facade (`client.rs`), the crate root and the manifest from the
//! model and progenitor's raw client, one job per module:
//! - `client`: the facade's file, which puts the parts below together;
//! - `policy`: the `OPERATIONS` and `RATE_LIMITS` tables;
//! - `constructors`: the spec's URLs, `Client::builder` and `Client::new`;
//! - `credentials`: the credential kinds a client holds, and the builder's
//!   setters for them;
//! - `method`: one method per operation, with its argument checks;
//! - `status_enum`: the enums of answers by status and their decoders;
//! - `crate_root`: `lib.rs`;
//! - `manifest`: `Cargo.toml`;
//! - `runtime_parts`: the parts of the runtime the crate carries.

mod client;
mod constructors;
mod crate_root;
mod credentials;
mod manifest;
mod method;
mod policy;
mod runtime_parts;
mod status_enum;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::Error;
use crate::model::{Body, Operation};
use crate::names;
use crate::progenitor_pass::RawOutput;

pub(crate) use client::client_module;
pub(crate) use crate_root::lib_module;
pub(crate) use manifest::manifest;
pub(crate) use runtime_parts::RuntimeParts;

/// `text` in lines of at most 80 characters (a longer word stands alone),
/// for docs the generator writes itself.
fn wrapped(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= 80 => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines.join("\n")
}

/// Doc attributes, one per line, so they print as `///` lines.
fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote!(#(#[doc = #lines])*)
}

/// The Rust type of a body of `operation`'s answers.
fn body_type(operation: &Operation, body: &Body, raw: &RawOutput) -> Result<TokenStream, Error> {
    match body {
        Body::None => Ok(quote!(())),
        Body::AnyJson => Ok(quote!(serde_json::Value)),
        Body::Bytes => Ok(quote!(Vec<u8>)),
        Body::Schema(schema) => {
            let name = names::type_name(schema);
            if !raw.type_names.contains(&name) {
                return Err(Error::at(
                    crate::rules::pointer(["components", "schemas", schema]),
                    format!(
                        "no Rust type was generated for this schema, used by `{}`",
                        operation.id
                    ),
                ));
            }
            let ident = format_ident!("{}", name);
            Ok(quote!(types::#ident))
        }
    }
}
