//! One `Client` method per operation: progenitor's signature with the
//! facade's result type, the checks its arguments get before anything is
//! sent, and the decoding of the answer by status.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::status_enum::{body_parameter, rejected_properties, status_enum, success_bodies};
use super::{body_type, doc};
use crate::Error;
use crate::model::{Api, Body, Operation, ResponseCase};
use crate::names;
use crate::progenitor_pass::{RawMethod, RawOutput};

/// The method of `operation`, and the status enums its result names.
/// `validated`: the request types `wire` gave a `validate` method.
pub(super) fn operation_method(
    crate_name: &str,
    api: &Api,
    validated: &BTreeSet<String>,
    operation: &Operation,
    raw_method: &RawMethod,
    raw: &RawOutput,
) -> Result<(TokenStream, Vec<TokenStream>), Error> {
    let (successes, errors): (Vec<&ResponseCase>, Vec<&ResponseCase>) = operation
        .responses
        .iter()
        .partition(|case| case.status.is_success());
    let mut enums = Vec::new();
    let (success_type, success_decoder) = success_decoding(operation, &successes, raw, &mut enums)?;
    let error_name = format_ident!("{}Error", names::type_name(&operation.id));
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
    let mut checks = argument_checks(&mut signature, operation, validated, raw);
    if operation.multipart_body {
        checks.push(multipart_argument(&mut signature));
    }
    let method_ident = &signature.ident;
    let (resendable, arguments) = attempt_arguments(&signature);
    let repeat_safe = repeat_safe(&signature, operation);
    let hook_id = names::method_name(&operation.id);
    let docs = &raw_method.docs;
    let example = operation
        .rust_example
        .as_deref()
        .map(|snippet| doc(&example_doc(crate_name, snippet)));
    let answers = crate::answer_shapes::answers_ident(operation);
    let method = quote! {
        #(#docs)*
        #example
        pub #signature {
            #(#checks)*
            #(#resendable)*
            // `attempt` first: it names the arguments, which `repeat_safe`
            // could shadow; `repeat_safe` names only `body`.
            let attempt = || Some(self.raw.#method_ident(#(#arguments),*));
            let repeat_safe = #repeat_safe;
            let sent = self.raw.inner.send(&self.raw.client, #hook_id, &repeat_safe, attempt).await;
            runtime::receive(&crate::shapes::#answers, self.raw.inner.drift(), sent, #success_decoder, #error_name::decode, &repeat_safe).await
        }
    };
    Ok((method, enums))
}

/// The success type and its decoder: `()` when no success is declared, the
/// one body type all successes share, or else an enum by status (pushed
/// onto `enums`).
fn success_decoding(
    operation: &Operation,
    successes: &[&ResponseCase],
    raw: &RawOutput,
    enums: &mut Vec<TokenStream>,
) -> Result<(TokenStream, TokenStream), Error> {
    Ok(match success_bodies(successes.iter().copied()).as_slice() {
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
                Body::Bytes => quote!(Ok(body.bytes().to_vec())),
                _ => quote!(body.json()),
            };
            let body = body_parameter(successes);
            (
                ty,
                quote!(|status, #body| (200..300).contains(&status).then(|| #decode)),
            )
        }
        _ => {
            let name = format_ident!("{}Success", names::type_name(&operation.id));
            let doc = format!(
                "The answers `{}` declares as successful, by status.",
                operation.id
            );
            enums.push(status_enum(&name, &doc, operation, successes, raw)?);
            (quote!(#name), quote!(#name::decode))
        }
    })
}

/// The checks made before sending: a request type's `validate`, and a path
/// parameter's text, which must make one path segment. A checked string
/// newtype parameter is taken as `&str` and converted here, so its check
/// fails as an invalid request.
fn argument_checks(
    signature: &mut syn::Signature,
    operation: &Operation,
    validated: &BTreeSet<String>,
    raw: &RawOutput,
) -> Vec<TokenStream> {
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
    checks
}

/// A multipart body is taken as the caller's form (progenitor's raw client
/// takes any bytes), and encoded before sending.
fn multipart_argument(signature: &mut syn::Signature) -> TokenStream {
    for input in signature.inputs.iter_mut() {
        if let syn::FnArg::Typed(typed) = input
            && matches!(&*typed.pat, syn::Pat::Ident(p) if p.ident == "body")
        {
            *typed.ty = syn::parse_quote!(runtime::multipart::Form);
        }
    }
    // The raw client's `B: Into<reqwest::Body>` is now the encoded bytes.
    signature.generics.params = std::mem::take(&mut signature.generics.params)
        .into_iter()
        .filter(|param| !matches!(param, syn::GenericParam::Type(_)))
        .collect();
    quote! {
        let body = runtime::multipart::form_bytes(body).await.map_err(Error::InvalidRequest)?;
    }
}

/// What each attempt passes the raw method, which makes the request afresh:
/// references and copies of the arguments, and the next body of an octet
/// stream (taken as `B: Into<reqwest::Body>`), which the statements first
/// make [`Resendable`](runtime::Resendable).
fn attempt_arguments(signature: &syn::Signature) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let generic = |ty: &syn::Type| {
        signature.generics.type_params().any(|param| {
            matches!(ty, syn::Type::Path(path) if path.qself.is_none() && path.path.is_ident(&param.ident))
        })
    };
    let mut statements = Vec::new();
    let mut arguments = Vec::new();
    for input in &signature.inputs {
        let syn::FnArg::Typed(typed) = input else {
            continue;
        };
        let argument = &typed.pat;
        arguments.push(match &*typed.ty {
            syn::Type::Reference(_) => quote!(#argument),
            ty if generic(ty) => {
                statements.push(
                    quote!(let mut #argument = runtime::Resendable::new(#argument.into()).await;),
                );
                quote!(#argument.for_attempt()?)
            }
            // Simple enums and numbers are `Copy`; an opened enum, a text
            // body or a multipart form's bytes are not.
            _ => quote!(::std::clone::Clone::clone(&#argument)),
        });
    }
    (statements, arguments)
}

/// The closure that says whether the request may be repeated. The retry
/// rule reads a typed body as JSON, only when an outcome is in doubt.
fn repeat_safe(signature: &syn::Signature, operation: &Operation) -> TokenStream {
    let sends_typed_body = signature.inputs.iter().any(|input| {
        matches!(input, syn::FnArg::Typed(typed)
            if matches!(&*typed.pat, syn::Pat::Ident(p) if p.ident == "body")
                && referenced_type(&typed.ty).is_some())
    });
    let hook_id = names::method_name(&operation.id);
    if sends_typed_body {
        quote!(|| self.raw.inner.repeat_safe(#hook_id, serde_json::to_value(body).ok().as_ref()))
    } else {
        quote!(|| self.raw.inner.repeat_safe(#hook_id, None))
    }
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
