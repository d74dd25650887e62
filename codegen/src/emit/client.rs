//! The facade's file, `client.rs`: the public `Client` over progenitor's raw
//! client, the hooks that route every raw request through the runtime, and
//! the parts the sibling modules write (tables, constructors, one method
//! and its status enums per operation).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::method::operation_method;
use super::{constructors, credentials, doc, policy};
use crate::Error;
use crate::model::{Api, Body, CredentialKind};
use crate::names;
use crate::progenitor_pass::RawOutput;

/// `validated`: the request types `wire` gave a `validate` method.
pub(crate) fn client_module(
    crate_name: &str,
    spec_sha256: &str,
    api: &Api,
    raw: &RawOutput,
    validated: &BTreeSet<String>,
) -> Result<TokenStream, Error> {
    let imports = imports(api, raw);
    let spec_urls = constructors::spec_urls(api);
    let client_doc = doc(&match &api.description {
        Some(description) => format!("Client for {}.\n\n{description}", api.title),
        None => format!("Client for {}.", api.title),
    });
    let operation_policies = policy::operation_policies(api);
    let rate_windows = policy::rate_windows(api);
    let hooks = raw_client_hooks();
    let constructors = constructors::constructors(api);
    let credential_setters = credentials::setters(api);
    let (methods, enums) = operation_methods(crate_name, api, raw, validated)?;
    Ok(quote! {
        #imports

        #spec_urls

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            raw: crate::raw::Client,
        }

        /// What the spec fixes per operation (by method name): credentials,
        /// constant headers, and when a request may be sent again.
        pub const OPERATIONS: &[OperationPolicy] = &[#(#operation_policies),*];

        /// The lowercase hex SHA-256 of the spec document this crate was
        /// generated from, which drift records carry.
        pub const SPEC_SHA256: &str = #spec_sha256;

        /// The spec's `x-rate-limits`.
        const RATE_LIMITS: &[RateWindow] = &[#(#rate_windows),*];

        impl ClientBuilder {
            /// Checks the settings and builds the client.
            pub fn build(self) -> Result<crate::Client, BuildError> {
                let parts = self.build_parts()?;
                Ok(Client { raw: crate::raw::Client::new_with_client(&parts.base_url, parts.http, parts.inner) })
            }

            #(#credential_setters)*
        }

        #hooks

        impl Client {
            #constructors

            /// The client's view of each rate-limit window: what it may still
            /// send now, and what the server last reported.
            pub fn rate_budget(&self) -> Vec<crate::RateBudget> {
                self.raw.inner.budget()
            }

            /// Whether the request of `operation` (a method's name, such as
            /// `"upsert_contact"`) with `body` may be sent again after it may
            /// have been applied, by the spec's retry rule and the builder's
            /// [`matched_fields`](ClientBuilder::matched_fields). An
            /// [`Error::OutcomeUnknown`] is resent safely only when this holds.
            pub fn is_repeat_safe(&self, operation: &str, body: &impl serde::Serialize) -> bool {
                self.raw.inner.repeat_safe(operation, serde_json::to_value(body).ok().as_ref())
            }

            /// The body fields whose values `operation`'s request is matched on
            /// (for an upsert: the fields that find an existing record): the
            /// builder's [`matched_fields`](ClientBuilder::matched_fields), else
            /// the spec's `x-retry-safe-when` `all-present`. Requests that
            /// share one of these values are not independent.
            pub fn match_fields(&self, operation: &str) -> Vec<String> {
                self.raw.inner.match_fields(operation)
            }

            #(#methods)*
        }

        #(#enums)*
    })
}

/// The `use` lines: only what this spec's code uses, so no import is unused.
fn imports(api: &Api, raw: &RawOutput) -> TokenStream {
    let mut crate_imports = vec![
        quote!(BuildError),
        quote!(ClientBuilder),
        quote!(Error),
        quote!(Response),
    ];
    let mut runtime_imports = vec![
        quote!(self),
        quote!(OperationPolicy),
        quote!(RateWindow),
        quote!(RetryRule),
    ];
    let groups = credentials::groups(api);
    if !groups.is_empty() {
        runtime_imports.push(quote!(Credential));
    }
    if groups.iter().any(|g| *g.kind != CredentialKind::Basic) {
        crate_imports.push(quote!(Credentials));
    }
    if groups.iter().any(|g| *g.kind == CredentialKind::Basic) {
        crate_imports.push(quote!(SecretToken));
    }
    let uses_types = raw
        .methods
        .iter()
        .any(|method| crate::syntax::mentions_module(&method.signature, "types"))
        || api
            .operations
            .iter()
            .flat_map(|op| &op.responses)
            .any(|case| matches!(case.body, Body::Schema(_)));
    let types_import = uses_types.then(|| {
        quote!(
            use crate::types;
        )
    });
    quote! {
        use crate::runtime::{#(#runtime_imports),*};
        #types_import
        use crate::{#(#crate_imports),*};
    }
}

/// Progenitor's hooks, around every request of the raw client: the
/// runtime's `Inner` prepares and sends it.
fn raw_client_hooks() -> TokenStream {
    quote! {
        impl progenitor_client::ClientHooks<runtime::Inner> for crate::raw::Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                use progenitor_client::ClientInfo;
                self.inner().pre_hook(request, info.operation_id, self.client()).await
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                use progenitor_client::ClientInfo;
                self.inner().execute(self.client(), request, info.operation_id).await
            }
        }
    }
}

/// One method per operation, and the status enums they name.
fn operation_methods(
    crate_name: &str,
    api: &Api,
    raw: &RawOutput,
    validated: &BTreeSet<String>,
) -> Result<(Vec<TokenStream>, Vec<TokenStream>), Error> {
    let mut methods = Vec::new();
    let mut enums = Vec::new();
    for operation in &api.operations {
        let method_name = names::method_name(&operation.id);
        let Some(raw_method) = raw.methods.iter().find(|m| m.operation_id == method_name) else {
            return Err(Error::at(
                "",
                format!("progenitor generated no method for `{}`", operation.id),
            ));
        };
        let (method, status_enums) =
            operation_method(crate_name, api, validated, operation, raw_method, raw)?;
        methods.push(method);
        enums.extend(status_enums);
    }
    Ok((methods, enums))
}
