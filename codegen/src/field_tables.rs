//! Gives each request type the table of its properties
//! (`impl RequestFields`), from the model, so that tools built on the crate
//! read the spec's fields instead of typing them again.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Item;

use crate::model::{Api, Field, FieldKind};

/// `impl RequestFields for T` for every struct that a request sends.
pub(crate) fn tables(api: &Api, types: &[Item]) -> Vec<Item> {
    let structs: std::collections::BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(item) => Some(item.ident.to_string()),
            _ => None,
        })
        .collect();
    api.schemas
        .iter()
        .filter(|(rust_name, schema)| schema.flow.sent() && structs.contains(*rust_name))
        .map(|(rust_name, schema)| {
            let ty = format_ident!("{}", rust_name);
            let fields = schema.fields.iter().map(field_info);
            syn::parse_quote! {
                impl crate::RequestFields for #ty {
                    const FIELDS: &'static [crate::FieldInfo] = &[#(#fields),*];
                }
            }
        })
        .collect()
}

fn field_info(field: &Field) -> TokenStream {
    let Field {
        wire_name,
        required,
        nullable,
        summary,
        ..
    } = field;
    let kind = kind(&field.kind, field.unlisted);
    let format = match &field.format {
        Some(format) => quote!(Some(#format)),
        None => quote!(None),
    };
    quote! {
        crate::FieldInfo {
            wire_name: #wire_name,
            kind: #kind,
            required: #required,
            nullable: #nullable,
            format: #format,
            doc: #summary,
        }
    }
}

fn kind(kind: &FieldKind, unlisted: bool) -> TokenStream {
    match kind {
        FieldKind::String => quote!(crate::FieldKind::String),
        FieldKind::Boolean => quote!(crate::FieldKind::Boolean),
        FieldKind::Integer => quote!(crate::FieldKind::Integer),
        FieldKind::Number => quote!(crate::FieldKind::Number),
        FieldKind::Enum(values) => quote!(crate::FieldKind::Enum {
            values: &[#(#values),*],
            unlisted: #unlisted,
        }),
        FieldKind::Object => quote!(crate::FieldKind::Object),
        FieldKind::List(items) => {
            let items = self::kind(items, unlisted);
            quote!(crate::FieldKind::List(&#items))
        }
        FieldKind::Any => quote!(crate::FieldKind::Any),
    }
}
