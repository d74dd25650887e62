//! Personal data never shows in `Debug` output: a struct with a property
//! marked `x-sensitive: true` loses typify's derived `Debug`, and gets one
//! written here that prints every field as the derive would, but the
//! sensitive ones as `<redacted>`. Callers log requests and answers with
//! `{:?}`, and a value in a log is a value disclosed.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::{Item, parse_quote};

use crate::model::Api;
use crate::syntax::wire_name;

/// What `Debug` prints in place of a sensitive value.
const REDACTED: &str = "<redacted>";

/// Redacts the sensitive fields of every struct in `types` in its `Debug`.
pub(crate) fn redact_sensitive(api: &Api, types: &mut Vec<Item>) {
    let mut impls = Vec::new();
    for item in types.iter_mut() {
        let Item::Struct(item) = item else { continue };
        let Some(schema) = api.schemas.get(&item.ident.to_string()) else {
            continue;
        };
        let syn::Fields::Named(fields) = &item.fields else {
            continue;
        };
        let is_sensitive = |field: &syn::Field| {
            schema
                .field(&wire_name(field))
                .is_some_and(|property| property.sensitive)
        };
        if !fields.named.iter().any(is_sensitive) {
            continue;
        }
        let entries = fields.named.iter().map(|field| {
            let ident = field.ident.as_ref().expect("named field");
            let label = ident.unraw().to_string();
            if is_sensitive(field) {
                quote!(.field(#label, &::std::format_args!(#REDACTED)))
            } else {
                quote!(.field(#label, &self.#ident))
            }
        });
        let debug = debug_impl(item, entries.collect());
        drop_derived_debug(item);
        impls.push(debug);
    }
    types.extend(impls.into_iter().map(|tokens| parse_quote!(#tokens)));
}

fn debug_impl(item: &syn::ItemStruct, entries: Vec<TokenStream>) -> TokenStream {
    let name = &item.ident;
    let label = name.unraw().to_string();
    let (impl_generics, type_generics, where_clause) = item.generics.split_for_impl();
    quote! {
        impl #impl_generics ::std::fmt::Debug for #name #type_generics #where_clause {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    }
}

/// Removes `Debug` from the struct's `#[derive(...)]`, keeping the rest.
fn drop_derived_debug(item: &mut syn::ItemStruct) {
    for attr in &mut item.attrs {
        if attr.path().is_ident("derive")
            && let Ok(paths) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
        {
            let kept = paths.into_iter().filter(|path| {
                path.segments
                    .last()
                    .is_none_or(|segment| segment.ident != "Debug")
            });
            *attr = parse_quote!(#[derive(#(#kept),*)]);
        }
    }
}
