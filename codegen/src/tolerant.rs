//! A tolerant reader: what the client receives decodes even when the server
//! sends what the spec did not foresee. Servers add values and change shapes
//! without notice, and an answer that fails to decode turns a write the
//! server applied into an error.
//!
//! In structs reachable from a response (tolerance is in `Deserialize` only,
//! so what is sent is unchanged):
//! - an optional field reads `null`, or a value of another shape (a date
//!   that is not RFC 3339, a list where text was expected), as absent
//!   (`runtime::lenient`); a list or map field reads them as empty. The
//!   value stays in the answer's raw JSON.
//! - required fields stay strict: they are what a caller cannot do without.
//!
//! Enums of values used only in what is received get an `Unknown(String)`
//! variant, under a name no spec value takes: a value the API adds is kept,
//! visible and serialized back unchanged. They are `#[non_exhaustive]`, so a
//! value the spec adds later breaks no caller. Enums used in requests stay
//! closed: a request never sends a value the spec does not list.

use std::collections::BTreeSet;

use quote::format_ident;
use syn::visit::Visit;
use syn::{Item, parse_quote};

use crate::rules;

use crate::syntax::{generic_inner, option_inner, serde_settings, type_ident, vec_inner};

pub(crate) fn tolerate(types: &mut [Item], received: &BTreeSet<String>, sent: &BTreeSet<String>) {
    let mut in_sent = TypeNames::default();
    let mut in_received = TypeNames::default();
    for item in types.iter_mut() {
        let Item::Struct(item) = item else { continue };
        let name = item.ident.to_string();
        if sent.contains(&name) {
            in_sent.visit_fields(&item.fields);
        }
        if received.contains(&name) {
            in_received.visit_fields(&item.fields);
            if let syn::Fields::Named(fields) = &mut item.fields {
                fields.named.iter_mut().for_each(read_leniently);
            }
        }
    }
    let mut opened = std::collections::BTreeMap::new();
    for item in types.iter_mut() {
        let Item::Enum(item) = item else { continue };
        let name = item.ident.to_string();
        let exhaustive = if in_sent.0.contains(&name) {
            rules::REQUEST_ENUMS_EXHAUSTIVE
        } else {
            rules::RESPONSE_ENUMS_EXHAUSTIVE
        };
        if in_received.0.contains(&name)
            && !exhaustive
            && let Some(unknown) = open_enum(item)
        {
            opened.insert(name, unknown);
        }
    }
    for item in types.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let displays = block
            .trait_
            .as_ref()
            .is_some_and(|(path, _)| path.segments.last().is_some_and(|s| s.ident == "Display"));
        if displays
            && let Some(unknown) =
                type_ident(&block.self_ty).and_then(|name| opened.get(&name.to_string()))
        {
            display_unknown(block, unknown);
        }
    }
}

/// The names the fields' types refer to, at any depth (`Contact` in
/// `Option<Vec<Contact>>`).
#[derive(Default)]
struct TypeNames(BTreeSet<String>);

impl TypeNames {
    fn visit_fields(&mut self, fields: &syn::Fields) {
        for field in fields {
            self.visit_type(&field.ty);
        }
    }
}

impl<'ast> Visit<'ast> for TypeNames {
    fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
        self.0.insert(segment.ident.to_string());
        syn::visit::visit_path_segment(self, segment);
    }
}

fn read_leniently(field: &mut syn::Field) {
    let helper = if option_inner(&field.ty).is_some() {
        "crate::runtime::lenient"
    } else if vec_inner(&field.ty).is_some() || generic_inner(&field.ty, "BTreeMap").is_some() {
        "crate::runtime::lenient_or_default"
    } else {
        return;
    };
    let serde = serde_settings(&field.attrs);
    // Typify gives a required nullable field (`Option<T>` that must be present)
    // its own `deserialize_with`: required fields stay strict.
    if serde.contains_key("deserialize_with") {
        return;
    }
    // `default` alone: a missing field reads as `None` or empty. A default
    // the spec gives (`default = "defaults::…"`) is not that.
    let has_default = matches!(serde.get("default"), Some(None));
    if !has_default && helper.ends_with("lenient_or_default") {
        // A list or map that may be missing needs `default` as well; typify
        // gives its optional ones `default` already.
        return;
    }
    field.attrs.push(if has_default {
        parse_quote!(#[serde(deserialize_with = #helper)])
    } else {
        parse_quote!(#[serde(default, deserialize_with = #helper)])
    });
}

/// The name of the variant that keeps unknown values: `Unknown`, or
/// `UnknownValue`, `UnknownValue2`… when the spec's values take it.
fn unknown_variant(item: &syn::ItemEnum) -> syn::Ident {
    let taken: BTreeSet<String> = item.variants.iter().map(|v| v.ident.to_string()).collect();
    ["Unknown".to_owned(), "UnknownValue".to_owned()]
        .into_iter()
        .chain((2..).map(|n| format!("UnknownValue{n}")))
        .find(|name| !taken.contains(name))
        .map(|name| format_ident!("{}", name))
        .expect("some name is free")
}

const UNKNOWN_DOC: &str = " A value the spec does not list, as the server sent it.";

/// Adds the unknown variant to an enum of string values; returns its name.
fn open_enum(item: &mut syn::ItemEnum) -> Option<syn::Ident> {
    let string_values = item
        .variants
        .iter()
        .all(|variant| matches!(variant.fields, syn::Fields::Unit));
    if !string_values || item.variants.is_empty() {
        return None;
    }
    let unknown = unknown_variant(item);
    // `Copy` cannot hold the text of an unknown value.
    for attr in &mut item.attrs {
        if attr.path().is_ident("derive")
            && let Ok(paths) = attr.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
        {
            let kept = paths.into_iter().filter(|path| !path.is_ident("Copy"));
            *attr = parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    item.attrs.push(parse_quote!(#[non_exhaustive]));
    item.variants.push(parse_quote! {
        #[doc = #UNKNOWN_DOC]
        #[serde(untagged)]
        #unknown(::std::string::String)
    });
    Some(unknown)
}

/// Typify's `Display` matches every value; an opened enum's unknown value
/// is written as received.
fn display_unknown(block: &mut syn::ItemImpl, unknown: &syn::Ident) {
    for item in &mut block.items {
        let syn::ImplItem::Fn(function) = item else {
            continue;
        };
        for statement in &mut function.block.stmts {
            if let syn::Stmt::Expr(syn::Expr::Match(matched), _) = statement {
                matched
                    .arms
                    .push(parse_quote!(Self::#unknown(ref value) => f.write_str(value),));
            }
        }
    }
}
