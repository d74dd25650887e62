//! Writes the facade (`client.rs`), the crate root and the manifest from the
//! lowered API and progenitor's raw client.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Api, Body, CredentialKind, Operation, ResponseCase, Retry, Status};
use crate::names;
use crate::progenitor_pass::{ExternalTypes, RawMethod, RawOutput};
use crate::{Error, Settings};

/// `validated`: the request types `wire` gave a `validate` method.
pub(crate) fn client_module(
    crate_name: &str,
    api: &Api,
    raw: &RawOutput,
    validated: &BTreeSet<String>,
) -> Result<TokenStream, Error> {
    let operations_table = api.operations.iter().map(|op| {
        // Hooks see progenitor's method name as the operation id.
        let id = names::method_name(&op.id);
        let authenticated = op.authenticated;
        let (method, path) = (op.method.to_ascii_uppercase(), &op.path);
        let constants = op.constant_headers.iter().map(|(name, value)| {
            let name = name.to_ascii_lowercase();
            quote!((#name, #value))
        });
        let retry = match &op.retry {
            Retry::Idempotent => quote!(RetryRule::Idempotent),
            Retry::ConnectErrorsOnly => quote!(RetryRule::ConnectErrorsOnly),
            Retry::WhenBody {
                not_true,
                all_present,
                any_present,
            } => {
                quote!(RetryRule::WhenBody {
                    not_true: &[#(#not_true),*],
                    all_present: &[#(#all_present),*],
                    any_present: &[#(#any_present),*],
                })
            }
        };
        quote!(OperationPolicy {
            operation_id: #id,
            method: #method,
            path: #path,
            authenticated: #authenticated,
            constant: &[#(#constants),*],
            retry: #retry,
        })
    });

    let base_url_const = api.default_base_url.as_ref().map(|url| {
        quote! {
            /// The server the spec names; [`ClientBuilder::base_url`] overrides it.
            pub const DEFAULT_BASE_URL: &str = #url;
        }
    });
    let rate_windows = api.rate_windows.iter().map(|window| {
        let (requests, milliseconds) = (window.requests, window.milliseconds);
        let optional = |header: &Option<String>| match header {
            Some(name) => quote!(Some(#name)),
            None => quote!(None),
        };
        let (limit_header, remaining_header) = (optional(&window.limit_header), optional(&window.remaining_header));
        quote!(RateWindow { requests: #requests, milliseconds: #milliseconds, limit_header: #limit_header, remaining_header: #remaining_header })
    });
    let token_url_const = api.oauth_token_url.as_ref().map(|url| {
        quote! {
            /// Where the spec's OAuth scheme renews tokens, for
            /// [`OAuthRefresh::new`](crate::OAuthRefresh::new).
            pub const OAUTH_TOKEN_URL: &str = #url;
        }
    });
    let default_base_url = match &api.default_base_url {
        Some(_) => quote!(Some(DEFAULT_BASE_URL)),
        None => quote!(None),
    };
    let constructors = match &api.credential_kind {
        Some(kind) => {
            let (header, prefix) = match kind {
                CredentialKind::Bearer => ("authorization".to_owned(), "Bearer "),
                CredentialKind::Header { name } => (name.to_ascii_lowercase(), ""),
            };
            let new = api.default_base_url.as_ref().map(|_| {
                quote! {
                    /// A client for [`DEFAULT_BASE_URL`] with default settings.
                    pub fn new(credentials: impl Into<Credentials>) -> Result<Self, BuildError> {
                        Self::builder(credentials).build()
                    }
                }
            });
            quote! {
                /// Starts configuring a client that authenticates every
                /// request: with a token, or with OAuth tokens it renews
                /// ([`OAuthRefresh`](crate::OAuthRefresh)).
                pub fn builder(credentials: impl Into<Credentials>) -> ClientBuilder {
                    ClientBuilder::new(#default_base_url, Some(Credential::new(#header, #prefix, credentials.into())), OPERATIONS, RATE_LIMITS)
                }

                #new
            }
        }
        None => {
            let new = api.default_base_url.as_ref().map(|_| {
                quote! {
                    /// A client for [`DEFAULT_BASE_URL`] with default settings.
                    pub fn new() -> Result<Self, BuildError> {
                        Self::builder().build()
                    }
                }
            });
            quote! {
                /// Starts configuring a client.
                pub fn builder() -> ClientBuilder {
                    ClientBuilder::new(#default_base_url, None, OPERATIONS, RATE_LIMITS)
                }

                #new
            }
        }
    };

    let mut methods = Vec::new();
    let mut enums = Vec::new();
    for operation in &api.operations {
        let Some(raw_method) = raw
            .methods
            .iter()
            .find(|m| m.operation_id == names::method_name(&operation.id))
        else {
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

    let client_doc = doc(&match &api.description {
        Some(description) => format!("Client for {}.\n\n{description}", api.title),
        None => format!("Client for {}.", api.title),
    });
    // Import only what this spec's code uses, so no import is unused.
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
    if api.credential_kind.is_some() {
        crate_imports.push(quote!(Credentials));
        runtime_imports.push(quote!(Credential));
    }
    let types_import = raw.methods.iter().any(|method| {
        let signature = &method.signature;
        crate::syntax::mentions_module(signature, "types")
    }) || api
        .operations
        .iter()
        .flat_map(|op| &op.responses)
        .any(|case| matches!(case.body, Body::Schema(_)));
    let types_import = types_import.then(|| {
        quote!(
            use crate::types;
        )
    });
    Ok(quote! {
        use crate::runtime::{#(#runtime_imports),*};
        #types_import
        use crate::{#(#crate_imports),*};

        #base_url_const

        #token_url_const

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            raw: crate::raw::Client,
        }

        /// What the spec fixes per operation (by method name): credentials,
        /// constant headers, and when a request may be sent again.
        pub const OPERATIONS: &[OperationPolicy] = &[#(#operations_table),*];

        /// The spec's `x-rate-limits`.
        const RATE_LIMITS: &[RateWindow] = &[#(#rate_windows),*];

        impl ClientBuilder {
            /// Checks the settings and builds the client.
            pub fn build(self) -> Result<crate::Client, BuildError> {
                let parts = self.build_parts()?;
                Ok(Client { raw: crate::raw::Client::new_with_client(&parts.base_url, parts.http, parts.inner) })
            }
        }

        // Progenitor's hooks, around every request of the raw client.
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

fn operation_method(
    crate_name: &str,
    api: &Api,
    validated: &BTreeSet<String>,
    operation: &Operation,
    raw_method: &RawMethod,
    raw: &RawOutput,
) -> Result<(TokenStream, Vec<TokenStream>), Error> {
    let op_pascal = names::type_name(&operation.id);
    let (successes, errors): (Vec<&ResponseCase>, Vec<&ResponseCase>) = operation
        .responses
        .iter()
        .partition(|case| case.status.is_success());

    let mut enums = Vec::new();
    let (success_type, success_decoder) = {
        let mut bodies: Vec<&Body> = successes.iter().map(|case| &case.body).collect();
        bodies.dedup();
        match bodies.as_slice() {
            [] => (
                quote!(()),
                quote!(|status, _| (200..300).contains(&status).then_some(Ok(()))),
            ),
            // Every success has this body: an undeclared 2xx (a 201 where
            // the spec says 200) decodes as it too, and keeps its status.
            [body] => {
                let ty = body_type(operation, body, raw)?;
                let decode = match body {
                    Body::None => quote!(Ok(())),
                    Body::Bytes => quote!(Ok(body.to_vec())),
                    _ => quote!(runtime::decode_json(body)),
                };
                let body = body_parameter(&successes);
                (
                    ty,
                    quote!(|status, #body| (200..300).contains(&status).then(|| #decode)),
                )
            }
            _ => {
                let name = format_ident!("{}Success", op_pascal);
                let doc = format!(
                    "The answers `{}` declares as successful, by status.",
                    operation.id
                );
                enums.push(status_enum(&name, &doc, operation, &successes, raw)?);
                (quote!(#name), quote!(#name::decode))
            }
        }
    };
    let error_name = format_ident!("{}Error", op_pascal);
    let error_doc = format!("The error bodies `{}` declares, by status.", operation.id);
    enums.push(status_enum(
        &error_name,
        &error_doc,
        operation,
        &errors,
        raw,
    )?);
    enums.push(rejected_properties(api, &error_name, &errors));

    let mut signature = raw_method.signature.clone();
    signature.output = syn::parse_quote!(-> Result<Response<#success_type>, Error<#error_name>>);
    let mut checks = Vec::new();
    for input in signature.inputs.iter_mut() {
        let syn::FnArg::Typed(typed) = input else {
            continue;
        };
        let syn::Pat::Ident(pattern) = &*typed.pat else {
            continue;
        };
        let argument = pattern.ident.clone();
        if referenced_type(&typed.ty).is_some_and(|ty| validated.contains(&ty.to_string())) {
            checks.push(quote!(#argument.validate().map_err(Error::InvalidRequest)?;));
            continue;
        }
        let Some(spec_name) = operation
            .path_parameters
            .iter()
            .find(|name| argument == names::method_name(name))
        else {
            continue;
        };
        // A path parameter is one path segment: its text is checked here
        // and then percent-encoded by the raw client
        // (`runtime::encode_path_segment`).
        if let Some(newtype) = string_newtype(&typed.ty, raw) {
            checks.push(quote! {
                runtime::check_path_segment(#spec_name, #argument).map_err(Error::InvalidRequest)?;
                let #argument = &types::#newtype::try_from(#argument)
                    .map_err(|error| Error::InvalidRequest(format!("{}: {}", #spec_name, error)))?;
            });
            *typed.ty = syn::parse_quote!(&'a str);
        } else if crate::syntax::is_str_ref(&typed.ty) {
            checks.push(quote!(runtime::check_path_segment(#spec_name, #argument).map_err(Error::InvalidRequest)?;));
        } else {
            // Numbers, enums and other types are sent as their `Display`
            // text, which an enum value of the spec could make `.` or empty.
            checks.push(quote!(runtime::check_path_segment(#spec_name, &#argument.to_string()).map_err(Error::InvalidRequest)?;));
        }
    }
    let method_ident = &signature.ident;
    let arguments = signature.inputs.iter().filter_map(|input| match input {
        syn::FnArg::Typed(typed) => Some(&typed.pat),
        syn::FnArg::Receiver(_) => None,
    });
    // The retry rule reads a typed body as JSON, only when an outcome is
    // in doubt.
    let sends_typed_body = signature.inputs.iter().any(|input| {
        matches!(input, syn::FnArg::Typed(typed)
            if matches!(&*typed.pat, syn::Pat::Ident(p) if p.ident == "body")
                && referenced_type(&typed.ty).is_some())
    });
    let hook_id = names::method_name(&operation.id);
    let repeat_safe = if sends_typed_body {
        quote!(|| self.raw.inner.repeat_safe(#hook_id, serde_json::to_value(body).ok().as_ref()))
    } else {
        quote!(|| self.raw.inner.repeat_safe(#hook_id, None))
    };
    let docs = &raw_method.docs;
    let example = operation
        .rust_example
        .as_deref()
        .map(|snippet| doc(&example_doc(crate_name, snippet)));
    let id = &operation.id;
    let method = quote! {
        #(#docs)*
        #example
        pub #signature {
            #(#checks)*
            let sent = self.raw.#method_ident(#(#arguments),*).await;
            runtime::receive(#id, sent, #success_decoder, #error_name::decode, #repeat_safe).await
        }
    };
    Ok((method, enums))
}

/// The spec's `x-rust-example` as a doctest: `client` is in scope, and so
/// are the crate's items and types.
fn example_doc(crate_name: &str, snippet: &str) -> String {
    let krate = crate_name.replace('-', "_");
    format!(
        "# Example\n\n```no_run\n# use {krate}::{{*, types::*}};\n# async fn example(client: &{krate}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n{}\n# Ok(())\n# }}\n```",
        snippet.trim_end()
    )
}

/// `X` when `ty` is `&types::X` and typify made `X` a checked string newtype.
fn string_newtype(ty: &syn::Type, raw: &RawOutput) -> Option<syn::Ident> {
    referenced_type(ty).filter(|ident| raw.string_newtypes.contains(&ident.to_string()))
}

/// `X` when `ty` is a reference to a path ending in `X`.
fn referenced_type(ty: &syn::Type) -> Option<syn::Ident> {
    let syn::Type::Reference(reference) = ty else {
        return None;
    };
    crate::syntax::type_ident(&reference.elem).cloned()
}

/// An enum with one variant per declared status and its decoder.
fn status_enum(
    name: &syn::Ident,
    doc_text: &str,
    operation: &Operation,
    cases: &[&ResponseCase],
    raw: &RawOutput,
) -> Result<TokenStream, Error> {
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for case in cases {
        let variant = format_ident!("{}", variant_name(case.status));
        let label = match case.status {
            Status::Code(code) => format!("`{code}`"),
            Status::Range(class) => format!("`{class}XX`"),
            Status::Default => "Any other status (`default`)".to_owned(),
        };
        let variant_doc = doc(&format!("{label}: {}", case.description.trim()));
        let pattern = status_pattern(case.status);
        match &case.body {
            Body::None => {
                variants.push(quote!(#variant_doc #variant,));
                arms.push(quote!(#pattern => Some(Ok(Self::#variant)),));
            }
            Body::Bytes => {
                variants.push(quote!(#variant_doc #variant(Vec<u8>),));
                arms.push(quote!(#pattern => Some(Ok(Self::#variant(body.to_vec()))),));
            }
            body => {
                let ty = body_type(operation, body, raw)?;
                variants.push(quote!(#variant_doc #variant(#ty),));
                arms.push(
                    quote!(#pattern => Some(runtime::decode_json(body).map(Self::#variant)),),
                );
            }
        }
    }
    let body_parameter = body_parameter(cases);
    let fallback =
        (!cases.iter().any(|case| case.status == Status::Default)).then(|| quote!(_ => None,));
    let overlapping = cases
        .iter()
        .any(|case| !matches!(case.status, Status::Code(_)));
    let allow_overlap = overlapping.then(|| quote!(#[allow(clippy::match_overlapping_arm)]));
    let doc = doc(doc_text);
    // New statuses are added to specs over time; `non_exhaustive` keeps
    // that from breaking callers' matches.
    let non_exhaustive =
        (!crate::rules::STATUS_ENUMS_EXHAUSTIVE).then(|| quote!(#[non_exhaustive]));
    Ok(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #non_exhaustive
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            fn decode(status: u16, #body_parameter: &[u8]) -> Option<Result<Self, serde_json::Error>> {
                #allow_overlap
                match status {
                    #(#arms)*
                    #fallback
                }
            }
        }
    })
}

/// `impl RejectedProperties` for an operation's error enum: the names that
/// the bodies with `x-rejected-properties` report, none for the others; so
/// a tool reports them for any operation.
fn rejected_properties(api: &Api, name: &syn::Ident, cases: &[&ResponseCase]) -> TokenStream {
    let arms = cases.iter().filter_map(|case| {
        let Body::Schema(schema) = &case.body else {
            return None;
        };
        let rust_name = names::type_name(schema);
        api.schemas.get(&rust_name)?.rejected.as_ref()?;
        let variant = format_ident!("{}", variant_name(case.status));
        Some(quote!(Self::#variant(body) => body.rejected_properties(),))
    });
    quote! {
        impl crate::RejectedProperties for #name {
            fn rejected_properties(&self) -> Vec<&str> {
                #[allow(unreachable_patterns)]
                match self {
                    #(#arms)*
                    _ => Vec::new(),
                }
            }
        }
    }
}

/// `body`, or `_` when no case decodes one.
fn body_parameter(cases: &[&ResponseCase]) -> TokenStream {
    if cases.iter().all(|case| case.body == Body::None) {
        quote!(_)
    } else {
        quote!(body)
    }
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

fn variant_name(status: Status) -> String {
    match status {
        Status::Code(code) => names::status_variant(code),
        Status::Range(class) => format!("Status{class}xx"),
        Status::Default => "Other".to_owned(),
    }
}

fn status_pattern(status: Status) -> TokenStream {
    let literal = proc_macro2::Literal::u16_unsuffixed;
    match status {
        Status::Code(code) => {
            let code = literal(code);
            quote!(#code)
        }
        Status::Range(class) => {
            let (low, high) = (literal(class * 100), literal(class * 100 + 99));
            quote!(#low..=#high)
        }
        Status::Default => quote!(_),
    }
}

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

pub(crate) fn lib_module(settings: &Settings, api: &Api) -> TokenStream {
    let mut doc = format!("# {}\n", api.title);
    if let Some(description) = &api.description {
        doc.push_str(&format!("\n{}\n", description.trim()));
    }
    let crate_ident = settings.crate_name.replace('-', "_");
    let token = if api.credential_kind.is_some() {
        "\"<token>\""
    } else {
        ""
    };
    let example = match &api.default_base_url {
        Some(_) => format!("let client = {crate_ident}::Client::new({token})?;"),
        None => format!(
            "let client = {crate_ident}::Client::builder({token})\n    .base_url(\"https://api.example.com\")\n    .build()?;"
        ),
    };
    doc.push_str(&format!(
        "\n```no_run\n# fn main() -> Result<(), {crate_ident}::BuildError> {{\n{example}\n# let _ = client;\n# Ok(())\n# }}\n```"
    ));
    let exports = [quote!(Client), quote!(OPERATIONS)]
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
            let mut bodies: Vec<&Body> = operation
                .responses
                .iter()
                .filter(|case| case.status.is_success())
                .map(|case| &case.body)
                .collect();
            bodies.dedup();
            if bodies.len() > 1 {
                idents.push(format_ident!("{}Success", pascal));
            }
            idents.into_iter().map(|ident| quote!(#ident))
        }));
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
        /// The spec's schemas as Rust types.
        #[allow(clippy::all)]
        pub mod types;

        pub use client::{#(#exports),*};
        pub use runtime::{ApiError, BuildError, ClientBuilder, Credentials, Error, FieldInfo, FieldKind, Listed, Nullable, OAuthRefresh, OperationPolicy, RateBudget, RateLimit, RejectedProperties, RequestFields, Response, RetryPolicy, RetryRule, SecretToken, UnexpectedResponse};
    }
}

pub(crate) fn manifest(settings: &Settings, uses: ExternalTypes, preamble: &str) -> String {
    let mut out = preamble.to_owned();
    out.push_str("\n[package]\n");
    out.push_str(&format!("name = {}\n", toml_string(&settings.crate_name)));
    out.push_str(&format!(
        "version = {}\n",
        toml_string(&settings.crate_version)
    ));
    out.push_str("edition = \"2024\"\nrust-version = \"1.88\"\n");
    if let Some(description) = &settings.description {
        out.push_str(&format!("description = {}\n", toml_string(description)));
    }
    if let Some(license) = &settings.license {
        out.push_str(&format!("license = {}\n", toml_string(license)));
    }
    for (key, value) in [
        ("readme", &settings.readme),
        ("repository", &settings.repository),
        ("documentation", &settings.documentation),
    ] {
        if let Some(value) = value {
            out.push_str(&format!("{key} = {}\n", toml_string(value)));
        }
    }
    if !settings.publish {
        out.push_str("publish = false\n");
    }
    out.push_str("\n[dependencies]\n");
    // The runtime's own dependencies, as its manifest lists them.
    let runtime: toml::Table =
        toml::from_str(crate::render::RUNTIME_MANIFEST).expect("the runtime's Cargo.toml parses");
    let mut dependencies: Vec<(String, String)> = runtime["dependencies"]
        .as_table()
        .expect("the runtime has dependencies")
        .iter()
        .map(|(name, spec)| (name.clone(), inline_toml(spec)))
        .collect();
    if uses.chrono {
        dependencies.push((
            "chrono".to_owned(),
            "{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }"
                .to_owned(),
        ));
    }
    if uses.regress {
        dependencies.push(("regress".to_owned(), "\"0.10\"".to_owned()));
    }
    if uses.uuid {
        dependencies.push((
            "uuid".to_owned(),
            "{ version = \"1\", features = [\"serde\"] }".to_owned(),
        ));
    }
    dependencies.sort();
    for (name, spec) in dependencies {
        out.push_str(&format!("{name} = {spec}\n"));
    }
    out
}

/// A dependency's TOML value on one line, keys in the manifest's order.
fn inline_toml(value: &toml::Value) -> String {
    match value {
        toml::Value::String(text) => toml_string(text),
        toml::Value::Boolean(flag) => flag.to_string(),
        toml::Value::Integer(number) => number.to_string(),
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(inline_toml).collect();
            format!("[{}]", items.join(", "))
        }
        toml::Value::Table(table) => {
            // `version` first, as people write it.
            let mut keys: Vec<&String> = table.keys().collect();
            keys.sort_by_key(|key| (key.as_str() != "version", key.as_str()));
            let pairs: Vec<String> = keys
                .into_iter()
                .map(|key| format!("{key} = {}", inline_toml(&table[key])))
                .collect();
            format!("{{ {} }}", pairs.join(", "))
        }
        other => panic!("the runtime's manifest has an unexpected value: {other:?}"),
    }
}

fn toml_string(value: &str) -> String {
    // A TOML basic string has JSON's escapes.
    serde_json::Value::String(value.to_owned()).to_string()
}
