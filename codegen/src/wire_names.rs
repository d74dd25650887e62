//! Puts back, in progenitor's raw client, the wire names of the parameters
//! `lower` showed it under their Rust names (`x-rust-name`): progenitor
//! writes a parameter's name as a string literal (`QueryParam::new`, the
//! header map, the runtime's styled queries), so each literal that is a
//! renamed parameter's Rust name in its operation's method becomes the
//! wire name.

use std::collections::BTreeMap;

use syn::visit_mut::VisitMut;

use crate::model::Api;
use crate::names;

pub(crate) fn restore(api: &Api, client: &mut [syn::Item]) {
    let by_method: BTreeMap<String, &[(String, String)]> = api
        .operations
        .iter()
        .filter(|operation| !operation.renamed_parameters.is_empty())
        .map(|operation| {
            (
                names::method_name(&operation.id),
                operation.renamed_parameters.as_slice(),
            )
        })
        .collect();
    if by_method.is_empty() {
        return;
    }
    for item in client.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        for member in block.items.iter_mut() {
            if let syn::ImplItem::Fn(function) = member
                && let Some(renamed) = by_method.get(&function.sig.ident.to_string())
            {
                Restore { renamed }.visit_block_mut(&mut function.block);
            }
        }
    }
}

struct Restore<'r> {
    renamed: &'r [(String, String)],
}

impl VisitMut for Restore<'_> {
    fn visit_lit_str_mut(&mut self, literal: &mut syn::LitStr) {
        let value = literal.value();
        if let Some((_, wire)) = self.renamed.iter().find(|(rust, _)| *rust == value) {
            *literal = syn::LitStr::new(wire, literal.span());
        }
    }
}
