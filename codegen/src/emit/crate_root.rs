//! The crate root `lib.rs`: its documentation with a first example, the
//! modules, and what the crate exports.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::credentials;
use super::status_enum::success_bodies;
use crate::Settings;
use crate::model::{Api, CredentialKind};
use crate::names;

pub(crate) fn lib_module(settings: &Settings, api: &Api) -> TokenStream {
    let doc = crate_doc(settings, api);
    let exports = client_exports(api);
    let multipart = super::RuntimeParts::of(api).multipart.then(|| {
        quote! {
            /// The form a `multipart/form-data` request body is built from.
            pub use runtime::multipart;
        }
    });
    quote! {
        #![doc = #doc]
        #![forbid(unsafe_code)]

        mod client;
        #[allow(clippy::all)]
        mod raw;
        // One runtime serves every spec; a spec without credentials or JSON
        // bodies leaves parts of it unused.
        #[allow(dead_code, unused_imports)]
        mod runtime;
        // An object table that only a union refers to is left unused, and a
        // spec without objects leaves imports unused.
        #[allow(dead_code, unused_imports)]
        mod shapes;
        /// The spec's schemas as Rust types.
        #[allow(clippy::all)]
        pub mod types;

        pub use client::{#(#exports),*};
        pub use runtime::{ApiError, BuildError, ClientBuilder, Credentials, DriftFile, DriftKind, DriftSink, Error, FieldInfo, FieldKind, JsonType, Listed, NonFiniteNumber, Nullable, OAuthRefresh, Observation, Observed, OperationPolicy, RateBudget, RateLimit, RateStore, RejectedProperties, RequestFields, Response, RetryPolicy, RetryRule, SecretToken, USER_AGENT, UnexpectedResponse};
        #multipart
    }
}

/// The API's title and description, and an example that builds a client.
fn crate_doc(settings: &Settings, api: &Api) -> String {
    let mut doc = format!("# {}\n", api.title);
    if let Some(description) = &api.description {
        doc.push_str(&format!("\n{}\n", description.trim()));
    }
    let crate_ident = settings.crate_name.replace('-', "_");
    let groups = credentials::groups(api);
    let setters = credentials::named_setters(api);
    let arguments = |kind: &CredentialKind| match kind {
        CredentialKind::Basic => "\"<user>\", \"<password>\"",
        _ => "\"<token>\"",
    };
    let token = match groups.as_slice() {
        [group] => arguments(group.kind),
        _ => "",
    };
    let mut builder_lines: Vec<String> = setters
        .iter()
        .map(|(name, group)| format!("\n    .{name}({})", arguments(group.kind)))
        .collect();
    if api.default_base_url.is_none() {
        builder_lines.push("\n    .base_url(\"https://api.example.com\")".to_owned());
    }
    let example = if builder_lines.is_empty() {
        format!("let client = {crate_ident}::Client::new({token})?;")
    } else {
        format!(
            "let client = {crate_ident}::Client::builder({token}){}\n    .build()?;",
            builder_lines.concat()
        )
    };
    doc.push_str(&format!(
        "\n```no_run\n# fn main() -> Result<(), {crate_ident}::BuildError> {{\n{example}\n# let _ = client;\n# Ok(())\n# }}\n```"
    ));
    doc
}

/// What `client.rs` defines for callers: the client, the tables and URLs
/// the spec fixes, and each operation's status enums.
fn client_exports(api: &Api) -> impl Iterator<Item = TokenStream> + '_ {
    [quote!(Client), quote!(OPERATIONS), quote!(SPEC_SHA256)]
        .into_iter()
        .chain(
            api.default_base_url
                .as_ref()
                .map(|_| quote!(DEFAULT_BASE_URL)),
        )
        .chain(
            api.oauth_token_url
                .as_ref()
                .map(|_| quote!(OAUTH_TOKEN_URL)),
        )
        .chain(api.operations.iter().flat_map(|operation| {
            let pascal = names::type_name(&operation.id);
            let mut idents = vec![format_ident!("{}Error", pascal)];
            if success_bodies(&operation.responses).len() > 1 {
                idents.push(format_ident!("{}Success", pascal));
            }
            idents.into_iter().map(|ident| quote!(#ident))
        }))
}
