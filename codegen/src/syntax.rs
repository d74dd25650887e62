//! Questions about generated syntax trees: one answer each.
//!
//! The passes after progenitor decide on typify's and progenitor's output by
//! its structure, never by its printed text: printed text depends on how
//! `quote` spaces tokens, and a substring takes one name for another
//! (`String` in `StringList`, `defaults::a` in `defaults::a_b`).

use std::collections::BTreeMap;

use syn::visit::Visit;

/// `T` when `path` ends in `name<T>`: `&str` for
/// `::std::convert::TryFrom<&str>`. Only the last segment counts, since
/// typify writes full paths (`::std::option::Option`) and `wire` writes
/// `crate::Nullable`.
pub(crate) fn path_argument<'p>(path: &'p syn::Path, name: &str) -> Option<&'p syn::Type> {
    let last = path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// `T` when `ty` is `name<T>`, under any path.
pub(crate) fn generic_inner<'t>(ty: &'t syn::Type, name: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    path_argument(&path.path, name)
}

pub(crate) fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_inner(ty, "Option")
}

pub(crate) fn nullable_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_inner(ty, "Nullable")
}

pub(crate) fn vec_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_inner(ty, "Vec")
}

/// The name a path type ends in: `Contact` for `Contact` and for
/// `types::Contact`, `String` for `::std::string::String`. Typify writes the
/// types it defines by this name alone (`impl Display for Contact`), and
/// the standard ones by their full path.
pub(crate) fn type_ident(ty: &syn::Type) -> Option<&syn::Ident> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    path.path.segments.last().map(|segment| &segment.ident)
}

/// Whether `ty` is `&str`, whatever its lifetime.
pub(crate) fn is_str_ref(ty: &syn::Type) -> bool {
    let syn::Type::Reference(reference) = ty else {
        return false;
    };
    let syn::Type::Path(referent) = &*reference.elem else {
        return false;
    };
    reference.mutability.is_none() && referent.qself.is_none() && referent.path.is_ident("str")
}

/// A syntax tree a [`Visit`] can walk from.
pub(crate) trait Node {
    fn accept<'ast>(&'ast self, visitor: &mut impl Visit<'ast>);
}

impl Node for syn::Item {
    fn accept<'ast>(&'ast self, visitor: &mut impl Visit<'ast>) {
        visitor.visit_item(self);
    }
}

impl Node for syn::Signature {
    fn accept<'ast>(&'ast self, visitor: &mut impl Visit<'ast>) {
        visitor.visit_signature(self);
    }
}

/// Whether a path in `node` reaches into the module `name`, as
/// `types::Contact` reaches into `types`: code that does needs the module in
/// scope. Paths inside a macro call are tokens, not seen here; progenitor
/// names types outside them.
pub(crate) fn mentions_module(node: &impl Node, name: &str) -> bool {
    any_path(node, |path| {
        let mut modules = path.segments.iter().rev().skip(1);
        modules.any(|segment| segment.ident == name)
    })
}

/// Whether a path in `node` names `name` in any segment (`ResponseValue`,
/// `ResponseValue::stream`). Paths inside a macro call are not seen.
pub(crate) fn mentions_ident(node: &impl Node, name: &str) -> bool {
    any_path(node, |path| {
        path.segments.iter().any(|segment| segment.ident == name)
    })
}

/// Whether some path in `node` satisfies `test`.
fn any_path(node: &impl Node, test: impl Fn(&syn::Path) -> bool) -> bool {
    struct Paths<F> {
        test: F,
        found: bool,
    }
    impl<'ast, F: Fn(&syn::Path) -> bool> Visit<'ast> for Paths<F> {
        fn visit_path(&mut self, path: &'ast syn::Path) {
            self.found |= (self.test)(path);
            syn::visit::visit_path(self, path);
        }
    }
    let mut paths = Paths { test, found: false };
    node.accept(&mut paths);
    paths.found
}

/// Removes the imports of `names` from a `use` tree's groups
/// (`use a::{B, C}` without `C`).
pub(crate) fn drop_use_names(tree: &mut syn::UseTree, names: &[&str]) {
    match tree {
        syn::UseTree::Path(path) => drop_use_names(&mut path.tree, names),
        syn::UseTree::Group(group) => {
            group.items = std::mem::take(&mut group.items)
                .into_iter()
                .filter(|item| {
                    !matches!(item, syn::UseTree::Name(used) if names.iter().any(|name| used.ident == name))
                })
                .collect();
            group
                .items
                .iter_mut()
                .for_each(|item| drop_use_names(item, names));
        }
        _ => {}
    }
}

