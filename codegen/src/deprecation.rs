//! `deprecated: true` on a property: its struct field and its setters
//! (`x`, `clear_x`) carry `#[deprecated]`, with the property's description
//! as the note, so the compiler warns callers who still use them. The
//! generated code's own uses (the struct's derives, `new`, the other
//! setters, `validate`, the tolerant reader…) are `#[allow(deprecated)]`,
//! so the crate itself builds without a warning.

use std::collections::BTreeMap;

use syn::{ImplItem, Item, parse_quote};

use crate::model::Api;
use crate::syntax::{type_ident, wire_name};

/// Marks what the model's deprecated properties become in `types`.
pub(crate) fn mark(api: &Api, types: &mut [Item]) {
    // Rust type name → (Rust field name → note).
    let mut deprecated: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for item in types.iter_mut() {
        let Item::Struct(item) = item else { continue };
        let Some(schema) = api.schemas.get(&item.ident.to_string()) else {
            continue;
        };
        let syn::Fields::Named(fields) = &mut item.fields else {
            continue;
        };
        for field in fields.named.iter_mut() {
            let Some(note) = schema
                .field(&wire_name(field))
                .and_then(|property| property.deprecated.as_ref())
            else {
                continue;
            };
            field.attrs.push(deprecated_attribute(note));
            let name = field.ident.as_ref().expect("named field").to_string();
            deprecated
                .entry(item.ident.to_string())
                .or_default()
                .insert(name, note.clone());
        }
    }
    if deprecated.is_empty() {
        return;
    }
    for item in types.iter_mut() {
        match item {
            Item::Struct(item) if deprecated.contains_key(&item.ident.to_string()) => {
                item.attrs.push(parse_quote!(#[allow(deprecated)]));
            }
            Item::Impl(block) => {
                let Some(fields) =
                    type_ident(&block.self_ty).and_then(|ident| deprecated.get(&ident.to_string()))
                else {
                    continue;
                };
                block.attrs.push(parse_quote!(#[allow(deprecated)]));
                if block.trait_.is_none() {
                    mark_setters(&mut block.items, fields);
                }
            }
            _ => {}
        }
    }
}

/// The setters of the deprecated `fields` (field name → note): the method
/// named after the field, and `clear_<field>`.
fn mark_setters(items: &mut [ImplItem], fields: &BTreeMap<String, String>) {
    for item in items {
        let ImplItem::Fn(method) = item else { continue };
        let name = method.sig.ident.to_string();
        let field = fields.get(&name).or_else(|| {
            let cleared = name.strip_prefix("clear_")?;
            fields.get(cleared)
        });
        if let Some(note) = field {
            method.attrs.push(deprecated_attribute(note));
        }
    }
}

fn deprecated_attribute(note: &str) -> syn::Attribute {
    if note.is_empty() {
        parse_quote!(#[deprecated])
    } else {
        let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
        parse_quote!(#[deprecated(note = #note)])
    }
}
