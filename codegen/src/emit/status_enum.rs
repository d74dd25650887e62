//! The per-operation enums of answers by status (`<Operation>Error`, and
//! `<Operation>Success` when successes differ), each with its decoder and,
//! for error enums, `impl RejectedProperties`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{body_type, doc};
use crate::Error;
use crate::model::{Api, Body, Operation, ResponseCase, Status};
use crate::names;
use crate::progenitor_pass::RawOutput;

/// An enum with one variant per declared status and its decoder.
pub(super) fn status_enum(
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
                arms.push(quote!(#pattern => Some(Ok(Self::#variant(body.bytes().to_vec()))),));
            }
            body => {
                let ty = body_type(operation, body, raw)?;
                variants.push(quote!(#variant_doc #variant(#ty),));
                arms.push(quote!(#pattern => Some(body.json().map(Self::#variant)),));
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
            fn decode(status: u16, #body_parameter: runtime::Payload<'_>) -> Option<Result<Self, serde_json::Error>> {
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
pub(super) fn rejected_properties(
    api: &Api,
    name: &syn::Ident,
    cases: &[&ResponseCase],
) -> TokenStream {
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

/// The bodies of the successes among `cases`, consecutive repeats once:
/// when more than one remains, the successes get an enum by status.
pub(super) fn success_bodies<'a>(
    cases: impl IntoIterator<Item = &'a ResponseCase>,
) -> Vec<&'a Body> {
    let mut bodies: Vec<&Body> = cases
        .into_iter()
        .filter(|case| case.status.is_success())
        .map(|case| &case.body)
        .collect();
    bodies.dedup();
    bodies
}

/// `body`, or `_` when no case decodes one.
pub(super) fn body_parameter(cases: &[&ResponseCase]) -> TokenStream {
    if cases.iter().all(|case| case.body == Body::None) {
        quote!(_)
    } else {
        quote!(body)
    }
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