/// The keys of the `#[serde(…)]` attributes among `attrs`, each with its
/// string value, or `None` for a key without one: a flag such as `default`
/// (the type's own default), unlike `default = "defaults::…"` (the spec's).
/// A key given twice keeps its first value (serde itself refuses the second).
pub(crate) fn serde_settings(attrs: &[syn::Attribute]) -> BTreeMap<String, Option<String>> {
    let mut settings = BTreeMap::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        // A malformed attribute keeps the keys read before the fault; serde
        // reports it when the crate compiles.
        let _ = attr.parse_nested_meta(|meta| {
            let value = if meta.input.peek(syn::Token![=]) {
                match meta.value()?.parse::<syn::Expr>()? {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) => Some(text.value()),
                    _ => None,
                }
            } else {
                if meta.input.peek(syn::token::Paren) {
                    // A list such as `rename(serialize = "…")`.
                    meta.input.parse::<proc_macro2::Group>()?;
                }
                None
            };
            if let Some(key) = meta.path.get_ident() {
                settings.entry(key.to_string()).or_insert(value);
            }
            Ok(())
        });
    }
    settings
}

/// A field's name on the wire: its serde `rename`, else its Rust name.
pub(crate) fn wire_name(field: &syn::Field) -> String {
    match serde_settings(&field.attrs).remove("rename").flatten() {
        Some(rename) => rename,
        None => field
            .ident
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    }
}

/// Calls `rewrite` on the body of each method of progenitor's raw client
/// whose operation `pick` selects, with what it picked.
pub(crate) fn rewrite_operation_methods<'a, T: Copy>(
    api: &'a crate::model::Api,
    client: &mut [syn::Item],
    pick: impl Fn(&'a crate::model::Operation) -> Option<T>,
    mut rewrite: impl FnMut(T, &mut syn::Block),
) {
    let by_method: BTreeMap<String, T> = api
        .operations
        .iter()
        .filter_map(|operation| Some((crate::names::method_name(&operation.id), pick(operation)?)))
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
                && let Some(picked) = by_method.get(&function.sig.ident.to_string())
            {
                rewrite(*picked, &mut function.block);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::*;

    #[test]
    fn a_bare_serde_flag_is_not_a_setting_with_a_value() {
        let field: syn::Field = parse_quote! {
            #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
            pub id_2: Option<String>
        };
        let settings = serde_settings(&field.attrs);
        assert_eq!(settings["default"], None);
        assert_eq!(settings["rename"].as_deref(), Some("ID"));
        assert_eq!(wire_name(&field), "ID");

        let field: syn::Field = parse_quote! {
            #[serde(default = "defaults::contact_status")]
            pub status: Status
        };
        let settings = serde_settings(&field.attrs);
        assert_eq!(
            settings["default"].as_deref(),
            Some("defaults::contact_status")
        );
        assert_eq!(wire_name(&field), "status");
    }

    #[test]
    fn a_module_is_mentioned_by_a_path_through_it_only() {
        let signature: syn::Signature =
            parse_quote!(fn get(&self, id: &'a types::ContactId) -> Result<()>);
        assert!(mentions_module(&signature, "types"));
        let item: syn::Item = parse_quote!(
            fn types(types: my_types::Types) -> types {}
        );
        assert!(!mentions_module(&item, "types"));
    }

    #[test]
    fn a_str_reference_has_any_lifetime_and_no_mut() {
        assert!(is_str_ref(&parse_quote!(&'a str)));
        assert!(is_str_ref(&parse_quote!(&str)));
        assert!(!is_str_ref(&parse_quote!(&'a mut str)));
        assert!(!is_str_ref(&parse_quote!(&'a types::Id)));
    }

    #[test]
    fn generic_types_are_known_by_their_last_segment() {
        let ty: syn::Type = parse_quote!(::std::option::Option<::std::vec::Vec<Tag>>);
        let inner = option_inner(&ty).expect("an option");
        assert!(vec_inner(inner).is_some());
        assert!(nullable_inner(&ty).is_none());
        let list: syn::Type = parse_quote!(::std::vec::Vec<::std::string::String>);
        assert_eq!(
            type_ident(&list).map(ToString::to_string).as_deref(),
            Some("Vec")
        );
    }
}
