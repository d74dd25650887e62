//! Puts back, in progenitor's raw client, the wire names of the parameters
//! `lower` showed it under their Rust names (`x-rust-name`): progenitor
//! writes a parameter's name as a string literal (`QueryParam::new`, the
//! header map, the runtime's styled queries), so each literal that is a
//! renamed parameter's Rust name in its operation's method becomes the
//! wire name.

use syn::visit_mut::VisitMut;

use crate::model::Api;

pub(crate) fn restore(api: &Api, client: &mut [syn::Item]) {
    crate::syntax::rewrite_operation_methods(
        api,
        client,
        |operation| {
            let renamed: &[(String, String)] = &operation.renamed_parameters;
            (!renamed.is_empty()).then_some(renamed)
        },
        |renamed, block| Restore { renamed }.visit_block_mut(block),
    );
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
